#include "sim/analysis.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <span>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>

#include "cohort/cohort.hpp"
#include "stats/design.hpp"
#include "stats/regression.hpp"
#include "stats/survival.hpp"

namespace silico::sim {

namespace {

using spec::Method;
using models::OutputType;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Shortest decimal text of x, for series names such as `survival_at_12`.
std::string number_name(double x) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), x);
  return std::string(text, result.ptr);
}

double mean_of(const std::vector<double>& x) {
  if (x.empty()) return kNaN;
  double total = 0.0;
  for (double v : x) total += v;
  return total / static_cast<double>(x.size());
}

/// Sample median (mean of the two middle values for even n).
double median_of(std::vector<double> x) {
  if (x.empty()) return kNaN;
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean_of(x), my = mean_of(y);
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

/// Appends the five fields of an estimate and its true effect under `prefix`.
void push_estimate(std::vector<Series>& out, const std::string& prefix, const stats::Estimate& e,
                   double truth) {
  out.push_back({prefix + "/effect", e.effect});
  out.push_back({prefix + "/se", e.se});
  out.push_back({prefix + "/ci_low", e.ci_low});
  out.push_back({prefix + "/ci_high", e.ci_high});
  out.push_back({prefix + "/p", e.p});
  out.push_back({prefix + "/true_effect", truth});
}

/// Time-to-event columns of one endpoint, after an optional data cut: a view of the
/// block's columns when the cut changes nothing (no copy of millions of patients), else
/// its own cut copy.
class Survival {
 public:
  Survival() = default;
  /// Columns owned elsewhere, which must outlive this view.
  static Survival view(std::span<const double> time, std::span<const std::int8_t> event) {
    Survival s;
    s.time = time;
    s.event = event;
    return s;
  }
  Survival(std::vector<double> time, std::vector<std::int8_t> event)
      : own_time_(std::move(time)), own_event_(std::move(event)) {
    point_at_own();
  }
  Survival(const Survival& other) { *this = other; }
  Survival& operator=(const Survival& other) {
    if (this == &other) return *this;
    own_time_ = other.own_time_;
    own_event_ = other.own_event_;
    if (other.owns()) {
      point_at_own();
    } else {
      time = other.time;
      event = other.event;
    }
    return *this;
  }
  // Moving a vector keeps its buffer, so the views stay valid.
  Survival(Survival&&) = default;
  Survival& operator=(Survival&&) = default;

  std::span<const double> time;
  std::span<const std::int8_t> event;

 private:
  bool owns() const { return !own_time_.empty() || time.empty(); }
  void point_at_own() {
    time = own_time_;
    event = own_event_;
  }
  std::vector<double> own_time_;
  std::vector<std::int8_t> own_event_;
};

/// Censors at `at` every time beyond it: `s` itself (a view stays a view) when nothing is
/// beyond it, else a new copy.
Survival cut(Survival s, double at) {
  if (std::none_of(s.time.begin(), s.time.end(), [&](double t) { return t > at; })) return s;
  std::vector<double> cut_time(s.time.begin(), s.time.end());
  std::vector<std::int8_t> cut_event(s.event.begin(), s.event.end());
  for (std::size_t i = 0; i < cut_time.size(); ++i) {
    if (cut_time[i] > at) {
      cut_time[i] = at;
      cut_event[i] = 0;
    }
  }
  return Survival(std::move(cut_time), std::move(cut_event));
}

stats::SurvivalData select_survival(const Survival& s, const std::vector<std::size_t>& rows) {
  stats::SurvivalData d;
  d.time.reserve(rows.size());
  d.event.reserve(rows.size());
  for (std::size_t i : rows) {
    d.time.push_back(s.time[i]);
    d.event.push_back(s.event[i]);
  }
  return d;
}

std::vector<double> select(const std::vector<double>& x, const std::vector<std::size_t>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (std::size_t i : rows) out.push_back(x[i]);
  return out;
}

/// Marginal hazard ratio of the sample: Cox fit (Efron) of arm on the stacked potential
/// outcomes of every patient under both arms.
double marginal_hazard_ratio(const Survival& treated, const Survival& control) {
  const std::size_t n = treated.time.size();
  std::vector<double> time;
  time.reserve(2 * n);
  time.insert(time.end(), treated.time.begin(), treated.time.end());
  time.insert(time.end(), control.time.begin(), control.time.end());
  std::vector<std::int8_t> event;
  event.reserve(2 * n);
  event.insert(event.end(), treated.event.begin(), treated.event.end());
  event.insert(event.end(), control.event.begin(), control.event.end());
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(2 * n), 1);
  x.topRows(static_cast<Eigen::Index>(n)).setOnes();
  const auto fit = stats::cox_fit(time, event, std::move(x));
  return fit.converged ? std::exp(fit.beta(0)) : kNaN;
}

