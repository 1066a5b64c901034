/// The covariate-adjusted log-rank test and hazard ratio (Ye, Shao, Yi & Zhao 2023), from
/// walks over rows in survival order: nothing per patient is held, so memory does not grow
/// with the trial.

#include "stats/adjusted_logrank.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <Eigen/QR>
#include <boost/math/distributions/normal.hpp>

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Walks the rows, censored at the cut, one group of equal times at a time: on_row for each
/// row of a group, then on_group_end once the group is complete (the next time differs).
template <class OnRow, class OnGroupEnd>
void walk_groups(const SurvivalSource& rows, double cut, OnRow&& on_row, OnGroupEnd&& on_group_end) {
  bool open = false;
  double current = 0.0;
  rows.forward([&](std::span<const SurvivalRow> batch) {
    for (const SurvivalRow& r : batch) {
      const bool after_cut = r.time > cut;
      const double time = after_cut ? cut : r.time;
      if (open && time != current) on_group_end();
      open = true;
      current = time;
      on_row(r, !after_cut && r.event != 0);
    }
  });
  if (open) on_group_end();
}

/// What one walk learns of the arms: sizes, covariate means and centred cross-products.
struct Arms {
  double n[2] = {0.0, 0.0};
  Eigen::VectorXd mean[2];
  Eigen::MatrixXd m2[2];  ///< sum (x - mean)(x - mean)' within the arm (Welford)
  double total() const { return n[0] + n[1]; }
};

Arms arm_moments(const SurvivalSource& rows, std::size_t first, Eigen::Index p) {
  Arms a;
  for (int k : {0, 1}) {
    a.mean[k] = Eigen::VectorXd::Zero(p);
    a.m2[k] = Eigen::MatrixXd::Zero(p, p);
  }
  Eigen::VectorXd x(p), delta(p), after(p);  // reused: no allocation per row
  rows.forward([&](std::span<const SurvivalRow> batch) {
    for (const SurvivalRow& r : batch) {
      if (r.group != 0 && r.group != 1) throw std::invalid_argument("adjusted_logrank: each row's group must be 0 or 1");
      if (!(r.time >= 0.0)) throw std::invalid_argument("adjusted_logrank: times must be >= 0");
      for (Eigen::Index j = 0; j < p; ++j) x(j) = r.x[first + static_cast<std::size_t>(j)];
      if (!x.allFinite()) throw std::invalid_argument("adjusted_logrank: covariates must be finite");
      const int k = r.group;
      a.n[k] += 1.0;
      delta = x - a.mean[k];
      a.mean[k] += delta / a.n[k];
      after = x - a.mean[k];
      a.m2[k].noalias() += delta * after.transpose();
    }
  });
  return a;
}

/// U_L(theta), sigma_L^2(theta) and sigma_L^2 with the ties factor, each divided by n.
struct Score {
  double u = 0.0, variance = 0.0, variance_ties = 0.0;
  double events = 0.0;
};

Score score(const SurvivalSource& rows, double cut, const Arms& arms, double theta) {
  const double r = std::exp(theta);
  Score s;
  double before[2] = {0.0, 0.0}, in_group[2] = {0.0, 0.0}, d = 0.0, d1 = 0.0;
  walk_groups(
      rows, cut,
      [&](const SurvivalRow& row, bool event) {
        in_group[row.group] += 1.0;
        if (event) {
          d += 1.0;
          d1 += row.group;
        }
      },
      [&] {
        if (d > 0.0) {
          const double y1 = arms.n[1] - before[1], y0 = arms.n[0] - before[0];
          const double ybar = r * y1 + y0;
          s.u += d1 - d * r * y1 / ybar;
          const double v = d * r * y1 * y0 / (ybar * ybar);
          s.variance += v;
          s.variance_ties += d > 1.0 ? v * (ybar - d) / (ybar - 1.0) : v;
          s.events += d;
        }
        for (int k : {0, 1}) {
          before[k] += in_group[k];
          in_group[k] = 0.0;
        }
        d = d1 = 0.0;
      });
  const double n = arms.total();
  s.u /= n;
  s.variance /= n;
  s.variance_ties /= n;
  return s;
}

