/// @file
/// @brief Unit tests for src/stats/regression.hpp: OLS (model and HC3 SEs), logistic
/// regression, 2x2 comparisons (the risk difference by Wald and by the Miettinen-Nurminen
/// score method), Fisher's exact test, SMD, matching and ATT weighting.
///
/// Sources of the reference values:
///  - "exact" values were computed with rational arithmetic (Python fractions.Fraction, and
///    math.comb for hypergeometric terms) from the textbook formulas, independently of this
///    code; they are exact, so the tolerance only covers double roundoff;
///  - published R outputs are quoted with their printed digits, and the tolerance is half a
///    unit in the last printed digit.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <Eigen/Core>

#include "stats/estimates.hpp"
#include "stats/regression.hpp"

namespace silico::stats {
namespace {

// Results of at most a few hundred double operations on values of order 1-100: a few ulps
// each, so 1e-12 is far above roundoff and far below any real error.
constexpr double kRoundoff = 1e-12;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------- data sets

// R `cars` (Ezekiel 1930): speed (mph) and stopping distance (ft) of 50 cars.
const std::vector<double> kCarsSpeed{4,  4,  7,  7,  8,  9,  10, 10, 10, 11, 11, 12, 12,
                                     12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15,
                                     16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20,
                                     20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25};
const std::vector<double> kCarsDist{2,  10, 4,  22, 16, 10, 18, 26, 34, 17,  28, 14, 20,
                                    24, 28, 26, 34, 34, 46, 26, 36, 60, 80,  20, 26, 54,
                                    32, 40, 32, 40, 50, 42, 56, 76, 84, 36,  46, 68, 32,
                                    48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85};

// R `mtcars` (Henderson & Velleman 1981): weight (1000 lb) and transmission (1 = manual),
// in the row order of the data set (Mazda RX4 ... Volvo 142E). Checked against a published
// CSV copy of mtcars: 13 manual cars, mean weight 3.21725.
const std::vector<double> kMtcarsWt{2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190,
                                    3.150, 3.440, 3.440, 4.070, 3.730, 3.780, 5.250, 5.424,
                                    5.345, 2.200, 1.615, 1.835, 2.465, 3.520, 3.435, 3.840,
                                    3.845, 1.935, 2.140, 1.513, 3.170, 2.770, 3.570, 2.780};
const std::vector<std::int8_t> kMtcarsAm{1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                         0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};

Eigen::MatrixXd with_intercept(const std::vector<double>& x) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(x.size()), 2);
  for (std::size_t i = 0; i < x.size(); ++i) {
    m(static_cast<Eigen::Index>(i), 0) = 1.0;
    m(static_cast<Eigen::Index>(i), 1) = x[i];
  }
  return m;
}

