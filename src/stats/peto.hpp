#pragma once
// Internal to stats/: the log-rank test and Peto's one-step hazard ratio from the summed
// observed-minus-expected events and hypergeometric variance (plain or stratified).

#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <limits>

#include "stats/estimates.hpp"

namespace silico::stats::detail {

/// HR = exp((O-E)/V), SE of log HR = 1/sqrt(V), CI exp(log HR +- z SE), p from the
/// chi-square (O-E)^2/V on 1 df. All NaN when V is not positive (no information).
inline Estimate peto_estimate(double o_minus_e, double variance, double z) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (!(variance > 0.0)) return {nan, nan, nan, nan, nan};
  const double log_hr = o_minus_e / variance;
  Estimate e;
  e.se = 1.0 / std::sqrt(variance);
  e.effect = std::exp(log_hr);
  e.ci_low = std::exp(log_hr - z * e.se);
  e.ci_high = std::exp(log_hr + z * e.se);
  const double chisq = o_minus_e * o_minus_e / variance;
  e.p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(1.0), chisq));
  return e;
}

}  // namespace silico::stats::detail
