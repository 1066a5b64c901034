#include "sim/analysis.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <span>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

#include "cohort/cohort.hpp"
#include "sim/calendar.hpp"
#include "sim/data_cut.hpp"
#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "sim/multiplicity.hpp"
#include "sim/prognostic.hpp"
#include "stats/design.hpp"
#include "stats/max_statistic_bounds.hpp"
#include "stats/regression.hpp"
#include "stats/survival.hpp"
#include "stats/survival_sweep.hpp"

namespace silico::sim {

namespace {

using models::OutputType;
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Whether patients can be lost to follow-up: trial.dropout on any arm, or the model's own
/// dropout (a model with it draws a finite time for every patient, one without gives
/// infinity).
bool has_dropout(const spec::TrialSpec& spec) {
  for (const auto& pieces : spec.trial.dropout) {
    if (!pieces.empty()) return true;
  }
  return std::isfinite(spec.model.instance->dropout_time({spec.trial.seed, 0, 0}));
}

/// Shortest decimal text of x, for series names such as `survival_at_12`.
std::string number_name(double x) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), x);
  return std::string(text, result.ptr);
}

/// A spending function as the result file names it: obrien_fleming, pocock, hsd(-4),
/// kim_demets(3) or user(0.001,0.01,0.025).
std::string spending_name(const stats::SpendingFunction& spending) {
  switch (spending.family) {
    case stats::SpendingFamily::kOBrienFleming: return "obrien_fleming";
    case stats::SpendingFamily::kPocock: return "pocock";
    case stats::SpendingFamily::kHwangShihDeCani: return "hsd(" + number_name(spending.parameter) + ")";
    case stats::SpendingFamily::kKimDeMets: return "kim_demets(" + number_name(spending.parameter) + ")";
    case stats::SpendingFamily::kUser: {
      std::string text;
      for (double v : spending.user_cumulative) text += (text.empty() ? "" : ",") + number_name(v);
      return "user(" + text + ")";
    }
  }
  return "";
}

/// The rows of a source as the marginal (unadjusted, unstratified) analysis sees them:
/// x = the first column (treated) only, every stratum 0. Same rows, same order, same
/// batches, so a fit on it is bitwise the one on rows that never had the rest.
class MarginalView final : public stats::SurvivalSource {
 public:
  explicit MarginalView(const stats::SurvivalSource& rows) : rows_(rows) {}
  std::uint64_t size() const override { return rows_.size(); }
  std::size_t covariates() const override { return 1; }
  void forward(const Visitor& visit) const override { rows_.forward(projected(visit)); }
  void backward(const Visitor& visit) const override { rows_.backward(projected(visit)); }

 private:
  static Visitor projected(const Visitor& visit) {
    return [&visit, rows = std::vector<stats::SurvivalRow>()](std::span<const stats::SurvivalRow> batch) mutable {
      rows.assign(batch.begin(), batch.end());
      for (auto& r : rows) {
        r.x = r.x.first(1);
        r.stratum = 0;
      }
      visit(rows);
    };
  }
  const stats::SurvivalSource& rows_;
};

/// Number of levels of a discrete covariate (bernoulli: 2).
std::int32_t level_count(const spec::Covariate& c) {
  return c.is_categorical() ? static_cast<std::int32_t>(c.levels.size()) : 2;
}

}  // namespace

const char* method_measure(const std::string& method) { return method_entry(method).measure.c_str(); }

TrialAnalysis::TrialAnalysis(const spec::TrialSpec& spec) : spec_(spec) {
  for (const auto& a : spec.analysis.endpoints) {
    for (const auto& m : a.methods) method_entry(m);  // a method left out of the build fails here
    boundaries_.emplace_back();
    if (!a.group_sequential) continue;
    const auto& gs = *a.group_sequential;
    if (gs.legacy_two_sided()) {
      const auto spending = gs.design.alpha_spending.family == stats::SpendingFamily::kOBrienFleming
                                ? stats::Spending::kOBrienFleming
                                : stats::Spending::kPocock;
      boundaries_.back() = stats::efficacy_boundaries(spending, spec.analysis.alpha, gs.looks);
    } else {
      boundaries_.back() = gs.boundaries.efficacy;  // computed when the spec was read
    }
  }
  prognostic_ = fit_prognostic_models(spec).coefficients;
}

std::vector<SeriesAttribute> TrialAnalysis::attributes() const {
  std::vector<SeriesAttribute> out = multiplicity_attributes(spec_);
  for (std::size_t e = 0; e < spec_.endpoints.size(); ++e) {
    const auto& endpoint = spec_.endpoints[e];
    const auto& analysis = spec_.analysis.endpoints[e];
    out.push_back({endpoint.name, "type", models::to_string(endpoint.type)});
    out.push_back({endpoint.name, "primary_method", analysis.methods.front()});
    std::string methods;
    for (const auto& m : analysis.methods) methods += (methods.empty() ? "" : ",") + m;
    out.push_back({endpoint.name, "methods", methods});
    for (const auto& m : analysis.methods) {
      const std::string group = endpoint.name + "/" + m;
      out.push_back({group, "measure", method_measure(m)});
      // The estimand (ICH E9(R1)); its treatment condition is each arm against the control.
      const Estimand estimand = estimand_of(spec_, e, m, spec_.control_arm);
      out.push_back({group, "estimand_population", estimand.population});
      out.push_back({group, "estimand_variable", estimand.variable});
      out.push_back({group, "estimand_intercurrent_events", estimand.intercurrent_events});
      out.push_back({group, "estimand_summary", estimand.summary});
    }
    if (analysis.group_sequential) {
      const std::string group = endpoint.name + "/" + analysis.methods.front();
      std::string looks, bounds;
      for (std::size_t k = 0; k < analysis.group_sequential->looks.size(); ++k) {
        looks += (k ? "," : "") + number_name(analysis.group_sequential->looks[k]);
        bounds += (k ? "," : "") + number_name(boundaries_[e][k]);
      }
      const auto& gs = *analysis.group_sequential;
      out.push_back({group, "gs_looks", looks});
      out.push_back({group, "gs_boundaries", bounds});
      out.push_back({group, "gs_spending", spending_name(gs.design.alpha_spending)});
      if (!gs.look_times.empty()) {
        std::string times;
        for (std::size_t k = 0; k < gs.look_times.size(); ++k) times += (k ? "," : "") + number_name(gs.look_times[k]);
        out.push_back({group, "gs_look_times", times});
      }
      if (method_entry(analysis.methods.front()).schema.interim_max_statistic) {
        // gs_boundaries are then those of one statistic with the same spending; each
        // replicate's own come from its tests' covariance at each look.
        out.push_back({group, "gs_boundary_kind", "max_statistic"});
      }
      if (!gs.legacy_two_sided()) {
        // The design in full, for summarize and the report: sidedness and level, which
        // direction favours treatment, futility bounds, and the analytic cumulative
        // crossing probabilities under H0 with the futility stops in place.
        const auto list = [](const std::vector<double>& values) {
          std::string text;
          for (std::size_t k = 0; k < values.size(); ++k) text += (k ? "," : "") + number_name(values[k]);
          return text;
        };
        out.push_back({group, "gs_sided", gs.one_sided() ? "one" : "two"});
        out.push_back({group, "gs_alpha", number_name(gs.design.alpha)});
        if (gs.one_sided()) out.push_back({group, "gs_benefit", gs.lower_is_benefit ? "lower" : "higher"});
        out.push_back({group, "gs_h0_efficacy_crossing", list(gs.boundaries.under_null.upper)});
        if (gs.has_futility()) {
          // Fixed bounds (futility: {bounds}) are named "fixed" and have no beta.
          const bool fixed = gs.design.futility == stats::Futility::kFixed;
          out.push_back({group, "gs_futility_spending", fixed ? "fixed" : spending_name(gs.design.beta_spending)});
          out.push_back({group, "gs_futility_binding", gs.design.binding_futility ? "true" : "false"});
          if (!fixed) out.push_back({group, "gs_beta", number_name(gs.design.beta)});
          out.push_back({group, "gs_futility_boundaries", list(gs.boundaries.futility)});
          // Stops for futility happen at interim looks only: at the last, l_K = u_K and not
          // crossing is the end of the trial, not a stop; the cumulative probability stays.
          auto futility_stops = gs.boundaries.under_null.lower;
          if (futility_stops.size() > 1) futility_stops.back() = futility_stops[futility_stops.size() - 2];
          out.push_back({group, "gs_h0_futility_crossing", list(futility_stops)});
        }
      }
    }
  }
  return out;
}

