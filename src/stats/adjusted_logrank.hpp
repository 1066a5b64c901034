#pragma once
/// @file
/// @brief The covariate-adjusted log-rank test and hazard-ratio estimator of Ye, Shao, Yi &
/// Zhao (2023, JASA 118:2869-2881, "Covariate-adjusted log-rank test: guaranteed
/// efficiency gain and universal applicability"): the log-rank score augmented by the
/// arms' regressions of each patient's derived outcome on the covariates. Its estimate
/// targets the marginal hazard ratio, the estimand of an unadjusted Cox model, and its
/// variance is never above the unadjusted one asymptotically; neither needs the Cox model
/// to hold given the covariates. Pure functions.

#include <cstdint>
#include <limits>
#include <span>

#include <Eigen/Core>

#include "stats/survival_source.hpp"

namespace silico::stats {

/// Notation (n patients, a = 1 treated; at each distinct event time t_k: Y_a at-risk
/// counts, time >= t_k; d_k events, d_1k of them treated; ybar_k = e^theta Y_1 + Y_0):
///   U_L(theta) = (1/n) sum_k [d_1k - d_k e^theta Y_1 / ybar_k]       (Cox score, Breslow ties)
///   sigma_L^2(theta) = (1/n) sum_k d_k e^theta Y_1 Y_0 / ybar_k^2 [x (ybar_k - d_k)/(ybar_k - 1) for the test]
///   O_i = delta_i w_a(t_i) - e^(theta a) sum_{t_k <= t_i} w_a(t_k) d_k / ybar_k, w_1 = Y_0/ybar,
///         w_0 = e^theta Y_1/ybar (the patient's derived outcome at theta)
///   b_a: OLS of O on the covariates within arm a (centred within the arm, no intercept)
///   U_CL(theta) = U_L(theta) - (1/n) [sum_{a=1} (x_i - xbar)' b_1 - sum_{a=0} (x_i - xbar)' b_0]
///   sigma_CL^2 = sigma_L^2 - pi (1 - pi) (b_0 + b_1)' S_x (b_0 + b_1)   (pi: share treated,
///         S_x: covariance of x over all patients, n - 1 denominator)
/// The estimate is the root of U_CL with the derived outcomes at the root of U_L (the
/// unadjusted estimate); its variance sigma_CL^2 / (n sigma_L^4), here with sigma_L^2 at the
/// adjusted root (the paper's plug-in). The test uses the derived outcomes at theta = 0 and
/// the ties factor: z = sqrt(n) U_CL(0) / sigma_CL(0). As RobinCar2's robin_surv.
struct AdjustedLogrankFit {
  double log_hazard_ratio;        ///< theta_CL, treated / control
  double se;                      ///< sqrt(sigma_CL^2 / (n sigma_L^4)), sigma_L^2 at theta_CL
  /// The same with sigma_L^2 at the unadjusted estimate (RobinCar 1.0.0's plug-in).
  double se_unadjusted_plugin;
  double unadjusted_log_hazard_ratio;  ///< the root of U_L: the Cox (Breslow) estimate
  double unadjusted_se;                ///< 1 / sqrt(n sigma_L^2) at it
  double z;                            ///< the adjusted log-rank statistic, < 0 when treated do better
  double sigma2_test;                  ///< sigma_CL^2 of the test (at theta = 0, ties factor)
  double p;                            ///< 2 Phi(-|z|)
};

/// From rows walked in survival order, never held: each row's group is its arm (1 treated,
/// 0 control), its x from `first_covariate` on are the covariates; a time after `cut`
/// counts as censored at `cut`. A few dozen walks (the score roots by safeguarded Newton
/// steps, one walk each, as cox_fit takes them), O(p^2) memory. Rows of another group
/// throw std::invalid_argument, as do non-finite covariates.
AdjustedLogrankFit adjusted_logrank(const SurvivalSource& rows, std::size_t first_covariate,
                                    double cut = std::numeric_limits<double>::infinity());

/// The same on rows in memory. `x` has one row per patient (n x p; p = 0: no adjustment,
/// the log-rank test and the Cox estimate with Breslow ties). NaN fields when the estimate is undefined:
/// an arm without patients, no events, the score without a sign change in [-20, 20] (an arm
/// without events), an arm with fewer than p + 1 patients or a singular covariance of its
/// covariates. Throws std::invalid_argument for mismatched lengths, a negative or NaN time,
/// an event or treated value other than 0/1, or a non-finite covariate.
AdjustedLogrankFit adjusted_logrank(std::span<const double> time, std::span<const std::int8_t> event,
                                    std::span<const std::int8_t> treated, const Eigen::MatrixXd& x);

}  // namespace silico::stats
