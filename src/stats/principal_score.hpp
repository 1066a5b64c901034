#pragma once
/// @file
/// @brief The survivor average causal effect (the principal stratum of patients who would
/// survive under either arm) by principal score weighting (Ding & Lu 2017, J. R. Stat.
/// Soc. B 79:757-777), with the principal scores from complementary log-log regressions
/// of death. Pure: no MPI, HDF5 or YAML.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace silico::stats {

/// Binary regression with the complementary log-log link, P(y = 1 | x) = 1 - exp(-exp(x'b))
/// (x includes the intercept column if wanted), by Fisher scoring, as R's
/// glm(family = binomial(link = "cloglog")), iterated until no coefficient moves by more
/// than `tolerance` relative to 1 + the largest. It is the exact form of the probability of an
/// event by a fixed time when its hazard is constant in time and proportional in x. beta
/// and se NaN when the fit does not converge (separation, collinear columns, n < p).
struct CloglogFit {
  Eigen::VectorXd beta;
  Eigen::VectorXd se;  ///< sqrt(diag of the inverse Fisher information)
  bool converged = false;
  int iterations = 0;
};
CloglogFit cloglog_fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int max_iterations = 100,
                       double tolerance = 1e-10);

/// Principal score weighting under monotonicity (the treated arm never causes a death the
/// control arm would not: control survivors are all always-survivors) and principal
/// ignorability (given x, the outcome of an always-survivor does not depend on the
/// stratum): with e_z(x) = P(survive | arm z, x) fitted in each arm,
///   mean_treated = sum over treated survivors of w_i y_i / sum w_i, w_i = e_0(x_i) / e_1(x_i),
///   mean_control = the mean outcome of the control survivors,
/// and effect = mean_treated - mean_control. Rows: x (with the intercept column), treated
/// 0/1, died 0/1 (by the end of follow-up), y (read for survivors only). An arm in which no
/// one died has e_z = 1 (no fit). NaN when an arm has no survivor or a score fit fails.
struct PrincipalScoreEstimate {
  double effect = 0.0;
  double mean_treated = 0.0;
  double mean_control = 0.0;
  /// The estimated share of always-survivors among the treated survivors: mean of w over
  /// them (each treated survivor is one with probability w_i).
  double always_survivor_share = 0.0;
};
PrincipalScoreEstimate principal_score_weighting(const Eigen::MatrixXd& x, const std::vector<std::int8_t>& treated,
                                                 const std::vector<std::int8_t>& died, const Eigen::VectorXd& y);

}  // namespace silico::stats
