/// @file
/// @brief Kaplan-Meier summaries, log-rank and RMST as forward walks over a SurvivalSource.

#include "stats/survival_sweep.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>

#include "stats/km_steps.hpp"
#include "stats/mvnormal.hpp"
#include "stats/peto.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_cut(double cut, const char* who) {
  if (!(cut >= 0.0)) throw std::invalid_argument(std::string(who) + ": cut must be >= 0");
}

/// One forward walk calling f(row, time, event) with the cut applied: a row after the cut
/// is censored at the cut. That keeps survival order (it only joins the censorings at the
/// cut, which come after the events there), so the sweeps see the cut data in order.
template <class F>
void walk(const SurvivalSource& rows, double cut, F&& f) {
  rows.forward([&](std::span<const SurvivalRow> batch) {
    for (const SurvivalRow& r : batch) {
      if (!(std::isfinite(r.time) && r.time >= 0.0)) {
        throw std::invalid_argument("survival sweep: times must be finite and >= 0");
      }
      if (r.event != 0 && r.event != 1) {
        throw std::invalid_argument("survival sweep: event must be 0 or 1");
      }
      const bool after_cut = r.time > cut;
      f(r, after_cut ? cut : r.time, !after_cut && r.event == 1);
    }
  });
}

/// A group's size and largest (cut) time, from the first walk.
struct GroupCount {
  std::uint64_t n = 0;
  double max_time = 0.0;
  void add(double t) {
    ++n;
    max_time = t;  // times arrive in ascending order
  }
};

/// A group's Kaplan-Meier curve taken row by row in survival order. Events tied at a time
/// are gathered, then the step is taken with the number at risk before that time: the
/// group size less every row met before (censorings at t come after the events at t).
class GroupCurve {
 public:
  explicit GroupCurve(std::uint64_t n) : at_risk_(n) {}
  /// on_step(t, n at risk, d events, curve before, curve after), once per event time.
  template <class OnStep>
  void row(double t, bool event, OnStep&& on_step) {
    if (d_ > 0 && (!event || t != t_)) flush(on_step);
    if (event) {
      t_ = t;
      ++d_;
    } else {
      --at_risk_;
    }
  }
  template <class OnStep>
  void finish(OnStep&& on_step) {
    if (d_ > 0) flush(on_step);
  }
  const detail::KmStep& curve() const { return step_; }
  std::uint64_t events() const { return events_; }

 private:
  template <class OnStep>
  void flush(OnStep&& on_step) {
    const detail::KmStep before = step_;
    step_.add(at_risk_, d_);
    events_ += d_;
    on_step(t_, at_risk_, d_, before, step_);
    at_risk_ -= d_;
    d_ = 0;
  }

  std::uint64_t at_risk_;
  std::uint64_t d_ = 0;  ///< events gathered at t_
  double t_ = 0.0;
  detail::KmStep step_;
  std::uint64_t events_ = 0;
};

/// The curve at each landmark: its value at the last event time <= the landmark, taken
/// just before the first event time past it (or at the end).
class Landmarks {
 public:
  explicit Landmarks(std::span<const double> times)
      : times_(times), order_(times.size()), at_(times.size()) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::sort(order_.begin(), order_.end(),
              [&](std::size_t a, std::size_t b) { return times_[a] < times_[b]; });
  }
  void before_event(double t, const detail::KmStep& before) {
    for (; next_ < order_.size() && times_[order_[next_]] < t; ++next_) at_[order_[next_]] = before;
  }
  void finish(const detail::KmStep& last) {
    before_event(std::numeric_limits<double>::infinity(), last);
  }
  std::vector<SurvivalPoint> points(std::uint64_t n, double max_time, double z) const {
    std::vector<SurvivalPoint> out;
    out.reserve(times_.size());
    for (std::size_t i = 0; i < times_.size(); ++i) {
      if (n == 0) {
        out.push_back({times_[i], kNaN, kNaN, kNaN, kNaN});  // survival_at of an empty curve
      } else {
        out.push_back(
            detail::survival_point(times_[i], at_[i].survival, at_[i].greenwood, max_time, z));
      }
    }
    return out;
  }

 private:
  std::span<const double> times_;
  std::vector<std::size_t> order_;  ///< landmarks by time
  std::vector<detail::KmStep> at_;
  std::size_t next_ = 0;  ///< landmarks order_[0, next_) are settled
};

