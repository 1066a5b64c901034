#pragma once
/// @file
/// @brief `silico summarize`: the analyses `silico run` stored under /replicates, for one
/// replicate (arms, estimates next to the true effect) and, with several replicates,
/// each method's operating characteristics.

#include <map>
#include <string>
#include <vector>

#include "io/result_reader.hpp"
#include "stats/design.hpp"

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
  stats::OperatingCharacteristics oc;
};

struct EndpointSummary {
  std::string name;
  std::string type;  ///< continuous, time_to_event or binary
  std::vector<std::pair<std::string, double>> values;  ///< endpoint-level, e.g. data_cut_time
  std::vector<ArmSummary> arms;
  std::vector<EstimateRow> estimates;
  std::vector<OperatingRow> operating;  ///< empty with a single replicate
};

struct Summary {
  io::ResultMetadata metadata;
  std::uint64_t replicate = 0;
  std::vector<EndpointSummary> endpoints;
};

Summary summarize(const io::ResultReader& results, std::uint64_t replicate);

/// Human-readable tables.
std::string format_text(const Summary& summary);
/// JSON document; keys are documented in docs/cli.md.
std::string format_json(const Summary& summary);

}  // namespace silico::cli
