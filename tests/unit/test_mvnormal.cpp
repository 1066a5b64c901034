/// @file
/// @brief Unit tests for src/stats/mvnormal.hpp: closed forms (orthants, the normal
/// distribution function), an independent one-dimensional integral for equicorrelated
/// variables, R's mvtnorm and Dunnett's (1955) tables.
///
/// R reference values: R 4.2.2 with mvtnorm 1.1-3 (Debian r-cran-mvtnorm), printed with
/// sprintf("%.15g"). mvtnorm's bivariate probabilities are Genz's BVN to rounding; its
/// higher-dimensional ones are Monte Carlo estimates with the error quoted.

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "stats/mvnormal.hpp"

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// P(a < X_i < b for all i), X equicorrelated with rho >= 0, as the one-dimensional
/// integral over the shared factor: X_i = sqrt(rho) Z + sqrt(1 - rho) E_i, so
/// P = int phi(z) [Phi((b - sqrt(rho) z)/s) - Phi((a - sqrt(rho) z)/s)]^k dz, s = sqrt(1-rho).
/// Composite Simpson on [-12, 12] with 6000 panels: far below 1e-10.
double equicorrelated_box(std::size_t k, double rho, double a, double b) {
  const double sr = std::sqrt(rho);
  const double s = std::sqrt(1.0 - rho);
  const int n = 6000;
  const double lo = -12.0;
  const double h = 24.0 / n;
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double z = lo + i * h;
    const double phi = std::exp(-z * z / 2.0) / std::sqrt(2.0 * std::numbers::pi);
    const double inner = normal_cdf((b - sr * z) / s) - normal_cdf((a - sr * z) / s);
    const double weight = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += weight * phi * std::pow(inner, static_cast<double>(k));
  }
  return sum * h / 3.0;
}

TEST(MvNormal, DimensionOneIsPhi) {
  // Phi(1.959963984540054) = 0.975 (the two-sided 5% point).
  const std::vector<double> r{1.0};
  const std::vector<double> a{-kInf};
  const std::vector<double> b{1.959963984540054};
  EXPECT_NEAR(mvn_probability(a, b, r).value, 0.975, 1e-15);
  const std::vector<double> a2{-1.0};
  const std::vector<double> b2{1.0};
  EXPECT_NEAR(mvn_probability(a2, b2, r).value, std::erf(1.0 / std::numbers::sqrt2), 1e-15);
  EXPECT_EQ(mvn_probability(a2, b2, r).error, 0.0);
  // Far upper tail, taken without cancellation: 1 - Phi(8) = 6.22096057427178e-16.
  const std::vector<double> a3{8.0};
  const std::vector<double> b3{kInf};
  EXPECT_NEAR(mvn_probability(a3, b3, r).value / 6.22096057427178e-16, 1.0, 1e-12);
}

TEST(MvNormal, BivariateOrthantIsSheppard) {
  // P(X < 0, Y < 0) = 1/4 + asin(rho)/(2 pi) (Sheppard 1899), across every branch of the
  // Drezner-Wesolowsky/Genz rule (|r| < 0.3, < 0.75, < 0.925, >= 0.925, |r| = 1).
  for (double r : {-1.0, -0.999, -0.95, -0.9, -0.5, -0.1, 0.0, 0.2, 0.5, 0.74, 0.8, 0.925, 0.99, 1.0}) {
    EXPECT_NEAR(bivariate_normal_cdf(0.0, 0.0, r), 0.25 + std::asin(r) / (2.0 * std::numbers::pi), 2e-16)
        << "r = " << r;
  }
}

TEST(MvNormal, BivariateMatchesMvtnorm) {
  // R: pmvnorm(lower = c(-Inf, -Inf), upper = c(1, 2), corr = matrix(c(1, .5, .5, 1), 2))
  //    -> 0.83186083113088
  EXPECT_NEAR(bivariate_normal_cdf(1.0, 2.0, 0.5), 0.83186083113088, 1e-14);
  // upper = c(-1.5, 0.3), rho = -0.95 -> 1.46791822368738e-06
  EXPECT_NEAR(bivariate_normal_cdf(-1.5, 0.3, -0.95), 1.46791822368738e-06, 1e-18);
  // upper = c(0.7, 0.2), rho = 0.97 -> 0.578585606606756
  EXPECT_NEAR(bivariate_normal_cdf(0.7, 0.2, 0.97), 0.578585606606756, 1e-14);
  // lower = c(-1, -2), upper = c(2, 0.5), rho = 0.3 -> 0.534808893618195
  const std::vector<double> r{1.0, 0.3, 0.3, 1.0};
  const std::vector<double> a{-1.0, -2.0};
  const std::vector<double> b{2.0, 0.5};
  EXPECT_NEAR(mvn_probability(a, b, r).value, 0.534808893618195, 1e-14);
}