/// rmst() taken forwards. The area is summed in rmst()'s order. Its variance
/// sum_j A_j^2 g_j, g_j = d_j/(n_j(n_j-d_j)) and A_j the area from t_j to tau, is built as
/// the area grows: with W = sum_j a_j^2 g_j, P = sum_j a_j g_j, G = sum_j g_j over the
/// event times so far and a_j their area up to now, a segment of area delta turns W into
/// W + delta (2P + delta G) and P into P + delta G. Every term is non-negative, so there
/// is none of the cancellation that expanding (R - r_j)^2 would bring.
class RmstWalker {
 public:
  explicit RmstWalker(double tau) : tau_(tau) {}
  void event(double t, std::uint64_t at_risk, std::uint64_t events, const detail::KmStep& after) {
    if (t > tau_) return;
    grow((t - prev_t_) * prev_s_);
    prev_t_ = t;
    prev_s_ = after.survival;
    const auto n = static_cast<double>(at_risk);
    const auto d = static_cast<double>(events);
    // n == d: S = 0 from t on, so A = 0 and the term is skipped, as rmst() does.
    if (n > d) g_ += d / (n * (n - d));
  }
  Rmst result(const GroupCount& count, const detail::KmStep& last) {
    // Past the last observation the curve is unknown unless it already reached 0.
    if (count.n == 0 || (tau_ > count.max_time && !(last.survival == 0.0))) return {kNaN, kNaN};
    grow((tau_ - prev_t_) * prev_s_);
    return {area_, w_};
  }

 private:
  void grow(double delta) {
    area_ += delta;
    w_ += delta * (2.0 * p_ + delta * g_);
    p_ += delta * g_;
  }

  double tau_;
  double prev_t_ = 0.0;
  double prev_s_ = 1.0;
  double area_ = 0.0;
  double w_ = 0.0;
  double p_ = 0.0;
  double g_ = 0.0;
};

bool in_two_groups(const SurvivalRow& r) { return r.group == 0 || r.group == 1; }

/// What two_group_curves() leaves: each group's size and last time, and its whole curve.
struct TwoCurves {
  GroupCount count[2];
  detail::KmStep last[2];
};

/// Two forward walks of the cut rows of groups 0 and 1: their sizes and last times, then
/// both curves at once, each event time of group g handed to the GroupCurve step callback
/// that make_step(g) returns.
template <class MakeStep>
TwoCurves two_group_curves(const SurvivalSource& rows, double cut, MakeStep&& make_step) {
  TwoCurves out;
  walk(rows, cut, [&](const SurvivalRow& r, double t, bool) {
    if (in_two_groups(r)) out.count[r.group].add(t);
  });
  GroupCurve curve[2]{GroupCurve(out.count[0].n), GroupCurve(out.count[1].n)};
  auto step0 = make_step(0);
  auto step1 = make_step(1);
  walk(rows, cut, [&](const SurvivalRow& r, double t, bool event) {
    if (r.group == 0) curve[0].row(t, event, step0);
    if (r.group == 1) curve[1].row(t, event, step1);
  });
  curve[0].finish(step0);
  curve[1].finish(step1);
  out.last[0] = curve[0].curve();
  out.last[1] = curve[1].curve();
  return out;
}

/// U_j and Cov(U_i, U_j) of the FH(rho_j, gamma_j) weighted log-rank scores, summed over
/// strata (by stratum id).
struct WeightedSums {
  std::vector<double> u;    ///< J
  std::vector<double> cov;  ///< J x J, row-major
};

