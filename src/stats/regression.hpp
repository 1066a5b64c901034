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
double chi_square_p(const TwoByTwo& t);    ///< Pearson, 1 df, no continuity correction
double fisher_exact_p(const TwoByTwo& t);  ///< two-sided: sum of P(table) <= P(observed)
                                           ///< (1 + 1e-7 relative tolerance, as R)

/// Standardized mean difference (treated - control) / sqrt((var_t + var_c) / 2), with
/// optional weights (empty = unweighted); variances are weighted when weights are given:
/// sum(w) / (sum(w)^2 - sum(w^2)) * sum w (x - mean_w)^2 (Austin & Stuart 2015).
double standardized_mean_difference(std::span<const double> x, std::span<const std::int8_t> treated,
                                    std::span<const double> weights = {});

/// 1:k nearest-neighbour matching without replacement on the logit of the propensity
/// score, greedy over treated patients in index order; a control is eligible when its
/// distance is at most caliper_sd * SD(logit); ties go to the lower control index.
/// SD(logit) is the pooled sqrt((s_t^2 + s_c^2) / 2); caliper_sd = +infinity: no caliper.
/// Each treated patient takes its k nearest available controls (nearest first) before the
/// next treated patient is considered. O(n log n).
/// Returns, per treated patient (in index order of `treated == 1`), its matched control
/// indices (fewer than k, possibly none, when the caliper excludes the rest).
std::vector<std::vector<std::size_t>> match_nearest(std::span<const double> logit_ps,
                                                    std::span<const std::int8_t> treated,
                                                    int k, double caliper_sd);

/// Stabilized ATT weights: 1 for treated patients; ps/(1-ps) * (1-P)/P for controls, with
/// P the fraction treated (Austin & Stuart, Stat Med 2015;34:3661-3679), so that the
/// control weights sum to about the number of controls. ps must be in [0, 1]; a control with
/// ps = 1 gets a NaN weight (infinite odds), which makes the estimates below NaN.
std::vector<double> att_weights(std::span<const double> ps, std::span<const std::int8_t> treated);

/// Weighted difference in means (treated - control) with a robust (sandwich) SE that
/// treats the weights as fixed; normal CI:
/// se^2 = sum_t w^2 (y - m_t)^2 / (sum_t w)^2 + sum_c w^2 (y - m_c)^2 / (sum_c w)^2.
Estimate weighted_mean_difference(std::span<const double> y, std::span<const std::int8_t> treated,
                                  std::span<const double> weights, double alpha);

}  // namespace silico::stats
