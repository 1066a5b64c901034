/// @file
/// @brief operating_characteristics(): performance measures over replicate trials with their
/// Monte Carlo standard errors (Morris, White & Crowther, Stat Med 2019;38:2074-2102, Table 6).

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include "stats/design.hpp"
#include "stats/estimates.hpp"

namespace silico::stats {

OperatingCharacteristics operating_characteristics(std::span<const double> effect,
                                                   std::span<const double> se,
                                                   std::span<const double> ci_low,
                                                   std::span<const double> ci_high,
                                                   std::span<const double> p,
                                                   std::span<const double> truth, double alpha) {
  const std::size_t size = effect.size();
  if (se.size() != size || ci_low.size() != size || ci_high.size() != size || p.size() != size ||
      truth.size() != size) {
    throw std::invalid_argument("operating_characteristics: all inputs must have the same length");
  }
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("operating_characteristics: alpha must be in (0, 1)");
  }

  // Keep a replicate only when every quantity is finite, so that all measures below are
  // over the same replicates and `replicates` is the n of every MCSE formula.
  std::vector<double> kept_effect;
  std::vector<double> bias;
  std::vector<double> se_squared;
  std::size_t covered = 0;
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < size; ++i) {
    if (!(std::isfinite(effect[i]) && std::isfinite(se[i]) && std::isfinite(ci_low[i]) &&
          std::isfinite(ci_high[i]) && std::isfinite(p[i]) && std::isfinite(truth[i]))) {
      continue;
    }
    kept_effect.push_back(effect[i]);
    bias.push_back(effect[i] - truth[i]);
    se_squared.push_back(se[i] * se[i]);
    if (ci_low[i] <= truth[i] && truth[i] <= ci_high[i]) ++covered;
    if (p[i] < alpha) ++rejected;
  }

  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  OperatingCharacteristics oc;
  oc.replicates = kept_effect.size();
  if (oc.replicates == 0) {
    oc.rejection_rate = oc.rejection_rate_mcse = nan;
    oc.mean_bias = oc.mean_bias_mcse = nan;
    oc.empirical_se = oc.empirical_se_mcse = nan;
    oc.model_se = oc.model_se_mcse = nan;
    oc.rmse = nan;
    oc.coverage = oc.coverage_mcse = nan;
    return oc;
  }
  const double n = static_cast<double>(oc.replicates);

  // Proportions: binomial MCSE sqrt(c (1 - c) / n).
  oc.rejection_rate = static_cast<double>(rejected) / n;
  oc.rejection_rate_mcse = std::sqrt(oc.rejection_rate * (1.0 - oc.rejection_rate) / n);
  oc.coverage = static_cast<double>(covered) / n;
  oc.coverage_mcse = std::sqrt(oc.coverage * (1.0 - oc.coverage) / n);

  // describe() gives NaN sd when n < 2, which carries into the MCSEs that need it.
  const Descriptive b = describe(bias);
  const Descriptive e = describe(kept_effect);
  oc.mean_bias = b.mean;
  oc.empirical_se = e.sd;
  oc.mean_bias_mcse = e.sd / std::sqrt(n);
  oc.empirical_se_mcse = e.sd / std::sqrt(2.0 * (n - 1.0));

  double squared_error = 0.0;
  for (double v : bias) squared_error += v * v;
  oc.rmse = std::sqrt(squared_error / n);

  // Model SE as the root mean squared SE; its MCSE by the delta method on Var(se^2).
  const Descriptive s2 = describe(se_squared);
  oc.model_se = std::sqrt(s2.mean);
  oc.model_se_mcse = std::sqrt(s2.sd * s2.sd / (4.0 * n * s2.mean));
  return oc;
}

}  // namespace silico::stats
