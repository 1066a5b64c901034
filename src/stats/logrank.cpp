/// @file
/// @brief Two-sample log-rank test and Peto one-step hazard ratio.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/chi_squared.hpp>

#include "stats/estimates.hpp"
#include "stats/km_steps.hpp"
#include "stats/peto.hpp"

namespace silico::stats {
namespace {

struct Obs {
  double time;
  std::int8_t event;
  bool treated;
};

void append(const SurvivalData& data, bool treated, std::vector<Obs>& out) {
  if (data.time.size() != data.event.size()) {
    throw std::invalid_argument("logrank: time and event have different lengths");
  }
  for (std::size_t i = 0; i < data.time.size(); ++i) {
    if (!(std::isfinite(data.time[i]) && data.time[i] >= 0.0)) {
      throw std::invalid_argument("logrank: times must be finite and >= 0");
    }
    if (data.event[i] != 0 && data.event[i] != 1) {
      throw std::invalid_argument("logrank: event must be 0 or 1");
    }
    out.push_back({data.time[i], data.event[i], treated});
  }
}

}  // namespace

Estimate logrank(const SurvivalData& treated, const SurvivalData& control, double alpha) {
  const double z = normal_two_sided_z(alpha);  // validates alpha even when V == 0
  std::vector<Obs> obs;
  obs.reserve(treated.time.size() + control.time.size());
  append(treated, true, obs);
  append(control, false, obs);
  // Same total order as kaplan_meier; ties are grouped below, so this only fixes the
  // summation order.
  std::stable_sort(obs.begin(), obs.end(), [](const Obs& a, const Obs& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.event > b.event;
  });

  detail::LogrankStratum sums;
  sums.n1 = static_cast<double>(treated.time.size());
  sums.n0 = static_cast<double>(control.time.size());
  for (std::size_t i = 0; i < obs.size();) {
    const double t = obs[i].time;
    double d1 = 0.0, d0 = 0.0, c1 = 0.0, c0 = 0.0;
    for (; i < obs.size() && obs[i].time == t; ++i) {
      if (obs[i].event == 1) {
        (obs[i].treated ? d1 : d0) += 1.0;
      } else {
        (obs[i].treated ? c1 : c0) += 1.0;
      }
    }
    sums.add(d1, d0, c1, c0);
  }

  return detail::peto_estimate(sums.observed - sums.expected, sums.variance, z);
}

}  // namespace silico::stats