namespace {

/// Everything one endpoint's analysis of one replicate accumulates over its walks that
/// more than one method reads (each method's own accumulation is in sim/methods/), the
/// walks themselves, and the interim looks of the primary method.
class EndpointAnalyzer {
 public:
  EndpointAnalyzer(const spec::TrialSpec& spec, const std::vector<double>& prognostic,
                   const std::vector<double>& boundaries, std::size_t e, std::uint64_t replicate,
                   const TrialAnalysis::BufferFactory& buffers)
      : spec_(spec), prognostic_(prognostic), boundaries_(boundaries), buffers_(buffers), e_(e), replicate_(replicate),
        endpoint_(spec.endpoints[e]), analysis_(spec.analysis.endpoints[e]), alpha_(spec.analysis.alpha),
        tte_(endpoint_.type == OutputType::kTimeToEvent), arms_(spec.arms.size()) {
    dropout_ = tte_ && has_dropout(spec);
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      if (a == spec.control_arm) continue;
      Pair& pair = pairs_.emplace_back();
      pair.arm = a;
      pair.owner = this;
      if (tte_) {
        pair.observed = buffers(1 + analysis_.covariates.size());
        pair.potential = buffers(1 + analysis_.covariates.size());
      }
      if (tte_ && spec.trial.accrual && analysis_.data_cut.present()) {
        pair.potential_at_cut = buffers(1 + analysis_.covariates.size());
      }
      if (dropout_) pair.potential_with_dropout = buffers(1 + analysis_.covariates.size());
    }
    // After every pair is in place: each method keeps its comparison's address.
    bool external = false;
    for (Pair& pair : pairs_) {
      for (const auto& m : analysis_.methods) {
        const MethodEntry& entry = method_entry(m);
        external = external || entry.external_control();
        // The external-control comparison is about the single-arm trial's arm only.
        if (entry.external_control() && pair.arm != spec_.analysis.external_control->treatment_arm) continue;
        pair.methods.push_back({entry.name(), entry.create(pair)});
      }
    }
    if (tte_ && analysis_.data_cut.present()) {
      clock_.emplace(analysis_.data_cut, buffers);
      // With entry times, each patient's row depends on the cut: it is pushed on the
      // second walk, once the first has found when the cut falls.
      calendar_ = spec.trial.accrual.has_value();
      if (calendar_ && analysis_.group_sequential) {
        for (Pair& pair : pairs_) {
          pair.calendar_events = buffers(0);
          for (std::size_t k = 0; k < analysis_.group_sequential->looks.size(); ++k) {
            pair.looks.push_back({buffers(1 + analysis_.covariates.size())});
          }
        }
      }
    }
    covariate_row_.resize(1 + analysis_.covariates.size());
    if (spec.analysis.external_control && external) {
      const std::size_t p = spec.analysis.external_control->covariates.size();
      external_.emplace();
      external_->arm = spec.analysis.external_control->treatment_arm;
      external_->rows = buffers(p + 2);
      external_row_.resize(p + 2);
    }
  }

  bool needs_second_walk() const {
    for (const Pair& pair : pairs_) {
      for (const auto& [name, method] : pair.methods) {
        if (method->needs_second_walk()) return true;
      }
    }
    return (analysis_.group_sequential && !tte_) || calendar_;
  }

  /// Walk 1: every block of the replicate, in order.
  void collect(const Block& block) {
    const EndpointColumns& columns = block.endpoints[e_];
    for (std::size_t i = 0; i < block.count; ++i) {
      if (block.model_failed[i] != 0) continue;  // out of every estimate and every truth
      const auto arm = static_cast<std::size_t>(block.arm[i]);
      const std::uint64_t row = block.first + i;
      Arm& own = arms_[arm];
      ++own.n;
      const double y = columns.observed_value[i];
      if (!tte_) {
        own.moments.add(y);
        own.responders += y != 0.0;
      }
      for (std::size_t a = 0; a < arms_.size(); ++a) arms_[a].potential_sum += columns.potential_value[a][i];
      const double entry = block.entry_time.empty() ? 0.0 : block.entry_time[i];
      if (clock_) clock_->add(row, arm, entry, y, columns.observed_event[i]);
      if (external_ && arm == external_->arm) collect_external(block, i);
      for (Pair& pair : pairs_) {
        if (in_stratum(pair, block, i)) {
          pair.truth_sum += columns.potential_value[pair.arm][i] - columns.potential_value[spec_.control_arm][i];
          ++pair.stratum_n;
        }
        const bool treated = arm == pair.arm;
        if (!treated && arm != spec_.control_arm) continue;
        ++pair.n;
        if (tte_ && !calendar_) push_observed(*pair.observed, block, i, treated, y, columns.observed_event[i]);
        if (pair.calendar_events && columns.observed_event[i]) {
          pair.calendar_events->push({entry + y, row, 0, 1, 0, {}});
        }
        for (auto& [name, method] : pair.methods) method->collect({block, i, treated, y});
      }
      if (tte_ && !calendar_) {
        // Potential outcomes of every patient with a model solution, under both arms of
        // each comparison: the marginal truths are about all of them.
        for (Pair& pair : pairs_) push_potential(pair, block, i, 0.0, kInf);
      }
    }
  }

