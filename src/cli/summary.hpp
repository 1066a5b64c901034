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
#include "stats/trial_operating.hpp"

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
  /// The estimand (ICH E9(R1)) the estimate and true_effect are of; empty in files written
  /// before silico stored it. The treatment condition is `treatment` against the control.
  std::string estimand_population, estimand_variable, estimand_intercurrent_events, estimand_summary;
};

struct OperatingRow {
  std::string method;
  std::string treatment;
  bool log_scale = false;  ///< ratio measures: effect, truth and CI on the log scale
  stats::OperatingCharacteristics oc;
};

/// The group-sequential and multiplicity results are plain structs of stats/ (the report
/// renders them too, without io/).
using stats::GroupSequentialRow;
using stats::MultiplicityHypothesisRow;
using stats::MultiplicitySummary;

struct EndpointSummary {
  std::string name;
  std::string type;  ///< continuous, time_to_event or binary
  std::vector<std::pair<std::string, double>> values;  ///< endpoint-level, e.g. data_cut_time
  std::vector<ArmSummary> arms;
  std::vector<EstimateRow> estimates;
  std::vector<OperatingRow> operating;  ///< empty with a single replicate
  std::vector<GroupSequentialRow> group_sequential;  ///< with interim looks and replicates > 1
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
