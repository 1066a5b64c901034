/// @file
/// @brief Logistic regression by Newton-Raphson (= IRLS for the canonical logit link).
///
/// Start at beta = 0. Each iteration makes one pass over the rows in fixed chunks of
/// kRowBlock rows (by position, whatever blocks the caller's walk delivers), forming
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
/// The matrix overload walks its matrix as a single block, so both overloads are one
/// implementation and agree bitwise on the same rows.
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
#include <optional>
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

/// Score and information at beta, accumulated chunk by chunk in a fixed order.
struct Derivatives {
  Eigen::VectorXd score;
  Eigen::MatrixXd information;
};

/// One walk of the rows at beta. The rows are copied into kRowBlock-row chunks by position,
/// so the sums see the same chunks whatever blocks the walk delivers.
class DerivativeWalk {
 public:
  DerivativeWalk(Eigen::Index p, const Eigen::VectorXd& beta)
      : beta_(beta),
        d_{Eigen::VectorXd::Zero(p), Eigen::MatrixXd::Zero(p, p)},
        x_(kRowBlock, p),
        y_(static_cast<std::size_t>(kRowBlock)) {}

  void add(const Eigen::Ref<const Eigen::MatrixXd>& x, std::span<const std::int8_t> y) {
    if (x.cols() != x_.cols()) {
      throw std::invalid_argument("logistic: a block has " + std::to_string(x.cols()) +
                                  " columns, expected " + std::to_string(x_.cols()));
    }
    if (static_cast<std::size_t>(x.rows()) != y.size()) {
      throw std::invalid_argument("logistic: a block has " + std::to_string(x.rows()) +
                                  " rows of x but " + std::to_string(y.size()) + " of y");
    }
    for (Eigen::Index done = 0; done < x.rows();) {
      const Eigen::Index take = std::min(kRowBlock - used_, x.rows() - done);
      x_.middleRows(used_, take) = x.middleRows(done, take);
      for (Eigen::Index i = 0; i < take; ++i) {
        const std::int8_t v = y[static_cast<std::size_t>(done + i)];
        if (v != 0 && v != 1) {
          throw std::invalid_argument("logistic: y[" + std::to_string(rows_ + i) +
                                      "] is not 0 or 1");
        }
        y_[static_cast<std::size_t>(used_ + i)] = v;
      }
      used_ += take;
      done += take;
      rows_ += static_cast<std::uint64_t>(take);
      if (used_ == kRowBlock) flush();
    }
  }

  std::uint64_t rows() const { return rows_; }

  Derivatives finish() {
    flush();
    d_.information.triangularView<Eigen::StrictlyUpper>() =
        d_.information.transpose().triangularView<Eigen::StrictlyUpper>();
    return std::move(d_);
  }

 private:
  void flush() {
    if (used_ == 0) return;
    const Eigen::Index rows = used_;
    const auto xb = x_.topRows(rows);
    eta_.noalias() = xb * beta_;
    resid_.resize(rows);
    sqrt_w_.resize(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
      // mu = 1/(1+exp(-eta)); with t = exp(-|eta|) both mu and 1-mu are t/(1+t) or 1/(1+t).
      const double t = std::exp(-std::fabs(eta_(i)));
      const double big = 1.0 / (1.0 + t);
      const double small = t / (1.0 + t);
      const double mu = eta_(i) >= 0.0 ? big : small;
      const double one_minus_mu = eta_(i) >= 0.0 ? small : big;
      resid_(i) = y_[static_cast<std::size_t>(i)] != 0 ? one_minus_mu : -mu;
      sqrt_w_(i) = std::sqrt(mu * one_minus_mu);
    }
    d_.score.noalias() += xb.transpose() * resid_;
    z_.noalias() = sqrt_w_.asDiagonal() * xb;
    d_.information.selfadjointView<Eigen::Lower>().rankUpdate(z_.transpose());
    used_ = 0;
  }

  const Eigen::VectorXd& beta_;
  Derivatives d_;
  Eigen::MatrixXd x_;  ///< the current chunk
  std::vector<std::int8_t> y_;
  Eigen::Index used_ = 0;
  std::uint64_t rows_ = 0;
  Eigen::VectorXd eta_, resid_, sqrt_w_;
  Eigen::MatrixXd z_;
};

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
  if (static_cast<std::size_t>(n) != y.size()) {
    throw std::invalid_argument("logistic: x has " + std::to_string(n) + " rows but y has " +
                                std::to_string(y.size()) + " values");
  }
  return logistic([&](const LogisticRowVisitor& visit) { visit(x, y); }, x.cols(), max_iterations,
                  tolerance);
}

LogisticFit logistic(const LogisticRowWalk& rows, Eigen::Index p, int max_iterations,
                     double tolerance) {
  if (p <= 0) throw std::invalid_argument("logistic: x must have at least one column");
  if (max_iterations < 1) throw std::invalid_argument("logistic: max_iterations must be >= 1");
  if (!(tolerance > 0.0)) throw std::invalid_argument("logistic: tolerance must be > 0");

  std::optional<std::uint64_t> n;  // rows of the first walk; every walk must agree
  const auto derivatives = [&](const Eigen::VectorXd& beta) {
    DerivativeWalk walk(p, beta);
    rows([&](const Eigen::Ref<const Eigen::MatrixXd>& xb, std::span<const std::int8_t> yb) {
      walk.add(xb, yb);
    });
    if (n && *n != walk.rows()) {
      throw std::invalid_argument("logistic: a walk gave " + std::to_string(walk.rows()) +
                                  " rows, the first " + std::to_string(*n));
    }
    n = walk.rows();
    return walk.finish();
  };

  LogisticFit fit;
  fit.beta = Eigen::VectorXd::Zero(p);
  fit.covariance = Eigen::MatrixXd::Constant(p, p, kNaN);
  while (fit.iterations < max_iterations) {
    const Derivatives d = derivatives(fit.beta);
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

  const ScaledFactor f = factor(derivatives(fit.beta).information);
  if (f.ok) {
    fit.covariance =
        f.s.asDiagonal() * f.ldlt.solve(Eigen::MatrixXd::Identity(p, p)) * f.s.asDiagonal();
  }
  return fit;
}

}  // namespace silico::stats
