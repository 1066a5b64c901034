#pragma once
/// @file
/// @brief Expected enrolment and expected events of a trial in calendar time, as gsDesign2's
/// expected_accrual() and expected_event() compute them (Lachin & Foulkes, Biometrics
/// 1986;42:507-519): piecewise-constant enrolment rate, piecewise-exponential failure and
/// dropout hazards. Pure: no MPI, HDF5 or YAML.
///
/// Conventions: calendar time t runs from the opening of the trial; the hazards run in time
/// from each patient's entry. Everything is in closed form (sums of exponential integrals
/// over the pieces), with no numerical quadrature. Invalid arguments throw
/// std::invalid_argument; a time that is never reached is NaN.

#include <limits>
#include <vector>

namespace silico::stats {

/// A piecewise-constant rate: rates[i] on [start_i, start_i + durations[i]), start_0 = 0.
/// Used for an enrolment rate (patients per time unit) and for a hazard (per time unit).
///
/// Valid (else the functions below throw std::invalid_argument): rates and durations
/// non-empty and of the same length; every rate finite and >= 0; every duration but the
/// last finite and > 0; the last duration +infinity, because the last piece lasts for
/// ever. So that a finite last duration is never silently read either way: gsDesign2
/// ignores it for the failure and dropout rates but stops enrolment there (its
/// expected_accrual() and expected_event() take the enrolment rate as 0 afterwards),
/// which is written here with a final {rate 0, duration infinity} piece.
struct PiecewiseRate {
  std::vector<double> rates;
  std::vector<double> durations;

  /// One rate for ever: {{rate}, {infinity}}; constant(0) is "none" (e.g. no dropout).
  static PiecewiseRate constant(double rate);

  /// The rate at time t >= 0, right-continuous (a piece starting at t gives its rate).
  double rate_at(double t) const;
  /// Integral of the rate over [0, t], t finite >= 0 (for a hazard, the cumulative hazard).
  double cumulative(double t) const;
  /// The smallest t with cumulative(t) >= y, y finite >= 0; NaN when the last rate is 0
  /// and y exceeds the total (e.g. more patients than an enrolment that stops ever gives).
  double inverse_cumulative(double y) const;
};

/// Expected number of patients enrolled by calendar time t (finite >= 0): the integral of
/// the enrolment rate over [0, t], as gsDesign2 expected_accrual(); the last piece
/// continues for ever (gsDesign2's stop after the last duration is a final rate-0 piece).
double expected_accrual(const PiecewiseRate& enrolment, double t);

/// Probability that a patient has the event within `follow_up` (>= 0, may be +infinity) of
/// entry, with failure hazard `failure` and a competing dropout hazard `dropout` (time from
/// entry): the integral over [0, follow_up] of lambda(v) exp(-Lambda(v) - H(v)) dv.
/// Why: the per-patient factor of expected_events(), and the share of patients with an
/// event once everyone has been followed for `follow_up`.
double event_probability(const PiecewiseRate& failure, const PiecewiseRate& dropout,
                         double follow_up);

/// Expected number of events observed by calendar time t (finite >= 0) when patients enter
/// at rate `enrolment` (calendar time) and each has the failure hazard `failure` and the
/// competing dropout hazard `dropout` from entry, is followed for t - entry, and counts
/// only events within max_follow_up (>= 0; +infinity for none, as gsDesign2) of entry:
///   E(t) = integral over u in [0, t] of enrolment(u) event_probability(min(t - u, mfu)) du.
/// gsDesign2 expected_event(enroll_rate, fail_rate, total_duration) is E(total_duration)
/// with its enrolment plus a final rate-0 piece and mfu = infinity; its events by failure
/// period [s_j, s_j+1) (simple = FALSE) are E with mfu = s_j+1 minus E with mfu = s_j.
/// Why: the calendar time of an event-driven analysis, and the events at a timed one.
/// Closed form: the follow-up axis s = t - u is cut where the enrolment rate, either
/// hazard or the maximum follow-up change, and on each piece the integral of
/// rate * (F0 + S0 (lambda/mu)(1 - exp(-mu (s - s0)))) is exact.
double expected_events(const PiecewiseRate& enrolment, const PiecewiseRate& failure,
                       const PiecewiseRate& dropout, double t,
                       double max_follow_up = std::numeric_limits<double>::infinity());

/// The smallest calendar time t with expected_events(...) >= events (finite >= 0; 0 gives
/// 0), found by bisection of the nondecreasing E(t) to the last bit of t. NaN when E never
/// reaches `events`: at most the enrolled total times event_probability(max_follow_up)
/// when enrolment stops (last rate 0), and nothing when that probability is 0.
/// Why: when an analysis planned at a number of events is expected to happen.
double time_of_expected_events(const PiecewiseRate& enrolment, const PiecewiseRate& failure,
                               const PiecewiseRate& dropout, double events,
                               double max_follow_up = std::numeric_limits<double>::infinity());

}  // namespace silico::stats