Eigen::VectorXd as_vector(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

// ---------------------------------------------------------------- OLS

// Hand data set, 7 rows, columns (1, x1, x2):
//   x1 = 0..6, x2 = 1 0 1 0 0 1 1, y = 1 3 2 5 4 7 6.
// Exact (fractions): X'X = [[7,21,4],[21,91,13],[4,13,4]], X'y = (28,109,16);
// beta = (516/329, 300/329, -25/47); s^2 = RSS/4 = 428/329; diag (X'X)^-1 =
// (195/329, 12/329, 28/47); leverages h = (209,143,101,111,131,119,173)/329;
// HC3 SEs = sqrt of exact fractions = (0.8500761729278858, 0.21801639806835732,
// 1.0567991359040985); R^2 = 1875/2303.
struct HandOls {
  Eigen::MatrixXd x{7, 3};
  Eigen::VectorXd y{7};
  HandOls() {
    const double x2[7] = {1, 0, 1, 0, 0, 1, 1};
    const double yy[7] = {1, 3, 2, 5, 4, 7, 6};
    for (int i = 0; i < 7; ++i) {
      x(i, 0) = 1.0;
      x(i, 1) = i;
      x(i, 2) = x2[i];
      y(i) = yy[i];
    }
  }
};

TEST(Ols, MatchesNormalEquationsOnHandData) {
  const HandOls d;
  const OlsFit fit = ols(d.x, d.y);
  ASSERT_EQ(fit.n, 7u);
  ASSERT_EQ(fit.p, 3u);
  EXPECT_NEAR(fit.beta(0), 516.0 / 329.0, kRoundoff);
  EXPECT_NEAR(fit.beta(1), 300.0 / 329.0, kRoundoff);
  EXPECT_NEAR(fit.beta(2), -25.0 / 47.0, kRoundoff);
  const double s2 = 428.0 / 329.0;
  EXPECT_NEAR(fit.residual_variance, s2, kRoundoff);
  EXPECT_NEAR(fit.se_model(0), std::sqrt(s2 * 195.0 / 329.0), kRoundoff);
  EXPECT_NEAR(fit.se_model(1), std::sqrt(s2 * 12.0 / 329.0), kRoundoff);
  EXPECT_NEAR(fit.se_model(2), std::sqrt(s2 * 28.0 / 47.0), kRoundoff);
  EXPECT_NEAR(fit.r_squared, 1875.0 / 2303.0, kRoundoff);
  // The solution satisfies the normal equations X'(y - X beta) = 0.
  const Eigen::VectorXd gradient = d.x.transpose() * (d.y - d.x * fit.beta);
  EXPECT_LT(gradient.cwiseAbs().maxCoeff(), kRoundoff);
}

// The root A of (X'X)^-1 = A A' that posterior draws use (stats/multiple_imputation.hpp):
// its product is the exact inverse, whose diagonal is (195/329, 12/329, 28/47).
TEST(Ols, AccumulatorInverseRootReproducesTheInverse) {
  const HandOls d;
  OlsAccumulator acc(3);
  acc.add(d.x.topRows(3), d.y.head(3));
  acc.add(d.x.bottomRows(4), d.y.tail(4));
  const Eigen::MatrixXd a = acc.xtx_inverse_root();
  const Eigen::MatrixXd inverse = a * a.transpose();
  EXPECT_NEAR(inverse(0, 0), 195.0 / 329.0, kRoundoff);
  EXPECT_NEAR(inverse(1, 1), 12.0 / 329.0, kRoundoff);
  EXPECT_NEAR(inverse(2, 2), 28.0 / 47.0, kRoundoff);
  const Eigen::MatrixXd identity = inverse * (d.x.transpose() * d.x);
  EXPECT_LT((identity - Eigen::MatrixXd::Identity(3, 3)).cwiseAbs().maxCoeff(), kRoundoff);
}

TEST(Ols, Hc3MatchesExactFractions) {
  const HandOls d;
  const OlsFit fit = ols(d.x, d.y);
  EXPECT_NEAR(fit.se_hc3(0), 0.8500761729278858, kRoundoff);
  EXPECT_NEAR(fit.se_hc3(1), 0.21801639806835732, kRoundoff);
  EXPECT_NEAR(fit.se_hc3(2), 1.0567991359040985, kRoundoff);
}

TEST(Ols, ScalingAColumnScalesItsCoefficient) {
  // Units must not matter: x1 in "thousandths" gives beta1 / 1000 and the same fit.
  HandOls d;
  const OlsFit base = ols(d.x, d.y);
  d.x.col(1) *= 1000.0;
  const OlsFit scaled = ols(d.x, d.y);
  EXPECT_NEAR(scaled.beta(1) * 1000.0, base.beta(1), kRoundoff);
  EXPECT_NEAR(scaled.se_hc3(1) * 1000.0, base.se_hc3(1), kRoundoff);
  EXPECT_NEAR(scaled.r_squared, base.r_squared, kRoundoff);
}

// R: summary(lm(dist ~ speed, data = cars)), printed in many places, e.g. the R
// documentation examples and course notes:
//   (Intercept) -17.5791  6.7584  -2.601  0.0123
//   speed         3.9324  0.4155   9.464  1.49e-12
//   Residual standard error: 15.38 on 48 degrees of freedom; Multiple R-squared: 0.6511
TEST(Ols, CarsMatchesPublishedLm) {
  const OlsFit fit = ols(with_intercept(kCarsSpeed), as_vector(kCarsDist));
  EXPECT_NEAR(fit.beta(0), -17.5791, 0.5e-4);
  EXPECT_NEAR(fit.beta(1), 3.9324, 0.5e-4);
  EXPECT_NEAR(fit.se_model(0), 6.7584, 0.5e-4);
  EXPECT_NEAR(fit.se_model(1), 0.4155, 0.5e-4);
  EXPECT_NEAR(std::sqrt(fit.residual_variance), 15.38, 0.5e-2);
  EXPECT_NEAR(fit.r_squared, 0.6511, 0.5e-4);
  // Exact (fractions): beta = (-301042/17125, 26937/6850), s^2 = 24303631/102750.
  EXPECT_NEAR(fit.beta(0), -301042.0 / 17125.0, 1e-11);
  EXPECT_NEAR(fit.beta(1), 26937.0 / 6850.0, 1e-12);
  EXPECT_NEAR(fit.residual_variance, 24303631.0 / 102750.0, 1e-10);

  const Estimate slope = ols_coefficient(fit, 1, 0.05, false);
  EXPECT_NEAR(slope.effect / slope.se, 9.464, 0.5e-3);
  EXPECT_NEAR(slope.p, 1.49e-12, 0.005e-12);
  const Estimate intercept = ols_coefficient(fit, 0, 0.05, false);
  EXPECT_NEAR(intercept.effect / intercept.se, -2.601, 0.5e-3);
  EXPECT_NEAR(intercept.p, 0.0123, 0.5e-4);
}

// HC3 for lm(dist ~ speed, cars). NOT taken from a printed R output (none was found); the
// values were computed exactly with Python fractions from the HC3 definition
// (X'X)^-1 X' diag(e_i^2 / (1 - h_ii)^2) X (X'X)^-1. That same script, switched to HC1,
// reproduces the published sandwich::vcovHC(type = "HC1") SEs of lm(speed ~ dist, cars),
// 0.891860 and 0.019402 (bookdown.org/mike/data_analysis, "Standard Errors"), which checks
// the data and the sandwich code. HC3 SEs: 5.9318033190745965, 0.42753721917209786
// (the often-quoted 0.4346 for the slope does not match the definition).
TEST(Ols, CarsHc3MatchesExactComputation) {
  const OlsFit fit = ols(with_intercept(kCarsSpeed), as_vector(kCarsDist));
  EXPECT_NEAR(fit.se_hc3(0), 5.9318033190745965, 1e-11);
  EXPECT_NEAR(fit.se_hc3(1), 0.42753721917209786, 1e-12);
  const Estimate robust = ols_coefficient(fit, 1, 0.05, true);
  EXPECT_EQ(robust.se, fit.se_hc3(1));
  // CI is symmetric, beta +- t_{48, 0.975} se; qt(0.975, 48) = 2.010635 (R, 7 digits;
  // independently 2.01063476 by Simpson integration of the t density in Python).
  EXPECT_NEAR((robust.ci_high - robust.effect) / robust.se, 2.010635, 0.5e-6);
  EXPECT_NEAR((robust.effect - robust.ci_low) / robust.se, 2.010635, 0.5e-6);
}

TEST(Ols, ShiftingACovariateOnlyMovesTheIntercept) {
  // speed + 1000: the slope, its SEs and R^2 are unchanged in exact arithmetic. The scaled
  // design has condition number ~388 (SVD), so a first-order least-squares bound gives a
  // relative error of order cond^2 * eps ~ 2e-11; 1e-10 on values of order 1-4 covers it.
  std::vector<double> shifted = kCarsSpeed;
  for (double& v : shifted) v += 1000.0;
  const OlsFit fit = ols(with_intercept(shifted), as_vector(kCarsDist));
  EXPECT_NEAR(fit.beta(1), 26937.0 / 6850.0, 1e-10);
  EXPECT_NEAR(fit.se_model(1), 0.4155127766571223, 1e-10);
  EXPECT_NEAR(fit.se_hc3(1), 0.42753721917209786, 1e-10);
  EXPECT_NEAR(fit.r_squared, 0.6510793807582509, 1e-10);
}

TEST(Ols, DegenerateDesignsGiveNaN) {
  // Collinear columns: x2 = 2 * x1.
  Eigen::MatrixXd x(4, 3);
  x << 1, 1, 2, 1, 2, 4, 1, 3, 6, 1, 5, 10;
  const Eigen::VectorXd y = Eigen::Vector4d(1, 2, 2, 4);
  const OlsFit collinear = ols(x, y);
  EXPECT_TRUE(std::isnan(collinear.beta(0)));
  EXPECT_TRUE(std::isnan(collinear.se_model(1)));
  EXPECT_TRUE(std::isnan(collinear.se_hc3(2)));

  // n == p: beta is the exact fit, but no residual degree of freedom.
  Eigen::MatrixXd square(2, 2);
  square << 1, 0, 1, 1;
  const OlsFit exact = ols(square, Eigen::Vector2d(3, 5));
  EXPECT_NEAR(exact.beta(0), 3.0, kRoundoff);
  EXPECT_NEAR(exact.beta(1), 2.0, kRoundoff);
  EXPECT_TRUE(std::isnan(exact.residual_variance));
  EXPECT_TRUE(std::isnan(exact.se_model(0)));
  EXPECT_TRUE(std::isnan(ols_coefficient(exact, 1, 0.05, false).p));

  // No rows: NaN, not an exception (an empty block of a replicate must not abort a trial).
  EXPECT_TRUE(std::isnan(ols(Eigen::MatrixXd(0, 2), Eigen::VectorXd(0)).beta(1)));

  EXPECT_THROW(ols(x, Eigen::Vector3d(1, 2, 3)), std::invalid_argument);
  const OlsFit fit = ols(with_intercept(kCarsSpeed), as_vector(kCarsDist));
  EXPECT_THROW(ols_coefficient(fit, 2, 0.05, false), std::invalid_argument);
  EXPECT_THROW(ols_coefficient(fit, 0, 1.0, false), std::invalid_argument);
}

// ---------------------------------------------------------------- logistic

// R: summary(glm(am ~ wt, data = mtcars, family = binomial)), as printed e.g. in
// curso-r course notes:  (Intercept) 12.040 (4.510), wt -4.024 (1.436);
// residual deviance 19.176 on 30 df; 6 Fisher scoring iterations.
TEST(Logistic, MtcarsMatchesPublishedGlm) {
  const LogisticFit fit = logistic(with_intercept(kMtcarsWt), kMtcarsAm);
  ASSERT_TRUE(fit.converged);
  EXPECT_LE(fit.iterations, 15);
  EXPECT_NEAR(fit.beta(0), 12.040, 0.5e-3);
  EXPECT_NEAR(fit.beta(1), -4.024, 0.5e-3);
  // Our covariance is the inverse information at the MLE. An independent Newton iteration
  // in Python (to |step| < 1e-14) gives SEs 4.510066238966753 and 1.436527752623556; the
  // relative tolerance 1e-8 allows for the 1e-10 convergence tolerance.
  EXPECT_NEAR(std::sqrt(fit.covariance(0, 0)), 4.510066238966753, 1e-8 * 4.51);
  EXPECT_NEAR(std::sqrt(fit.covariance(1, 1)), 1.436527752623556, 1e-8 * 1.44);
  // R prints 4.510 and 1.436, although 1.43653 rounds to 1.437: glm() uses the weights of
  // its last IRLS iteration, computed one step before its final beta. Replaying R's IRLS
  // (start mu = (y + 0.5)/2, stop at relative deviance change < 1e-8) in Python gives
  // 4.509706 and 1.436416 after 6 iterations, as printed. So the tolerance against the
  // printed SEs is 1e-3 (0.5e-3 printing + 1.1e-4 definition difference), not 0.5e-3.
  EXPECT_NEAR(std::sqrt(fit.covariance(0, 0)), 4.510, 1e-3);
  EXPECT_NEAR(std::sqrt(fit.covariance(1, 1)), 1.436, 1e-3);
  EXPECT_NEAR(fit.covariance(0, 1), fit.covariance(1, 0), kRoundoff);
}

TEST(Logistic, InterceptOnlyClosedForm) {
  // MLE of a constant probability: beta = logit(3/10), Var = 1 / (n p (1 - p)) = 1/2.1.
  const std::vector<std::int8_t> y{1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
  const LogisticFit fit = logistic(Eigen::MatrixXd::Ones(10, 1), y);
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.beta(0), std::log(3.0 / 7.0), 1e-10);
  EXPECT_NEAR(fit.covariance(0, 0), 1.0 / 2.1, 1e-10);
}

TEST(Logistic, SeparationStopsWithoutConverging) {
  // y = 1 exactly when x > 3.5: the MLE is at infinity.
  const std::vector<double> x{1, 2, 3, 4, 5, 6};
  const std::vector<std::int8_t> y{0, 0, 0, 1, 1, 1};
  const LogisticFit fit = logistic(with_intercept(x), y, 25, 1e-10);
  EXPECT_FALSE(fit.converged);
  EXPECT_LE(fit.iterations, 25);
  EXPECT_GT(fit.beta(1), 0.0);  // heading the right way before it stopped
}

TEST(Logistic, RejectsInvalidInput) {
  const std::vector<std::int8_t> bad{0, 2};
  EXPECT_THROW(logistic(Eigen::MatrixXd::Ones(2, 1), bad), std::invalid_argument);
  const std::vector<std::int8_t> short_y{0};
  EXPECT_THROW(logistic(Eigen::MatrixXd::Ones(2, 1), short_y), std::invalid_argument);
  const std::vector<std::int8_t> y{0, 1};
  EXPECT_THROW(logistic(Eigen::MatrixXd::Ones(2, 1), y, 0), std::invalid_argument);
}

// ---------------------------------------------------------------- 2x2 tables

// Hand table: treated 12 of 40, control 6 of 45 (b = 28, d = 39), alpha = 0.05,
// z = 1.959963984540054. Expected values from the closed forms in binary.cpp evaluated in
// Python (math.log/exp/sqrt/erfc, each correctly rounded or within 1 ulp):
//   RD = 1/6, se = sqrt(0.3*0.7/40 + (2/15)(13/15)/45), p = erfc(|z|/sqrt 2)
//   RR = 2.25, se(log) = sqrt(1/12 - 1/40 + 1/6 - 1/45)
//   OR = 12*39/(28*6), se(log) = sqrt(1/12 + 1/28 + 1/6 + 1/39)
const TwoByTwo kHand{12, 40, 6, 45};

TEST(Binary, RiskDifferenceWald) {
  const Estimate e = risk_difference(kHand, 0.05);
  EXPECT_NEAR(e.effect, 1.0 / 6.0, kRoundoff);
  EXPECT_NEAR(e.se, 0.0884188963659234, kRoundoff);
  EXPECT_NEAR(e.ci_low, -0.006631185763322667, kRoundoff);
  EXPECT_NEAR(e.ci_high, 0.339964519096656, kRoundoff);
  EXPECT_NEAR(e.p, 0.05943434698650987, kRoundoff);
}

TEST(Binary, RiskRatioKatz) {
  const Estimate e = risk_ratio(kHand, 0.05);
  EXPECT_NEAR(e.effect, 2.25, kRoundoff);
  EXPECT_NEAR(e.se, 0.45030853620354316, kRoundoff);
  EXPECT_NEAR(e.ci_low, 0.9308489156447765, kRoundoff);
  EXPECT_NEAR(e.ci_high, 5.438583979542297, kRoundoff);
  EXPECT_NEAR(e.p, 0.07172929545476521, kRoundoff);
}

TEST(Binary, OddsRatioWoolf) {
  const Estimate e = odds_ratio(kHand, 0.05);
  EXPECT_NEAR(e.effect, 2.785714285714285, kRoundoff);
  EXPECT_NEAR(e.se, 0.5579922144217707, kRoundoff);
  EXPECT_NEAR(e.ci_low, 0.9331957179552064, kRoundoff);
  EXPECT_NEAR(e.ci_high, 8.315730486458515, kRoundoff);
  EXPECT_NEAR(e.p, 0.06634954359648704, kRoundoff);
}

TEST(Binary, ZeroCellUsesHaldaneAnscombe) {
  // Treated 0 of 20, control 5 of 20: cells become 0.5, 20.5, 5.5, 15.5.
  // RR = (0.5/21)/(5.5/21) = 1/11; OR = 0.5*15.5/(20.5*5.5).
  const TwoByTwo t{0, 20, 5, 20};
  const Estimate rr = risk_ratio(t, 0.05);
  EXPECT_NEAR(rr.effect, 1.0 / 11.0, kRoundoff);
  EXPECT_NEAR(rr.se, std::sqrt(1 / 0.5 - 1 / 21.0 + 1 / 5.5 - 1 / 21.0), kRoundoff);
  EXPECT_NEAR(rr.ci_low, 0.005358543169388946, kRoundoff);
  EXPECT_NEAR(rr.ci_high, 1.5422965811171732, kRoundoff);
  EXPECT_NEAR(rr.p, 0.09691091981350552, kRoundoff);
  const Estimate orr = odds_ratio(t, 0.05);
  EXPECT_NEAR(orr.effect, 0.5 * 15.5 / (20.5 * 5.5), kRoundoff);
  EXPECT_NEAR(orr.se, 1.5149636294826743, kRoundoff);
  EXPECT_NEAR(orr.ci_low, 0.003528952173895119, kRoundoff);
  EXPECT_NEAR(orr.ci_high, 1.338827213129096, kRoundoff);
  EXPECT_NEAR(orr.p, 0.07716861857584931, kRoundoff);
  // The risk difference is not corrected.
  EXPECT_NEAR(risk_difference(t, 0.05).effect, -0.25, kRoundoff);
}

TEST(Binary, DegenerateTables) {
  const Estimate none = risk_difference(TwoByTwo{0, 10, 0, 12}, 0.05);
  EXPECT_EQ(none.effect, 0.0);
  EXPECT_EQ(none.se, 0.0);
  EXPECT_TRUE(std::isnan(none.p));
  EXPECT_TRUE(std::isnan(risk_ratio(TwoByTwo{0, 0, 3, 10}, 0.05).effect));
  EXPECT_TRUE(std::isnan(chi_square_p(TwoByTwo{0, 10, 0, 12})));  // zero margin
  EXPECT_EQ(fisher_exact_p(TwoByTwo{0, 10, 0, 12}), 1.0);
  EXPECT_THROW(risk_difference(TwoByTwo{11, 10, 0, 12}, 0.05), std::invalid_argument);
  EXPECT_THROW(odds_ratio(kHand, 0.0), std::invalid_argument);
  EXPECT_THROW(fisher_exact_p(TwoByTwo{0, 10, 13, 12}), std::invalid_argument);
}

// R's ?fisher.test example "Convictions" (Fisher 1962): matrix(c(2, 10, 15, 3), nrow = 2),
// i.e. dizygotic 2 convicted / 15 not, monozygotic 10 / 3. chisq.test(correct = FALSE) is
// not printed there; by hand X^2 = 30 (2*3 - 15*10)^2 / (17*13*12*18) = 2880/221 and
// p = erfc(sqrt(X^2/2)) = 0.00030626663018354995 (Python math.erfc). As a check of the
// table's orientation, the published continuity-corrected chisq.test(d) gives
// X-squared = 10.4581 = 30 (144 - 15)^2 / 47736 by hand.
TEST(Binary, ChiSquareByHand) {
  EXPECT_NEAR(chi_square_p(TwoByTwo{2, 17, 10, 13}), 0.00030626663018354995, 1e-10 * 3e-4);
  // Hand table above: X^2 = 85 (12*39 - 28*6)^2 / (40*45*18*67) = 2125/603,
  // p = 0.060484608482075666.
  EXPECT_NEAR(chi_square_p(kHand), 0.060484608482075666, 1e-12);
}

TEST(Binary, FisherPublishedValues) {
  // Fisher's lady tasting tea, R's ?fisher.test "TeaTasting" [[3,1],[1,3]]: two-sided
  // p = 0.4857 (= 17/35 exactly; R's example prints the one-sided 0.2429 = 17/70).
  EXPECT_NEAR(fisher_exact_p(TwoByTwo{3, 4, 1, 4}), 17.0 / 35.0, kRoundoff);
  EXPECT_NEAR(fisher_exact_p(TwoByTwo{3, 4, 1, 4}), 0.4857, 0.5e-4);
  // Convictions: R fisher.test(Convictions) prints p-value = 0.0005367 (published output
  // of the ?fisher.test example); exact 3571/6653325.
  const double convictions = fisher_exact_p(TwoByTwo{2, 17, 10, 13});
  EXPECT_NEAR(convictions, 0.0005367, 0.5e-7);
  EXPECT_NEAR(convictions, 3571.0 / 6653325.0, 1e-12 * 5.4e-4);
  // Symmetric in the roles of the two groups and of events / non-events.
  EXPECT_NEAR(fisher_exact_p(TwoByTwo{10, 13, 2, 17}), convictions, 1e-15);
  EXPECT_NEAR(fisher_exact_p(TwoByTwo{15, 17, 3, 13}), convictions, 1e-15);
}

TEST(Binary, FisherLargeTableMatchesExactFractions) {
  // 520 of 5000 vs 450 of 5000: exact p (Python Fraction sum over math.comb terms with
  // R's 1 + 1e-7 tie tolerance) = 0.019693318097643978. The log-gamma route loses about
  // |log P| * 1e-16 per term, so 1e-9 relative is a safe bound.
  EXPECT_NEAR(fisher_exact_p(TwoByTwo{520, 5000, 450, 5000}), 0.019693318097643978, 1e-9 * 0.0197);
  // Hand table: exact 0.06921876898684023.
  EXPECT_NEAR(fisher_exact_p(kHand), 0.06921876898684023, 1e-11);
}

// ---------------------------------------------------------------- propensity

// Miettinen-Nurminen score interval of p1 - p0: Newcombe (1998) Stat Med 17:873-890, Table II,
// method 6 ("score method incorporating a variance correction factor", MN 1985), eight
// examples printed to 4 decimals, (a)-(h). The digits are quoted as transcribed, each
// labelled as from that table, in three independent public test suites: cicalc
// (GSK-Biostatistics, tests/testthat/test-prop_ci_mn.R, "values in the paper": (a), (b), (g)),
// ratesci (tests, "Newcombe RD example (d)") and mergeron_extra (tests, "Examples from
// Newcombe (1998), Table II", M-N column, all eight). Tolerance: half a unit in the 4th
// decimal.
struct NewcombeRow {
  TwoByTwo t;
  double low, high;
};
constexpr NewcombeRow kNewcombeTable2Mn[] = {
    {{56, 70, 48, 80}, 0.0528, 0.3382},   // (a)
    {{9, 10, 3, 10}, 0.1700, 0.8406},     // (b)
    {{6, 7, 2, 7}, 0.0342, 0.8534},       // (c)
    {{5, 56, 0, 29}, -0.0326, 0.1933},    // (d)
    {{0, 10, 0, 20}, -0.1658, 0.2844},    // (e)
    {{0, 10, 0, 10}, -0.2879, 0.2879},    // (f)
    {{10, 10, 0, 20}, 0.7156, 1.0},       // (g)
    {{10, 10, 0, 10}, 0.6636, 1.0},       // (h)
};

TEST(BinaryScore, NewcombeTableTwoMiettinenNurminen) {
  for (const NewcombeRow& row : kNewcombeTable2Mn) {
    const TwoByTwo& t = row.t;
    SCOPED_TRACE(std::to_string(t.treated_events) + "/" + std::to_string(t.treated_n) + " vs " +
                 std::to_string(t.control_events) + "/" + std::to_string(t.control_n));
    const Estimate e = risk_difference_score(t, 0.05);
    const double rd = static_cast<double>(t.treated_events) / static_cast<double>(t.treated_n) -
                      static_cast<double>(t.control_events) / static_cast<double>(t.control_n);
    EXPECT_NEAR(e.effect, rd, kRoundoff);
    EXPECT_NEAR(e.ci_low, row.low, 0.5e-4);
    EXPECT_NEAR(e.ci_high, row.high, 0.5e-4);
    EXPECT_NEAR(e.se, (e.ci_high - e.ci_low) / (2.0 * 1.959963984540054), kRoundoff);
    EXPECT_GT(e.se, 0.0);
  }
}

// At delta = 0 the restricted MLEs are the pooled proportion, so z(0)^2 is the Pearson X^2
// times (N-1)/N. Expected p = erfc(sqrt(X^2 (N-1)/N / 2)) with X^2 = N (ad-bc)^2 /
// (n1 n0 m1 m0) as an exact fraction (Python fractions, math.erfc).
TEST(BinaryScore, PValueIsThePooledScoreTestWithTheMnFactor) {
  struct Row {
    TwoByTwo t;
    double p;
  };
  const Row rows[] = {
      {{56, 70, 48, 80}, 0.008258287929380779},   // X^2 = 2100/299, x 149/150
      {{9, 10, 3, 10}, 0.00760164147522017},      // 15/2 x 19/20 = 57/8
      {{5, 56, 0, 29}, 0.09917565457055078},      // 2465/896 x 84/85 = 87/32
      {{10, 10, 0, 20}, 7.237829871739998e-08},   // 30 x 29/30 = 29
      {{10, 10, 0, 10}, 1.3071845366763017e-05},  // 20 x 19/20 = 19
      {{12, 40, 6, 45}, 0.06201771245570465},     // hand table: 2125/603 x 84/85 = 700/201
  };
  for (const Row& r : rows) {
    const Estimate e = risk_difference_score(r.t, 0.05);
    EXPECT_NEAR(e.p, r.p, 1e-10 * r.p);
    const double z0 = risk_difference_score_z(r.t, 0.0);
    EXPECT_NEAR(e.p, std::erfc(std::fabs(z0) / std::sqrt(2.0)), 1e-12 * r.p);
  }
}

TEST(BinaryScore, CertainOutcomesHaveAFiniteIntervalAndADefinedP) {
  // All responders vs none: the Wald SE is 0 and its p NaN; the score method decides.
  const TwoByTwo all_none{10, 10, 0, 10};
  EXPECT_TRUE(std::isnan(risk_difference(all_none, 0.05).p));
  const Estimate e = risk_difference_score(all_none, 0.05);
  EXPECT_EQ(e.effect, 1.0);
  EXPECT_EQ(e.ci_high, 1.0);
  EXPECT_NEAR(e.ci_low, 0.6636, 0.5e-4);  // Newcombe Table II (h)
  EXPECT_NEAR(e.p, 1.3071845366763017e-05, 1e-15);
  EXPECT_LT(e.p, 0.05);
  // Mirror image: none vs all.
  const Estimate m = risk_difference_score(TwoByTwo{0, 10, 10, 10}, 0.05);
  EXPECT_EQ(m.effect, -1.0);
  EXPECT_EQ(m.ci_low, -1.0);
  EXPECT_NEAR(m.ci_high, -e.ci_low, 1e-15);
  EXPECT_EQ(m.p, e.p);
  // No responders in either arm, or all responders in both: p = 1 and a finite, symmetric CI
  // (Newcombe Table II (f) for 0/10 vs 0/10).
  for (const TwoByTwo& t : {TwoByTwo{0, 10, 0, 10}, TwoByTwo{10, 10, 10, 10}}) {
    const Estimate n = risk_difference_score(t, 0.05);
    EXPECT_EQ(n.effect, 0.0);
    EXPECT_EQ(n.p, 1.0);
    EXPECT_NEAR(n.ci_low, -0.2879, 0.5e-4);
    EXPECT_NEAR(n.ci_high, 0.2879, 0.5e-4);
    EXPECT_NEAR(n.ci_low, -n.ci_high, 1e-15);
    EXPECT_GT(n.se, 0.0);
  }
}

// The restricted MLE of the closed-form cubic against a direct maximization of the
// constrained log-likelihood (golden-section search on q0, independent of the cubic),
// through the statistic it feeds.
double brute_force_score_z(const TwoByTwo& t, double delta) {
  const double x1 = static_cast<double>(t.treated_events), n1 = static_cast<double>(t.treated_n);
  const double x0 = static_cast<double>(t.control_events), n0 = static_cast<double>(t.control_n);
  auto term = [](double k, double n, double q) {
    double s = 0.0;
    if (k > 0) s += k * std::log(q);
    if (n - k > 0) s += (n - k) * std::log1p(-q);
    return s;
  };
  auto loglik = [&](double q0) { return term(x1, n1, q0 + delta) + term(x0, n0, q0); };
  double lo = std::max(0.0, -delta), hi = std::min(1.0, 1.0 - delta);
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int i = 0; i < 200; ++i) {
    const double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (loglik(a) < loglik(b)) {
      lo = a;
    } else {
      hi = b;
    }
  }
  const double q0 = 0.5 * (lo + hi), q1 = q0 + delta;
  const double n = n1 + n0;
  const double var = (q1 * (1 - q1) / n1 + q0 * (1 - q0) / n0) * n / (n - 1);
  return (x1 / n1 - x0 / n0 - delta) / std::sqrt(var);
}

