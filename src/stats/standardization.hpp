#pragma once
/// @file
/// @brief Standardization (g-computation) of a logistic regression over its own sample: the
/// marginal response probabilities had every patient received the treatment, or the
/// control, their odds ratio and difference, with delta-method standard errors (Ge et al.
/// 2011; the FDA 2023 guidance on covariate adjustment). Pure: no MPI, HDF5 or YAML.

#include <cstdint>
#include <span>

#include <Eigen/Core>

#include "stats/estimates.hpp"
#include "stats/regression.hpp"

namespace silico::stats {

/// The logistic regression of y on x = [1, treated, covariates] and its standardization
/// over the same rows. Everything but `fit` is NaN when the fit did not converge
/// (separation, collinear columns, no rows) or when its covariance is singular (the SEs).
struct Standardized {
  LogisticFit fit;
  double risk_treatment = 0.0;  ///< p1: mean over the rows of expit(x_i(treated = 1) beta)
  double risk_control = 0.0;    ///< p0: the same with treated = 0
  /// [p1/(1 - p1)] / [p0/(1 - p0)]; `se` of its log, CI exp(log OR +- z se), p of log OR / se.
  Estimate odds_ratio;
  /// p1 - p0; normal CI and p.
  Estimate risk_difference;
  /// exp(beta_treated), the odds ratio conditional on the covariates.
  double conditional_odds_ratio = 0.0;
};

/// Fits and standardizes rows delivered by `rows` (any blocking, the same rows in the same
/// order on every call): the fit's walks (stats::logistic), then one more. Column 1 is the
/// treatment indicator and must be 0 or 1, else std::invalid_argument (as for p < 2).
Standardized standardize(const LogisticRowWalk& rows, Eigen::Index p, double alpha);
/// The same on rows held in a matrix.
Standardized standardize(const Eigen::MatrixXd& x, std::span<const std::int8_t> y, double alpha);

}  // namespace silico::stats