/// The arms' regressions of the derived outcomes O_i at theta on the covariates (centred
/// within the arm): the augmentation of U_L and of its variance. The O_i enter only through
/// sum (x - mean_a) O_i, which a walk accumulates group by group: within a group of equal
/// times, O_i = event_i w_a - e^(theta a) C_a, C_a the cumulative increment through the group.
struct Augmentation {
  double score_term = kNaN;     ///< subtracted from U_L
  double variance_term = kNaN;  ///< subtracted from sigma_L^2
};

Augmentation augmentation(const SurvivalSource& rows, std::size_t first, double cut, const Arms& arms,
                          double theta) {
  const Eigen::Index p = arms.mean[0].size();
  if (p == 0) return {0.0, 0.0};  // nothing to adjust for: the log-rank test and Cox (Breslow) estimate
  if (arms.n[0] <= static_cast<double>(p) || arms.n[1] <= static_cast<double>(p)) return {};
  const double r = std::exp(theta), factor[2] = {1.0, r};
  Eigen::VectorXd xo[2] = {Eigen::VectorXd::Zero(p), Eigen::VectorXd::Zero(p)};
  Eigen::VectorXd group_x[2] = {Eigen::VectorXd::Zero(p), Eigen::VectorXd::Zero(p)};
  Eigen::VectorXd group_event_x[2] = {Eigen::VectorXd::Zero(p), Eigen::VectorXd::Zero(p)};
  double before[2] = {0.0, 0.0}, in_group[2] = {0.0, 0.0}, cumulative[2] = {0.0, 0.0}, d = 0.0;
  Eigen::VectorXd centred(p);
  walk_groups(
      rows, cut,
      [&](const SurvivalRow& row, bool event) {
        const int k = row.group;
        for (Eigen::Index j = 0; j < p; ++j) centred(j) = row.x[first + static_cast<std::size_t>(j)] - arms.mean[k](j);
        in_group[k] += 1.0;
        group_x[k] += centred;
        if (event) {
          d += 1.0;
          group_event_x[k] += centred;
        }
      },
      [&] {
        double w[2] = {0.0, 0.0};
        if (d > 0.0) {
          const double y1 = arms.n[1] - before[1], y0 = arms.n[0] - before[0];
          const double ybar = r * y1 + y0;
          w[1] = y0 / ybar;
          w[0] = r * y1 / ybar;
          for (int k : {0, 1}) cumulative[k] += w[k] * d / ybar;
        }
        for (int k : {0, 1}) {
          xo[k] += w[k] * group_event_x[k] - factor[k] * cumulative[k] * group_x[k];
          before[k] += in_group[k];
          in_group[k] = 0.0;
          group_x[k].setZero();
          group_event_x[k].setZero();
        }
        d = 0.0;
      });
  Eigen::VectorXd b[2];
  for (int k : {0, 1}) {
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(arms.m2[k]);
    if (qr.rank() < p) return {};
    b[k] = qr.solve(xo[k]);
  }
  const double n = arms.total();
  const Eigen::VectorXd mean = (arms.n[0] * arms.mean[0] + arms.n[1] * arms.mean[1]) / n;
  const Eigen::VectorXd between = arms.mean[1] - arms.mean[0];
  const Eigen::MatrixXd covariance =
      (arms.m2[0] + arms.m2[1] + arms.n[0] * arms.n[1] / n * between * between.transpose()) / (n - 1.0);
  const Eigen::VectorXd sum = b[0] + b[1];
  const double share = arms.n[1] / n;
  return {(arms.n[1] * (arms.mean[1] - mean).dot(b[1]) - arms.n[0] * (arms.mean[0] - mean).dot(b[0])) / n,
          share * (1.0 - share) * sum.dot(covariance * sum)};
}

