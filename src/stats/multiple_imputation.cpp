/// Multiple imputation: the posterior draw of a normal linear model and Rubin's rules.

#include "stats/multiple_imputation.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace silico::stats {

RegressionDraw draw_regression_posterior(const Eigen::VectorXd& beta_hat, const Eigen::MatrixXd& xtx_inverse_root,
                                         double rss, const Eigen::VectorXd& z, double chi_square) {
  if (z.size() != beta_hat.size() || xtx_inverse_root.rows() != beta_hat.size() ||
      xtx_inverse_root.cols() != beta_hat.size()) {
    throw std::invalid_argument("draw_regression_posterior: beta, A and z must have the model's p");
  }
  RegressionDraw d;
  d.sigma = std::sqrt(rss / chi_square);
  d.beta = beta_hat + d.sigma * (xtx_inverse_root * z);
  return d;
}

PooledEstimate rubin_pool(std::span<const double> estimates, std::span<const double> variances,
                          double complete_df, double alpha) {
  const std::size_t m = estimates.size();
  if (m < 2 || variances.size() != m) {
    throw std::invalid_argument("rubin_pool: needs at least 2 imputations, each with an estimate and a variance");
  }
  if (!(alpha > 0.0 && alpha < 1.0)) throw std::invalid_argument("rubin_pool: alpha must be in (0, 1)");
  const double md = static_cast<double>(m);
  double mean = 0.0, within = 0.0;
  for (std::size_t k = 0; k < m; ++k) {
    mean += estimates[k];
    within += variances[k];
  }
  mean /= md;
  within /= md;
  double between = 0.0;
  for (const double e : estimates) between += (e - mean) * (e - mean);
  between /= md - 1.0;

  PooledEstimate out;
  out.within = within;
  out.between = between;
  const double total = within + (1.0 + 1.0 / md) * between;
  const double lambda = total > 0.0 ? (1.0 + 1.0 / md) * between / total : 0.0;
  out.missing_information = lambda;
  // nu_old = (M - 1) / lambda^2 (Rubin 1987); the observed-data df
  // nu_obs = (nu_com + 1) / (nu_com + 3) nu_com (1 - lambda); nu = 1 / (1/nu_old + 1/nu_obs).
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double nu_old = lambda > 0.0 ? (md - 1.0) / (lambda * lambda) : kInf;
  const double nu_obs = std::isinf(complete_df) ? kInf : (complete_df + 1.0) / (complete_df + 3.0) * complete_df * (1.0 - lambda);
  out.df = std::isinf(nu_old) ? nu_obs : std::isinf(nu_obs) ? nu_old : nu_old * nu_obs / (nu_old + nu_obs);

  const double se = std::sqrt(total);
  Estimate& e = out.estimate;
  e.effect = mean;
  e.se = se;
  if (!std::isfinite(mean) || !(se > 0.0) || !std::isfinite(se) || !(out.df > 0.0)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    e.se = std::isfinite(se) ? se : nan;
    e.ci_low = e.ci_high = e.p = nan;
    return out;
  }
  double q = 0.0, tail = 0.0;
  if (std::isinf(out.df)) {
    const boost::math::normal dist;
    q = boost::math::quantile(boost::math::complement(dist, alpha / 2.0));
    tail = boost::math::cdf(boost::math::complement(dist, std::abs(mean) / se));
  } else {
    const boost::math::students_t dist(out.df);
    q = boost::math::quantile(boost::math::complement(dist, alpha / 2.0));
    tail = boost::math::cdf(boost::math::complement(dist, std::abs(mean) / se));
  }
  e.ci_low = mean - q * se;
  e.ci_high = mean + q * se;
  e.p = 2.0 * tail;
  return out;
}

}  // namespace silico::stats
