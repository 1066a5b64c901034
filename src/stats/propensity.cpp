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
/// so a used control is skipped in amortized O(1): O(n log n) in all. NearestMatcher holds
/// that state over the controls alone, so match_nearest() is it fed the treated patients in
/// index order, and a caller can stream them instead.
///
/// The span forms of the SMD and the weighted difference summarize each group with
/// GroupMoments (two passes in index order: weighted sums, then squared deviations from the
/// weighted mean); their GroupSummary forms take those summaries, so a group summarized over
/// a walk gives bitwise the span result. NaN weights pass through the sums, which is how
/// the summary forms keep the rule that a NaN weight makes the result NaN.
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

}  // namespace

void GroupMoments::add(double x, double w) {
  if (!std::isnan(w) && !(w >= 0.0 && std::isfinite(w))) {
    throw std::invalid_argument("GroupMoments: a weight is negative or infinite");
  }
  sum_w_ += w;
  sum_w2_ += w * w;
  sum_wx_ += w * x;
}

void GroupMoments::end_first_pass() { mean_ = sum_w_ > 0.0 ? sum_wx_ / sum_w_ : kNaN; }

void GroupMoments::add_second(double x, double w) {
  const double r = w * (x - mean_);
  ss_ += r * (x - mean_);
  sum_sq_ += r * r;
}

GroupSummary GroupMoments::summary() const {
  GroupSummary g;
  g.sum_w = sum_w_;
  g.mean = mean_;
  g.sum_sq = sum_sq_;
  const double denom = sum_w_ * sum_w_ - sum_w2_;  // 0 when one patient carries all weight
  if (sum_w_ > 0.0 && denom > 0.0) g.variance = sum_w_ / denom * ss_;
  return g;
}

namespace {

/// Both groups' summaries of x, in index order (w empty: unit weights).
void group_summaries(std::span<const double> x, std::span<const std::int8_t> treated,
                     std::span<const double> w, GroupSummary out[2]) {
  GroupMoments m[2];
  for (std::size_t i = 0; i < x.size(); ++i) m[treated[i]].add(x[i], w.empty() ? 1.0 : w[i]);
  m[0].end_first_pass();
  m[1].end_first_pass();
  for (std::size_t i = 0; i < x.size(); ++i) m[treated[i]].add_second(x[i], w.empty() ? 1.0 : w[i]);
  out[0] = m[0].summary();
  out[1] = m[1].summary();
}

}  // namespace

double standardized_mean_difference(std::span<const double> x, std::span<const std::int8_t> treated,
                                    std::span<const double> weights) {
  check_treated(treated, x.size(), "standardized_mean_difference");
  if (!weights.empty() && check_weights(weights, x.size(), "standardized_mean_difference")) {
    return kNaN;
  }
  GroupSummary g[2];
  group_summaries(x, treated, weights, g);
  return standardized_mean_difference(g[1], g[0]);
}

double standardized_mean_difference(const GroupSummary& treated, const GroupSummary& control) {
  const double pooled_sd = std::sqrt((treated.variance + control.variance) / 2.0);
  if (!(pooled_sd > 0.0)) return kNaN;
  return (treated.mean - control.mean) / pooled_sd;
}

double matching_caliper(double caliper_sd, double treated_variance, double control_variance) {
  if (std::isinf(caliper_sd)) return caliper_sd;
  return caliper_sd * std::sqrt((treated_variance + control_variance) / 2.0);
}

NearestMatcher::NearestMatcher(std::span<const double> control_logits, int k, double caliper)
    : k_(k), caliper_(caliper), order_(control_logits.size()) {
  if (k < 1) throw std::invalid_argument("NearestMatcher: k must be >= 1");
  const std::size_t m = control_logits.size();
  for (std::size_t i = 0; i < m; ++i) {
    if (!std::isfinite(control_logits[i])) {
      throw std::invalid_argument("NearestMatcher: control logit " + std::to_string(i) +
                                  " is not finite");
    }
  }
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
    return control_logits[a] < control_logits[b] ||
           (control_logits[a] == control_logits[b] && a < b);
  });
  sorted_logit_.resize(m);
  run_start_.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    sorted_logit_[j] = control_logits[order_[j]];
    run_start_[j] = (j > 0 && sorted_logit_[j] == sorted_logit_[j - 1]) ? run_start_[j - 1] : j;
  }
  // Union-find style "nearest available position" links over the sorted controls.
  // right: next_[i] leads to the first available position >= i (m = none).
  // left:  prev_[i] leads to 1 + the last available position < i (0 = none).
  next_.resize(m + 1);
  prev_.resize(m + 1);
  std::iota(next_.begin(), next_.end(), std::size_t{0});
  std::iota(prev_.begin(), prev_.end(), std::size_t{0});
}

std::size_t NearestMatcher::find(std::vector<std::size_t>& link, std::size_t i) {
  std::size_t root = i;
  while (link[root] != root) root = link[root];
  while (link[i] != root) {  // path compression
    const std::size_t up = link[i];
    link[i] = root;
    i = up;
  }
  return root;
}