double restricted_mean(std::span<const double> time, double tau) {
  double total = 0.0;
  for (double t : time) total += std::min(t, tau);
  return total / static_cast<double>(time.size());
}

/// Number of levels of a discrete covariate (bernoulli: 2).
std::int32_t level_count(const spec::Covariate& c) {
  return c.is_categorical() ? static_cast<std::int32_t>(c.levels.size()) : 2;
}

}  // namespace

const char* method_measure(Method method) {
  switch (method) {
    case Method::kWelch:
    case Method::kAncova:
    case Method::kProcova:
    case Method::kPsm:
    case Method::kIptw: return "mean_difference";
    case Method::kLogrank:
    case Method::kCox: return "hazard_ratio";
    case Method::kRmst: return "rmst_difference";
    case Method::kKmMedian: return "median_difference";
    case Method::kRiskDifference: return "risk_difference";
    case Method::kRiskRatio: return "risk_ratio";
    case Method::kOddsRatio: return "odds_ratio";
  }
  return "";
}

TrialAnalysis::TrialAnalysis(const spec::TrialSpec& spec) : spec_(spec) {
  for (const auto& a : spec.analysis.endpoints) {
    boundaries_.emplace_back();
    if (!a.group_sequential) continue;
    const auto spending = a.group_sequential->obrien_fleming ? stats::Spending::kOBrienFleming
                                                             : stats::Spending::kPocock;
    boundaries_.back() = stats::efficacy_boundaries(spending, spec.analysis.alpha, a.group_sequential->looks);
  }
  prognostic_.resize(spec.endpoints.size());
  if (!spec.analysis.procova) return;
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e) {
    const auto& methods = spec.analysis.endpoints[e].methods;
    if (std::find(methods.begin(), methods.end(), Method::kProcova) != methods.end()) {
      prognostic_[e] = fit_prognostic_model(spec, spec.endpoints[e].output);
    }
  }
}

std::vector<double> fit_prognostic_model(const spec::TrialSpec& spec, std::size_t output) {
  // Historical cohort: its own seed, replicate 0, every patient under the control arm.
  const auto& historical = *spec.analysis.procova;
  const cohort::CohortGenerator generator(historical.cohort);
  const std::size_t p = generator.covariate_count();
  const auto n = static_cast<Eigen::Index>(historical.patients);
  const std::size_t n_arms = spec.arms.size();
  const std::size_t n_outputs = spec.model.factory->outputs.size();
  Eigen::MatrixXd x(n, static_cast<Eigen::Index>(p + 1));
  Eigen::VectorXd y(n);
  std::vector<double> covariates(p);
  std::vector<models::ArmOutcome> potential(n_outputs * n_arms), observed(n_outputs);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto patient = static_cast<std::uint64_t>(i);
    generator.generate(historical.seed, 0, patient, covariates);
    spec.model.instance->simulate({historical.seed, 0, patient}, covariates, spec.control_arm,
                                  potential, observed);
    x(i, 0) = 1.0;
    for (std::size_t j = 0; j < p; ++j) x(i, static_cast<Eigen::Index>(j + 1)) = covariates[j];
    y(i) = observed[output].value;
  }
  const auto fit = stats::ols(x, y);
  return {fit.beta.data(), fit.beta.data() + fit.beta.size()};
}

std::vector<SeriesAttribute> TrialAnalysis::attributes() const {
  std::vector<SeriesAttribute> out;
  for (std::size_t e = 0; e < spec_.endpoints.size(); ++e) {
    const auto& endpoint = spec_.endpoints[e];
    const auto& analysis = spec_.analysis.endpoints[e];
    out.push_back({endpoint.name, "type", models::to_string(endpoint.type)});
    out.push_back({endpoint.name, "primary_method", spec::method_name(analysis.methods.front())});
    std::string methods;
    for (Method m : analysis.methods) methods += (methods.empty() ? "" : ",") + std::string(spec::method_name(m));
    out.push_back({endpoint.name, "methods", methods});
    for (Method m : analysis.methods) {
      out.push_back({endpoint.name + "/" + spec::method_name(m), "measure", method_measure(m)});
    }
    if (analysis.group_sequential) {
      const std::string group = endpoint.name + "/" + spec::method_name(analysis.methods.front());
      std::string looks, bounds;
      for (std::size_t k = 0; k < analysis.group_sequential->looks.size(); ++k) {
        looks += (k ? "," : "") + number_name(analysis.group_sequential->looks[k]);
        bounds += (k ? "," : "") + number_name(boundaries_[e][k]);
      }
      out.push_back({group, "gs_looks", looks});
      out.push_back({group, "gs_boundaries", bounds});
      out.push_back({group, "gs_spending", analysis.group_sequential->obrien_fleming ? "obrien_fleming" : "pocock"});
    }
  }
  return out;
}

