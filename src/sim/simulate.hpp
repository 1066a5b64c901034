#pragma once
/// @file
/// @brief Simulation of a block of consecutive patients of one replicate: covariates,
/// arm assignment, and every endpoint under every arm. Column-oriented, so a block is
/// written to HDF5 in one call per dataset.

#include <cstdint>
#include <vector>

#include <optional>

#include "cohort/cohort.hpp"
#include "sim/calendar.hpp"
#include "spec/spec.hpp"

namespace silico::sim {

/// One endpoint's columns for the patients of a block.
struct EndpointColumns {
  std::vector<double> observed_value;  ///< measurement, or time for time-to-event
  std::vector<std::int8_t> observed_event;
  std::vector<std::vector<double>> potential_value;  ///< [arm][patient]
  std::vector<std::vector<std::int8_t>> potential_event;
};

/// Results for patients [first, first + count) of one replicate.
struct Block {
  std::uint64_t replicate = 0;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  std::vector<std::uint64_t> patient_id;
  std::vector<std::int32_t> arm;
  std::vector<std::uint32_t> screening_attempts;  ///< candidates drawn per enrolled patient
  /// 1 where the model failed numerically for the patient (its outcomes are NaN and the
  /// analyses leave it out), else 0.
  std::vector<std::int8_t> model_failed;
  /// Calendar time of each patient's entry (trial.accrual); empty without accrual, when
  /// every patient enters at 0.
  std::vector<double> entry_time;
  std::vector<std::vector<double>> covariates;     ///< [covariate][patient]
  /// The model's individual parameters (Model::individual_parameter_names()), [parameter]
  /// [patient]; NaN for a patient whose model failed. Empty when the model has none or the
  /// simulator does not record bookkeeping.
  std::vector<std::vector<double>> parameters;
  std::vector<EndpointColumns> endpoints;          ///< in spec order
  /// Observed trajectories under the assigned arm, [patient][time] row-major, all of the
  /// model's trajectories concatenated; empty when the model records none.
  std::vector<double> trajectory;
  std::size_t trajectory_points = 0;  ///< values per patient
};

/// Simulates blocks for one trial spec. Thread-safe; `simulate` runs a oneTBB
/// parallel_for over the block's patients inside the caller's task arena.
class Simulator {
 public:
  /// `record_trajectories`: also fill Block::trajectory when the model records any (the
  /// analyses do not need them). `record_bookkeeping`: also fill Block::patient_id and
  /// Block::screening_attempts and Block::parameters (the analyses do not need them
  /// either, and a replicate analysed whole is millions of patients).
  explicit Simulator(const spec::TrialSpec& spec, bool record_trajectories = true, bool record_bookkeeping = true);

  /// Fill `block` (resized as needed, so one Block can be reused) with the patients
  /// [first, first + count) of `replicate`. Results are identical for any split.
  void simulate(std::uint64_t replicate, std::uint64_t first, std::uint64_t count,
                Block& block) const;

 private:
  const spec::TrialSpec& spec_;
  cohort::CohortGenerator cohort_;
  std::optional<AccrualSchedule> accrual_;
  std::vector<bool> time_to_event_;  ///< per model output
  std::size_t parameters_ = 0;       ///< individual parameters recorded per patient
  bool record_trajectories_;
  bool record_bookkeeping_;
};

}  // namespace silico::sim
