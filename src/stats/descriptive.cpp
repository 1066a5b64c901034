/// @file
/// @brief describe() and normal_two_sided_z().

#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>

#include "stats/estimates.hpp"

namespace silico::stats {

Descriptive describe(std::span<const double> x) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  Descriptive d;
  d.n = x.size();
  if (d.n == 0) {
    d.mean = nan;
    d.sd = nan;
    return d;
  }
  // Two passes (mean, then squared deviations): more accurate than sum of squares, and
  // plain ordered loops so the result does not depend on anything but the input order.
  double sum = 0.0;
  for (double v : x) sum += v;
  d.mean = sum / static_cast<double>(d.n);
  if (d.n < 2) {
    d.sd = nan;
    return d;
  }
  double ss = 0.0;
  for (double v : x) ss += (v - d.mean) * (v - d.mean);
  d.sd = std::sqrt(ss / static_cast<double>(d.n - 1));
  return d;
}

Descriptive RunningMoments::result() const {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  Descriptive d;
  d.n = n_;
  d.mean = n_ == 0 ? nan : mean_;
  d.sd = n_ < 2 ? nan : std::sqrt(m2_ / static_cast<double>(n_ - 1));
  return d;
}

double normal_two_sided_z(double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("normal_two_sided_z: alpha must be in (0, 1)");
  }
  // Upper-tail quantile via complement(): no 1 - alpha/2 cancellation for small alpha.
  return boost::math::quantile(boost::math::complement(boost::math::normal(), alpha / 2.0));
}

}  // namespace silico::stats
