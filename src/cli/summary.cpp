#include "cli/summary.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "core/error.hpp"
#include "core/text.hpp"

namespace silico::cli {

namespace {

const std::set<std::string> kEstimateFields = {"effect", "se", "ci_low", "ci_high", "p", "true_effect"};

/// A damaged file: the reader checked the layout, these are the checks only summarize
/// needs (series it requires, the text of its attributes).
[[noreturn]] void damaged(const io::ResultReader& results, const std::string& what) {
  throw UserError("'" + results.path() + "' is damaged or not a silico result file: " + what);
}

/// Comma-separated numbers, as the writer stores gs_looks and gs_boundaries (a bound may be
/// infinite: a look at which nothing is spent; never NaN).
std::vector<double> numbers(const io::ResultReader& results, const std::string& group, const std::string& name) {
  const std::string text = results.series_attribute(group, name);
  std::vector<double> out;
  std::istringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    double value = 0.0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || end != part.data() + part.size() || std::isnan(value)) {
      damaged(results, "attribute " + name + " of /replicates/" + group + " is not a list of numbers: '" +
                           text.substr(0, 64) + "'");
    }
    out.push_back(value);
  }
  return out;
}

/// What the file says of a design beyond the two-sided O'Brien-Fleming or Pocock types:
/// sidedness, level, direction of benefit, futility bounds and the analytic crossing
/// probabilities under H0, each checked against the number of looks.
void read_design(const io::ResultReader& results, const std::string& group, GroupSequentialRow& gs) {
  const std::string sided = results.series_attribute(group, "gs_sided");
  if (sided.empty()) return;
  if (sided != "one" && sided != "two") damaged(results, "gs_sided of /replicates/" + group + " is '" + sided + "'");
  gs.sided = sided;
  const auto alpha = numbers(results, group, "gs_alpha");
  if (alpha.size() != 1 || !(alpha[0] > 0 && alpha[0] < 1)) damaged(results, "gs_alpha of /replicates/" + group);
  gs.alpha = alpha[0];
  gs.benefit = results.series_attribute(group, "gs_benefit");
  const std::size_t k = gs.looks.size();
  const auto per_look = [&](const char* name) {
    auto values = numbers(results, group, name);
    if (values.size() != k) damaged(results, std::string(name) + " of /replicates/" + group + " is not one per look");
    return values;
  };
  gs.h0_efficacy_crossing = per_look("gs_h0_efficacy_crossing");
  if (sided == "one") {
    for (double u : gs.boundaries) gs.nominal_p.push_back(0.5 * std::erfc(u / std::sqrt(2.0)));
  }
  gs.futility_spending = results.series_attribute(group, "gs_futility_spending");
  if (gs.futility_spending.empty()) return;
  gs.futility_binding = results.series_attribute(group, "gs_futility_binding") == "true";
  gs.futility_boundaries = per_look("gs_futility_boundaries");
  gs.h0_futility_crossing = per_look("gs_h0_futility_crossing");
}

/// Mean of the finite values of a series; NaN when it is absent or has none.
double finite_mean(const std::map<std::string, std::vector<double>>& series, const std::string& path) {
  const auto found = series.find(path);
  if (found == series.end()) return std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;
  std::size_t n = 0;
  for (double v : found->second) {
    if (std::isfinite(v)) {
      total += v;
      ++n;
    }
  }
  return n == 0 ? std::numeric_limits<double>::quiet_NaN() : total / static_cast<double>(n);
}

/// The treated share of the two arms' patients (mean over the replicates); NaN if unknown.
double treated_share(const std::map<std::string, std::vector<double>>& series, const std::string& endpoint,
                     const std::string& treatment, const std::string& control) {
  const double treated = finite_mean(series, endpoint + "/arms/" + treatment + "/n");
  const double controls = finite_mean(series, endpoint + "/arms/" + control + "/n");
  return treated / (treated + controls);
}

/// A hazard-ratio bound at each look (Schoenfeld 1983): HR = exp(-u / sqrt(d p (1 - p))),
/// d the mean events of the look over the replicates, p the treated share of the two arms'
/// patients (one-sided designs: HR < 1 unless benefit is higher; two-sided: the lower bound).
void hazard_ratio_scale(const std::map<std::string, std::vector<double>>& series, const std::string& endpoint,
                        const std::string& prefix, const std::string& treatment, const std::string& control,
                        GroupSequentialRow& gs) {
  const double p = treated_share(series, endpoint, treatment, control);
  if (!(p > 0 && p < 1)) return;
  // One-sided with benefit: higher (a hazard ratio above 1 favours treatment, e.g. time to
  // response), Z = +log(HR) sqrt(d p (1 - p)).
  const double sign = gs.sided == "one" && gs.benefit == "higher" ? 1.0 : -1.0;
  const auto scale = [&](const std::vector<double>& bounds) {
    std::vector<double> out;
    for (std::size_t k = 0; k < bounds.size(); ++k) {
      const double d = finite_mean(series, prefix + "gs_look_" + std::to_string(k + 1) + "_events");
      out.push_back(d > 0 ? std::exp(sign * bounds[k] / std::sqrt(d * p * (1 - p)))
                          : std::numeric_limits<double>::quiet_NaN());
    }
    return out;
  };
  gs.hazard_ratio_boundaries = scale(gs.boundaries);
  if (!gs.futility_boundaries.empty()) gs.futility_hazard_ratio_boundaries = scale(gs.futility_boundaries);
}

/// Looks at calendar times (gs_look_times): the looks' information and bounds become the
/// means over the replicates of what each look had (gs_look_<k>_fraction, _bound; the
/// bound absent for max-statistic methods), the planned design kept beside them. Nothing
/// changes where a look was never held or the means do not increase.
void observed_looks(const io::ResultReader& results, const std::map<std::string, std::vector<double>>& series,
                    const std::string& prefix, const std::string& group, GroupSequentialRow& gs) {
  gs.look_times = numbers(results, group, "gs_look_times");
  if (gs.look_times.size() + 1 != gs.looks.size()) {
    damaged(results, "gs_look_times of /replicates/" + group + " is not one per interim look");
  }
  std::vector<double> fractions, bounds;
  for (std::size_t k = 0; k < gs.looks.size(); ++k) {
    const std::string look = prefix + "gs_look_" + std::to_string(k + 1);
    fractions.push_back(finite_mean(series, look + "_fraction"));
    bounds.push_back(finite_mean(series, look + "_bound"));
  }
  bool usable = fractions.back() == 1.0;
  for (std::size_t k = 0; k < fractions.size(); ++k) {
    usable = usable && fractions[k] > 0 && (k == 0 || fractions[k] > fractions[k - 1]);
  }
  if (!usable) return;
  gs.planned_looks = gs.looks;
  gs.looks = fractions;
  if (gs.max_statistic) return;  // their bounds are each replicate's own, not stored
  gs.planned_boundaries = gs.boundaries;
  gs.boundaries = bounds;
  // Fixed futility bounds stay, capped at the look's bound; the last meets the last bound.
  for (std::size_t k = 0; k < gs.futility_boundaries.size(); ++k) {
    const bool last = k + 1 == gs.futility_boundaries.size();
    gs.futility_boundaries[k] = last ? bounds[k] : std::min(gs.futility_boundaries[k], bounds[k]);
  }
  if (gs.sided == "one") {
    gs.nominal_p.clear();
    for (double u : gs.boundaries) gs.nominal_p.push_back(0.5 * std::erfc(u / std::sqrt(2.0)));
  }
}

