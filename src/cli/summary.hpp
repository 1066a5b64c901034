#pragma once
/// @file
/// @brief `silico summarize`: the analyses `silico run` stored under /replicates, for one
/// replicate (arms, estimates next to the true effect) and, with several replicates,
/// each method's operating characteristics.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/result_reader.hpp"
#include "stats/design.hpp"
#include "stats/multiplicity.hpp"

namespace silico::cli {

/// Named values of one arm, e.g. n, mean, sd or events, median, median_ci_low.
struct ArmSummary {
  std::string arm;
  std::vector<std::pair<std::string, double>> values;
};

struct EstimateRow {
  std::string method;
  std::string treatment;
  std::string measure;
  bool primary = false;
  double effect, se, ci_low, ci_high, p, true_effect;
  std::vector<std::pair<std::string, double>> extras;  ///< method-specific diagnostics
};

struct OperatingRow {
  std::string method;
  std::string treatment;
  bool log_scale = false;  ///< ratio measures: effect, truth and CI on the log scale
  stats::OperatingCharacteristics oc;
};

/// Group-sequential operating characteristics of the primary method.
struct GroupSequentialRow {
  std::string method;
  std::string treatment;
  std::string spending;
  std::vector<double> looks;       ///< information fractions
  std::vector<double> boundaries;  ///< |Z| efficacy boundaries
  double rejection_rate = 0.0, rejection_rate_mcse = 0.0;
  double expected_information = 0.0, expected_information_mcse = 0.0;  ///< events or patients
  std::vector<double> stop_probability;  ///< P(stop for efficacy at look k)
  // A design other than the two-sided O'Brien-Fleming or Pocock types (gs_sided present):
  std::string sided = "two";            ///< one or two
  double alpha = 0.0;                   ///< the design's level (one-sided: one-sided); 0 if not stored
  std::string benefit;                  ///< one-sided: lower or higher
  std::vector<double> nominal_p;        ///< one-sided: 1 - Phi(u_k)
  /// Analytic cumulative crossing probabilities under H0 (futility stops in place).
  std::vector<double> h0_efficacy_crossing, h0_futility_crossing;
  std::string futility_spending;        ///< empty without futility
  bool futility_binding = false;
  std::vector<double> futility_boundaries;
  std::vector<double> futility_stop_probability;  ///< P(stop for futility at look k)
  /// Hazard-ratio endpoints: each bound on the hazard-ratio scale (Schoenfeld) at the mean
  /// events of its look and the randomized share of treatment; empty otherwise.
  std::vector<double> hazard_ratio_boundaries, futility_hazard_ratio_boundaries;
};

struct EndpointSummary {
  std::string name;
  std::string type;  ///< continuous, time_to_event or binary
  std::vector<std::pair<std::string, double>> values;  ///< endpoint-level, e.g. data_cut_time
  std::vector<ArmSummary> arms;
  std::vector<EstimateRow> estimates;
  std::vector<OperatingRow> operating;  ///< empty with a single replicate
  std::vector<GroupSequentialRow> group_sequential;  ///< with interim looks and replicates > 1
};

/// One hypothesis of analysis.multiplicity over the replicates.
struct MultiplicityHypothesisRow {
  std::string name;  ///< its series group, <k>_<endpoint>_<method>_<arm>
  std::string endpoint, method, arm;
  double weight = 0.0;      ///< initial weight (equal for bonferroni and holm without weights, hochberg)
  bool true_null = false;   ///< true effect at the null value in every replicate (see summarize)
  stats::RateWithMcse rejection;   ///< after the procedure (reject series)
  stats::RateWithMcse unadjusted;  ///< its own test, p < alpha, NaN p not rejected
};

/// analysis.multiplicity over the replicates (with replicates > 1): per hypothesis and
/// familywise, after the procedure and, for comparison, of the unadjusted tests.
struct MultiplicitySummary {
  std::string procedure;
  std::uint64_t replicates = 0;
  std::vector<MultiplicityHypothesisRow> hypotheses;
  std::size_t true_nulls = 0;
  stats::MultiplicityOperating adjusted;    ///< any, all, fwer after the procedure
  stats::MultiplicityOperating unadjusted;  ///< the same of the tests at p < alpha each
};

/// Tolerance of "true null": a hypothesis is a true null when every replicate's finite
/// true_effect is within this of 0 (a difference) or of 1 (a ratio measure), and at least
/// one is finite. Under no effect silico's true effects are exactly 0 or 1 (the potential
/// outcomes of the arms are the same numbers); any real effect is far from it.
inline constexpr double kTrueNullTolerance = 1e-9;

struct Summary {
  io::ResultMetadata metadata;
  std::uint64_t replicate = 0;
  double model_failures = 0.0;  ///< patients of this replicate whose model failed
  /// With trial.accrual: calendar time of the last patient's entry in this replicate.
  std::optional<double> accrual_end;
  std::vector<EndpointSummary> endpoints;
  std::optional<MultiplicitySummary> multiplicity;  ///< with analysis.multiplicity and replicates > 1
};

Summary summarize(const io::ResultReader& results, std::uint64_t replicate);

/// Human-readable tables.
std::string format_text(const Summary& summary);
/// JSON document; keys are documented in docs/cli.md.
std::string format_json(const Summary& summary);

}  // namespace silico::cli
