#pragma once
/// @file
/// @brief Analysis methods, registered by name: one file per method family under
/// sim/methods/, each with its per-row accumulation and the series it emits.
///
/// The endpoint's analysis (analysis.cpp) walks a replicate's blocks and owns what several
/// methods share: per-arm statistics, the survival buffers, the data cut, the Kaplan-Meier
/// and true-hazard-ratio caches, the external cohort and its propensity fit. A method sees
/// them through Comparison only. Adding a method is adding a file with one
/// SILICO_REGISTER_METHOD line: its entry carries the method's spec::MethodSchema (the
/// endpoint types, options and needs the spec checks), its measure, how it is created, and
/// the hooks of its interim looks when it may be a group-sequential primary method.

#include <stdexcept>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "sim/analysis.hpp"
#include "sim/simulate.hpp"
#include "spec/method_schema.hpp"
#include "spec/spec.hpp"
#include "stats/estimates.hpp"
#include "stats/regression.hpp"
#include "stats/survival.hpp"
#include "stats/survival_source.hpp"
#include "stats/survival_sweep.hpp"

namespace silico::sim {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr stats::Estimate kNoEstimate{kNaN, kNaN, kNaN, kNaN, kNaN};

/// Appends the five fields of an estimate and its true effect under `prefix`.
void push_estimate(std::vector<Series>& out, const std::string& prefix, const stats::Estimate& e,
                   double truth);

/// Mean of f(row) over the rows of `group` (e.g. of Comparison::potential_rows(), for a
/// truth), in row order; NaN when the group has none.
template <class F>
double group_mean(const stats::SurvivalSource& rows, std::int8_t group, F&& f) {
  double total = 0.0;
  std::uint64_t n = 0;
  rows.forward([&](std::span<const stats::SurvivalRow> batch) {
    for (const auto& r : batch) {
      if (r.group != group) continue;
      total += f(r);
      ++n;
    }
  });
  return n == 0 ? kNaN : total / static_cast<double>(n);
}

/// Cox fit (Efron) of the rows censored at `cut`, and its hazard ratio of the first column.
std::pair<stats::Estimate, stats::CoxFit> cox_estimate(const stats::SurvivalSource& rows,
                                                       double alpha, double cut);

/// What one arm of an endpoint accumulates over walk 1 (valid patients only).
struct ArmSummary {
  std::uint64_t n = 0;
  stats::RunningMoments moments;  ///< observed values (not time to event)
  std::uint64_t responders = 0;   ///< observed value != 0 (not time to event)
  double potential_sum = 0.0;     ///< this arm's potential outcome, over every valid patient
};

/// The external-control cohort, simulated under the control arm.
struct ExternalCohort {
  Eigen::MatrixXd x;  ///< [1, propensity covariates] per patient
  std::vector<double> outcome;
};

/// One comparison (a treated arm against the control arm) of one endpoint of one
/// replicate, as the methods see it. Values of walk 1 are complete from end_collect() on;
/// the caching ones compute on first use and are shared by every method of the comparison.
class Comparison {
 public:
  virtual ~Comparison() = default;
  virtual const spec::TrialSpec& spec() const = 0;
  virtual const spec::EndpointAnalysis& analysis() const = 0;
  /// The index of the comparison's endpoint in the spec (its columns in a Block).
  std::size_t endpoint_index() const {
    const auto& endpoints = spec().analysis.endpoints;
    for (std::size_t e = 0; e < endpoints.size(); ++e) {
      if (&endpoints[e] == &analysis()) return e;
    }
    throw std::logic_error("internal error: the comparison's endpoint is not in the spec");
  }
  double alpha() const { return spec().analysis.alpha; }
  virtual std::size_t treated_arm() const = 0;
  /// PROCOVA's prognostic coefficients (intercept first), empty unless procova is used.
  virtual const std::vector<double>& prognostic() const = 0;

  virtual const ArmSummary& arm_summary(std::size_t arm) const = 0;
  virtual std::uint64_t patients() const = 0;     ///< valid patients of the arm and the control arm
  virtual std::uint64_t valid_count() const = 0;  ///< valid patients of every arm
  /// An empty buffer for rows the method keeps itself (x: `columns` values), from the
  /// run's buffer factory: in memory, or spilled to disk beyond the run's budget, so a
  /// method that walks its rows more than twice (a logistic fit) need not hold them.
  virtual std::unique_ptr<stats::SurvivalBuffer> row_buffer(std::size_t columns) const = 0;
  /// Mean over every valid patient of y(arm) - y(control), NaN without one.
  virtual double true_mean_difference() const = 0;

