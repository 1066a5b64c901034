/// @file
/// @brief Kaplan-Meier estimate and survfit-style median.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "stats/estimates.hpp"
#include "stats/km_steps.hpp"

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
  detail::KmStep step;
  for (std::size_t i = 0; i < km.n;) {
    const double t = data.time[order[i]];
    std::size_t d = 0;
    std::size_t c = 0;
    for (; i < km.n && data.time[order[i]] == t; ++i) {
      (data.event[order[i]] == 1 ? d : c) += 1;
    }
    if (d > 0) {
      step.add(at_risk, d);
      km.time.push_back(t);
      km.survival.push_back(step.survival);
      km.at_risk.push_back(static_cast<double>(at_risk));
      km.events.push_back(static_cast<double>(d));
      km.greenwood.push_back(step.greenwood);
      km.total_events += d;
    }
    // Those censored at t were still at risk at t; they leave only afterwards.
    at_risk -= d + c;
  }
  km.max_time = data.time[order.back()];
  return km;
}

std::optional<double> km_median(const KaplanMeier& km) {
  detail::HalfCrossing half;
  for (std::size_t i = 0; i < km.survival.size() && !half.done(); ++i)
    half.add(km.time[i], km.survival[i]);
  return half.result(km.max_time);
}

}  // namespace silico::stats
