/// @file
/// @brief Group-sequential designs (group_sequential_design.hpp): spending families, one-
/// and two-sided boundaries with binding or non-binding futility, crossing probabilities
/// under a drift, by the recursive numerical integration of Jennison & Turnbull (2000),
/// section 19.2, generalised to a drift and to asymmetric continuation regions.

#include "stats/group_sequential_design.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "stats/group_sequential_grid.hpp"

namespace silico::stats {
namespace {

using detail::Grid;
using detail::grid_r;
using detail::make_grid;

constexpr double kInf = std::numeric_limits<double>::infinity();
// Bounds (Z scale) and the drift are found by bisection to this absolute width.
constexpr double kTolerance = 1e-10;
// No bound is searched beyond this on the Z scale: a tail of 1e-1000 is zero in double.
constexpr double kZLimit = 64.0;

double upper_tail(double z) {
  if (z == kInf) return 0.0;
  if (z == -kInf) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::normal(), z));
}

double normal_density(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}

double z_upper(double p) {
  return boost::math::quantile(boost::math::complement(boost::math::normal(), p));
}

void check_fractions(std::span<const double> t, const char* who, bool last_is_one) {
  if (t.empty()) throw std::invalid_argument(std::string(who) + ": no information fractions");
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (!(t[k] > 0.0 && t[k] <= 1.0)) {
      throw std::invalid_argument(std::string(who) + ": information fractions must be in (0, 1]");
    }
    if (k > 0 && !(t[k] > t[k - 1])) {
      throw std::invalid_argument(std::string(who) +
                                  ": information fractions must be strictly increasing");
    }
  }
  if (last_is_one && t.back() != 1.0) {
    throw std::invalid_argument(std::string(who) + ": the last information fraction must be 1");
  }
}

// The sub-density of Z at information fraction t on the continuation region, stored as the
// weighted values w_j h(z_j). The start is Z = 0 at t = 0 with mass 1 (S_0 = 0): the
// formulas below then give the first look's normal distribution exactly.
struct Continuation {
  std::vector<double> z{0.0};
  std::vector<double> weighted_density{1.0};
  double t = 0.0;
};

// Under drift theta the score increment S_k - S_{k-1} is N(theta dt, dt), dt = t - t_prev,
// and Z_k = S_k / sqrt(t). For Z_{k-1} = z_j the standardised distance to a bound x is
// (x sqrt(t) - z_j sqrt(t_prev) - theta dt) / sqrt(dt).
struct Step {
  double s, s_prev, sd, shift;
  Step(const Continuation& prev, double t, double theta)
      : s(std::sqrt(t)), s_prev(std::sqrt(prev.t)), sd(std::sqrt(t - prev.t)),
        shift(theta * (t - prev.t)) {}
  double standardised(double x, double z_prev) const { return (x * s - z_prev * s_prev - shift) / sd; }
};

// P(no earlier stop, Z_k >= b).
double upper_exit(const Continuation& prev, double t, double b, double theta) {
  if (b == kInf) return 0.0;
  const Step step(prev, t, theta);
  double sum = 0.0;
  for (std::size_t j = 0; j < prev.z.size(); ++j) {
    sum += prev.weighted_density[j] * upper_tail(step.standardised(b, prev.z[j]));
  }
  return sum;
}

// P(no earlier stop, Z_k <= a).
double lower_exit(const Continuation& prev, double t, double a, double theta) {
  if (a == -kInf) return 0.0;
  const Step step(prev, t, theta);
  double sum = 0.0;
  for (std::size_t j = 0; j < prev.z.size(); ++j) {
    sum += prev.weighted_density[j] * upper_tail(-step.standardised(a, prev.z[j]));
  }
  return sum;
}

// The sub-density at fraction t on (a, b), on a grid centred at the mean theta sqrt(t).
Continuation advance(const Continuation& prev, double t, double a, double b, double theta, int r) {
  const Grid g = make_grid(a, b, r, theta * std::sqrt(t));
  const Step step(prev, t, theta);
  Continuation next;
  next.t = t;
  next.z = g.z;
  next.weighted_density.resize(g.z.size());
  for (std::size_t i = 0; i < g.z.size(); ++i) {
    double density = 0.0;
    for (std::size_t j = 0; j < prev.z.size(); ++j) {
      density += prev.weighted_density[j] * normal_density(step.standardised(g.z[i], prev.z[j]));
    }
    // Jacobian of Z_k = S_k / sqrt(t): dS_k = sqrt(t) dZ_k.
    next.weighted_density[i] = g.w[i] * density * step.s / step.sd;
  }
  return next;
}