  /// Between the walks: the buffers are complete, the data cut is known.
  void end_collect() {
    for (Pair& pair : pairs_) {
      if (pair.observed && !calendar_) pair.observed->finish();
      if (pair.potential && !calendar_) pair.potential->finish();
      if (pair.potential_with_dropout && !calendar_) pair.potential_with_dropout->finish();
    }
    if (external_) external_->rows->finish();
    if (tte_) {
      cut_time_ = spec_.trial.follow_up;
      if (clock_) {
        clock_->finish();
        const double at = clock_->cut_time();
        cut_reached_ = !std::isnan(at);
        if (cut_reached_) {
          calendar_cut_ = at;
          // The longest follow-up anyone has at the cut: the analyses' horizon.
          cut_time_ = std::clamp(at - clock_->first_entry(), 0.0, spec_.trial.follow_up);
        }
      }
      for (Pair& pair : pairs_) {
        if (pair.calendar_events) start_calendar_looks(pair);
      }
    }
    if (analysis_.group_sequential && !tte_) {
      for (Pair& pair : pairs_) pair.interim.emplace(*this, pair);
    }
    for (Pair& pair : pairs_) {
      for (auto& [name, method] : pair.methods) method->end_collect();
    }
  }

  /// Walk 2 (when needs_second_walk()): the same blocks again.
  void revisit(const Block& block) {
    const EndpointColumns& columns = block.endpoints[e_];
    for (std::size_t i = 0; i < block.count; ++i) {
      if (block.model_failed[i] != 0) continue;
      const auto arm = static_cast<std::size_t>(block.arm[i]);
      for (Pair& pair : pairs_) {
        const bool treated = arm == pair.arm;
        if (!treated && arm != spec_.control_arm) continue;
        const double y = columns.observed_value[i];
        if (calendar_) push_at_cuts(pair, block, i, treated, y, columns.observed_event[i]);
        for (auto& [name, method] : pair.methods) {
          if (method->needs_second_walk()) method->revisit({block, i, treated, y});
        }
        if (pair.interim) pair.interim->add({block, i, treated, y});
      }
    }
  }

  /// The series, in the order the spec fixes.
  void emit(std::vector<Series>& out) {
    out_ = &out;
    if (calendar_) {
      for (Pair& pair : pairs_) {
        pair.observed->finish();
        pair.potential->finish();
        pair.potential_at_cut->finish();
        if (pair.potential_with_dropout) pair.potential_with_dropout->finish();
        for (Look& look : pair.looks) {
          if (look.rows) look.rows->finish();
        }
      }
    }
    if (clock_) {
      std::uint64_t events = 0, patients = 0;
      for (std::size_t a = 0; a < spec_.arms.size(); ++a) {
        events += km_of(a).events;
        patients += km_of(a).n;
      }
      out.push_back({base() + "/data_cut_time", cut_reached_ ? calendar_cut_ : kNaN});
      out.push_back({base() + "/data_cut_events", static_cast<double>(events)});
      out.push_back({base() + "/data_cut_patients", static_cast<double>(patients)});
    }
    for (std::size_t a = 0; a < spec_.arms.size(); ++a) describe_arm(a);
    for (Pair& pair : pairs_) {
      for (auto& [name, method] : pair.methods) method->emit(base() + "/" + name + "/" + spec_.arms[pair.arm].name, out);
      if (analysis_.group_sequential) group_sequential(pair);
    }
  }

 private:
  using Arm = ArmSummary;

  /// Interim looks of a non-survival endpoint: the primary estimate on the first patients
  /// of the comparison in enrolment order, taken when their number reaches each look.
  struct Pair;

  class Interim {
   public:
    Interim(const EndpointAnalyzer& owner, const Pair& pair);
    void add(const MethodRow& row);
    /// Estimate at each look (NaN where the look needs no patient).
    const std::vector<stats::Estimate>& estimates() const { return estimates_; }
    const std::vector<std::uint64_t>& needed() const { return needed_; }

   private:
    const EndpointAnalyzer& owner_;
    std::unique_ptr<InterimAccumulator> accumulator_;  ///< the primary method's
    std::vector<std::uint64_t> needed_;
    std::vector<stats::Estimate> estimates_;
    std::size_t next_look_ = 0;
    std::uint64_t seen_ = 0;
  };

  /// An interim look of a time-to-event endpoint in calendar time: at the calendar time of
  /// the `needed`-th event of the comparison.
  struct Look {
    std::unique_ptr<stats::SurvivalBuffer> rows;
    std::uint64_t needed = 0;
    double cut = kNaN;
    std::uint64_t patients = 0;  ///< entered by the cut
  };

  /// One comparison: what it accumulates, its methods (in the spec's order), and the
  /// methods' view of the endpoint.
  struct Pair final : Comparison {
    EndpointAnalyzer* owner = nullptr;
    std::size_t arm = 0;
    std::uint64_t n = 0;          ///< valid patients of the arm and the control arm
    double truth_sum = 0.0;       ///< sum over the truth's patients of y(arm) - y(control)
    /// The truth's patients: every valid one, or those of the principal stratum.
    std::uint64_t stratum_n = 0;
    std::unique_ptr<stats::SurvivalBuffer> observed;   ///< x = [treated, adjustment set]
    /// Both potential outcomes; x = [treated, adjustment set], the patient's stratum.
    std::unique_ptr<stats::SurvivalBuffer> potential;
    /// With entry times: the same, each cut at the data cut as an observed outcome is; the
    /// true hazard ratio of the cut is the one of these (under non-proportional hazards
    /// it depends on the follow-up the cut leaves).
    std::unique_ptr<stats::SurvivalBuffer> potential_at_cut;
    std::uint64_t potential_patients = 0;  ///< patients in `potential`
    std::vector<std::pair<std::string, std::unique_ptr<AnalysisMethod>>> methods;
    std::optional<Interim> interim;
    std::optional<double> hazard_ratio;  ///< true_hazard_ratio(), once computed
    std::optional<double> cox_hazard_ratio;      ///< true_cox_hazard_ratio(), once computed
    std::optional<double> logrank_hazard_ratio;  ///< true_logrank_hazard_ratio(), once computed
    /// true_hazard_ratio_without_cut(), by HazardRatioTruth, once computed.
    std::optional<double> without_cut[3];
    /// With dropout: the potential outcomes censored under each arm at the patient's dropout
    /// time under that arm, and (with entry times) at the data cut as `potential_at_cut` is.
    std::unique_ptr<stats::SurvivalBuffer> potential_with_dropout;
    /// true_hazard_ratio_with_dropout(), by HazardRatioTruth, once computed.
    std::optional<double> with_dropout[3];
    /// With entry times and interim looks: the calendar times of the comparison's observed
    /// events, and the rows as known at each look (the last look is the final cut).
    std::unique_ptr<stats::SurvivalBuffer> calendar_events;
    std::vector<Look> looks;

