/// @file
/// @brief Unit tests for stats::MaxStatisticBounds: group-sequential bounds of a maximum of
/// correlated tests from the covariance observed at each look.
///
/// References: with one test the bounds are the spending design's at the fractions
/// V_i / V_K (gsDesign2 "Example 9a", also in test_group_sequential_design.cpp); at one
/// look they are the critical value of the maximum (closed form for independent tests,
/// mvn_critical_value() otherwise); over looks, a simulation of the canonical joint
/// distribution crosses them with probability alpha within its Monte Carlo error.

#include <cmath>
#include <random>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <gtest/gtest.h>

#include "stats/group_sequential_design.hpp"
#include "stats/max_statistic_bounds.hpp"
#include "stats/mvnormal.hpp"

namespace silico::stats {
namespace {

/// O'Brien-Fleming-type spending (rpact asOF) at one-sided 0.025.
std::vector<double> obf_alpha(const std::vector<double>& t) {
  return cumulative_spending(SpendingFunction{}, 0.025, t);
}

TEST(MaxStatisticBounds, OneTestIsTheSpendingDesignAtItsVarianceFractions) {
  // Variances 40, 80, 120: fractions 1/3, 2/3, 1. gsDesign2's gs_spending_bound with
  // sfLDOF, total_spend = 0.025, info = (1:3) * 40: 3.71030287, 2.51143381, 1.99305108
  // (gsDesign2's second and third are 6e-6 and 4e-6 above the exact ones: see
  // test_group_sequential_design.cpp). The root search stops at 1e-3 in Z (probabilities
  // of dimension 3 on are the lattice rule's, to 1e-4): what the bounds promise.
  MaxStatisticBounds bounds(1);
  const std::vector<double> t = {1.0 / 3, 2.0 / 3, 1.0};
  const auto a = obf_alpha(t);
  const std::vector<double> expected = {3.71030287, 2.51143381, 1.99305108};
  for (std::size_t k = 0; k < 3; ++k) {
    const std::vector<double> v = {40.0 * static_cast<double>(k + 1)};
    EXPECT_NEAR(bounds.add_look(v, a[k]), expected[k], 1e-3) << k;
  }
  EXPECT_NEAR(bounds.crossing_probability(), 0.025, 1e-4);
  // The design at the same fractions, by the recursive integration.
  GroupSequentialDesign design;
  design.information_fractions = t;
  const auto exact = design_boundaries(design).efficacy;
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(bounds.bounds()[k], exact[k], 1e-3) << k;
}

TEST(MaxStatisticBounds, OneLookIsTheCriticalValueOfTheMaximum) {
  // Two independent tests: P(max < b) = Phi(b)^2 = 1 - alpha.
  MaxStatisticBounds independent(2);
  const double b = independent.add_look(std::vector<double>{5.0, 0.0, 0.0, 2.0}, 0.025);
  EXPECT_NEAR(normal_cdf(b) * normal_cdf(b), 0.975, 5e-5);  // the root search stops at 1e-3 in b
  // Four correlated tests (a MaxCombo-like correlation, the scale of each variance free).
  const std::vector<double> r = {1.0, 0.9, 0.8, 0.7, 0.9, 1.0, 0.85, 0.9, 0.8, 0.85, 1.0, 0.8, 0.7, 0.9, 0.8, 1.0};
  const std::vector<double> sd = {2.0, 1.0, 3.0, 0.5};
  std::vector<double> cov(16);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 4; ++j) cov[i * 4 + j] = r[i * 4 + j] * sd[i] * sd[j];
  }
  MaxStatisticBounds correlated(4);
  EXPECT_NEAR(correlated.add_look(cov, 0.025), mvn_critical_value(r, 0.025, MvnTail::kOneSided), 1e-3);
}

TEST(MaxStatisticBounds, IdenticalTestsAreOneTest) {
  // Two copies of one test (correlation 1, a singular matrix) have the single test's bounds.
  MaxStatisticBounds one(1), two(2);
  const auto a = obf_alpha({0.5, 1.0});
  for (std::size_t k = 0; k < 2; ++k) {
    const double v = 50.0 * static_cast<double>(k + 1);
    const double single = one.add_look(std::vector<double>{v}, a[k]);
    EXPECT_NEAR(two.add_look(std::vector<double>{v, v, v, v}, a[k]), single, 1e-3) << k;
  }
}

