#pragma once
/// @file
/// @brief Estimators used by `silico summarize`: descriptive statistics, Welch's t,
/// Kaplan-Meier, log-rank and restricted mean survival time. Pure functions on
/// plain vectors: no MPI, HDF5 or YAML.
///
/// Invalid arguments (alpha outside (0, 1), tau <= 0, mismatched or negative survival
/// data) throw std::invalid_argument. Data on which a quantity is not defined (too few
/// patients, zero variance) give NaN for that quantity rather than an exception, so one
/// degenerate arm does not abort a whole summary.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace silico::stats {

/// Mean and sample standard deviation (n-1 denominator); sd is NaN when n < 2, and the
/// mean is NaN when n == 0.
struct Descriptive {
  std::size_t n = 0;
  double mean = 0.0;
  double sd = 0.0;
};
Descriptive describe(std::span<const double> x);

/// describe() of values given one at a time (Welford's update), in memory O(1).
class RunningMoments {
 public:
  void add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
  }
  std::size_t count() const { return n_; }
  Descriptive result() const;

 private:
  std::size_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

/// Result of a two-sample comparison: effect, its 95%-style CI at level 1-alpha, p-value.
struct Estimate {
  double effect = 0.0;
  double se = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  double p = 1.0;
};

/// Welch's unequal-variance t test of mean(treated) - mean(control).
/// Two-sided p; CI from Student's t with Welch-Satterthwaite degrees of freedom.
/// se, CI and p are NaN when a group has fewer than 2 values or both are constant.
Estimate welch(std::span<const double> treated, std::span<const double> control, double alpha);
/// The same from each group's n, mean and sd.
Estimate welch(const Descriptive& treated, const Descriptive& control, double alpha);

/// Right-censored observations: finite time >= 0, event 1 = event, 0 = censored.
/// At a tied time, events are taken to happen before censorings (as in R's survival),
/// so a patient censored at an event time is still at risk at that time.
struct SurvivalData {
  std::vector<double> time;
  std::vector<std::int8_t> event;
};

/// Kaplan-Meier estimate at the distinct event times.
struct KaplanMeier {
  std::vector<double> time;      ///< distinct event times, ascending
  std::vector<double> survival;  ///< S(t) just after each time
  std::vector<double> at_risk;   ///< number at risk just before each time
  std::vector<double> events;    ///< events at each time
  std::vector<double> greenwood; ///< Greenwood sum  sum d/(n(n-d)) up to each time; +inf
                                 ///< from the time the curve reaches 0 (n == d)
  std::size_t n = 0;
  std::size_t total_events = 0;
  double max_time = 0.0;  ///< largest observed time (event or censored): the curve is
                          ///< known on [0, max_time], and beyond it only if it reached 0
};
KaplanMeier kaplan_meier(const SurvivalData& data);

/// Median survival: the smallest event time with S(t) <= 0.5 (the convention of
/// R's survfit when S jumps below 0.5); empty when the curve never reaches 0.5.
/// When S(t) equals 0.5 exactly on an interval, the midpoint of that interval is
/// returned, again as survfit does; if the curve ends on 0.5, the midpoint of that
/// event time and max_time. "Equals 0.5" uses survfit's tolerance sqrt(DBL_EPSILON).
std::optional<double> km_median(const KaplanMeier& km);

/// Two-sample log-rank test of treated vs control (two-sided chi-square, 1 df), and
/// the Peto one-step hazard-ratio estimate exp((O-E)/V) with CI exp(log HR +- z/sqrt(V)),
/// where O, E are observed and expected events in the treated group and V the
/// hypergeometric variance. `effect` is the hazard ratio; `se` is 1/sqrt(V) on the log scale.
/// Everything is NaN when V == 0 (no informative event, e.g. an empty group).
Estimate logrank(const SurvivalData& treated, const SurvivalData& control, double alpha);

/// Restricted mean survival time up to `tau`: area under the KM curve on [0, tau],
/// with the variance of Klein & Moeschberger (2003, eq. 4.5.1 form). Both are NaN for
/// an empty curve, or when tau > max_time and the curve has not reached 0 (S unknown).
struct Rmst {
  double rmst = 0.0;
  double variance = 0.0;
};
Rmst rmst(const KaplanMeier& km, double tau);

/// Difference in RMST (treated - control) at tau, normal CI and two-sided p.
Estimate rmst_difference(const SurvivalData& treated, const SurvivalData& control, double tau,
                         double alpha);

/// Upper alpha/2 point of the standard normal (e.g. 1.959964 for alpha = 0.05).
double normal_two_sided_z(double alpha);

}  // namespace silico::stats
