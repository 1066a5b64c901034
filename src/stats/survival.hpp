#pragma once
/// @file
/// @brief Survival analysis beyond estimates.hpp: Kaplan-Meier confidence intervals,
/// stratified log-rank, Cox proportional hazards. Pure: no MPI, HDF5 or YAML.

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stats/estimates.hpp"

namespace silico::stats {

/// Survival at a landmark time with Greenwood SE and a log-log CI
/// (S^exp(+-z se/(S log S)), the "log-log" interval of SAS and of R's conf.type="log-log").
struct SurvivalPoint {
  double time = 0.0;
  double survival = 0.0;
  double se = 0.0;  ///< Greenwood: S * sqrt(sum d/(n(n-d)))
  double ci_low = 0.0;
  double ci_high = 0.0;
};
SurvivalPoint survival_at(const KaplanMeier& km, double time, double alpha);

/// Median with the Brookmeyer-Crowley CI: the set of times t whose log-log-transformed
/// test of S(t) = 0.5 is not rejected at level alpha; bounds empty when not reached.
struct MedianEstimate {
  std::optional<double> median;
  std::optional<double> ci_low;
  std::optional<double> ci_high;
};
MedianEstimate median_with_ci(const KaplanMeier& km, double alpha);

/// Log-rank test stratified by `strata` (sum of per-stratum O-E and V), with the Peto
/// hazard-ratio estimate as in logrank(). group: 1 = treated, 0 = control.
Estimate logrank_stratified(std::span<const double> time, std::span<const std::int8_t> event,
                            std::span<const std::int8_t> group, std::span<const std::int32_t> strata,
                            double alpha);

enum class Ties { kEfron, kBreslow };

/// Cox proportional-hazards fit by Newton-Raphson on the partial likelihood.
struct CoxFit {
  Eigen::VectorXd beta;        ///< log hazard ratios, one per column of x
  Eigen::MatrixXd covariance;  ///< inverse observed information at beta
  double loglik_null = 0.0;    ///< partial log-likelihood at beta = 0
  double loglik = 0.0;         ///< at beta
  double lr_statistic = 0.0;   ///< 2 (loglik - loglik_null), chi-square with p df
  double lr_p = 1.0;
  double score_statistic = 0.0;  ///< U(0)' I(0)^-1 U(0)
  double score_p = 1.0;
  double wald_statistic = 0.0;   ///< beta' covariance^-1 beta
  double wald_p = 1.0;
  int iterations = 0;
  bool converged = false;
};

/// @param x  n x p covariates (treatment indicator usually first)
/// @param strata empty, or one stratum id per row (separate baseline hazards)
CoxFit cox_fit(std::span<const double> time, std::span<const std::int8_t> event,
               const Eigen::MatrixXd& x, std::span<const std::int32_t> strata = {},
               Ties ties = Ties::kEfron, int max_iterations = 30, double tolerance = 1e-9);

/// Hazard ratio of coefficient j: exp(beta_j), Wald CI, Wald p.
Estimate cox_hazard_ratio(const CoxFit& fit, int j, double alpha);

}  // namespace silico::stats