WeightedSums weighted_logrank_sums(const SurvivalSource& rows,
                                   std::span<const std::pair<double, double>> rho_gamma, double cut,
                                   const char* who) {
  check_cut(cut, who);
  for (const auto& [rho, gamma] : rho_gamma) {
    if (!(std::isfinite(rho) && rho >= 0.0 && std::isfinite(gamma) && gamma >= 0.0)) {
      throw std::invalid_argument(std::string(who) + ": rho and gamma must be finite and >= 0");
    }
  }
  const std::size_t nw = rho_gamma.size();
  // As logrank_sweep(), with the pooled Kaplan-Meier curve of the stratum carried along:
  // `km` is S(t-) for the pending time t, the weights' argument.
  struct Stratum {
    double n1 = 0.0, n0 = 0.0;
    double km = 1.0;
    bool pending = false;
    double t = 0.0;
    double d1 = 0.0, d0 = 0.0, c1 = 0.0, c0 = 0.0;
    std::vector<double> u, cov;
  };
  std::vector<double> w(nw);
  const auto close = [&](Stratum& s) {
    if (!s.pending) return;
    const double d = s.d1 + s.d0;
    const double n = s.n1 + s.n0;
    if (d > 0.0) {
      const double excess = s.d1 - d * s.n1 / n;
      // Hypergeometric variance, as detail::LogrankStratum (0 when n == 1).
      const double v = n > 1.0 ? d * (s.n1 / n) * (s.n0 / n) * (n - d) / (n - 1.0) : 0.0;
      for (std::size_t j = 0; j < nw; ++j) {
        w[j] = std::pow(s.km, rho_gamma[j].first) * std::pow(1.0 - s.km, rho_gamma[j].second);
        s.u[j] += w[j] * excess;
      }
      for (std::size_t i = 0; i < nw; ++i) {
        for (std::size_t j = 0; j < nw; ++j) s.cov[i * nw + j] += w[i] * w[j] * v;
      }
      s.km *= (n - d) / n;
    }
    s.n1 -= s.d1 + s.c1;
    s.n0 -= s.d0 + s.c0;
    s.pending = false;
    s.d1 = s.d0 = s.c1 = s.c0 = 0.0;
  };
  std::map<std::int32_t, Stratum> strata;
  walk(rows, cut, [&](const SurvivalRow& r, double, bool) {
    if (!in_two_groups(r)) return;
    Stratum& s = strata[r.stratum];
    (r.group == 1 ? s.n1 : s.n0) += 1.0;
  });
  for (auto& [id, s] : strata) {
    s.u.assign(nw, 0.0);
    s.cov.assign(nw * nw, 0.0);
  }

  std::int32_t last_id = 0;
  Stratum* last = nullptr;
  walk(rows, cut, [&](const SurvivalRow& r, double t, bool event) {
    if (!in_two_groups(r)) return;
    if (last == nullptr || r.stratum != last_id) {
      last = &strata.at(r.stratum);
      last_id = r.stratum;
    }
    Stratum& s = *last;
    if (s.pending && s.t != t) close(s);
    s.pending = true;
    s.t = t;
    if (event) {
      (r.group == 1 ? s.d1 : s.d0) += 1.0;
    } else {
      (r.group == 1 ? s.c1 : s.c0) += 1.0;
    }
  });

  WeightedSums out{std::vector<double>(nw, 0.0), std::vector<double>(nw * nw, 0.0)};
  for (auto& [id, s] : strata) {
    close(s);
    for (std::size_t j = 0; j < nw; ++j) out.u[j] += s.u[j];
    for (std::size_t j = 0; j < nw * nw; ++j) out.cov[j] += s.cov[j];
  }
  return out;
}

