/// @file
/// @brief Unit tests for src/stats/survival_sweep.hpp: every sweep against the in-memory
/// estimator on the same rows (the group's rows, censored at the cut).
///
/// The sweeps and the in-memory estimators share km_steps.hpp and add in the same order,
/// so Kaplan-Meier summaries, log-rank and the RMST itself are compared bit for bit. The
/// RMST variance is summed forwards by the sweep and backwards by rmst(): a few hundred
/// additions of O(1-100) terms, so 1e-12 relative.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "rebatched_source.hpp"
#include "stats/estimates.hpp"
#include "stats/survival.hpp"
#include "stats/survival_source.hpp"
#include "stats/survival_sweep.hpp"
#include "survival_rows.hpp"  // Rows

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kRelative = 1e-12;  // forward vs backward sums, see the file comment

/// Rows in batches of 7, so every sweep carries its state (pending ties, landmarks)
/// across batch boundaries.
class SmallBatches final : public RebatchedSource {
 public:
  explicit SmallBatches(const SurvivalSource& inner) : RebatchedSource(inner, {7}) {}
};

/// Random trial: exponential times (hazard by group and stratum) rounded to one decimal so
/// that ties are common, a third censored. Uniforms from the raw 64-bit engine, so the data
/// do not depend on the standard library's distributions.
Rows random_rows(std::uint64_t seed, std::size_t n, int strata) {
  std::mt19937_64 engine(seed);
  const auto uniform = [&] { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1p-53; };
  Rows r;
  for (std::size_t i = 0; i < n; ++i) {
    const int g = static_cast<int>(engine() % 3);
    const int s = static_cast<int>(engine() % static_cast<std::uint64_t>(strata));
    const double hazard = (g == 1 ? 0.7 : 1.0) * (1.0 + 0.3 * s);
    const double t = std::round(-std::log(uniform()) / hazard * 10.0) / 10.0;
    r.add(t, uniform() < 0.67 ? 1 : 0, g, s);
  }
  return r;
}

/// Equal bit for bit, NaN equal to NaN.
void expect_same(double actual, double expected) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << actual;
  } else {
    EXPECT_EQ(actual, expected);
  }
}
void expect_same(const std::optional<double>& actual, const std::optional<double>& expected) {
  ASSERT_EQ(actual.has_value(), expected.has_value());
  if (expected) {
    EXPECT_EQ(*actual, *expected);
  }
}
void expect_close(double actual, double expected) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << actual;
  } else {
    EXPECT_NEAR(actual, expected, kRelative * std::max(1.0, std::fabs(expected)));
  }
}

void expect_km_summary(const Rows& rows, const SurvivalSource& source, int g, double cut,
                       const std::vector<double>& landmarks) {
  const double alpha = 0.05;
  const KmSummary s = km_summary(source, static_cast<std::int8_t>(g), alpha, landmarks, cut);
  const SurvivalData data = rows.cut_data(g, cut);
  const KaplanMeier km = kaplan_meier(data);
  EXPECT_EQ(s.n, km.n);
  EXPECT_EQ(s.events, km.total_events);
  const MedianEstimate m = median_with_ci(km, alpha);
  expect_same(s.median.median, m.median);
  expect_same(s.median.ci_low, m.ci_low);
  expect_same(s.median.ci_high, m.ci_high);
  ASSERT_EQ(s.landmarks.size(), landmarks.size());
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    const SurvivalPoint p = survival_at(km, landmarks[i], alpha);
    EXPECT_EQ(s.landmarks[i].time, p.time);
    expect_same(s.landmarks[i].survival, p.survival);
    expect_same(s.landmarks[i].se, p.se);
    expect_same(s.landmarks[i].ci_low, p.ci_low);
    expect_same(s.landmarks[i].ci_high, p.ci_high);
  }
}

void expect_estimate(const Estimate& actual, const Estimate& expected, bool exact) {
  const auto check = [&](double a, double e) { exact ? expect_same(a, e) : expect_close(a, e); };
  check(actual.effect, expected.effect);
  check(actual.se, expected.se);
  check(actual.ci_low, expected.ci_low);
  check(actual.ci_high, expected.ci_high);
  check(actual.p, expected.p);
}

Estimate stratified_reference(const Rows& rows, double cut, double alpha) {
  std::vector<double> time;
  std::vector<std::int8_t> event, group;
  std::vector<std::int32_t> strata;
  for (std::size_t i = 0; i < rows.time.size(); ++i) {
    if (rows.group[i] != 0 && rows.group[i] != 1) continue;
    time.push_back(std::min(rows.time[i], cut));
    event.push_back(rows.time[i] > cut ? std::int8_t{0} : rows.event[i]);
    group.push_back(rows.group[i]);
    strata.push_back(rows.stratum[i]);
  }
  return logrank_stratified(time, event, group, strata, alpha);
}

