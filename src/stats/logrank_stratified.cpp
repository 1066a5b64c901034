/// @file
/// @brief Stratified log-rank test: per-stratum O - E and hypergeometric V, summed.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

#include "stats/km_steps.hpp"
#include "stats/peto.hpp"
#include "stats/survival.hpp"

namespace silico::stats {
namespace {

struct Row {
  std::int32_t stratum;
  double time;
  std::int8_t event;
  std::int8_t group;
};

void validate(std::span<const double> time, std::span<const std::int8_t> event,
              std::span<const std::int8_t> group, std::span<const std::int32_t> strata) {
  const std::size_t n = time.size();
  if (event.size() != n || group.size() != n || !(strata.empty() || strata.size() == n)) {
    throw std::invalid_argument("logrank_stratified: time, event, group and strata lengths differ");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!(std::isfinite(time[i]) && time[i] >= 0.0)) {
      throw std::invalid_argument("logrank_stratified: times must be finite and >= 0");
    }
    if (event[i] != 0 && event[i] != 1) {
      throw std::invalid_argument("logrank_stratified: event must be 0 or 1");
    }
    if (group[i] != 0 && group[i] != 1) {
      throw std::invalid_argument("logrank_stratified: group must be 0 or 1");
    }
  }
}

}  // namespace

Estimate logrank_stratified(std::span<const double> time, std::span<const std::int8_t> event,
                            std::span<const std::int8_t> group,
                            std::span<const std::int32_t> strata, double alpha) {
  const double z = normal_two_sided_z(alpha);  // validates alpha even when V == 0
  validate(time, event, group, strata);
  const std::size_t n = time.size();

  std::vector<Row> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i] = {strata.empty() ? 0 : strata[i], time[i], event[i], group[i]};
  }
  // By stratum, then the total order of kaplan_meier()/logrank() within it. Stable, so
  // equal keys keep input order and the sums below do not depend on the sort algorithm.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.stratum != b.stratum) return a.stratum < b.stratum;
    if (a.time != b.time) return a.time < b.time;
    return a.event > b.event;
  });

  double o_minus_e = 0.0;
  double variance = 0.0;
  for (std::size_t begin = 0; begin < n;) {
    std::size_t end = begin;
    detail::LogrankStratum sums;
    for (; end < n && rows[end].stratum == rows[begin].stratum; ++end) {
      (rows[end].group == 1 ? sums.n1 : sums.n0) += 1.0;
    }
    // Within the stratum, exactly the loop of logrank(): O - E and V over the distinct
    // event times, with those censored at an event time still at risk there.
    for (std::size_t i = begin; i < end;) {
      const double t = rows[i].time;
      double d1 = 0.0, d0 = 0.0, c1 = 0.0, c0 = 0.0;
      for (; i < end && rows[i].time == t; ++i) {
        if (rows[i].event == 1) {
          (rows[i].group == 1 ? d1 : d0) += 1.0;
        } else {
          (rows[i].group == 1 ? c1 : c0) += 1.0;
        }
      }
      sums.add(d1, d0, c1, c0);
    }
    // Summed per stratum first, so a sweep that meets the strata interleaved in time
    // adds the same numbers in the same order.
    o_minus_e += sums.observed - sums.expected;
    variance += sums.variance;
    begin = end;
  }

  return detail::peto_estimate(o_minus_e, variance, z);
}

}  // namespace silico::stats