/// Look by look: the mean events, patients and calendar time of the looks' data cuts (time
/// to event), the simulated cumulative crossing with its MCSE, and the analytic cumulative
/// crossing under H0 and under the simulated truth (stats::design_crossing at the drift of
/// the true effect: hazard ratios by Schoenfeld at the mean final events, mean differences
/// over the mean final SE; other measures have none).
void look_operating(const std::map<std::string, std::vector<double>>& series, const std::string& endpoint,
                    const std::string& prefix, const std::string& treatment, const std::string& control,
                    std::size_t replicates, GroupSequentialRow& gs) {
  const std::size_t looks = gs.looks.size();
  const auto look_path = [&](std::size_t k, const char* what) {
    return prefix + "gs_look_" + std::to_string(k + 1) + "_" + what;
  };
  const bool per_look = series.count(look_path(0, "events")) > 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  gs.expected_events_at_stop = gs.expected_patients_at_stop = gs.expected_time_at_stop = nan;
  if (per_look) {
    for (std::size_t k = 0; k < looks; ++k) {
      gs.look_events.push_back(finite_mean(series, look_path(k, "events")));
      gs.look_patients.push_back(finite_mean(series, look_path(k, "patients")));
      gs.look_time.push_back(finite_mean(series, look_path(k, "time")));
    }
    // At the look each replicate stopped at (gs_stop_look is 1-based; the last without a stop).
    const auto& stop = series.at(prefix + "gs_stop_look");
    const auto at_stop = [&](const char* what) {
      double total = 0.0;
      std::size_t n = 0;
      for (std::size_t r = 0; r < stop.size(); ++r) {
        if (!(stop[r] >= 1.0 && stop[r] <= static_cast<double>(looks))) continue;  // NaN too
        const auto k = static_cast<std::size_t>(stop[r]);
        const auto found = series.find(look_path(k - 1, what));
        if (found == series.end() || !std::isfinite(found->second[r])) continue;
        total += found->second[r];
        ++n;
      }
      return n == 0 ? nan : total / static_cast<double>(n);
    };
    gs.expected_events_at_stop = at_stop("events");
    gs.expected_patients_at_stop = at_stop("patients");
    gs.expected_time_at_stop = at_stop("time");
  }
  const auto cumulate = [&](const std::vector<double>& stops, std::vector<double>& rate, std::vector<double>& mcse) {
    double sum = 0.0;
    for (double s : stops) {
      sum += s;
      rate.push_back(sum);
      mcse.push_back(std::sqrt(std::max(0.0, sum * (1.0 - sum)) / static_cast<double>(replicates)));
    }
  };
  cumulate(gs.stop_probability, gs.efficacy_crossing, gs.efficacy_crossing_mcse);
  if (!gs.futility_stop_probability.empty()) {
    cumulate(gs.futility_stop_probability, gs.futility_crossing, gs.futility_crossing_mcse);
  }
  const bool two_sided = gs.sided != "one";
  const auto null = stats::design_crossing(gs.looks, gs.boundaries, gs.futility_boundaries, two_sided, 0.0);
  gs.null_efficacy_crossing = null.efficacy;
  gs.null_futility_crossing = null.futility;

  // The drift of the simulated truth.
  double effect = nan, final_se = nan;
  if (gs.measure == "hazard_ratio") {
    const auto found = series.find(prefix + "true_effect");
    double total = 0.0;
    std::size_t n = 0;
    for (std::size_t r = 0; found != series.end() && r < found->second.size(); ++r) {
      const double v = found->second[r];
      if (std::isfinite(v) && v > 0) {
        total += std::log(v);
        ++n;
      }
    }
    if (n == 0 || !per_look) return;
    gs.truth_effect = std::exp(total / static_cast<double>(n));
    effect = std::log(gs.truth_effect);
    final_se = stats::schoenfeld_se(gs.look_events.back(), treated_share(series, endpoint, treatment, control));
  } else if (gs.measure == "mean_difference") {
    gs.truth_effect = finite_mean(series, prefix + "true_effect");
    effect = gs.truth_effect;
    final_se = finite_mean(series, prefix + "se");
    if (final_se > 0 && std::isfinite(final_se)) {
      const double sign = gs.sided == "one" && gs.benefit != "higher" ? -1.0 : 1.0;
      const auto scale = [&](const std::vector<double>& bounds) {
        std::vector<double> out;
        for (std::size_t k = 0; k < bounds.size(); ++k) out.push_back(sign * bounds[k] * final_se / std::sqrt(gs.looks[k]));
        return out;
      };
      gs.difference_boundaries = scale(gs.boundaries);
      if (!gs.futility_boundaries.empty()) gs.futility_difference_boundaries = scale(gs.futility_boundaries);
    }
  } else {
    return;
  }
  gs.truth_drift = stats::truth_drift(effect, final_se, gs.benefit != "higher");
  if (!std::isfinite(gs.truth_drift)) return;
  // The looks' mean information fractions (mean events at the look over the mean final
  // events) where they are known and increasing; else the design's.
  gs.truth_fractions = gs.looks;
  if (per_look && gs.look_events.back() > 0) {
    std::vector<double> t;
    for (double d : gs.look_events) t.push_back(d / gs.look_events.back());
    bool increasing = t.front() > 0;
    for (std::size_t k = 1; k < t.size(); ++k) increasing = increasing && t[k] > t[k - 1];
    if (increasing) gs.truth_fractions = t;
  }
  const auto truth =
      stats::design_crossing(gs.truth_fractions, gs.boundaries, gs.futility_boundaries, two_sided, gs.truth_drift);
  gs.truth_efficacy_crossing = truth.efficacy;
  gs.truth_futility_crossing = truth.futility;
}

double mean_of(const std::vector<double>& x) {
  double total = 0.0;
  for (double v : x) total += v;
  return total / static_cast<double>(x.size());
}

double mcse_of_mean(const std::vector<double>& x) {
  const double m = mean_of(x);
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

/// The weights attribute of /replicates/multiplicity: m comma-separated numbers.
std::vector<double> multiplicity_weights(const io::ResultReader& results, std::size_t m) {
  const auto weights = numbers(results, "multiplicity", "weights");
  if (weights.size() != m) {
    damaged(results, "/replicates/multiplicity has " + std::to_string(weights.size()) + " weights for " +
                         std::to_string(m) + " hypotheses");
  }
  return weights;
}

bool ratio_measure(const std::string& measure) {
  return measure == "hazard_ratio" || measure == "risk_ratio" || measure == "odds_ratio";
}

/// One trial's estimate - its true effect, on the scale its operating characteristics use
/// (the log scale for ratios): that trial's error, not a bias.
double estimate_error(const EstimateRow& r) {
  return ratio_measure(r.measure) ? std::log(r.effect) - std::log(r.true_effect) : r.effect - r.true_effect;
}

}  // namespace