  // Time to event.
  /// Observed rows of the comparison; x = [treated, adjustment set].
  virtual const stats::SurvivalSource& observed_rows() const = 0;
  /// Both potential outcomes of every valid patient (who had entered by the data cut);
  /// x = [treated, adjustment set] and the patient's stratum, as the observed rows.
  /// Censored only at the end of follow-up.
  virtual const stats::SurvivalSource& potential_rows() const = 0;
  /// Patients in potential_rows().
  virtual std::uint64_t potential_count() const = 0;
  /// The analyses' horizon in time from entry: the longest follow-up anyone has at the data
  /// cut (the cut itself when every patient enters at 0), at most trial.follow_up.
  virtual double cut_time() const = 0;
  /// Calendar time of the data cut (time from the opening of the trial; time from entry
  /// when every patient enters at 0); +inf without a cut or when it is never reached, the
  /// outcomes then being known as observed. outcome_at_cut() (sim/data_cut.hpp) gives a
  /// patient's outcome as known at it.
  virtual double calendar_cut() const = 0;
  virtual const stats::KmSummary& km(std::size_t arm) = 0;
  /// Marginal hazard ratio of the sample (unadjusted, unstratified Cox on the stacked
  /// potential outcomes).
  virtual double true_hazard_ratio() = 0;
  /// The hazard ratio the Cox estimate targets: the Cox model of the estimate (x = [treated,
  /// adjustment set], its strata) on the stacked potential outcomes; true_hazard_ratio()
  /// without an adjustment set.
  virtual double true_cox_hazard_ratio() = 0;
  /// The hazard ratio the stratified log-rank estimate targets: its Peto hazard ratio,
  /// stratified alike, on the stacked potential outcomes; true_hazard_ratio() without strata.
  virtual double true_logrank_hazard_ratio() = 0;
  /// Which of the three true hazard ratios above.
  enum class HazardRatioTruth { kMarginal, kCox, kLogrank };
  /// That truth from the potential outcomes censored only at the end of follow-up, as if
  /// there were no data cut: under non-proportional hazards a hazard ratio's truth depends
  /// on the follow-up the cut leaves (the truths above are of the cut), and this is its
  /// censoring-free version. NaN when its fit does not converge.
  virtual double true_hazard_ratio_without_cut(HazardRatioTruth which) = 0;
  bool has_data_cut() const { return analysis().data_cut.present(); }
  /// Whether patients can be lost to follow-up (the model's dropout or trial.dropout).
  virtual bool has_dropout() const = 0;
  /// That truth from the potential outcomes censored as the observed ones are: under each
  /// arm at the patient's dropout time under that arm, and at the data cut. Under
  /// non-proportional hazards the Cox estimate converges to this one, not to the truths
  /// above, which apply no dropout. NaN without dropout or when its fit does not converge.
  virtual double true_hazard_ratio_with_dropout(HazardRatioTruth which) = 0;