TEST(BinaryScore, RestrictedMleMatchesDirectMaximization) {
  const TwoByTwo tables[] = {{56, 70, 48, 80}, {9, 10, 3, 10},  {5, 56, 0, 29},
                             {0, 10, 0, 20},   {1, 3, 7, 9},    {12, 40, 6, 45},
                             {3, 200, 1, 7},   {520, 5000, 450, 5000}};
  for (const TwoByTwo& t : tables) {
    for (double delta : {-0.9, -0.5, -0.2, -0.05, 0.0, 0.03, 0.1, 0.3, 0.6, 0.95}) {
      const double z = risk_difference_score_z(t, delta);
      const double ref = brute_force_score_z(t, delta);
      EXPECT_NEAR(z, ref, 1e-7 * std::max(1.0, std::fabs(ref))) << delta;
    }
  }
}

// Test inversion over every table with group sizes 1..12: the limits are where |z| = z_alpha/2,
// 0 is outside the CI exactly when p < alpha, and the interval flips sign when the groups
// (or events and non-events) are swapped. The closed-form cubic loses a few digits to
// cancellation (up to about 1e-12 in a limit, e.g. 9/9 vs 1/4), hence 1e-10 on the mirrors.
TEST(BinaryScore, IntervalInvertsTheTestOnAllSmallTables) {
  const double alpha = 0.05;
  const double zc = normal_two_sided_z(alpha);
  for (std::uint64_t n1 = 1; n1 <= 12; ++n1) {
    for (std::uint64_t n0 = 1; n0 <= 12; ++n0) {
      for (std::uint64_t a = 0; a <= n1; ++a) {
        for (std::uint64_t c = 0; c <= n0; ++c) {
          const TwoByTwo t{a, n1, c, n0};
          const Estimate e = risk_difference_score(t, alpha);
          SCOPED_TRACE(std::to_string(a) + "/" + std::to_string(n1) + " vs " + std::to_string(c) +
                       "/" + std::to_string(n0));
          ASSERT_TRUE(std::isfinite(e.ci_low) && std::isfinite(e.ci_high) && std::isfinite(e.p));
          EXPECT_LE(-1.0, e.ci_low);
          EXPECT_LE(e.ci_low, e.effect);
          EXPECT_LE(e.effect, e.ci_high);
          EXPECT_LE(e.ci_high, 1.0);
          if (e.ci_low > -1.0) {
            EXPECT_NEAR(risk_difference_score_z(t, e.ci_low), zc, 1e-6);
          }
          if (e.ci_high < 1.0) {
            EXPECT_NEAR(risk_difference_score_z(t, e.ci_high), -zc, 1e-6);
          }
          const bool excludes_zero = e.ci_low > 0.0 || e.ci_high < 0.0;
          if (std::fabs(e.p - alpha) > 1e-9) {
            EXPECT_EQ(excludes_zero, e.p < alpha);
          }
          const Estimate swapped = risk_difference_score(TwoByTwo{c, n0, a, n1}, alpha);
          EXPECT_NEAR(swapped.ci_low, -e.ci_high, 1e-10);
          EXPECT_NEAR(swapped.ci_high, -e.ci_low, 1e-10);
          EXPECT_NEAR(swapped.p, e.p, 1e-12);
          const Estimate flipped = risk_difference_score(TwoByTwo{n1 - a, n1, n0 - c, n0}, alpha);
          EXPECT_NEAR(flipped.ci_low, -e.ci_high, 1e-10);
          EXPECT_NEAR(flipped.ci_high, -e.ci_low, 1e-10);
        }
      }
    }
  }
}

