/// @file
/// @brief Unit tests for src/stats: closed forms on small data and published R outputs.
///
/// Exact "hand" values below were computed with rational arithmetic (Python fractions)
/// from the formulas in estimates.hpp, independently of this code.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "stats/estimates.hpp"

namespace silico::stats {
namespace {

// Results of at most a few hundred double operations on values of order 1-200: a few
// ulps each, so 1e-12 absolute is far above roundoff and far below any real error.
constexpr double kRoundoff = 1e-12;

SurvivalData make(std::vector<double> time, std::vector<std::int8_t> event) {
  return SurvivalData{std::move(time), std::move(event)};
}

// R survival package, data `aml` (Miller 1981, Survival Analysis, Wiley), + = censored.
// Maintained:    9, 13, 13+, 18, 23, 28+, 31, 34, 45+, 48, 161+
SurvivalData aml_maintained() {
  return make({9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161}, {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0});
}
// Nonmaintained: 5, 5, 8, 8, 12, 16+, 23, 27, 30, 33, 43, 45
SurvivalData aml_nonmaintained() {
  return make({5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45}, {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1});
}

// ---------------------------------------------------------------- descriptive

TEST(Describe, ClosedForm) {
  // mean = 40/8 = 5; sum of squared deviations = 32, so sd = sqrt(32/7).
  const std::vector<double> x{2, 4, 4, 4, 5, 5, 7, 9};
  const Descriptive d = describe(x);
  EXPECT_EQ(d.n, 8u);
  EXPECT_NEAR(d.mean, 5.0, kRoundoff);
  EXPECT_NEAR(d.sd, std::sqrt(32.0 / 7.0), kRoundoff);
}

TEST(Describe, TooFewValuesGiveNaN) {
  const Descriptive empty = describe(std::vector<double>{});
  EXPECT_EQ(empty.n, 0u);
  EXPECT_TRUE(std::isnan(empty.mean));
  EXPECT_TRUE(std::isnan(empty.sd));
  const Descriptive one = describe(std::vector<double>{3.5});
  EXPECT_EQ(one.mean, 3.5);
  EXPECT_TRUE(std::isnan(one.sd));
}

TEST(RunningMoments, AgreesWithTwoPassDescribe) {
  const std::vector<double> x{2, 4, 4, 4, 5, 5, 7, 9};
  RunningMoments running;
  for (double v : x) running.add(v);
  const Descriptive d = running.result();
  EXPECT_EQ(d.n, 8u);
  EXPECT_NEAR(d.mean, 5.0, kRoundoff);
  EXPECT_NEAR(d.sd, std::sqrt(32.0 / 7.0), kRoundoff);
  RunningMoments one;
  EXPECT_TRUE(std::isnan(one.result().mean));
  one.add(3.5);
  EXPECT_EQ(one.result().mean, 3.5);
  EXPECT_TRUE(std::isnan(one.result().sd));
}

TEST(NormalZ, KnownQuantiles) {
  // R: qnorm(0.975) = 1.959963984540054, qnorm(0.995) = 2.575829303548901 (printed with
  // digits = 16, so 1e-15 covers the last printed digit).
  EXPECT_NEAR(normal_two_sided_z(0.05), 1.959963984540054, 1e-15);
  EXPECT_NEAR(normal_two_sided_z(0.01), 2.575829303548901, 1e-15);
  EXPECT_THROW(normal_two_sided_z(0.0), std::invalid_argument);
  EXPECT_THROW(normal_two_sided_z(1.0), std::invalid_argument);
  EXPECT_THROW(normal_two_sided_z(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}

// ---------------------------------------------------------------- Welch

// R `sleep` data (Cushny & Peebles 1905, as in Student 1908), extra hours of sleep.
const std::vector<double> kSleep1{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> kSleep2{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

TEST(Welch, SleepDataMatchesRTTest) {
  // R: t.test(extra ~ group, data = sleep)  (effect = group1 - group2)
  //   t = -1.8608, df = 17.776, p-value = 0.07939
  //   95 percent confidence interval: -3.3654832  0.2054832
  // Tolerances are half a unit in the last printed digit.
  const Estimate e = welch(kSleep1, kSleep2, 0.05);
  EXPECT_NEAR(e.effect, 0.75 - 2.33, kRoundoff);  // means 7.5/10 and 23.3/10
  // Hand: se = sqrt(var1/10 + var2/10) = 0.849091017238762.
  EXPECT_NEAR(e.se, 0.849091017238762, kRoundoff);
  EXPECT_NEAR(e.effect / e.se, -1.8608, 5e-5);
  EXPECT_NEAR(e.p, 0.07939, 5e-6);
  EXPECT_NEAR(e.ci_low, -3.3654832, 5e-8);
  EXPECT_NEAR(e.ci_high, 0.2054832, 5e-8);
}

TEST(Welch, FromRunningMomentsMatchesTheSleepData) {
  RunningMoments a, b;
  for (double v : kSleep1) a.add(v);
  for (double v : kSleep2) b.add(v);
  const Estimate e = welch(a.result(), b.result(), 0.05);
  EXPECT_NEAR(e.se, 0.849091017238762, kRoundoff);
  EXPECT_NEAR(e.ci_low, -3.3654832, 5e-8);
  EXPECT_NEAR(e.p, 0.07939, 5e-6);
}

TEST(Welch, SwappingGroupsNegatesEffect) {
  const Estimate a = welch(kSleep1, kSleep2, 0.05);
  const Estimate b = welch(kSleep2, kSleep1, 0.05);
  EXPECT_EQ(a.effect, -b.effect);
  EXPECT_EQ(a.se, b.se);
  EXPECT_EQ(a.p, b.p);
  EXPECT_EQ(a.ci_low, -b.ci_high);
}

TEST(Welch, DegenerateDataGiveNaN) {
  const std::vector<double> one{1.0};
  const std::vector<double> flat{2.0, 2.0, 2.0};
  EXPECT_TRUE(std::isnan(welch(one, kSleep2, 0.05).p));
  const Estimate e = welch(flat, flat, 0.05);
  EXPECT_EQ(e.effect, 0.0);
  EXPECT_EQ(e.se, 0.0);
  EXPECT_TRUE(std::isnan(e.p));
  EXPECT_THROW(welch(kSleep1, kSleep2, 1.5), std::invalid_argument);
}

// ---------------------------------------------------------------- Kaplan-Meier

TEST(KaplanMeier, AmlMaintainedMatchesHandComputation) {
  // Product-limit by hand: S(9) = 10/11, S(13) = 9/11 (13+ still at risk at 13),
  // S(18) = 9/11 * 7/8, S(23) = ... * 6/7, S(31) = ... * 4/5, S(34) = ... * 3/4,
  // S(48) = ... * 1/2.
  const KaplanMeier km = kaplan_meier(aml_maintained());
  const std::vector<double> time{9, 13, 18, 23, 31, 34, 48};
  const std::vector<double> surv{10.0 / 11, 9.0 / 11,   63.0 / 88, 27.0 / 44,
                                 27.0 / 55, 81.0 / 220, 81.0 / 440};
  const std::vector<double> at_risk{11, 10, 8, 7, 5, 4, 2};
  EXPECT_EQ(km.time, time);
  EXPECT_EQ(km.at_risk, at_risk);
  EXPECT_EQ(km.events, std::vector<double>(7, 1.0));
  ASSERT_EQ(km.survival.size(), surv.size());
  for (std::size_t i = 0; i < surv.size(); ++i) EXPECT_NEAR(km.survival[i], surv[i], kRoundoff);
  // Greenwood sum at 48: sum 1/(n(n-1)) over n = 11, 10, 8, 7, 5, 4, 2 = 0.69520202020202...
  EXPECT_NEAR(km.greenwood.back(), 0.695202020202020, kRoundoff);
  EXPECT_EQ(km.n, 11u);
  EXPECT_EQ(km.total_events, 7u);
  EXPECT_EQ(km.max_time, 161.0);
}

TEST(KaplanMeier, AmlMediansMatchSurvfit) {
  // R: survfit(Surv(time, status) ~ x, data = aml) prints median 31 (Maintained) and
  // 23 (Nonmaintained). By hand: S first drops below 0.5 at 31 (27/55) and 23 (35/72).
  EXPECT_EQ(km_median(kaplan_meier(aml_maintained())), 31.0);
  EXPECT_EQ(km_median(kaplan_meier(aml_nonmaintained())), 23.0);
}

TEST(KaplanMeier, TiesAndCensoringAtAnEventTime) {
  // Shuffled input: 1, 1, 2, 2+, 3. At t = 2 the patient censored at 2 is still at risk:
  // n = 3, so S(2) = 3/5 * 2/3 = 2/5 (it would be 3/10 if censoring came first).
  const KaplanMeier km = kaplan_meier(make({3, 1, 2, 1, 2}, {1, 1, 0, 1, 1}));
  EXPECT_EQ(km.time, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(km.at_risk, (std::vector<double>{5, 3, 1}));
  EXPECT_EQ(km.events, (std::vector<double>{2, 1, 1}));
  EXPECT_NEAR(km.survival[0], 0.6, kRoundoff);
  EXPECT_NEAR(km.survival[1], 0.4, kRoundoff);
  EXPECT_EQ(km.survival[2], 0.0);
  // Greenwood: 2/(5*3) + 1/(3*2) = 0.3, then infinite once n == d.
  EXPECT_NEAR(km.greenwood[1], 0.3, kRoundoff);
  EXPECT_TRUE(std::isinf(km.greenwood[2]));
  EXPECT_EQ(km_median(km), 2.0);
}

TEST(KaplanMeier, InputOrderDoesNotChangeBits) {
  SurvivalData a = aml_maintained();
  SurvivalData b = a;
  std::reverse(b.time.begin(), b.time.end());
  std::reverse(b.event.begin(), b.event.end());
  const KaplanMeier ka = kaplan_meier(a);
  const KaplanMeier kb = kaplan_meier(b);
  EXPECT_EQ(ka.survival, kb.survival);
  EXPECT_EQ(ka.greenwood, kb.greenwood);
}

TEST(KaplanMeier, EmptyAndAllCensored) {
  const KaplanMeier empty = kaplan_meier(SurvivalData{});
  EXPECT_EQ(empty.n, 0u);
  EXPECT_TRUE(empty.time.empty());
  EXPECT_FALSE(km_median(empty).has_value());

  const KaplanMeier censored = kaplan_meier(make({2, 3, 5}, {0, 0, 0}));
  EXPECT_EQ(censored.n, 3u);
  EXPECT_EQ(censored.total_events, 0u);
  EXPECT_TRUE(censored.time.empty());
  EXPECT_EQ(censored.max_time, 5.0);
  EXPECT_FALSE(km_median(censored).has_value());
}

TEST(KaplanMeier, RejectsInvalidData) {
  EXPECT_THROW(kaplan_meier(make({1, 2}, {1})), std::invalid_argument);
  EXPECT_THROW(kaplan_meier(make({-1}, {1})), std::invalid_argument);
  EXPECT_THROW(kaplan_meier(make({std::numeric_limits<double>::quiet_NaN()}, {1})),
               std::invalid_argument);
  EXPECT_THROW(kaplan_meier(make({1}, {2})), std::invalid_argument);
}

TEST(KmMedian, FlatAtHalfGivesMidpoint) {
  // 1, 2, 3, 4 all events: S = 0.5 on [2, 3), survfit gives (2 + 3)/2 = 2.5, which is
  // also the ordinary sample median.
  EXPECT_EQ(km_median(kaplan_meier(make({1, 2, 3, 4}, {1, 1, 1, 1}))), 2.5);
  // Curve ends on 0.5 (1, 2, 3+, 4+): survfit uses the last follow-up time, (2 + 4)/2.
  EXPECT_EQ(km_median(kaplan_meier(make({1, 2, 3, 4}, {1, 1, 0, 0}))), 3.0);
}

TEST(KmMedian, FlatWithinSurvfitTolerance) {
  // n = 12: 1 event at t=1, 5 of 11 at t=2, 1 of 6 at t=4, 5 censored at 5.
  // S(2) = 11/12 * 6/11 = 1/2 exactly, but 0.49999999999999994 in doubles; survfit's
  // sqrt(DBL_EPSILON) tolerance still sees the flat [2, 4) and returns 3.
  const KaplanMeier km = kaplan_meier(
      make({1, 2, 2, 2, 2, 2, 4, 5, 5, 5, 5, 5}, {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_NEAR(km.survival[1], 0.5, 1e-15);
  EXPECT_EQ(km_median(km), 3.0);
}

// ---------------------------------------------------------------- log-rank

TEST(Logrank, AmlMatchesSurvdiff) {
  // R: survdiff(Surv(time, status) ~ x, data = aml)
  //   x=Maintained     N=11  Observed 7   Expected 10.69
  //   x=Nonmaintained  N=12  Observed 11  Expected 7.31
  //   Chisq= 3.4 on 1 degrees of freedom, p= 0.07
  // Hand (exact rationals): E = 10.689335992300725, V = 4.007550745938734,
  // chisq = (7 - E)^2 / V = 3.3963886989776, p = erfc(sqrt(chisq/2)) = 0.0653393220405049.
  const Estimate e = logrank(aml_maintained(), aml_nonmaintained(), 0.05);
  const double v = 1.0 / (e.se * e.se);
  const double o_minus_e = std::log(e.effect) * v;
  const double chisq = o_minus_e * o_minus_e / v;
  EXPECT_NEAR(v, 4.007550745938734, kRoundoff);
  EXPECT_NEAR(7.0 - o_minus_e, 10.689335992300725, kRoundoff);
  EXPECT_NEAR(7.0 - o_minus_e, 10.69, 0.005);  // R prints 2 decimals
  EXPECT_NEAR(chisq, 3.3963886989776, kRoundoff);
  EXPECT_NEAR(chisq, 3.4, 0.05);  // R prints 1 decimal
  EXPECT_NEAR(e.p, 0.0653393220405049, kRoundoff);
  EXPECT_NEAR(e.p, 0.07, 0.005);  // R prints 1 significant digit
  // Peto one-step: HR = exp((O - E)/V) = 0.398281514420234, CI exp(log HR -+ z/sqrt(V)).
  EXPECT_NEAR(e.effect, 0.398281514420234, kRoundoff);
  EXPECT_NEAR(e.ci_low, 0.149620296416369, kRoundoff);
  EXPECT_NEAR(e.ci_high, 1.06020485541239, kRoundoff);
}

TEST(Logrank, SwappingGroupsInvertsHazardRatio) {
  const Estimate a = logrank(aml_maintained(), aml_nonmaintained(), 0.05);
  const Estimate b = logrank(aml_nonmaintained(), aml_maintained(), 0.05);
  EXPECT_NEAR(a.effect * b.effect, 1.0, kRoundoff);
  EXPECT_NEAR(a.p, b.p, kRoundoff);
}

TEST(Logrank, IdenticalGroupsGivePOne) {
  // Same data in both arms: at every time n1 = n0, so E = d/2 = O exactly and chisq = 0.
  const Estimate e = logrank(aml_maintained(), aml_maintained(), 0.05);
  EXPECT_EQ(e.p, 1.0);
  EXPECT_EQ(e.effect, 1.0);
}

TEST(Logrank, NoInformationGivesNaN) {
  const Estimate e = logrank(aml_maintained(), SurvivalData{}, 0.05);
  EXPECT_TRUE(std::isnan(e.p));
  EXPECT_TRUE(std::isnan(e.effect));
  EXPECT_THROW(logrank(aml_maintained(), aml_nonmaintained(), 0.0), std::invalid_argument);
}

// ---------------------------------------------------------------- RMST

TEST(Rmst, AmlMatchesHandComputation) {
  // Same algorithm as survRM2::rmst2 (area under survfit; variance with n == d terms set
  // to 0). Hand, exact rationals:
  //   tau = 30: Maintained 2165/88, var 3646325/681472; Nonmaintained 709/36, var 597/64
  //   tau = 45: Maintained 2705/88, var 288359861/17036800; Nonmaintained 545/24,
  //             var 362471/20736 (Nonmaintained reaches 0 at 45, its last time).
  const KaplanMeier m = kaplan_meier(aml_maintained());
  const KaplanMeier n = kaplan_meier(aml_nonmaintained());
  const Rmst m30 = rmst(m, 30.0), n30 = rmst(n, 30.0), m45 = rmst(m, 45.0), n45 = rmst(n, 45.0);
  EXPECT_NEAR(m30.rmst, 2165.0 / 88, kRoundoff);
  EXPECT_NEAR(m30.variance, 3646325.0 / 681472, kRoundoff);
  EXPECT_NEAR(n30.rmst, 709.0 / 36, kRoundoff);
  EXPECT_NEAR(n30.variance, 597.0 / 64, kRoundoff);
  EXPECT_NEAR(m45.rmst, 2705.0 / 88, kRoundoff);
  EXPECT_NEAR(m45.variance, 288359861.0 / 17036800, kRoundoff);
  EXPECT_NEAR(n45.rmst, 545.0 / 24, kRoundoff);
  EXPECT_NEAR(n45.variance, 362471.0 / 20736, kRoundoff);
  // Past its last time the Nonmaintained curve is 0, so the area stops growing.
  EXPECT_NEAR(rmst(n, 100.0).rmst, 545.0 / 24, kRoundoff);
}

TEST(Rmst, DifferenceOnAml) {
  // Hand: 2165/88 - 709/36 = 4.907828282828283, se = sqrt(sum of variances)
  // = 3.831290258097383, p = erfc(|diff|/se / sqrt 2) = 0.200198666053862.
  const Estimate e = rmst_difference(aml_maintained(), aml_nonmaintained(), 30.0, 0.05);
  EXPECT_NEAR(e.effect, 4.907828282828283, kRoundoff);
  EXPECT_NEAR(e.se, 3.831290258097383, kRoundoff);
  EXPECT_NEAR(e.p, 0.200198666053862, kRoundoff);
  EXPECT_NEAR(e.ci_low, e.effect - 1.959963984540054 * e.se, kRoundoff);
  EXPECT_NEAR(e.ci_high, e.effect + 1.959963984540054 * e.se, kRoundoff);
}

TEST(Rmst, UncensoredEqualsMeanOfTruncatedTimes) {
  // Without censoring KM is the empirical survival function, so the area on [0, tau] is
  // mean(min(T, tau)), and the K&M variance reduces exactly to sum (y - ybar)^2 / n^2
  // = var(y) (n-1)/n^2 with y = min(T, tau) (checked in exact rationals, ties included).
  const std::vector<double> t{2, 2, 3, 7, 7, 7, 9};
  for (double tau : {6.0, 20.0}) {
    std::vector<double> y;
    for (double v : t) y.push_back(std::min(v, tau));
    const Descriptive d = describe(y);
    const double n = static_cast<double>(d.n);
    const Rmst r = rmst(kaplan_meier(make(t, std::vector<std::int8_t>(t.size(), 1))), tau);
    EXPECT_NEAR(r.rmst, d.mean, kRoundoff);
    EXPECT_NEAR(r.variance, d.sd * d.sd * (n - 1.0) / (n * n), kRoundoff);
  }
  // Hand, tau = 6: mean 31/7, variance 166/343.
  const Rmst r = rmst(kaplan_meier(make(t, std::vector<std::int8_t>(t.size(), 1))), 6.0);
  EXPECT_NEAR(r.rmst, 31.0 / 7, kRoundoff);
  EXPECT_NEAR(r.variance, 166.0 / 343, kRoundoff);
}

TEST(Rmst, TiesAndCensoringAtAnEventTime) {
  // Data 1, 1, 2, 2+, 3 at tau = 2.5: area 1*1 + 1*0.6 + 0.5*0.4 = 1.8.
  // A(2) = 0.2, A(1) = 0.8: variance 0.2^2 * 1/(3*2) + 0.8^2 * 2/(5*3) = 0.092.
  const Rmst r = rmst(kaplan_meier(make({3, 1, 2, 1, 2}, {1, 1, 0, 1, 1})), 2.5);
  EXPECT_NEAR(r.rmst, 1.8, kRoundoff);
  EXPECT_NEAR(r.variance, 0.092, kRoundoff);
}

TEST(Rmst, CensoredTailAndEmpty) {
  // No events up to tau <= last follow-up: S = 1, area tau, no variance.
  const KaplanMeier censored = kaplan_meier(make({2, 3, 5}, {0, 0, 0}));
  EXPECT_EQ(rmst(censored, 4.0).rmst, 4.0);
  EXPECT_EQ(rmst(censored, 4.0).variance, 0.0);
  // Beyond the last (censored) observation S is unknown.
  EXPECT_TRUE(std::isnan(rmst(censored, 6.0).rmst));
  EXPECT_TRUE(std::isnan(rmst(kaplan_meier(aml_maintained()), 200.0).rmst));
  EXPECT_TRUE(std::isnan(rmst(kaplan_meier(SurvivalData{}), 1.0).rmst));
  EXPECT_THROW(rmst(censored, 0.0), std::invalid_argument);
  // Both arms event-free to tau: difference 0 with no spread, so no p-value.
  const Estimate e = rmst_difference(make({2, 3, 5}, {0, 0, 0}), make({4, 6}, {0, 0}), 2.0, 0.05);
  EXPECT_EQ(e.effect, 0.0);
  EXPECT_TRUE(std::isnan(e.p));
}

}  // namespace
}  // namespace silico::stats
