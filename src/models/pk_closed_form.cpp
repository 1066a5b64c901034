// Closed-form linear PK by superposition.
//
// Both models are linear and time-invariant, so a unit amount put into the central
// compartment at time 0 gives C(t) = sum_i c_i exp(-lambda_i t): one term (1/V, CL/V) for
// 1-cmt, two (a, alpha) and (b, beta) for 2-cmt. Each route is that response convolved
// with its input, and every such convolution and its integral is a divided difference of
// x -> exp(-x t), written here in forms that are products of non-negative factors:
//
//   exp_integral(l, t)   = int_0^t exp(-l s) ds             = t phi(l t)
//   convolution(l, m, t) = int_0^t exp(-l (t-s)) exp(-m s) ds = exp(-min t) t phi(|l-m| t)
//   double_integral(l, m, t) = int_0^t convolution(l, m, s) ds
//
// with phi(x) = (1 - exp(-x)) / x = -expm1(-x) / x, phi(0) = 1. convolution() is the
// Bateman factor (exp(-l t) - exp(-m t)) / (m - l) without the subtraction; at l == m it is
// exactly t exp(-l t), the degenerate ka == k limit, and it is continuous through it.
//
// Per dose of amount D (tau = time since the dose, or since dose + lag for oral):
//   bolus:     D c exp(-l tau)
//   infusion:  R c exp_integral(l, tau)                           (tau <= T, R = D/T)
//              R c exp_integral(l, T) exp(-l (tau - T))           (tau > T)
//   oral:      F D ka c convolution(l, ka, tau)
// These are the textbook formulas (Gibaldi & Perrier, Pharmacokinetics, 2nd ed., 1982, one-
// and two-compartment models) regrouped: e.g. the 2-cmt oral three-exponential form equals
// the two-term convolution sum by partial fractions.

#include "models/pk_closed_form.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace silico::models::pk {
namespace {

// (1 - exp(-x)) / x for x >= 0; relative accuracy of expm1, so no loss for small x.
double phi(double x) { return x == 0.0 ? 1.0 : -std::expm1(-x) / x; }

// int_0^t exp(-l s) ds; t may be +infinity (then 1/l, +infinity for l == 0).
double exp_integral(double l, double t) {
  if (std::isinf(t)) return 1.0 / l;
  return t * phi(l * t);
}

// int_0^t exp(-l (t - s)) exp(-m s) ds, symmetric in (l, m); t finite.
double convolution(double l, double m, double t) {
  const double slow = std::min(l, m);
  const double gap = std::abs(l - m);
  return std::exp(-slow * t) * t * phi(gap * t);
}

// int_0^t convolution(l, m, s) ds = integral of exp(-l u - m v) over the triangle
// u, v >= 0, u + v <= t. With hi = max(l, m): (exp_integral(lo) - convolution) / hi; once
// hi t >= 1 that difference is at least exp(-1) of exp_integral(lo), so under 2 bits are
// lost. Below that, the series in t: t^2 sum_n (-1)^n h_n(lo t, hi t) / (n+2)!, h_n the complete
// homogeneous polynomial (sum_i x^i y^(n-i)); with x, y < 1 the terms fall below 1e-17 of the sum
// (which is >= 0.26) by n = 18.
double double_integral(double l, double m, double t) {
  if (std::isinf(t)) return 1.0 / (l * m);
  const double lo = std::min(l, m);
  const double hi = std::max(l, m);
  if (hi * t >= 1.0) return (exp_integral(lo, t) - convolution(lo, hi, t)) / hi;
  const double x = lo * t;
  const double y = hi * t;
  double h = 1.0;       // h_n(x, y)
  double x_pow = 1.0;   // x^n
  double factor = 0.5;  // (-1)^n / (n+2)!
  double sum = 0.5;
  for (int n = 1; n <= 20; ++n) {
    x_pow *= x;
    h = y * h + x_pow;
    factor /= -static_cast<double>(n + 2);
    sum += factor * h;
  }
  return t * t * sum;
}

struct Term {
  double coef_per_L;  // concentration per mg put into the central compartment
  double rate_per_h;
};

// The unit-bolus response of the central compartment and the absorption parameters.
struct Response {
  std::array<Term, 2> terms;
  std::size_t n_terms;
  Absorption absorption;
};

Response response_of(const OneCompartment& m) {
  return {{{{1.0 / m.v_L, m.cl_L_per_h / m.v_L}, {0.0, 0.0}}}, 1, m.absorption};
}

Response response_of(const TwoCompartment& m) {
  const TwoCompartmentMacro macro = macro_constants(m);
  return {
      {{{macro.a_per_L, macro.alpha_per_h}, {macro.b_per_L, macro.beta_per_h}}}, 2, m.absorption};
}

// When the dose starts acting: oral doses after the lag time.
double start_of(const Dose& dose, const Absorption& absorption) {
  return dose.route == Route::kOral ? dose.time_h + absorption.lag_h : dose.time_h;
}

double concentration_of(const Response& r, std::span<const Dose> doses, double t) {
  double total = 0.0;
  for (const Dose& dose : doses) {
    const double tau = t - start_of(dose, r.absorption);
    if (!(tau >= 0.0)) continue;
    for (std::size_t i = 0; i < r.n_terms; ++i) {
      const Term& term = r.terms[i];
      if (term.coef_per_L == 0.0) continue;  // q == 0: the beta term vanishes
      const double l = term.rate_per_h;
      switch (dose.route) {
        case Route::kIvBolus:
          total += dose.amount_mg * term.coef_per_L * std::exp(-l * tau);
          break;
        case Route::kIvInfusion: {
          const double rate = dose.amount_mg / dose.duration_h;
          const double built = tau <= dose.duration_h ? exp_integral(l, tau)
                                                      : exp_integral(l, dose.duration_h) *
                                                            std::exp(-l * (tau - dose.duration_h));
          total += rate * term.coef_per_L * built;
          break;
        }
        case Route::kOral: {
          const Absorption& a = r.absorption;
          total += a.bioavailability * dose.amount_mg * a.ka_per_h * term.coef_per_L *
                   convolution(l, a.ka_per_h, tau);
          break;
        }
      }
    }
  }
  return total;
}

// Integral over tau in [a, b] (0 <= a <= b, b may be +infinity) of one term's response to
// one dose, per unit coefficient. Each piece is split at a so that it is a sum of
// non-negative products: the state at a decays, plus what enters after a.
double term_auc(const Dose& dose, const Absorption& absorption, double l, double a, double b) {
  const double width = b - a;
  switch (dose.route) {
    case Route::kIvBolus:
      return dose.amount_mg * std::exp(-l * a) * exp_integral(l, width);
    case Route::kIvInfusion: {
      const double duration = dose.duration_h;
      const double rate = dose.amount_mg / duration;
      double sum = 0.0;
      if (a < duration) {  // during: E(a + s) = E(a) + exp(-l a) E(s)
        const double w = std::min(b, duration) - a;
        sum += w * exp_integral(l, a) + std::exp(-l * a) * double_integral(l, 0.0, w);
      }
      if (b > duration) {  // after: E(T) exp(-l (tau - T))
        const double from = std::max(a, duration);
        sum += exp_integral(l, duration) * std::exp(-l * (from - duration)) *
               exp_integral(l, b - from);
      }
      return rate * sum;
    }
    case Route::kOral: {
      // Central part at a decays; the depot left at a, exp(-ka a), keeps feeding.
      const double ka = absorption.ka_per_h;
      const double integral = convolution(l, ka, a) * exp_integral(l, width) +
                              std::exp(-ka * a) * double_integral(l, ka, width);
      return absorption.bioavailability * dose.amount_mg * ka * integral;
    }
  }
  return 0.0;
}

double auc_of(const Response& r, std::span<const Dose> doses, double t0, double t1) {
  if (t1 < t0) return -auc_of(r, doses, t1, t0);
  double total = 0.0;
  for (const Dose& dose : doses) {
    const double start = start_of(dose, r.absorption);
    const double b = t1 - start;
    if (!(b > 0.0)) continue;
    const double a = std::max(t0 - start, 0.0);
    if (!(b > a)) continue;
    for (std::size_t i = 0; i < r.n_terms; ++i) {
      const Term& term = r.terms[i];
      if (term.coef_per_L == 0.0) continue;
      total += term.coef_per_L * term_auc(dose, r.absorption, term.rate_per_h, a, b);
    }
  }
  return total;
}

}  // namespace