namespace {

/// Everything the analysis of one endpoint of one replicate needs.
class EndpointAnalyzer {
 public:
  EndpointAnalyzer(const spec::TrialSpec& spec, const std::vector<double>& prognostic,
                   const std::vector<double>& boundaries, const Block& block, std::size_t e,
                   std::vector<Series>& out)
      : spec_(spec), prognostic_(prognostic), boundaries_(boundaries), block_(block), e_(e), out_(out),
        endpoint_(spec.endpoints[e]), analysis_(spec.analysis.endpoints[e]),
        columns_(block.endpoints[e]), alpha_(spec.analysis.alpha) {}

  void run() {
    const std::size_t n_arms = spec_.arms.size();
    if (endpoint_.type == OutputType::kTimeToEvent) prepare_survival();
    for (std::size_t a = 0; a < n_arms; ++a) describe_arm(a);
    for (std::size_t a = 0; a < n_arms; ++a) {
      if (a == spec_.control_arm) continue;
      for (Method m : analysis_.methods) {
        // The external-control comparison is about the single-arm trial's arm only.
        const bool external = m == Method::kPsm || m == Method::kIptw;
        if (external && a != spec_.analysis.external_control->treatment_arm) continue;
        compare(m, a);
      }
      if (analysis_.group_sequential) group_sequential(a);
    }
  }

  /// Interim looks of the primary method: information is events (time to event) or
  /// patients in enrolment (index) order; stop at the first |Z| >= boundary.
  void group_sequential(std::size_t arm) {
    const Method method = analysis_.methods.front();
    const std::string prefix = base() + "/" + spec::method_name(method) + "/" + spec_.arms[arm].name;
    const auto rows = pair_rows(arm);
    const bool tte = endpoint_.type == OutputType::kTimeToEvent;
    std::vector<double> event_times;
    if (tte) {
      for (std::size_t i : rows) {
        if (observed_.event[i]) event_times.push_back(observed_.time[i]);
      }
      std::sort(event_times.begin(), event_times.end());
    }
    const double total = tte ? static_cast<double>(event_times.size()) : static_cast<double>(rows.size());
    const auto& looks = analysis_.group_sequential->looks;
    double reject = 0.0, stop_look = static_cast<double>(looks.size()), information = total;
    for (std::size_t k = 0; k < looks.size(); ++k) {
      const auto needed = static_cast<std::size_t>(std::ceil(looks[k] * total - 1e-9));
      if (needed == 0) continue;
      std::vector<std::size_t> used = rows;
      Survival saved;
      if (tte) {
        // Data cut at the time of the needed-th event; patients are all enrolled at 0.
        saved = observed_;
        observed_ = cut(observed_, event_times[needed - 1]);
      } else {
        used.resize(needed);
      }
      const auto e = interim_estimate(method, arm, used);
      if (tte) observed_ = saved;
      const bool ratio = method == Method::kLogrank || method == Method::kCox;
      const double z = ratio ? std::log(e.effect) / e.se : e.effect / e.se;
      if (std::isfinite(z) && std::fabs(z) >= boundaries_[k]) {
        reject = 1.0;
        stop_look = static_cast<double>(k + 1);
        information = static_cast<double>(needed);
        break;
      }
    }
    out_.push_back({prefix + "/gs_reject", reject});
    out_.push_back({prefix + "/gs_stop_look", stop_look});
    out_.push_back({prefix + "/gs_information", information});
  }

