/// @file
/// @brief Unit tests for survival_difference_sweep() (src/stats/survival_sweep.hpp), the
/// milestone survival difference S_1(tau) - S_0(tau) with Greenwood SEs.
///
/// References: R 4.2.2, survival 3.5-3 (Debian r-base-core, r-cran-survival), on the NCCTG
/// lung data embedded in survival_rows.hpp (group 1 = female, sex == 2 in R):
///
///   fit <- survfit(Surv(time, status) ~ sex, data = lung)   # conf.type "log" (default)
///   s <- summary(fit, times = tau)  # surv; std.err = surv * sqrt(sum d/(n(n-d))), Greenwood
///   d <- s$surv[2] - s$surv[1]; se <- sqrt(sum(s$std.err^2))
///   p <- 2 * pnorm(-abs(d / se)); ci <- d + c(-1, 1) * qnorm(0.975) * se
///
/// printed with sprintf("%.17g"). summary.survfit's std.err is on the survival scale
/// whatever conf.type (checked: it equals S sqrt(sum d/(n(n-d))) computed by hand).

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "rebatched_source.hpp"
#include "stats/survival_source.hpp"
#include "stats/survival_sweep.hpp"
#include "survival_rows.hpp"

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct MilestoneReference {
  double tau;
  double s0, se0, s1, se1;  // per group: summary(fit, times = tau)$surv, $std.err
  double effect, se, p, ci_low, ci_high;
};
// 11: the first event time, three deaths of men tied there; 163: three deaths of men tied
// at tau; 310: one death in each group exactly at tau (S(tau) includes it); 730: few at risk.
constexpr MilestoneReference kLungMilestones[] = {
    {11, 0.97826086956521741, 0.012413918276525233, 0.98888888888888893, 0.011049210289019481,
     0.010628019323671523, 0.016618977555409996, 0.52249054560961983, -0.021944578144811572, 0.043200616792154617},
    {163, 0.70289855072463792, 0.038900856712916404, 0.86516931925231788, 0.036221527363669279,
     0.16227076852767996, 0.053153322544840932, 0.0022665580009247678, 0.05809217068115087, 0.26644936637420907},
    {180, 0.64446500154178266, 0.040786425085295029, 0.84240170558778316, 0.038680958931360129,
     0.1979367040460005, 0.05621164519108076, 0.00042947572550478094, 0.087763903959738113, 0.3081095041322629},
    {310, 0.40330540156725442, 0.044053681149906439, 0.64284432623269505, 0.054354671966941305,
     0.23953892466544063, 0.069965399930904545, 0.0006178002331859373, 0.10240926063692657, 0.3766685886939547},
    {365, 0.33608783463937864, 0.043423588841798151, 0.52646303018590557, 0.059736853990442505,
     0.19037519554652693, 0.073851877380178926, 0.0099432206906812405, 0.045628175690707984, 0.33512221540234588},
    {730, 0.078124091267019441, 0.027647509281362233, 0.18723249790505589, 0.062067902269579617,
     0.10910840663803645, 0.067947106351993372, 0.10832127894938871, -0.024065474665583259, 0.24228228794165615},
};

TEST(SurvivalDifference, MatchesRSurvivalOnLung) {
  const InMemorySurvival source = lung().source();
  for (const auto& r : kLungMilestones) {
    SCOPED_TRACE(r.tau);
    const Estimate e = survival_difference_sweep(source, r.tau, 0.05);
    EXPECT_NEAR(e.effect, r.effect, 1e-12);
    EXPECT_NEAR(e.se, r.se, 1e-12);
    EXPECT_NEAR(e.p, r.p, 1e-12);
    EXPECT_NEAR(e.ci_low, r.ci_low, 1e-12);
    EXPECT_NEAR(e.ci_high, r.ci_high, 1e-12);
    // Each group's S(tau) and Greenwood SE are km_summary()'s landmark at tau, and R's.
    const double at[] = {r.tau};
    const SurvivalPoint s0 = km_summary(source, 0, 0.05, at).landmarks.at(0);
    const SurvivalPoint s1 = km_summary(source, 1, 0.05, at).landmarks.at(0);
    EXPECT_NEAR(s0.survival, r.s0, 1e-14);
    EXPECT_NEAR(s0.se, r.se0, 1e-14);
    EXPECT_NEAR(s1.survival, r.s1, 1e-14);
    EXPECT_NEAR(s1.se, r.se1, 1e-14);
    EXPECT_EQ(e.effect, s1.survival - s0.survival);
    EXPECT_NEAR(e.se, std::hypot(s0.se, s1.se), 1e-15);
  }
}

TEST(SurvivalDifference, EventsAtTauCount) {
  // One death in each group at 310: S(310) is below S just before 310.
  const InMemorySurvival source = lung().source();
  const Estimate at = survival_difference_sweep(source, 310, 0.05);
  const Estimate before = survival_difference_sweep(source, 309.5, 0.05);
  EXPECT_NE(at.effect, before.effect);
  // R, by hand: S_male(309.5) = 0.41290791112837938, S_female(309.5) = 0.65852345614080943.
  EXPECT_NEAR(before.effect, 0.65852345614080943 - 0.41290791112837938, 1e-12);
}

TEST(SurvivalDifference, AlphaSetsTheInterval) {
  // R: d + c(-1, 1) * qnorm(0.95) * se at tau = 365.
  const Estimate e = survival_difference_sweep(lung().source(), 365, 0.1);
  EXPECT_NEAR(e.ci_low, 0.068899667180564284, 1e-12);
  EXPECT_NEAR(e.ci_high, 0.31185072391248958, 1e-12);
  EXPECT_NEAR(e.p, 0.0099432206906812405, 1e-12);  // p does not depend on alpha
}