WeightedLogrank weighted_test(double u, double v, double alpha) {
  WeightedLogrank out;
  out.score = u;
  out.variance = v;
  if (!(v > 0.0)) {
    out.z = out.p_two_sided = out.p_one_sided = kNaN;
    return out;
  }
  out.z = u / std::sqrt(v);
  out.p_two_sided = std::erfc(std::fabs(out.z) / std::numbers::sqrt2);
  out.p_one_sided = normal_cdf(out.z);
  out.rejects = out.p_one_sided < alpha;
  return out;
}

void check_alpha(double alpha, const char* who) {
  if (!(alpha > 0.0 && alpha < 1.0)) throw std::invalid_argument(std::string(who) + ": alpha must be in (0, 1)");
}

}  // namespace

KmSummary km_summary(const SurvivalSource& rows, std::int8_t group, double alpha,
                     std::span<const double> landmarks, double cut) {
  const double z = normal_two_sided_z(alpha);
  check_cut(cut, "km_summary");
  for (double t : landmarks) {
    if (!(std::isfinite(t) && t >= 0.0))
      throw std::invalid_argument("km_summary: landmarks must be finite and >= 0");
    if (t > cut) throw std::invalid_argument("km_summary: landmarks must be <= the cut");
  }
  GroupCount count;
  walk(rows, cut, [&](const SurvivalRow& r, double t, bool) {
    if (r.group == group) count.add(t);
  });

  GroupCurve curve(count.n);
  detail::MedianTracker median(z);
  Landmarks marks(landmarks);
  const auto on_step = [&](double t, std::uint64_t, std::uint64_t, const detail::KmStep& before,
                           const detail::KmStep& after) {
    marks.before_event(t, before);
    median.add(t, after.survival, after.greenwood);
  };
  walk(rows, cut, [&](const SurvivalRow& r, double t, bool event) {
    if (r.group == group) curve.row(t, event, on_step);
  });
  curve.finish(on_step);
  marks.finish(curve.curve());

  KmSummary out;
  out.n = count.n;
  out.events = curve.events();
  out.median = median.result(count.max_time);
  out.landmarks = marks.points(count.n, count.max_time, z);
  return out;
}

Estimate logrank_sweep(const SurvivalSource& rows, double alpha, double cut) {
  const double z = normal_two_sided_z(alpha);  // validates alpha even when V == 0
  check_cut(cut, "logrank_sweep");
  // Strata meet interleaved in time, so each gathers its own ties; a stratum's pending
  // time is closed when its next row has another time, or at the end.
  struct Stratum {
    detail::LogrankStratum sums;
    bool pending = false;
    double t = 0.0;
    double d1 = 0.0, d0 = 0.0, c1 = 0.0, c0 = 0.0;
    void close() {
      if (!pending) return;
      sums.add(d1, d0, c1, c0);
      pending = false;
      d1 = d0 = c1 = c0 = 0.0;
    }
  };
  std::map<std::int32_t, Stratum> strata;  // ordered: summed by stratum id, as logrank_stratified()
  walk(rows, cut, [&](const SurvivalRow& r, double, bool) {
    if (!in_two_groups(r)) return;
    Stratum& s = strata[r.stratum];
    (r.group == 1 ? s.sums.n1 : s.sums.n0) += 1.0;
  });

  std::int32_t last_id = 0;
  Stratum* last = nullptr;  // rows of one stratum often come in runs
  walk(rows, cut, [&](const SurvivalRow& r, double t, bool event) {
    if (!in_two_groups(r)) return;
    if (last == nullptr || r.stratum != last_id) {
      last = &strata.at(r.stratum);
      last_id = r.stratum;
    }
    Stratum& s = *last;
    if (s.pending && s.t != t) s.close();
    s.pending = true;
    s.t = t;
    if (event) {
      (r.group == 1 ? s.d1 : s.d0) += 1.0;
    } else {
      (r.group == 1 ? s.c1 : s.c0) += 1.0;
    }
  });

  double o_minus_e = 0.0;
  double variance = 0.0;
  for (auto& [id, s] : strata) {
    s.close();
    o_minus_e += s.sums.observed - s.sums.expected;
    variance += s.sums.variance;
  }
  return detail::peto_estimate(o_minus_e, variance, z);
}