TEST(BinaryScore, DegenerateAndInvalidInputs) {
  const Estimate empty = risk_difference_score(TwoByTwo{0, 0, 3, 10}, 0.05);
  EXPECT_TRUE(std::isnan(empty.effect) && std::isnan(empty.ci_low) && std::isnan(empty.p));
  EXPECT_TRUE(std::isnan(risk_difference_score_z(TwoByTwo{3, 10, 0, 0}, 0.0)));
  EXPECT_THROW(risk_difference_score(TwoByTwo{11, 10, 0, 12}, 0.05), std::invalid_argument);
  EXPECT_THROW(risk_difference_score(kHand, 1.0), std::invalid_argument);
  EXPECT_THROW(risk_difference_score_z(kHand, 1.5), std::invalid_argument);
  EXPECT_THROW(risk_difference_score_z(kHand, std::nan("")), std::invalid_argument);
  // At the ends of [-1, 1] the restricted variance is 0: the statistic is infinite.
  EXPECT_EQ(risk_difference_score_z(kHand, -1.0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(risk_difference_score_z(kHand, 1.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(risk_difference_score_z(TwoByTwo{10, 10, 0, 10}, 1.0), 0.0);
  // Large groups: the score interval approaches the Wald one.
  const TwoByTwo big{52000, 500000, 45000, 500000};
  const Estimate s = risk_difference_score(big, 0.05);
  const Estimate w = risk_difference(big, 0.05);
  EXPECT_NEAR(s.ci_low, w.ci_low, 1e-5);
  EXPECT_NEAR(s.ci_high, w.ci_high, 1e-5);
}

TEST(Propensity, SmdUnweightedClosedForm) {
  // Treated 1 2 3 4 (mean 5/2, var 5/3), control 2 4 6 (mean 4, var 4):
  // SMD = -1.5 / sqrt(17/6).
  const std::vector<double> x{1, 2, 3, 4, 2, 4, 6};
  const std::vector<std::int8_t> t{1, 1, 1, 1, 0, 0, 0};
  EXPECT_NEAR(standardized_mean_difference(x, t), -1.5 / std::sqrt(17.0 / 6.0), kRoundoff);
  // Equal weights of any size give the unweighted value.
  const std::vector<double> w(7, 2.5);
  EXPECT_NEAR(standardized_mean_difference(x, t, w), -1.5 / std::sqrt(17.0 / 6.0), kRoundoff);
}

TEST(Propensity, SmdWeightedClosedForm) {
  // Weights treated 1 2 1 0.5, control 1 1 2. Exact: treated mean 20/9, variance
  // sum(w)/(sum(w)^2 - sum(w^2)) * sum w (x - m)^2 = 17/14; control mean 9/2, variance 22/5.
  const std::vector<double> x{1, 2, 3, 4, 2, 4, 6};
  const std::vector<std::int8_t> t{1, 1, 1, 1, 0, 0, 0};
  const std::vector<double> w{1, 2, 1, 0.5, 1, 1, 2};
  const double expected = (20.0 / 9.0 - 4.5) / std::sqrt((17.0 / 14.0 + 22.0 / 5.0) / 2.0);
  EXPECT_NEAR(standardized_mean_difference(x, t, w), expected, kRoundoff);
  EXPECT_NEAR(expected, -1.3594996316948817, kRoundoff);
}

// Hand matching case. Index: group, logit
//   0 T 0.0 | 1 C 0.1 | 2 C -0.1 | 3 T 5.0 | 4 C 0.3 | 5 T 0.35 | 6 C 0.5 | 7 C 0.1 |
//   8 T 0.6 | 9 C 0.7
// Pooled SD: treated logits (0, 5, 0.35, 0.6), control (0.1, -0.1, 0.3, 0.5, 0.1, 0.7);
// sqrt((s_t^2 + s_c^2)/2) = 1.677889 (Python statistics.variance), so caliper_sd = 0.2
// gives a caliper of 0.3356, between the distances used below (0.25 and 0.5, 4.3).
const std::vector<double> kMatchLogit{0.0, 0.1, -0.1, 5.0, 0.3, 0.35, 0.5, 0.1, 0.6, 0.7};
const std::vector<std::int8_t> kMatchTreated{1, 0, 0, 1, 0, 1, 0, 0, 1, 0};

TEST(Propensity, MatchHandCaseWithCaliperAndTies) {
  const auto m = match_nearest(kMatchLogit, kMatchTreated, 2, 0.2);
  ASSERT_EQ(m.size(), 4u);
  // Patient 0: controls 1, 7 (right, 0.1) and 2 (left, 0.1) tie; lowest indices 1, 2.
  EXPECT_EQ(m[0], (std::vector<std::size_t>{1, 2}));
  // Patient 3: the nearest control (9, distance 4.3) is outside the caliper.
  EXPECT_TRUE(m[1].empty());
  // Patient 5: 4 (0.05) then 6 (0.15) before 7 (0.25).
  EXPECT_EQ(m[2], (std::vector<std::size_t>{4, 6}));
  // Patient 8: 9 (0.1); the next, 7 at 0.5, is outside the caliper: one match only.
  EXPECT_EQ(m[3], (std::vector<std::size_t>{9}));
}

TEST(Propensity, MatchWithoutCaliperIsGreedyInIndexOrder) {
  const auto m =
      match_nearest(kMatchLogit, kMatchTreated, 2, std::numeric_limits<double>::infinity());
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0], (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(m[1], (std::vector<std::size_t>{9, 6}));  // nearest first
  EXPECT_EQ(m[2], (std::vector<std::size_t>{4, 7}));
  EXPECT_TRUE(m[3].empty());  // no control left
}

TEST(Propensity, MatchTiesWithinARunOfEqualLogitsGoToLowerIndex) {
  // Treated 2 at 1.0; controls 0, 1, 3 at 0.5 (distance 0.5) and 4 at 1.5 (distance 0.5).
  const std::vector<double> logit{0.5, 0.5, 1.0, 0.5, 1.5};
  const std::vector<std::int8_t> t{0, 0, 1, 0, 0};
  const double no_caliper = std::numeric_limits<double>::infinity();
  EXPECT_EQ(match_nearest(logit, t, 1, no_caliper)[0], (std::vector<std::size_t>{0}));
  EXPECT_EQ(match_nearest(logit, t, 4, no_caliper)[0], (std::vector<std::size_t>{0, 1, 3, 4}));
}

// O(n^2) reference with the same rules, for a randomized comparison.
std::vector<std::vector<std::size_t>> brute_force_match(const std::vector<double>& logit,
                                                        const std::vector<std::int8_t>& t, int k,
                                                        double caliper) {
  std::vector<bool> used(logit.size(), false);
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t i = 0; i < logit.size(); ++i) {
    if (t[i] == 0) continue;
    out.emplace_back();
    for (int r = 0; r < k; ++r) {
      std::size_t best = logit.size();
      double best_d = 0.0;
      for (std::size_t j = 0; j < logit.size(); ++j) {
        if (t[j] != 0 || used[j]) continue;
        const double d = std::fabs(logit[i] - logit[j]);
        if (best == logit.size() || d < best_d) {
          best = j;
          best_d = d;
        }
      }
      if (best == logit.size() || !(best_d <= caliper)) break;
      used[best] = true;
      out.back().push_back(best);
    }
  }
  return out;
}

TEST(Propensity, MatchAgreesWithBruteForce) {
  // Deterministic pseudo-data (a 64-bit LCG, Knuth MMIX constants); logits rounded to 0.01
  // so that many distances tie exactly.
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  const std::size_t n = 1500;
  std::vector<double> logit(n);
  std::vector<std::int8_t> t(n);
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = next() < 0.35 ? 1 : 0;
    logit[i] = std::round((next() * 4.0 - 2.0 + (t[i] != 0 ? 0.5 : 0.0)) * 100.0) / 100.0;
  }
  for (int k : {1, 3}) {
    const auto fast = match_nearest(logit, t, k, std::numeric_limits<double>::infinity());
    EXPECT_EQ(fast, brute_force_match(logit, t, k, std::numeric_limits<double>::infinity()));
  }
  // With a caliper: 0.05 SD; SD computed here as in match_nearest (pooled n-1 variances).
  std::vector<double> lt, lc;
  for (std::size_t i = 0; i < n; ++i) (t[i] != 0 ? lt : lc).push_back(logit[i]);
  const Descriptive dt = describe(lt);
  const Descriptive dc = describe(lc);
  const double caliper = 0.05 * std::sqrt((dt.sd * dt.sd + dc.sd * dc.sd) / 2.0);
  EXPECT_EQ(match_nearest(logit, t, 2, 0.05), brute_force_match(logit, t, 2, caliper));
}

TEST(Propensity, MatchRejectsInvalidInput) {
  EXPECT_THROW(match_nearest(kMatchLogit, kMatchTreated, 0, 0.2), std::invalid_argument);
  EXPECT_THROW(match_nearest(kMatchLogit, kMatchTreated, 1, 0.0), std::invalid_argument);
  const std::vector<std::int8_t> short_t{1, 0};
  EXPECT_THROW(match_nearest(kMatchLogit, short_t, 1, 0.2), std::invalid_argument);
}

// Saturated propensity model with a binary covariate z:
//   z = 1: 3 treated, 2 controls -> ps = 3/5;  z = 0: 1 treated, 4 controls -> ps = 1/5.
// P = 4/10, so control weights are (3/5)/(2/5) * 6/4 = 2.25 and (1/5)/(4/5) * 6/4 = 0.375.
// Weighted control mean of z = 2*2.25 / (2*2.25 + 4*0.375) = 3/4 = treated mean, and the
// control weights sum to 6 = number of controls.
const std::vector<double> kZ{1, 1, 1, 0, 1, 1, 0, 0, 0, 0};
const std::vector<std::int8_t> kZTreated{1, 1, 1, 1, 0, 0, 0, 0, 0, 0};

double weighted_control_mean(const std::vector<double>& x, const std::vector<std::int8_t>& t,
                             const std::vector<double>& w) {
  double sw = 0.0, swx = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (t[i] != 0) continue;
    sw += w[i];
    swx += w[i] * x[i];
  }
  return swx / sw;
}

TEST(Propensity, AttWeightsBalanceASaturatedModel) {
  std::vector<double> ps(kZ.size());
  for (std::size_t i = 0; i < kZ.size(); ++i) ps[i] = kZ[i] != 0 ? 0.6 : 0.2;
  const std::vector<double> w = att_weights(ps, kZTreated);
  EXPECT_EQ(w[0], 1.0);
  EXPECT_NEAR(w[4], 2.25, kRoundoff);
  EXPECT_NEAR(w[6], 0.375, kRoundoff);
  EXPECT_NEAR(weighted_control_mean(kZ, kZTreated, w), 0.75, kRoundoff);
  double control_sum = 0.0;
  for (std::size_t i = 4; i < w.size(); ++i) control_sum += w[i];
  EXPECT_NEAR(control_sum, 6.0, kRoundoff);
}

TEST(Propensity, AttWeightsFromFittedLogisticModel) {
  // The fitted saturated logistic model reproduces the cell proportions, so the balance
  // holds up to the fit's convergence tolerance (1e-10 on beta, O(1) weights).
  Eigen::MatrixXd x(10, 2);
  for (int i = 0; i < 10; ++i) {
    x(i, 0) = 1.0;
    x(i, 1) = kZ[static_cast<std::size_t>(i)];
  }
  const LogisticFit fit = logistic(x, kZTreated);
  ASSERT_TRUE(fit.converged);
  std::vector<double> ps(10);
  for (int i = 0; i < 10; ++i) {
    ps[static_cast<std::size_t>(i)] = 1.0 / (1.0 + std::exp(-(x.row(i) * fit.beta)(0)));
  }
  EXPECT_NEAR(ps[0], 0.6, 1e-9);
  EXPECT_NEAR(ps[9], 0.2, 1e-9);
  const std::vector<double> w = att_weights(ps, kZTreated);
  EXPECT_NEAR(weighted_control_mean(kZ, kZTreated, w), 0.75, 1e-9);
  EXPECT_NEAR(standardized_mean_difference(kZ, kZTreated, w), 0.0, 1e-8);
}

TEST(Propensity, AttWeightsEdgeScores) {
  const std::vector<std::int8_t> t{1, 0, 0, 1};
  EXPECT_THROW(att_weights(std::vector<double>{0.5, 1.5, 0.5, 0.5}, t), std::invalid_argument);
  EXPECT_THROW(att_weights(std::vector<double>{0.5, std::nan(""), 0.5, 0.5}, t),
               std::invalid_argument);
  // ps = 1 for a control (infinite odds): NaN weight, which makes the estimate NaN rather
  // than aborting; ps = 0: weight 0; a treated patient's ps is not used.
  const std::vector<double> w = att_weights(std::vector<double>{1.0, 1.0, 0.0, 0.0}, t);
  EXPECT_EQ(w[0], 1.0);
  EXPECT_TRUE(std::isnan(w[1]));
  EXPECT_EQ(w[2], 0.0);
  EXPECT_EQ(w[3], 1.0);
  const std::vector<double> y{1, 2, 3, 4};
  EXPECT_TRUE(std::isnan(weighted_mean_difference(y, t, w, 0.05).effect));
  EXPECT_TRUE(std::isnan(standardized_mean_difference(y, t, w)));
}

TEST(Propensity, WeightedMeanDifferenceClosedForm) {
  // y treated 3 5 4 8 (w 1 1 2 0.5), control 1 2 6 (w 2 1 1). Exact: m_t = 40/9,
  // m_c = 5/2, effect 35/18; variance sum_t w^2 (y - m_t)^2 / (sum_t w)^2 + same for
  // controls = 347915/209952; z = 1.959963984540054, p = erfc(|z|/sqrt 2) in Python.
  const std::vector<double> y{3, 5, 4, 8, 1, 2, 6};
  const std::vector<std::int8_t> t{1, 1, 1, 1, 0, 0, 0};
  const std::vector<double> w{1, 1, 2, 0.5, 2, 1, 1};
  const Estimate e = weighted_mean_difference(y, t, w, 0.05);
  EXPECT_NEAR(e.effect, 35.0 / 18.0, kRoundoff);
  EXPECT_NEAR(e.se, std::sqrt(347915.0 / 209952.0), kRoundoff);
  EXPECT_NEAR(e.ci_low, -0.5785985986355959, kRoundoff);
  EXPECT_NEAR(e.ci_high, 4.467487487524485, kRoundoff);
  EXPECT_NEAR(e.p, 0.1309174492708397, kRoundoff);
  const std::vector<double> negative{1, 1, 2, -0.5, 2, 1, 1};
  EXPECT_THROW(weighted_mean_difference(y, t, negative, 0.05), std::invalid_argument);
}

// ---------------------------------------------------------------- streamed forms

// Deterministic pseudo-random numbers in [0, 1) (a 64-bit LCG, Knuth MMIX constants).
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed) {}
  double operator()() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

