/// @file
/// @brief Analytic crossing probabilities of a group-sequential design under the simulated
/// truth (trial_operating.hpp).

#include "stats/trial_operating.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/group_sequential_design.hpp"

namespace silico::stats {

double schoenfeld_se(double events, double allocation) {
  if (!(events > 0.0 && std::isfinite(events) && allocation > 0.0 && allocation < 1.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return 1.0 / std::sqrt(events * allocation * (1.0 - allocation));
}

double truth_drift(double log_or_identity_effect, double final_se, bool lower_is_benefit) {
  if (!(final_se > 0.0 && std::isfinite(final_se)) || !std::isfinite(log_or_identity_effect)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double expected_z = log_or_identity_effect / final_se;
  return lower_is_benefit ? -expected_z : expected_z;
}

DesignCrossing design_crossing(std::span<const double> information_fractions,
                               std::span<const double> efficacy_bounds,
                               std::span<const double> futility_bounds, bool two_sided,
                               double theta) {
  const std::size_t k = efficacy_bounds.size();
  if (!futility_bounds.empty() && (two_sided || futility_bounds.size() != k)) {
    throw std::invalid_argument("design_crossing: futility bounds are one-sided, one per look");
  }
  std::vector<double> lower(k, -std::numeric_limits<double>::infinity());
  for (std::size_t j = 0; j < k; ++j) {
    if (two_sided) lower[j] = -efficacy_bounds[j];
    if (!futility_bounds.empty()) lower[j] = futility_bounds[j];
  }
  const CrossingProbabilities p = crossing_probabilities(information_fractions, lower, efficacy_bounds, theta);
  DesignCrossing out;
  out.efficacy = p.upper;
  if (two_sided) {
    for (std::size_t j = 0; j < k; ++j) out.efficacy[j] += p.lower[j];
  } else if (!futility_bounds.empty()) {
    out.futility = p.lower;
    if (k > 1) out.futility.back() = out.futility[k - 2];
  }
  return out;
}

}  // namespace silico::stats
