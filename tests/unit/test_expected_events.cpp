/// @file
/// @brief Unit tests for src/stats/expected_events: expected enrolment and expected events
/// in calendar time under piecewise-constant enrolment, failure and dropout rates.
///
/// Checked four ways: closed forms derived by hand below; the values gsDesign2's own tests
/// print for expected_event() and the arithmetic of its expected_accrual() examples;
/// an independent recomputation by nested Gauss-Legendre quadrature (over entry time, and
/// over follow-up for each patient's event probability) for cases gsDesign2 cannot express
/// (dropout changing at other times than failure, a maximum follow-up); and round trips of
/// time_of_expected_events() and inverse_cumulative().

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <boost/math/quadrature/gauss.hpp>

#include "stats/expected_events.hpp"

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kLn2 = std::numbers::ln2;

// Relative agreement: both sides are sums of a few dozen terms of order 1-500.
void expect_rel(double actual, double expected, double rel) {
  EXPECT_NEAR(actual, expected, rel * std::abs(expected)) << "expected " << expected;
}

// ------------------------------------------------------------------ closed forms by hand
//
// Uniform accrual at rate a over [0, A] (then none), failure hazard lambda, dropout eta,
// mu = lambda + eta. A patient followed for s has the event with probability
//   F(s) = integral_0^s lambda e^{-mu v} dv = (lambda/mu)(1 - e^{-mu s}).
// By calendar time t >= A every patient entered at u in [0, A] and has been followed t - u:
//   E(t) = integral_0^A a F(t - u) du = (lambda/mu) [a A - a integral_0^A e^{-mu (t-u)} du]
//        = (lambda/mu) [a A - (a/mu)(e^{-mu (t-A)} - e^{-mu t})],
// which for eta = 0 is a A - (a/lambda)(e^{-lambda (t-A)} - e^{-lambda t}). For t < A the
// entries are u in [0, t]: E(t) = (lambda/mu) [a t - (a/mu)(1 - e^{-mu t})].
// With a maximum follow-up m, once t >= A + m everyone has had all of m:
//   E(t) = a A F(m) = a A (lambda/mu)(1 - e^{-mu m}).
double uniform_closed_form(double a, double A, double lambda, double eta, double t) {
  const double mu = lambda + eta;
  if (t >= A) return lambda / mu * (a * A - a / mu * (std::exp(-mu * (t - A)) - std::exp(-mu * t)));
  return lambda / mu * (a * t - a / mu * (1.0 - std::exp(-mu * t)));
}

PiecewiseRate uniform(double a, double A) { return PiecewiseRate{{a, 0.0}, {A, kInf}}; }

TEST(ExpectedEvents, UniformAccrualExponentialFailureNoDropout) {
  const double a = 12.0;
  const double A = 9.0;
  const double lambda = kLn2 / 7.0;
  for (double t : {9.0, 10.5, 15.0, 30.0, 200.0}) {
    const double by_hand =
        a * A - a / lambda * (std::exp(-lambda * (t - A)) - std::exp(-lambda * t));
    expect_rel(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                               PiecewiseRate::constant(0.0), t),
               by_hand, 1e-12);
  }
  for (double t : {0.25, 3.0, 8.999}) {
    expect_rel(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                               PiecewiseRate::constant(0.0), t),
               uniform_closed_form(a, A, lambda, 0.0, t), 1e-12);
  }
  EXPECT_EQ(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                            PiecewiseRate::constant(0.0), 0.0),
            0.0);
}

TEST(ExpectedEvents, UniformAccrualExponentialFailureWithDropout) {
  const double a = 12.0;
  const double A = 9.0;
  const double lambda = kLn2 / 7.0;
  const double eta = 0.02;
  for (double t : {0.5, 4.0, 9.0, 12.0, 24.0, 60.0}) {
    const double mu = lambda + eta;
    const double by_hand =
        t >= A ? lambda / mu * (a * A - a / mu * (std::exp(-mu * (t - A)) - std::exp(-mu * t)))
               : uniform_closed_form(a, A, lambda, eta, t);
    expect_rel(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                               PiecewiseRate::constant(eta), t),
               by_hand, 1e-12);
  }
  // A hazard split into pieces of the same rate changes nothing.
  const PiecewiseRate split{{lambda, lambda, lambda}, {1.5, 4.0, kInf}};
  const PiecewiseRate split_dropout{{eta, eta}, {2.5, kInf}};
  expect_rel(expected_events(uniform(a, A), split, split_dropout, 17.0),
             uniform_closed_form(a, A, lambda, eta, 17.0), 1e-12);
}