    const spec::TrialSpec& spec() const override { return owner->spec_; }
    const spec::EndpointAnalysis& analysis() const override { return owner->analysis_; }
    std::size_t treated_arm() const override { return arm; }
    const std::vector<double>& prognostic() const override { return owner->prognostic_; }
    const ArmSummary& arm_summary(std::size_t a) const override { return owner->arms_[a]; }
    std::uint64_t patients() const override { return n; }
    std::uint64_t valid_count() const override { return owner->valid_count(); }
    std::unique_ptr<stats::SurvivalBuffer> row_buffer(std::size_t columns) const override {
      return owner->buffers_(columns);
    }
    std::uint64_t potential_count() const override { return potential_patients; }
    double true_mean_difference() const override { return owner->mean_difference(*this); }
    const stats::SurvivalSource& observed_rows() const override { return *observed; }
    const stats::SurvivalSource& potential_rows() const override { return *potential; }
    double cut_time() const override { return owner->cut_time_; }
    double calendar_cut() const override { return owner->cut_reached_ ? owner->calendar_cut_ : kInf; }
    const stats::KmSummary& km(std::size_t a) override { return owner->km_of(a); }
    double true_hazard_ratio() override { return owner->true_hazard_ratio(*this); }
    double true_cox_hazard_ratio() override { return owner->true_cox_hazard_ratio(*this); }
    double true_logrank_hazard_ratio() override { return owner->true_logrank_hazard_ratio(*this); }
    double true_hazard_ratio_without_cut(HazardRatioTruth which) override {
      return owner->true_hazard_ratio_without_cut(*this, which);
    }
    bool has_dropout() const override { return owner->dropout_; }
    double true_hazard_ratio_with_dropout(HazardRatioTruth which) override {
      return owner->true_hazard_ratio_with_dropout(*this, which);
    }
    const ExternalCohort& external_cohort() override { return owner->external_outcomes(); }
    const stats::LogisticFit& propensity() override { return owner->propensity(); }
    const stats::SurvivalSource& external_treated() const override { return *owner->external_->rows; }
    std::uint64_t external_treated_count() const override { return owner->external_->n; }
  };

  /// The trial's treated patients of the external-control comparison, streamed: one row
  /// each, in patient order (time 0, so the survival order is the row order), with
  /// x = [propensity covariates..., observed outcome, y(arm) - y(control)].
  struct ExternalTreated {
    std::size_t arm = 0;
    std::unique_ptr<stats::SurvivalBuffer> rows;
    std::uint64_t n = 0;
  };

  std::string base() const { return endpoint_.name; }

  /// Patient i's potential outcomes under both arms of `pair`, as known at calendar time
  /// `cut` for a patient who entered at `entry`, into `pair.potential` (uncut) and, with
  /// entry times, `pair.potential_at_cut`. Each row has the design of the observed one
  /// (x = [treated, adjustment set], the patient's stratum), so that the truth of an
  /// adjusted estimate is the same model fitted on them.
  void push_potential(Pair& pair, const Block& block, std::size_t i, double entry, double cut) {
    if (!(entry <= cut)) return;  // not yet entered: not among the patients analysed
    ++pair.potential_patients;
    const EndpointColumns& columns = block.endpoints[e_];
    const std::int32_t stratum = stratum_of(block, i);
    for (const std::size_t a : {pair.arm, spec_.control_arm}) {
      const std::int8_t treated = a == pair.arm ? 1 : 0;
      const std::uint64_t id = 2 * (block.first + i) + static_cast<std::uint64_t>(1 - treated);
      const double time = columns.potential_value[a][i];
      const std::int8_t event = columns.potential_event[a][i];
      fill_design(block, i, treated != 0);
      pair.potential->push({time, id, stratum, event, treated, covariate_row_});
      if (pair.potential_at_cut) {
        const auto known = outcome_at_cut(entry, time, event, cut);
        pair.potential_at_cut->push({known->time, id, stratum, known->event, treated, covariate_row_});
      }
      if (pair.potential_with_dropout) {
        // Lost to follow-up under arm a: censored there, as the simulator censors the
        // observed outcome under the assigned arm.
        const double dropout = dropout_under(block, i, a);
        const bool lost = time > dropout;
        const auto known = outcome_at_cut(entry, lost ? dropout : time, lost ? std::int8_t{0} : event, cut);
        pair.potential_with_dropout->push({known->time, id, stratum, known->event, treated, covariate_row_});
      }
    }
  }

  /// Patient i's dropout time under arm a: the model's own (the same under every arm) or
  /// trial.dropout's under a, whichever comes first; infinity without dropout.
  double dropout_under(const Block& block, std::size_t i, std::size_t a) const {
    const std::uint64_t patient = block.first + i;
    double dropout = spec_.model.instance->dropout_time({spec_.trial.seed, block.replicate, patient});
    if (!spec_.trial.dropout.empty() && !spec_.trial.dropout[a].empty()) {
      dropout = std::min(dropout, dropout_time(spec_.trial.dropout[a], spec_.trial.seed, block.replicate, patient));
    }
    return dropout;
  }

  /// x = [treated, adjustment set] of patient i, into covariate_row_.
  void fill_design(const Block& block, std::size_t i, bool treated) {
    covariate_row_[0] = treated ? 1.0 : 0.0;
    for (std::size_t j = 0; j < analysis_.covariates.size(); ++j) {
      covariate_row_[1 + j] = block.covariates[analysis_.covariates[j]][i];
    }
  }

  /// Patient i's observed row of `pair`: x = [treated, adjustment set].
  void push_observed(stats::SurvivalBuffer& rows, const Block& block, std::size_t i, bool treated, double time,
                     std::int8_t event) {
    fill_design(block, i, treated);
    rows.push({time, block.first + i, stratum_of(block, i), event, static_cast<std::int8_t>(treated ? 1 : 0),
               covariate_row_});
  }