TEST(MvNormal, BivariateIdentities) {
  // P(X < h, Y < k; r) + P(X < h, Y > k; r) = Phi(h), and P(X < h, Y > k; r) =
  // P(X < h, -Y < -k; -r); infinite bounds reduce to Phi.
  for (double r : {-0.97, -0.6, -0.2, 0.1, 0.5, 0.8, 0.95}) {
    for (double h : {-2.5, -0.3, 0.0, 1.1}) {
      for (double k : {-1.7, 0.4, 2.2}) {
        EXPECT_NEAR(bivariate_normal_cdf(h, k, r) + bivariate_normal_cdf(h, -k, -r), normal_cdf(h), 1e-15);
      }
    }
    EXPECT_EQ(bivariate_normal_cdf(kInf, 0.3, r), normal_cdf(0.3));
    EXPECT_EQ(bivariate_normal_cdf(-kInf, 0.3, r), 0.0);
  }
  EXPECT_NEAR(bivariate_normal_cdf(0.4, -0.7, 0.0), normal_cdf(0.4) * normal_cdf(-0.7), 1e-16);
}

TEST(MvNormal, TrivariateOrthantClosedForm) {
  // P(X1 < 0, X2 < 0, X3 < 0) = 1/8 + (asin r12 + asin r13 + asin r23)/(4 pi).
  const double cases[][3] = {{0.5, 0.5, 0.5}, {0.2, -0.3, 0.6}, {0.9, 0.8, 0.75}, {-0.4, -0.4, 0.1}};
  const std::vector<double> a(3, -kInf);
  const std::vector<double> b(3, 0.0);
  for (const auto& c : cases) {
    const std::vector<double> r{1.0, c[0], c[1], c[0], 1.0, c[2], c[1], c[2], 1.0};
    const double exact =
        0.125 + (std::asin(c[0]) + std::asin(c[1]) + std::asin(c[2])) / (4.0 * std::numbers::pi);
    const MvnProbability p = mvn_probability(a, b, r, {.abs_tol = 1e-6});
    EXPECT_NEAR(p.value, exact, std::max(p.error, 1e-9));
    EXPECT_LE(p.error, 1e-6);
  }
}

TEST(MvNormal, TrivariateBoxMatchesMvtnorm) {
  // R: R3 <- matrix(c(1, .2, .5, .2, 1, -.3, .5, -.3, 1), 3)
  //    pmvnorm(lower = c(-1, -Inf, 0.5), upper = c(1.5, 0.5, 2), corr = R3,
  //            algorithm = GenzBretz(maxpts = 1e7, abseps = 1e-10, releps = 0))
  //    -> 0.193998881569973, attr(, "error") 8.02523688675834e-09
  const std::vector<double> r{1.0, 0.2, 0.5, 0.2, 1.0, -0.3, 0.5, -0.3, 1.0};
  const std::vector<double> a{-1.0, -kInf, 0.5};
  const std::vector<double> b{1.5, 0.5, 2.0};
  const MvnProbability p = mvn_probability(a, b, r);
  EXPECT_NEAR(p.value, 0.193998881569973, 2e-6);
}

TEST(MvNormal, EquicorrelatedAgainstOneDimensionalIntegral) {
  for (std::size_t k : {3, 5, 10}) {
    for (double rho : {0.0, 0.5, 0.8}) {
      for (auto [a, b] : {std::pair{-kInf, 2.0}, std::pair{-2.3, 2.3}}) {
        if (k == 10 && !(rho == 0.5 && a == -kInf)) continue;  // one case of 10: it is slow
        const std::vector<double> lo(k, a);
        const std::vector<double> hi(k, b);
        const MvnProbability p = mvn_probability(lo, hi, equicorrelated(k, rho));
        const double exact = equicorrelated_box(k, rho, a, b);
        EXPECT_NEAR(p.value, exact, 1e-5) << "k " << k << " rho " << rho << " (" << a << ", " << b << ")";
        EXPECT_LE(std::fabs(p.value - exact), std::max(p.error, 1e-9));
      }
    }
  }
}

TEST(MvNormal, ReproducibleBitForBit) {
  const std::vector<double> r = equicorrelated(6, 0.3);
  const std::vector<double> a(6, -1.5);
  const std::vector<double> b(6, 2.0);
  const MvnProbability p = mvn_probability(a, b, r);
  const MvnProbability q = mvn_probability(a, b, r);
  EXPECT_EQ(p.value, q.value);
  EXPECT_EQ(p.error, q.error);
  EXPECT_GT(p.error, 0.0);
}

TEST(MvNormal, SingularCorrelationRepeatsAVariable) {
  // X3 = X1: the box is the bivariate one with X1 in the intersection of its two ranges.
  const std::vector<double> r{1.0, 0.4, 1.0, 0.4, 1.0, 0.4, 1.0, 0.4, 1.0};
  const std::vector<double> a{-1.0, -kInf, -kInf};
  const std::vector<double> b{2.0, 0.7, 1.2};
  const double exact = bivariate_normal_cdf(1.2, 0.7, 0.4) - bivariate_normal_cdf(-1.0, 0.7, 0.4);
  EXPECT_NEAR(mvn_probability(a, b, r).value, exact, 1e-6);
}