TwoCompartmentMacro macro_constants(const TwoCompartment& m) {
  const double k10 = m.cl_L_per_h / m.v1_L;
  const double k12 = m.q_L_per_h / m.v1_L;
  const double k21 = m.q_L_per_h / m.v2_L;
  // alpha - k21 = (r + u)/2 and k21 - beta = (r - u)/2 with u = k10 + k12 - k21 and
  // r = alpha - beta = sqrt(u^2 + 4 k12 k21); their product is k12 k21, so the smaller
  // one is taken from the product instead of from a subtraction.
  const double u = k10 + k12 - k21;
  const double r = std::hypot(u, 2.0 * std::sqrt(k12 * k21));
  const double alpha_minus_k21 = u >= 0.0 ? 0.5 * (r + u) : 2.0 * k12 * k21 / (r - u);
  const double k21_minus_beta = u <= 0.0 ? 0.5 * (r - u) : 2.0 * k12 * k21 / (r + u);
  TwoCompartmentMacro macro;
  macro.alpha_per_h = k21 + alpha_minus_k21;
  macro.beta_per_h = k10 * k21 / macro.alpha_per_h;
  macro.a_per_L = alpha_minus_k21 / (m.v1_L * r);
  macro.b_per_L = k21_minus_beta / (m.v1_L * r);
  return macro;
}

double concentration(const OneCompartment& model, std::span<const Dose> doses, double t_h) {
  return concentration_of(response_of(model), doses, t_h);
}

double concentration(const TwoCompartment& model, std::span<const Dose> doses, double t_h) {
  return concentration_of(response_of(model), doses, t_h);
}

double auc(const OneCompartment& model, std::span<const Dose> doses, double t0_h, double t1_h) {
  return auc_of(response_of(model), doses, t0_h, t1_h);
}

double auc(const TwoCompartment& model, std::span<const Dose> doses, double t0_h, double t1_h) {
  return auc_of(response_of(model), doses, t0_h, t1_h);
}

}  // namespace silico::models::pk
