/// @file
/// @brief Ordinary least squares with model-based and HC3 standard errors.
///
/// Method. The columns of X are scaled to unit length (so rank decisions do not depend on
/// units) and X is factored by column-pivoted Householder QR, X S^-1 P = Q R. The normal
/// equations are never formed, so the condition number is not squared. With
/// A = S^-1 P R^-1 (p x p), (X'X)^-1 = A A' and the rows of X A are the rows of Q, so the
/// leverages are h_ii = ||x_i' A||^2. They are computed block by block over rows, together
/// with the HC3 "meat" in the Q coordinates, M = sum_i e_i^2 / (1 - h_ii)^2 q_i q_i', so that
/// Var_HC3 = A M A' (MacKinnon & White 1985; the default type of R's sandwich::vcovHC).
/// Cost O(n p^2), one copy of X.
///
/// Degenerate data give NaN rather than an exception (as in estimates.hpp): fewer rows than
/// columns (including no rows), or a rank-deficient X, make every output NaN; n == p leaves beta
/// defined but s^2, both SE vectors and R^2 NaN; an observation with leverage 1 makes se_hc3 NaN
/// (as in R).

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>

#include "stats/regression.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// With unit-length columns, |R_jj| / |R_00| below this means column j is within an angle
/// of ~1e-10 radians of the span of the others: treated as collinear (cond(X) > ~1e10,
/// where a least-squares solution has lost most of its digits anyway).
constexpr double kRankTolerance = 1e-10;

/// A fit of n rows and p columns with every output NaN, to be filled where defined.
OlsFit undefined_fit(Eigen::Index n, Eigen::Index p) {
  OlsFit fit;
  fit.n = static_cast<std::size_t>(n);
  fit.p = static_cast<std::size_t>(p);
  fit.beta = Eigen::VectorXd::Constant(p, kNaN);
  fit.se_model = Eigen::VectorXd::Constant(p, kNaN);
  fit.se_hc3 = Eigen::VectorXd::Constant(p, kNaN);
  fit.residual_variance = kNaN;
  fit.r_squared = kNaN;
  return fit;
}

/// Rows per block for the leverage pass: small enough for the block to stay in cache.
constexpr Eigen::Index kRowBlock = 4096;

}  // namespace

OlsFit ols(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  if (n != y.size()) {
    throw std::invalid_argument("ols: x has " + std::to_string(n) + " rows but y has " +
                                std::to_string(y.size()) + " values");
  }
  if (p == 0) throw std::invalid_argument("ols: x must have at least one column");

  OlsFit fit = undefined_fit(n, p);
  if (n < p) return fit;

  const Eigen::VectorXd scale = x.colwise().norm().transpose();
  if (!(scale.minCoeff() > 0.0)) return fit;  // a zero column: rank deficient

  Eigen::MatrixXd xs = x * scale.cwiseInverse().asDiagonal();
  Eigen::ColPivHouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(xs);  // in place: no 2nd copy
  qr.setThreshold(kRankTolerance);
  if (qr.rank() < p) return fit;

  fit.beta = qr.solve(y).cwiseQuotient(scale);

  // A = S^-1 P R^-1, so that (X'X)^-1 = A A'.
  const Eigen::MatrixXd r_inv =
      qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>().solve(
          Eigen::MatrixXd::Identity(p, p));
  const Eigen::MatrixXd a = scale.cwiseInverse().asDiagonal() * (qr.colsPermutation() * r_inv);
  const Eigen::MatrixXd xtx_inv = a * a.transpose();

  const Eigen::VectorXd e = y - x * fit.beta;
  const double rss = e.squaredNorm();
  const double y_mean = y.mean();
  const double tss = (y.array() - y_mean).square().sum();
  if (n == p) return fit;
  // Centred R^2, as lm() reports for a model with an intercept; NaN when y is constant.
  fit.r_squared = tss > 0.0 ? 1.0 - rss / tss : kNaN;
  fit.residual_variance = rss / static_cast<double>(n - p);
  fit.se_model = (fit.residual_variance * xtx_inv.diagonal()).cwiseSqrt();

  // HC3: rows of Q = X A block by block; fixed block order, so the sum is deterministic.
  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(p, p);
  Eigen::MatrixXd q_block;
  for (Eigen::Index start = 0; start < n; start += kRowBlock) {
    const Eigen::Index rows = std::min(kRowBlock, n - start);
    q_block.noalias() = x.middleRows(start, rows) * a;
    const Eigen::VectorXd h = q_block.rowwise().squaredNorm();
    const Eigen::ArrayXd omega =
        e.segment(start, rows).array().square() / (1.0 - h.array()).square();
    meat.noalias() += q_block.transpose() * (omega.matrix().asDiagonal() * q_block);
  }
  const Eigen::MatrixXd v_hc3 = a * meat * a.transpose();
  fit.se_hc3 = v_hc3.diagonal().cwiseSqrt();
  return fit;
}

Estimate ols_coefficient(const OlsFit& fit, int j, double alpha, bool robust_hc3) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("ols_coefficient: alpha must be in (0, 1)");
  }
  if (j < 0 || j >= fit.beta.size()) {
    throw std::invalid_argument("ols_coefficient: coefficient " + std::to_string(j) +
                                " out of range [0, " + std::to_string(fit.beta.size()) + ")");
  }
  Estimate e;
  e.effect = fit.beta(j);
  e.se = robust_hc3 ? fit.se_hc3(j) : fit.se_model(j);
  e.ci_low = e.ci_high = e.p = kNaN;
  // Undefined when there is no residual degree of freedom or the SE is NaN / zero.
  if (fit.n <= fit.p || !(e.se > 0.0) || !std::isfinite(e.se)) return e;

  const boost::math::students_t dist(static_cast<double>(fit.n - fit.p));
  e.p = 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(e.effect / e.se)));
  const double q = boost::math::quantile(boost::math::complement(dist, alpha / 2.0));
  e.ci_low = e.effect - q * e.se;
  e.ci_high = e.effect + q * e.se;
  return e;
}

}  // namespace silico::stats

