/// @file
/// @brief alpha_spent() and efficacy_boundaries(): Lan-DeMets error spending with two-sided
/// symmetric boundaries, by the recursive numerical integration of Armitage, McPherson &
/// Rowe (1969) in the form of Jennison & Turnbull (2000), Group Sequential Methods with
/// Applications to Clinical Trials, section 19.2.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "stats/design.hpp"
#include "stats/group_sequential_grid.hpp"

namespace silico::stats {
namespace {

using detail::Grid;
using detail::grid_r;
using detail::make_grid;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Boundaries are found by bisection to this absolute width on the Z scale.
constexpr double kBoundaryTolerance = 1e-10;

// Cumulative two-sided spending: each tail spends the one-sided function at level alpha/2,
// as ld98 (Reboussin et al. 2000) and R ldbounds do (R/alphas.R: pe <- side * f(alpha/side)).
// For the Pocock type this equals alpha_spent(alpha); for the O'Brien-Fleming type it is
// 4 - 4 Phi(z_{alpha/4} / sqrt t), not 2 - 2 Phi(z_{alpha/2} / sqrt t).
double two_sided_spent(Spending spending, double alpha, double t) {
  return 2.0 * alpha_spent(spending, alpha / 2.0, t);
}

double upper_tail(double z) {
  return boost::math::cdf(boost::math::complement(boost::math::normal(), z));
}

double normal_density(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}

// The sub-density h_{k-1} of Z_{k-1} on the continuation region, stored as the weighted
// values w_j h(z_j), and the information fraction it belongs to.
struct Continuation {
  std::vector<double> z;
  std::vector<double> weighted_density;
  double t = 0.0;
};

// P(no earlier stop, |Z_k| >= c) under H0, for Z_k at information fraction t.
double exit_probability(const Continuation& prev, double t, double c) {
  const double sd = std::sqrt(t - prev.t);
  const double s_prev = std::sqrt(prev.t);
  const double s = std::sqrt(t);
  double sum = 0.0;
  for (std::size_t j = 0; j < prev.z.size(); ++j) {
    // Score increment S_k - S_{k-1} ~ N(0, t - t_prev); both tails of Z_k = S_k / sqrt(t).
    const double upper = upper_tail((c * s - prev.z[j] * s_prev) / sd);
    const double lower = upper_tail((c * s + prev.z[j] * s_prev) / sd);
    sum += prev.weighted_density[j] * (upper + lower);
  }
  return sum;
}

// h_k on the grid of (-c, c) at fraction t, from h_{k-1}.
Continuation advance(const Continuation& prev, double t, double c, int r) {
  const Grid g = make_grid(-c, c, r);
  const double sd = std::sqrt(t - prev.t);
  const double s_prev = std::sqrt(prev.t);
  const double s = std::sqrt(t);
  Continuation next;
  next.t = t;
  next.z = g.z;
  next.weighted_density.resize(g.z.size());
  for (std::size_t i = 0; i < g.z.size(); ++i) {
    double density = 0.0;
    for (std::size_t j = 0; j < prev.z.size(); ++j) {
      density += prev.weighted_density[j] * normal_density((g.z[i] * s - prev.z[j] * s_prev) / sd);
    }
    // Jacobian of Z_k = S_k / sqrt(t): dS_k = sqrt(t) dZ_k.
    next.weighted_density[i] = g.w[i] * density * s / sd;
  }
  return next;
}

// The c >= 0 with exit_probability(c) = target; exit_probability falls with c.
double solve_boundary(const Continuation& prev, double t, double target) {
  double lo = 0.0;
  // Round-off can leave the continuation mass a hair below a target equal to it.
  if (!(exit_probability(prev, t, lo) > target)) return lo;
  double hi = 1.0;
  while (exit_probability(prev, t, hi) > target) {
    hi *= 2.0;
    if (hi > 1e6) throw std::logic_error("efficacy_boundaries: boundary search diverged");
  }
  while (hi - lo > kBoundaryTolerance) {
    const double mid = 0.5 * (lo + hi);
    if (exit_probability(prev, t, mid) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double alpha_spent(Spending spending, double alpha, double t) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("alpha_spent: alpha must be in (0, 1)");
  }
  if (!(t >= 0.0 && t <= 1.0)) {
    throw std::invalid_argument("alpha_spent: information fraction must be in [0, 1]");
  }
  if (t == 0.0) return 0.0;
  // Both functions equal alpha at t = 1 exactly; return it so the final look spends
  // precisely what is left, not alpha up to round-off.
  if (t == 1.0) return alpha;
  switch (spending) {
    case Spending::kOBrienFleming: {
      const boost::math::normal standard;
      const double z = boost::math::quantile(boost::math::complement(standard, alpha / 2.0));
      // 2 - 2 Phi(x) = 2 Phi-bar(x): the tail directly, no cancellation when it is tiny.
      return 2.0 * boost::math::cdf(boost::math::complement(standard, z / std::sqrt(t)));
    }
    case Spending::kPocock:
      return alpha * std::log1p((std::numbers::e - 1.0) * t);
  }
  throw std::invalid_argument("alpha_spent: unknown spending function");
}

std::vector<double> efficacy_boundaries(Spending spending, double alpha,
                                        std::span<const double> information_fractions) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("efficacy_boundaries: alpha must be in (0, 1)");
  }
  const std::span<const double> t = information_fractions;
  if (t.empty()) {
    throw std::invalid_argument("efficacy_boundaries: no information fractions");
  }
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (!(t[k] > 0.0 && t[k] <= 1.0)) {
      throw std::invalid_argument("efficacy_boundaries: information fractions must be in (0, 1]");
    }
    if (k > 0 && !(t[k] > t[k - 1])) {
      throw std::invalid_argument(
          "efficacy_boundaries: information fractions must be strictly increasing");
    }
  }
  if (t.back() != 1.0) {
    throw std::invalid_argument("efficacy_boundaries: the last information fraction must be 1");
  }

  std::vector<double> c(t.size());
  // Look 1: P(|Z_1| >= c_1) = 2 Phi-bar(c_1) in closed form. A look at which nothing is
  // spent (the O'Brien-Fleming function underflows to 0 at tiny t) gets c = +infinity.
  double spent = two_sided_spent(spending, alpha, t[0]);
  c[0] = spent > 0.0
             ? boost::math::quantile(boost::math::complement(boost::math::normal(), spent / 2.0))
             : kInf;
  if (t.size() == 1) return c;

  // h_1 is the standard normal density on (-c_1, c_1).
  Continuation h;
  h.t = t[0];
  {
    const Grid g = make_grid(-c[0], c[0], grid_r(t, 0));
    h.z = g.z;
    h.weighted_density.resize(g.z.size());
    for (std::size_t i = 0; i < g.z.size(); ++i) {
      h.weighted_density[i] = g.w[i] * normal_density(g.z[i]);
    }
  }
  for (std::size_t k = 1; k < t.size(); ++k) {
    const double cumulative = two_sided_spent(spending, alpha, t[k]);
    const double increment = cumulative - spent;
    spent = cumulative;
    c[k] = increment > 0.0 ? solve_boundary(h, t[k], increment) : kInf;
    if (k + 1 < t.size()) h = advance(h, t[k], c[k], grid_r(t, k));
  }
  return c;
}

}  // namespace silico::stats