// x with f(x) = target for f non-increasing in x, by bisection on [-kZLimit, kZLimit]; if
// f(-kZLimit) <= target returns -inf, if f(kZLimit) > target returns +inf.
template <class F>
double solve_decreasing(F f, double target) {
  double lo = -kZLimit, hi = kZLimit;
  if (!(f(lo) > target)) return -kInf;
  if (f(hi) > target) return kInf;
  while (hi - lo > kTolerance) {
    const double mid = 0.5 * (lo + hi);
    if (f(mid) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

// u with P(no earlier stop, Z_k >= u) = target under H0 (target > 0).
double solve_upper(const Continuation& prev, double t, double target) {
  return solve_decreasing([&](double u) { return upper_exit(prev, t, u, 0.0); }, target);
}

// l <= cap with P_theta(no earlier stop, Z_k <= l) = target; cap if it cannot be reached
// below it; -inf for a zero target.
double solve_lower(const Continuation& prev, double t, double target, double theta, double cap) {
  if (!(target > 0.0)) return -kInf;
  const double cap_finite = std::min(cap, kZLimit);
  if (!(lower_exit(prev, t, cap_finite, theta) > target)) return cap;
  const double l =
      solve_decreasing([&](double x) { return -lower_exit(prev, t, x, theta); }, -target);
  return std::min(l, cap);
}

// The two-sided exit P(no earlier stop, |Z_k| >= c) under H0.
double two_sided_exit(const Continuation& prev, double t, double c) {
  return upper_exit(prev, t, c, 0.0) + lower_exit(prev, t, -c, 0.0);
}

void check_total(double total, const char* what) {
  if (!(total > 0.0 && total < 1.0)) {
    throw std::invalid_argument(std::string("group-sequential design: ") + what +
                                " must be in (0, 1)");
  }
}

}  // namespace

double spending_value(const SpendingFunction& spending, double total, double t) {
  check_total(total, "the total spent");
  if (!(t >= 0.0 && t <= 1.0)) {
    throw std::invalid_argument("spending_value: information fraction must be in [0, 1]");
  }
  switch (spending.family) {
    case SpendingFamily::kKimDeMets:
      if (!(spending.parameter > 0.0 && std::isfinite(spending.parameter))) {
        throw std::invalid_argument("spending_value: Kim-DeMets rho must be positive");
      }
      break;
    case SpendingFamily::kHwangShihDeCani:
      if (!std::isfinite(spending.parameter)) {
        throw std::invalid_argument("spending_value: Hwang-Shih-DeCani gamma must be finite");
      }
      break;
    case SpendingFamily::kUser:
      throw std::invalid_argument("spending_value: user spending has no function of t");
    default:
      break;
  }
  if (t == 0.0) return 0.0;
  if (t == 1.0) return total;  // exactly, so the last look spends precisely what is left
  switch (spending.family) {
    case SpendingFamily::kOBrienFleming:
      // 2 - 2 Phi(x) as the tail itself: no cancellation when it is tiny.
      return 2.0 * upper_tail(z_upper(total / 2.0) / std::sqrt(t));
    case SpendingFamily::kPocock:
      return total * std::log1p((std::numbers::e - 1.0) * t);
    case SpendingFamily::kHwangShihDeCani: {
      const double g = spending.parameter;
      if (g == 0.0) return total * t;
      // (1 - e^{-g t}) / (1 - e^{-g}) by expm1: accurate for small |g|.
      return total * std::expm1(-g * t) / std::expm1(-g);
    }
    case SpendingFamily::kKimDeMets:
      return total * std::pow(t, spending.parameter);
    case SpendingFamily::kUser:
      break;
  }
  throw std::invalid_argument("spending_value: unknown spending family");
}

std::vector<double> cumulative_spending(const SpendingFunction& spending, double total,
                                        std::span<const double> information_fractions) {
  check_total(total, "the total spent");
  const std::span<const double> t = information_fractions;
  std::vector<double> out(t.size());
  if (spending.family != SpendingFamily::kUser) {
    for (std::size_t k = 0; k < t.size(); ++k) out[k] = spending_value(spending, total, t[k]);
    return out;
  }
  const std::vector<double>& u = spending.user_cumulative;
  if (u.size() != t.size()) {
    throw std::invalid_argument("cumulative_spending: user spending needs one value per look");
  }
  for (std::size_t k = 0; k < u.size(); ++k) {
    if (!(u[k] >= 0.0 && u[k] <= total)) {
      throw std::invalid_argument("cumulative_spending: user spending must be in [0, total]");
    }
    if (k > 0 && !(u[k] >= u[k - 1])) {
      throw std::invalid_argument("cumulative_spending: user spending must not decrease");
    }
  }
  return u;
}

CrossingProbabilities crossing_probabilities(std::span<const double> information_fractions,
                                             std::span<const double> lower,
                                             std::span<const double> upper, double theta) {
  const std::span<const double> t = information_fractions;
  check_fractions(t, "crossing_probabilities", false);
  if (lower.size() != t.size() || upper.size() != t.size()) {
    throw std::invalid_argument("crossing_probabilities: one lower and upper bound per look");
  }
  if (!std::isfinite(theta)) throw std::invalid_argument("crossing_probabilities: bad drift");
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (std::isnan(lower[k]) || std::isnan(upper[k]) || lower[k] > upper[k]) {
      throw std::invalid_argument(
          "crossing_probabilities: each lower bound must be at most its upper bound");
    }
  }
  CrossingProbabilities out;
  out.upper.resize(t.size());
  out.lower.resize(t.size());
  Continuation h;
  double up = 0.0, low = 0.0, expected = 0.0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    const double pu = upper_exit(h, t[k], upper[k], theta);
    const double pl = lower_exit(h, t[k], lower[k], theta);
    up += pu;
    low += pl;
    out.upper[k] = up;
    out.lower[k] = low;
    if (k + 1 < t.size()) {
      expected += t[k] * (pu + pl);
      h = advance(h, t[k], lower[k], upper[k], theta, grid_r(t, k));
    } else {
      // Every trial reaching the last look stops there: its mass is what was left.
      expected += t[k] * std::max(0.0, 1.0 - (up - pu) - (low - pl));
    }
  }
  out.expected_information_fraction = expected;
  return out;
}