TEST(KmSummary, MatchesKaplanMeierOnRandomTrials) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Rows rows = random_rows(seed, 60 + 70 * seed, 3);
    const InMemorySurvival source = rows.source();
    const SmallBatches batched(source);
    for (double cut : {kInf, 0.6, 1.3}) {
      // Before the first event, on an event time, between, at the cut or far past the data.
      std::vector<double> landmarks;
      for (double t : {0.0, 0.3, 0.55, 0.1, 1.0}) {
        if (t <= cut) landmarks.push_back(t);
      }
      landmarks.push_back(std::isinf(cut) ? 100.0 : cut);
      for (int g : {0, 1, 2}) {
        SCOPED_TRACE(testing::Message() << "seed " << seed << " cut " << cut << " group " << g);
        expect_km_summary(rows, source, g, cut, landmarks);
        expect_km_summary(rows, batched, g, cut, landmarks);
      }
    }
  }
}

TEST(KmSummary, DegenerateCurves) {
  Rows rows;
  // Group 0: S = 3/4, 1/2 from t = 2 to the last (censored) time 4, so the median is the
  // midpoint (2 + 4) / 2 = 3.
  for (auto [t, e] : {std::pair{1.0, 1}, {2.0, 1}, {3.0, 0}, {4.0, 0}}) rows.add(t, e, 0);
  // Group 1: S = 3/4, 1/2, 1/4, 0: flat at 0.5 on [2, 3) (median 2.5), then reaches 0.
  for (double t : {1.0, 2.0, 3.0, 4.0}) rows.add(t, 1, 1);
  // Group 2: no events.
  for (double t : {0.5, 1.5, 2.5}) rows.add(t, 0, 2);
  const InMemorySurvival source = rows.source();
  const std::vector<double> landmarks{0.0, 2.0, 3.5, 4.0};

  const KmSummary flat = km_summary(source, 0, 0.05, landmarks);
  ASSERT_TRUE(flat.median.median);
  EXPECT_DOUBLE_EQ(*flat.median.median, 3.0);
  const KmSummary zero = km_summary(source, 1, 0.05, landmarks);
  ASSERT_TRUE(zero.median.median);
  EXPECT_DOUBLE_EQ(*zero.median.median, 2.5);
  EXPECT_EQ(zero.landmarks[3].survival, 0.0);
  EXPECT_EQ(zero.landmarks[3].ci_low, 0.0);
  const KmSummary none = km_summary(source, 2, 0.05, landmarks);
  EXPECT_EQ(none.events, 0U);
  EXPECT_FALSE(none.median.median);
  EXPECT_EQ(none.landmarks[0].survival, 1.0);
  EXPECT_TRUE(std::isnan(none.landmarks[2].survival));  // beyond 2.5 while S = 1
  const KmSummary empty = km_summary(source, 7, 0.05, landmarks);
  EXPECT_EQ(empty.n, 0U);
  EXPECT_FALSE(empty.median.median || empty.median.ci_low || empty.median.ci_high);
  EXPECT_TRUE(std::isnan(empty.landmarks[0].survival));
  EXPECT_EQ(empty.landmarks[0].time, 0.0);

  for (int g : {0, 1, 2, 7}) {
    // A cut at 2.5 ends group 1's curve on 0.5: the midpoint of 2 and the cut.
    for (double cut : {kInf, 2.0, 2.5}) {
      SCOPED_TRACE(testing::Message() << "group " << g << " cut " << cut);
      std::vector<double> marks;
      for (double t : landmarks) {
        if (t <= cut) marks.push_back(t);
      }
      expect_km_summary(rows, source, g, cut, marks);
    }
  }
  const KmSummary cut = km_summary(source, 1, 0.05, {}, 2.5);
  EXPECT_DOUBLE_EQ(*cut.median.median, 2.25);
}

TEST(KmSummary, InvalidArgumentsThrow) {
  Rows rows;
  rows.add(1.0, 1, 0);
  const InMemorySurvival source = rows.source();
  const std::vector<double> past_cut{2.0};
  const std::vector<double> negative{-1.0};
  EXPECT_THROW(km_summary(source, 0, 0.05, past_cut, 1.5), std::invalid_argument);
  EXPECT_THROW(km_summary(source, 0, 0.05, negative), std::invalid_argument);
  EXPECT_THROW(km_summary(source, 0, 1.0, {}), std::invalid_argument);
  EXPECT_THROW(km_summary(source, 0, 0.05, {}, -1.0), std::invalid_argument);
  rows.add(2.0, 3, 0);
  EXPECT_THROW(km_summary(rows.source(), 0, 0.05, {}), std::invalid_argument);
}

TEST(LogrankSweep, MatchesLogrankStratified) {
  for (std::uint64_t seed = 11; seed <= 16; ++seed) {
    const Rows rows = random_rows(seed, 50 + 90 * (seed - 10), 4);
    const InMemorySurvival source = rows.source();
    const SmallBatches batched(source);
    for (double cut : {kInf, 0.5, 1.2}) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << " cut " << cut);
      const Estimate expected = stratified_reference(rows, cut, 0.05);
      expect_estimate(logrank_sweep(source, 0.05, cut), expected, true);
      expect_estimate(logrank_sweep(batched, 0.05, cut), expected, true);
    }
  }
}