// Equality of doubles that counts two NaNs as equal: the streamed forms must reproduce the
// span forms bit for bit, NaN included.
void expect_same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    EXPECT_TRUE(std::isnan(a) && std::isnan(b)) << a << " vs " << b;
  } else {
    EXPECT_EQ(a, b);
  }
}

void expect_same(const Estimate& a, const Estimate& b) {
  expect_same(a.effect, b.effect);
  expect_same(a.se, b.se);
  expect_same(a.ci_low, b.ci_low);
  expect_same(a.ci_high, b.ci_high);
  expect_same(a.p, b.p);
}

// 10,000 rows (more than two of the fit's 4096-row chunks): intercept and two covariates.
struct PropensityData {
  Eigen::MatrixXd x{10000, 3};
  std::vector<std::int8_t> y = std::vector<std::int8_t>(10000);
  PropensityData() {
    Lcg next(7);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      x(i, 0) = 1.0;
      x(i, 1) = 4.0 * next() - 2.0;
      x(i, 2) = next() < 0.3 ? 1.0 : 0.0;
      const double eta = -0.5 + 0.8 * x(i, 1) - 0.6 * x(i, 2);
      y[static_cast<std::size_t>(i)] = next() < 1.0 / (1.0 + std::exp(-eta)) ? 1 : 0;
    }
  }
};