  /// The primary estimate on a subset of the pair's rows (and the current observed_).
  stats::Estimate interim_estimate(Method method, std::size_t arm, const std::vector<std::size_t>& rows) {
    std::vector<std::size_t> treated, controls;
    for (std::size_t i : rows) (static_cast<std::size_t>(block_.arm[i]) == arm ? treated : controls).push_back(i);
    switch (method) {
      case Method::kWelch:
        return stats::welch(select(columns_.observed_value, treated), select(columns_.observed_value, controls),
                            alpha_);
      case Method::kAncova: return ancova_fit(rows, arm).first;
      case Method::kLogrank:
        if (analysis_.strata.empty()) {
          return stats::logrank(select_survival(observed_, treated), select_survival(observed_, controls), alpha_);
        } else {
          std::vector<double> time;
          std::vector<std::int8_t> event, group;
          for (std::size_t i : rows) {
            time.push_back(observed_.time[i]);
            event.push_back(observed_.event[i]);
            group.push_back(static_cast<std::size_t>(block_.arm[i]) == arm ? 1 : 0);
          }
          return stats::logrank_stratified(time, event, group, strata_ids(rows), alpha_);
        }
      case Method::kCox: return cox_fit(rows, arm).first;
      case Method::kRiskDifference: {
        stats::TwoByTwo table;
        for (std::size_t i : rows) {
          const bool response = columns_.observed_value[i] != 0.0;
          if (static_cast<std::size_t>(block_.arm[i]) == arm) {
            ++table.treated_n;
            table.treated_events += response;
          } else {
            ++table.control_n;
            table.control_events += response;
          }
        }
        return stats::risk_difference(table, alpha_);
      }
      default: return stats::Estimate{kNaN, kNaN, kNaN, kNaN, kNaN};
    }
  }

 private:
  std::string base() const { return endpoint_.name; }

  /// Patients whose model failed are left out of every estimate and every truth.
  bool failed(std::size_t i) const { return block_.model_failed[i] != 0; }

  std::vector<std::size_t> rows_of(std::size_t arm) const {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < block_.count; ++i) {
      if (static_cast<std::size_t>(block_.arm[i]) == arm && !failed(i)) rows.push_back(i);
    }
    return rows;
  }

  /// Every patient whose model did not fail, in index order.
  std::vector<std::size_t> valid_rows() const {
    std::vector<std::size_t> rows;
    rows.reserve(block_.count);
    for (std::size_t i = 0; i < block_.count; ++i) {
      if (!failed(i)) rows.push_back(i);
    }
    return rows;
  }

  void prepare_survival() {
    cut_time_ = spec_.trial.follow_up;
    if (analysis_.data_cut_events > 0) {
      std::vector<double> event_times;
      for (std::size_t i = 0; i < block_.count; ++i) {
        if (columns_.observed_event[i] && !failed(i)) event_times.push_back(columns_.observed_value[i]);
      }
      const std::size_t d = analysis_.data_cut_events;
      const bool reached = event_times.size() >= d;
      if (reached) {
        std::nth_element(event_times.begin(), event_times.begin() + static_cast<long>(d - 1),
                         event_times.end());
        cut_time_ = event_times[d - 1];
      }
      out_.push_back({base() + "/data_cut_time", reached ? cut_time_ : kNaN});
    }
    observed_ = cut(Survival::view(columns_.observed_value, columns_.observed_event), cut_time_);
    // Potential outcomes of the patients with a model solution (truths are over them).
    const auto valid = valid_rows();
    for (std::size_t a = 0; a < spec_.arms.size(); ++a) {
      if (valid.size() == block_.count) {  // every patient: cut the block's own columns
        potential_.push_back(cut(Survival::view(columns_.potential_value[a], columns_.potential_event[a]), cut_time_));
        continue;
      }
      std::vector<std::int8_t> events;
      events.reserve(valid.size());
      for (std::size_t i : valid) events.push_back(columns_.potential_event[a][i]);
      potential_.push_back(cut(Survival(select(columns_.potential_value[a], valid), std::move(events)), cut_time_));
    }
  }

  void describe_arm(std::size_t arm) {
    const std::string prefix = base() + "/arms/" + spec_.arms[arm].name + "/";
    const auto rows = rows_of(arm);
    out_.push_back({prefix + "n", static_cast<double>(rows.size())});
    if (endpoint_.type == OutputType::kTimeToEvent) {
      const auto data = select_survival(observed_, rows);
      const auto km = stats::kaplan_meier(data);
      const auto median = stats::median_with_ci(km, alpha_);
      out_.push_back({prefix + "events", static_cast<double>(km.total_events)});
      out_.push_back({prefix + "median", median.median.value_or(kNaN)});
      out_.push_back({prefix + "median_ci_low", median.ci_low.value_or(kNaN)});
      out_.push_back({prefix + "median_ci_high", median.ci_high.value_or(kNaN)});
      for (double t : analysis_.landmarks) {
        const std::string name = prefix + "survival_at_" + number_name(t);
        const auto point = t <= cut_time_ ? stats::survival_at(km, t, alpha_) : stats::SurvivalPoint{};
        const bool defined = t <= cut_time_;
        out_.push_back({name, defined ? point.survival : kNaN});
        out_.push_back({name + "_ci_low", defined ? point.ci_low : kNaN});
        out_.push_back({name + "_ci_high", defined ? point.ci_high : kNaN});
      }
      return;
    }
    const auto values = select(columns_.observed_value, rows);
    const auto d = stats::describe(values);
    if (endpoint_.type == OutputType::kBinary) {
      out_.push_back({prefix + "responders", d.mean * static_cast<double>(d.n)});
      out_.push_back({prefix + "rate", d.mean});
    } else {
      out_.push_back({prefix + "mean", d.mean});
      out_.push_back({prefix + "sd", d.sd});
    }
  }

