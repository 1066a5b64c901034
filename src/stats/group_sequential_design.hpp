#pragma once
/// @file
/// @brief Group-sequential designs in the manner of R rpact / gsDesign: error-spending
/// families (Lan-DeMets O'Brien-Fleming and Pocock types, Hwang-Shih-DeCani, Kim-DeMets,
/// user-given) for efficacy (alpha) and futility (beta), the classical Wang-Tsiatis family
/// (O'Brien-Fleming, Pocock), one-sided designs with binding or non-binding futility,
/// two-sided symmetric designs, boundary crossing probabilities under any drift, and the
/// p-value, hazard-ratio and mean-difference scales of a bound. Pure.
///
/// Model (the canonical joint distribution, Jennison & Turnbull 2000, ch. 3): at looks
/// k = 1..K with information fractions 0 < t_1 < ... < t_K = 1 the statistics are
/// Z_k = S_k / sqrt(t_k), S_k = B(t_k) + theta t_k for a standard Brownian motion B, so
/// Z_k ~ N(theta sqrt(t_k), 1) and corr(Z_j, Z_k) = sqrt(t_j / t_k). theta is the drift:
/// the expected Z at full information (theta = 0 is H0). All probabilities are computed by
/// the recursive numerical integration of Jennison & Turnbull (2000), section 19.2 (their
/// grid, centred at each look's mean, with Simpson's rule), as efficacy_boundaries() in
/// design.hpp, and bounds are found by bisection to 1e-10 on the Z scale.

#include <span>
#include <vector>

namespace silico::stats {

/// Error-spending families; `total` below is alpha (efficacy) or beta (futility) and t the
/// information fraction in [0, 1]. Each f(0) = 0 and f(1) = total exactly.
enum class SpendingFamily {
  kOBrienFleming,       ///< rpact asOF / gsDesign sfLDOF: 2 - 2 Phi(z_{total/2} / sqrt t)
  kPocock,              ///< rpact asP / gsDesign sfLDPocock: total log(1 + (e - 1) t)
  kHwangShihDeCani,     ///< rpact asHSD / sfHSD: total (1 - e^{-g t}) / (1 - e^{-g}); g = 0: total t
  kKimDeMets,           ///< rpact asKD / sfPower: total t^rho, rho > 0
  kUser,                ///< rpact asUser: the given cumulative spending at each look
};

struct SpendingFunction {
  SpendingFamily family = SpendingFamily::kOBrienFleming;
  /// gamma of Hwang-Shih-DeCani (any finite value; gsDesign allows [-40, 40]) or rho > 0 of
  /// Kim-DeMets; ignored by the other families.
  double parameter = 0.0;
  /// kUser only: cumulative spending at each look (one per look), non-decreasing, in
  /// [0, total]. The last entry is what the design spends in all; it should be `total`
  /// (below it the design is conservative: rpact instead resets alpha to it).
  std::vector<double> user_cumulative;
};

/// f(t) of a parametric family (not kUser) at total in (0, 1), t in [0, 1]; else
/// std::invalid_argument (also for rho <= 0 or a non-finite gamma).
double spending_value(const SpendingFunction& spending, double total, double t);

/// Cumulative spending at each look: f(t_k) for the parametric families, the user's values
/// for kUser (checked: one per look, non-decreasing, in [0, total], else
/// std::invalid_argument).
std::vector<double> cumulative_spending(const SpendingFunction& spending, double total,
                                        std::span<const double> information_fractions);

enum class Sidedness {
  kOneSided,           ///< reject H0 for Z_k >= u_k (the regulatory default, alpha = 0.025)
  kTwoSidedSymmetric,  ///< reject H0 for |Z_k| >= c_k; no futility
};

enum class EfficacyBoundary {
  kSpending,     ///< error spending with `alpha_spending`
  kWangTsiatis,  ///< u_k = c t_k^{Delta - 1/2}, c solved for total alpha: Delta = 0 is the
                 ///< classical O'Brien-Fleming design (rpact "OF"), Delta = 0.5 Pocock ("P")
};

enum class Futility {
  kNone,      ///< efficacy stops only
  kSpending,  ///< l_k from beta spending under the drift (rpact typeBetaSpending, gsDesign sfl)
  kFixed,     ///< the given bounds l_1..l_{K-1} on the Z scale (rpact futilityBounds)
};

/// A group-sequential design. Defaults: one-sided, alpha = 0.025, Lan-DeMets
/// O'Brien-Fleming spending, no futility.
struct GroupSequentialDesign {
  /// Strictly increasing, in (0, 1], the last equal to 1.
  std::vector<double> information_fractions;
  Sidedness sidedness = Sidedness::kOneSided;
  double alpha = 0.025;  ///< one-sided level; two-sided: the total over both tails
  EfficacyBoundary efficacy = EfficacyBoundary::kSpending;
  SpendingFunction alpha_spending;
  double wang_tsiatis_delta = 0.0;  ///< kWangTsiatis only

