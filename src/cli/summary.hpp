#pragma once
/// @file
/// @brief `silico summarize`: per-arm descriptive statistics, treatment-vs-control
/// estimates, and the true sample effect computed from the potential outcomes.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/result_reader.hpp"

namespace silico::cli {

struct ArmSummary {
  std::string arm;
  std::uint64_t n = 0;
  double mean = 0.0;  ///< continuous: of the outcome; time-to-event: of observed times
  double sd = 0.0;
  std::uint64_t events = 0;          ///< time-to-event only
  std::optional<double> median;      ///< Kaplan-Meier median, time-to-event only
};

struct EstimateRow {
  std::string method;     ///< welch, logrank, rmst
  std::string treatment;  ///< compared with the control arm
  std::string measure;    ///< mean_difference, hazard_ratio, rmst_difference
  double effect = 0.0;
  double se = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  double p = 1.0;
};

struct EndpointSummary {
  std::string name;
  bool time_to_event = false;
  std::vector<ArmSummary> arms;
  std::vector<EstimateRow> estimates;
  std::string true_effect_measure;  ///< mean_difference or rmst_difference
  std::map<std::string, double> true_effect;  ///< per treatment arm
};

struct Summary {
  io::ResultMetadata metadata;
  std::uint64_t replicate = 0;
  std::vector<EndpointSummary> endpoints;
};

Summary summarize(const io::ResultReader& results, std::uint64_t replicate);

/// Human-readable table.
std::string format_text(const Summary& summary);
/// JSON document; keys are documented in docs/cli.md.
std::string format_json(const Summary& summary);

}  // namespace silico::cli
