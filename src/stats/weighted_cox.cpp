#include "stats/weighted_cox.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

namespace silico::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The weighted risk-set sums at each distinct event time, from a sweep down the times.
struct EventTime {
  double time = 0.0;
  double events = 0.0;       ///< sum of the weights of the rows with an event at it
  Eigen::VectorXd event_x;   ///< their weighted covariate sum
  double s0 = 0.0;           ///< sum over the risk set of w exp(eta)
  Eigen::VectorXd s1;        ///< ... of w exp(eta) x
  Eigen::MatrixXd s2;        ///< ... of w exp(eta) x x'
};

class Sweep {
 public:
  explicit Sweep(const WeightedCoxRows& rows) : rows_(rows), n_(rows.start.size()), p_(rows.x.cols()) {
    by_stop_.resize(n_);
    std::iota(by_stop_.begin(), by_stop_.end(), std::size_t{0});
    by_start_ = by_stop_;
    std::sort(by_stop_.begin(), by_stop_.end(), [&](std::size_t a, std::size_t b) { return rows.stop[a] > rows.stop[b]; });
    std::sort(by_start_.begin(), by_start_.end(),
              [&](std::size_t a, std::size_t b) { return rows.start[a] > rows.start[b]; });
    for (std::size_t i = 0; i < n_; ++i) {
      if (rows.event[i] != 0) times_.push_back(rows.stop[i]);
    }
    std::sort(times_.begin(), times_.end(), std::greater<>());
    times_.erase(std::unique(times_.begin(), times_.end()), times_.end());
  }

  bool has_events() const { return !times_.empty(); }

  /// The risk-set sums at every event time (descending) for linear predictor `eta`.
  std::vector<EventTime> at(const Eigen::VectorXd& eta) const {
    std::vector<EventTime> out;
    double s0 = 0.0;
    Eigen::VectorXd s1 = Eigen::VectorXd::Zero(p_);
    Eigen::MatrixXd s2 = Eigen::MatrixXd::Zero(p_, p_);
    std::size_t next_stop = 0, next_start = 0;
    const auto add = [&](std::size_t i, double sign) {
      const double r = sign * rows_.weight[i] * std::exp(eta(static_cast<Eigen::Index>(i)));
      const auto xi = rows_.x.row(static_cast<Eigen::Index>(i)).transpose();
      s0 += r;
      s1 += r * xi;
      s2 += r * xi * xi.transpose();
    };
    for (const double t : times_) {
      EventTime e;
      e.time = t;
      e.event_x = Eigen::VectorXd::Zero(p_);
      // Rows that end at or after t enter the risk set; those that start at or after t are
      // not at risk at t (entered above, since stop > start >= t).
      for (; next_stop < n_ && rows_.stop[by_stop_[next_stop]] >= t; ++next_stop) {
        const std::size_t i = by_stop_[next_stop];
        add(i, 1.0);
        if (rows_.stop[i] == t && rows_.event[i] != 0) {
          e.events += rows_.weight[i];
          e.event_x += rows_.weight[i] * rows_.x.row(static_cast<Eigen::Index>(i)).transpose();
        }
      }
      for (; next_start < n_ && rows_.start[by_start_[next_start]] >= t; ++next_start) add(by_start_[next_start], -1.0);
      e.s0 = s0;
      e.s1 = s1;
      e.s2 = s2;
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  const WeightedCoxRows& rows_;
  std::size_t n_;
  Eigen::Index p_;
  std::vector<std::size_t> by_stop_, by_start_;
  std::vector<double> times_;  ///< distinct event times, descending
};

struct Derivatives {
  double loglik = 0.0;
  Eigen::VectorXd score;
  Eigen::MatrixXd information;
};

Derivatives derivatives(const std::vector<EventTime>& times, const Eigen::VectorXd& beta) {
  const auto p = beta.size();
  Derivatives d{0.0, Eigen::VectorXd::Zero(p), Eigen::MatrixXd::Zero(p, p)};
  for (const EventTime& e : times) {
    if (e.events == 0.0) continue;
    const Eigen::VectorXd mean = e.s1 / e.s0;
    d.loglik += e.event_x.dot(beta) - e.events * std::log(e.s0);
    d.score += e.event_x - e.events * mean;
    d.information += e.events * (e.s2 / e.s0 - mean * mean.transpose());
  }
  return d;
}

}  // namespace

WeightedCoxFit weighted_cox_fit(const WeightedCoxRows& rows, int max_iterations, double tolerance) {
  const std::size_t n = rows.start.size();
  if (rows.stop.size() != n || rows.event.size() != n || rows.weight.size() != n || rows.cluster.size() != n ||
      static_cast<std::size_t>(rows.x.rows()) != n) {
    throw std::invalid_argument("weighted_cox_fit: rows differ in length");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!(rows.weight[i] > 0.0) || !std::isfinite(rows.weight[i])) {
      throw std::invalid_argument("weighted_cox_fit: a weight is not positive and finite");
    }
    if (!(rows.stop[i] > rows.start[i])) throw std::invalid_argument("weighted_cox_fit: a row has stop <= start");
  }
  const Eigen::Index p = rows.x.cols();
  WeightedCoxFit fit;
  fit.beta = Eigen::VectorXd::Constant(p, kNaN);
  fit.model_covariance = fit.robust_covariance = Eigen::MatrixXd::Constant(p, p, kNaN);
  const Sweep sweep(rows);
  if (!sweep.has_events() || p == 0) return fit;

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  Derivatives d = derivatives(sweep.at(rows.x * beta), beta);
  for (int iteration = 1; iteration <= max_iterations; ++iteration) {
    const Eigen::LDLT<Eigen::MatrixXd> solver(d.information);
    if (solver.info() != Eigen::Success || !(solver.rcond() > 1e-12)) return fit;
    Eigen::VectorXd step = solver.solve(d.score);
    Eigen::VectorXd next = beta + step;
    Derivatives nd = derivatives(sweep.at(rows.x * next), next);
    // Halve a step that lowers the log-likelihood (as coxph does).
    for (int halving = 0; halving < 30 && !(nd.loglik >= d.loglik - 1e-12 * std::abs(d.loglik)); ++halving) {
      step /= 2.0;
      next = beta + step;
      nd = derivatives(sweep.at(rows.x * next), next);
    }
    const bool small = step.cwiseAbs().maxCoeff() < std::sqrt(tolerance) * std::max(1.0, next.cwiseAbs().maxCoeff());
    const bool flat = std::abs(nd.loglik - d.loglik) <= tolerance * std::abs(nd.loglik);
    beta = next;
    d = std::move(nd);
    fit.iterations = iteration;
    if (small && flat) {
      fit.converged = beta.allFinite();
      break;
    }
  }
  if (!fit.converged) return fit;

