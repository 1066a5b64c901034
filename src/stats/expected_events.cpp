/// @file
/// @brief Expected enrolment and events in calendar time under piecewise-constant rates.
///
/// For one patient followed for s from entry, with failure hazard lambda and total hazard
/// mu = lambda + eta constant on [s0, s1] (d = s1 - s0), F(s0) the probability of an event
/// by s0 and S(s0) of neither event nor dropout:
///   F(s) = F(s0) + S(s0) (lambda/mu) (1 - exp(-mu (s - s0)))            (s in [s0, s1])
///   integral of F over [s0, s1] = d F(s0) + S(s0) lambda d^2 h(mu d)
///   F(s1) = F(s0) + S(s0) lambda d k(mu d),  S(s1) = S(s0) exp(-mu d)
/// with k(x) = (1 - e^-x)/x and h(x) = (x - 1 + e^-x)/x^2, both finite at x = 0 (mu = 0),
/// so no division by mu is needed. The expected events at calendar time t integrate the
/// enrolment rate at t - s times F(min(s, max_follow_up)) over s in [0, t], piece by piece.

#include "stats/expected_events.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(const char* where, const std::string& what) {
  throw std::invalid_argument(std::string(where) + ": " + what);
}

void check_rate(const PiecewiseRate& r, const char* where, const char* which) {
  const std::string name(which);
  if (r.rates.empty()) fail(where, name + " has no pieces");
  if (r.rates.size() != r.durations.size()) {
    fail(where, name + " has " + std::to_string(r.rates.size()) + " rates but " +
                    std::to_string(r.durations.size()) + " durations");
  }
  for (std::size_t i = 0; i < r.rates.size(); ++i) {
    if (!(std::isfinite(r.rates[i]) && r.rates[i] >= 0.0)) {
      fail(where, name + " rate " + std::to_string(i) + " must be finite and >= 0");
    }
    const double d = r.durations[i];
    if (i + 1 < r.rates.size()) {
      if (!(std::isfinite(d) && d > 0.0)) {
        fail(where, name + " duration " + std::to_string(i) + " must be finite and > 0");
      }
    } else if (d != kInf) {
      fail(where, name +
                      ": the last piece lasts for ever, its duration must be infinity "
                      "(end an enrolment with a rate-0 piece)");
    }
  }
}

void check_time(double t, const char* where, const char* name) {
  if (!(std::isfinite(t) && t >= 0.0)) fail(where, std::string(name) + " must be finite and >= 0");
}

void check_follow_up(double m, const char* where, const char* name) {
  if (!(m >= 0.0)) fail(where, std::string(name) + " must be >= 0 (infinity for none)");
}

/// A checked rate with the start of each piece, for lookups by binary search.
struct Steps {
  const PiecewiseRate& rate;
  std::vector<double> start;

  Steps(const PiecewiseRate& r, const char* where, const char* which) : rate(r) {
    check_rate(r, where, which);
    start.resize(r.rates.size());
    double s = 0.0;
    for (std::size_t i = 0; i < r.rates.size(); ++i) {
      start[i] = s;
      s += r.durations[i];
    }
  }
  /// Index of the piece holding t (right-continuous); t < 0 counts as 0.
  std::size_t piece(double t) const {
    const auto it = std::upper_bound(start.begin(), start.end(), t);
    return it == start.begin() ? 0 : static_cast<std::size_t>(it - start.begin()) - 1;
  }
  double at(double t) const { return rate.rates[piece(t)]; }
  double cumulative(double t) const {
    const std::size_t last = piece(t);
    double sum = 0.0;
    for (std::size_t i = 0; i < last; ++i) sum += rate.rates[i] * rate.durations[i];
    return sum + rate.rates[last] * (t - start[last]);
  }
};

/// (1 - e^-x)/x for x >= 0 (1 at 0, 0 at infinity); expm1 keeps it exact for small x.
double k(double x) { return x == 0.0 ? 1.0 : -std::expm1(-x) / x; }

/// (x - 1 + e^-x)/x^2 for finite x >= 0 (1/2 at 0). Below 0.01 its Taylor series (the
/// closed form loses about 2 eps/x there; the series' first omitted term is < 3e-17).
double h(double x) {
  if (x < 1e-2) {
    return 0.5 -
           x * (1.0 / 6.0 - x * (1.0 / 24.0 - x * (1.0 / 120.0 - x * (1.0 / 720.0 - x / 5040.0))));
  }
  return (x + std::expm1(-x)) / (x * x);
}

/// Breakpoints of both hazards in (0, limit), with 0 and `limit` (finite) added, sorted.
std::vector<double> hazard_cuts(const Steps& fail_steps, const Steps& drop_steps, double limit) {
  std::vector<double> cuts{0.0};
  for (const Steps* steps : {&fail_steps, &drop_steps}) {
    for (double b : steps->start) {
      if (b > 0.0 && b < limit) cuts.push_back(b);
    }
  }
  if (std::isfinite(limit)) cuts.push_back(limit);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

double probability(const Steps& fail_steps, const Steps& drop_steps, double follow_up) {
  if (!(follow_up > 0.0)) return 0.0;
  const std::vector<double> cuts = hazard_cuts(fail_steps, drop_steps, follow_up);
  double F = 0.0;
  double S = 1.0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double s0 = cuts[i];
    const double d = cuts[i + 1] - s0;
    const double mid = s0 + 0.5 * d;
    const double lambda = fail_steps.at(mid);
    const double x = (lambda + drop_steps.at(mid)) * d;
    F += S * lambda * d * k(x);
    S *= std::exp(-x);
  }
  if (!std::isfinite(follow_up)) {  // the last pieces of both hazards, for ever
    const double s0 = cuts.back();
    const double lambda = fail_steps.at(s0);
    const double mu = lambda + drop_steps.at(s0);
    if (mu > 0.0) F += S * lambda / mu;
  }
  return F;
}

