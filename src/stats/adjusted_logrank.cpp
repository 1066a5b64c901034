/// The covariate-adjusted log-rank test and hazard ratio (Ye, Shao, Yi & Zhao 2023).

#include "stats/adjusted_logrank.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <Eigen/QR>
#include <boost/math/distributions/normal.hpp>

#include "stats/root_finding.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The distinct event times, ascending, with the at-risk counts (time >= t) and events.
struct EventTimes {
  std::vector<double> time, y1, y0, d, d1;
  double n = 0.0;
};

EventTimes event_times(std::span<const double> time, std::span<const std::int8_t> event,
                       std::span<const std::int8_t> treated) {
  std::vector<std::size_t> order(time.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  double n1 = 0.0, n0 = 0.0;
  for (const std::int8_t t : treated) (t ? n1 : n0) += 1.0;
  EventTimes e;
  e.n = n1 + n0;
  double before1 = 0.0, before0 = 0.0;  // rows with an earlier time
  for (std::size_t g = 0; g < order.size();) {
    std::size_t end = g;
    double d = 0.0, d1 = 0.0, rows1 = 0.0, rows0 = 0.0;
    for (; end < order.size() && time[order[end]] == time[order[g]]; ++end) {
      const std::size_t i = order[end];
      (treated[i] ? rows1 : rows0) += 1.0;
      if (event[i]) {
        d += 1.0;
        d1 += treated[i];
      }
    }
    if (d > 0.0) {
      e.time.push_back(time[order[g]]);
      e.y1.push_back(n1 - before1);
      e.y0.push_back(n0 - before0);
      e.d.push_back(d);
      e.d1.push_back(d1);
    }
    before1 += rows1;
    before0 += rows0;
    g = end;
  }
  return e;
}

/// U_L(theta) of the header.
double score(const EventTimes& e, double theta) {
  const double r = std::exp(theta);
  double u = 0.0;
  for (std::size_t k = 0; k < e.time.size(); ++k) u += e.d1[k] - e.d[k] * r * e.y1[k] / (r * e.y1[k] + e.y0[k]);
  return u / e.n;
}

/// sigma_L^2(theta), with the ties factor for the test.
double score_variance(const EventTimes& e, double theta, bool ties_factor) {
  const double r = std::exp(theta);
  double v = 0.0;
  for (std::size_t k = 0; k < e.time.size(); ++k) {
    const double ybar = r * e.y1[k] + e.y0[k];
    const double factor = ties_factor && e.d[k] > 1.0 ? (ybar - e.d[k]) / (ybar - 1.0) : 1.0;
    v += e.d[k] * r * e.y1[k] * e.y0[k] / (ybar * ybar) * factor;
  }
  return v / e.n;
}

/// Each patient's derived outcome O_i at theta (a weighted martingale residual).
Eigen::VectorXd derived_outcomes(const EventTimes& e, double theta, std::span<const double> time,
                                 std::span<const std::int8_t> event, std::span<const std::int8_t> treated) {
  const double r = std::exp(theta);
  const std::size_t k_count = e.time.size();
  std::vector<double> w1(k_count), w0(k_count), cum1(k_count), cum0(k_count);
  double c1 = 0.0, c0 = 0.0;
  for (std::size_t k = 0; k < k_count; ++k) {
    const double ybar = r * e.y1[k] + e.y0[k];
    w1[k] = e.y0[k] / ybar;
    w0[k] = r * e.y1[k] / ybar;
    c1 += w1[k] * e.d[k] / ybar;
    c0 += w0[k] * e.d[k] / ybar;
    cum1[k] = c1;
    cum0[k] = c0;
  }
  Eigen::VectorXd o(static_cast<Eigen::Index>(time.size()));
  for (std::size_t i = 0; i < time.size(); ++i) {
    // Event times up to t_i: [0, k); an event of i is at k - 1.
    const auto k = static_cast<std::size_t>(std::upper_bound(e.time.begin(), e.time.end(), time[i]) - e.time.begin());
    const bool t = treated[i] != 0;
    double value = k == 0 ? 0.0 : -(t ? r * cum1[k - 1] : cum0[k - 1]);
    if (event[i]) value += t ? w1[k - 1] : w0[k - 1];
    o(static_cast<Eigen::Index>(i)) = value;
  }
  return o;
}

/// The arms' regressions of the derived outcomes: the augmentation of U_L and of its variance.
struct Augmentation {
  double score_term = kNaN;     ///< subtracted from U_L
  double variance_term = kNaN;  ///< subtracted from sigma_L^2
};

Augmentation augmentation(const Eigen::VectorXd& o, std::span<const std::int8_t> treated, const Eigen::MatrixXd& x) {
  const Eigen::Index n = x.rows(), p = x.cols();
  if (p == 0) return {0.0, 0.0};  // nothing to adjust for: the log-rank test and Cox (Breslow) estimate
  const Eigen::RowVectorXd mean = x.colwise().mean();
  Eigen::VectorXd coefficients[2];
  double share_treated = 0.0;
  for (const int arm : {0, 1}) {
    std::vector<Eigen::Index> rows;
    for (Eigen::Index i = 0; i < n; ++i) {
      if ((treated[static_cast<std::size_t>(i)] != 0) == (arm == 1)) rows.push_back(i);
    }
    if (static_cast<Eigen::Index>(rows.size()) <= p) return {};
    if (arm == 1) share_treated = static_cast<double>(rows.size()) / static_cast<double>(n);
    Eigen::MatrixXd xa(static_cast<Eigen::Index>(rows.size()), p);
    Eigen::VectorXd oa(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t j = 0; j < rows.size(); ++j) {
      xa.row(static_cast<Eigen::Index>(j)) = x.row(rows[j]);
      oa(static_cast<Eigen::Index>(j)) = o(rows[j]);
    }
    xa.rowwise() -= xa.colwise().mean();
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xa);
    if (qr.rank() < p) return {};
    coefficients[arm] = qr.solve(oa);
  }
  const Eigen::MatrixXd centred = x.rowwise() - mean;
  double term = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const bool t = treated[static_cast<std::size_t>(i)] != 0;
    const double fitted = centred.row(i).dot(coefficients[t ? 1 : 0]);
    term += t ? fitted : -fitted;
  }
  const Eigen::MatrixXd covariance = centred.transpose() * centred / static_cast<double>(n - 1);
  const Eigen::VectorXd b = coefficients[0] + coefficients[1];
  return {term / static_cast<double>(n),
          share_treated * (1.0 - share_treated) * b.dot(covariance * b)};
}