Estimate rmst_difference_sweep(const SurvivalSource& rows, double tau, double alpha, double cut) {
  const double z = normal_two_sided_z(alpha);
  if (!(tau > 0.0 && std::isfinite(tau))) {
    throw std::invalid_argument("rmst_difference_sweep: tau must be finite and > 0");
  }
  check_cut(cut, "rmst_difference_sweep");
  RmstWalker area[2]{RmstWalker(tau), RmstWalker(tau)};
  const TwoCurves c = two_group_curves(rows, cut, [&area](int g) {
    return [&area, g](double t, std::uint64_t n, std::uint64_t d, const detail::KmStep&,
                      const detail::KmStep& after) { area[g].event(t, n, d, after); };
  });
  return detail::rmst_estimate(area[1].result(c.count[1], c.last[1]),
                               area[0].result(c.count[0], c.last[0]), z);
}

Estimate survival_difference_sweep(const SurvivalSource& rows, double tau, double alpha, double cut) {
  const double z = normal_two_sided_z(alpha);
  if (!(tau > 0.0 && std::isfinite(tau))) {
    throw std::invalid_argument("survival_difference_sweep: tau must be finite and > 0");
  }
  check_cut(cut, "survival_difference_sweep");
  if (tau > cut) return {kNaN, kNaN, kNaN, kNaN, kNaN};  // not observed at this cut
  // km_summary()'s landmark rule, for both groups at once.
  const double at[] = {tau};
  Landmarks marks[2]{Landmarks(at), Landmarks(at)};
  const TwoCurves c = two_group_curves(rows, cut, [&marks](int g) {
    return [&marks, g](double t, std::uint64_t, std::uint64_t, const detail::KmStep& before,
                       const detail::KmStep&) { marks[g].before_event(t, before); };
  });
  SurvivalPoint s[2];
  for (int g = 0; g < 2; ++g) {
    marks[g].finish(c.last[g]);
    s[g] = marks[g].points(c.count[g].n, c.count[g].max_time, z).front();
  }
  return detail::difference_estimate(s[1].survival, s[1].se * s[1].se, s[0].survival,
                                     s[0].se * s[0].se, z);
}

double kth_event_time(const SurvivalSource& rows, std::uint64_t k, std::int8_t group) {
  if (k == 0) throw std::invalid_argument("kth_event_time: k must be >= 1");
  std::uint64_t seen = 0;
  double time = kNaN;
  walk(rows, std::numeric_limits<double>::infinity(),
       [&](const SurvivalRow& r, double t, bool event) {
         const bool member = group < 0 ? in_two_groups(r) : r.group == group;
         if (member && event && ++seen == k) time = t;
       });
  return time;
}

double median_time(const SurvivalSource& rows, std::int8_t group) {
  const double cut = std::numeric_limits<double>::infinity();
  std::uint64_t n = 0;
  walk(rows, cut, [&](const SurvivalRow& r, double, bool) { n += r.group == group ? 1 : 0; });
  if (n == 0) return kNaN;
  // The walk meets the group's times in ascending order: the i-th row is the i-th order statistic.
  const std::uint64_t lo = (n - 1) / 2;
  const std::uint64_t hi = n / 2;
  double x_lo = kNaN;
  double x_hi = kNaN;
  std::uint64_t i = 0;
  walk(rows, cut, [&](const SurvivalRow& r, double t, bool) {
    if (r.group != group) return;
    if (i == lo) x_lo = t;
    if (i == hi) x_hi = t;
    ++i;
  });
  return n % 2 ? x_hi : 0.5 * (x_lo + x_hi);
}

