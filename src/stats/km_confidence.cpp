/// @file
/// @brief Kaplan-Meier landmark survival with log-log CI, and the Brookmeyer-Crowley
/// median interval.

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "stats/km_steps.hpp"
#include "stats/survival.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

SurvivalPoint survival_at(const KaplanMeier& km, double time, double alpha) {
  const double z = normal_two_sided_z(alpha);
  if (!(std::isfinite(time) && time >= 0.0)) {
    throw std::invalid_argument("survival_at: time must be finite and >= 0");
  }
  SurvivalPoint p{time, kNaN, kNaN, kNaN, kNaN};
  if (km.n == 0) return p;

  // Event times <= time; the curve is a right-continuous step function.
  const auto k = static_cast<std::size_t>(std::upper_bound(km.time.begin(), km.time.end(), time) -
                                          km.time.begin());
  const double s = k > 0 ? km.survival[k - 1] : 1.0;
  const double greenwood = k > 0 ? km.greenwood[k - 1] : 0.0;
  return detail::survival_point(time, s, greenwood, km.max_time, z);
}

MedianEstimate median_with_ci(const KaplanMeier& km, double alpha) {
  const double z = normal_two_sided_z(alpha);
  detail::MedianTracker tracker(z);
  for (std::size_t i = 0; i < km.time.size(); ++i)
    tracker.add(km.time[i], km.survival[i], km.greenwood[i]);
  return tracker.result(km.max_time);
}

}  // namespace silico::stats
