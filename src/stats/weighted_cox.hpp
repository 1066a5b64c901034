#pragma once
/// @file
/// @brief A Cox model of counting-process rows (start, stop] with case weights, and its
/// robust (sandwich) variance clustered by patient: what an inverse-probability-weighted
/// analysis whose weights change over a patient's follow-up needs (each patient split
/// into rows of constant weight). As R's
///   coxph(Surv(start, stop, event) ~ x, weights = w, cluster = id, ties = "breslow").
/// Pure: no MPI, HDF5 or YAML.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace silico::stats {

struct WeightedCoxRows {
  std::vector<double> start, stop;  ///< at risk over (start, stop]
  std::vector<std::int8_t> event;   ///< 1 when the row ends with an event at stop
  std::vector<double> weight;       ///< case weight (> 0)
  std::vector<std::uint64_t> cluster;  ///< the patient: rows of one patient share it
  Eigen::MatrixXd x;                ///< rows x p
};

struct WeightedCoxFit {
  Eigen::VectorXd beta;
  Eigen::MatrixXd model_covariance;   ///< inverse of the weighted information
  Eigen::MatrixXd robust_covariance;  ///< I^-1 (sum over clusters of U_c U_c') I^-1
  bool converged = false;
  int iterations = 0;
};

/// Breslow's partial likelihood with weights, maximized by Newton-Raphson with step
/// halving. Throws std::invalid_argument on rows of different lengths, a weight that is not
/// positive and finite, or stop <= start. Not converged (beta NaN) when there is no event
/// or the information is singular (a covariate constant over the risk sets).
WeightedCoxFit weighted_cox_fit(const WeightedCoxRows& rows, int max_iterations = 30, double tolerance = 1e-10);

}  // namespace silico::stats
