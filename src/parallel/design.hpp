#pragma once
/// @file
/// @brief `silico design`: the smallest trial size at which each method of the primary
/// endpoint reaches a target power, found by simulating replicate trials at each size.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "parallel/mpi_context.hpp"
#include "spec/spec.hpp"

namespace silico::parallel {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// What `silico design` varies: the trial's patients (with trial.accrual rates, also the
/// accrual duration), or the events of the primary endpoint's data cut at fixed patients.
enum class DesignOver { kPatients, kEvents };

struct DesignOptions {
  DesignOver over = DesignOver::kPatients;
  double target_power = 0.8;
  std::uint64_t replicates = 0;  ///< per evaluated size; 0 = trial.replicates, at least 200
  std::uint64_t max_patients = 100'000;
  int threads = 0;
  bool quiet = false;
};

/// Power of one method (one treatment vs control) at one trial size.
struct PowerPoint {
  std::uint64_t patients = 0;
  std::string method;
  std::string treatment;
  /// The multiplicity procedure whose decisions power counts (analysis.multiplicity), or
  /// "none": the method's own p < alpha.
  std::string adjustment = "none";
  double power = 0.0;
  double mcse = 0.0;
  /// The events of the primary endpoint's cut at this size, when it is a cut at a number
  /// of events (0 otherwise).
  std::uint64_t data_cut_events = 0;
  /// In `required`: false when no size within --max-patients reached the target; the
  /// point is then the size with the largest power seen.
  bool reached = true;
  /// With a data cut on the primary endpoint: the share of replicates that reached it, its
  /// mean calendar time over those (NaN if none), and the mean events and patients at it.
  double cut_reached = kNaN;
  double cut_time = kNaN;
  double cut_events = kNaN;
  double cut_patients = kNaN;
  /// With trial.accrual: mean calendar time of the last entry (the accrual duration).
  double accrual_end = kNaN;
};

struct DesignResult {
  std::string endpoint;
  DesignOver over = DesignOver::kPatients;
  std::uint64_t replicates = 0;
  double target_power = 0.8;
  std::vector<PowerPoint> curve;  ///< every size evaluated, ascending
  /// Smallest size reaching the target per (method, treatment); where none does, the
  /// size with the largest power seen, with reached = false.
  std::vector<PowerPoint> required;
};

/// An event-driven cut at `patients` in a search that starts from the spec's size: the
/// spec's events scaled in proportion (the same fraction of patients with an event), at
/// least 1, never more than the patients. A fixed count would make power fall with size.
std::uint64_t scaled_cut_events(std::uint64_t spec_events, std::uint64_t spec_patients, std::uint64_t patients);

/// `cut` at `patients`: every event count in it scaled by scaled_cut_events.
spec::DataCut scaled_cut(const spec::DataCut& cut, std::uint64_t spec_patients, std::uint64_t patients);

/// Collective. Sizes are total randomized patients, multiples of the randomization block.
DesignResult design_trial(const MpiContext& mpi, const spec::TrialSpec& spec, const DesignOptions& options);

}  // namespace silico::parallel