TEST(SurvivalDifference, DataCut) {
  const InMemorySurvival source = lung().source();
  // R: cut <- transform(lung, status = ifelse(time > 300, 1, status), time = pmin(time, 300));
  // summary(survfit(Surv(time, status) ~ sex, data = cut), times = 300).
  const double s0 = 0.4410888930886176, se0 = 0.043938587013012086;
  const double s1 = 0.67420258604892414, se1 = 0.052288081852221654;
  const Estimate at_cut = survival_difference_sweep(source, 300, 0.05, 300);
  EXPECT_NEAR(at_cut.effect, s1 - s0, 1e-12);
  EXPECT_NEAR(at_cut.se, std::hypot(se0, se1), 1e-12);
  // Before the cut, the cut changes nothing.
  const Estimate early = survival_difference_sweep(source, 180, 0.05, 300);
  const Estimate uncut = survival_difference_sweep(source, 180, 0.05);
  EXPECT_EQ(early.effect, uncut.effect);
  EXPECT_EQ(early.se, uncut.se);
  // After the cut: not observed, NaN.
  const Estimate late = survival_difference_sweep(source, 300.5, 0.05, 300);
  EXPECT_TRUE(std::isnan(late.effect) && std::isnan(late.se) && std::isnan(late.p) && std::isnan(late.ci_low) &&
              std::isnan(late.ci_high));
}

TEST(SurvivalDifference, NaNBeyondAGroupsLastObservation) {
  // The last woman is censored at 965 (the last man at 1022): no woman is at risk at 1000,
  // her curve is unknown there (R's summary(fit, times = 1000) refuses without extend).
  const InMemorySurvival source = lung().source();
  const Estimate e = survival_difference_sweep(source, 1000, 0.05);
  EXPECT_TRUE(std::isnan(e.effect) && std::isnan(e.se) && std::isnan(e.p));
  EXPECT_FALSE(std::isnan(survival_difference_sweep(source, 965, 0.05).effect));
  // An empty group.
  Rows one;
  one.add(1, 1, 1);
  one.add(2, 0, 1);
  const Estimate empty = survival_difference_sweep(one.source(), 1, 0.05);
  EXPECT_TRUE(std::isnan(empty.effect) && std::isnan(empty.se) && std::isnan(empty.p));
}

TEST(SurvivalDifference, CurvesAtZeroAndOne) {
  // Group 0: deaths at 1 and 2, so S_0 = 0 from 2 on and stays known after its last time.
  // Group 1: a death at 1 among 2, a censoring at 3: S_1 = 1/2, Greenwood 1/(2 * 1).
  Rows r;
  r.add(1, 1, 0);
  r.add(2, 1, 0);
  r.add(1, 1, 1);
  r.add(3, 0, 1);
  const Estimate e = survival_difference_sweep(r.source(), 2.5, 0.05);
  EXPECT_DOUBLE_EQ(e.effect, 0.5);
  EXPECT_DOUBLE_EQ(e.se, 0.5 * std::sqrt(0.5));  // S_0 = 0 adds no variance
  EXPECT_DOUBLE_EQ(e.p, std::erfc(0.5 / (0.5 * std::sqrt(0.5)) / std::sqrt(2.0)));
  // Before any event in either group: both curves 1, se 0, no test.
  Rows late;
  late.add(5, 1, 0);
  late.add(6, 1, 1);
  const Estimate none = survival_difference_sweep(late.source(), 4, 0.05);
  EXPECT_EQ(none.effect, 0.0);
  EXPECT_EQ(none.se, 0.0);
  EXPECT_EQ(none.ci_low, 0.0);
  EXPECT_EQ(none.ci_high, 0.0);
  EXPECT_TRUE(std::isnan(none.p));
}

TEST(SurvivalDifference, TwoWalksAndAnyBatches) {
  const InMemorySurvival inner = lung(true).source();  // a third group (2) is skipped
  const Estimate whole = survival_difference_sweep(inner, 365, 0.05);
  RebatchedSource small(inner, {1, 7, 3});
  const Estimate batched = survival_difference_sweep(small, 365, 0.05);
  EXPECT_EQ(small.forwards, 2);
  EXPECT_EQ(small.backwards, 0);
  EXPECT_EQ(batched.effect, whole.effect);
  EXPECT_EQ(batched.se, whole.se);
  EXPECT_EQ(batched.p, whole.p);
  // Without the patient of group 2 (ph.ecog NA, a man who died at 71): not R's full data.
  EXPECT_NE(whole.effect, survival_difference_sweep(lung().source(), 365, 0.05).effect);
}

TEST(SurvivalDifference, InvalidArguments) {
  const InMemorySurvival source = lung().source();
  EXPECT_THROW(survival_difference_sweep(source, 0, 0.05), std::invalid_argument);
  EXPECT_THROW(survival_difference_sweep(source, -1, 0.05), std::invalid_argument);
  EXPECT_THROW(survival_difference_sweep(source, kInf, 0.05), std::invalid_argument);
  EXPECT_THROW(survival_difference_sweep(source, std::nan(""), 0.05), std::invalid_argument);
  EXPECT_THROW(survival_difference_sweep(source, 365, 0.0), std::invalid_argument);
  EXPECT_THROW(survival_difference_sweep(source, 365, 1.0), std::invalid_argument);
  EXPECT_THROW(survival_difference_sweep(source, 365, 0.05, -1), std::invalid_argument);
  EXPECT_THROW(survival_difference_sweep(source, 365, 0.05, std::nan("")), std::invalid_argument);
}

}  // namespace
}  // namespace silico::stats