TEST(LogisticStreamed, EqualsTheMatrixFitBitwiseWhateverTheBatching) {
  const PropensityData d;
  const LogisticFit whole = logistic(d.x, d.y);
  ASSERT_TRUE(whole.converged);
  // Batches of one size, and of sizes cycling through 1, 4095, 17, 5000, 0.
  for (const std::vector<Eigen::Index>& sizes :
       std::vector<std::vector<Eigen::Index>>{{1}, {7}, {4096}, {6000}, {1, 4095, 17, 5000, 0}}) {
    int walks = 0;
    const LogisticFit fit = logistic(
        [&](const LogisticRowVisitor& visit) {
          ++walks;
          Eigen::Index start = 0;
          for (std::size_t k = 0; start < d.x.rows(); ++k) {
            const Eigen::Index rows = std::min(sizes[k % sizes.size()], d.x.rows() - start);
            // A row-major copy: the walk need not hand over column-major blocks of one matrix.
            const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> block =
                d.x.middleRows(start, rows);
            visit(block, std::span<const std::int8_t>(d.y).subspan(static_cast<std::size_t>(start),
                                                                   static_cast<std::size_t>(rows)));
            start += rows;
          }
        },
        3);
    EXPECT_EQ(fit.iterations, whole.iterations);
    EXPECT_EQ(fit.converged, whole.converged);
    for (Eigen::Index j = 0; j < 3; ++j) {
      EXPECT_EQ(fit.beta(j), whole.beta(j));
      for (Eigen::Index k = 0; k < 3; ++k) EXPECT_EQ(fit.covariance(j, k), whole.covariance(j, k));
    }
    // One walk per iteration and one for the covariance.
    EXPECT_EQ(walks, fit.iterations + 1);
  }
}