  Futility futility = Futility::kNone;
  double beta = 0.2;                ///< kSpending: type II error at the drift solved for
  SpendingFunction beta_spending;   ///< kSpending
  std::vector<double> futility_bounds;  ///< kFixed: K - 1 values (none at the last look)
  /// Binding: the efficacy bounds are computed with the futility stops in place (a trial
  /// must stop at l_k), so they are lower. Non-binding (rpact/gsDesign default): computed
  /// as if there were no futility bounds, so type I error stays <= alpha if futility is
  /// ignored.
  bool binding_futility = false;
};

/// Cumulative crossing probabilities by look under one drift. upper[k] = P(stop by look k
/// with Z_j >= upper bound at the stopping look j); lower[k] likewise for Z_j <= lower bound.
/// For a one-sided design upper is efficacy and lower futility; for a two-sided symmetric
/// design (lower = -c) the rejection probability is upper + lower.
struct CrossingProbabilities {
  std::vector<double> upper;
  std::vector<double> lower;
  /// E[t at stop]: sum over k < K of t_k P(stop at k), plus t_K P(reach look K).
  double expected_information_fraction = 0.0;
};

/// Crossing probabilities of the bounds lower[k] < upper[k] (either may be infinite: -inf
/// for no futility stop, +inf for no efficacy stop) at the given information fractions
/// (strictly increasing in (0, 1]; the last need not be 1), under drift theta. The trial
/// stops at look k when Z_k >= upper[k] or Z_k <= lower[k]; at the last look lower may equal
/// upper (then every trial reaching it stops). lower > upper, NaN bounds, mismatched lengths
/// or bad fractions throw std::invalid_argument.
CrossingProbabilities crossing_probabilities(std::span<const double> information_fractions,
                                             std::span<const double> lower,
                                             std::span<const double> upper, double theta);

/// Boundaries and operating characteristics of a design.
struct GroupSequentialBoundaries {
  /// u_k on the Z scale (one-sided: reject for Z_k >= u_k; two-sided: |Z_k| >= u_k).
  /// +inf at a look where nothing is spent.
  std::vector<double> efficacy;
  /// l_k (stop for futility if Z_k <= l_k); -inf where there is none. One-sided with
  /// futility: l_K = u_K. Two-sided: -efficacy (the lower rejection bound), for
  /// crossing_probabilities().
  std::vector<double> futility;
  /// Cumulative alpha spent by look k: the spending function at t_k (kSpending), or the
  /// H0 crossing probability of the efficacy bounds (kWangTsiatis) in the model they were
  /// computed in: with the futility stops if binding, without them if not.
  std::vector<double> alpha_spent;
  /// Cumulative beta spent (futility kSpending); empty otherwise.
  std::vector<double> beta_spent;
  /// Futility kSpending: the drift theta at which the design has power 1 - beta, solved so
  /// that the futility and efficacy bounds meet at the last look (gsDesign/rpact: the
  /// maximum information is inflated; theta^2 is rpact's "shift"). Otherwise 0.
  double drift = 0.0;
  /// Under H0 (theta = 0), with the futility stops in place (so for a non-binding design
  /// upper.back() <= alpha); and under `drift` (empty unless futility is kSpending).
  CrossingProbabilities under_null;
  CrossingProbabilities under_drift;
};

/// Computes a design's boundaries.
///
/// One-sided, efficacy by spending: with a_k the cumulative alpha, u_k solves
///   P_0(no stop before k, Z_k >= u_k) = a_k - a_{k-1},
/// where "no stop" includes the futility stops if binding and ignores them if not.
/// Futility by spending (one-sided only, kSpending efficacy only): for a trial drift theta
/// and cumulative beta b_k, l_k solves
///   P_theta(no stop before k, Z_k <= l_k) = b_k - b_{k-1}   (k < K)
/// with both kinds of stop in place, capped at u_k (if the beta spent by look k cannot be
/// reached below u_k, l_k = u_k and less is spent there); l_K = u_K; and theta is solved so
/// that the power P_theta(reject H0) is 1 - beta, i.e. (when no interim is capped) the
/// futility bound that spending would give at the last look equals u_K. For each trial
/// theta the efficacy and futility bounds are found look by look (with binding futility the
/// efficacy bounds depend on theta). Two-sided symmetric: c_k solves
/// P_0(|Z_j| < c_j, j < k; |Z_k| >= c_k) = a(t_k) - a(t_{k-1}) with a(t) = 2 f(t) at total
/// alpha/2 per tail, as efficacy_boundaries() in design.hpp (ld98 / R ldbounds; for
/// Pocock, HSD, Kim-DeMets and user spending this equals f at total alpha; for the
/// O'Brien-Fleming type it is 4 - 4 Phi(z_{alpha/4} / sqrt t)).
/// Wang-Tsiatis: c is solved so that the H0 crossing probability (with binding fixed
/// futility bounds if any) is alpha; two-sided, P_0(|Z_k| >= c t_k^{Delta - 1/2} some k) =
/// alpha.
///
/// std::invalid_argument: fractions not strictly increasing in (0, 1] or last not 1; alpha
/// or beta outside (0, 1) (beta only with spending futility); spending that exceeds its
/// total (user values decreasing or above it); a futility option with a two-sided design;
/// Wang-Tsiatis with spending futility; fixed futility bounds of the wrong length, NaN, or
/// above the efficacy bound at their look; rho <= 0 or non-finite gamma.
GroupSequentialBoundaries design_boundaries(const GroupSequentialDesign& design);

/// Nominal one-sided p-value of each bound: 1 - Phi(u_k) (rpact "stageLevels").
std::vector<double> nominal_p_values(std::span<const double> bounds);

/// Hazard ratio at a bound (Schoenfeld 1983): with d_k events at look k and allocation
/// fraction p to treatment, Z ~ -log(HR) sqrt(d p (1-p)), so HR_k = exp(-u_k / sqrt(d_k p
/// (1-p))): the largest observed hazard ratio (treatment / control, benefit < 1) that
/// crosses. events and bounds have equal length, events > 0, p in (0, 1); else
/// std::invalid_argument.
std::vector<double> hazard_ratio_bounds(std::span<const double> bounds,
                                        std::span<const double> events, double allocation = 0.5);

/// Mean difference at a bound: u_k * SE_k, with SE_k the standard error of the difference
/// at look k (e.g. sigma sqrt(1/n_1k + 1/n_2k)). Equal lengths, SE > 0; else
/// std::invalid_argument.
std::vector<double> mean_difference_bounds(std::span<const double> bounds,
                                           std::span<const double> standard_errors);

}  // namespace silico::stats
