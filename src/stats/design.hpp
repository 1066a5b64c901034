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
/// truth: per replicate (the true sample effect can differ between replicates).
/// Entries with a non-finite effect are skipped and not counted.
OperatingCharacteristics operating_characteristics(std::span<const double> effect,
                                                   std::span<const double> se,
                                                   std::span<const double> ci_low,
                                                   std::span<const double> ci_high,
                                                   std::span<const double> p,
                                                   std::span<const double> truth, double alpha);

enum class Spending { kOBrienFleming, kPocock };

/// Lan-DeMets spending function alpha*(t) for cumulative information fraction t in (0, 1]:
/// O'Brien-Fleming type 2 - 2 Phi(z_{alpha/2} / sqrt t); Pocock type alpha log(1 + (e-1) t).
double alpha_spent(Spending spending, double alpha, double t);

/// Two-sided symmetric efficacy boundaries |Z_k| >= c_k at the given increasing information
/// fractions (last = 1), spending `alpha` in total; computed by recursive numerical
/// integration of the canonical joint distribution of the Z statistics
/// (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000, ch. 19).
std::vector<double> efficacy_boundaries(Spending spending, double alpha,
                                        std::span<const double> information_fractions);

/// Schoenfeld (1983): events needed for a two-sided log-rank test at level alpha with the
/// given power, hazard ratio and allocation fraction p to treatment:
/// (z_{alpha/2} + z_beta)^2 / (p (1-p) log(HR)^2).
double schoenfeld_events(double hazard_ratio, double alpha, double power, double allocation = 0.5);

}  // namespace silico::stats