TEST(LogisticStreamed, RejectsInconsistentWalks) {
  const std::vector<std::int8_t> y{0, 1, 1, 0};
  const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(4, 1);
  // A y other than 0/1, a block of the wrong width, walks of different lengths.
  const std::vector<std::int8_t> bad{0, 2, 1, 0};
  EXPECT_THROW(logistic([&](const LogisticRowVisitor& visit) { visit(x, bad); }, 1),
               std::invalid_argument);
  EXPECT_THROW(logistic([&](const LogisticRowVisitor& visit) { visit(x, y); }, 2),
               std::invalid_argument);
  int walks = 0;
  EXPECT_THROW(logistic(
                   [&](const LogisticRowVisitor& visit) {
                     visit(x.topRows(walks == 0 ? 4 : 2),
                           std::span<const std::int8_t>(y).first(walks == 0 ? 4 : 2));
                     ++walks;
                   },
                   1),
               std::invalid_argument);
}

TEST(NearestMatcher, EqualsMatchNearest) {
  Lcg next(99);
  const std::size_t n = 2000;
  std::vector<double> logit(n);
  std::vector<std::int8_t> t(n);
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = next() < 0.35 ? 1 : 0;
    // Rounded to 0.01 so that many distances tie exactly.
    logit[i] = std::round((next() * 4.0 - 2.0 + (t[i] != 0 ? 0.5 : 0.0)) * 100.0) / 100.0;
  }
  std::vector<std::size_t> control_of;  // control index -> position in logit
  std::vector<double> control_logit;
  GroupMoments mt, mc;
  for (std::size_t i = 0; i < n; ++i) {
    if (t[i] != 0) {
      mt.add(logit[i]);
    } else {
      mc.add(logit[i]);
      control_of.push_back(i);
      control_logit.push_back(logit[i]);
    }
  }
  mt.end_first_pass();
  mc.end_first_pass();
  for (std::size_t i = 0; i < n; ++i) (t[i] != 0 ? mt : mc).add_second(logit[i]);
  for (const auto& [k, caliper_sd] : std::vector<std::pair<int, double>>{
           {1, std::numeric_limits<double>::infinity()}, {3, 0.05}, {2, 0.2}}) {
    const auto expected = match_nearest(logit, t, k, caliper_sd);
    NearestMatcher matcher(
        control_logit, k,
        matching_caliper(caliper_sd, mt.summary().variance, mc.summary().variance));
    std::size_t treated = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (t[i] == 0) continue;
      std::vector<std::size_t> got;
      for (std::size_t c : matcher.match(logit[i])) got.push_back(control_of[c]);
      EXPECT_EQ(got, expected[treated++]) << "k " << k << ", treated " << i;
    }
  }
  // An undefined caliper (one treated patient, so no SD) matches no one, as match_nearest.
  NearestMatcher undefined(control_logit, 1, matching_caliper(0.2, kNaN, 1.0));
  EXPECT_TRUE(undefined.match(0.0).empty());
  EXPECT_THROW(undefined.match(kNaN), std::invalid_argument);
  EXPECT_THROW(NearestMatcher(control_logit, 0, 1.0), std::invalid_argument);
  EXPECT_THROW(NearestMatcher(std::vector<double>{0.0, kNaN}, 1, 1.0), std::invalid_argument);
}

