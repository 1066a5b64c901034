/// @file
/// @brief Complementary log-log regression and principal score weighting
/// (stats/principal_score.hpp) against R.
///
/// The reference values come from R 4.2 (Debian r-base-core) on the 30 rows below:
///   x <- c(-1.2,-0.8,-0.5,-0.3,0.0,0.2,0.4,0.7,0.9,1.3,-1.0,-0.6,-0.2,0.1,0.3,
///          0.5,0.8,1.1,1.4,1.7,-1.5,-0.9,-0.4,0.0,0.6,1.0,1.2,1.6,-0.7,0.35)
///   arm <- c(rep(0,15), rep(1,15))
///   died <- c(0,0,1,0,0,1,0,1,1,1, 0,0,0,1,0, 0,0,1,0,1, 0,0,0,0,0,1,0,1,0,0)
///   y <- c(2.1,1.7,NA,1.0,0.4,NA,0.3,NA,NA,NA, 1.9,1.2,0.8,NA,0.2,
///          -1.1,-1.6,NA,-2.3,NA, -0.2,-0.5,-0.9,-1.2,-1.8,NA,-2.6,NA,-0.6,-1.4)
///   ctl <- glm.control(epsilon = 1e-30, maxit = 1000)  # Fisher scoring run to its fixed point
///   f0 <- glm(died ~ x, family = binomial(link = "cloglog"), subset = arm == 0, control = ctl)
///   f1 <- glm(died ~ x, family = binomial(link = "cloglog"), subset = arm == 1, control = ctl)
///   coef(f0); sqrt(diag(vcov(f0))); coef(f1)
///   e0 <- exp(-exp(coef(f0)[1] + coef(f0)[2] * x)); e1 <- exp(-exp(coef(f1)[1] + coef(f1)[2] * x))
///   s1 <- arm == 1 & died == 0; s0 <- arm == 0 & died == 0; w <- e0[s1] / e1[s1]
///   sum(w * y[s1]) / sum(w) - mean(y[s0]); mean(w)

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/principal_score.hpp"

namespace {

const std::vector<double> kX = {-1.2, -0.8, -0.5, -0.3, 0.0, 0.2, 0.4, 0.7,  0.9, 1.3, -1.0, -0.6, -0.2, 0.1, 0.3,
                                0.5,  0.8,  1.1,  1.4,  1.7, -1.5, -0.9, -0.4, 0.0, 0.6, 1.0,  1.2,  1.6,  -0.7, 0.35};
const std::vector<std::int8_t> kDied = {0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0,
                                        0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0};
// NA in R: never read (the patient died); any number here.
const std::vector<double> kY = {2.1,  1.7,  99,   1.0,  0.4,  99,   0.3,  99, 99,   99,   1.9,  1.2,  0.8,  99,   0.2,
                                -1.1, -1.6, 99,   -2.3, 99,   -0.2, -0.5, -0.9, -1.2, -1.8, 99, -2.6, 99,   -0.6, -1.4};

Eigen::MatrixXd design(std::size_t first, std::size_t count) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(count), 2);
  for (std::size_t k = 0; k < count; ++k) x.row(static_cast<Eigen::Index>(k)) << 1.0, kX[first + k];
  return x;
}

TEST(Cloglog, MatchesRGlm) {
  Eigen::VectorXd died(15);
  for (int i = 0; i < 15; ++i) died(i) = kDied[static_cast<std::size_t>(i)];
  const auto fit = silico::stats::cloglog_fit(design(0, 15), died);
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.beta(0), -0.845836995126221, 1e-9);
  EXPECT_NEAR(fit.beta(1), 1.992403429581700, 1e-9);
  EXPECT_NEAR(fit.se(0), 0.534939066381757, 1e-8);
  EXPECT_NEAR(fit.se(1), 0.966459539302056, 1e-8);
  for (int i = 0; i < 15; ++i) died(i) = kDied[static_cast<std::size_t>(15 + i)];
  const auto treated = silico::stats::cloglog_fit(design(15, 15), died);
  ASSERT_TRUE(treated.converged);
  EXPECT_NEAR(treated.beta(0), -4.14154360209051, 1e-8);
  EXPECT_NEAR(treated.beta(1), 3.03146818877774, 1e-8);
}

TEST(Cloglog, SeparatedDataDoNotConverge) {
  // Every death above x = 0: the likelihood has no maximum (R warns "fitted probabilities
  // numerically 0 or 1"); the fit says so instead of returning a number.
  Eigen::MatrixXd x(6, 2);
  x << 1, -3, 1, -2, 1, -1, 1, 1, 1, 2, 1, 3;
  Eigen::VectorXd y(6);
  y << 0, 0, 0, 1, 1, 1;
  const auto fit = silico::stats::cloglog_fit(x, y);
  EXPECT_FALSE(fit.converged);
  EXPECT_TRUE(std::isnan(fit.beta(1)));
}

TEST(PrincipalScore, WeightingMatchesR) {
  std::vector<std::int8_t> treated(30);
  for (std::size_t i = 15; i < 30; ++i) treated[i] = 1;
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(kY.data(), 30);
  const auto e = silico::stats::principal_score_weighting(design(0, 30), treated, kDied, y);
  EXPECT_NEAR(e.effect, -1.88187383654324, 1e-9);
  EXPECT_NEAR(e.always_survivor_share, 0.500984767559922, 1e-9);
  EXPECT_NEAR(e.mean_control, (2.1 + 1.7 + 1.0 + 0.4 + 0.3 + 1.9 + 1.2 + 0.8 + 0.2) / 9, 1e-12);
}

TEST(PrincipalScore, UndefinedWithoutSurvivorsInAnArm) {
  std::vector<std::int8_t> treated(30), died = kDied;
  for (std::size_t i = 15; i < 30; ++i) treated[i] = 1;
  for (std::size_t i = 0; i < 15; ++i) died[i] = 1;
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(kY.data(), 30);
  EXPECT_TRUE(std::isnan(silico::stats::principal_score_weighting(design(0, 30), treated, died, y).effect));
}

}  // namespace
