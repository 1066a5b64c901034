#pragma once
/// @file
/// @brief Trial design: operating characteristics over replicate trials, group-sequential
/// boundaries by alpha spending, and sample-size formulas. Pure.

#include <cstdint>
#include <span>
#include <vector>

namespace silico::stats {

/// Performance of one estimator over replicate trials, with Monte Carlo standard errors
/// (Morris, White & Crowther, Stat Med 2019;38:2074-2102, Table 6).
struct OperatingCharacteristics {
  std::size_t replicates = 0;
  double rejection_rate = 0.0;  ///< power, or type I error under the null
  double rejection_rate_mcse = 0.0;
  double mean_bias = 0.0;       ///< mean(effect - truth)
  double mean_bias_mcse = 0.0;
  double empirical_se = 0.0;    ///< SD of the effects
  double empirical_se_mcse = 0.0;
  double model_se = 0.0;        ///< sqrt(mean(se^2))
  double model_se_mcse = 0.0;
  double rmse = 0.0;
  double coverage = 0.0;        ///< share of CIs containing the truth
  double coverage_mcse = 0.0;
};
/// All spans have one entry per replicate trial (else std::invalid_argument); truth is per
/// replicate (the true sample effect can differ between replicates). A replicate is used
/// only if its effect, se, CI bounds, p and truth are all finite; the others (e.g. a failed
/// test that returned NaN) are skipped and not counted, so every measure is over the same
/// `replicates` trials. Rejection is p < alpha; coverage is ci_low <= truth <= ci_high.
/// MCSEs as in Morris et al. Table 6: bias empSE/sqrt(n); empSE empSE/sqrt(2(n-1));
/// proportions sqrt(c(1-c)/n); model SE sqrt(Var(se^2)/(4 n modSE^2)). With no usable
/// replicate everything is NaN; with one, the SD-based quantities are NaN.
OperatingCharacteristics operating_characteristics(std::span<const double> effect,
                                                   std::span<const double> se,
                                                   std::span<const double> ci_low,
                                                   std::span<const double> ci_high,
                                                   std::span<const double> p,
                                                   std::span<const double> truth, double alpha);

enum class Spending { kOBrienFleming, kPocock };

/// Lan-DeMets spending function alpha*(t) for cumulative information fraction t in [0, 1]:
/// O'Brien-Fleming type 2 - 2 Phi(z_{alpha/2} / sqrt t); Pocock type alpha log(1 + (e-1) t).
/// alpha*(0) = 0 and alpha*(1) = alpha exactly. alpha outside (0, 1) or t outside [0, 1]
/// throw std::invalid_argument.
double alpha_spent(Spending spending, double alpha, double t);

/// Two-sided symmetric efficacy boundaries |Z_k| >= c_k at the given strictly increasing
/// information fractions in (0, 1], the last equal to 1 (else std::invalid_argument),
/// spending `alpha` in total. As in ld98 (Reboussin et al., Control Clin Trials 2000) and
/// R ldbounds (sides = 2, R/alphas.R), each tail spends the one-sided function at alpha/2:
/// c_k solves, under H0,
///   P(|Z_1| < c_1, ..., |Z_{k-1}| < c_{k-1}, |Z_k| >= c_k) = a(t_k) - a(t_{k-1}),
///   a(t) = 2 alpha_spent(spending, alpha/2, t).
/// For the Pocock type a(t) = alpha_spent(spending, alpha, t); for the O'Brien-Fleming type
/// a(t) = 4 - 4 Phi(z_{alpha/4} / sqrt t), which gives the tabulated 4.877, 3.357, 2.680,
/// 2.290, 2.031 for five equal looks at alpha = 0.05 (using alpha_spent(alpha) itself
/// would give 4.383, 3.100, ...). Z_k = S_k / sqrt(I_k) with independent score increments
/// (the canonical joint distribution); the probabilities are computed by recursive
/// numerical integration (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000,
/// section 19.2: their grid with Simpson's rule) and each c_k by bisection to 1e-10.
/// One look gives z_{alpha/2}. A look at which nothing is spent (the O'Brien-Fleming
/// function underflows to 0 below t ~ 1e-3) gets c_k = +infinity.
std::vector<double> efficacy_boundaries(Spending spending, double alpha,
                                        std::span<const double> information_fractions);

/// Schoenfeld (1983): events needed for a two-sided log-rank test at level alpha with the
/// given power, hazard ratio and allocation fraction p to treatment:
/// (z_{alpha/2} + z_beta)^2 / (p (1-p) log(HR)^2).
double schoenfeld_events(double hazard_ratio, double alpha, double power, double allocation = 0.5);

}  // namespace silico::stats
