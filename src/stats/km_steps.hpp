#pragma once
// Internal to stats/: the incremental steps of Kaplan-Meier, its median and landmark rules,
// and the log-rank sums, shared by the in-memory estimators (kaplan_meier.cpp,
// km_confidence.cpp, logrank*.cpp, rmst.cpp) and the streaming sweeps (survival_sweep.cpp),
// so that both give the same numbers by construction, in the same arithmetic order.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "stats/estimates.hpp"
#include "stats/survival.hpp"

namespace silico::stats::detail {

/// R's quantile.survfit treats |S - 0.5| < sqrt(DBL_EPSILON) as "equal to 0.5", so a
/// product such as (5/6)(3/5) that misses 0.5 by rounding still counts as a flat.
inline constexpr double kHalfTolerance = 0x1p-26;  // sqrt(2^-52)

/// Product-limit step: S and the Greenwood sum sum d/(n(n-d)) after each event time.
struct KmStep {
  double survival = 1.0;
  double greenwood = 0.0;
  /// `d` > 0 events among `n` at risk.
  void add(std::uint64_t n, std::uint64_t d) {
    const auto nn = static_cast<double>(n);
    const auto dd = static_cast<double>(d);
    survival *= (nn - dd) / nn;
    // d/(n(n-d)) is infinite once everyone at risk has the event (S = 0 from here on).
    greenwood += d < n ? dd / (nn * (nn - dd)) : std::numeric_limits<double>::infinity();
  }
};

/// Where a step curve first reaches 0.5, fed its values at increasing times: the first
/// value <= 0.5 + tol; if it is within tol of 0.5, the midpoint of that flat and the next
/// value below 0.5 - tol, or of the flat and `end_time` when the curve ends on it.
class HalfCrossing {
 public:
  void add(double t, double v) {
    switch (state_) {
      case State::kAbove:
        if (v > 0.5 + kHalfTolerance) return;
        if (v <= 0.5 - kHalfTolerance) {
          state_ = State::kDone;
          value_ = t;
        } else {
          state_ = State::kFlat;
          start_ = t;
        }
        return;
      case State::kFlat:
        if (v > 0.5 - kHalfTolerance) return;
        state_ = State::kDone;
        value_ = (start_ + t) / 2.0;
        return;
      case State::kDone:
        return;
    }
  }
  bool done() const { return state_ == State::kDone; }
  std::optional<double> result(double end_time) const {
    switch (state_) {
      case State::kAbove:
        return std::nullopt;
      case State::kFlat:
        return (start_ + end_time) / 2.0;
      case State::kDone:
        return value_;
    }
    return std::nullopt;
  }

 private:
  enum class State { kAbove, kFlat, kDone };
  State state_ = State::kAbove;
  double start_ = 0.0;
  double value_ = 0.0;
};

/// Log-log interval S^exp(-+z sqrt(gw)/log S) for 0 < S < 1: log S < 0, so the exponent
/// exp(z sqrt(gw)/|log S|) > 1 lowers S and its reciprocal raises it.
struct Band {
  double low;
  double high;
};
inline Band log_log_band(double s, double greenwood, double z) {
  const double w = z * std::sqrt(greenwood) / std::fabs(std::log(s));
  return {std::pow(s, std::exp(w)), std::pow(s, std::exp(-w))};
}

/// median_with_ci() fed one event time at a time (S and Greenwood sum just after it).
class MedianTracker {
 public:
  explicit MedianTracker(double z) : z_(z) {}
  void add(double t, double s, double greenwood) {
    median_.add(t, s);
    // The bands are undefined where S = 0, and once both crossed they no longer matter.
    if (!(s > 0.0 && s < 1.0) || (low_.done() && high_.done())) return;
    const Band b = log_log_band(s, greenwood, z_);
    low_.add(t, b.low);
    high_.add(t, b.high);
  }
  /// `max_time`: the largest observed time of the curve's data.
  MedianEstimate result(double max_time) const {
    // The lower band falls first, so it gives the earliest time consistent with a median.
    return {median_.result(max_time), low_.result(max_time), high_.result(max_time)};
  }

 private:
  double z_;
  HalfCrossing median_;
  HalfCrossing low_;
  HalfCrossing high_;
};

/// survival_at()'s rules for a non-empty curve whose value at `time` (at the last event
/// time <= time) is `s` with Greenwood sum `greenwood`.
inline SurvivalPoint survival_point(double time, double s, double greenwood, double max_time,
                                    double z) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  SurvivalPoint p{time, nan, nan, nan, nan};
  if (time > max_time && s > 0.0) return p;  // beyond follow-up: unknown
  p.survival = s;
  if (s <= 0.0 || s >= 1.0) {
    // No variance (S = 1: nobody has failed; S = 0: everyone at risk failed) and no
    // log-log transform; the interval collapses onto the estimate.
    p.se = 0.0;
    p.ci_low = s;
    p.ci_high = s;
    return p;
  }
  p.se = s * std::sqrt(greenwood);
  const Band b = log_log_band(s, greenwood, z);
  p.ci_low = b.low;
  p.ci_high = b.high;
  return p;
}

/// Log-rank sums of one stratum, fed the tied rows of each distinct time in turn.
struct LogrankStratum {
  double n1 = 0.0;  ///< treated at risk (start: group size)
  double n0 = 0.0;  ///< control at risk
  double observed = 0.0;
  double expected = 0.0;
  double variance = 0.0;
  /// d1, d0 events and c1, c0 censorings at one time. Those censored at an event time
  /// are still at risk there.
  void add(double d1, double d0, double c1, double c0) {
    const double d = d1 + d0;
    const double n = n1 + n0;
    if (d > 0.0) {
      observed += d1;
      expected += d * n1 / n;
      // Hypergeometric variance; with n == 1 it is 0 (and (n-d)/(n-1) would be 0/0).
      if (n > 1.0) variance += d * (n1 / n) * (n0 / n) * (n - d) / (n - 1.0);
    }
    n1 -= d1 + c1;
    n0 -= d0 + c0;
  }
};

/// The Wald estimate of a difference of two independent estimates, treated - control:
/// se sqrt of the summed variances, CI effect -+ z se, two-sided normal p; p is NaN when
/// se is 0 or NaN (defined in rmst.cpp).
Estimate difference_estimate(double treated, double treated_variance, double control, double control_variance,
                             double z);

/// rmst_difference()'s estimate from the two arms' RMST (defined in rmst.cpp).
Estimate rmst_estimate(const Rmst& treated, const Rmst& control, double z);

}  // namespace silico::stats::detail