GroupSequentialBoundaries design_boundaries(const GroupSequentialDesign& d) {
  const std::span<const double> t = d.information_fractions;
  check_fractions(t, "design_boundaries", true);
  check_total(d.alpha, "alpha");
  const std::size_t K = t.size();
  const bool two_sided = d.sidedness == Sidedness::kTwoSidedSymmetric;
  const bool wang_tsiatis = d.efficacy == EfficacyBoundary::kWangTsiatis;
  const bool beta_spending = d.futility == Futility::kSpending;
  if (two_sided && d.futility != Futility::kNone) {
    throw std::invalid_argument("design_boundaries: futility bounds need a one-sided design");
  }
  if (wang_tsiatis && beta_spending) {
    throw std::invalid_argument(
        "design_boundaries: beta spending needs alpha-spending efficacy bounds");
  }
  if (wang_tsiatis && !std::isfinite(d.wang_tsiatis_delta)) {
    throw std::invalid_argument("design_boundaries: bad Wang-Tsiatis Delta");
  }
  // Fixed futility bounds at the interim looks; -inf elsewhere.
  std::vector<double> fixed_lower(K, -kInf);
  if (d.futility == Futility::kFixed) {
    if (d.futility_bounds.size() + 1 != K) {
      throw std::invalid_argument("design_boundaries: K - 1 fixed futility bounds needed");
    }
    for (std::size_t k = 0; k + 1 < K; ++k) {
      if (std::isnan(d.futility_bounds[k])) {
        throw std::invalid_argument("design_boundaries: NaN futility bound");
      }
      fixed_lower[k] = d.futility_bounds[k];
    }
  }
  std::vector<double> beta_cum;
  if (beta_spending) {
    check_total(d.beta, "beta");
    if (!(d.alpha + d.beta < 1.0)) {
      throw std::invalid_argument("design_boundaries: alpha + beta must be below 1");
    }
    beta_cum = cumulative_spending(d.beta_spending, d.beta, t);
  }
  const bool binding = d.binding_futility && d.futility != Futility::kNone;
  const auto check_fixed_below = [&](const std::vector<double>& u) {
    for (std::size_t k = 0; k + 1 < K; ++k) {
      if (fixed_lower[k] > u[k]) {
        throw std::invalid_argument("design_boundaries: futility bound above the efficacy bound");
      }
    }
  };

  GroupSequentialBoundaries out;
  std::vector<double>& u = out.efficacy;
  std::vector<double>& l = out.futility;
  u.assign(K, kInf);
  l.assign(K, -kInf);

  if (wang_tsiatis) {
    // u_k = c t_k^{Delta - 1/2}. The lower bounds of the H0 model the constant is solved
    // in: -u (two-sided), the fixed futility bounds (binding; capped at u while searching,
    // checked at the solution), or none.
    const auto make = [&](double c, std::vector<double>& up, std::vector<double>& low) {
      up.resize(K);
      low.resize(K);
      for (std::size_t k = 0; k < K; ++k) {
        up[k] = c * std::pow(t[k], d.wang_tsiatis_delta - 0.5);
        low[k] = two_sided ? -up[k] : (binding ? std::min(fixed_lower[k], up[k]) : -kInf);
      }
    };
    const auto rejection = [&](double c) {
      std::vector<double> up, low;
      make(c, up, low);
      const CrossingProbabilities p = crossing_probabilities(t, low, up, 0.0);
      return two_sided ? p.upper.back() + p.lower.back() : p.upper.back();
    };
    double lo = two_sided ? 0.0 : -kZLimit, hi = kZLimit;
    while (hi - lo > kTolerance) {
      const double mid = 0.5 * (lo + hi);
      if (rejection(mid) > d.alpha) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    std::vector<double> low;
    make(0.5 * (lo + hi), u, low);
    check_fixed_below(u);
    if (d.futility == Futility::kFixed) {
      for (std::size_t k = 0; k + 1 < K; ++k) l[k] = fixed_lower[k];
      l[K - 1] = u[K - 1];
    }
    const CrossingProbabilities p = crossing_probabilities(t, low, u, 0.0);
    out.alpha_spent.resize(K);
    for (std::size_t k = 0; k < K; ++k) {
      out.alpha_spent[k] = two_sided ? p.upper[k] + p.lower[k] : p.upper[k];
    }
  } else if (two_sided) {
    // ld98 / ldbounds: each tail spends the one-sided function at alpha/2.
    std::vector<double> a(K);
    if (d.alpha_spending.family == SpendingFamily::kOBrienFleming) {
      for (std::size_t k = 0; k < K; ++k) a[k] = 2.0 * spending_value(d.alpha_spending, d.alpha / 2.0, t[k]);
    } else {
      a = cumulative_spending(d.alpha_spending, d.alpha, t);
    }
    Continuation h;
    for (std::size_t k = 0; k < K; ++k) {
      const double increment = a[k] - (k > 0 ? a[k - 1] : 0.0);
      if (increment > 0.0) {
        u[k] = std::max(0.0, solve_decreasing(
                                 [&](double c) { return two_sided_exit(h, t[k], c); }, increment));
      }
      if (k + 1 < K) h = advance(h, t[k], -u[k], u[k], 0.0, grid_r(t, k));
    }
    out.alpha_spent = a;
  } else {
    const std::vector<double> a = cumulative_spending(d.alpha_spending, d.alpha, t);
    out.alpha_spent = a;
    // One pass over the looks for a trial drift theta: the efficacy bounds (unless given,
    // as they are when they do not depend on theta) and the futility bounds, and the
    // probability under theta of not rejecting H0.
    const auto pass = [&](double theta, const std::vector<double>* given_u,
                          std::vector<double>& up, std::vector<double>& low) {
      up.assign(K, kInf);
      low.assign(K, -kInf);
      Continuation h0, h1;
      double type_two = 0.0;
      for (std::size_t k = 0; k < K; ++k) {
        if (given_u != nullptr) {
          up[k] = (*given_u)[k];
        } else {
          const double increment = a[k] - (k > 0 ? a[k - 1] : 0.0);
          if (increment > 0.0) up[k] = solve_upper(h0, t[k], increment);
        }
        const bool last = k + 1 == K;
        if (d.futility == Futility::kNone) {
          low[k] = -kInf;
        } else if (last) {
          low[k] = up[k];
        } else if (beta_spending) {
          const double increment = beta_cum[k] - (k > 0 ? beta_cum[k - 1] : 0.0);
          low[k] = solve_lower(h1, t[k], increment, theta, up[k]);
        } else {
          low[k] = fixed_lower[k];
          if (low[k] > up[k]) {
            throw std::invalid_argument(
                "design_boundaries: futility bound above the efficacy bound");
          }
        }
        if (beta_spending) type_two += lower_exit(h1, t[k], low[k], theta);
        if (!last) {
          const int r = grid_r(t, k);
          h0 = advance(h0, t[k], binding ? low[k] : -kInf, up[k], 0.0, r);
          if (beta_spending) h1 = advance(h1, t[k], low[k], up[k], theta, r);
        }
      }
      return type_two;
    };
    if (!beta_spending) {
      pass(0.0, nullptr, u, l);
    } else {
      // Non-binding: the efficacy bounds ignore futility, so do not depend on theta.
      std::vector<double> u_nonbinding;
      if (!binding) {
        GroupSequentialDesign efficacy_only = d;
        efficacy_only.futility = Futility::kNone;
        u_nonbinding = design_boundaries(efficacy_only).efficacy;
      }
      const std::vector<double>* given = binding ? nullptr : &u_nonbinding;
      // P_theta(no rejection) - beta falls as theta grows; at theta = 0 it is about
      // 1 - alpha - beta > 0.
      const auto excess = [&](double theta) {
        std::vector<double> up, low;
        return pass(theta, given, up, low) - d.beta;
      };
      double lo = 0.0;
      double hi = std::max(1.0, 2.0 * (z_upper(d.alpha) + z_upper(d.beta)));
      while (excess(hi) > 0.0) {
        lo = hi;
        hi *= 2.0;
        if (hi > 1e3) throw std::logic_error("design_boundaries: drift search diverged");
      }
      while (hi - lo > kTolerance) {
        const double mid = 0.5 * (lo + hi);
        if (excess(mid) > 0.0) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      out.drift = 0.5 * (lo + hi);
      pass(out.drift, given, u, l);
    }
  }

  if (two_sided) {
    for (std::size_t k = 0; k < K; ++k) l[k] = -u[k];
  }
  out.under_null = crossing_probabilities(t, l, u, 0.0);
  if (beta_spending) {
    out.under_drift = crossing_probabilities(t, l, u, out.drift);
    out.beta_spent = out.under_drift.lower;
  }
  return out;
}

std::vector<double> nominal_p_values(std::span<const double> bounds) {
  std::vector<double> p(bounds.size());
  for (std::size_t k = 0; k < bounds.size(); ++k) {
    if (std::isnan(bounds[k])) throw std::invalid_argument("nominal_p_values: NaN bound");
    p[k] = upper_tail(bounds[k]);
  }
  return p;
}

std::vector<double> hazard_ratio_bounds(std::span<const double> bounds,
                                        std::span<const double> events, double allocation) {
  if (bounds.size() != events.size()) {
    throw std::invalid_argument("hazard_ratio_bounds: one event count per bound");
  }
  if (!(allocation > 0.0 && allocation < 1.0)) {
    throw std::invalid_argument("hazard_ratio_bounds: allocation must be in (0, 1)");
  }
  std::vector<double> hr(bounds.size());
  for (std::size_t k = 0; k < bounds.size(); ++k) {
    if (!(events[k] > 0.0) || std::isnan(bounds[k])) {
      throw std::invalid_argument("hazard_ratio_bounds: events must be positive, bounds not NaN");
    }
    hr[k] = std::exp(-bounds[k] / std::sqrt(events[k] * allocation * (1.0 - allocation)));
  }
  return hr;
}

std::vector<double> mean_difference_bounds(std::span<const double> bounds,
                                           std::span<const double> standard_errors) {
  if (bounds.size() != standard_errors.size()) {
    throw std::invalid_argument("mean_difference_bounds: one standard error per bound");
  }
  std::vector<double> diff(bounds.size());
  for (std::size_t k = 0; k < bounds.size(); ++k) {
    if (!(standard_errors[k] > 0.0 && std::isfinite(standard_errors[k])) || std::isnan(bounds[k])) {
      throw std::invalid_argument(
          "mean_difference_bounds: standard errors must be positive, bounds not NaN");
    }
    diff[k] = bounds[k] * standard_errors[k];
  }
  return diff;
}

}  // namespace silico::stats