/// The root of a decreasing score in [-20, 20] to 1e-12; NaN without a sign change.
template <class U>
double score_root(U&& u) {
  constexpr double kBound = 20.0;
  const double lo = -u(-kBound), hi = -u(kBound);  // -u is increasing
  if (!(lo < 0.0 && hi > 0.0)) return kNaN;
  return increasing_root([&](double theta) { return -u(theta); }, -kBound, lo, kBound, hi, 1e-12);
}

}  // namespace

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

  AdjustedLogrankFit fit{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  const EventTimes e = event_times(time, event, treated);
  if (e.time.empty()) return fit;

  // The test: derived outcomes at theta = 0, the ties factor.
  const Augmentation at_zero = augmentation(derived_outcomes(e, 0.0, time, event, treated), treated, x);
  const double sigma2_test = score_variance(e, 0.0, true) - at_zero.variance_term;
  fit.sigma2_test = sigma2_test;
  fit.z = std::sqrt(e.n) * (score(e, 0.0) - at_zero.score_term) / std::sqrt(sigma2_test);
  if (std::isfinite(fit.z)) fit.p = 2.0 * boost::math::cdf(boost::math::normal(), -std::abs(fit.z));

  // The estimate: derived outcomes at the unadjusted estimate.
  const double theta_l = score_root([&](double theta) { return score(e, theta); });
  fit.unadjusted_log_hazard_ratio = theta_l;
  if (std::isnan(theta_l)) return fit;
  const double sigma2_l_at_l = score_variance(e, theta_l, false);
  fit.unadjusted_se = 1.0 / std::sqrt(e.n * sigma2_l_at_l);
  const Augmentation a = augmentation(derived_outcomes(e, theta_l, time, event, treated), treated, x);
  if (std::isnan(a.score_term)) return fit;
  const double theta_cl = score_root([&](double theta) { return score(e, theta) - a.score_term; });
  fit.log_hazard_ratio = theta_cl;
  if (std::isnan(theta_cl)) return fit;
  const double g = score_variance(e, theta_cl, false);
  fit.se = std::sqrt((g - a.variance_term) / (g * g) / e.n);
  fit.se_unadjusted_plugin = std::sqrt((sigma2_l_at_l - a.variance_term) / (sigma2_l_at_l * sigma2_l_at_l) / e.n);
  return fit;
}

}  // namespace silico::stats
