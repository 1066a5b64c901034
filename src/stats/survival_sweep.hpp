#pragma once
/// @file
/// @brief Survival analyses of one replicate as sweeps over a SurvivalSource: each walks
/// the rows in survival order a fixed number of times and keeps O(strata + landmarks)
/// state, never the rows nor a Kaplan-Meier curve, so memory does not grow with N. They
/// give the numbers of the in-memory estimators (estimates.hpp, survival.hpp) on the same
/// rows; both share the steps of km_steps.hpp. Pure: no MPI, HDF5 or YAML.
///
/// Each walk reads the whole source (on disk: the whole file), so every function says how
/// many it makes. `cut` is a data cut: a row with time > cut counts as censored at cut,
/// what an analysis at that cut sees. Rows have finite times >= 0 and events 0/1, or
/// std::invalid_argument is thrown; rows whose group is neither 0 nor 1 are skipped by
/// the two-group analyses. alpha outside (0, 1), and cut < 0 or NaN, throw.

#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "stats/estimates.hpp"
#include "stats/survival.hpp"
#include "stats/survival_source.hpp"

namespace silico::stats {

/// Kaplan-Meier summary of the rows of one group, computed without materialising the curve.
struct KmSummary {
  std::uint64_t n = 0;                   ///< rows of the group
  std::uint64_t events = 0;              ///< events at or before the cut
  MedianEstimate median;                 ///< as median_with_ci(kaplan_meier(data), alpha)
  std::vector<SurvivalPoint> landmarks;  ///< as survival_at(km, t, alpha), in the order given
};

/// Kaplan-Meier median with its Brookmeyer-Crowley CI and landmark survival of the rows
/// whose group is `group`. Landmarks must be finite, >= 0 and <= cut. Two forward walks
/// (group size and last time, then the curve).
KmSummary km_summary(const SurvivalSource& rows, std::int8_t group, double alpha,
                     std::span<const double> landmarks,
                     double cut = std::numeric_limits<double>::infinity());

/// Log-rank test of group 1 vs group 0 stratified by row.stratum, with the Peto hazard
/// ratio: the same as logrank_stratified() (and logrank() when all strata are 0).
/// Two forward walks (per-stratum group sizes, then the sums).
Estimate logrank_sweep(const SurvivalSource& rows, double alpha,
                       double cut = std::numeric_limits<double>::infinity());

/// A weighted log-rank test of group 1 vs group 0.
struct WeightedLogrank {
  double z = 0.0;          ///< U / sqrt(V): < 0 when group 1 has fewer events than expected
                           ///< (hazard ratio < 1, treatment better), as log(HR) of logrank_sweep()
  double score = 0.0;      ///< U = sum_t w_t (d1_t - d_t n1_t / n_t), summed over strata
  double variance = 0.0;   ///< V = sum_t w_t^2 d_t (n1_t/n_t)(n0_t/n_t)(n_t - d_t)/(n_t - 1)
  double p_two_sided = 1.0;  ///< 2 Phi(-|z|)
  double p_one_sided = 1.0;  ///< Phi(z): small when group 1 does better
  bool rejects = false;      ///< p_one_sided < alpha: one-sided, in favour of group 1
};

/// The Fleming-Harrington FH(rho, gamma) weighted log-rank test of group 1 vs group 0
/// (Fleming & Harrington 1991, ch. 7; Harrington & Fleming 1982): the weight at an event
/// time t is S(t-)^rho (1 - S(t-))^gamma, S(t-) the Kaplan-Meier curve of both groups
/// pooled (within the row's stratum) just before t, with 0^0 = 1. FH(0, 0) is the
/// log-rank test; FH(rho, 0) is survival::survdiff(rho = rho) (chi-square = z^2), and
/// the definition is simtrial's and nph's. Stratified by row.stratum: U and V are summed
/// over strata, each with its own pooled curve (as survdiff with strata()). rho and
/// gamma must be finite and >= 0; `alpha` in (0, 1) is the one-sided level of `rejects`.
/// All of z and the p-values are NaN when V == 0. Two forward walks (per-stratum group
/// sizes, then the sums); O(strata) memory.
WeightedLogrank fh_logrank_sweep(const SurvivalSource& rows, double rho, double gamma, double alpha,
                                 double cut = std::numeric_limits<double>::infinity());

/// Several FH(rho_j, gamma_j) tests of group 1 vs group 0 from one pair of walks: each
/// test as fh_logrank_sweep() gives it (`alpha` sets their `rejects`) and the J x J
/// covariance of their scores, Cov(U_i, U_j) = sum_t w_i w_j V_t (row-major). What the
/// interim looks of fh and maxcombo need, without MaxCombo's multivariate normal p.
struct WeightedLogrankScores {
  std::vector<WeightedLogrank> tests;
  std::vector<double> covariance;
};
WeightedLogrankScores fh_logrank_scores(const SurvivalSource& rows,
                                        std::span<const std::pair<double, double>> rho_gamma, double alpha,
                                        double cut = std::numeric_limits<double>::infinity());

/// The MaxCombo test (Lee 2007; Karrison 2016; Lin et al. 2020): several FH(rho_j, gamma_j)
/// tests at once, combined by their maximum.
struct MaxCombo {
  std::vector<WeightedLogrank> tests;  ///< one per (rho, gamma), in the order given
  /// Correlation of the z_j: Cov(U_i, U_j) = sum_t w_i w_j V_t (the hypergeometric
  /// variance V_t of each event time), over sqrt(V_i V_j); J x J, row-major.
  std::vector<double> correlation;
  double statistic = 0.0;  ///< max_j (-z_j): large when group 1 does better
  double p = 1.0;          ///< one-sided: 1 - P(max_j (-Z_j) < statistic), Z ~ N(0, correlation)
  double p_error = 0.0;    ///< error estimate of p (mvn_probability(), asked for 1e-4 or
                           ///< 1% of p, whichever is larger; 0 for J <= 2, which are exact)
  bool rejects = false;    ///< p < alpha
};

/// A common combination for delayed and diminishing effects: FH(0, 0), FH(0, 0.5),
/// FH(0.5, 0), FH(0.5, 0.5) (the cross-pharma working group's, Roychoudhury et al. 2021,
/// Stat. Biopharm. Res. 13:28-46). Lin et al. (2020, Stat. Biopharm. Res. 12:187-198) and
/// Karrison (2016, Stata J. 16:678-690) used exponents 1 instead of 0.5 (FH(0, 1),
/// FH(1, 0), FH(1, 1)); pass those pairs for their version.
inline constexpr std::pair<double, double> kMaxComboDefault[] = {
    {0.0, 0.0}, {0.0, 0.5}, {0.5, 0.0}, {0.5, 0.5}};

/// The one-sided MaxCombo test of group 1 vs group 0 over the FH(rho, gamma) pairs given
/// (at least one, at most 20): statistic max_j (-z_j) and its p-value from the
/// multivariate normal with the estimated correlation, as simtrial::maxcombo() and
/// gsDesign2 define them (small p: group 1 better). Every z_j and the correlation come
/// from the same two forward walks as fh_logrank_sweep(); O(strata J^2) memory. p is NaN
/// when any test has V == 0. `alpha` in (0, 1) is the level of `rejects`.
MaxCombo maxcombo_sweep(const SurvivalSource& rows, std::span<const std::pair<double, double>> rho_gamma,
                        double alpha, double cut = std::numeric_limits<double>::infinity());

/// RMST difference (group 1 - group 0) at tau, as rmst_difference() on the cut data.
/// The variance sum_j A_j^2 d_j/(n_j(n_j-d_j)) (A_j: area from t_j to tau) is carried
/// forward as sums of non-negative terms that are updated as the area grows, so it needs
/// no backward walk; it matches rmst() to rounding (~1e-15 relative), the RMST itself
/// bit for bit. Two forward walks (group sizes and last times, then both curves).
Estimate rmst_difference_sweep(const SurvivalSource& rows, double tau, double alpha,
                               double cut = std::numeric_limits<double>::infinity());

/// Difference in Kaplan-Meier survival at a milestone time tau, S_1(tau) - S_0(tau) (group
/// 1 - group 0), on the cut data. Each S(tau) is the curve at the last event time <= tau
/// (right-continuous: events at tau count), with Greenwood's variance
/// S^2 sum_{t_j <= tau} d_j/(n_j(n_j-d_j)), exactly as km_summary()'s landmark at tau
/// (survival_at()). `se` is the square root of the sum of the two variances; the CI is
/// effect -+ z se (Wald, z the upper alpha/2 normal point); p is the two-sided p of
/// effect/se, 2 Phi(-|effect|/se).
///
/// NaN, never extrapolated: everything when tau > cut (the data at tau are not observed
/// at that cut); everything when a group is empty or tau is after its last observed time
/// while its curve is still above 0 (no one is at risk at tau: everyone censored before
/// it). A curve at 1 (no event by tau) or at 0 (everyone at risk had the event) adds
/// variance 0, as survival_at() reports se 0 there (Greenwood's S^2 sum is 0 x inf at
/// S = 0; R's summary.survfit gives NA); then p is NaN when se is 0. Two forward walks
/// (group sizes and last times, then both curves); tau must be finite and > 0.
Estimate survival_difference_sweep(const SurvivalSource& rows, double tau, double alpha,
                                   double cut = std::numeric_limits<double>::infinity());

/// The k-th (k >= 1) smallest event time, counting ties, among the rows of groups 0 and 1
/// when `group` < 0, else among the rows of `group`; NaN if there are fewer than k events.
/// One forward walk; throws for k == 0.
double kth_event_time(const SurvivalSource& rows, std::uint64_t k, std::int8_t group = -1);

/// Sample median of the times (events or not) of the rows of `group`, the mean of the two
/// middle values for even n, as sorting them would give; NaN when the group is empty.
/// Two forward walks (group size, then the middle order statistics).
double median_time(const SurvivalSource& rows, std::int8_t group);

}  // namespace silico::stats