  /// Second walk with entry times: patient i's rows as known at the final cut and at each look.
  void push_at_cuts(Pair& pair, const Block& block, std::size_t i, bool treated, double time, std::int8_t event) {
    const double entry = block.entry_time[i];
    const double final_cut = cut_reached_ ? calendar_cut_ : kInf;
    if (const auto known = outcome_at_cut(entry, time, event, final_cut)) {
      push_observed(*pair.observed, block, i, treated, known->time, known->event);
    }
    push_potential(pair, block, i, entry, final_cut);
    for (Look& look : pair.looks) {
      if (!look.rows) continue;
      if (const auto known = outcome_at_cut(entry, time, event, look.cut)) {
        push_observed(*look.rows, block, i, treated, known->time, known->event);
        ++look.patients;
      }
    }
  }

  /// Between the walks, with entry times: each look's cut, at the calendar time of its
  /// share of the events of the comparison by the final cut. A look needing every one of
  /// them is the final analysis itself, so its buffer is dropped.
  void start_calendar_looks(Pair& pair) {
    pair.calendar_events->finish();
    const std::uint64_t total = events_by(*pair.calendar_events, cut_reached_ ? calendar_cut_ : kInf);
    const auto& fractions = analysis_.group_sequential->looks;
    const auto& times = analysis_.group_sequential->look_times;
    const double final_cut = cut_reached_ ? calendar_cut_ : kInf;
    for (std::size_t k = 0; k < fractions.size(); ++k) {
      Look& look = pair.looks[k];
      if (k < times.size()) {
        // At a calendar time: held if it falls before the final analysis with events by then.
        look.needed = times[k] < final_cut ? events_by(*pair.calendar_events, times[k]) : 0;
        if (look.needed == 0 || look.needed >= total) {
          look.needed = 0;
          look.rows.reset();
          continue;
        }
        look.cut = times[k];
        continue;
      }
      look.needed = static_cast<std::uint64_t>(std::ceil(fractions[k] * static_cast<double>(total) - 1e-9));
      if (look.needed == 0 || look.needed >= total) {
        look.rows.reset();
        if (look.needed > 0) look.cut = cut_reached_ ? calendar_cut_ : kNaN;
        continue;
      }
      look.cut = stats::kth_event_time(*pair.calendar_events, look.needed);
    }
  }
  const Pair& pair_of(std::size_t arm) const {
    return *std::find_if(pairs_.begin(), pairs_.end(), [&](const Pair& p) { return p.arm == arm; });
  }

  std::int32_t stratum_of(const Block& block, std::size_t i) const {
    std::int32_t id = 0;
    for (std::size_t s : analysis_.strata) {
      id = id * level_count(spec_.cohort.covariates[s]) + static_cast<std::int32_t>(block.covariates[s][i]);
    }
    return id;
  }

  void collect_external(const Block& block, std::size_t i) {
    const auto& ext = *spec_.analysis.external_control;
    const EndpointColumns& columns = block.endpoints[e_];
    const std::size_t p = ext.covariates.size();
    for (std::size_t j = 0; j < p; ++j) external_row_[j] = block.covariates[ext.covariates[j]][i];
    external_row_[p] = columns.observed_value[i];
    external_row_[p + 1] = columns.potential_value[external_->arm][i] - columns.potential_value[spec_.control_arm][i];
    external_->rows->push({0.0, block.first + i, 0, 0, 1, external_row_});
    ++external_->n;
  }

  /// Kaplan-Meier summary of one arm (with the landmarks at or before the cut), from the
  /// first comparison that holds it. Computed once per arm: each is two walks of a buffer
  /// that may be on disk, and the per-arm statistics, the median difference and the
  /// interim looks all need it.
  const stats::KmSummary& km_of(std::size_t arm) {
    auto found = km_cache_.find(arm);
    if (found != km_cache_.end()) return found->second;
    std::vector<double> defined;
    for (double t : analysis_.landmarks) {
      if (t <= cut_time_) defined.push_back(t);
    }
    const bool control = arm == spec_.control_arm;
    const Pair& pair = control ? pairs_.front() : pair_of(arm);
    return km_cache_[arm] = stats::km_summary(*pair.observed, control ? 0 : 1, alpha_, defined, cut_time_);
  }

  void describe_arm(std::size_t arm) {
    const std::string prefix = base() + "/arms/" + spec_.arms[arm].name + "/";
    if (tte_) {
      const auto& km = km_of(arm);
      // With entry times, the patients who had entered by the cut.
      out_->push_back({prefix + "n", static_cast<double>(calendar_ ? km.n : arms_[arm].n)});
      out_->push_back({prefix + "events", static_cast<double>(km.events)});
      out_->push_back({prefix + "median", km.median.median.value_or(kNaN)});
      out_->push_back({prefix + "median_ci_low", km.median.ci_low.value_or(kNaN)});
      out_->push_back({prefix + "median_ci_high", km.median.ci_high.value_or(kNaN)});
      std::size_t k = 0;
      for (double t : analysis_.landmarks) {
        const std::string name = prefix + "survival_at_" + number_name(t);
        const bool is_defined = t <= cut_time_;
        const stats::SurvivalPoint point = is_defined ? km.landmarks[k++] : stats::SurvivalPoint{};
        out_->push_back({name, is_defined ? point.survival : kNaN});
        out_->push_back({name + "_ci_low", is_defined ? point.ci_low : kNaN});
        out_->push_back({name + "_ci_high", is_defined ? point.ci_high : kNaN});
      }
      return;
    }
    out_->push_back({prefix + "n", static_cast<double>(arms_[arm].n)});
    const auto d = arms_[arm].moments.result();
    if (endpoint_.type == OutputType::kBinary) {
      out_->push_back({prefix + "responders", d.mean * static_cast<double>(d.n)});
      out_->push_back({prefix + "rate", d.mean});
    } else {
      out_->push_back({prefix + "mean", d.mean});
      out_->push_back({prefix + "sd", d.sd});
    }
  }

  /// The mean of y(arm) - y(control) over every valid patient, or with the principal-
  /// stratum strategy over the patients of the stratum.
  double mean_difference(const Pair& pair) const {
    return pair.stratum_n == 0 ? kNaN : pair.truth_sum / static_cast<double>(pair.stratum_n);
  }

  /// Whether patient i is in `pair`'s principal stratum: the event the endpoint's strategy
  /// is about happens under neither arm compared (every patient without that strategy).
  bool in_stratum(const Pair& pair, const Block& block, std::size_t i) const {
    if (!endpoint_.stratum_endpoint) return true;
    const EndpointColumns& event = block.endpoints[*endpoint_.stratum_endpoint];
    return event.potential_event[pair.arm][i] == 0 && event.potential_event[spec_.control_arm][i] == 0;
  }
  std::uint64_t valid_count() const {
    std::uint64_t n = 0;
    for (const Arm& a : arms_) n += a.n;
    return n;
  }