  const std::vector<EventTime> times = sweep.at(rows.x * beta);
  const Eigen::MatrixXd inverse = d.information.inverse();
  fit.beta = beta;
  fit.model_covariance = inverse;

  // Score residuals (counting-process form): for row j,
  //   r_j = event_j (x_j - xbar(stop_j)) - exp(eta_j) sum over event times t in (start_j, stop_j]
  //         of (x_j - xbar(t)) dLambda(t),  dLambda(t) = events(t) / s0(t),
  // from the cumulative sums A(s) = sum_{t <= s} dLambda and B(s) = sum_{t <= s} xbar dLambda.
  std::vector<double> ascending;  // event times, ascending
  std::vector<double> a_sum;      // A at each
  std::vector<Eigen::VectorXd> b_sum, mean_at;
  double a = 0.0;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(p);
  for (auto it = times.rbegin(); it != times.rend(); ++it) {
    const Eigen::VectorXd mean = it->s1 / it->s0;
    const double hazard = it->events / it->s0;
    a += hazard;
    b += hazard * mean;
    ascending.push_back(it->time);
    a_sum.push_back(a);
    b_sum.push_back(b);
    mean_at.push_back(mean);
  }
  const auto cumulative = [&](double s, double& a_out, Eigen::VectorXd& b_out) {
    const auto k = static_cast<std::size_t>(std::upper_bound(ascending.begin(), ascending.end(), s) - ascending.begin());
    if (k == 0) {
      a_out = 0.0;
      b_out.setZero(p);
    } else {
      a_out = a_sum[k - 1];
      b_out = b_sum[k - 1];
    }
  };
  std::map<std::uint64_t, Eigen::VectorXd> by_cluster;
  double a_stop = 0.0, a_start = 0.0;
  Eigen::VectorXd b_stop(p), b_start(p);
  for (std::size_t j = 0; j < n; ++j) {
    const auto row = static_cast<Eigen::Index>(j);
    const Eigen::VectorXd xj = rows.x.row(row).transpose();
    cumulative(rows.stop[j], a_stop, b_stop);
    cumulative(rows.start[j], a_start, b_start);
    const double risk = std::exp(xj.dot(beta));
    Eigen::VectorXd r = -risk * (xj * (a_stop - a_start) - (b_stop - b_start));
    if (rows.event[j] != 0) {
      const auto k = static_cast<std::size_t>(std::lower_bound(ascending.begin(), ascending.end(), rows.stop[j]) -
                                              ascending.begin());
      r += xj - mean_at[k];
    }
    auto [it, inserted] = by_cluster.try_emplace(rows.cluster[j], Eigen::VectorXd::Zero(p));
    it->second += rows.weight[j] * r;
  }
  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(p, p);
  for (const auto& [cluster, u] : by_cluster) meat += u * u.transpose();
  fit.robust_covariance = inverse * meat * inverse;
  return fit;
}

}  // namespace silico::stats