  void compare(Method method, std::size_t arm) {
    const std::string prefix = base() + "/" + spec::method_name(method) + "/" + spec_.arms[arm].name;
    const std::size_t control = spec_.control_arm;
    switch (method) {
      case Method::kWelch: {
        const auto e = stats::welch(select(columns_.observed_value, rows_of(arm)),
                                    select(columns_.observed_value, rows_of(control)), alpha_);
        push_estimate(out_, prefix, e, mean_difference(arm));
        break;
      }
      case Method::kAncova: ancova(prefix, arm); break;
      case Method::kProcova: procova(prefix, arm); break;
      case Method::kPsm:
      case Method::kIptw: external(prefix, arm, method == Method::kPsm); break;
      case Method::kLogrank: {
        const auto treated = select_survival(observed_, rows_of(arm));
        const auto controls = select_survival(observed_, rows_of(control));
        stats::Estimate e;
        if (analysis_.strata.empty()) {
          e = stats::logrank(treated, controls, alpha_);
        } else {
          const auto rows = pair_rows(arm);
          std::vector<double> time;
          std::vector<std::int8_t> event, group;
          for (std::size_t i : rows) {
            time.push_back(observed_.time[i]);
            event.push_back(observed_.event[i]);
            group.push_back(static_cast<std::size_t>(block_.arm[i]) == arm ? 1 : 0);
          }
          e = stats::logrank_stratified(time, event, group, strata_ids(rows), alpha_);
        }
        push_estimate(out_, prefix, e, true_hazard_ratio(arm));
        break;
      }
      case Method::kCox: cox(prefix, arm); break;
      case Method::kRmst: {
        const double tau = std::min(analysis_.rmst_horizon, cut_time_);
        const auto e = stats::rmst_difference(select_survival(observed_, rows_of(arm)),
                                              select_survival(observed_, rows_of(control)), tau, alpha_);
        const double truth = restricted_mean(potential_[arm].time, tau) -
                             restricted_mean(potential_[control].time, tau);
        push_estimate(out_, prefix, e, truth);
        out_.push_back({prefix + "/horizon", tau});
        break;
      }
      case Method::kKmMedian: {
        const auto treated = stats::km_median(stats::kaplan_meier(select_survival(observed_, rows_of(arm))));
        const auto controls =
            stats::km_median(stats::kaplan_meier(select_survival(observed_, rows_of(control))));
        stats::Estimate e{kNaN, kNaN, kNaN, kNaN, kNaN};
        if (treated && controls) e.effect = *treated - *controls;
        // Potential outcomes are censored only at the cut: the median is defined when
        // more than half of the patients have the event.
        push_estimate(out_, prefix, e, potential_median(arm) - potential_median(control));
        break;
      }
      case Method::kRiskDifference:
      case Method::kRiskRatio:
      case Method::kOddsRatio: binary(prefix, arm, method); break;
    }
  }

  double potential_median(std::size_t arm) const {
    const auto& p = potential_[arm];
    const double events = static_cast<double>(std::count(p.event.begin(), p.event.end(), 1));
    if (events <= 0.5 * static_cast<double>(p.event.size())) return kNaN;
    return median_of(std::vector<double>(p.time.begin(), p.time.end()));
  }

  double mean_difference(std::size_t arm) const {
    double total = 0.0;
    const auto& t = columns_.potential_value[arm];
    const auto& c = columns_.potential_value[spec_.control_arm];
    const auto valid = valid_rows();
    for (std::size_t i : valid) total += t[i] - c[i];
    return valid.empty() ? kNaN : total / static_cast<double>(valid.size());
  }

  double true_hazard_ratio(std::size_t arm) {
    auto found = true_hr_.find(arm);
    if (found != true_hr_.end()) return found->second;
    const double hr = marginal_hazard_ratio(potential_[arm], potential_[spec_.control_arm]);
    true_hr_[arm] = hr;
    return hr;
  }