const std::vector<std::size_t>& NearestMatcher::match(double v) {
  if (!std::isfinite(v))
    throw std::invalid_argument("NearestMatcher: a treated logit is not finite");
  matched_.clear();
  const std::size_t m = order_.size();
  // Controls at positions < split have logit < v; at >= split, logit >= v.
  const std::size_t split = static_cast<std::size_t>(
      std::lower_bound(sorted_logit_.begin(), sorted_logit_.end(), v) - sorted_logit_.begin());
  for (int r = 0; r < k_; ++r) {
    const std::size_t right_pos = right(split);
    const std::size_t left_p1 = left_plus_one(split);
    // Left candidate: among available controls with the nearest smaller logit, the one
    // with the lowest index (the start of its run of equal logits, or the next available).
    std::size_t left = m;
    if (left_p1 > 0) left = right(run_start_[left_p1 - 1]);
    const double d_left = left < m ? v - sorted_logit_[left] : kNaN;
    const double d_right = right_pos < m ? sorted_logit_[right_pos] - v : kNaN;

    std::size_t pick = m;
    if (left < m && right_pos < m) {
      if (d_left < d_right) {
        pick = left;
      } else if (d_right < d_left) {
        pick = right_pos;
      } else {
        pick = order_[left] < order_[right_pos] ? left : right_pos;
      }
    } else if (left < m) {
      pick = left;
    } else if (right_pos < m) {
      pick = right_pos;
    }
    if (pick == m) break;  // no control left
    const double d = pick == left ? d_left : d_right;
    // The nearest is outside the caliper (or the caliper is NaN): so are the rest.
    if (!(d <= caliper_)) break;
    matched_.push_back(order_[pick]);
    next_[pick] = pick + 1;  // remove
    prev_[pick + 1] = pick;
  }
  return matched_;
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

  std::vector<std::size_t> controls;  // control index -> patient index
  std::vector<double> control_logits;
  std::size_t n_treated = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (treated[i] != 0) {
      ++n_treated;
    } else {
      controls.push_back(i);
      control_logits.push_back(logit_ps[i]);
    }
  }
  double caliper = std::numeric_limits<double>::infinity();
  if (!std::isinf(caliper_sd)) {
    GroupSummary g[2];
    group_summaries(logit_ps, treated, {}, g);
    caliper = matching_caliper(caliper_sd, g[1].variance, g[0].variance);
  }

  NearestMatcher matcher(control_logits, k, caliper);
  std::vector<std::vector<std::size_t>> matches;
  matches.reserve(n_treated);
  for (std::size_t i = 0; i < n; ++i) {
    if (treated[i] == 0) continue;
    const auto& picked = matcher.match(logit_ps[i]);
    auto& out = matches.emplace_back();
    for (std::size_t c : picked) out.push_back(controls[c]);
  }
  return matches;
}

namespace {

/// (1 - P) / P = n_control / n_treated; NaN when no one is treated.
double odds_untreated(std::uint64_t n_treated, std::uint64_t n_control) {
  return n_treated == 0 ? kNaN : static_cast<double>(n_control) / static_cast<double>(n_treated);
}

double att_control_weight(double ps, double odds) {
  return ps < 1.0 ? ps / (1.0 - ps) * odds : kNaN;
}

void check_ps(double ps, std::size_t i) {
  if (!(ps >= 0.0 && ps <= 1.0)) {
    throw std::invalid_argument("att_weights: ps[" + std::to_string(i) + "] is not in [0, 1]");
  }
}

}  // namespace

std::vector<double> att_weights(std::span<const double> ps, std::span<const std::int8_t> treated) {
  const std::size_t n = ps.size();
  check_treated(treated, n, "att_weights");
  std::size_t n_treated = 0;
  for (std::size_t i = 0; i < n; ++i) {
    check_ps(ps[i], i);
    n_treated += treated[i] != 0 ? 1 : 0;
  }
  const double odds = odds_untreated(n_treated, n - n_treated);
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i)
    w[i] = treated[i] != 0 ? 1.0 : att_control_weight(ps[i], odds);
  return w;
}

std::vector<double> att_control_weights(std::span<const double> control_ps,
                                        std::uint64_t n_treated) {
  for (std::size_t i = 0; i < control_ps.size(); ++i) check_ps(control_ps[i], i);
  const double odds = odds_untreated(n_treated, control_ps.size());
  std::vector<double> w(control_ps.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = att_control_weight(control_ps[i], odds);
  return w;
}

Estimate weighted_mean_difference(std::span<const double> y, std::span<const std::int8_t> treated,
                                  std::span<const double> weights, double alpha) {
  check_treated(treated, y.size(), "weighted_mean_difference");
  const bool any_nan = check_weights(weights, y.size(), "weighted_mean_difference");
  normal_two_sided_z(alpha);  // checks alpha
  if (any_nan) return Estimate{kNaN, kNaN, kNaN, kNaN, kNaN};
  GroupSummary g[2];
  group_summaries(y, treated, weights, g);
  return weighted_mean_difference(g[1], g[0], alpha);
}

Estimate weighted_mean_difference(const GroupSummary& treated, const GroupSummary& control,
                                  double alpha) {
  const double z = normal_two_sided_z(alpha);
  Estimate e{kNaN, kNaN, kNaN, kNaN, kNaN};
  if (!(control.sum_w > 0.0 && treated.sum_w > 0.0)) return e;
  e.effect = treated.mean - control.mean;
  e.se = std::sqrt(treated.sum_sq / (treated.sum_w * treated.sum_w) +
                   control.sum_sq / (control.sum_w * control.sum_w));
  if (!(e.se > 0.0)) return e;
  e.ci_low = e.effect - z * e.se;
  e.ci_high = e.effect + z * e.se;
  e.p = 2.0 * boost::math::cdf(
                  boost::math::complement(boost::math::normal(), std::fabs(e.effect / e.se)));
  return e;
}

}  // namespace silico::stats