TEST(ExpectedEvents, MaximumFollowUp) {
  const double a = 12.0;
  const double A = 9.0;
  const double lambda = kLn2 / 7.0;
  const double eta = 0.02;
  const double m = 6.0;
  const double mu = lambda + eta;
  const double all_followed = a * A * lambda / mu * (1.0 - std::exp(-mu * m));
  for (double t : {15.0, 20.0, 100.0}) {
    expect_rel(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                               PiecewiseRate::constant(eta), t, m),
               all_followed, 1e-12);
  }
  // Before anyone has been followed for m the cap does not bind.
  expect_rel(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                             PiecewiseRate::constant(eta), 5.5, m),
             uniform_closed_form(a, A, lambda, eta, 5.5), 1e-12);
  EXPECT_EQ(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                            PiecewiseRate::constant(eta), 20.0, 0.0),
            0.0);
  expect_rel(event_probability(PiecewiseRate::constant(lambda), PiecewiseRate::constant(eta), m),
             lambda / mu * (1.0 - std::exp(-mu * m)), 1e-14);
  expect_rel(event_probability(PiecewiseRate::constant(lambda), PiecewiseRate::constant(eta), kInf),
             lambda / mu, 1e-15);
  EXPECT_EQ(event_probability(PiecewiseRate::constant(0.0), PiecewiseRate::constant(0.0), kInf),
            0.0);
}

// A tiny total hazard uses the Taylor series of (x - 1 + e^-x)/x^2; it must join the
// closed form (here checked against the hand formula, computed with expm1).
TEST(ExpectedEvents, SmallHazards) {
  const double a = 5.0;
  const double A = 2.0;
  for (double lambda : {1e-9, 1e-6, 1e-4, 4.9e-3, 5.1e-3, 2e-2}) {
    const double t = 2.0;  // mu t = 2 lambda spans both sides of the switch at 0.01
    // E(t) = a t - (a/lambda)(1 - e^{-lambda t}) = (a/lambda)(x - 1 + e^{-x}), x = lambda t,
    // = (a/lambda) sum_{n>=2} (-x)^n/n!: summed to convergence, as the closed form would
    // cancel (x - 1 + e^-x ~ x^2/2) and the terms decrease from the first here (x <= 0.04).
    const double x = lambda * t;
    double term = x * x / 2.0;
    double series = 0.0;
    for (int n = 3; std::abs(term) > 1e-30 * x * x; ++n) {
      series += term;
      term *= -x / n;
    }
    const double by_hand = a / lambda * series;
    expect_rel(expected_events(uniform(a, A), PiecewiseRate::constant(lambda),
                               PiecewiseRate::constant(0.0), t),
               by_hand, 1e-13);
  }
}

// ------------------------------------------------------------------ gsDesign2 references
//
// The values gsDesign2's regression tests expect (15 significant digits, "computed on
// 2023-08-11 with gsDesign2 version 1.0.9"), from
// https://github.com/Merck/gsDesign2/blob/main/tests/testit/test-developer-expected_event.R
// (also tests/testthat/ of the CRAN package). Conventions read from R/expected_event.R:
// enrolment is 0 after the last enroll_rate duration (here a final rate-0 piece); the
// last fail_rate piece lasts for ever whatever its duration (100 below); fail_rate and
// dropout_rate share the fail_rate durations. With simple = FALSE the events are split
// by the failure period [s_j, s_j+1) in which they happen (time from entry), which is
// expected_events with max_follow_up = s_j+1 minus that with s_j.

// define_enroll_rate(duration = c(2, 2, 10), rate = c(3, 6, 9)) and the default
// define_fail_rate(duration = c(3, 100), fail_rate = log(2) / c(9, 18), dropout_rate = .001).
const PiecewiseRate kDefaultEnrol{{3.0, 6.0, 9.0, 0.0}, {2.0, 2.0, 10.0, kInf}};
const PiecewiseRate kDefaultFail{{kLn2 / 9.0, kLn2 / 18.0}, {3.0, kInf}};
const PiecewiseRate kDefaultDropout = PiecewiseRate::constant(0.001);