TEST(MvNormal, DunnettCriticalValues) {
  // Dunnett (1955), J. Am. Stat. Assoc. 50:1096-1121, many-to-one comparisons with equal
  // arms (rho = 0.5), df = infinity: k = 2 two-sided 5% 2.21 (Table 2a); one-sided 5%
  // 1.92 (Table 1a); k = 5 two-sided 5% 2.51. Dunnett's tables give two decimals. More
  // from R's mvtnorm, whose bivariate pmvnorm is exact, solved by uniroot to 1e-13:
  //   R2 <- matrix(c(1, .5, .5, 1), 2)
  //   uniroot(function(c) pmvnorm(lower = c(-c, -c), upper = c(c, c), corr = R2) - 0.95,
  //           c(1.5, 3), tol = 1e-13)$root                         -> 2.212127746579
  //   ... lower = c(-Inf, -Inf), upper = c(c, c) ... - 0.975 ...   -> 2.212135092985
  //   ... lower = c(-Inf, -Inf), upper = c(c, c) ... - 0.95 ...    -> 1.916331944688
  // (qmvnorm() itself stops its root search at uniroot's default tol, ~1e-4: it prints
  // 2.21218316457025, 2.21216849765503 and 1.91639885732729.) k = 5:
  //   qmvnorm(0.95, tail = "both.tails", corr = R5 (5 x 5, rho = 0.5),
  //           algorithm = GenzBretz(maxpts = 1e6, abseps = 1e-8))   -> 2.51141464286665
  // checked here against the one-dimensional integral instead.
  const std::vector<double> r2 = equicorrelated(2, 0.5);
  const double two_sided = mvn_critical_value(r2, 0.05, MvnTail::kTwoSided);
  EXPECT_NEAR(two_sided, 2.21, 0.005);
  EXPECT_NEAR(two_sided, 2.212127746579, 1e-8);
  const double one_sided_025 = mvn_critical_value(r2, 0.025, MvnTail::kOneSided);
  EXPECT_NEAR(one_sided_025, 2.212135092985, 1e-8);
  // Two-sided 5% is below one-sided 2.5%: P(max |X| > c) = 2 P(max X > c) - P(X1 > c,
  // X2 < -c) - P(X1 < -c, X2 > c), and the subtracted part is tiny but positive.
  EXPECT_LT(two_sided, one_sided_025);
  const double one_sided_05 = mvn_critical_value(r2, 0.05, MvnTail::kOneSided);
  EXPECT_NEAR(one_sided_05, 1.92, 0.005);
  EXPECT_NEAR(one_sided_05, 1.916331944688, 1e-8);
  // The critical value solves the equation it is defined by.
  const std::vector<double> lo{-two_sided, -two_sided};
  const std::vector<double> hi{two_sided, two_sided};
  EXPECT_NEAR(mvn_probability(lo, hi, r2).value, 0.95, 1e-9);

  const std::vector<double> r5 = equicorrelated(5, 0.5);
  const double c5 = mvn_critical_value(r5, 0.05, MvnTail::kTwoSided);
  EXPECT_NEAR(c5, 2.51, 0.005);
  EXPECT_NEAR(c5, 2.51141464286665, 2e-4);
  EXPECT_NEAR(equicorrelated_box(5, 0.5, -c5, c5), 0.95, 1e-5);
  // One variable: the normal quantiles.
  const std::vector<double> r1{1.0};
  EXPECT_NEAR(mvn_critical_value(r1, 0.05, MvnTail::kTwoSided), 1.959963984540054, 1e-9);
  EXPECT_NEAR(mvn_critical_value(r1, 0.025, MvnTail::kOneSided), 1.959963984540054, 1e-9);
}

TEST(MvNormal, InvalidInputThrows) {
  const std::vector<double> r{1.0, 0.5, 0.5, 1.0};
  const std::vector<double> a{0.0, 0.0};
  const std::vector<double> b{1.0, 1.0};
  const std::vector<double> one{1.0};
  EXPECT_THROW(mvn_probability(a, one, r), std::invalid_argument);
  EXPECT_THROW(mvn_probability(a, b, one), std::invalid_argument);
  const std::vector<double> asym{1.0, 0.5, 0.4, 1.0};
  EXPECT_THROW(mvn_probability(a, b, asym), std::invalid_argument);
  const std::vector<double> not_psd{1.0, 0.9, 0.9, 0.9, 1.0, -0.9, 0.9, -0.9, 1.0};
  const std::vector<double> a3(3, 0.0);
  const std::vector<double> b3(3, 1.0);
  EXPECT_THROW(mvn_probability(a3, b3, not_psd), std::invalid_argument);
  EXPECT_THROW(mvn_critical_value(r, 0.0, MvnTail::kOneSided), std::invalid_argument);
  EXPECT_THROW(bivariate_normal_cdf(0.0, 0.0, 1.5), std::invalid_argument);
  // An empty box has probability 0.
  const std::vector<double> empty_hi{1.0, -1.0};
  EXPECT_EQ(mvn_probability(a, empty_hi, r).value, 0.0);
}

}  // namespace
}  // namespace silico::stats
