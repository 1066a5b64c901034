/// @file
/// @brief Restricted mean survival time and the two-arm difference.

#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>

#include "stats/estimates.hpp"
#include "stats/km_steps.hpp"

namespace silico::stats {

Rmst rmst(const KaplanMeier& km, double tau) {
  if (!(tau > 0.0 && std::isfinite(tau))) {
    throw std::invalid_argument("rmst: tau must be finite and > 0");
  }
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const bool reached_zero = !km.survival.empty() && km.survival.back() == 0.0;
  // Past the last observation the curve is unknown unless it already reached 0.
  if (km.n == 0 || (tau > km.max_time && !reached_zero)) return {nan, nan};

  std::size_t k = 0;  // event times <= tau
  while (k < km.time.size() && km.time[k] <= tau) ++k;

  Rmst r;
  double prev_t = 0.0;
  double prev_s = 1.0;
  for (std::size_t i = 0; i < k; ++i) {
    r.rmst += (km.time[i] - prev_t) * prev_s;
    prev_t = km.time[i];
    prev_s = km.survival[i];
  }
  r.rmst += (tau - prev_t) * prev_s;

  // Klein & Moeschberger: sum_i A_i^2 d_i / (n_i (n_i - d_i)), A_i = area on [t_i, tau].
  // Walk backwards so A_i accumulates. A term with n_i == d_i is skipped (survRM2 sets
  // it to 0): S = 0 after t_i, so A_i = 0 exactly and the term is 0 * inf, not a guess.
  double area_after = 0.0;
  double next_t = tau;
  for (std::size_t i = k; i-- > 0;) {
    area_after += (next_t - km.time[i]) * km.survival[i];
    next_t = km.time[i];
    const double n = km.at_risk[i];
    const double d = km.events[i];
    if (n > d) r.variance += area_after * area_after * d / (n * (n - d));
  }
  return r;
}

Estimate rmst_difference(const SurvivalData& treated, const SurvivalData& control, double tau,
                         double alpha) {
  const double z = normal_two_sided_z(alpha);
  return detail::rmst_estimate(rmst(kaplan_meier(treated), tau), rmst(kaplan_meier(control), tau), z);
}

namespace detail {

Estimate rmst_estimate(const Rmst& t, const Rmst& c, double z) {
  return difference_estimate(t.rmst, t.variance, c.rmst, c.variance, z);
}

Estimate difference_estimate(double treated, double treated_variance, double control, double control_variance,
                             double z) {
  Estimate e;
  e.effect = treated - control;
  e.se = std::sqrt(treated_variance + control_variance);
  e.ci_low = e.effect - z * e.se;
  e.ci_high = e.effect + z * e.se;
  // No p without spread (e.g. both arms event-free up to tau); Boost would throw on NaN.
  e.p = std::numeric_limits<double>::quiet_NaN();
  if (e.se > 0.0 && !std::isnan(e.effect)) {
    const double stat = std::fabs(e.effect) / e.se;
    e.p = 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), stat));
  }
  return e;
}

}  // namespace detail
}  // namespace silico::stats
