#pragma once
/// @file
/// @brief The report's own simulations, on the spec stored in the result file: calculation
/// verification (the primary endpoint again at a 10x tighter ODE tolerance) and a
/// one-at-a-time sensitivity of the primary estimate to each model parameter. Both use the
/// run's seed, so every variant sees the same patients (common random numbers) and a
/// change comes from the parameter, not from sampling. Pure: no MPI or HDF5.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace silico::report {

/// Told before each simulation of a study and once at its end: simulations done, of how
/// many, and what comes next ("" at the end). For progress lines; may be empty.
using StudyProgress = std::function<void(std::size_t done, std::size_t total, const std::string& next)>;

struct CalculationCheck {
  bool applicable = false;
  std::string reason;        ///< why not, when not applicable
  std::string endpoint;      ///< the primary endpoint (the spec's first)
  double rtol = 0.0, atol = 0.0;  ///< the run's tolerances; the check used a tenth of each
  std::uint64_t patients = 0;
  double max_relative_change = 0.0;   ///< over patients and arms (potential outcomes)
  double mean_relative_change = 0.0;
};

/// Re-simulates the first `patients` patients of `replicate` with the model's rtol and atol
/// divided by 10 and compares the primary endpoint's potential outcomes under every arm.
/// Not applicable (with the reason) when the model has no ODE tolerance or solves in
/// closed form. `files` says where the spec's includes are read from (the result file's
/// stored texts, or disk). @throws SpecError / UserError when the spec cannot be read.
CalculationCheck calculation_verification(const std::string& spec_text, const std::string& spec_file,
                                          std::uint64_t replicate, std::uint64_t patients,
                                          const spec::SpecFiles& files = {}, const StudyProgress& progress = {});

struct SensitivityRow {
  std::string parameter;  ///< model.parameters path, e.g. "hazard_ratio.treatment"
  double value = 0.0;     ///< as in the spec
  double low = 0.0;       ///< primary estimate with the parameter at value * (1 - change)
  double high = 0.0;      ///< ... at value * (1 + change)
  std::string note;       ///< why low or high is missing (NaN), e.g. outside the allowed range
};

struct SensitivityStudy {
  std::string estimate;  ///< series path of the primary estimate, e.g. "os/cox/treatment/effect"
  double baseline = 0.0;
  double change = 0.1;
  std::uint64_t patients = 0;
  std::vector<SensitivityRow> rows;
};

/// One-at-a-time sensitivity of the primary estimate (first endpoint, first method, first
/// comparison) to each numeric model parameter, on the first `patients` patients of
/// replicate 0. Numerical settings (rtol, atol, observation and exposure windows) and
/// covariate reference values are not model parameters and are left out; so are zeros.
SensitivityStudy sensitivity(const std::string& spec_text, const std::string& spec_file, double change,
                             std::uint64_t patients, const spec::SpecFiles& files = {},
                             const StudyProgress& progress = {});

}  // namespace silico::report
