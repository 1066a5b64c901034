/// @file
/// @brief Comparisons of two proportions from a 2x2 table.
///
/// Notation: treated a events of n1 (b = n1 - a non-events), control c of n0 (d = n0 - c),
/// p1 = a/n1, p0 = c/n0, z = upper alpha/2 normal point.
///  - Risk difference p1 - p0: Wald CI with the unpooled variance
///    se^2 = p1(1-p1)/n1 + p0(1-p0)/n0; p-value from the same z = RD/se.
///  - Risk ratio p1/p0: Katz log CI, se(log RR)^2 = 1/a - 1/n1 + 1/c - 1/n0.
///  - Odds ratio ad/(bc): Woolf log CI, se(log OR)^2 = 1/a + 1/b + 1/c + 1/d.
///    For RR and OR, `se` is on the log scale, the CI is exp(log +- z se) and the p-value is
///    from the log-scale Wald z = log(ratio)/se.
///  - Zero cells: when any of a, b, c, d is 0, RR and OR (estimate, SE, CI, p) are computed
///    on the table with 0.5 added to all four cells (Haldane 1956; Anscombe 1956), so that
///    n1 and n0 each grow by 1. The risk difference is never corrected.
///  - Pearson chi-square: X^2 = n (ad - bc)^2 / (n1 n0 (a+c) (b+d)), 1 df, no continuity
///    correction (R's chisq.test(correct = FALSE)).
///  - Fisher's exact test, two-sided: the sum of the hypergeometric probabilities (margins
///    fixed) of all tables whose probability is at most (1 + 1e-7) times the observed one,
///    the relative tolerance of R's fisher.test. Probabilities are handled as logarithms
///    (lgamma), normalized by their sum over the support, so nothing overflows.
///  - Risk difference by the Miettinen-Nurminen (1985) score method (risk_difference_score):
///    for H0: p1 - p0 = delta, z(delta) = (p1 - p0 - delta) / sqrt(V(delta)) with
///    V = [q1(1-q1)/n1 + q0(1-q0)/n0] * N/(N-1), N = n1 + n0, where q1 - q0 = delta are the
///    maximum likelihood estimates under that constraint: the root in [0, 1] of the cubic of
///    Farrington & Manning (1990), solved in closed (trigonometric) form. The p-value is that
///    of z(0) (two-sided normal): the pooled score test with MN's N/(N-1) factor, i.e. the
///    Pearson chi-square times (N-1)/N. The CI is {delta : |z(delta)| <= z_alpha/2}, each limit
///    found by bisection on [-1, p1-p0] and [p1-p0, 1] (z decreases in delta, checked
///    numerically on a grid of 400 deltas for every table with groups of 1 to 15); a limit
///    stays at -1 or 1 when the estimate is there. se = (ci_high - ci_low) / (2 z_alpha/2).
/// Events larger than the group size throw std::invalid_argument. An empty group makes RD,
/// RR, OR and the chi-square NaN (undefined), and a zero margin makes the chi-square NaN;
/// Fisher's p is then 1 (a single possible table). When the RD's SE is 0 (both groups all
/// events or all non-events) its CI and p are NaN, as welch() does for constant data;
/// risk_difference_score's are defined there.

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "stats/regression.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void validate(const TwoByTwo& t, const char* who) {
  if (t.treated_events > t.treated_n || t.control_events > t.control_n) {
    throw std::invalid_argument(std::string(who) + ": events (" + std::to_string(t.treated_events) +
                                " of " + std::to_string(t.treated_n) + ", " +
                                std::to_string(t.control_events) + " of " +
                                std::to_string(t.control_n) + ") exceed the group size");
  }
}

Estimate nan_estimate() { return Estimate{kNaN, kNaN, kNaN, kNaN, kNaN}; }

double two_sided_normal_p(double z) {
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(z)));
}

