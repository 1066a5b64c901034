/// @file
/// @brief Standardized (g-computation) risks of a logistic regression.
///
/// With beta-hat the logistic fit of y on x = [1, t, z] over the n rows, and x_i(a) row i
/// with t set to a:
///   p_a = (1/n) sum_i m_ia,  m_ia = expit(x_i(a)' beta-hat),
///   log OR = logit(p_1) - logit(p_0),  RD = p_1 - p_0.
/// The gradients of p_a with respect to beta are d_a = (1/n) sum_i m_ia (1 - m_ia) x_i(a),
/// so by the delta method (Ge, Durham, Meyer, Xie & Thomas 2011, Drug Inf J 45:481-493)
///   Var(log OR) = g' V g,  g = d_1 / (p_1 (1 - p_1)) - d_0 / (p_0 (1 - p_0)),
///   Var(RD)     = (d_1 - d_0)' V (d_1 - d_0),
/// V the model-based covariance of beta-hat (inverse information, logistic.cpp). This is
/// the variance given the sample's covariates: it leaves out the term Ye, Bannick, Yi &
/// Shao (2023) add for averaging over a new sample of covariates, which the marginal odds
/// ratio of the sample itself (the truth silico scores it against) does not vary with.
/// With a treatment indicator and an intercept in the model the score equations make the
/// mean of m_ia over the patients of arm a equal that arm's response rate, so p_a is
/// consistent for the marginal risk even when the logistic model is misspecified.
/// Without covariates the model is saturated: p_a are the arms' rates and the estimate and
/// SE are ad/(bc) and Woolf's (without its zero-cell correction: a zero cell separates).
///
/// m and 1 - m are computed from exp(-|eta|), as in logistic.cpp, so neither cancels.

#include "stats/standardization.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <boost/math/distributions/normal.hpp>

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// expit(eta) and 1 - expit(eta), neither by subtraction.
void expit(double eta, double& m, double& one_minus_m) {
  const double t = std::exp(-std::fabs(eta));
  const double big = 1.0 / (1.0 + t), small = t / (1.0 + t);
  m = eta >= 0.0 ? big : small;
  one_minus_m = eta >= 0.0 ? small : big;
}

double two_sided_p(double z) {
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(z)));
}

/// Sums over the rows at the fitted beta: sum m_ia and sum m_ia (1 - m_ia) x_i(a).
class StandardizationWalk {
 public:
  explicit StandardizationWalk(const Eigen::VectorXd& beta)
      : beta_(beta),
        d1_(Eigen::VectorXd::Zero(beta.size())),
        d0_(Eigen::VectorXd::Zero(beta.size())) {}

  void add(const Eigen::Ref<const Eigen::MatrixXd>& x) {
    const Eigen::Index p = beta_.size();
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double t = x(i, 1);
      if (t != 0.0 && t != 1.0) {
        throw std::invalid_argument("standardize: the treatment column of row " +
                                    std::to_string(n_) + " is not 0 or 1");
      }
      // eta_i(0) in column order; eta_i(1) adds beta_t.
      double eta0 = 0.0;
      for (Eigen::Index j = 0; j < p; ++j) eta0 += j == 1 ? 0.0 : x(i, j) * beta_(j);
      const double eta1 = eta0 + beta_(1);
      double m1, q1, m0, q0;
      expit(eta1, m1, q1);
      expit(eta0, m0, q0);
      sum1_ += m1;
      sum0_ += m0;
      for (Eigen::Index j = 0; j < p; ++j) {
        const double v = j == 1 ? 1.0 : x(i, j);
        d1_(j) += m1 * q1 * v;
        if (j != 1) d0_(j) += m0 * q0 * v;  // x_i(0) has t = 0
      }
      ++n_;
    }
  }

  Standardized finish(const LogisticFit& fit, double alpha) const {
    const double z = normal_two_sided_z(alpha);
    Standardized s;
    s.risk_treatment = s.risk_control = s.conditional_odds_ratio = kNaN;
    s.odds_ratio = s.risk_difference = Estimate{kNaN, kNaN, kNaN, kNaN, kNaN};
    if (fit.converged && n_ > 0) {
      const auto n = static_cast<double>(n_);
      const double p1 = sum1_ / n, p0 = sum0_ / n;
      const Eigen::VectorXd d1 = d1_ / n, d0 = d0_ / n;
      const double log_or = std::log(p1 / (1.0 - p1)) - std::log(p0 / (1.0 - p0));
      const Eigen::VectorXd g = d1 / (p1 * (1.0 - p1)) - d0 / (p0 * (1.0 - p0));
      const Eigen::VectorXd h = d1 - d0;
      const double se_log = std::sqrt(g.dot(fit.covariance * g));
      const double se_rd = std::sqrt(h.dot(fit.covariance * h));
      s.risk_treatment = p1;
      s.risk_control = p0;
      s.conditional_odds_ratio = std::exp(fit.beta(1));
      s.odds_ratio = {std::exp(log_or), se_log, std::exp(log_or - z * se_log),
                      std::exp(log_or + z * se_log), two_sided_p(log_or / se_log)};
      s.risk_difference = {p1 - p0, se_rd, p1 - p0 - z * se_rd, p1 - p0 + z * se_rd,
                           two_sided_p((p1 - p0) / se_rd)};
    }
    s.fit = fit;
    return s;
  }

 private:
  const Eigen::VectorXd& beta_;
  Eigen::VectorXd d1_, d0_;
  double sum1_ = 0.0, sum0_ = 0.0;
  std::uint64_t n_ = 0;
};

}  // namespace

Standardized standardize(const LogisticRowWalk& rows, Eigen::Index p, double alpha) {
  if (p < 2)
    throw std::invalid_argument("standardize: x must have an intercept and a treatment column");
  normal_two_sided_z(alpha);  // validates alpha before any walk
  const LogisticFit fit = logistic(rows, p);
  // Walked even after a failed fit, so that a treatment column other than 0/1 always throws.
  StandardizationWalk walk(fit.beta);
  rows([&](const Eigen::Ref<const Eigen::MatrixXd>& x, std::span<const std::int8_t>) {
    walk.add(x);
  });
  return walk.finish(fit, alpha);
}

Standardized standardize(const Eigen::MatrixXd& x, std::span<const std::int8_t> y, double alpha) {
  if (static_cast<std::size_t>(x.rows()) != y.size()) {
    throw std::invalid_argument("standardize: x has " + std::to_string(x.rows()) +
                                " rows but y has " + std::to_string(y.size()) + " values");
  }
  return standardize([&](const LogisticRowVisitor& visit) { visit(x, y); }, x.cols(), alpha);
}

}  // namespace silico::stats