  /// Patients of the control arm and of `arm`, in index order.
  std::vector<std::size_t> pair_rows(std::size_t arm) const {
    std::vector<std::size_t> rows;
    rows.reserve(block_.count);
    for (std::size_t i = 0; i < block_.count; ++i) {
      const auto a = static_cast<std::size_t>(block_.arm[i]);
      if ((a == arm || a == spec_.control_arm) && !failed(i)) rows.push_back(i);
    }
    return rows;
  }

  std::vector<std::int32_t> strata_ids(const std::vector<std::size_t>& rows) const {
    std::vector<std::int32_t> ids(rows.size(), 0);
    for (std::size_t s : analysis_.strata) {
      const std::int32_t levels = level_count(spec_.cohort.covariates[s]);
      for (std::size_t k = 0; k < rows.size(); ++k) {
        ids[k] = ids[k] * levels + static_cast<std::int32_t>(block_.covariates[s][rows[k]]);
      }
    }
    return ids;
  }

  void ancova(const std::string& prefix, std::size_t arm) {
    const auto [e, robust] = ancova_fit(pair_rows(arm), arm);
    push_estimate(out_, prefix, e, mean_difference(arm));
    out_.push_back({prefix + "/se_hc3", robust.se});
    out_.push_back({prefix + "/p_hc3", robust.p});
  }