/// The four cells as doubles, with the Haldane-Anscombe +0.5 when any cell is 0.
struct Cells {
  double a, b, c, d;
};
Cells cells_for_ratio(const TwoByTwo& t) {
  Cells k{
      static_cast<double>(t.treated_events), static_cast<double>(t.treated_n - t.treated_events),
      static_cast<double>(t.control_events), static_cast<double>(t.control_n - t.control_events)};
  if (k.a == 0.0 || k.b == 0.0 || k.c == 0.0 || k.d == 0.0) {
    k.a += 0.5;
    k.b += 0.5;
    k.c += 0.5;
    k.d += 0.5;
  }
  return k;
}

/// A ratio estimated on the log scale: effect exp(log_ratio), CI exp(log +- z se).
Estimate log_scale(double log_ratio, double se_log, double alpha) {
  const double z = normal_two_sided_z(alpha);
  Estimate e;
  e.effect = std::exp(log_ratio);
  e.se = se_log;
  e.ci_low = std::exp(log_ratio - z * se_log);
  e.ci_high = std::exp(log_ratio + z * se_log);
  e.p = two_sided_normal_p(log_ratio / se_log);
  return e;
}

/// a*d - b*c without the rounding of two large products: exact in 64-bit integers when
/// both products fit, long double otherwise.
double cross_difference(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const bool fits = (a == 0 || d <= kMax / a) && (b == 0 || c <= kMax / b);
  if (fits) {
    const std::uint64_t ad = a * d;
    const std::uint64_t bc = b * c;
    return ad >= bc ? static_cast<double>(ad - bc) : -static_cast<double>(bc - ad);
  }
  return static_cast<double>(static_cast<long double>(a) * static_cast<long double>(d) -
                             static_cast<long double>(b) * static_cast<long double>(c));
}

double log_choose(double n, double k) {
  return boost::math::lgamma(n + 1.0) - boost::math::lgamma(k + 1.0) -
         boost::math::lgamma(n - k + 1.0);
}

}  // namespace

Estimate risk_difference(const TwoByTwo& t, double alpha) {
  validate(t, "risk_difference");
  const double z = normal_two_sided_z(alpha);
  if (t.treated_n == 0 || t.control_n == 0) return nan_estimate();
  const double n1 = static_cast<double>(t.treated_n);
  const double n0 = static_cast<double>(t.control_n);
  const double p1 = static_cast<double>(t.treated_events) / n1;
  const double p0 = static_cast<double>(t.control_events) / n0;
  Estimate e;
  e.effect = p1 - p0;
  e.se = std::sqrt(p1 * (1.0 - p1) / n1 + p0 * (1.0 - p0) / n0);
  e.ci_low = e.ci_high = e.p = kNaN;
  if (!(e.se > 0.0)) return e;
  e.ci_low = e.effect - z * e.se;
  e.ci_high = e.effect + z * e.se;
  e.p = two_sided_normal_p(e.effect / e.se);
  return e;
}

