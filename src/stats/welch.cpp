/// @file
/// @brief Welch's unequal-variance t test.

#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

#include "stats/estimates.hpp"

namespace silico::stats {

Estimate welch(std::span<const double> treated, std::span<const double> control, double alpha) {
  return welch(describe(treated), describe(control), alpha);
}

Estimate welch(const Descriptive& t, const Descriptive& c, double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("welch: alpha must be in (0, 1)");
  }
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();

  Estimate e;
  e.effect = t.mean - c.mean;
  e.ci_low = e.ci_high = e.p = nan;
  // Squared standard errors of each mean; NaN when a group has fewer than 2 values.
  const double vt = t.sd * t.sd / static_cast<double>(t.n);
  const double vc = c.sd * c.sd / static_cast<double>(c.n);
  e.se = std::sqrt(vt + vc);
  // Undefined test (too few values, or no spread at all): report NaN, as R's t.test
  // refuses these; Boost would throw on a NaN degrees of freedom.
  if (!(e.se > 0.0)) return e;

  // Welch-Satterthwaite degrees of freedom.
  const double df =
      (vt + vc) * (vt + vc) /
      (vt * vt / static_cast<double>(t.n - 1) + vc * vc / static_cast<double>(c.n - 1));
  const boost::math::students_t dist(df);
  const double stat = e.effect / e.se;
  e.p = 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(stat)));
  const double q = boost::math::quantile(boost::math::complement(dist, alpha / 2.0));
  e.ci_low = e.effect - q * e.se;
  e.ci_high = e.effect + q * e.se;
  return e;
}

}  // namespace silico::stats
