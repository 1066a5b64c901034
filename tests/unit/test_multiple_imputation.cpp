/// Multiple imputation: Rubin's rules against mice::pool.scalar, the posterior draw of a
/// normal linear model by hand.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <Eigen/Core>

#include "stats/multiple_imputation.hpp"

namespace silico::stats {
namespace {

const std::vector<double> kEstimates = {1.2, 0.9, 1.5, 1.1, 1.3};
const std::vector<double> kVariances = {0.04, 0.05, 0.045, 0.038, 0.052};

// R 4.2.2, mice 3.15.0:
//   r <- mice::pool.scalar(Q = c(1.2, 0.9, 1.5, 1.1, 1.3),
//                          U = c(0.04, 0.05, 0.045, 0.038, 0.052), n = 100, k = 3)
//   r$qbar 1.2; r$ubar 0.045; r$b 0.05; r$t 0.105; r$df 9.418097754293264
//   qbar -/+ qt(0.975, df) sqrt(t): 0.47190786085334302, 1.92809213914665678
//   2 pt(-qbar / sqrt(t), df): 0.00452688056671558
TEST(RubinPool, MatchesMicePoolScalar) {
  const PooledEstimate p = rubin_pool(kEstimates, kVariances, 100.0 - 3.0, 0.05);
  EXPECT_NEAR(p.estimate.effect, 1.2, 1e-14);
  EXPECT_NEAR(p.within, 0.045, 1e-15);
  EXPECT_NEAR(p.between, 0.05, 1e-15);
  EXPECT_NEAR(p.estimate.se, std::sqrt(0.105), 1e-15);
  EXPECT_NEAR(p.df, 9.418097754293264, 1e-11);
  // lambda = (1 + 1/M) B / T = 0.06 / 0.105 (mice's `lambda`; its `fmi` adjusts it for df).
  EXPECT_NEAR(p.missing_information, 0.06 / 0.105, 1e-15);
  EXPECT_NEAR(p.estimate.ci_low, 0.47190786085334302, 1e-11);
  EXPECT_NEAR(p.estimate.ci_high, 1.92809213914665678, 1e-11);
  EXPECT_NEAR(p.estimate.p, 0.00452688056671558, 1e-12);
}

// The same with n = Inf (mice's large-sample df, Rubin's (M - 1) / lambda^2 = 12.25):
//   mice::pool.scalar(..., n = Inf, k = 3)$df 12.250000000000002
//   2 pt(-1.2 / sqrt(0.105), 12.25): 0.00291845632507966
TEST(RubinPool, InfiniteCompleteDataDfIsRubins) {
  const PooledEstimate p = rubin_pool(kEstimates, kVariances, std::numeric_limits<double>::infinity(), 0.05);
  EXPECT_NEAR(p.df, 12.25, 1e-12);
  EXPECT_NEAR(p.estimate.p, 0.00291845632507966, 1e-12);
}

// With identical estimates B = 0: no information is missing and the df is the
// observed-data df at lambda = 0, nu_com (nu_com + 1) / (nu_com + 3); with an infinite
// nu_com the CI is normal.
TEST(RubinPool, NoBetweenImputationVariance) {
  const std::vector<double> same = {0.5, 0.5, 0.5};
  const std::vector<double> u = {0.01, 0.02, 0.03};
  const PooledEstimate p = rubin_pool(same, u, 20.0, 0.05);
  EXPECT_EQ(p.between, 0.0);
  EXPECT_EQ(p.missing_information, 0.0);
  EXPECT_NEAR(p.df, 20.0 * 21.0 / 23.0, 1e-12);
  EXPECT_NEAR(p.estimate.se, std::sqrt(0.02), 1e-15);
  const PooledEstimate normal = rubin_pool(same, u, std::numeric_limits<double>::infinity(), 0.10);
  EXPECT_TRUE(std::isinf(normal.df));
  // qnorm(0.95) = 1.6448536269514722
  EXPECT_NEAR(normal.estimate.ci_low, 0.5 - 1.6448536269514722 * std::sqrt(0.02), 1e-12);
}

TEST(RubinPool, RejectsInvalidInputAndPropagatesNaN) {
  const std::vector<double> one = {1.0};
  EXPECT_THROW(rubin_pool(one, one, 10.0, 0.05), std::invalid_argument);
  const std::vector<double> two = {1.0, 2.0};
  EXPECT_THROW(rubin_pool(two, one, 10.0, 0.05), std::invalid_argument);
  EXPECT_THROW(rubin_pool(two, two, 10.0, 1.0), std::invalid_argument);
  const std::vector<double> bad = {1.0, std::numeric_limits<double>::quiet_NaN()};
  const PooledEstimate p = rubin_pool(bad, two, 10.0, 0.05);
  EXPECT_TRUE(std::isnan(p.estimate.ci_low));
  EXPECT_TRUE(std::isnan(p.estimate.p));
}

// beta = beta_hat + sqrt(rss / chi2) A z, sigma = sqrt(rss / chi2), by hand.
TEST(RegressionPosterior, DrawIsTheScaledRoot) {
  Eigen::VectorXd beta_hat(2);
  beta_hat << 1.0, -2.0;
  Eigen::MatrixXd a(2, 2);
  a << 0.5, 0.0, 0.25, 2.0;
  Eigen::VectorXd z(2);
  z << 1.0, -1.0;
  const RegressionDraw d = draw_regression_posterior(beta_hat, a, 18.0, z, 2.0);  // sigma = 3
  EXPECT_DOUBLE_EQ(d.sigma, 3.0);
  EXPECT_DOUBLE_EQ(d.beta(0), 1.0 + 3.0 * 0.5);
  EXPECT_DOUBLE_EQ(d.beta(1), -2.0 + 3.0 * (0.25 - 2.0));
  EXPECT_THROW(draw_regression_posterior(beta_hat, a, 18.0, Eigen::VectorXd::Zero(3), 2.0), std::invalid_argument);
}

}  // namespace
}  // namespace silico::stats
