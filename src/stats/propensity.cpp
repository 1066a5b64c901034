/// @file
/// @brief Propensity-score tools: balance (SMD), greedy caliper matching, ATT weighting.
///
/// `treated` entries must be 0 or 1, and every span must have the length of the first
/// argument; otherwise std::invalid_argument. Weights must be >= 0 and not infinite
/// (std::invalid_argument); a NaN weight, which att_weights() returns for an undefined
/// weight, makes the SMD or the weighted difference NaN, so one degenerate replicate does
/// not abort a trial.
///
/// att_weights: ps must be in [0, 1] (std::invalid_argument otherwise, NaN included).
/// Treated patients get 1 whatever their ps. A control with ps = 1 (infinite odds, e.g. from
/// a separated propensity fit) gets NaN, one with ps = 0 gets 0. With no treated patient
/// P = 0 and every control weight is NaN.
///
/// standardized_mean_difference: with weights, the group means are weighted means and the
/// group variances are s^2 = sum(w) / (sum(w)^2 - sum(w^2)) * sum w (x - mean_w)^2 (the
/// weighted variance of Austin & Stuart, Stat Med 2015;34:3661-3679), which is the usual
/// n-1 variance when all weights are equal. NaN when a group has fewer than 2 patients (with
/// positive weight) or the pooled SD is 0.
///
/// match_nearest: SD(logit) is the pooled within-group SD sqrt((s_t^2 + s_c^2) / 2) (n-1
/// variances). caliper_sd = +infinity means no caliper; with a finite caliper and a group of
/// fewer than 2 patients the SD, hence the caliper, is undefined and no one is matched.
/// Each treated patient, in index order, takes its k nearest available controls (nearest
/// first) before the next treated patient is considered; a control is used at most once;
/// at equal distance the lower control index wins. Distances are |logit_t - logit_c| in
/// double precision. Algorithm: controls sorted by (logit, index), a binary search for each
/// treated patient, and "next available to the left / right" links with path compression,
/// so a used control is skipped in amortized O(1): O(n log n) in all.
///
/// weighted_mean_difference: m_t = sum_t w y / sum_t w (likewise m_c), effect m_t - m_c,
///   se = sqrt( sum_t w_i^2 (y_i - m_t)^2 / (sum_t w_i)^2 + sum_c w_i^2 (y_i - m_c)^2 /
///   (sum_c w_i)^2 ),
/// the sandwich (HC0) SE of the treatment coefficient of the weighted regression
/// y ~ 1 + treated with the weights taken as fixed (known), i.e. ignoring that they were
/// estimated; normal CI and two-sided p from z = effect / se. NaN when a group has zero total
/// weight; CI and p are NaN when se is 0.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "stats/regression.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_treated(std::span<const std::int8_t> treated, std::size_t n, const char* who) {
  if (treated.size() != n) {
    throw std::invalid_argument(std::string(who) + ": treated has " +
                                std::to_string(treated.size()) + " entries, expected " +
                                std::to_string(n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (treated[i] != 0 && treated[i] != 1) {
      throw std::invalid_argument(std::string(who) + ": treated[" + std::to_string(i) +
                                  "] is not 0 or 1");
    }
  }
}

/// Throws on a wrong length, a negative or an infinite weight; returns whether any is NaN.
bool check_weights(std::span<const double> w, std::size_t n, const char* who) {
  if (w.size() != n) {
    throw std::invalid_argument(std::string(who) + ": weights has " + std::to_string(w.size()) +
                                " entries, expected " + std::to_string(n));
  }
  bool any_nan = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(w[i])) {
      any_nan = true;
    } else if (!(w[i] >= 0.0 && std::isfinite(w[i]))) {
      throw std::invalid_argument(std::string(who) + ": weights[" + std::to_string(i) +
                                  "] is negative or infinite");
    }
  }
  return any_nan;
}

