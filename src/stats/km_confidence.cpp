/// @file
/// @brief Kaplan-Meier landmark survival with log-log CI, and the Brookmeyer-Crowley
/// median interval.

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "stats/survival.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Log-log interval S^exp(-+z sqrt(gw)/log S) for 0 < S < 1: log S < 0, so the exponent
/// exp(z sqrt(gw)/|log S|) > 1 lowers S and its reciprocal raises it.
struct Band {
  double low;
  double high;
};
Band log_log_band(double s, double greenwood, double z) {
  const double w = z * std::sqrt(greenwood) / std::fabs(std::log(s));
  return {std::pow(s, std::exp(w)), std::pow(s, std::exp(-w))};
}

/// Where a step curve, given by its values at `times`, first reaches 0.5, with
/// km_median()'s conventions (survfit's tolerance; midpoint of a flat at 0.5, or of the
/// flat and `end_time` when the curve ends on it).
std::optional<double> first_half_crossing(const std::vector<double>& times,
                                          const std::vector<double>& values, double end_time) {
  constexpr double tol = 0x1p-26;  // sqrt(DBL_EPSILON), as in kaplan_meier.cpp
  const std::size_t m = values.size();
  std::size_t j1 = 0;
  while (j1 < m && values[j1] > 0.5 + tol) ++j1;
  if (j1 == m) return std::nullopt;
  if (values[j1] <= 0.5 - tol) return times[j1];
  std::size_t j2 = j1 + 1;
  while (j2 < m && values[j2] > 0.5 - tol) ++j2;
  const double end = j2 < m ? times[j2] : end_time;
  return (times[j1] + end) / 2.0;
}

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
  if (time > km.max_time && s > 0.0) return p;  // beyond follow-up: unknown

  p.survival = s;
  if (s <= 0.0 || s >= 1.0) {
    // No variance (S = 1: nobody has failed; S = 0: everyone at risk failed) and no
    // log-log transform; the interval collapses onto the estimate.
    p.se = 0.0;
    p.ci_low = s;
    p.ci_high = s;
    return p;
  }
  p.se = s * std::sqrt(greenwood);
  const Band b = log_log_band(s, greenwood, z);
  p.ci_low = b.low;
  p.ci_high = b.high;
  return p;
}

MedianEstimate median_with_ci(const KaplanMeier& km, double alpha) {
  const double z = normal_two_sided_z(alpha);
  MedianEstimate m;
  m.median = km_median(km);

  // Bands at the event times where they are defined (0 < S < 1, so S = 0 is skipped).
  std::vector<double> times;
  std::vector<double> low;
  std::vector<double> high;
  times.reserve(km.time.size());
  low.reserve(km.time.size());
  high.reserve(km.time.size());
  for (std::size_t i = 0; i < km.time.size(); ++i) {
    const double s = km.survival[i];
    if (!(s > 0.0 && s < 1.0)) continue;
    const Band b = log_log_band(s, km.greenwood[i], z);
    times.push_back(km.time[i]);
    low.push_back(b.low);
    high.push_back(b.high);
  }
  // The lower band falls first, so it gives the earliest time consistent with a median.
  m.ci_low = first_half_crossing(times, low, km.max_time);
  m.ci_high = first_half_crossing(times, high, km.max_time);
  return m;
}

}  // namespace silico::stats
