#pragma once
/// @file
/// @brief Linear and logistic regression, binary-outcome comparisons, propensity-score
/// matching and weighting. Pure: no MPI, HDF5 or YAML.
///
/// As in estimates.hpp, invalid arguments (mismatched lengths, alpha outside (0, 1), events
/// above the group size, treated flags other than 0/1, ...) throw std::invalid_argument,
/// while data on which a quantity is undefined (too few rows, collinear columns, an empty
/// group) give NaN. Methods and edge cases are detailed at the top of ols.cpp,
/// logistic.cpp, binary.cpp and propensity.cpp.

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <vector>

#include "stats/estimates.hpp"

namespace silico::stats {

/// Ordinary least squares y = X beta + e (X includes the intercept column if wanted), by
/// column-pivoted Householder QR. All NaN when n < p or X is rank deficient; s^2 and the SEs
/// NaN when n == p; se_hc3 NaN when some leverage is 1. r_squared is the centred R^2.
struct OlsFit {
  Eigen::VectorXd beta;
  Eigen::VectorXd se_model;  ///< sqrt(diag(s^2 (X'X)^-1)), s^2 = RSS/(n-p)
  Eigen::VectorXd se_hc3;    ///< sqrt(diag((X'X)^-1 X' diag(e_i^2/(1-h_ii)^2) X (X'X)^-1))
  double residual_variance = 0.0;  ///< s^2
  double r_squared = 0.0;
  std::size_t n = 0;
  std::size_t p = 0;
};
OlsFit ols(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

/// The same fit from rows given in blocks, in memory O(p^2) however many rows there are:
/// the R factor of [X y] is updated block by block (a Householder QR of the old R stacked
/// on the new rows), so X is never held and the normal equations are never formed. Column
/// scaling, rank decision and (X'X)^-1 then follow ols() on R, which has the same column
/// norms and the same R factor as X. HC3 needs the residuals and leverages of every row, so
/// it takes a second pass over the same rows (any blocking).
class OlsAccumulator {
 public:
  explicit OlsAccumulator(Eigen::Index p);
  /// Pass 1: the next rows (x: rows x p, y: rows).
  void add(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y);
  std::size_t rows() const { return n_; }
  /// The fit of the rows added so far, without se_hc3 (NaN).
  OlsFit fit() const;
  /// Pass 2: the same rows again, for the HC3 "meat" at `fit` (from fit()).
  void add_hc3(const OlsFit& fit, const Eigen::Ref<const Eigen::MatrixXd>& x,
               const Eigen::Ref<const Eigen::VectorXd>& y);
  /// Sets fit.se_hc3 from pass 2 (NaN when the fit is undefined or a leverage is 1).
  void finish_hc3(OlsFit& fit) const;
  /// A with (X'X)^-1 = A A' for the rows added so far (a draw A z, z ~ N(0, I), has the
  /// coefficients' unscaled covariance); meaningful only when fit() is defined.
  Eigen::MatrixXd xtx_inverse_root() const;

 private:
  Eigen::Index p_;
  std::size_t n_ = 0;
  Eigen::MatrixXd r_;  ///< (p+1) x (p+1) upper triangular factor of [X y]
  double y_mean_ = 0.0, y_m2_ = 0.0;  ///< running mean and centred sum of squares (Welford)
  Eigen::MatrixXd meat_;  ///< pass 2, in the coordinates of A (see ols.cpp)
};

/// Coefficient j as an Estimate: t-based CI and p with n-p df, model or HC3 SE.
Estimate ols_coefficient(const OlsFit& fit, int j, double alpha, bool robust_hc3);

/// Logistic regression by iteratively reweighted least squares (Newton-Raphson) from
/// beta = 0. Converged when every step satisfies |step_j| <= tolerance * (1 + |beta_j|).
/// Stops unconverged after max_iterations or when the information matrix becomes singular
/// (separation), returning the last iterate.
struct LogisticFit {
  Eigen::VectorXd beta;
  Eigen::MatrixXd covariance;  ///< inverse Fisher information at beta (NaN if singular)
  int iterations = 0;
  bool converged = false;
};
LogisticFit logistic(const Eigen::MatrixXd& x, std::span<const std::int8_t> y,
                     int max_iterations = 50, double tolerance = 1e-10);

/// Receives consecutive rows of a logistic regression: x (rows x p) and y (rows values, 0/1).
using LogisticRowVisitor =
    std::function<void(const Eigen::Ref<const Eigen::MatrixXd>& x, std::span<const std::int8_t> y)>;
/// Delivers every row, in the same order on every call, in blocks of any sizes.
using LogisticRowWalk = std::function<void(const LogisticRowVisitor& visit)>;

/// The same fit from rows that are walked rather than held: iterations + 1 walks (one per
/// step, and one more for the covariance or for the step found singular). The rows are
/// re-cut into fixed chunks by position, so the fit is bitwise the same however the walk
/// batches them, and the same as the matrix overload on the stacked rows. Throws
/// std::invalid_argument when a block has other than p columns, a y is not 0/1, or two walks give
/// different numbers of rows.
LogisticFit logistic(const LogisticRowWalk& rows, Eigen::Index p, int max_iterations = 50,
                     double tolerance = 1e-10);

/// 2x2 table: treated events a of n1, control events c of n0.
struct TwoByTwo {
  std::uint64_t treated_events = 0, treated_n = 0, control_events = 0, control_n = 0;
};
/// For RR and OR, `se` is the SE of the log ratio and p comes from the log-scale Wald z; when
/// any of the four cells is 0, both are computed with 0.5 added to every cell
/// (Haldane-Anscombe). The risk difference is never corrected.
Estimate risk_difference(const TwoByTwo& t, double alpha);  ///< Wald CI (unpooled); p from its z
Estimate risk_ratio(const TwoByTwo& t, double alpha);       ///< CI on the log scale (Katz)
Estimate odds_ratio(const TwoByTwo& t, double alpha);       ///< CI on the log scale (Woolf)
/// Miettinen-Nurminen (1985) score method for p1 - p0 (see binary.cpp): effect p1 - p0; p
/// from the score statistic at 0 (pooled, times MN's N/(N-1) variance factor); CI by
/// inverting the score test, within [-1, 1], finite and defined also when the Wald SE is 0
/// (e.g. 10/10 vs 0/10, or 0/10 vs 0/10 where p = 1). se is the CI-implied
/// (ci_high - ci_low) / (2 z_alpha/2), not a standard error of the estimate. NaN for an
/// empty group.
Estimate risk_difference_score(const TwoByTwo& t, double alpha);
/// The MN score statistic for H0: p1 - p0 = delta, delta in [-1, 1] (else throws):
/// (p1 - p0 - delta) / sqrt(V~), V~ the variance at the restricted MLEs times N/(N-1);
/// 0 when p1 - p0 == delta, +-inf when V~ = 0 otherwise, NaN for an empty group.
double risk_difference_score_z(const TwoByTwo& t, double delta);
double chi_square_p(const TwoByTwo& t);    ///< Pearson, 1 df, no continuity correction
double fisher_exact_p(const TwoByTwo& t);  ///< two-sided: sum of P(table) <= P(observed)
                                           ///< (1 + 1e-7 relative tolerance, as R)

/// One group's weighted summary: what weighted_mean_difference() and
/// standardized_mean_difference() need of a group, so that a group can be summarized
/// where its rows are (e.g. over a walk) and the other one elsewhere.
struct GroupSummary {
  double sum_w = 0.0;  ///< sum w
  /// sum w x / sum w; NaN unless sum w > 0
  double mean = std::numeric_limits<double>::quiet_NaN();
  /// sum(w) / (sum(w)^2 - sum(w^2)) * sum w (x - mean)^2 (n-1 variance for equal weights);
  /// NaN when undefined (sum w not > 0, or one row carries all the weight)
  double variance = std::numeric_limits<double>::quiet_NaN();
  double sum_sq = 0.0;  ///< sum (w (x - mean))^2, for the sandwich SE
};

/// Accumulates a GroupSummary in two passes over the same (x, w) in the same order, as the
/// span functions below do in index order (they are built on it, so the sums agree bitwise).
/// A negative or infinite weight throws std::invalid_argument; a NaN weight is accepted and
/// makes the summary, hence the estimates, NaN.
class GroupMoments {
 public:
  void add(double x, double w = 1.0);         ///< pass 1
  void end_first_pass();                      ///< fixes the mean
  void add_second(double x, double w = 1.0);  ///< pass 2: the same values again
  double mean() const { return mean_; }       ///< after end_first_pass()
  GroupSummary summary() const;               ///< after pass 2

 private:
  double sum_w_ = 0.0, sum_w2_ = 0.0, sum_wx_ = 0.0;
  double mean_ = 0.0, ss_ = 0.0, sum_sq_ = 0.0;
};

/// Standardized mean difference (treated - control) / sqrt((var_t + var_c) / 2), with
/// optional weights (empty = unweighted); variances are weighted when weights are given:
/// sum(w) / (sum(w)^2 - sum(w^2)) * sum w (x - mean_w)^2 (Austin & Stuart 2015).
double standardized_mean_difference(std::span<const double> x, std::span<const std::int8_t> treated,
                                    std::span<const double> weights = {});
/// The same from the groups' summaries: NaN when a variance is undefined or the pooled SD is 0.
double standardized_mean_difference(const GroupSummary& treated, const GroupSummary& control);

/// 1:k nearest-neighbour matching without replacement on the logit of the propensity
/// score, greedy over treated patients in index order; a control is eligible when its
/// distance is at most caliper_sd * SD(logit); ties go to the lower control index.
/// SD(logit) is the pooled sqrt((s_t^2 + s_c^2) / 2); caliper_sd = +infinity: no caliper.
/// Each treated patient takes its k nearest available controls (nearest first) before the
/// next treated patient is considered. O(n log n).
/// Returns, per treated patient (in index order of `treated == 1`), its matched control
/// indices (fewer than k, possibly none, when the caliper excludes the rest).
std::vector<std::vector<std::size_t>> match_nearest(std::span<const double> logit_ps,
                                                    std::span<const std::int8_t> treated, int k,
                                                    double caliper_sd);

/// match_nearest() one treated patient at a time: holds the controls (sorted, with their
/// availability) in O(controls) memory, so the treated patients can be streamed in index
/// order. match_nearest() is this class over its treated patients.
class NearestMatcher {
 public:
  /// `control_logits` by control index (must be finite); `caliper` the largest distance
  /// allowed, in logit units: +infinity for none, NaN (an undefined SD) matches no one.
  NearestMatcher(std::span<const double> control_logits, int k, double caliper);
  /// The next treated patient: its matched control indices, nearest first (fewer than k,
  /// possibly none). Throws std::invalid_argument when `logit` is not finite.
  const std::vector<std::size_t>& match(double logit);

 private:
  std::size_t right(std::size_t i) { return find(next_, i); }
  std::size_t left_plus_one(std::size_t i) { return find(prev_, i); }
  static std::size_t find(std::vector<std::size_t>& link, std::size_t i);
  int k_;
  double caliper_;
  std::vector<std::size_t> order_;  ///< control indices sorted by (logit, index)
  std::vector<double> sorted_logit_;
  std::vector<std::size_t> run_start_;    ///< first sorted position with the same logit
  std::vector<std::size_t> next_, prev_;  ///< availability links (see propensity.cpp)
  std::vector<std::size_t> matched_;
};

/// The caliper of match_nearest() in logit units: caliper_sd * sqrt((s_t^2 + s_c^2) / 2)
/// from the groups' unit-weight variances; +infinity when caliper_sd is; NaN when undefined.
double matching_caliper(double caliper_sd, double treated_variance, double control_variance);

/// Stabilized ATT weights: 1 for treated patients; ps/(1-ps) * (1-P)/P for controls, with
/// P the fraction treated (Austin & Stuart, Stat Med 2015;34:3661-3679), so that the
/// control weights sum to about the number of controls. ps must be in [0, 1]; a control with
/// ps = 1 gets a NaN weight (infinite odds), which makes the estimates below NaN.
std::vector<double> att_weights(std::span<const double> ps, std::span<const std::int8_t> treated);
/// The controls' ATT weights alone, for `n_treated` treated patients (who weigh 1).
std::vector<double> att_control_weights(std::span<const double> control_ps,
                                        std::uint64_t n_treated);

/// Weighted difference in means (treated - control) with a robust (sandwich) SE that
/// treats the weights as fixed; normal CI:
/// se^2 = sum_t w^2 (y - m_t)^2 / (sum_t w)^2 + sum_c w^2 (y - m_c)^2 / (sum_c w)^2.
Estimate weighted_mean_difference(std::span<const double> y, std::span<const std::int8_t> treated,
                                  std::span<const double> weights, double alpha);
/// The same from the groups' summaries (NaN when a group's sum of weights is not > 0).
Estimate weighted_mean_difference(const GroupSummary& treated, const GroupSummary& control,
                                  double alpha);

}  // namespace silico::stats