  /// Marginal hazard ratio of the sample: Cox fit (Efron) of arm on the stacked potential
  /// outcomes of every patient under both arms, censored at the data cut as the observed
  /// outcomes are (without entry times, at the cut itself; with them, each patient at the
  /// cut minus the patient's entry).
  double true_hazard_ratio(Pair& pair) const {
    if (!pair.hazard_ratio) pair.hazard_ratio = cox_truth(MarginalView(potential_of(pair)));
    return *pair.hazard_ratio;
  }

  /// Conditional hazard ratio of the sample that an adjusted Cox estimate targets: the same
  /// Cox model (Efron; x = [treated, adjustment set], the same strata) fitted on the same
  /// stacked potential outcomes, censored as above. The marginal one without an adjustment set.
  double true_cox_hazard_ratio(Pair& pair) const {
    if (!adjusted()) return true_hazard_ratio(pair);
    if (!pair.cox_hazard_ratio) pair.cox_hazard_ratio = cox_truth(potential_of(pair));
    return *pair.cox_hazard_ratio;
  }

  /// The stratified log-rank's: its Peto hazard ratio (stratified by the same strata) on
  /// the same stacked potential outcomes, censored as above. The marginal one without strata.
  double true_logrank_hazard_ratio(Pair& pair) const {
    if (analysis_.strata.empty()) return true_hazard_ratio(pair);
    if (!pair.logrank_hazard_ratio) {
      pair.logrank_hazard_ratio = stats::logrank_sweep(potential_of(pair), alpha_, cut_time_).effect;
    }
    return *pair.logrank_hazard_ratio;
  }

  /// The same three truths from `pair.potential`, censored only at the end of follow-up.
  double true_hazard_ratio_without_cut(Pair& pair, Comparison::HazardRatioTruth which) const {
    using Truth = Comparison::HazardRatioTruth;
    if (which == Truth::kCox && !adjusted()) which = Truth::kMarginal;
    if (which == Truth::kLogrank && analysis_.strata.empty()) which = Truth::kMarginal;
    std::optional<double>& cached = pair.without_cut[static_cast<int>(which)];
    if (!cached) {
      const stats::SurvivalSource& rows = *pair.potential;
      if (which == Truth::kLogrank) {
        cached = stats::logrank_sweep(rows, alpha_, kInf).effect;
      } else {
        const auto fit = which == Truth::kCox ? stats::cox_fit(rows, stats::Ties::kEfron, 30, 1e-9, kInf)
                                              : stats::cox_fit(MarginalView(rows), stats::Ties::kEfron, 30, 1e-9, kInf);
        cached = fit.converged ? std::exp(fit.beta(0)) : kNaN;
      }
    }
    return *cached;
  }

  /// The same three truths from `pair.potential_with_dropout`, at the cut as above.
  double true_hazard_ratio_with_dropout(Pair& pair, Comparison::HazardRatioTruth which) const {
    using Truth = Comparison::HazardRatioTruth;
    if (!pair.potential_with_dropout) return kNaN;
    if (which == Truth::kCox && !adjusted()) which = Truth::kMarginal;
    if (which == Truth::kLogrank && analysis_.strata.empty()) which = Truth::kMarginal;
    std::optional<double>& cached = pair.with_dropout[static_cast<int>(which)];
    if (!cached) {
      const stats::SurvivalSource& rows = *pair.potential_with_dropout;
      if (which == Truth::kLogrank) {
        cached = stats::logrank_sweep(rows, alpha_, cut_time_).effect;
      } else {
        cached = which == Truth::kCox ? cox_truth(rows) : cox_truth(MarginalView(rows));
      }
    }
    return *cached;
  }

  bool adjusted() const { return !analysis_.covariates.empty() || !analysis_.strata.empty(); }
  static const stats::SurvivalSource& potential_of(const Pair& pair) {
    return pair.potential_at_cut ? *pair.potential_at_cut : *pair.potential;
  }
  /// exp(beta) of the first column of a Cox fit (Efron) of `rows` censored at the cut.
  double cox_truth(const stats::SurvivalSource& rows) const {
    const auto fit = stats::cox_fit(rows, stats::Ties::kEfron, 30, 1e-9, cut_time_);
    return fit.converged ? std::exp(fit.beta(0)) : kNaN;
  }

  /// The bounds of each look and the cumulative alpha spent by it: the design's, or with
  /// look_times those at the fractions observed (needed / total) at the looks held, by the
  /// design's alpha spending (fixed futility bounds kept, capped at the efficacy bound).
  struct LookBounds {
    std::vector<double> efficacy, futility, alpha_spent;
  };
  LookBounds look_bounds(const std::vector<std::uint64_t>& needed, double total) const {
    const auto& gs = *analysis_.group_sequential;
    LookBounds out{boundaries_, gs.boundaries.futility, gs.boundaries.alpha_spent};
    if (gs.look_times.empty() || needed.empty() || needed.back() == 0) return out;
    std::vector<std::size_t> held;
    std::vector<double> fractions;
    for (std::size_t k = 0; k < needed.size(); ++k) {
      if (needed[k] == 0) continue;
      const double f = k + 1 == needed.size() ? 1.0 : static_cast<double>(needed[k]) / total;
      // Two interim times with no event between them: the later look adds no information,
      // spends nothing and cannot stop (its bounds stay infinite).
      if (!fractions.empty() && f <= fractions.back()) continue;
      held.push_back(k);
      fractions.push_back(f);
    }
    std::vector<double> efficacy, alpha_spent;
    if (gs.legacy_two_sided()) {
      const auto spending = gs.design.alpha_spending.family == stats::SpendingFamily::kOBrienFleming
                                ? stats::Spending::kOBrienFleming
                                : stats::Spending::kPocock;
      efficacy = stats::efficacy_boundaries(spending, spec_.analysis.alpha, fractions);
      alpha_spent.assign(fractions.size(), kNaN);
    } else {
      stats::GroupSequentialDesign design = gs.design;
      design.information_fractions = fractions;
      design.futility = stats::Futility::kNone;  // non-binding: the efficacy bounds ignore it
      design.futility_bounds.clear();
      const auto b = stats::design_boundaries(design);
      efficacy = b.efficacy;
      alpha_spent = b.alpha_spent;
    }
    out.efficacy.assign(needed.size(), kInf);
    out.alpha_spent.assign(needed.size(), kNaN);
    out.futility.assign(needed.size(), -kInf);
    for (std::size_t i = 0; i < held.size(); ++i) {
      const std::size_t k = held[i];
      out.efficacy[k] = efficacy[i];
      out.alpha_spent[k] = alpha_spent[i];
      if (gs.design.futility == stats::Futility::kFixed && k < gs.design.futility_bounds.size()) {
        out.futility[k] = std::min(gs.design.futility_bounds[k], efficacy[i]);
      }
    }
    return out;
  }

