/// @file
/// @brief Logistic regression by Newton-Raphson (= IRLS for the canonical logit link).
///
/// Start at beta = 0. Each iteration makes one pass over the rows in fixed blocks, forming
/// the score g = X'(y - mu) and the information H = X' diag(mu (1 - mu)) X, then takes the
/// step H^-1 g by an LDLT factorization of H with its diagonal scaled to 1 (no explicit
/// inverse). Iteration stops when every step component satisfies
/// |step_j| <= tolerance * (1 + |beta_j|) ("converged"), or after max_iterations steps, or when
/// H is numerically singular (a pivot of the unit-diagonal LDLT below 1e-12), which is what
/// separation produces as fitted probabilities reach 0 or 1: then converged = false and beta
/// is the last iterate. So separated data never hang; they end unconverged, because their
/// steps stay of order 1 while |beta| grows (6 points, x = 1..6: singular after 747 steps).
/// No rows at all is the extreme case: beta = 0, converged = false, covariance NaN.
///
/// `covariance` is H^-1 evaluated at the returned beta (one more pass). R's glm() instead
/// reports the inverse information at the weights of its last IRLS iteration, one step
/// before its final beta, so its printed SEs can differ from these in the 4th digit (see
/// test_regression.cpp). covariance is NaN when H at the returned beta is singular.
///
/// mu and 1 - mu are computed from exp(-|eta|) so that neither overflows nor cancels.

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>

#include "stats/regression.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Smallest LDLT pivot of the unit-diagonal information matrix accepted: below it some
/// column is (in the weighted sense) collinear with the others to 1 - R^2 < 1e-12.
constexpr double kSingular = 1e-12;

constexpr Eigen::Index kRowBlock = 4096;

/// Score and information at beta, accumulated block by block in a fixed order.
struct Derivatives {
  Eigen::VectorXd score;
  Eigen::MatrixXd information;
};

Derivatives derivatives(const Eigen::MatrixXd& x, std::span<const std::int8_t> y,
                        const Eigen::VectorXd& beta) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  Derivatives d{Eigen::VectorXd::Zero(p), Eigen::MatrixXd::Zero(p, p)};
  Eigen::VectorXd eta;
  Eigen::VectorXd resid;
  Eigen::VectorXd sqrt_w;
  Eigen::MatrixXd z;
  for (Eigen::Index start = 0; start < n; start += kRowBlock) {
    const Eigen::Index rows = std::min(kRowBlock, n - start);
    const auto xb = x.middleRows(start, rows);
    eta.noalias() = xb * beta;
    resid.resize(rows);
    sqrt_w.resize(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
      // mu = 1/(1+exp(-eta)); with t = exp(-|eta|) both mu and 1-mu are t/(1+t) or 1/(1+t).
      const double t = std::exp(-std::fabs(eta(i)));
      const double big = 1.0 / (1.0 + t);
      const double small = t / (1.0 + t);
      const double mu = eta(i) >= 0.0 ? big : small;
      const double one_minus_mu = eta(i) >= 0.0 ? small : big;
      resid(i) = y[static_cast<std::size_t>(start + i)] != 0 ? one_minus_mu : -mu;
      sqrt_w(i) = std::sqrt(mu * one_minus_mu);
    }
    d.score.noalias() += xb.transpose() * resid;
    z.noalias() = sqrt_w.asDiagonal() * xb;
    d.information.selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
  }
  d.information.triangularView<Eigen::StrictlyUpper>() =
      d.information.transpose().triangularView<Eigen::StrictlyUpper>();
  return d;
}

/// LDLT of H with unit diagonal: H = S^-1 Hs S^-1, S = diag(H)^-1/2. Empty when singular.
struct ScaledFactor {
  Eigen::VectorXd s;
  Eigen::LDLT<Eigen::MatrixXd> ldlt;
  bool ok = false;
};

ScaledFactor factor(const Eigen::MatrixXd& h) {
  ScaledFactor f;
  const Eigen::VectorXd diag = h.diagonal();
  if (!(diag.minCoeff() > 0.0) || !diag.allFinite()) return f;
  f.s = diag.cwiseSqrt().cwiseInverse();
  f.ldlt.compute(f.s.asDiagonal() * h * f.s.asDiagonal());
  const Eigen::VectorXd pivots = f.ldlt.vectorD();
  f.ok = f.ldlt.info() == Eigen::Success && pivots.allFinite() && pivots.minCoeff() > kSingular;
  return f;
}

}  // namespace

LogisticFit logistic(const Eigen::MatrixXd& x, std::span<const std::int8_t> y, int max_iterations,
                     double tolerance) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  if (static_cast<std::size_t>(n) != y.size()) {
    throw std::invalid_argument("logistic: x has " + std::to_string(n) + " rows but y has " +
                                std::to_string(y.size()) + " values");
  }
  if (p == 0) throw std::invalid_argument("logistic: x must have at least one column");
  if (max_iterations < 1) throw std::invalid_argument("logistic: max_iterations must be >= 1");
  if (!(tolerance > 0.0)) throw std::invalid_argument("logistic: tolerance must be > 0");
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] != 0 && y[i] != 1) {
      throw std::invalid_argument("logistic: y[" + std::to_string(i) + "] is not 0 or 1");
    }
  }

  LogisticFit fit;
  fit.beta = Eigen::VectorXd::Zero(p);
  fit.covariance = Eigen::MatrixXd::Constant(p, p, kNaN);
  while (fit.iterations < max_iterations) {
    const Derivatives d = derivatives(x, y, fit.beta);
    const ScaledFactor f = factor(d.information);
    if (!f.ok) return fit;  // singular information: separation or collinear columns
    const Eigen::VectorXd step = f.s.cwiseProduct(f.ldlt.solve(f.s.cwiseProduct(d.score)));
    if (!step.allFinite()) return fit;
    fit.beta += step;
    ++fit.iterations;
    if ((step.array().abs() <= tolerance * (1.0 + fit.beta.array().abs())).all()) {
      fit.converged = true;
      break;
    }
  }

  const ScaledFactor f = factor(derivatives(x, y, fit.beta).information);
  if (f.ok) {
    fit.covariance =
        f.s.asDiagonal() * f.ldlt.solve(Eigen::MatrixXd::Identity(p, p)) * f.s.asDiagonal();
  }
  return fit;
}

}  // namespace silico::stats