WeightedLogrank fh_logrank_sweep(const SurvivalSource& rows, double rho, double gamma, double alpha,
                                 double cut) {
  check_alpha(alpha, "fh_logrank_sweep");
  const std::pair<double, double> rg[] = {{rho, gamma}};
  const WeightedSums sums = weighted_logrank_sums(rows, rg, cut, "fh_logrank_sweep");
  return weighted_test(sums.u[0], sums.cov[0], alpha);
}

WeightedLogrankScores fh_logrank_scores(const SurvivalSource& rows,
                                        std::span<const std::pair<double, double>> rho_gamma, double alpha,
                                        double cut) {
  check_alpha(alpha, "fh_logrank_scores");
  const std::size_t nw = rho_gamma.size();
  if (nw == 0 || nw > 20) throw std::invalid_argument("fh_logrank_scores: 1 to 20 (rho, gamma) pairs");
  WeightedSums sums = weighted_logrank_sums(rows, rho_gamma, cut, "fh_logrank_scores");
  WeightedLogrankScores out;
  for (std::size_t j = 0; j < nw; ++j) out.tests.push_back(weighted_test(sums.u[j], sums.cov[j * nw + j], alpha));
  out.covariance = std::move(sums.cov);
  return out;
}

MaxCombo maxcombo_sweep(const SurvivalSource& rows, std::span<const std::pair<double, double>> rho_gamma,
                        double alpha, double cut) {
  check_alpha(alpha, "maxcombo_sweep");
  const std::size_t nw = rho_gamma.size();
  if (nw == 0 || nw > 20) throw std::invalid_argument("maxcombo_sweep: 1 to 20 (rho, gamma) pairs");
  const WeightedSums sums = weighted_logrank_sums(rows, rho_gamma, cut, "maxcombo_sweep");
  MaxCombo out;
  out.statistic = -std::numeric_limits<double>::infinity();
  bool informative = true;
  for (std::size_t j = 0; j < nw; ++j) {
    out.tests.push_back(weighted_test(sums.u[j], sums.cov[j * nw + j], alpha));
    informative = informative && sums.cov[j * nw + j] > 0.0;
    out.statistic = std::max(out.statistic, -out.tests.back().z);
  }
  out.correlation.assign(nw * nw, kNaN);
  if (!informative) {
    out.statistic = out.p = out.p_error = kNaN;
    return out;
  }
  for (std::size_t i = 0; i < nw; ++i) {
    out.correlation[i * nw + i] = 1.0;
    for (std::size_t j = 0; j < i; ++j) {
      const double r = std::clamp(
          sums.cov[i * nw + j] / std::sqrt(sums.cov[i * nw + i] * sums.cov[j * nw + j]), -1.0, 1.0);
      out.correlation[i * nw + j] = out.correlation[j * nw + i] = r;
    }
  }
  const double m = out.statistic;
  if (nw == 1) {
    out.p = normal_cdf(-m);
  } else if (nw == 2) {
    // P(max > m) = P(Z1 > m) + P(Z2 > m) - P(Z1 > m, Z2 > m), without 1 - P cancellation.
    out.p = 2.0 * normal_cdf(-m) - bivariate_normal_cdf(-m, -m, out.correlation[1]);
  } else {
    const std::vector<double> lower(nw, -std::numeric_limits<double>::infinity());
    const std::vector<double> upper(nw, m);
    // The p-value to 1% of itself or 1e-4, whichever is larger: what a test decision at
    // any usual alpha needs (10 times mvtnorm's default 1e-3), at a few milliseconds for
    // the usual four tests. A tighter absolute error costs most where p is far below any
    // alpha: the highly correlated tests make the lattice converge slowly (~1 s for 1e-5).
    const MvnProbability below = mvn_probability(
        lower, upper, out.correlation, {.abs_tol = 1e-4, .complement_rel_tol = 0.01, .min_points = 250});
    out.p = std::clamp(1.0 - below.value, 0.0, 1.0);
    out.p_error = below.error;
  }
  out.rejects = out.p < alpha;
  return out;
}

}  // namespace silico::stats