namespace {

/// Farrington-Manning restricted MLE (q1, q0) of (p1, p0) under q1 - q0 = delta, with
/// theta = n0/n1: the root of a q1^3 + b q1^2 + c q1 + d = 0 that lies in the feasible
/// range [max(0, delta), min(1, 1 + delta)], by the trigonometric form of Cardano.
struct Restricted {
  double q1, q0;
};
Restricted restricted_mle(double p1, double n1, double p0, double n0, double delta) {
  const double theta = n0 / n1;
  const double a = 1.0 + theta;
  const double b = -(1.0 + theta + p1 + theta * p0 + delta * (theta + 2.0));
  const double c = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p0;
  const double d = -p1 * delta * (1.0 + delta);
  const double b3a = b / (3.0 * a);
  const double v = b3a * b3a * b3a - b * c / (6.0 * a * a) + d / (2.0 * a);
  const double s = b3a * b3a - c / (3.0 * a);
  const double u = std::copysign(std::sqrt(s > 0.0 ? s : 0.0), v);
  double q1 = -b3a;
  if (u != 0.0) {
    double r = v / (u * u * u);
    r = r < -1.0 ? -1.0 : (r > 1.0 ? 1.0 : r);  // roundoff only
    const double w = (std::numbers::pi + std::acos(r)) / 3.0;
    q1 += 2.0 * u * std::cos(w);
  }
  // Roundoff can leave q1 a hair outside its feasible range.
  const double lo = delta > 0.0 ? delta : 0.0;
  const double hi = delta < 0.0 ? 1.0 + delta : 1.0;
  q1 = q1 < lo ? lo : (q1 > hi ? hi : q1);
  double q0 = q1 - delta;
  q0 = q0 < 0.0 ? 0.0 : (q0 > 1.0 ? 1.0 : q0);
  return {q1, q0};
}

/// The MN score statistic of delta; the table is valid and both groups non-empty. When the
/// restricted variance is 0 (delta in {-1, 0, 1} at a boundary) it is 0 if the estimate
/// equals delta and +-infinity otherwise.
double mn_score_z(const TwoByTwo& t, double delta) {
  const double n1 = static_cast<double>(t.treated_n);
  const double n0 = static_cast<double>(t.control_n);
  const double p1 = static_cast<double>(t.treated_events) / n1;
  const double p0 = static_cast<double>(t.control_events) / n0;
  const double diff = p1 - p0 - delta;
  if (diff == 0.0) return 0.0;
  const Restricted q = restricted_mle(p1, n1, p0, n0, delta);
  const double n = n1 + n0;
  const double var = (q.q1 * (1.0 - q.q1) / n1 + q.q0 * (1.0 - q.q0) / n0) * (n / (n - 1.0));
  if (!(var > 0.0)) return std::copysign(std::numeric_limits<double>::infinity(), diff);
  return diff / std::sqrt(var);
}

/// Bisection for the crossing of z(delta) = target between `inside` (|z| <= z_alpha/2) and
/// `outside` (rejected): returns the boundary to about 1e-16 absolute.
double score_limit(const TwoByTwo& t, double inside, double outside, double target) {
  const bool upper = outside > inside;
  for (int i = 0; i < 200 && std::fabs(outside - inside) > 1e-16; ++i) {
    const double mid = 0.5 * (inside + outside);
    if (mid == inside || mid == outside) break;
    const double z = mn_score_z(t, mid);
    const bool rejected = upper ? z < target : z > target;
    (rejected ? outside : inside) = mid;
  }
  return 0.5 * (inside + outside);
}

}  // namespace

double risk_difference_score_z(const TwoByTwo& t, double delta) {
  validate(t, "risk_difference_score_z");
  if (!(delta >= -1.0 && delta <= 1.0)) {
    throw std::invalid_argument("risk_difference_score_z: delta must be in [-1, 1]");
  }
  if (t.treated_n == 0 || t.control_n == 0) return kNaN;
  return mn_score_z(t, delta);
}

Estimate risk_difference_score(const TwoByTwo& t, double alpha) {
  validate(t, "risk_difference_score");
  const double z = normal_two_sided_z(alpha);
  if (t.treated_n == 0 || t.control_n == 0) return nan_estimate();
  const double p1 = static_cast<double>(t.treated_events) / static_cast<double>(t.treated_n);
  const double p0 = static_cast<double>(t.control_events) / static_cast<double>(t.control_n);
  Estimate e;
  e.effect = p1 - p0;
  // z(-1) = +inf unless the estimate is -1, and z(1) = -inf unless it is 1.
  e.ci_low = e.effect <= -1.0 ? -1.0 : score_limit(t, e.effect, -1.0, z);
  e.ci_high = e.effect >= 1.0 ? 1.0 : score_limit(t, e.effect, 1.0, -z);
  e.se = (e.ci_high - e.ci_low) / (2.0 * z);
  e.p = two_sided_normal_p(mn_score_z(t, 0.0));
  return e;
}

Estimate risk_ratio(const TwoByTwo& t, double alpha) {
  validate(t, "risk_ratio");
  normal_two_sided_z(alpha);  // validates alpha even when the table is degenerate
  if (t.treated_n == 0 || t.control_n == 0) return nan_estimate();
  const Cells k = cells_for_ratio(t);
  const double n1 = k.a + k.b;
  const double n0 = k.c + k.d;
  const double log_rr = std::log((k.a / n1) / (k.c / n0));
  const double se = std::sqrt(1.0 / k.a - 1.0 / n1 + 1.0 / k.c - 1.0 / n0);
  return log_scale(log_rr, se, alpha);
}

