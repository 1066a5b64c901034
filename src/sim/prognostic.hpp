#pragma once
/// @file
/// @brief PROCOVA's historical cohort and prognostic models (Schuler et al. 2021): an
/// independently seeded cohort simulated under the control arm, and per endpoint an OLS
/// of its control outcome on every covariate. The trial's prognostic score of a patient
/// is that model's prediction from the patient's covariates.

#include <cstddef>
#include <span>
#include <vector>

#include "spec/spec.hpp"

namespace silico::sim {

struct PrognosticModels {
  /// The historical cohort: covariates [covariate][patient] in the trial cohort's order
  /// (categorical ones as level codes), and each model output under the control arm
  /// [output][patient].
  std::vector<std::vector<double>> covariates;
  std::vector<std::vector<double>> outcomes;
  /// Per endpoint: OLS coefficients (intercept first, then one per covariate), empty
  /// unless one of the endpoint's methods needs the historical cohort (procova).
  std::vector<std::vector<double>> coefficients;

  bool empty() const { return covariates.empty() && outcomes.empty(); }
};

/// Simulates spec.analysis.procova's historical cohort (its own seed, replicate 0, every
/// patient under the control arm) and fits the prognostic model of every endpoint that
/// needs it. Empty (no cohort, one empty coefficient list per endpoint) without procova.
PrognosticModels fit_prognostic_models(const spec::TrialSpec& spec);

/// The prognostic score b0 + sum_j b_{j+1} x_j of a patient with `covariates`. Inline:
/// the method library (sim/methods) sees sim/ through headers only.
inline double prognostic_score(const std::vector<double>& coefficients, std::span<const double> covariates) {
  double score = coefficients[0];
  for (std::size_t j = 0; j < covariates.size(); ++j) score += coefficients[j + 1] * covariates[j];
  return score;
}

}  // namespace silico::sim