  /// ANCOVA of the treatment indicator: model-based and HC3 estimates.
  std::pair<stats::Estimate, stats::Estimate> ancova_fit(const std::vector<std::size_t>& rows,
                                                         std::size_t arm) const {
    const auto& covariates = analysis_.covariates;
    Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(2 + covariates.size()));
    Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto r = static_cast<Eigen::Index>(k);
      x(r, 0) = 1.0;
      x(r, 1) = static_cast<std::size_t>(block_.arm[rows[k]]) == arm ? 1.0 : 0.0;
      for (std::size_t j = 0; j < covariates.size(); ++j) {
        x(r, static_cast<Eigen::Index>(2 + j)) = block_.covariates[covariates[j]][rows[k]];
      }
      y(r) = columns_.observed_value[rows[k]];
    }
    const auto fit = stats::ols(x, y);
    return {stats::ols_coefficient(fit, 1, alpha_, false), stats::ols_coefficient(fit, 1, alpha_, true)};
  }

  void procova(const std::string& prefix, std::size_t arm) {
    const auto rows = pair_rows(arm);
    const auto n = static_cast<Eigen::Index>(rows.size());
    Eigen::MatrixXd x(n, 3);
    Eigen::VectorXd y(n);
    std::vector<double> control_score, control_y;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto r = static_cast<Eigen::Index>(k);
      const std::size_t i = rows[k];
      double score = prognostic_[0];
      for (std::size_t j = 0; j < block_.covariates.size(); ++j) {
        score += prognostic_[j + 1] * block_.covariates[j][i];
      }
      const bool treated = static_cast<std::size_t>(block_.arm[i]) == arm;
      x.row(r) << 1.0, treated ? 1.0 : 0.0, score;
      y(r) = columns_.observed_value[i];
      if (!treated) {
        control_score.push_back(score);
        control_y.push_back(y(r));
      }
    }
    const auto adjusted = stats::ols(x, y);
    const auto unadjusted = stats::ols(x.leftCols(2), y);
    const auto e = stats::ols_coefficient(adjusted, 1, alpha_, false);
    push_estimate(out_, prefix, e, mean_difference(arm));
    const double se_unadjusted = unadjusted.se_model(1);
    const double rho = correlation(control_score, control_y);
    out_.push_back({prefix + "/se_unadjusted", se_unadjusted});
    out_.push_back({prefix + "/variance_reduction", 1.0 - (e.se * e.se) / (se_unadjusted * se_unadjusted)});
    out_.push_back({prefix + "/correlation", rho});
    // Schuler et al. (2021): the unadjusted trial needs n / (1 - rho^2) patients for the
    // power of the adjusted one.
    out_.push_back({prefix + "/equivalent_unadjusted_n", static_cast<double>(rows.size()) / (1.0 - rho * rho)});
  }

  void cox(const std::string& prefix, std::size_t arm) {
    const auto [e, fit] = cox_fit(pair_rows(arm), arm);
    push_estimate(out_, prefix, e, true_hazard_ratio(arm));
    out_.push_back({prefix + "/lr_p", fit.converged ? fit.lr_p : kNaN});
    out_.push_back({prefix + "/score_p", fit.score_p});
  }

  /// Cox model of the treatment indicator plus the adjustment set, stratified if asked.
  std::pair<stats::Estimate, stats::CoxFit> cox_fit(const std::vector<std::size_t>& rows,
                                                    std::size_t arm) const {
    const auto& covariates = analysis_.covariates;
    Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(1 + covariates.size()));
    std::vector<double> time;
    std::vector<std::int8_t> event;
    time.reserve(rows.size());
    event.reserve(rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto r = static_cast<Eigen::Index>(k);
      const std::size_t i = rows[k];
      x(r, 0) = static_cast<std::size_t>(block_.arm[i]) == arm ? 1.0 : 0.0;
      for (std::size_t j = 0; j < covariates.size(); ++j) {
        x(r, static_cast<Eigen::Index>(1 + j)) = block_.covariates[covariates[j]][i];
      }
      time.push_back(observed_.time[i]);
      event.push_back(observed_.event[i]);
    }
    const auto strata = analysis_.strata.empty() ? std::vector<std::int32_t>{} : strata_ids(rows);
    auto fit = stats::cox_fit(time, event, std::move(x), strata);
    const auto e = fit.converged ? stats::cox_hazard_ratio(fit, 0, alpha_)
                                 : stats::Estimate{kNaN, kNaN, kNaN, kNaN, kNaN};
    return {e, std::move(fit)};
  }

  void binary(const std::string& prefix, std::size_t arm, Method method) {
    stats::TwoByTwo table;
    for (std::size_t i = 0; i < block_.count; ++i) {
      if (failed(i)) continue;
      const auto a = static_cast<std::size_t>(block_.arm[i]);
      const bool response = columns_.observed_value[i] != 0.0;
      if (a == arm) {
        ++table.treated_n;
        table.treated_events += response;
      } else if (a == spec_.control_arm) {
        ++table.control_n;
        table.control_events += response;
      }
    }
    const auto valid = valid_rows();
    const double pt = mean_of(select(columns_.potential_value[arm], valid));
    const double pc = mean_of(select(columns_.potential_value[spec_.control_arm], valid));
    switch (method) {
      case Method::kRiskDifference:
        push_estimate(out_, prefix, stats::risk_difference(table, alpha_), pt - pc);
        out_.push_back({prefix + "/chi_square_p", stats::chi_square_p(table)});
        out_.push_back({prefix + "/fisher_p", stats::fisher_exact_p(table)});
        break;
      case Method::kRiskRatio:
        push_estimate(out_, prefix, stats::risk_ratio(table, alpha_), pt / pc);
        break;
      default:
        push_estimate(out_, prefix, stats::odds_ratio(table, alpha_), (pt / (1 - pt)) / (pc / (1 - pc)));
        break;
    }
  }

  /// Single-arm trial (patients of `arm`) against the external cohort, simulated here
  /// under the control arm with the external cohort's own seed.
  void external(const std::string& prefix, std::size_t arm, bool matching) {
    const auto& ext = *spec_.analysis.external_control;
    const auto treated_rows = rows_of(arm);
    const std::size_t n_treated = treated_rows.size();
    const auto& external = external_outcomes();
    const std::size_t n = n_treated + ext.patients;
    const std::size_t p = ext.covariates.size();
    Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p + 1));
    std::vector<double> y(n);
    std::vector<std::int8_t> treated(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
      const auto r = static_cast<Eigen::Index>(k);
      x(r, 0) = 1.0;
      const bool in_trial = k < n_treated;
      for (std::size_t j = 0; j < p; ++j) {
        const std::size_t c = ext.covariates[j];
        x(r, static_cast<Eigen::Index>(j + 1)) =
            in_trial ? block_.covariates[c][treated_rows[k]] : external.covariates[c][k - n_treated];
      }
      y[k] = in_trial ? columns_.observed_value[treated_rows[k]] : external.outcome[k - n_treated];
      treated[k] = in_trial ? 1 : 0;
    }
    const auto fit = stats::logistic(x, treated);
    if (!fit.converged) {
      // Separation or a singular design: no propensity score to match or weight on.
      push_estimate(out_, prefix, stats::Estimate{kNaN, kNaN, kNaN, kNaN, kNaN}, kNaN);
      out_.push_back({prefix + "/treated", kNaN});
      for (std::size_t c : ext.covariates) {
        const std::string& name = spec_.cohort.covariates[c].name;
        out_.push_back({prefix + "/smd_before_" + name, kNaN});
        out_.push_back({prefix + "/smd_after_" + name, kNaN});
      }
      return;
    }
    const Eigen::VectorXd logit = x * fit.beta;
    std::vector<double> weights(n, 0.0);
    std::vector<std::size_t> truth_rows;  // trial patients the estimate is about
    double matched_treated = static_cast<double>(n_treated);
    if (matching) {
      std::vector<double> logits(logit.data(), logit.data() + logit.size());
      const auto matches = stats::match_nearest(logits, treated, ext.match_k, ext.caliper_sd);
      matched_treated = 0;
      for (std::size_t t = 0; t < matches.size(); ++t) {
        if (matches[t].empty()) continue;
        ++matched_treated;
        weights[t] = 1.0;
        truth_rows.push_back(treated_rows[t]);
        for (std::size_t c : matches[t]) weights[c] += 1.0 / static_cast<double>(matches[t].size());
      }
    } else {
      std::vector<double> ps(n);
      for (std::size_t k = 0; k < n; ++k) ps[k] = 1.0 / (1.0 + std::exp(-logit(static_cast<Eigen::Index>(k))));
      weights = stats::att_weights(ps, treated);
      truth_rows = treated_rows;
    }
    const auto e = stats::weighted_mean_difference(y, treated, weights, alpha_);
    double truth = 0.0;
    for (std::size_t i : truth_rows) {
      truth += columns_.potential_value[arm][i] - columns_.potential_value[spec_.control_arm][i];
    }
    truth = truth_rows.empty() ? kNaN : truth / static_cast<double>(truth_rows.size());
    push_estimate(out_, prefix, e, truth);
    out_.push_back({prefix + "/treated", matched_treated});
    for (std::size_t j = 0; j < p; ++j) {
      std::vector<double> column(n);
      for (std::size_t k = 0; k < n; ++k) column[k] = x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j + 1));
      const std::string& name = spec_.cohort.covariates[ext.covariates[j]].name;
      out_.push_back({prefix + "/smd_before_" + name, stats::standardized_mean_difference(column, treated)});
      out_.push_back({prefix + "/smd_after_" + name,
                      stats::standardized_mean_difference(column, treated, weights)});
    }
  }

  struct ExternalCohort {
    std::vector<std::vector<double>> covariates;  // [covariate][patient]
    std::vector<double> outcome;
  };

  const ExternalCohort& external_outcomes() {
    if (external_) return *external_;
    const auto& ext = *spec_.analysis.external_control;
    const cohort::CohortGenerator generator(ext.cohort);
    const std::size_t p = generator.covariate_count();
    const std::size_t n_arms = spec_.arms.size();
    const std::size_t n_outputs = spec_.model.factory->outputs.size();
    ExternalCohort cohort;
    cohort.covariates.assign(p, std::vector<double>(ext.patients));
    cohort.outcome.resize(ext.patients);
    std::vector<double> values(p);
    std::vector<models::ArmOutcome> potential(n_outputs * n_arms), observed(n_outputs);
    for (std::uint64_t i = 0; i < ext.patients; ++i) {
      generator.generate(ext.seed, block_.replicate, i, values);
      spec_.model.instance->simulate({ext.seed, block_.replicate, i}, values, spec_.control_arm,
                                     potential, observed);
      for (std::size_t j = 0; j < p; ++j) cohort.covariates[j][i] = values[j];
      cohort.outcome[i] = observed[endpoint_.output].value;
    }
    external_ = std::move(cohort);
    return *external_;
  }

  const spec::TrialSpec& spec_;
  const std::vector<double>& prognostic_;
  const std::vector<double>& boundaries_;
  const Block& block_;
  std::size_t e_;
  std::vector<Series>& out_;
  const spec::EndpointSpec& endpoint_;
  const spec::EndpointAnalysis& analysis_;
  const EndpointColumns& columns_;
  double alpha_;
  double cut_time_ = std::numeric_limits<double>::infinity();
  Survival observed_;
  std::vector<Survival> potential_;
  std::map<std::size_t, double> true_hr_;
  std::optional<ExternalCohort> external_;
};

}  // namespace

std::vector<Series> TrialAnalysis::analyze(const Block& block) const {
  std::vector<Series> out;
  out.push_back({"model_failures", static_cast<double>(std::count(block.model_failed.begin(),
                                                                  block.model_failed.end(), 1))});
  for (std::size_t e = 0; e < spec_.endpoints.size(); ++e) {
    EndpointAnalyzer(spec_, prognostic_[e], boundaries_[e], block, e, out).run();
  }
  return out;
}

}  // namespace silico::sim