Estimate odds_ratio(const TwoByTwo& t, double alpha) {
  validate(t, "odds_ratio");
  normal_two_sided_z(alpha);
  if (t.treated_n == 0 || t.control_n == 0) return nan_estimate();
  const Cells k = cells_for_ratio(t);
  const double log_or = std::log((k.a * k.d) / (k.b * k.c));
  const double se = std::sqrt(1.0 / k.a + 1.0 / k.b + 1.0 / k.c + 1.0 / k.d);
  return log_scale(log_or, se, alpha);
}

double chi_square_p(const TwoByTwo& t) {
  validate(t, "chi_square_p");
  const std::uint64_t a = t.treated_events;
  const std::uint64_t b = t.treated_n - a;
  const std::uint64_t c = t.control_events;
  const std::uint64_t d = t.control_n - c;
  const double n1 = static_cast<double>(t.treated_n);
  const double n0 = static_cast<double>(t.control_n);
  const double m1 = static_cast<double>(a) + static_cast<double>(c);
  const double m0 = static_cast<double>(b) + static_cast<double>(d);
  if (n1 == 0.0 || n0 == 0.0 || m1 == 0.0 || m0 == 0.0) return kNaN;
  const double diff = cross_difference(a, b, c, d);
  // Divide step by step: the product of the four margins can exceed 1e308 for huge n.
  const double stat = diff / n1 * diff / n0 * (n1 + n0) / m1 / m0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(1.0), stat));
}

double fisher_exact_p(const TwoByTwo& t) {
  validate(t, "fisher_exact_p");
  const double n1 = static_cast<double>(t.treated_n);
  const double n0 = static_cast<double>(t.control_n);
  const std::uint64_t m1 = t.treated_events + t.control_events;  // column total of events
  // Support of the treated-events count x with all margins fixed.
  const std::uint64_t lo = m1 > t.control_n ? m1 - t.control_n : 0;
  const std::uint64_t hi = m1 < t.treated_n ? m1 : t.treated_n;
  if (lo == hi) return 1.0;

  // log P(x) up to a constant: log C(n1, x) + log C(n0, m1 - x).
  const double m1d = static_cast<double>(m1);
  auto log_p = [&](std::uint64_t x) {
    const double xd = static_cast<double>(x);
    return log_choose(n1, xd) + log_choose(n0, m1d - xd);
  };
  // Mode of the hypergeometric: floor((m1 + 1)(n1 + 1) / (n + 2)), clamped to the support.
  auto mode = static_cast<std::uint64_t>(std::floor((m1d + 1.0) * (n1 + 1.0) / (n1 + n0 + 2.0)));
  mode = mode < lo ? lo : (mode > hi ? hi : mode);
  const double log_p_mode = log_p(mode);
  const double log_p_obs = log_p(t.treated_events);
  const double threshold = log_p_obs + std::log1p(1e-7);

  // log P is concave in x, so beyond where exp(log P - log P_mode) underflows (< e^-745)
  // every term is 0 in double: walk out from the mode to find that range.
  constexpr double kUnderflow = -745.0;
  std::uint64_t first = mode;
  while (first > lo && log_p(first - 1) - log_p_mode >= kUnderflow) --first;
  std::uint64_t last = mode;
  while (last < hi && log_p(last + 1) - log_p_mode >= kUnderflow) ++last;

  double total = 0.0;
  double extreme = 0.0;
  for (std::uint64_t x = first; x <= last; ++x) {
    const double lp = log_p(x);
    const double term = std::exp(lp - log_p_mode);
    total += term;
    if (lp <= threshold) extreme += term;
  }
  const double p = extreme / total;
  return p > 1.0 ? 1.0 : p;  // roundoff only: extreme is a sub-sum of total
}

}  // namespace silico::stats