TEST(ExpectedEvents, GsDesign2Defaults) {
  // expected_event()  # total_duration = 25
  expect_rel(expected_events(kDefaultEnrol, kDefaultFail, kDefaultDropout, 25.0), 57.3537033783035,
             1e-12);
  // expected_event(simple = FALSE): t = c(0, 3), event = c(22.2482399817186, 35.1054633965849)
  const double first = expected_events(kDefaultEnrol, kDefaultFail, kDefaultDropout, 25.0, 3.0);
  expect_rel(first, 22.2482399817186, 1e-12);
  expect_rel(expected_events(kDefaultEnrol, kDefaultFail, kDefaultDropout, 25.0) - first,
             35.1054633965849, 1e-12);
  // expected_event(total_duration = .5)
  expect_rel(expected_events(kDefaultEnrol, kDefaultFail, kDefaultDropout, 0.5), 0.0285092329152224,
             1e-12);
}

TEST(ExpectedEvents, GsDesign2SinglePeriod) {
  const PiecewiseRate fail = PiecewiseRate::constant(kLn2 / 6.0);
  const PiecewiseRate dropout = PiecewiseRate::constant(0.01);
  // expected_event(enroll_rate = define_enroll_rate(duration = 10, rate = 10),
  //   fail_rate = define_fail_rate(duration = 100, fail_rate = log(2) / 6, dropout_rate = .01),
  //   total_duration = 22, simple = FALSE)  ->  event = 80.4097370913342
  expect_rel(expected_events(PiecewiseRate{{10.0, 0.0}, {10.0, kInf}}, fail, dropout, 22.0),
             80.4097370913342, 1e-12);
  // The same with define_enroll_rate(duration = c(5, 5), rate = c(10, 20))  ->  118.848383110223
  expect_rel(
      expected_events(PiecewiseRate{{10.0, 20.0, 0.0}, {5.0, 5.0, kInf}}, fail, dropout, 22.0),
      118.848383110223, 1e-12);
}

TEST(ExpectedEvents, GsDesign2Issue250ByPeriod) {
  // Example from https://github.com/Merck/gsDesign2/issues/250:
  // expected_event(enroll_rate = define_enroll_rate(duration = c(2, 1, 2), rate = c(5, 10, 20)),
  //   fail_rate = define_fail_rate(duration = c(1, 1, 100), fail_rate = c(0.05, 0.02, 0.01),
  //   dropout_rate = 0.01), total_duration = 12, simple = FALSE)
  //   t = c(0, 1, 2), event = c(2.91177332078756, 1.11333393252082, 3.45481304353542)
  const PiecewiseRate enrol{{5.0, 10.0, 20.0, 0.0}, {2.0, 1.0, 2.0, kInf}};
  const PiecewiseRate fail{{0.05, 0.02, 0.01}, {1.0, 1.0, kInf}};
  const PiecewiseRate dropout = PiecewiseRate::constant(0.01);
  const double by1 = expected_events(enrol, fail, dropout, 12.0, 1.0);
  const double by2 = expected_events(enrol, fail, dropout, 12.0, 2.0);
  const double all = expected_events(enrol, fail, dropout, 12.0);
  expect_rel(by1, 2.91177332078756, 1e-12);
  expect_rel(by2 - by1, 1.11333393252082, 1e-12);
  expect_rel(all - by2, 3.45481304353542, 1e-12);
}

TEST(ExpectedEvents, GsDesign2PiecewiseDropout) {
  // "Test case from gsSurvNPH", in gsDesign2's tests/testit/test-independent-expected_event.R
  // (same repository), 7 significant digits "checked with alternate calculations in
  // gsSurvNPH vignette": define_enroll_rate(duration = c(1, 1, 8), rate = c(3, 2, 0)),
  // define_fail_rate(duration = c(4, Inf), fail_rate = c(.03, .06),
  // dropout_rate = c(.001, .002)), total_duration = 7, simple = FALSE
  //   t = c(0, 4), event = c(0.5642911, 0.5194821)
  const PiecewiseRate enrol{{3.0, 2.0, 0.0}, {1.0, 1.0, kInf}};
  const PiecewiseRate fail{{0.03, 0.06}, {4.0, kInf}};
  const PiecewiseRate dropout{{0.001, 0.002}, {4.0, kInf}};
  const double by4 = expected_events(enrol, fail, dropout, 7.0, 4.0);
  EXPECT_NEAR(by4, 0.5642911, 5e-8);
  EXPECT_NEAR(expected_events(enrol, fail, dropout, 7.0) - by4, 0.5194821, 5e-8);
}

