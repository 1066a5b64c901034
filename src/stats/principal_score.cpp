#include "stats/principal_score.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace silico::stats {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

CloglogFit cloglog_fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int max_iterations, double tolerance) {
  if (x.rows() != y.size()) throw std::invalid_argument("cloglog_fit: x and y differ in rows");
  const Eigen::Index n = x.rows(), p = x.cols();
  CloglogFit out;
  out.beta = Eigen::VectorXd::Constant(p, kNaN);
  out.se = Eigen::VectorXd::Constant(p, kNaN);
  if (n < p || p == 0) return out;
  // Start as R's binomial family does: mu = (y + 0.5) / 2, eta = log(-log(1 - mu)).
  Eigen::VectorXd eta(n);
  for (Eigen::Index i = 0; i < n; ++i) eta(i) = std::log(-std::log(1.0 - (y(i) + 0.5) / 2.0));
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  Eigen::MatrixXd information(p, p);
  for (int iteration = 1; iteration <= max_iterations; ++iteration) {
    // Working weights and response of Fisher scoring (iteratively reweighted least squares).
    Eigen::VectorXd w(n), z(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double e = std::exp(eta(i));
      const double mu = std::clamp(-std::expm1(-e), 1e-300, 1.0 - 1e-16);
      const double derivative = std::max(e * std::exp(-e), 1e-300);  // d mu / d eta
      w(i) = derivative * derivative / (mu * (1.0 - mu));
      z(i) = eta(i) + (y(i) - mu) / derivative;
    }
    information = x.transpose() * w.asDiagonal() * x;
    const Eigen::LDLT<Eigen::MatrixXd> solver(information);
    if (solver.info() != Eigen::Success || !(solver.rcond() > 1e-14)) return out;
    const Eigen::VectorXd next = solver.solve(x.transpose() * (w.asDiagonal() * z));
    if (!next.allFinite()) return out;
    // Fisher scoring converges linearly for a non-canonical link: stop on the coefficients
    // themselves, not on the deviance (whose change is second order in theirs).
    const double step = (next - beta).cwiseAbs().maxCoeff();
    const double size = 1.0 + next.cwiseAbs().maxCoeff();
    beta = next;
    eta = x * beta;
    out.iterations = iteration;
    if (iteration > 1 && step < tolerance * size) {
      out.converged = true;
      break;
    }
  }
  if (!out.converged) return out;
  // The information at the final beta.
  Eigen::VectorXd w(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double e = std::exp(eta(i));
    const double mu = std::clamp(-std::expm1(-e), 1e-300, 1.0 - 1e-16);
    const double derivative = e * std::exp(-e);
    w(i) = derivative * derivative / (mu * (1.0 - mu));
  }
  information = x.transpose() * w.asDiagonal() * x;
  out.beta = beta;
  out.se = information.inverse().diagonal().cwiseSqrt();
  return out;
}

PrincipalScoreEstimate principal_score_weighting(const Eigen::MatrixXd& x, const std::vector<std::int8_t>& treated,
                                                 const std::vector<std::int8_t>& died, const Eigen::VectorXd& y) {
  const auto n = static_cast<std::size_t>(x.rows());
  if (treated.size() != n || died.size() != n || static_cast<std::size_t>(y.size()) != n) {
    throw std::invalid_argument("principal_score_weighting: rows differ in length");
  }
  const PrincipalScoreEstimate undefined{kNaN, kNaN, kNaN, kNaN};
  // Death by arm: each arm's own cloglog model; an arm in which no one died survives with
  // probability 1 (the fit's intercept would run off to minus infinity).
  CloglogFit fits[2];
  bool no_death[2] = {true, true};
  for (std::size_t i = 0; i < n; ++i) {
    if (died[i] != 0) no_death[treated[i] != 0] = false;
  }
  for (const int arm : {0, 1}) {
    if (no_death[arm]) continue;
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < n; ++i) {
      if (treated[i] == arm) rows.push_back(static_cast<Eigen::Index>(i));
    }
    Eigen::MatrixXd xa(static_cast<Eigen::Index>(rows.size()), x.cols());
    Eigen::VectorXd ya(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t k = 0; k < rows.size(); ++k) {
      xa.row(static_cast<Eigen::Index>(k)) = x.row(rows[k]);
      ya(static_cast<Eigen::Index>(k)) = died[static_cast<std::size_t>(rows[k])];
    }
    fits[arm] = cloglog_fit(xa, ya);
    if (!fits[arm].converged) return undefined;
  }
  double weighted = 0.0, weights = 0.0, control = 0.0;
  std::size_t treated_survivors = 0, control_survivors = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (died[i] != 0) continue;
    const auto row = static_cast<Eigen::Index>(i);
    if (treated[i] == 0) {
      control += y(row);
      ++control_survivors;
      continue;
    }
    // e_z(x) = exp(-exp(x'b_z)): P(survive); w = e_0 / e_1 = exp(exp(x'b_1) - exp(x'b_0)),
    // a hazard term 0 for an arm without deaths.
    const double h1 = no_death[1] ? 0.0 : std::exp(x.row(row).dot(fits[1].beta));
    const double h0 = no_death[0] ? 0.0 : std::exp(x.row(row).dot(fits[0].beta));
    const double w = std::exp(h1 - h0);
    weighted += w * y(row);
    weights += w;
    ++treated_survivors;
  }
  if (treated_survivors == 0 || control_survivors == 0) return undefined;
  PrincipalScoreEstimate out;
  out.mean_treated = weighted / weights;
  out.mean_control = control / static_cast<double>(control_survivors);
  out.effect = out.mean_treated - out.mean_control;
  out.always_survivor_share = weights / static_cast<double>(treated_survivors);
  return out;
}

}  // namespace silico::stats