  // External control (methods whose entry sets external_control).
  virtual const ExternalCohort& external_cohort() = 0;
  /// The propensity fit, shared by psm and iptw.
  virtual const stats::LogisticFit& propensity() = 0;
  /// The trial's treated patients, one row each in patient order, with
  /// x = [propensity covariates..., observed outcome, y(arm) - y(control)].
  virtual const stats::SurvivalSource& external_treated() const = 0;
  virtual std::uint64_t external_treated_count() const = 0;
};

/// With a data cut, appends `<prefix>/true_effect_without_cut`, the truth `which` without
/// the cut (Comparison::true_hazard_ratio_without_cut); nothing otherwise.
void push_truth_without_cut(std::vector<Series>& out, const std::string& prefix, Comparison& c,
                            Comparison::HazardRatioTruth which);

/// With dropout, appends `<prefix>/true_effect_with_dropout`, the truth `which` censored as
/// the data are (Comparison::true_hazard_ratio_with_dropout); nothing otherwise.
void push_truth_with_dropout(std::vector<Series>& out, const std::string& prefix, Comparison& c,
                             Comparison::HazardRatioTruth which);

/// A binary endpoint's potential responder rate under `arm`: the share of every valid
/// patient who responds had they been assigned to it; NaN without a valid patient.
double potential_rate(const Comparison& c, std::size_t arm);

/// A patient of the comparison (of the treated or the control arm) with a model solution.
struct MethodRow {
  const Block& block;
  std::size_t i;  ///< index in the block
  bool treated;
  double y;  ///< observed value, or time for time to event
};

/// One method of one comparison of one replicate.
class AnalysisMethod {
 public:
  virtual ~AnalysisMethod() = default;
  /// Walk 1: every row of the comparison, in patient order.
  virtual void collect(const MethodRow&) {}
  /// Between the walks.
  virtual void end_collect() {}
  virtual bool needs_second_walk() const { return false; }
  /// Walk 2 (when needs_second_walk()): the same rows again.
  virtual void revisit(const MethodRow&) {}
  /// Appends the method's series under `prefix` (endpoint/method/arm).
  virtual void emit(const std::string& prefix, std::vector<Series>& out) = 0;
};

/// The primary estimate of a group-sequential method on the first patients of a
/// comparison (not time to event): fed every row in enrolment order, asked at each look.
class InterimAccumulator {
 public:
  virtual ~InterimAccumulator() = default;
  virtual void add(const MethodRow&) = 0;
  /// The estimate on the rows added so far.
  virtual stats::Estimate estimate(double alpha) const = 0;
};

/// The tests of a method without an estimate (fh, maxcombo) at one look: each test's Z,
/// oriented as a log hazard ratio (< 0 when the treated arm does better), and the J x J
/// covariance of their scores (row-major).
struct LookTests {
  std::vector<double> z;
  std::vector<double> covariance;
};

struct MethodEntry {
  spec::MethodSchema schema;  ///< its name is the method's name
  std::string measure;        ///< what the estimate is on: mean_difference, hazard_ratio, ...
  std::unique_ptr<AnalysisMethod> (*create)(Comparison&) = nullptr;
  /// Interim looks (schema.interim), not time to event: a fresh accumulator per comparison.
  std::unique_ptr<InterimAccumulator> (*interim_accumulator)(const Comparison&) = nullptr;
  /// Interim looks (schema.interim), time to event: the estimate on `rows` censored at `cut`.
  stats::Estimate (*estimate_at_cut)(const stats::SurvivalSource& rows, double alpha, double cut) = nullptr;
  /// Interim looks (schema.interim_max_statistic), time to event: the tests on `rows`
  /// censored at `cut`.
  LookTests (*tests_at_cut)(const spec::EndpointAnalysis& analysis, const stats::SurvivalSource& rows,
                            double cut) = nullptr;
  /// The population-level summary its estimate and true_effect are of (the ICH E9(R1)
  /// attribute; estimand.hpp gives the other four), e.g. "hazard ratio conditional on age".
  std::string (*estimand)(const spec::TrialSpec& spec, const spec::EndpointAnalysis& analysis) = nullptr;

  const std::string& name() const { return schema.name; }
  /// Compares the external-control arm with the external cohort: only that arm's
  /// comparison has the method, and the endpoint collects the external rows for it.
  bool external_control() const { return schema.needs == spec::MethodSchema::Needs::kExternalControl; }
  /// Whether the estimate is a ratio, tested (and its Z taken) on the log scale.
  bool log_scale() const {
    return measure == "hazard_ratio" || measure == "risk_ratio" || measure == "odds_ratio";
  }
};

/// The registered method of that name. @throws std::logic_error when there is none (a
/// method file left out of the build: an internal error, never a spec error).
const MethodEntry& method_entry(const std::string& name);

namespace detail {
/// Registers the entry and its schema (spec::register_method_schema).
bool register_method(MethodEntry entry);
}

/// A MethodEntry::create for a method class constructed from its Comparison.
template <class M>
std::unique_ptr<AnalysisMethod> make_method(Comparison& comparison) {
  return std::make_unique<M>(comparison);
}

/// A MethodEntry::interim_accumulator for an accumulator constructed from its Comparison.
template <class A>
std::unique_ptr<InterimAccumulator> make_interim(const Comparison& comparison) {
  return std::make_unique<A>(comparison);
}

}  // namespace silico::sim

// One file may register several methods of a family: the flag's name carries the line.
#define SILICO_METHOD_FLAG_(line) silico_method_registered_##line
#define SILICO_METHOD_FLAG(line) SILICO_METHOD_FLAG_(line)
#define SILICO_REGISTER_METHOD(...)                          \
  namespace {                                                \
  [[maybe_unused]] const bool SILICO_METHOD_FLAG(__LINE__) = \
      ::silico::sim::detail::register_method(__VA_ARGS__);   \
  }
