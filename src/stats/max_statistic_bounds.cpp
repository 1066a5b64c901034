/// @file
/// @brief Look-by-look efficacy bounds of a maximum of correlated tests.

#include "stats/max_statistic_bounds.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <Eigen/Eigenvalues>
#include <boost/math/distributions/normal.hpp>

#include "stats/root_finding.hpp"

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxDimension = 20;

double upper_quantile(double tail) {
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<>(), tail));
}

/// The nearest positive semi-definite matrix (Frobenius norm) of a symmetric one: its
/// negative eigenvalues set to 0.
Eigen::MatrixXd clip_to_psd(const Eigen::MatrixXd& m) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(m);
  if (eigen.eigenvalues().minCoeff() >= 0.0) return m;
  const Eigen::VectorXd clipped = eigen.eigenvalues().cwiseMax(0.0);
  return eigen.eigenvectors() * clipped.asDiagonal() * eigen.eigenvectors().transpose();
}

}  // namespace

MvnOptions MaxStatisticBounds::default_options() {
  MvnOptions options;
  options.abs_tol = 1e-4;
  options.min_points = 250;
  options.max_points = 8000;
  return options;
}

MaxStatisticBounds::MaxStatisticBounds(std::size_t tests, MvnOptions options) : tests_(tests), options_(options) {
  if (tests == 0 || tests > kMaxDimension) throw std::invalid_argument("MaxStatisticBounds: 1 to 20 tests");
}

std::vector<double> MaxStatisticBounds::joint_correlation() const {
  const std::size_t n = cumulative_.size() * tests_;
  std::vector<double> r(n * n);
  for (std::size_t a = 0; a < n; ++a) {
    const std::size_t look_a = a / tests_, test_a = a % tests_;
    for (std::size_t b = 0; b < n; ++b) {
      const std::size_t look_b = b / tests_, test_b = b % tests_;
      const auto& earlier = cumulative_[std::min(look_a, look_b)];
      const double va = cumulative_[look_a](test_a, test_a), vb = cumulative_[look_b](test_b, test_b);
      r[a * n + b] = a == b ? 1.0 : earlier(test_a, test_b) / std::sqrt(va * vb);
    }
  }
  return r;
}

double MaxStatisticBounds::probability_below(double bound, double threshold) const {
  // The looks so far with the candidate bound for the last; a look with an infinite bound
  // constrains nothing and leaves the integral.
  std::vector<double> bounds = bounds_;
  bounds.push_back(bound);
  const std::vector<double> full = joint_correlation();
  const std::size_t n = bounds.size() * tests_;
  std::vector<std::size_t> kept;
  for (std::size_t a = 0; a < n; ++a) {
    if (std::isfinite(bounds[a / tests_])) kept.push_back(a);
  }
  if (kept.empty()) return 1.0;
  std::vector<double> lower(kept.size(), -kInf), upper(kept.size()), r(kept.size() * kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    upper[i] = bounds[kept[i] / tests_];
    for (std::size_t j = 0; j < kept.size(); ++j) r[i * kept.size() + j] = full[kept[i] * n + kept[j]];
  }
  MvnOptions options = options_;
  options.decide_against = threshold;
  return mvn_probability(lower, upper, r, options).value;
}

double MaxStatisticBounds::crossing_probability() const {
  if (bounds_.empty() || pending_) throw std::logic_error("MaxStatisticBounds: no solved look");
  // probability_below() adds one look: evaluate the last look as that one.
  MaxStatisticBounds previous = *this;
  const double last = previous.bounds_.back();
  previous.bounds_.pop_back();
  return 1.0 - previous.probability_below(last);
}

bool MaxStatisticBounds::crosses(double statistic) const {
  if (!pending_) throw std::logic_error("MaxStatisticBounds: crosses() needs a pushed look");
  return 1.0 - probability_below(statistic, 1.0 - alpha_) <= alpha_;
}

double MaxStatisticBounds::add_look(std::span<const double> covariance, double cumulative_alpha) {
  push_look(covariance, cumulative_alpha);
  return solve_bound();
}

void MaxStatisticBounds::push_look(std::span<const double> covariance, double cumulative_alpha) {
  if (pending_) solve_bound();
  const std::size_t j = tests_;
  if (covariance.size() != j * j) throw std::invalid_argument("MaxStatisticBounds: covariance is not J x J");
  if (!(cumulative_alpha > 0.0 && cumulative_alpha < 1.0) || cumulative_alpha < alpha_) {
    throw std::invalid_argument("MaxStatisticBounds: cumulative alpha must be in (0, 1) and non-decreasing");
  }
  if ((cumulative_.size() + 1) * j > kMaxDimension) {
    throw std::invalid_argument("MaxStatisticBounds: at most 20 tests over all looks");
  }
  Eigen::MatrixXd c(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j));
  for (std::size_t a = 0; a < j; ++a) {
    if (!(covariance[a * j + a] > 0.0)) throw std::invalid_argument("MaxStatisticBounds: a variance is not > 0");
    for (std::size_t b = 0; b < j; ++b) {
      if (!std::isfinite(covariance[a * j + b])) throw std::invalid_argument("MaxStatisticBounds: NaN covariance");
      // Symmetrized: the two triangles of an observed matrix may differ by rounding.
      c(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) =
          0.5 * (covariance[a * j + b] + covariance[b * j + a]);
    }
  }
  const Eigen::MatrixXd increment = cumulative_.empty() ? c : c - cumulative_.back();
  Eigen::MatrixXd next = clip_to_psd(increment);
  if (!cumulative_.empty()) next += cumulative_.back();
  for (std::size_t a = 0; a < j; ++a) {
    // A test with no information added keeps its correlation 1 with itself at the last
    // look; a zero cumulative variance would make it undefined.
    if (!(next(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)) > 0.0)) {
      throw std::invalid_argument("MaxStatisticBounds: a test has no information");
    }
  }
  cumulative_.push_back(next);
  alpha_ = cumulative_alpha;
  pending_ = true;
}

double MaxStatisticBounds::solve_bound() {
  if (!pending_) {
    if (bounds_.empty()) throw std::logic_error("MaxStatisticBounds: no look");
    return bounds_.back();
  }
  pending_ = false;
  const std::size_t j = tests_;
  const double cumulative_alpha = alpha_;

  // g(b) = P(below every bound so far and b at this look) - (1 - a_k), increasing in b.
  const double continuing = probability_below(kInf);  // 1 - what the earlier looks spent
  const double remaining = continuing - (1.0 - cumulative_alpha);
  if (!(remaining > 0.0)) {
    bounds_.push_back(kInf);
    return kInf;
  }
  const auto g = [&](double b) { return probability_below(b, 1.0 - cumulative_alpha) - (1.0 - cumulative_alpha); };
  // A first crossing here is at most a crossing by one of the J tests (a union bound), so
  // the root is below hi; lo steps down from the single-test quantile until g(lo) < 0.
  const double hi = upper_quantile(remaining / static_cast<double>(j));
  double g_hi = g(hi);
  if (g_hi <= 0.0) {
    bounds_.push_back(hi);
    return hi;
  }
  double lo = upper_quantile(remaining);
  double g_lo = g(lo);
  for (int step = 0; g_lo >= 0.0 && step < 40; ++step) {
    lo -= 0.5;
    g_lo = g(lo);
  }
  if (g_lo >= 0.0) {
    bounds_.push_back(lo);
    return lo;
  }
  const double b = increasing_root(g, lo, g_lo, hi, g_hi, 1e-3);
  bounds_.push_back(b);
  return b;
}

}  // namespace silico::stats