TEST(LogrankSweep, OneStratumIsLogrank) {
  Rows rows = random_rows(21, 400, 1);
  const InMemorySurvival source = rows.source();
  for (double cut : {kInf, 0.7}) {
    const Estimate expected = logrank(rows.cut_data(1, cut), rows.cut_data(0, cut), 0.1);
    expect_estimate(logrank_sweep(source, 0.1, cut), expected, true);
  }
  // No informative event: all NaN, as logrank().
  Rows one;
  one.add(1.0, 1, 1);
  one.add(2.0, 0, 2);
  EXPECT_TRUE(std::isnan(logrank_sweep(one.source(), 0.05).effect));
  EXPECT_THROW(logrank_sweep(one.source(), 0.0), std::invalid_argument);
}

TEST(RmstSweep, MatchesRmstDifference) {
  for (std::uint64_t seed = 31; seed <= 36; ++seed) {
    const Rows rows = random_rows(seed, 80 + 60 * (seed - 30), 2);
    const InMemorySurvival source = rows.source();
    const SmallBatches batched(source);
    for (double cut : {kInf, 0.8, 1.5}) {
      // Inside follow-up, on an event time, at the cut, past the data (NaN unless S = 0).
      for (double tau : {0.25, 0.5, 0.8, 1.5, 3.0, 50.0}) {
        SCOPED_TRACE(testing::Message() << "seed " << seed << " cut " << cut << " tau " << tau);
        const Estimate expected =
            rmst_difference(rows.cut_data(1, cut), rows.cut_data(0, cut), tau, 0.05);
        const Estimate actual = rmst_difference_sweep(source, tau, 0.05, cut);
        expect_same(actual.effect, expected.effect);  // the area is summed in rmst()'s order
        expect_estimate(actual, expected, false);
        expect_estimate(rmst_difference_sweep(batched, tau, 0.05, cut), expected, false);
      }
    }
  }
}

TEST(RmstSweep, CurveReachingZeroAndEmptyArm) {
  Rows rows;
  for (double t : {1.0, 2.0, 2.0, 3.0}) rows.add(t, 1, 1);  // S reaches 0 at 3: known past it
  for (auto [t, e] : {std::pair{0.5, 1}, {1.5, 0}, {2.5, 1}, {4.0, 0}}) rows.add(t, e, 0);
  const InMemorySurvival source = rows.source();
  for (double tau : {0.5, 2.0, 3.5, 4.0}) {
    SCOPED_TRACE(tau);
    expect_estimate(rmst_difference_sweep(source, tau, 0.05),
                    rmst_difference(rows.cut_data(1, kInf), rows.cut_data(0, kInf), tau, 0.05),
                    false);
  }
  EXPECT_DOUBLE_EQ(rmst_difference_sweep(source, 3.5, 0.05).effect,
                   (1.0 + 0.75 + 0.25) - (0.5 + 0.75 * 2.0 + 0.375));
  Rows treated_only;
  treated_only.add(1.0, 1, 1);
  EXPECT_TRUE(std::isnan(rmst_difference_sweep(treated_only.source(), 0.5, 0.05).effect));
  EXPECT_THROW(rmst_difference_sweep(source, 0.0, 0.05), std::invalid_argument);
}

TEST(OrderStatistics, KthEventTimeAndMedianTime) {
  const Rows rows = random_rows(41, 301, 2);
  const InMemorySurvival source = rows.source();
  const SmallBatches batched(source);
  for (int g : {-1, 0, 1, 2}) {
    std::vector<double> events;
    std::vector<double> all;
    for (std::size_t i = 0; i < rows.time.size(); ++i) {
      const bool member = g < 0 ? rows.group[i] <= 1 : rows.group[i] == g;
      if (!member) continue;
      all.push_back(rows.time[i]);
      if (rows.event[i] == 1) events.push_back(rows.time[i]);
    }
    std::sort(events.begin(), events.end());
    for (std::uint64_t k :
         {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{17}, std::uint64_t{events.size()}}) {
      EXPECT_EQ(kth_event_time(batched, k, static_cast<std::int8_t>(g)), events[k - 1])
          << g << " " << k;
    }
    EXPECT_TRUE(std::isnan(kth_event_time(source, events.size() + 1, static_cast<std::int8_t>(g))));
    if (g < 0) continue;
    std::sort(all.begin(), all.end());
    const std::size_t n = all.size();
    EXPECT_EQ(median_time(batched, static_cast<std::int8_t>(g)),
              n % 2 ? all[n / 2] : 0.5 * (all[n / 2 - 1] + all[n / 2]));
  }
  Rows even;
  for (auto [t, e] : {std::pair{4.0, 0}, {1.0, 1}, {3.0, 1}, {2.0, 0}}) even.add(t, e, 0);
  EXPECT_EQ(median_time(even.source(), 0), 2.5);
  EXPECT_EQ(kth_event_time(even.source(), 2), 3.0);
  EXPECT_TRUE(std::isnan(median_time(even.source(), 1)));
  EXPECT_THROW(kth_event_time(even.source(), 0), std::invalid_argument);
}

}  // namespace
}  // namespace silico::stats