namespace silico::stats {

OlsAccumulator::OlsAccumulator(Eigen::Index p)
    : p_(p), r_(Eigen::MatrixXd::Zero(p + 1, p + 1)), meat_(Eigen::MatrixXd::Zero(p, p)) {
  if (p < 1) throw std::invalid_argument("OlsAccumulator: p must be >= 1");
}

void OlsAccumulator::add(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y) {
  if (x.cols() != p_ || x.rows() != y.size()) {
    throw std::invalid_argument("OlsAccumulator::add: x must be rows x " + std::to_string(p_) +
                                " with one y per row");
  }
  if (x.rows() == 0) return;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    ++n_;
    const double delta = y(i) - y_mean_;
    y_mean_ += delta / static_cast<double>(n_);
    y_m2_ += delta * (y(i) - y_mean_);
  }
  // R of [R; x y]: the rows already reduced, then the new ones.
  const Eigen::Index k = p_ + 1;
  Eigen::MatrixXd stacked(k + x.rows(), k);
  stacked.topRows(k) = r_;
  stacked.bottomRows(x.rows()) << x, y;
  Eigen::HouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(stacked);
  r_ = qr.matrixQR().topRows(k).triangularView<Eigen::Upper>();
}

OlsFit OlsAccumulator::fit() const {
  const Eigen::Index p = p_;
  const auto n = static_cast<Eigen::Index>(n_);
  OlsFit fit = undefined_fit(n, p);
  if (n < p) return fit;

  // X = Q [rx; 0] and y = Q [qty; rho; ...]: X has rx's column norms and R factor.
  const Eigen::MatrixXd rx = r_.topLeftCorner(p, p);
  const Eigen::VectorXd qty = r_.topRightCorner(p, 1);
  const Eigen::VectorXd scale = rx.colwise().norm().transpose();
  if (!(scale.minCoeff() > 0.0)) return fit;
  Eigen::MatrixXd xs = rx * scale.cwiseInverse().asDiagonal();
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xs);
  qr.setThreshold(kRankTolerance);
  if (qr.rank() < p) return fit;
  fit.beta = qr.solve(qty).cwiseQuotient(scale);
  if (n == p) return fit;

  const Eigen::MatrixXd r_inv = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>().solve(
      Eigen::MatrixXd::Identity(p, p));
  const Eigen::MatrixXd a = scale.cwiseInverse().asDiagonal() * (qr.colsPermutation() * r_inv);
  const double rss = r_(p, p) * r_(p, p);
  fit.r_squared = y_m2_ > 0.0 ? 1.0 - rss / y_m2_ : kNaN;
  fit.residual_variance = rss / static_cast<double>(n - p);
  fit.se_model = (fit.residual_variance * (a * a.transpose()).diagonal()).cwiseSqrt();
  return fit;
}

namespace {

/// A = S^-1 P R^-1 of the fit's rows, so that (X'X)^-1 = A A' (recomputed from r).
Eigen::MatrixXd inverse_root(const Eigen::MatrixXd& r, Eigen::Index p) {
  const Eigen::MatrixXd rx = r.topLeftCorner(p, p);
  const Eigen::VectorXd scale = rx.colwise().norm().transpose();
  Eigen::MatrixXd xs = rx * scale.cwiseInverse().asDiagonal();
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xs);
  const Eigen::MatrixXd r_inv = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>().solve(
      Eigen::MatrixXd::Identity(p, p));
  return scale.cwiseInverse().asDiagonal() * (qr.colsPermutation() * r_inv);
}

}  // namespace

void OlsAccumulator::add_hc3(const OlsFit& fit, const Eigen::Ref<const Eigen::MatrixXd>& x,
                             const Eigen::Ref<const Eigen::VectorXd>& y) {
  if (x.cols() != p_ || x.rows() != y.size()) {
    throw std::invalid_argument("OlsAccumulator::add_hc3: x must be rows x " + std::to_string(p_) +
                                " with one y per row");
  }
  if (x.rows() == 0 || !fit.se_model.allFinite()) return;
  const Eigen::MatrixXd a = inverse_root(r_, p_);
  const Eigen::VectorXd e = y - x * fit.beta;
  for (Eigen::Index start = 0; start < x.rows(); start += kRowBlock) {
    const Eigen::Index rows = std::min(kRowBlock, x.rows() - start);
    const Eigen::MatrixXd q_block = x.middleRows(start, rows) * a;
    const Eigen::VectorXd h = q_block.rowwise().squaredNorm();
    const Eigen::ArrayXd omega = e.segment(start, rows).array().square() / (1.0 - h.array()).square();
    meat_.noalias() += q_block.transpose() * (omega.matrix().asDiagonal() * q_block);
  }
}

Eigen::MatrixXd OlsAccumulator::xtx_inverse_root() const { return inverse_root(r_, p_); }

void OlsAccumulator::finish_hc3(OlsFit& fit) const {
  if (!fit.se_model.allFinite()) return;
  const Eigen::MatrixXd a = inverse_root(r_, p_);
  fit.se_hc3 = (a * meat_ * a.transpose()).diagonal().cwiseSqrt();
}

}  // namespace silico::stats