  /// Interim looks of the primary method: information is events (time to event) or
  /// patients in enrolment order; stop at the first |Z| >= boundary.
  void group_sequential(const Pair& pair) {
    const MethodEntry& method = method_entry(analysis_.methods.front());
    const std::string prefix = base() + "/" + method.name() + "/" + spec_.arms[pair.arm].name;
    const auto& looks = analysis_.group_sequential->looks;
    std::vector<std::uint64_t> needed;
    std::vector<stats::Estimate> estimates;
    std::vector<std::optional<LookTests>> tests;  // a method without an estimate (tests_at_cut)
    double total = 0.0;
    std::vector<double> cuts;
    std::vector<std::uint64_t> patients;
    if (tte_) {
      total = static_cast<double>(km_of(pair.arm).events + km_of(spec_.control_arm).events);
      const auto& times = analysis_.group_sequential->look_times;
      for (std::size_t j = 0; j < looks.size(); ++j) {
        auto k = static_cast<std::uint64_t>(std::ceil(looks[j] * total - 1e-9));
        if (calendar_) {
          k = pair.looks[j].needed;  // set between the walks, at a fraction or a time
        } else if (j < times.size()) {
          // A look at a calendar time, everyone entered at 0: the events by then, if
          // before the final analysis (otherwise the look is not held).
          k = times[j] < cut_time_ ? events_by(*pair.observed, times[j]) : 0;
          if (static_cast<double>(k) >= total) k = 0;
        }
        needed.push_back(k);
        stats::Estimate e = kNoEstimate;
        double cut = kNaN;
        std::uint64_t entered = pair.n;
        std::optional<LookTests> look_tests;
        const auto estimate = [&](const stats::SurvivalSource& rows, double at) {
          if (method.tests_at_cut) look_tests = method.tests_at_cut(analysis_, rows, at);
          return method.estimate_at_cut ? method.estimate_at_cut(rows, alpha_, at) : kNoEstimate;
        };
        if (calendar_) {
          // Each look's rows were cut at its own calendar time on the second walk.
          const Look& look = pair.looks[j];
          cut = look.cut;
          if (look.rows) {
            e = estimate(*look.rows, kInf);
            entered = look.patients;
          } else if (k > 0) {
            e = estimate(*pair.observed, cut_time_);
            entered = km_of(pair.arm).n + km_of(spec_.control_arm).n;
          }
        } else if (k > 0) {
          // Every patient entered at 0: the cut at the k-th event (or at the look's time)
          // is a cut in analysis time.
          cut = j < times.size() ? times[j] : stats::kth_event_time(*pair.observed, k);
          e = estimate(*pair.observed, cut);
        }
        estimates.push_back(e);
        tests.push_back(std::move(look_tests));
        cuts.push_back(cut);
        patients.push_back(k > 0 ? entered : 0);
      }
    } else {
      total = static_cast<double>(pair.n);
      needed = pair.interim->needed();
      estimates = pair.interim->estimates();
    }
    const auto& gs = *analysis_.group_sequential;
    const LookBounds bounds = look_bounds(needed, total);
    double reject = 0.0, futile = 0.0, stop_look = static_cast<double>(looks.size()), information = total;
    // A method without an estimate: its largest oriented Z against bounds solved look by
    // look from its tests' covariance and the alpha spent by each look (one-sided only).
    std::optional<stats::MaxStatisticBounds> combination;
    for (std::size_t k = 0; k < looks.size(); ++k) {
      if (needed[k] == 0) continue;
      double statistic = kNaN;
      bool efficacy = false;
      if (method.tests_at_cut) {
        if (!tests[k] || tests[k]->z.empty()) continue;
        statistic = -kInf;
        for (double z : tests[k]->z) statistic = std::max(statistic, gs.lower_is_benefit ? -z : z);
        if (!std::isfinite(statistic)) continue;
        if (!combination) combination.emplace(tests[k]->z.size());
        try {
          combination->push_look(tests[k]->covariance, bounds.alpha_spent[k]);
        } catch (const std::invalid_argument&) {
          continue;  // a look without information on some test (no event yet): not held
        }
        efficacy = combination->crosses(statistic);
      } else {
        const auto& e = estimates[k];
        const double z = method.log_scale() ? std::log(e.effect) / e.se : e.effect / e.se;
        if (!std::isfinite(z)) continue;
        // One-sided: Z in the direction that favours treatment; two-sided: |Z|.
        statistic = !gs.one_sided() ? std::fabs(z) : gs.lower_is_benefit ? -z : z;
        efficacy = statistic >= bounds.efficacy[k];
      }
      // Futility at an interim look (at the last, not crossing is the end of the trial).
      const bool futility = !efficacy && gs.has_futility() && k + 1 < looks.size() &&
                            statistic <= bounds.futility[k];
      if (efficacy || futility) {
        reject = efficacy ? 1.0 : 0.0;
        futile = futility ? 1.0 : 0.0;
        stop_look = static_cast<double>(k + 1);
        information = static_cast<double>(needed[k]);
        break;
      }
    }
    out_->push_back({prefix + "/gs_reject", reject});
    if (gs.has_futility()) out_->push_back({prefix + "/gs_futility", futile});
    out_->push_back({prefix + "/gs_stop_look", stop_look});
    out_->push_back({prefix + "/gs_information", information});
    // Each look of a time-to-event endpoint is a data cut: when it fell, on how many events
    // (the events of the comparison counted to set it) and patients.
    for (std::size_t j = 0; j < cuts.size(); ++j) {
      const std::string look = prefix + "/gs_look_" + std::to_string(j + 1);
      out_->push_back({look + "_time", cuts[j]});
      out_->push_back({look + "_events", needed[j] > 0 ? static_cast<double>(needed[j]) : kNaN});
      out_->push_back({look + "_patients", needed[j] > 0 ? static_cast<double>(patients[j]) : kNaN});
      if (!gs.look_times.empty()) {
        // Looks at calendar times: the information each had, and the efficacy bound it used.
        out_->push_back({look + "_fraction", needed[j] > 0 ? static_cast<double>(needed[j]) / total : kNaN});
        out_->push_back({look + "_bound", needed[j] > 0 && !method.tests_at_cut ? bounds.efficacy[j] : kNaN});
      }
    }
  }