TEST(MaxStatisticBounds, CrossesIsTheBoundsDecision) {
  const std::vector<double> r = {1.0, 0.8, 0.8, 1.0};
  const auto a = obf_alpha({0.5, 1.0});
  MaxStatisticBounds solved(2), decided(2);
  const double b1 = solved.add_look(r, a[0]);
  const std::vector<double> later = {2.0, 1.7, 1.7, 2.0};
  const double b2 = solved.add_look(later, a[1]);
  decided.push_look(r, a[0]);
  EXPECT_TRUE(decided.crosses(b1 + 0.01));
  EXPECT_FALSE(decided.crosses(b1 - 0.01));
  decided.push_look(later, a[1]);  // solves look 1's bound first
  EXPECT_NEAR(decided.bounds()[0], b1, 1e-12);
  EXPECT_TRUE(decided.crosses(b2 + 0.01));
  EXPECT_FALSE(decided.crosses(b2 - 0.01));
}

TEST(MaxStatisticBounds, NothingLeftToSpendIsAnInfiniteBound) {
  MaxStatisticBounds bounds(2);
  const std::vector<double> cov = {1.0, 0.5, 0.5, 1.0};
  bounds.add_look(cov, 0.025);
  const std::vector<double> later = {2.0, 1.0, 1.0, 2.0};
  EXPECT_EQ(bounds.add_look(later, 0.025), std::numeric_limits<double>::infinity());
  EXPECT_THROW(bounds.add_look(later, 0.02), std::invalid_argument);  // alpha decreasing
  EXPECT_THROW(MaxStatisticBounds(2).add_look(std::vector<double>{0.0, 0.0, 0.0, 1.0}, 0.02),
               std::invalid_argument);  // no information
}

TEST(MaxStatisticBounds, AnIncrementThatIsNotPositiveSemiDefiniteIsClipped) {
  // Look 2's covariance grew less in one direction than look 1's had: the raw increment
  // has a negative eigenvalue, the joint correlation must still be a correlation matrix.
  MaxStatisticBounds bounds(2);
  bounds.add_look(std::vector<double>{10.0, 9.0, 9.0, 10.0}, 0.005);
  const double b = bounds.add_look(std::vector<double>{20.0, 8.0, 8.0, 20.0}, 0.025);
  EXPECT_TRUE(std::isfinite(b));
  const auto r = bounds.joint_correlation();
  Eigen::Map<const Eigen::Matrix4d> m(r.data());
  EXPECT_GE(Eigen::SelfAdjointEigenSolver<Eigen::Matrix4d>(m).eigenvalues().minCoeff(), -1e-12);
}

TEST(MaxStatisticBounds, SimulatedCrossingIsAlphaWithinMonteCarloError) {
  // Three tests, three looks, scores with independent increments whose covariances differ
  // by look; each look's bound from what is observed up to it. Under H0 the first crossing
  // happens with probability a_K = 0.025: 200,000 trials give an SE of 3.5e-4, so 4 SE is
  // 1.4e-3; the bounds' own error (1e-4 in probability) adds at most 3e-4.
  const std::vector<Eigen::Matrix3d> increments = [] {
    Eigen::Matrix3d a, b, c;
    a << 30, 20, 10, 20, 25, 15, 10, 15, 20;
    b << 30, 25, 20, 25, 30, 25, 20, 25, 30;
    c << 40, 35, 25, 35, 45, 40, 25, 40, 50;
    return std::vector<Eigen::Matrix3d>{a, b, c};
  }();
  const auto a = obf_alpha({0.3, 0.65, 1.0});
  MaxStatisticBounds bounds(3);
  std::vector<Eigen::Matrix3d> cumulative;
  Eigen::Matrix3d sum = Eigen::Matrix3d::Zero();
  for (std::size_t k = 0; k < 3; ++k) {
    sum += increments[k];
    cumulative.push_back(sum);
    bounds.add_look(std::vector<double>(sum.data(), sum.data() + 9), a[k]);
  }
  std::mt19937_64 engine(20261203);
  std::normal_distribution<double> normal;
  std::vector<Eigen::Matrix3d> roots;
  for (const auto& m : increments) roots.push_back(m.llt().matrixL());
  const int trials = 200000;
  int crossed = 0;
  for (int trial = 0; trial < trials; ++trial) {
    Eigen::Vector3d score = Eigen::Vector3d::Zero();
    for (std::size_t k = 0; k < 3; ++k) {
      const Eigen::Vector3d w(normal(engine), normal(engine), normal(engine));
      score += roots[k] * w;
      const Eigen::Vector3d z = score.cwiseQuotient(cumulative[k].diagonal().cwiseSqrt());
      if (z.maxCoeff() >= bounds.bounds()[k]) {
        ++crossed;
        break;
      }
    }
  }
  EXPECT_NEAR(static_cast<double>(crossed) / trials, 0.025, 1.7e-3);
  EXPECT_NEAR(bounds.crossing_probability(), 0.025, 2e-4);
}

}  // namespace
}  // namespace silico::stats