// ------------------------------------------------------- independent numerical recompute
//
// E(t) = integral_0^t a(u) F(min(t - u, m)) du, with
// F(s) = integral_0^s lambda(v) exp(-Lambda(v) - H(v)) dv, both integrals by 20-point
// Gauss-Legendre on panels no longer than 0.5 between every point where an integrand is
// not smooth (the integrands are then analytic on each panel with |rate| * 0.5 << 1, so
// the rule is exact to round-off).

double step_rate(const PiecewiseRate& r, double x) {
  double start = 0.0;
  for (std::size_t i = 0; i + 1 < r.rates.size(); ++i) {
    if (x < start + r.durations[i]) return r.rates[i];
    start += r.durations[i];
  }
  return r.rates.back();
}

double step_cumulative(const PiecewiseRate& r, double x) {
  double start = 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < r.rates.size(); ++i) {
    const double end = i + 1 < r.rates.size() ? start + r.durations[i] : kInf;
    if (x <= end) return sum + r.rates[i] * (x - start);
    sum += r.rates[i] * (end - start);
    start = end;
  }
  return sum;
}

std::vector<double> starts_of(const PiecewiseRate& r) {
  std::vector<double> s{0.0};
  for (std::size_t i = 0; i + 1 < r.durations.size(); ++i) s.push_back(s.back() + r.durations[i]);
  return s;
}

template <class Integrand>
double gauss_between(std::vector<double> cuts, double lo, double hi, Integrand f) {
  using Rule = boost::math::quadrature::gauss<double, 20>;
  cuts.push_back(lo);
  cuts.push_back(hi);
  std::sort(cuts.begin(), cuts.end());
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double a = std::max(cuts[i], lo);
    const double b = std::min(cuts[i + 1], hi);
    if (!(b > a)) continue;
    const int panels = static_cast<int>(std::ceil((b - a) / 0.5));
    const double w = (b - a) / panels;
    for (int p = 0; p < panels; ++p) total += Rule::integrate(f, a + p * w, a + (p + 1) * w);
  }
  return total;
}

double numeric_probability(const PiecewiseRate& fail, const PiecewiseRate& dropout, double s) {
  std::vector<double> cuts = starts_of(fail);
  for (double c : starts_of(dropout)) cuts.push_back(c);
  return gauss_between(cuts, 0.0, s, [&](double v) {
    return step_rate(fail, v) * std::exp(-step_cumulative(fail, v) - step_cumulative(dropout, v));
  });
}

double numeric_events(const PiecewiseRate& enrol, const PiecewiseRate& fail,
                      const PiecewiseRate& dropout, double t, double m) {
  std::vector<double> cuts = starts_of(enrol);
  for (const PiecewiseRate* h : {&fail, &dropout}) {
    for (double c : starts_of(*h)) cuts.push_back(t - c);
  }
  cuts.push_back(t - m);
  return gauss_between(cuts, 0.0, t, [&](double u) {
    return step_rate(enrol, u) * numeric_probability(fail, dropout, std::min(t - u, m));
  });
}

TEST(ExpectedEvents, AgreesWithNestedQuadrature) {
  // Dropout changing at other times than the failure hazard, a zero failure hazard at
  // first (delayed effect), enrolment that ramps up and goes on for ever.
  const PiecewiseRate enrol{{2.0, 7.0, 15.0}, {1.5, 2.75, kInf}};
  const PiecewiseRate fail{{0.0, 0.08, 0.03}, {0.5, 3.25, kInf}};
  const PiecewiseRate dropout{{0.01, 0.04}, {2.0, kInf}};
  for (double t : {0.3, 2.0, 5.0, 11.7}) {
    for (double m : {kInf, 1.0, 4.5}) {
      expect_rel(expected_events(enrol, fail, dropout, t, m),
                 numeric_events(enrol, fail, dropout, t, m), 1e-11);
    }
  }
  for (double s : {0.25, 1.0, 3.0, 9.0}) {
    expect_rel(event_probability(fail, dropout, s), numeric_probability(fail, dropout, s), 1e-12);
  }
}

// ------------------------------------------------------------------ accrual and inverses

