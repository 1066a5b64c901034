/// @file
/// @brief Kaplan-Meier estimate and survfit-style median.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "stats/estimates.hpp"

namespace silico::stats {
namespace {

void validate(const SurvivalData& data) {
  if (data.time.size() != data.event.size()) {
    throw std::invalid_argument("kaplan_meier: time and event have different lengths");
  }
  for (std::size_t i = 0; i < data.time.size(); ++i) {
    if (!(std::isfinite(data.time[i]) && data.time[i] >= 0.0)) {
      throw std::invalid_argument("kaplan_meier: times must be finite and >= 0");
    }
    if (data.event[i] != 0 && data.event[i] != 1) {
      throw std::invalid_argument("kaplan_meier: event must be 0 or 1");
    }
  }
}

}  // namespace

KaplanMeier kaplan_meier(const SurvivalData& data) {
  validate(data);
  KaplanMeier km;
  km.n = data.time.size();
  if (km.n == 0) return km;

  // Total order: by time, events before censorings at a tie (R's survival convention).
  std::vector<std::size_t> order(km.n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (data.time[a] != data.time[b]) return data.time[a] < data.time[b];
    return data.event[a] > data.event[b];
  });

  std::size_t at_risk = km.n;
  double s = 1.0;
  double greenwood = 0.0;
  for (std::size_t i = 0; i < km.n;) {
    const double t = data.time[order[i]];
    std::size_t d = 0;
    std::size_t c = 0;
    for (; i < km.n && data.time[order[i]] == t; ++i) {
      (data.event[order[i]] == 1 ? d : c) += 1;
    }
    if (d > 0) {
      const auto n = static_cast<double>(at_risk);
      const auto dd = static_cast<double>(d);
      s *= (n - dd) / n;
      // d/(n(n-d)) is infinite once everyone at risk has the event (S = 0 from here on).
      greenwood += d < at_risk ? dd / (n * (n - dd)) : std::numeric_limits<double>::infinity();
      km.time.push_back(t);
      km.survival.push_back(s);
      km.at_risk.push_back(n);
      km.events.push_back(dd);
      km.greenwood.push_back(greenwood);
      km.total_events += d;
    }
    // Those censored at t were still at risk at t; they leave only afterwards.
    at_risk -= d + c;
  }
  km.max_time = data.time[order.back()];
  return km;
}

std::optional<double> km_median(const KaplanMeier& km) {
  // R's quantile.survfit treats |S - 0.5| < sqrt(DBL_EPSILON) as "equal to 0.5", so a
  // product such as (5/6)(3/5) that misses 0.5 by rounding still counts as a flat.
  constexpr double tol = 0x1p-26;  // sqrt(2^-52)
  const std::size_t m = km.survival.size();
  std::size_t j1 = 0;
  while (j1 < m && km.survival[j1] > 0.5 + tol) ++j1;
  if (j1 == m) return std::nullopt;
  if (km.survival[j1] <= 0.5 - tol) return km.time[j1];  // jumped below 0.5

  // S == 0.5 from time[j1] until the next drop, or to the end of follow-up.
  std::size_t j2 = j1 + 1;
  while (j2 < m && km.survival[j2] > 0.5 - tol) ++j2;
  const double end = j2 < m ? km.time[j2] : km.max_time;
  return (km.time[j1] + end) / 2.0;
}

}  // namespace silico::stats
