#pragma once
/// @file
/// @brief Multiple imputation: a draw of a normal linear model's parameters from their
/// posterior, and Rubin's rules for pooling the completed-data estimates. Pure functions:
/// the random variates come from the caller.

#include <span>

#include <Eigen/Core>

#include "stats/estimates.hpp"

namespace silico::stats {

/// One draw of (beta, sigma) of y = X beta + e, e ~ N(0, sigma^2), from their posterior
/// under the reference prior p(beta, sigma^2) ~ 1/sigma^2 (Rubin 1987, Result 3.1; the
/// "norm" method of mice): sigma^2 = rss / chi2 with chi2 ~ chi^2(n - p), then
/// beta ~ N(beta_hat, sigma^2 (X'X)^-1) as beta_hat + sigma A z.
struct RegressionDraw {
  Eigen::VectorXd beta;
  double sigma = 0.0;
};
/// @param xtx_inverse_root A with (X'X)^-1 = A A'   @param z p standard normals
/// @param chi_square a chi^2(n - p) variate
RegressionDraw draw_regression_posterior(const Eigen::VectorXd& beta_hat, const Eigen::MatrixXd& xtx_inverse_root,
                                         double rss, const Eigen::VectorXd& z, double chi_square);

/// An estimate pooled over M completed data sets by Rubin's rules, with the degrees of
/// freedom of Barnard & Rubin (1999, Biometrika 86:948-955), as mice::pool reports them.
struct PooledEstimate {
  Estimate estimate;           ///< mean of the estimates; se = sqrt(total variance); t-based CI and p
  double within = 0.0;         ///< W, mean of the completed-data variances
  double between = 0.0;        ///< B, variance of the estimates over the imputations
  double df = 0.0;             ///< Barnard-Rubin degrees of freedom
  double missing_information = 0.0;  ///< lambda = (1 + 1/M) B / T
};
/// @param complete_df the degrees of freedom each completed-data analysis would have
/// (n - p for a linear model); infinity for a normal reference.
/// @throws std::invalid_argument for fewer than 2 imputations, mismatched spans or alpha
/// outside (0, 1). Non-finite inputs give NaN fields.
PooledEstimate rubin_pool(std::span<const double> estimates, std::span<const double> variances,
                          double complete_df, double alpha);

}  // namespace silico::stats