/// Weighted mean and Austin-Stuart weighted variance of one group (w == nullptr: unit
/// weights). Two passes in index order.
struct Moments {
  double sum_w = 0.0;
  double mean = kNaN;
  double variance = kNaN;
};
Moments group_moments(std::span<const double> x, std::span<const std::int8_t> treated,
                      std::int8_t group, std::span<const double> w) {
  Moments m;
  double sum_w2 = 0.0;
  double sum_wx = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (treated[i] != group) continue;
    const double wi = w.empty() ? 1.0 : w[i];
    m.sum_w += wi;
    sum_w2 += wi * wi;
    sum_wx += wi * x[i];
  }
  if (!(m.sum_w > 0.0)) return m;
  m.mean = sum_wx / m.sum_w;
  double ss = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (treated[i] != group) continue;
    const double wi = w.empty() ? 1.0 : w[i];
    ss += wi * (x[i] - m.mean) * (x[i] - m.mean);
  }
  const double denom = m.sum_w * m.sum_w - sum_w2;  // 0 when one patient carries all weight
  if (denom > 0.0) m.variance = m.sum_w / denom * ss;
  return m;
}

/// Union-find style "nearest available position" links over the sorted controls.
/// right: next_[i] leads to the first available position >= i (size m = none).
/// left:  prev_[i] leads to 1 + the last available position < i (0 = none).
class Availability {
 public:
  explicit Availability(std::size_t m) : next_(m + 1), prev_(m + 1) {
    std::iota(next_.begin(), next_.end(), std::size_t{0});
    std::iota(prev_.begin(), prev_.end(), std::size_t{0});
  }
  /// First available position >= i, or m.
  std::size_t right(std::size_t i) { return find(next_, i); }
  /// Last available position < i, as position + 1; 0 when none.
  std::size_t left_plus_one(std::size_t i) { return find(prev_, i); }
  void remove(std::size_t pos) {
    next_[pos] = pos + 1;
    prev_[pos + 1] = pos;
  }

 private:
  static std::size_t find(std::vector<std::size_t>& link, std::size_t i) {
    std::size_t root = i;
    while (link[root] != root) root = link[root];
    while (link[i] != root) {  // path compression
      const std::size_t up = link[i];
      link[i] = root;
      i = up;
    }
    return root;
  }
  std::vector<std::size_t> next_;
  std::vector<std::size_t> prev_;
};

}  // namespace

double standardized_mean_difference(std::span<const double> x, std::span<const std::int8_t> treated,
                                    std::span<const double> weights) {
  check_treated(treated, x.size(), "standardized_mean_difference");
  if (!weights.empty() && check_weights(weights, x.size(), "standardized_mean_difference")) {
    return kNaN;
  }
  const Moments t = group_moments(x, treated, 1, weights);
  const Moments c = group_moments(x, treated, 0, weights);
  const double pooled_sd = std::sqrt((t.variance + c.variance) / 2.0);
  if (!(pooled_sd > 0.0)) return kNaN;
  return (t.mean - c.mean) / pooled_sd;
}

std::vector<std::vector<std::size_t>> match_nearest(std::span<const double> logit_ps,
                                                    std::span<const std::int8_t> treated, int k,
                                                    double caliper_sd) {
  const std::size_t n = logit_ps.size();
  check_treated(treated, n, "match_nearest");
  if (k < 1) throw std::invalid_argument("match_nearest: k must be >= 1");
  if (!(caliper_sd > 0.0)) throw std::invalid_argument("match_nearest: caliper_sd must be > 0");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(logit_ps[i])) {
      throw std::invalid_argument("match_nearest: logit_ps[" + std::to_string(i) +
                                  "] is not finite");
    }
  }

  std::vector<std::size_t> treated_ids;
  std::vector<std::size_t> controls;  // sorted by (logit, index) below
  for (std::size_t i = 0; i < n; ++i) (treated[i] != 0 ? treated_ids : controls).push_back(i);
  std::vector<std::vector<std::size_t>> matches(treated_ids.size());

  double caliper = std::numeric_limits<double>::infinity();
  if (!std::isinf(caliper_sd)) {
    const Moments t = group_moments(logit_ps, treated, 1, {});
    const Moments c = group_moments(logit_ps, treated, 0, {});
    caliper = caliper_sd * std::sqrt((t.variance + c.variance) / 2.0);
    if (std::isnan(caliper)) return matches;  // SD undefined: see the file comment
  }

  std::sort(controls.begin(), controls.end(), [&](std::size_t a, std::size_t b) {
    return logit_ps[a] < logit_ps[b] || (logit_ps[a] == logit_ps[b] && a < b);
  });
  const std::size_t m = controls.size();
  std::vector<double> sorted_logit(m);
  // run_start[j]: first sorted position with the same logit as position j.
  std::vector<std::size_t> run_start(m);
  for (std::size_t j = 0; j < m; ++j) {
    sorted_logit[j] = logit_ps[controls[j]];
    run_start[j] = (j > 0 && sorted_logit[j] == sorted_logit[j - 1]) ? run_start[j - 1] : j;
  }
  Availability available(m);

  for (std::size_t ti = 0; ti < treated_ids.size(); ++ti) {
    const double v = logit_ps[treated_ids[ti]];
    // Controls at positions < split have logit < v; at >= split, logit >= v.
    const std::size_t split = static_cast<std::size_t>(
        std::lower_bound(sorted_logit.begin(), sorted_logit.end(), v) - sorted_logit.begin());
    for (int r = 0; r < k; ++r) {
      const std::size_t right = available.right(split);
      const std::size_t left_p1 = available.left_plus_one(split);
      // Left candidate: among available controls with the nearest smaller logit, the one
      // with the lowest index (the start of its run of equal logits, or the next available).
      std::size_t left = m;
      if (left_p1 > 0) left = available.right(run_start[left_p1 - 1]);
      const double d_left = left < m ? v - sorted_logit[left] : kNaN;
      const double d_right = right < m ? sorted_logit[right] - v : kNaN;

      std::size_t pick = m;
      if (left < m && right < m) {
        if (d_left < d_right) {
          pick = left;
        } else if (d_right < d_left) {
          pick = right;
        } else {
          pick = controls[left] < controls[right] ? left : right;
        }
      } else if (left < m) {
        pick = left;
      } else if (right < m) {
        pick = right;
      }
      if (pick == m) break;  // no control left
      const double d = pick == left ? d_left : d_right;
      if (!(d <= caliper)) break;  // the nearest is outside the caliper: so are the rest
      matches[ti].push_back(controls[pick]);
      available.remove(pick);
    }
  }
  return matches;
}