double events_at(const Steps& enrol, const Steps& fail_steps, const Steps& drop_steps, double t,
                 double max_follow_up) {
  if (!(t > 0.0)) return 0.0;
  const double cap = std::min(max_follow_up, t);
  // Follow-up s = t - u: cut where the hazards change (s < cap), at cap, and where the
  // enrolment rate changes (u = t - s in (0, t)).
  std::vector<double> cuts = hazard_cuts(fail_steps, drop_steps, cap);
  for (double c : enrol.start) {
    if (c > 0.0 && c < t) cuts.push_back(t - c);
  }
  cuts.push_back(t);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  double total = 0.0;
  double F = 0.0;  // P(event by s0)
  double S = 1.0;  // P(neither event nor dropout by s0)
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double s0 = cuts[i];
    const double d = cuts[i + 1] - s0;
    if (!(d > 0.0)) continue;
    const double mid = s0 + 0.5 * d;
    const double a = enrol.at(t - mid);
    if (s0 >= cap) {  // beyond the maximum follow-up: F stays at F(cap)
      total += a * F * d;
      continue;
    }
    const double lambda = fail_steps.at(mid);
    const double x = (lambda + drop_steps.at(mid)) * d;
    total += a * d * (F + S * lambda * d * h(x));
    F += S * lambda * d * k(x);
    S *= std::exp(-x);
  }
  return total;
}

}  // namespace

PiecewiseRate PiecewiseRate::constant(double rate) { return PiecewiseRate{{rate}, {kInf}}; }

double PiecewiseRate::rate_at(double t) const {
  const Steps steps(*this, "PiecewiseRate::rate_at", "rate");
  check_time(t, "PiecewiseRate::rate_at", "t");
  return steps.at(t);
}

double PiecewiseRate::cumulative(double t) const {
  const Steps steps(*this, "PiecewiseRate::cumulative", "rate");
  check_time(t, "PiecewiseRate::cumulative", "t");
  return steps.cumulative(t);
}

double PiecewiseRate::inverse_cumulative(double y) const {
  const Steps steps(*this, "PiecewiseRate::inverse_cumulative", "rate");
  check_time(y, "PiecewiseRate::inverse_cumulative", "y");
  double sum = 0.0;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    if (y <= sum) return steps.start[i];
    const bool last = i + 1 == rates.size();
    if (rates[i] > 0.0 && (last || y <= sum + rates[i] * durations[i])) {
      return steps.start[i] + (y - sum) / rates[i];
    }
    if (!last) sum += rates[i] * durations[i];
  }
  return kNaN;
}

double expected_accrual(const PiecewiseRate& enrolment, double t) {
  const Steps steps(enrolment, "expected_accrual", "enrolment");
  check_time(t, "expected_accrual", "t");
  return steps.cumulative(t);
}

double event_probability(const PiecewiseRate& failure, const PiecewiseRate& dropout,
                         double follow_up) {
  const Steps fail_steps(failure, "event_probability", "failure");
  const Steps drop_steps(dropout, "event_probability", "dropout");
  check_follow_up(follow_up, "event_probability", "follow_up");
  return probability(fail_steps, drop_steps, follow_up);
}

double expected_events(const PiecewiseRate& enrolment, const PiecewiseRate& failure,
                       const PiecewiseRate& dropout, double t, double max_follow_up) {
  const Steps enrol(enrolment, "expected_events", "enrolment");
  const Steps fail_steps(failure, "expected_events", "failure");
  const Steps drop_steps(dropout, "expected_events", "dropout");
  check_time(t, "expected_events", "t");
  check_follow_up(max_follow_up, "expected_events", "max_follow_up");
  return events_at(enrol, fail_steps, drop_steps, t, max_follow_up);
}

double time_of_expected_events(const PiecewiseRate& enrolment, const PiecewiseRate& failure,
                               const PiecewiseRate& dropout, double events, double max_follow_up) {
  const char* where = "time_of_expected_events";
  const Steps enrol(enrolment, where, "enrolment");
  const Steps fail_steps(failure, where, "failure");
  const Steps drop_steps(dropout, where, "dropout");
  check_time(events, where, "events");
  check_follow_up(max_follow_up, where, "max_follow_up");
  if (events == 0.0) return 0.0;

  // The supremum of E(t): infinite while enrolment goes on (and events can happen),
  // else the enrolled total times the probability of an event within max_follow_up.
  const double p = probability(fail_steps, drop_steps, max_follow_up);
  if (!(p > 0.0)) return kNaN;
  const double enrol_end = enrol.start.back();
  if (enrolment.rates.back() == 0.0 && events > enrol.cumulative(enrol_end) * p) return kNaN;

  const auto at = [&](double t) {
    return events_at(enrol, fail_steps, drop_steps, t, max_follow_up);
  };
  double hi = std::max(1.0, enrol_end);
  while (at(hi) < events) {
    hi *= 2.0;
    // Only when `events` is the supremum itself and E approaches it without reaching it.
    if (!std::isfinite(hi)) return kNaN;
  }
  // Bisection of the nondecreasing E for its first crossing, down to adjacent doubles.
  double lo = 0.0;
  for (;;) {
    const double mid = lo + 0.5 * (hi - lo);
    if (!(mid > lo && mid < hi)) break;
    if (at(mid) >= events) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

}  // namespace silico::stats