Summary summarize(const io::ResultReader& results, std::uint64_t replicate) {
  Summary summary;
  summary.metadata = results.metadata();
  summary.replicate = replicate;
  const auto& m = summary.metadata;
  if (replicate < m.first_replicate || replicate - m.first_replicate >= m.replicates) {
    throw UserError("replicate " + std::to_string(replicate) + " is not in '" + results.path() + "'");
  }
  // `replicate` is the study's replicate number; a job-array part starts at a later one.
  const std::uint64_t at_row = replicate - m.first_replicate;
  const auto series = results.series();
  if (series.empty()) {
    throw UserError("the result file has no analyses under /replicates (written by an older silico?)");
  }
  // The reader gives every series exactly m.replicates values, so at_row is in range.
  const auto whole = [&](const std::string& path) -> const std::vector<double>& {
    const auto found = series.find(path);
    if (found == series.end()) damaged(results, "it has no series /replicates/" + path);
    return found->second;
  };
  const auto at = [&](const std::string& path) { return whole(path)[at_row]; };
  if (series.count("model_failures")) summary.model_failures = at("model_failures");
  if (series.count("accrual_end")) summary.accrual_end = at("accrual_end");

  for (const auto& name : m.endpoint_names) {
    EndpointSummary e;
    e.name = name;
    e.type = results.series_attribute(name, "type");
    const std::string primary = results.series_attribute(name, "primary_method");
    const auto methods = split(results.series_attribute(name, "methods"), ',');
    const std::string endpoint_prefix = name + "/";
    // Series paths are endpoint/arms/<arm>/<stat>, endpoint/<method>/<treatment>/<field>
    // or endpoint/<value>; std::map keeps each group's fields in name order.
    for (const auto& arm : m.arm_names) {
      ArmSummary a{arm, {}};
      const std::string prefix = endpoint_prefix + "arms/" + arm + "/";
      for (const auto& [path, values] : series) {
        if (path.rfind(prefix, 0) == 0) a.values.emplace_back(path.substr(prefix.size()), values[at_row]);
      }
      e.arms.push_back(std::move(a));
    }
    for (const auto& [path, values] : series) {
      const std::string rest = path.rfind(endpoint_prefix, 0) == 0 ? path.substr(endpoint_prefix.size()) : "";
      if (!rest.empty() && rest.find('/') == std::string::npos) e.values.emplace_back(rest, values[at_row]);
    }
    for (const auto& method : methods) {
      for (const auto& treatment : m.arm_names) {
        const std::string prefix = endpoint_prefix + method + "/" + treatment + "/";
        if (!series.count(prefix + "effect")) continue;
        EstimateRow row;
        row.method = method;
        row.treatment = treatment;
        row.measure = results.series_attribute(name + "/" + method, "measure");
        row.estimand_population = results.series_attribute(name + "/" + method, "estimand_population");
        row.estimand_variable = results.series_attribute(name + "/" + method, "estimand_variable");
        row.estimand_intercurrent_events = results.series_attribute(name + "/" + method, "estimand_intercurrent_events");
        row.estimand_summary = results.series_attribute(name + "/" + method, "estimand_summary");
        row.primary = method == primary;
        row.effect = at(prefix + "effect");
        row.se = at(prefix + "se");
        row.ci_low = at(prefix + "ci_low");
        row.ci_high = at(prefix + "ci_high");
        row.p = at(prefix + "p");
        row.true_effect = at(prefix + "true_effect");
        for (const auto& [path, values] : series) {
          if (path.rfind(prefix, 0) != 0) continue;
          const std::string field = path.substr(prefix.size());
          if (!kEstimateFields.count(field)) row.extras.emplace_back(field, values[at_row]);
        }
        if (m.replicates > 1 && series.count(prefix + "gs_reject")) {
          GroupSequentialRow gs;
          gs.method = method;
          gs.treatment = treatment;
          const std::string group = name + "/" + method;
          gs.spending = results.series_attribute(group, "gs_spending");
          gs.looks = numbers(results, group, "gs_looks");
          gs.boundaries = numbers(results, group, "gs_boundaries");
          if (gs.looks.empty() || gs.boundaries.size() != gs.looks.size()) {
            damaged(results, "/replicates/" + group + " has " + std::to_string(gs.looks.size()) + " gs_looks and " +
                                 std::to_string(gs.boundaries.size()) + " gs_boundaries");
          }
          const auto& reject = whole(prefix + "gs_reject");
          const auto& look = whole(prefix + "gs_stop_look");
          gs.rejection_rate = mean_of(reject);
          gs.rejection_rate_mcse = mcse_of_mean(reject);
          gs.expected_information = mean_of(whole(prefix + "gs_information"));
          gs.expected_information_mcse = mcse_of_mean(whole(prefix + "gs_information"));
          const bool futility = series.count(prefix + "gs_futility") > 0;
          const std::vector<double> none(reject.size(), 0.0);
          const auto& futile = futility ? whole(prefix + "gs_futility") : none;
          for (std::size_t k = 0; k < gs.looks.size(); ++k) {
            double stops = 0.0, futile_stops = 0.0;
            for (std::size_t r = 0; r < reject.size(); ++r) {
              const bool here = look[r] == static_cast<double>(k + 1);
              stops += reject[r] == 1.0 && here ? 1.0 : 0.0;
              futile_stops += futile[r] == 1.0 && here ? 1.0 : 0.0;
            }
            gs.stop_probability.push_back(stops / static_cast<double>(reject.size()));
            if (futility) gs.futility_stop_probability.push_back(futile_stops / static_cast<double>(reject.size()));
          }
          gs.measure = row.measure;
          read_design(results, group, gs);
          gs.max_statistic = results.series_attribute(group, "gs_boundary_kind") == "max_statistic";
          if (!results.series_attribute(group, "gs_look_times").empty()) observed_looks(results, series, prefix, group, gs);
          if (row.measure == "hazard_ratio") hazard_ratio_scale(series, name, prefix, treatment, m.control_arm, gs);
          try {
            look_operating(series, name, prefix, treatment, m.control_arm, reject.size(), gs);
            if (!gs.planned_boundaries.empty()) {
              // Looks at calendar times: the stored H0 crossing is the planned design's; the
              // table shows the one of the bounds the looks had.
              gs.h0_efficacy_crossing = gs.null_efficacy_crossing;
              if (!gs.h0_futility_crossing.empty()) gs.h0_futility_crossing = gs.null_futility_crossing;
            }
          } catch (const std::invalid_argument& e) {
            // Looks not increasing in (0, 1], or a futility bound above its efficacy bound.
            damaged(results, "the group-sequential design of /replicates/" + group + " does not compute: " + e.what());
          }
          e.group_sequential.push_back(std::move(gs));
        }
        if (m.replicates > 1 && method != "km_median") {  // km_median has no SE, CI or test
          // Ratios are summarized on the log scale, where their SE and CI are symmetric.
          const bool ratio = row.measure == "hazard_ratio" || row.measure == "risk_ratio" ||
                             row.measure == "odds_ratio";
          const auto column = [&](const char* field) {
            auto values = whole(prefix + field);
            if (ratio && std::string(field) != "se" && std::string(field) != "p") {
              for (double& v : values) v = std::log(v);
            }
            return values;
          };
          if (row.measure == "test") {
            // A test without an estimand (fh, maxcombo): its effect is NaN, so the rejection
            // rate is over the replicates with a finite p, and the rest is NA.
            const auto& p = whole(prefix + "p");
            std::vector<double> rejected;
            for (const double v : p) {
              if (std::isfinite(v)) rejected.push_back(v < m.alpha ? 1.0 : 0.0);
            }
            const double nan = std::numeric_limits<double>::quiet_NaN();
            stats::OperatingCharacteristics oc{rejected.size(), nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
            if (!rejected.empty()) {
              oc.rejection_rate = mean_of(rejected);
              oc.rejection_rate_mcse = std::sqrt(oc.rejection_rate * (1.0 - oc.rejection_rate) /
                                                 static_cast<double>(rejected.size()));
            }
            e.operating.push_back({method, treatment, false, oc});
          } else {
            e.operating.push_back({method, treatment, ratio,
                                   stats::operating_characteristics(
                                       column("effect"), column("se"), column("ci_low"),
                                       column("ci_high"), column("p"), column("true_effect"), m.alpha)});
          }
        }
        e.estimates.push_back(std::move(row));
      }
    }
    summary.endpoints.push_back(std::move(e));
  }
  const std::string hypotheses = results.series_attribute("multiplicity", "hypotheses");
  if (m.replicates > 1 && !hypotheses.empty()) {
    MultiplicitySummary ms;
    ms.procedure = results.series_attribute("multiplicity", "procedure");
    ms.replicates = m.replicates;
    ms.alpha = m.alpha;
    const auto names = split(hypotheses, ',');
    const auto weights = multiplicity_weights(results, names.size());
    std::vector<std::vector<bool>> adjusted(m.replicates), unadjusted(m.replicates);
    std::vector<bool> true_null;
    for (std::size_t k = 0; k < names.size(); ++k) {
      MultiplicityHypothesisRow row;
      row.name = names[k];
      const std::string group = "multiplicity/" + row.name;
      row.endpoint = results.series_attribute(group, "endpoint");
      row.method = results.series_attribute(group, "method");
      row.arm = results.series_attribute(group, "arm");
      if (row.endpoint.empty() || row.method.empty() || row.arm.empty()) {
        damaged(results, "/replicates/" + group + " does not name its endpoint, method and arm");
      }
      row.weight = weights[k];
      const std::string prefix = row.endpoint + "/" + row.method + "/" + row.arm + "/";
      const auto& reject = whole(group + "/reject");
      const auto& p = whole(prefix + "p");
      const auto& truth = whole(prefix + "true_effect");
      // True null: every finite true effect at the null value of the measure.
      const double null_value = ratio_measure(results.series_attribute(row.endpoint + "/" + row.method, "measure"))
                                    ? 1.0 : 0.0;
      bool any_finite = false, all_null = true;
      for (double t : truth) {
        if (!std::isfinite(t)) continue;
        any_finite = true;
        all_null = all_null && std::fabs(t - null_value) <= kTrueNullTolerance;
      }
      row.true_null = any_finite && all_null;
      ms.true_nulls += row.true_null ? 1 : 0;
      true_null.push_back(row.true_null);
      for (std::size_t r = 0; r < m.replicates; ++r) {
        adjusted[r].push_back(reject[r] == 1.0);
        unadjusted[r].push_back(p[r] < m.alpha);  // NaN: false, not rejected
      }
      ms.hypotheses.push_back(std::move(row));
    }
    if (ms.hypotheses.empty()) damaged(results, "/replicates/multiplicity lists no hypothesis");
    ms.adjusted = stats::multiplicity_operating(adjusted, true_null);
    ms.unadjusted = stats::multiplicity_operating(unadjusted, true_null);
    for (std::size_t k = 0; k < ms.hypotheses.size(); ++k) {
      ms.hypotheses[k].rejection = ms.adjusted.rejection[k];
      ms.hypotheses[k].unadjusted = ms.unadjusted.rejection[k];
    }
    summary.multiplicity = std::move(ms);
  }
  return summary;
}

namespace {

std::string number(double x, int digits = 4) {
  if (!std::isfinite(x)) return "NA";
  char text[64];
  if (x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(text, sizeof(text), "%.0f", x);  // counts print in full
  } else {
    std::snprintf(text, sizeof(text), "%.*g", digits, x);
  }
  return text;
}

double value_of(const std::vector<std::pair<std::string, double>>& values, const std::string& name) {
  for (const auto& [n, v] : values) {
    if (n == name) return v;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

/// "12.6 [12.2, 12.9]"
std::string with_ci(double value, double low, double high) {
  return number(value) + " [" + number(low) + ", " + number(high) + "]";
}

/// Rows of cells in columns as wide as their widest cell (at least `widths`), each column
/// after its separator, right-aligned where `right` says; no trailing blanks.
void print_columns(std::ostringstream& out, const std::vector<std::vector<std::string>>& rows,
                   const std::vector<std::string>& separators, const std::vector<bool>& right,
                   std::vector<std::size_t> widths) {
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      line += separators[c] + (right[c] ? pad + row[c] : row[c] + pad);
    }
    out << line.substr(0, line.find_last_not_of(' ') + 1) << "\n";
  }
}

/// One line per arm, columns chosen by endpoint type.
void format_arms(std::ostringstream& out, const EndpointSummary& e, int level) {
  char line[512];
  if (e.arms.empty()) return;
  if (e.type == "time_to_event") {
    std::vector<std::string> landmarks;  // survival_at_<t>
    for (const auto& [name, v] : e.arms.front().values) {
      if (name.rfind("survival_at_", 0) == 0 && name.find("_ci_") == std::string::npos) landmarks.push_back(name);
    }
    // The CIs vary in width: each column is as wide as its widest cell.
    std::vector<std::vector<std::string>> rows = {{"arm", "n", "events", "median [" + std::to_string(level) + "% CI]"}};
    std::vector<std::string> separators = {"  ", " ", " ", "   "};
    std::vector<bool> right = {false, true, true, false};
    std::vector<std::size_t> widths = {12, 6, 8, 0};
    for (const auto& l : landmarks) {
      rows.front().push_back("S(" + l.substr(12) + ") [CI]");
      separators.push_back("   ");
      right.push_back(false);
      widths.push_back(0);
    }
    for (const auto& a : e.arms) {
      const auto& v = a.values;
      std::vector<std::string> row = {
          a.arm, number(value_of(v, "n")), number(value_of(v, "events")),
          with_ci(value_of(v, "median"), value_of(v, "median_ci_low"), value_of(v, "median_ci_high"))};
      for (const auto& l : landmarks) {
        row.push_back(with_ci(value_of(v, l), value_of(v, l + "_ci_low"), value_of(v, l + "_ci_high")));
      }
      rows.push_back(std::move(row));
    }
    print_columns(out, rows, separators, right, widths);
  } else if (e.type == "binary") {
    out << "  arm               n   responders       rate\n";
    for (const auto& a : e.arms) {
      std::snprintf(line, sizeof(line), "  %-12s %6s %12s %10s\n", a.arm.c_str(), number(value_of(a.values, "n")).c_str(),
                    number(value_of(a.values, "responders")).c_str(), number(value_of(a.values, "rate")).c_str());
      out << line;
    }
  } else {
    out << "  arm               n         mean           sd\n";
    for (const auto& a : e.arms) {
      std::snprintf(line, sizeof(line), "  %-12s %6s %12s %12s\n", a.arm.c_str(), number(value_of(a.values, "n")).c_str(),
                    number(value_of(a.values, "mean")).c_str(), number(value_of(a.values, "sd")).c_str());
      out << line;
    }
  }
}

std::string p_value(double p) {
  if (!std::isfinite(p)) return "NA";
  if (p < 1e-4) return "<1e-4";
  char text[32];
  std::snprintf(text, sizeof(text), "%.4f", p);
  return text;
}

std::string json_object(const std::vector<std::pair<std::string, double>>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i ? ", " : "") + json_string(values[i].first) + ": " + json_number(values[i].second);
  }
  return out + "}";
}

}  // namespace