std::vector<double> att_weights(std::span<const double> ps, std::span<const std::int8_t> treated) {
  const std::size_t n = ps.size();
  check_treated(treated, n, "att_weights");
  std::size_t n_treated = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(ps[i] >= 0.0 && ps[i] <= 1.0)) {
      throw std::invalid_argument("att_weights: ps[" + std::to_string(i) + "] is not in [0, 1]");
    }
    n_treated += treated[i] != 0 ? 1 : 0;
  }
  // (1 - P) / P = n_control / n_treated; NaN for the controls when no one is treated.
  const double odds_untreated =
      n_treated == 0 ? kNaN : static_cast<double>(n - n_treated) / static_cast<double>(n_treated);
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (treated[i] != 0) {
      w[i] = 1.0;
    } else {
      w[i] = ps[i] < 1.0 ? ps[i] / (1.0 - ps[i]) * odds_untreated : kNaN;
    }
  }
  return w;
}

Estimate weighted_mean_difference(std::span<const double> y, std::span<const std::int8_t> treated,
                                  std::span<const double> weights, double alpha) {
  check_treated(treated, y.size(), "weighted_mean_difference");
  const bool any_nan = check_weights(weights, y.size(), "weighted_mean_difference");
  const double z = normal_two_sided_z(alpha);
  Estimate e{kNaN, kNaN, kNaN, kNaN, kNaN};
  if (any_nan) return e;

  double sum_w[2] = {0.0, 0.0};
  double sum_wy[2] = {0.0, 0.0};
  for (std::size_t i = 0; i < y.size(); ++i) {
    sum_w[treated[i]] += weights[i];
    sum_wy[treated[i]] += weights[i] * y[i];
  }
  if (!(sum_w[0] > 0.0 && sum_w[1] > 0.0)) return e;
  const double mean[2] = {sum_wy[0] / sum_w[0], sum_wy[1] / sum_w[1]};
  double sum_sq[2] = {0.0, 0.0};
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double r = weights[i] * (y[i] - mean[treated[i]]);
    sum_sq[treated[i]] += r * r;
  }
  e.effect = mean[1] - mean[0];
  e.se = std::sqrt(sum_sq[1] / (sum_w[1] * sum_w[1]) + sum_sq[0] / (sum_w[0] * sum_w[0]));
  if (!(e.se > 0.0)) return e;
  e.ci_low = e.effect - z * e.se;
  e.ci_high = e.effect + z * e.se;
  e.p = 2.0 * boost::math::cdf(
                  boost::math::complement(boost::math::normal(), std::fabs(e.effect / e.se)));
  return e;
}

}  // namespace silico::stats
