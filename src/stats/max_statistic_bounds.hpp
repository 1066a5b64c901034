#pragma once
/// @file
/// @brief Group-sequential efficacy bounds for the maximum of several correlated tests
/// (MaxCombo) or for one test whose information is its own score variance (a weighted
/// log-rank test), computed look by look from the scores' covariance observed at each look
/// and the alpha the design spends by it. Pure.
///
/// Model (as gsDesign2's gs_design_combo/gs_power_combo, Wang et al. 2019): the scores
/// U_j(t) of J weighted log-rank tests are processes with independent increments under H0,
/// so Cov(U_j(t_i), U_l(t_m)) = C_jl(t_min(i,m)), the covariance at the earlier look. The
/// standardized statistics Z_ji = U_j(t_i) / sqrt(V_j(t_i)) (oriented so that large values
/// favour treatment) are then jointly normal with
///   corr(Z_ji, Z_lm) = C_jl(t_min(i,m)) / sqrt(V_j(t_i) V_l(t_m)).
/// gsDesign2 takes C from the design's expected values; here each look's C is the one
/// observed at that look, as an analysis at that time would have it. Re-estimated weights
/// make the observed increments C(t_k) - C(t_{k-1}) only approximately positive
/// semi-definite: each increment's negative eigenvalues are set to 0 (the nearest PSD
/// matrix in the Frobenius norm) before the joint matrix is built, so it is always a valid
/// correlation matrix.
///
/// Look k's bound b_k solves P_0(max_j Z_ji < b_i for every look i <= k) = 1 - a_k, a_k
/// the cumulative alpha spent by look k, given the bounds of the earlier looks: the
/// probability of a first crossing at look k is a_k - a_{k-1} (plus what earlier looks
/// left unspent). With one test this is the spending design of group_sequential_design.hpp
/// at the information fractions V(t_i) / V(t_k).

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "stats/mvnormal.hpp"

namespace silico::stats {

class MaxStatisticBounds {
 public:
  /// J >= 1 tests; J times the number of looks may not exceed 20 (mvn_probability()).
  explicit MaxStatisticBounds(std::size_t tests, MvnOptions options = default_options());

  /// Adds the next look: the J x J covariance of the scores (row-major; the diagonal is
  /// each test's variance V_j > 0) and the cumulative alpha spent by this look (in
  /// (0, 1), not below the previous look's), and solves its bound on the Z scale: +inf
  /// when nothing is left to spend at it. std::invalid_argument for a bad covariance
  /// (wrong size, NaN, a variance <= 0, no information), decreasing alpha, or more than
  /// 20 / J looks.
  double add_look(std::span<const double> covariance, double cumulative_alpha);

  /// add_look() without the root search, for a trial that may stop here: the bound is
  /// solved only if solve_bound() is called (before the next look is added), which a
  /// trial that stops at this look, or that has no later look, never needs.
  void push_look(std::span<const double> covariance, double cumulative_alpha);
  /// The last pushed look's bound (solved on the first call).
  double solve_bound();
  /// Whether max_j Z_jk = `statistic` at the last pushed look crosses its bound: the
  /// probability under H0 of a first crossing by this look with `statistic` in place of
  /// the bound is at most the cumulative alpha (one probability instead of a root
  /// search; the same decision as statistic >= solve_bound(), to the precision of
  /// mvn_probability()).
  bool crosses(double statistic) const;

  /// P_0(a first crossing at or before the last solved look) for the bounds so far, i.e.
  /// 1 - P(max_j Z_ji < b_i, every look i): what the bounds spend in fact (a_k to the
  /// precision of the root search and of mvn_probability()).
  double crossing_probability() const;

  std::size_t looks() const { return bounds_.size(); }
  const std::vector<double>& bounds() const { return bounds_; }
  /// The joint correlation of the Z_ji over the looks so far, (look, test) in look-major
  /// order, row-major.
  std::vector<double> joint_correlation() const;

  /// Accuracy of the probabilities: absolute 2e-5 (3 standard errors of the lattice rule),
  /// from 250 up to 16,000 points per shift, each evaluation stopped as soon as it tells
  /// on which side of its target it lies (MvnOptions::decide_against). A bound is then
  /// within about 1e-3 on the Z scale of the exact one at the levels of a trial (alpha of
  /// a few per cent): the cost of doing this in every simulated trial.
  static MvnOptions default_options();

 private:
  /// P(max_j Z_ji < b_i at the looks so far, max_j Z_jk < bound at the new one); with
  /// `threshold`, only as precise as telling P from it needs (MvnOptions::decide_against).
  double probability_below(double bound, double threshold = std::numeric_limits<double>::quiet_NaN()) const;

  std::size_t tests_;
  MvnOptions options_;
  /// Cumulative covariance after clipping each increment to PSD, one J x J per look.
  std::vector<Eigen::MatrixXd> cumulative_;
  std::vector<double> bounds_;
  double alpha_ = 0.0;
  bool pending_ = false;  ///< the last pushed look's bound is not solved yet
};

}  // namespace silico::stats