  /// The propensity model, fitted once for both methods: logistic regression of being in
  /// the trial on [1, covariates], over the rows [treated; external cohort] in that order,
  /// so the fixed chunks of the fit are those of the former stacked matrix. One walk of
  /// the treated patients per iteration, plus one.
  const stats::LogisticFit& propensity() {
    if (propensity_) return *propensity_;
    const ExternalCohort& cohort = external_outcomes();
    const auto q = cohort.x.cols();
    const std::vector<std::int8_t> control_y(cohort.outcome.size(), 0);
    Eigen::MatrixXd x;
    std::vector<std::int8_t> y;
    propensity_ = stats::logistic(
        [&](const stats::LogisticRowVisitor& visit) {
          external_->rows->forward([&](std::span<const stats::SurvivalRow> batch) {
            x.resize(static_cast<Eigen::Index>(batch.size()), q);
            y.assign(batch.size(), 1);
            for (std::size_t r = 0; r < batch.size(); ++r) {
              const auto i = static_cast<Eigen::Index>(r);
              x(i, 0) = 1.0;
              for (Eigen::Index j = 1; j < q; ++j) x(i, j) = batch[r].x[static_cast<std::size_t>(j - 1)];
            }
            visit(x, y);
          });
          visit(cohort.x, control_y);
        },
        q);
    return *propensity_;
  }

  const ExternalCohort& external_outcomes() {
    if (external_cohort_) return *external_cohort_;
    const auto& ext = *spec_.analysis.external_control;
    const cohort::CohortGenerator generator(ext.cohort);
    const std::size_t p = generator.covariate_count();
    const std::size_t n_outputs = spec_.model.factory->outputs.size();
    ExternalCohort cohort;
    cohort.x.resize(static_cast<Eigen::Index>(ext.patients), static_cast<Eigen::Index>(ext.covariates.size() + 1));
    cohort.outcome.resize(ext.patients);
    std::vector<double> values(p);
    std::vector<models::ArmOutcome> potential(n_outputs * spec_.arms.size()), observed(n_outputs);
    for (std::uint64_t i = 0; i < ext.patients; ++i) {
      generator.generate(ext.seed, replicate_, i, values);
      spec_.model.instance->simulate({ext.seed, replicate_, i}, values, spec_.control_arm, potential, observed);
      const auto r = static_cast<Eigen::Index>(i);
      cohort.x(r, 0) = 1.0;
      for (std::size_t j = 0; j < ext.covariates.size(); ++j) {
        cohort.x(r, static_cast<Eigen::Index>(j + 1)) = values[ext.covariates[j]];
      }
      cohort.outcome[i] = observed[endpoint_.output].value;
    }
    external_cohort_ = std::move(cohort);
    return *external_cohort_;
  }

  const spec::TrialSpec& spec_;
  const std::vector<double>& prognostic_;
  const std::vector<double>& boundaries_;
  const TrialAnalysis::BufferFactory& buffers_;  ///< analyze()'s: outlives the analyzer
  std::size_t e_;
  std::uint64_t replicate_;
  const spec::EndpointSpec& endpoint_;
  const spec::EndpointAnalysis& analysis_;
  double alpha_;
  bool tte_;
  std::vector<Arm> arms_;
  std::vector<Pair> pairs_;
  std::optional<ExternalTreated> external_;
  std::optional<ExternalCohort> external_cohort_;
  std::optional<stats::LogisticFit> propensity_;
  std::vector<double> external_row_;
  double cut_time_ = std::numeric_limits<double>::infinity();  ///< the analyses' horizon (time from entry)
  bool cut_reached_ = false;
  double calendar_cut_ = kNaN;  ///< calendar time of the cut, when reached
  std::optional<CutClock> clock_;  ///< time-to-event endpoints with a data cut
  bool calendar_ = false;          ///< rows pushed on the second walk, cut by entry time
  /// Patients can be lost to follow-up (time-to-event endpoints): the truths with dropout
  /// are computed.
  bool dropout_ = false;
  std::map<std::size_t, stats::KmSummary> km_cache_;
  std::vector<double> covariate_row_;
  std::vector<Series>* out_ = nullptr;
};

EndpointAnalyzer::Interim::Interim(const EndpointAnalyzer& owner, const Pair& pair) : owner_(owner) {
  const MethodEntry& method = method_entry(owner.analysis_.methods.front());
  if (method.interim_accumulator == nullptr) {
    throw std::logic_error("internal error: method '" + method.name() + "' has no interim looks");
  }
  accumulator_ = method.interim_accumulator(pair);
  const auto total = static_cast<double>(pair.n);
  for (double look : owner.analysis_.group_sequential->looks) {
    needed_.push_back(static_cast<std::uint64_t>(std::ceil(look * total - 1e-9)));
  }
  estimates_.assign(needed_.size(), kNoEstimate);
  while (next_look_ < needed_.size() && needed_[next_look_] == 0) ++next_look_;
}

void EndpointAnalyzer::Interim::add(const MethodRow& row) {
  if (next_look_ >= needed_.size()) return;
  ++seen_;
  accumulator_->add(row);
  while (next_look_ < needed_.size() && needed_[next_look_] == seen_) {
    estimates_[next_look_++] = accumulator_->estimate(owner_.alpha_);
  }
}

}  // namespace

std::vector<Series> TrialAnalysis::analyze(const BlockWalk& walk, std::uint64_t replicate,
                                           const BufferFactory& buffers) const {
  std::vector<std::unique_ptr<EndpointAnalyzer>> endpoints;
  for (std::size_t e = 0; e < spec_.endpoints.size(); ++e) {
    endpoints.push_back(std::make_unique<EndpointAnalyzer>(spec_, prognostic_[e], boundaries_[e], e, replicate, buffers));
  }
  std::uint64_t failures = 0;
  double last_entry = 0.0;
  walk([&](const Block& block) {
    failures += static_cast<std::uint64_t>(std::count(block.model_failed.begin(), block.model_failed.end(), 1));
    if (!block.entry_time.empty()) last_entry = std::max(last_entry, block.entry_time.back());
    for (auto& endpoint : endpoints) endpoint->collect(block);
  });
  bool second = false;
  for (auto& endpoint : endpoints) {
    endpoint->end_collect();
    second = second || endpoint->needs_second_walk();
  }
  if (second) {
    walk([&](const Block& block) {
      for (auto& endpoint : endpoints) {
        if (endpoint->needs_second_walk()) endpoint->revisit(block);
      }
    });
  }
  std::vector<Series> out;
  out.push_back({"model_failures", static_cast<double>(failures)});
  // With accrual: when the last patient entered (entry times increase with the patient).
  if (spec_.trial.accrual) out.push_back({"accrual_end", last_entry});
  for (auto& endpoint : endpoints) endpoint->emit(out);
  emit_multiplicity(spec_, out);  // after every endpoint: it reads their p-values
  return out;
}

std::vector<Series> TrialAnalysis::analyze(const Block& block) const {
  return analyze([&](const std::function<void(const Block&)>& visit) { visit(block); }, block.replicate,
                 [](std::size_t covariates) { return std::make_unique<stats::InMemorySurvivalBuffer>(covariates); });
}

}  // namespace silico::sim