/// The root of U_L(theta) - shift, decreasing in theta, in [-20, 20]: Newton steps (the
/// derivative is -sigma_L^2) kept inside a bracket that each evaluation narrows, bisecting
/// when a step would leave it; to 1e-12. NaN without a sign change.
double score_root(const SurvivalSource& rows, double cut, const Arms& arms, double shift, double start) {
  constexpr double kBound = 20.0;
  double lo = -kBound, hi = kBound;
  if (!(score(rows, cut, arms, lo).u - shift > 0.0 && score(rows, cut, arms, hi).u - shift < 0.0)) return kNaN;
  double theta = std::clamp(start, lo, hi);
  for (int it = 0; it < 200; ++it) {
    const Score s = score(rows, cut, arms, theta);
    const double g = s.u - shift;
    if (g == 0.0) return theta;
    (g > 0.0 ? lo : hi) = theta;
    double next = s.variance > 0.0 ? theta + g / s.variance : kNaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2.0;
    if (std::abs(next - theta) <= 1e-12 * std::max(1.0, std::abs(theta)) || hi - lo <= 1e-12) return next;
    theta = next;
  }
  return theta;
}

}  // namespace

AdjustedLogrankFit adjusted_logrank(const SurvivalSource& rows, std::size_t first_covariate, double cut) {
  if (first_covariate > rows.covariates()) {
    throw std::invalid_argument("adjusted_logrank: the covariates start after the rows' last column");
  }
  if (std::isnan(cut) || cut < 0.0) throw std::invalid_argument("adjusted_logrank: the cut must be >= 0");
  const auto p = static_cast<Eigen::Index>(rows.covariates() - first_covariate);
  AdjustedLogrankFit fit{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  const Arms arms = arm_moments(rows, first_covariate, p);
  if (arms.n[0] == 0.0 || arms.n[1] == 0.0) return fit;
  const double n = arms.total();

  // The test: derived outcomes at theta = 0, the ties factor.
  const Score at_zero = score(rows, cut, arms, 0.0);
  if (at_zero.events == 0.0) return fit;
  const Augmentation zero = augmentation(rows, first_covariate, cut, arms, 0.0);
  fit.sigma2_test = at_zero.variance_ties - zero.variance_term;
  fit.z = std::sqrt(n) * (at_zero.u - zero.score_term) / std::sqrt(fit.sigma2_test);
  if (std::isfinite(fit.z)) fit.p = 2.0 * boost::math::cdf(boost::math::normal(), -std::abs(fit.z));

  // The estimate: derived outcomes at the unadjusted estimate.
  const double theta_l = score_root(rows, cut, arms, 0.0, 0.0);
  fit.unadjusted_log_hazard_ratio = theta_l;
  if (std::isnan(theta_l)) return fit;
  const double sigma2_l_at_l = score(rows, cut, arms, theta_l).variance;
  fit.unadjusted_se = 1.0 / std::sqrt(n * sigma2_l_at_l);
  const Augmentation a = augmentation(rows, first_covariate, cut, arms, theta_l);
  if (std::isnan(a.score_term)) return fit;
  const double theta_cl = score_root(rows, cut, arms, a.score_term, theta_l);
  fit.log_hazard_ratio = theta_cl;
  if (std::isnan(theta_cl)) return fit;
  const double g = score(rows, cut, arms, theta_cl).variance;
  fit.se = std::sqrt((g - a.variance_term) / (g * g) / n);
  fit.se_unadjusted_plugin = std::sqrt((sigma2_l_at_l - a.variance_term) / (sigma2_l_at_l * sigma2_l_at_l) / n);
  return fit;
}

AdjustedLogrankFit adjusted_logrank(std::span<const double> time, std::span<const std::int8_t> event,
                                    std::span<const std::int8_t> treated, const Eigen::MatrixXd& x) {
  const std::size_t n = time.size();
  if (event.size() != n || treated.size() != n || static_cast<std::size_t>(x.rows()) != n) {
    throw std::invalid_argument("adjusted_logrank: time, event, treated and the rows of x must have one entry per patient");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!(time[i] >= 0.0) || (event[i] != 0 && event[i] != 1) || (treated[i] != 0 && treated[i] != 1)) {
      throw std::invalid_argument("adjusted_logrank: times must be >= 0, events and arms 0 or 1");
    }
  }
  if (!x.allFinite()) throw std::invalid_argument("adjusted_logrank: covariates must be finite");
  const auto p = static_cast<std::size_t>(x.cols());
  const std::vector<double> row_major = [&] {
    std::vector<double> v(n * p);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < p; ++j) v[i * p + j] = x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    }
    return v;
  }();
  const InMemorySurvival rows(time, event, p, row_major, {}, treated);
  return adjusted_logrank(rows, 0);
}

}  // namespace silico::stats