GroupSummary summarize(const std::vector<double>& x, const std::vector<std::int8_t>& t,
                       std::int8_t group, const std::vector<double>& w) {
  GroupMoments m;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (t[i] == group) m.add(x[i], w.empty() ? 1.0 : w[i]);
  }
  m.end_first_pass();
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (t[i] == group) m.add_second(x[i], w.empty() ? 1.0 : w[i]);
  }
  return m.summary();
}

TEST(GroupSummaryForms, EqualTheSpanForms) {
  Lcg next(3);
  const std::size_t n = 3000;
  std::vector<double> y(n), w(n), w01(n);
  std::vector<std::int8_t> t(n);
  for (std::size_t i = 0; i < n; ++i) {
    t[i] = next() < 0.4 ? 1 : 0;
    y[i] = 10.0 * next() + (t[i] != 0 ? 1.0 : 0.0);
    w[i] = t[i] != 0 ? 1.0 : 3.0 * next();
    w01[i] = next() < 0.7 ? 1.0 : 0.0;  // as matching weighs unmatched treated patients
  }
  for (const std::vector<double>* weights : {&w, &w01}) {
    const GroupSummary st = summarize(y, t, 1, *weights), sc = summarize(y, t, 0, *weights);
    expect_same(weighted_mean_difference(st, sc, 0.05),
                weighted_mean_difference(y, t, *weights, 0.05));
    expect_same(standardized_mean_difference(st, sc), standardized_mean_difference(y, t, *weights));
  }
  expect_same(standardized_mean_difference(summarize(y, t, 1, {}), summarize(y, t, 0, {})),
              standardized_mean_difference(y, t));

  // The NaN rules: a NaN weight, an empty group, a single patient per group.
  std::vector<double> nan_w = w;
  nan_w[5] = kNaN;
  const GroupSummary nt = summarize(y, t, 1, nan_w), nc = summarize(y, t, 0, nan_w);
  EXPECT_TRUE(std::isnan(weighted_mean_difference(nt, nc, 0.05).effect));
  EXPECT_TRUE(std::isnan(standardized_mean_difference(nt, nc)));
  const std::vector<double> y3{1.0, 2.0, 4.0};
  const std::vector<std::int8_t> all_control{0, 0, 0}, one_treated{1, 0, 0};
  const std::vector<double> ones{1.0, 1.0, 1.0};
  for (const auto* tt : {&all_control, &one_treated}) {
    const GroupSummary a = summarize(y3, *tt, 1, ones), b = summarize(y3, *tt, 0, ones);
    expect_same(weighted_mean_difference(a, b, 0.05),
                weighted_mean_difference(y3, *tt, ones, 0.05));
    expect_same(standardized_mean_difference(a, b), standardized_mean_difference(y3, *tt, ones));
  }
  GroupMoments m;
  EXPECT_THROW(m.add(1.0, -1.0), std::invalid_argument);
  EXPECT_THROW(m.add(1.0, std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(weighted_mean_difference(GroupSummary{}, GroupSummary{}, 1.5),
               std::invalid_argument);
}

TEST(GroupSummaryForms, AttControlWeightsAreTheControlsOfAttWeights) {
  const std::vector<double> ps{0.3, 0.6, 0.2, 0.9, 1.0, 0.0};
  const std::vector<std::int8_t> t{1, 0, 1, 0, 0, 0};
  const std::vector<double> all = att_weights(ps, t);
  const std::vector<double> controls =
      att_control_weights(std::vector<double>{0.6, 0.9, 1.0, 0.0}, 2);
  ASSERT_EQ(controls.size(), 4U);
  expect_same(controls[0], all[1]);
  expect_same(controls[1], all[3]);
  expect_same(controls[2], all[4]);  // NaN: infinite odds
  expect_same(controls[3], all[5]);
  EXPECT_TRUE(std::isnan(att_control_weights(std::vector<double>{0.5}, 0)[0]));  // no one treated
  EXPECT_THROW(att_control_weights(std::vector<double>{1.5}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace silico::stats

namespace silico::stats {
namespace {

// The accumulator sees the rows in blocks, never all at once: it must give ols()'s fit.
void expect_same_fit(const OlsFit& a, const OlsFit& b, double tolerance) {
  ASSERT_EQ(a.n, b.n);
  ASSERT_EQ(a.p, b.p);
  for (Eigen::Index j = 0; j < a.beta.size(); ++j) {
    EXPECT_NEAR(a.beta(j), b.beta(j), tolerance * (1 + std::fabs(b.beta(j))));
    EXPECT_NEAR(a.se_model(j), b.se_model(j), tolerance * b.se_model(j));
    EXPECT_NEAR(a.se_hc3(j), b.se_hc3(j), tolerance * b.se_hc3(j));
  }
  EXPECT_NEAR(a.residual_variance, b.residual_variance, tolerance * b.residual_variance);
  EXPECT_NEAR(a.r_squared, b.r_squared, tolerance);
}

OlsFit accumulate(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Eigen::Index block) {
  OlsAccumulator acc(x.cols());
  for (Eigen::Index s = 0; s < x.rows(); s += block) {
    const Eigen::Index rows = std::min(block, x.rows() - s);
    acc.add(x.middleRows(s, rows), y.segment(s, rows));
  }
  OlsFit fit = acc.fit();
  for (Eigen::Index s = 0; s < x.rows(); s += 2 * block + 1) {
    const Eigen::Index rows = std::min(2 * block + 1, x.rows() - s);
    acc.add_hc3(fit, x.middleRows(s, rows), y.segment(s, rows));
  }
  acc.finish_hc3(fit);
  return fit;
}

TEST(OlsAccumulator, BlocksGiveTheHandFitAndItsHc3) {
  const HandOls d;
  for (Eigen::Index block : {1L, 2L, 3L, 7L}) {
    const OlsFit fit = accumulate(d.x, d.y, block);
    EXPECT_NEAR(fit.beta(2), -25.0 / 47.0, kRoundoff);
    EXPECT_NEAR(fit.residual_variance, 428.0 / 329.0, kRoundoff);
    EXPECT_NEAR(fit.r_squared, 1875.0 / 2303.0, kRoundoff);
    EXPECT_NEAR(fit.se_hc3(2), 1.0567991359040985, kRoundoff);
  }
}

TEST(OlsAccumulator, MatchesOlsOnAnAncovaDesignWithLargeOffsets) {
  // Intercept, treatment, age ~ 63 +- 10, a 0/1 covariate: the shape of the trial ANCOVA,
  // where normal equations would lose half the digits to the age offset.
  const Eigen::Index n = 5003;
  Eigen::MatrixXd x(n, 4);
  Eigen::VectorXd y(n);
  std::uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  for (Eigen::Index i = 0; i < n; ++i) {
    const double treated = i % 2, age = 63 + 20 * (uniform() - 0.5), female = uniform() < 0.4;
    x.row(i) << 1.0, treated, age, female;
    y(i) = 10 - 2 * treated + 0.3 * age + female + 4 * (uniform() - 0.5) * (1 + treated);
  }
  const OlsFit reference = ols(x, y);
  for (Eigen::Index block : {Eigen::Index{1}, Eigen::Index{97}, Eigen::Index{4096}, n}) expect_same_fit(accumulate(x, y, block), reference, 1e-10);
}

TEST(OlsAccumulator, RankDeficientAndTooFewRowsAreNaN) {
  OlsAccumulator few(3);
  few.add(Eigen::MatrixXd::Ones(2, 3), Eigen::VectorXd::Ones(2));
  EXPECT_TRUE(std::isnan(few.fit().beta(0)));
  Eigen::MatrixXd x(4, 2);
  x << 1, 2, 1, 2, 1, 2, 1, 2;  // second column = 2 x first
  OlsAccumulator collinear(2);
  collinear.add(x, Eigen::Vector4d(1, 2, 3, 4));
  EXPECT_TRUE(std::isnan(collinear.fit().beta(1)));
  EXPECT_THROW(collinear.add(Eigen::MatrixXd::Ones(2, 3), Eigen::VectorXd::Ones(2)), std::invalid_argument);
}

}  // namespace
}  // namespace silico::stats