namespace {

/// Per look: the mean events, patients and calendar time of its data cut (time to event),
/// and the cumulative crossing probabilities, simulated (MCSE) next to the analytic ones
/// under H0 and under the simulated truth.
std::string format_looks(const GroupSequentialRow& g, const std::string& time_unit) {
  std::ostringstream out;
  const bool futility = !g.futility_crossing.empty();
  const bool truth = !g.truth_efficacy_crossing.empty();
  const bool cuts = !g.look_events.empty();
  if (truth) {
    out << "    simulated truth: " << g.measure << " " << number(g.truth_effect)
        << (g.measure == "hazard_ratio" ? " (geometric mean over the replicates)" : " (mean over the replicates)")
        << ", drift " << number(g.truth_drift) << " (expected Z at the final look)\n";
  } else {
    out << "    no analytic crossing under the simulated truth for measure " << g.measure
        << " (hazard ratios and mean differences only)\n";
  }
  std::vector<std::vector<std::string>> rows(1);
  auto& head = rows.front();
  head = {"look"};
  if (cuts) head.insert(head.end(), {"events", "patients", "time (" + time_unit + ")"});
  head.insert(head.end(), {"cum. efficacy (MCSE)", "H0", "truth"});
  if (futility) head.insert(head.end(), {"cum. futility (MCSE)", "H0", "truth"});
  const auto with_mcse = [](double p, double se) { return number(p, 3) + " (" + number(se, 2) + ")"; };
  const auto at = [](const std::vector<double>& v, std::size_t k) {
    return k < v.size() ? number(v[k], 3) : std::string("NA");
  };
  for (std::size_t k = 0; k < g.looks.size(); ++k) {
    std::vector<std::string> row = {std::to_string(k + 1)};
    if (cuts) row.insert(row.end(), {number(g.look_events[k], 5), number(g.look_patients[k], 5), number(g.look_time[k], 4)});
    row.insert(row.end(), {with_mcse(g.efficacy_crossing[k], g.efficacy_crossing_mcse[k]), at(g.null_efficacy_crossing, k),
                           at(g.truth_efficacy_crossing, k)});
    if (futility) {
      row.insert(row.end(), {with_mcse(g.futility_crossing[k], g.futility_crossing_mcse[k]),
                             at(g.null_futility_crossing, k), at(g.truth_futility_crossing, k)});
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> separators(rows.front().size(), "  ");
  separators.front() = "    ";
  std::vector<bool> right(rows.front().size(), true);
  print_columns(out, rows, separators, right, std::vector<std::size_t>(rows.front().size(), 0));
  if (cuts) {
    out << "    at stop (mean): events " << number(g.expected_events_at_stop, 5) << ", patients "
        << number(g.expected_patients_at_stop, 5) << ", time " << number(g.expected_time_at_stop, 4) << " " << time_unit
        << "\n";
  }
  return out.str();
}

}  // namespace

/// A one-sided design: per look the efficacy bound on the Z, nominal p and (hazard ratio)
/// effect scale, the futility bound, and the simulated stop probabilities next to the
/// analytic ones under H0.
/// What the per-look numbers of a design are when they are not simply the design's: looks
/// at calendar times, bounds of a maximum of tests.
std::string design_notes(const GroupSequentialRow& g) {
  std::string out;
  const auto join = [](const std::vector<double>& values) {
    std::string text;
    for (std::size_t k = 0; k < values.size(); ++k) text += (k ? ", " : "") + number(values[k]);
    return text;
  };
  if (!g.look_times.empty()) {
    out += "    interim looks at calendar time " + join(g.look_times) + ", then the final analysis; " +
           (g.planned_looks.empty() ? std::string("the planned design below (no look was held in every way)")
                                    : "information" + std::string(g.max_statistic ? "" : " and bounds") +
                                          ": means over the replicates of what each look had (planned: information " +
                                          join(g.planned_looks) +
                                          (g.planned_boundaries.empty() ? "" : "; efficacy Z " + join(g.planned_boundaries)) +
                                          ")") +
           "\n";
  }
  if (g.max_statistic) {
    out += "    bounds: each replicate's own, from its tests' covariance at each look; shown: those of one statistic "
           "with the same spending (the maximum of correlated tests needs higher ones)\n";
  }
  return out;
}

std::string format_one_sided(const GroupSequentialRow& g, const std::string& control) {
  std::ostringstream out;
  const bool futility = !g.futility_boundaries.empty();
  // The bounds on the effect scale: hazard ratio (Schoenfeld) or mean difference.
  const bool hr = !g.hazard_ratio_boundaries.empty() || !g.difference_boundaries.empty();
  const auto& scaled = !g.hazard_ratio_boundaries.empty() ? g.hazard_ratio_boundaries : g.difference_boundaries;
  const auto& futility_scaled =
      !g.hazard_ratio_boundaries.empty() ? g.futility_hazard_ratio_boundaries : g.futility_difference_boundaries;
  const std::string bound = !g.hazard_ratio_boundaries.empty() ? "  HR bound" : "  diff bound";
  out << "  group-sequential " << g.method << " vs " << control << " for " << g.treatment << ": one-sided alpha "
      << number(g.alpha) << ", " << g.spending << " spending";
  if (futility) out << "; futility " << g.futility_spending << (g.futility_binding ? ", binding" : ", non-binding");
  out << "; benefit: " << g.benefit << "\n" << design_notes(g);
  out << "    look  information  efficacy Z  nominal p" << (hr ? bound : "") << (futility ? "  futility Z" : "")
      << (futility && hr ? bound : "") << "  P(efficacy)  H0 analytic" << (futility ? "  P(futility)  H0 analytic" : "")
      << "\n";
  double previous_upper = 0.0, previous_lower = 0.0;
  char cell[64];
  for (std::size_t k = 0; k < g.looks.size(); ++k) {
    out << "    ";
    std::snprintf(cell, sizeof(cell), "%4zu  %11s  %10s  %9s", k + 1, number(g.looks[k]).c_str(),
                  number(g.boundaries[k]).c_str(), number(g.nominal_p[k], 3).c_str());
    out << cell;
    if (hr) {
      std::snprintf(cell, sizeof(cell), "  %*s", static_cast<int>(bound.size() - 2), number(scaled[k], 4).c_str());
      out << cell;
    }
    if (futility) {
      std::snprintf(cell, sizeof(cell), "  %10s", number(g.futility_boundaries[k]).c_str());
      out << cell;
      if (hr) {
        std::snprintf(cell, sizeof(cell), "  %*s", static_cast<int>(bound.size() - 2), number(futility_scaled[k], 4).c_str());
        out << cell;
      }
    }
    // Analytic probabilities of stopping at this look (increments of the cumulative ones).
    const double upper = g.h0_efficacy_crossing[k] - previous_upper;
    previous_upper = g.h0_efficacy_crossing[k];
    std::snprintf(cell, sizeof(cell), "  %11s  %11s", number(g.stop_probability[k], 3).c_str(), number(upper, 3).c_str());
    out << cell;
    if (futility) {
      const double lower = g.h0_futility_crossing[k] - previous_lower;
      previous_lower = g.h0_futility_crossing[k];
      std::snprintf(cell, sizeof(cell), "  %11s  %11s", number(g.futility_stop_probability[k], 3).c_str(),
                    number(lower, 3).c_str());
      out << cell;
    }
    out << "\n";
  }
  out << "    overall rejection " << number(g.rejection_rate, 3) << " (MCSE " << number(g.rejection_rate_mcse, 2)
      << "; under H0 " << number(g.h0_efficacy_crossing.back(), 3) << "), expected information at stop "
      << number(g.expected_information, 4) << " (MCSE " << number(g.expected_information_mcse, 2) << ")\n";
  return out.str();
}

std::string format_text(const Summary& s) {
  std::ostringstream out;
  const auto& m = s.metadata;
  const int level = static_cast<int>(std::lround(100.0 * (1.0 - m.alpha)));
  out << "trial " << m.trial_name << ": " << m.patients << " patients, replicate " << s.replicate
      << " of " << m.study_replicates << " (0-based)";
  if (m.replicates != m.study_replicates) {
    out << " [this file: replicates " << m.first_replicate << "-" << m.first_replicate + m.replicates - 1 << "]";
  }
  out << ", seed " << m.seed << ", screening acceptance "
      << number(100.0 * m.acceptance_rate, 3) << "%\n";
  if (s.accrual_end) out << "last patient entered at " << number(*s.accrual_end) << " " << m.time_unit << "\n";
  if (s.model_failures > 0) {
    out << "warning: the model failed for " << number(s.model_failures)
        << " patient(s) of this replicate; they are left out of every estimate and true effect\n";
  }
  char line[512];
  for (const auto& e : s.endpoints) {
    out << "\nendpoint " << e.name << " (" << e.type
        << (e.type == "time_to_event" ? ", " + m.time_unit : std::string()) << ")\n";
    for (const auto& [name, value] : e.values) out << "  " << name << ": " << number(value) << "\n";
    format_arms(out, e, level);
    out << "  estimates vs " << m.control_arm << " (" << level << "% CI), next to the true effect of the same patients:\n";
    // The method column fits the longest label (16 characters at least, so that the
    // columns of the usual methods stay where they were).
    int width = 16;
    for (const auto& r : e.estimates) width = std::max(width, static_cast<int>(r.method.size() + (r.primary ? 2 : 0)));
    for (const auto& o : e.operating) width = std::max(width, static_cast<int>(o.method.size() + (o.log_scale ? 6 : 0)));
    std::snprintf(line, sizeof(line), "    %-*s %-12s %-18s %10s %22s %8s %10s %10s\n", width, "method", "treatment",
                  "measure", "effect", "CI", "p", "true", "error");
    out << line;
    for (const auto& r : e.estimates) {
      const std::string method = r.method + (r.primary ? " *" : "");
      const std::string ci = "[" + number(r.ci_low) + ", " + number(r.ci_high) + "]";
      std::snprintf(line, sizeof(line), "    %-*s %-12s %-18s %10s %22s %8s %10s %10s\n", width, method.c_str(),
                    r.treatment.c_str(), r.measure.c_str(), number(r.effect).c_str(), ci.c_str(),
                    p_value(r.p).c_str(), number(r.true_effect).c_str(), number(estimate_error(r), 3).c_str());
      out << line;
    }
    out << "    (* primary analysis; error: this trial's estimate - its true effect, on the log scale for ratios: "
           "one trial's sampling error, not a bias, which is measured over replicates)\n";
    // What each method estimates (ICH E9(R1)); the true effect is that estimand's value for
    // the same patients. Population, variable and intercurrent events once, if shared.
    {
      std::vector<std::string> seen;
      std::string shared_population, shared_events;
      bool same = true;
      for (const auto& r : e.estimates) {
        if (r.estimand_summary.empty()) continue;
        if (shared_population.empty()) {
          shared_population = r.estimand_population;
          shared_events = r.estimand_intercurrent_events;
        }
        same = same && r.estimand_population == shared_population && r.estimand_intercurrent_events == shared_events;
      }
      if (!shared_population.empty()) {
        out << "  estimands (arm versus " << m.control_arm << "; the true effect is the estimand's value for the same "
            << "patients):\n";
        if (same) {
          out << "    population: " << shared_population << "; variable: " << e.estimates.front().estimand_variable
              << "; intercurrent events: " << shared_events << "\n";
        }
        for (const auto& r : e.estimates) {
          if (r.estimand_summary.empty() ||
              std::find(seen.begin(), seen.end(), r.method) != seen.end()) {
            continue;
          }
          seen.push_back(r.method);
          out << "    " << r.method << ": " << r.estimand_summary;
          if (!same) out << "; population: " << r.estimand_population << "; intercurrent events: "
                         << r.estimand_intercurrent_events;
          out << "\n";
        }
      }
    }
    for (const auto& r : e.estimates) {
      if (r.extras.empty()) continue;
      out << "    " << r.method << "/" << r.treatment << ":";
      for (const auto& [name, value] : r.extras) {
        // p-values print as p-values (a tiny one is "<1e-4", not 0).
        const bool is_p = name.size() >= 2 && (name.compare(name.size() - 2, 2, "_p") == 0 || name.rfind("p_", 0) == 0);
        out << " " << name << " " << (is_p ? p_value(value) : number(value));
      }
      out << "\n";
    }
    if (!e.operating.empty()) {
      out << "  operating characteristics over " << m.replicates
          << " replicates (Monte Carlo SE in brackets):\n";
      std::snprintf(line, sizeof(line), "    %-*s %-12s %16s %18s %16s %16s %9s %16s\n", width, "method", "treatment",
                    "reject p<alpha", "mean bias", "empirical SE", "model SE", "RMSE", "CI coverage");
      out << line;
      for (const auto& o : e.operating) {
        const auto& c = o.oc;
        const std::string method = o.method + (o.log_scale ? " (log)" : "");
        const auto pair = [](double v, double se) { return number(v, 3) + " (" + number(se, 2) + ")"; };
        std::snprintf(line, sizeof(line), "    %-*s %-12s %16s %18s %16s %16s %9s %16s\n", width, method.c_str(),
                      o.treatment.c_str(), pair(c.rejection_rate, c.rejection_rate_mcse).c_str(),
                      pair(c.mean_bias, c.mean_bias_mcse).c_str(),
                      pair(c.empirical_se, c.empirical_se_mcse).c_str(),
                      pair(c.model_se, c.model_se_mcse).c_str(), number(c.rmse, 3).c_str(),
                      pair(c.coverage, c.coverage_mcse).c_str());
        out << line;
      }
    }
    for (const auto& g : e.group_sequential) {
      if (g.sided == "one") {
        out << format_one_sided(g, m.control_arm) << format_looks(g, m.time_unit);
        continue;
      }
      out << "  group-sequential " << g.method << " vs " << m.control_arm << " for " << g.treatment << " ("
          << g.spending << " spending):\n" << design_notes(g) << "    look  information  |Z| boundary  P(stop)\n";
      for (std::size_t k = 0; k < g.looks.size(); ++k) {
        std::snprintf(line, sizeof(line), "    %4zu  %11s  %12s  %7s\n", k + 1, number(g.looks[k]).c_str(),
                      number(g.boundaries[k]).c_str(), number(g.stop_probability[k], 3).c_str());
        out << line;
      }
      out << "    overall rejection " << number(g.rejection_rate, 3) << " (MCSE " << number(g.rejection_rate_mcse, 2)
          << "), expected information at stop " << number(g.expected_information, 4) << " (MCSE "
          << number(g.expected_information_mcse, 2) << ")\n";
      out << format_looks(g, m.time_unit);
    }
  }
  if (s.multiplicity) {
    const auto& mu = *s.multiplicity;
    const auto rate = [](const stats::RateWithMcse& x) { return number(x.rate, 3) + " (" + number(x.mcse, 2) + ")"; };
    out << "\nmultiplicity: " << mu.procedure << " over " << mu.hypotheses.size()
        << " hypotheses at familywise alpha " << number(m.alpha) << " (two-sided), " << mu.replicates
        << " replicates (Monte Carlo SE in brackets):\n";
    std::vector<std::vector<std::string>> rows = {
        {"hypothesis", "weight", "true null", "rejected", "unadjusted p<alpha"}};
    for (const auto& h : mu.hypotheses) {
      rows.push_back({h.name, number(h.weight), h.true_null ? "yes" : "no", rate(h.rejection), rate(h.unadjusted)});
    }
    print_columns(out, rows, {"    ", "  ", "  ", "  ", "  "}, {false, true, false, true, true}, {0, 0, 0, 0, 0});
    out << "  any rejected   " << rate(mu.adjusted.any) << "   unadjusted " << rate(mu.unadjusted.any) << "\n";
    out << "  all rejected   " << rate(mu.adjusted.all) << "   unadjusted " << rate(mu.unadjusted.all) << "\n";
    if (mu.true_nulls == 0) {
      out << "  FWER: no true null hypothesis (no familywise error can be made)\n";
    } else {
      out << "  FWER           " << rate(mu.adjusted.fwer) << "   unadjusted " << rate(mu.unadjusted.fwer)
          << "   (over the " << mu.true_nulls << " true null hypotheses)\n";
    }
    out << "  (true null: every replicate's true effect within " << number(kTrueNullTolerance)
        << " of 0, or of 1 for a ratio; a NaN p is not rejected)\n";
  }
  return out.str();
}

std::string format_json(const Summary& s) {
  const auto& m = s.metadata;
  std::ostringstream out;
  out << "{\n  \"trial\": " << json_string(m.trial_name) << ",\n  \"seed\": " << m.seed
      << ",\n  \"patients\": " << m.patients << ",\n  \"replicates\": " << m.replicates
      << ",\n  \"replicate\": " << s.replicate << ",\n  \"alpha\": " << json_number(m.alpha)
      << ",\n  \"control_arm\": " << json_string(m.control_arm)
      << ",\n  \"acceptance_rate\": " << json_number(m.acceptance_rate)
      << ",\n  \"model_failures\": " << json_number(s.model_failures);
  if (s.accrual_end) out << ",\n  \"accrual_end\": " << json_number(*s.accrual_end);
  out << ",\n  \"endpoints\": {";
  for (std::size_t k = 0; k < s.endpoints.size(); ++k) {
    const auto& e = s.endpoints[k];
    out << (k ? "," : "") << "\n    " << json_string(e.name) << ": {\n      \"type\": " << json_string(e.type);
    for (const auto& [name, value] : e.values) out << ",\n      " << json_string(name) << ": " << json_number(value);
    out << ",\n      \"arms\": {";
    for (std::size_t a = 0; a < e.arms.size(); ++a) {
      out << (a ? "," : "") << "\n        " << json_string(e.arms[a].arm) << ": " << json_object(e.arms[a].values);
    }
    out << "\n      },\n      \"estimates\": [";
    for (std::size_t i = 0; i < e.estimates.size(); ++i) {
      const auto& r = e.estimates[i];
      out << (i ? "," : "") << "\n        {\"method\": " << json_string(r.method)
          << ", \"treatment\": " << json_string(r.treatment) << ", \"measure\": " << json_string(r.measure)
          << ", \"primary\": " << (r.primary ? "true" : "false") << ", \"effect\": " << json_number(r.effect)
          << ", \"se\": " << json_number(r.se) << ", \"ci\": [" << json_number(r.ci_low) << ", "
          << json_number(r.ci_high) << "], \"p\": " << json_number(r.p)
          << ", \"true_effect\": " << json_number(r.true_effect)
          << ", \"error\": " << json_number(estimate_error(r))
          << ", \"error_scale\": " << json_string(ratio_measure(r.measure) ? "log" : "identity")
          << ", \"estimand\": {\"population\": " << json_string(r.estimand_population)
          << ", \"variable\": " << json_string(r.estimand_variable)
          << ", \"treatment\": " << json_string(r.treatment + " versus " + m.control_arm)
          << ", \"intercurrent_events\": " << json_string(r.estimand_intercurrent_events)
          << ", \"summary\": " << json_string(r.estimand_summary) << "}"
          << ", \"extras\": " << json_object(r.extras) << "}";
    }
    out << "\n      ]";
    if (!e.operating.empty()) {
      out << ",\n      \"operating_characteristics\": [";
      for (std::size_t i = 0; i < e.operating.size(); ++i) {
        const auto& o = e.operating[i];
        const auto& c = o.oc;
        out << (i ? "," : "") << "\n        {\"method\": " << json_string(o.method)
            << ", \"treatment\": " << json_string(o.treatment) << ", \"scale\": "
            << json_string(o.log_scale ? "log" : "identity") << ", \"replicates\": " << c.replicates
            << ", \"rejection_rate\": " << json_number(c.rejection_rate)
            << ", \"rejection_rate_mcse\": " << json_number(c.rejection_rate_mcse)
            << ", \"mean_bias\": " << json_number(c.mean_bias)
            << ", \"mean_bias_mcse\": " << json_number(c.mean_bias_mcse)
            << ", \"empirical_se\": " << json_number(c.empirical_se)
            << ", \"empirical_se_mcse\": " << json_number(c.empirical_se_mcse)
            << ", \"model_se\": " << json_number(c.model_se)
            << ", \"model_se_mcse\": " << json_number(c.model_se_mcse) << ", \"rmse\": " << json_number(c.rmse)
            << ", \"coverage\": " << json_number(c.coverage)
            << ", \"coverage_mcse\": " << json_number(c.coverage_mcse) << "}";
      }
      out << "\n      ]";
    }
    if (!e.group_sequential.empty()) {
      const auto list = [](const std::vector<double>& v) {
        std::string text = "[";
        for (std::size_t i = 0; i < v.size(); ++i) text += (i ? ", " : "") + json_number(v[i]);
        return text + "]";
      };
      out << ",\n      \"group_sequential\": [";
      for (std::size_t i = 0; i < e.group_sequential.size(); ++i) {
        const auto& g = e.group_sequential[i];
        out << (i ? "," : "") << "\n        {\"method\": " << json_string(g.method)
            << ", \"treatment\": " << json_string(g.treatment) << ", \"spending\": " << json_string(g.spending)
            << ", \"looks\": " << list(g.looks) << ", \"boundaries\": " << list(g.boundaries)
            << ", \"rejection_rate\": " << json_number(g.rejection_rate)
            << ", \"rejection_rate_mcse\": " << json_number(g.rejection_rate_mcse)
            << ", \"expected_information\": " << json_number(g.expected_information)
            << ", \"expected_information_mcse\": " << json_number(g.expected_information_mcse)
            << ", \"stop_probability\": " << list(g.stop_probability) << ", \"sided\": " << json_string(g.sided)
            << ", \"max_statistic\": " << (g.max_statistic ? "true" : "false");
        if (!g.look_times.empty()) {
          out << ", \"look_times\": " << list(g.look_times) << ", \"planned_looks\": " << list(g.planned_looks)
              << ", \"planned_boundaries\": " << list(g.planned_boundaries);
        }
        if (g.sided == "one") {
          out << ", \"alpha\": " << json_number(g.alpha) << ", \"benefit\": " << json_string(g.benefit)
              << ", \"nominal_p\": " << list(g.nominal_p)
              << ", \"h0_efficacy_crossing\": " << list(g.h0_efficacy_crossing);
          if (!g.hazard_ratio_boundaries.empty()) out << ", \"hazard_ratio_boundaries\": " << list(g.hazard_ratio_boundaries);
        }
        out << ", \"measure\": " << json_string(g.measure)
            << ", \"efficacy_crossing\": " << list(g.efficacy_crossing)
            << ", \"efficacy_crossing_mcse\": " << list(g.efficacy_crossing_mcse)
            << ", \"null_efficacy_crossing\": " << list(g.null_efficacy_crossing);
        if (!g.look_events.empty()) {
          out << ", \"look_events\": " << list(g.look_events) << ", \"look_patients\": " << list(g.look_patients)
              << ", \"look_time\": " << list(g.look_time)
              << ", \"expected_events_at_stop\": " << json_number(g.expected_events_at_stop)
              << ", \"expected_patients_at_stop\": " << json_number(g.expected_patients_at_stop)
              << ", \"expected_time_at_stop\": " << json_number(g.expected_time_at_stop);
        }
        if (!g.difference_boundaries.empty()) out << ", \"difference_boundaries\": " << list(g.difference_boundaries);
        if (!g.futility_difference_boundaries.empty()) {
          out << ", \"futility_difference_boundaries\": " << list(g.futility_difference_boundaries);
        }
        if (!g.truth_efficacy_crossing.empty()) {
          out << ", \"truth_effect\": " << json_number(g.truth_effect) << ", \"truth_drift\": " << json_number(g.truth_drift)
              << ", \"truth_information_fractions\": " << list(g.truth_fractions)
              << ", \"truth_efficacy_crossing\": " << list(g.truth_efficacy_crossing);
          if (!g.truth_futility_crossing.empty()) {
            out << ", \"truth_futility_crossing\": " << list(g.truth_futility_crossing);
          }
        }
        if (!g.futility_boundaries.empty()) {
          out << ", \"futility_spending\": " << json_string(g.futility_spending)
              << ", \"futility_binding\": " << (g.futility_binding ? "true" : "false")
              << ", \"futility_boundaries\": " << list(g.futility_boundaries)
              << ", \"h0_futility_crossing\": " << list(g.h0_futility_crossing)
              << ", \"futility_stop_probability\": " << list(g.futility_stop_probability);
          if (!g.futility_hazard_ratio_boundaries.empty()) {
            out << ", \"futility_hazard_ratio_boundaries\": " << list(g.futility_hazard_ratio_boundaries);
          }
          out << ", \"futility_crossing\": " << list(g.futility_crossing)
              << ", \"futility_crossing_mcse\": " << list(g.futility_crossing_mcse)
              << ", \"null_futility_crossing\": " << list(g.null_futility_crossing);
        }
        out << "}";
      }
      out << "\n      ]";
    }
    out << "\n    }";
  }
  out << "\n  }";
  if (s.multiplicity) {
    const auto& mu = *s.multiplicity;
    const auto rate = [](const std::string& key, const stats::RateWithMcse& x) {
      return json_string(key) + ": " + json_number(x.rate) + ", " + json_string(key + "_mcse") + ": " +
             json_number(x.mcse);
    };
    out << ",\n  \"multiplicity\": {\n    \"procedure\": " << json_string(mu.procedure)
        << ",\n    \"alpha\": " << json_number(m.alpha) << ",\n    \"replicates\": " << mu.replicates
        << ",\n    \"true_null_tolerance\": " << json_number(kTrueNullTolerance)
        << ",\n    \"true_nulls\": " << mu.true_nulls << ",\n    \"hypotheses\": [";
    for (std::size_t k = 0; k < mu.hypotheses.size(); ++k) {
      const auto& h = mu.hypotheses[k];
      out << (k ? "," : "") << "\n      {\"name\": " << json_string(h.name) << ", \"endpoint\": " << json_string(h.endpoint)
          << ", \"method\": " << json_string(h.method) << ", \"arm\": " << json_string(h.arm)
          << ", \"weight\": " << json_number(h.weight) << ", \"true_null\": " << (h.true_null ? "true" : "false")
          << ", " << rate("rejection_rate", h.rejection) << ", " << rate("unadjusted_rejection_rate", h.unadjusted)
          << "}";
    }
    out << "\n    ],\n    " << rate("any_rejection_rate", mu.adjusted.any) << ",\n    "
        << rate("all_rejection_rate", mu.adjusted.all) << ",\n    " << rate("fwer", mu.adjusted.fwer) << ",\n    "
        << rate("unadjusted_any_rejection_rate", mu.unadjusted.any) << ",\n    "
        << rate("unadjusted_all_rejection_rate", mu.unadjusted.all) << ",\n    "
        << rate("unadjusted_fwer", mu.unadjusted.fwer) << "\n  }";
  }
  out << "\n}\n";
  return out.str();
}

}  // namespace silico::cli