TEST(ExpectedAccrual, GsDesign2Examples) {
  // R/expected_accural.R examples, define_enroll_rate(duration = c(3, 3, 18),
  // rate = c(5, 10, 20)), whose comments give the arithmetic: 3 * 5 = 15 by month 3;
  // 3 * 5 + 3 * 10 = 45 by 6; 3 * 5 + 3 * 10 + 18 * 20 = 405 by 24; still 405 by 25
  // "since the enrollment is stopped" (our final rate-0 piece).
  const PiecewiseRate stopped{{5.0, 10.0, 20.0, 0.0}, {3.0, 3.0, 18.0, kInf}};
  EXPECT_DOUBLE_EQ(expected_accrual(stopped, 3.0), 15.0);
  EXPECT_DOUBLE_EQ(expected_accrual(stopped, 6.0), 45.0);
  EXPECT_DOUBLE_EQ(expected_accrual(stopped, 24.0), 405.0);
  EXPECT_DOUBLE_EQ(expected_accrual(stopped, 25.0), 405.0);
  EXPECT_DOUBLE_EQ(expected_accrual(stopped, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(expected_accrual(stopped, 4.5), 15.0 + 1.5 * 10.0);
  // Without the rate-0 piece the last rate goes on: 405 + 20 by month 25.
  const PiecewiseRate going_on{{5.0, 10.0, 20.0}, {3.0, 3.0, kInf}};
  EXPECT_DOUBLE_EQ(expected_accrual(going_on, 25.0), 425.0);
}

TEST(PiecewiseRate, RateAtAndInverseCumulative) {
  const PiecewiseRate r{{5.0, 0.0, 20.0, 0.0}, {3.0, 2.0, 4.0, kInf}};
  EXPECT_EQ(r.rate_at(0.0), 5.0);
  EXPECT_EQ(r.rate_at(3.0), 0.0);  // right-continuous
  EXPECT_EQ(r.rate_at(5.0), 20.0);
  EXPECT_EQ(r.rate_at(1e6), 0.0);
  EXPECT_EQ(r.cumulative(7.0), 15.0 + 40.0);
  EXPECT_EQ(r.inverse_cumulative(0.0), 0.0);
  EXPECT_DOUBLE_EQ(r.inverse_cumulative(10.0), 2.0);
  EXPECT_DOUBLE_EQ(r.inverse_cumulative(15.0), 3.0);  // the first time 15 is reached
  EXPECT_DOUBLE_EQ(r.inverse_cumulative(35.0), 6.0);
  EXPECT_DOUBLE_EQ(r.inverse_cumulative(95.0), 9.0);
  EXPECT_TRUE(std::isnan(r.inverse_cumulative(95.5)));
  for (double t : {0.7, 2.9, 5.01, 8.3})
    EXPECT_NEAR(r.inverse_cumulative(r.cumulative(t)), t, 1e-14);
  EXPECT_DOUBLE_EQ(PiecewiseRate::constant(4.0).inverse_cumulative(1e3), 250.0);
}

TEST(TimeOfExpectedEvents, InvertsExpectedEvents) {
  const PiecewiseRate enrol{{2.0, 7.0, 15.0}, {1.5, 2.75, kInf}};
  const PiecewiseRate fail{{0.0, 0.08, 0.03}, {0.5, 3.25, kInf}};
  const PiecewiseRate dropout{{0.01, 0.04}, {2.0, kInf}};
  for (double m : {kInf, 2.0}) {
    for (double d : {0.01, 1.0, 10.0, 123.4, 5000.0}) {
      const double t = time_of_expected_events(enrol, fail, dropout, d, m);
      ASSERT_TRUE(std::isfinite(t));
      expect_rel(expected_events(enrol, fail, dropout, t, m), d, 1e-9);
    }
    for (double t : {0.8, 3.0, 17.0}) {
      const double d = expected_events(enrol, fail, dropout, t, m);
      expect_rel(time_of_expected_events(enrol, fail, dropout, d, m), t, 1e-9);
    }
  }
  EXPECT_EQ(time_of_expected_events(enrol, fail, dropout, 0.0), 0.0);
  // The default gsDesign2 design reaches its 57.35 events at month 25.
  expect_rel(
      time_of_expected_events(kDefaultEnrol, kDefaultFail, kDefaultDropout, 57.3537033783035), 25.0,
      1e-9);
}

TEST(TimeOfExpectedEvents, NotReached) {
  // 108 patients, each with the event with probability lambda/mu in the long run, or
  // F(m) within a maximum follow-up m: more expected events than that never come.
  const double lambda = kLn2 / 7.0;
  const double eta = 0.02;
  const double mu = lambda + eta;
  const PiecewiseRate enrol = uniform(12.0, 9.0);
  const PiecewiseRate fail = PiecewiseRate::constant(lambda);
  const PiecewiseRate dropout = PiecewiseRate::constant(eta);
  const double limit = 108.0 * lambda / mu;
  EXPECT_TRUE(std::isfinite(time_of_expected_events(enrol, fail, dropout, 0.999 * limit)));
  EXPECT_TRUE(std::isnan(time_of_expected_events(enrol, fail, dropout, 1.001 * limit)));
  const double m = 6.0;
  const double capped = 108.0 * lambda / mu * (1.0 - std::exp(-mu * m));
  EXPECT_LE(time_of_expected_events(enrol, fail, dropout, 0.999 * capped, m), 9.0 + m);
  EXPECT_TRUE(std::isnan(time_of_expected_events(enrol, fail, dropout, 1.001 * capped, m)));
  // No failure hazard, or no enrolment: no events at all.
  EXPECT_TRUE(
      std::isnan(time_of_expected_events(enrol, PiecewiseRate::constant(0.0), dropout, 1.0)));
  EXPECT_TRUE(
      std::isnan(time_of_expected_events(PiecewiseRate::constant(0.0), fail, dropout, 1.0)));
}

TEST(ExpectedEvents, InvalidArguments) {
  const PiecewiseRate good{{1.0, 2.0}, {3.0, kInf}};
  const PiecewiseRate none = PiecewiseRate::constant(0.0);
  const std::vector<PiecewiseRate> bad = {
      PiecewiseRate{{}, {}},                    // empty
      PiecewiseRate{{1.0, -2.0}, {3.0, kInf}},  // negative rate
      PiecewiseRate{{1.0, 2.0}, {kInf}},        // mismatched lengths
      PiecewiseRate{{1.0}, {3.0, kInf}},        // mismatched lengths
      PiecewiseRate{{1.0, 2.0}, {0.0, kInf}},   // empty piece
      PiecewiseRate{{1.0, 2.0}, {-1.0, kInf}},  // negative duration
      PiecewiseRate{{1.0, 2.0}, {kInf, kInf}},  // a piece after one that never ends
      PiecewiseRate{{1.0, 2.0}, {3.0, 10.0}},   // finite last piece (gsDesign2 style)
      PiecewiseRate{{kInf}, {kInf}},            // infinite rate
      PiecewiseRate{{std::nan("")}, {kInf}},    // NaN rate
  };
  for (const PiecewiseRate& b : bad) {
    EXPECT_THROW(expected_accrual(b, 1.0), std::invalid_argument);
    EXPECT_THROW(b.cumulative(1.0), std::invalid_argument);
    EXPECT_THROW(b.inverse_cumulative(1.0), std::invalid_argument);
    EXPECT_THROW(b.rate_at(1.0), std::invalid_argument);
    EXPECT_THROW(expected_events(b, good, none, 1.0), std::invalid_argument);
    EXPECT_THROW(expected_events(good, b, none, 1.0), std::invalid_argument);
    EXPECT_THROW(expected_events(good, good, b, 1.0), std::invalid_argument);
    EXPECT_THROW(event_probability(b, none, 1.0), std::invalid_argument);
    EXPECT_THROW(time_of_expected_events(good, good, b, 1.0), std::invalid_argument);
  }
  for (double t : {-1.0, kInf, std::nan("")}) {
    EXPECT_THROW(expected_accrual(good, t), std::invalid_argument);
    EXPECT_THROW(expected_events(good, good, none, t), std::invalid_argument);
    EXPECT_THROW(time_of_expected_events(good, good, none, t), std::invalid_argument);
  }
  for (double m : {-1.0, std::nan("")}) {
    EXPECT_THROW(expected_events(good, good, none, 1.0, m), std::invalid_argument);
    EXPECT_THROW(event_probability(good, none, m), std::invalid_argument);
    EXPECT_THROW(time_of_expected_events(good, good, none, 1.0, m), std::invalid_argument);
  }
}

}  // namespace
}  // namespace silico::stats
