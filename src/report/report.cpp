/// @file
/// @brief The HTML validation report: sections, tables and charts from ReportInputs.

#include "report/report.hpp"

#include <algorithm>
#include <limits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/sha256.hpp"
#include "models/model.hpp"
#include "report/html.hpp"
#include "report/operating_sections.hpp"
#include "report/svg.hpp"
#include "sim/data_cut.hpp"
#include "stats/agreement.hpp"
#include "stats/estimates.hpp"
#include "stats/survival.hpp"

namespace silico::report {

std::string model_risk(const std::string& influence, const std::string& consequence) {
  const auto rank = [](const std::string& level) { return level == "low" ? 0 : level == "medium" ? 1 : 2; };
  if (influence.empty() || consequence.empty()) return "";
  const int score = rank(influence) + rank(consequence);
  return score <= 1 ? "low" : score == 2 ? "medium" : "high";
}


namespace {

constexpr double kNaNValue = std::numeric_limits<double>::quiet_NaN();

using html::esc;
using html::num;

/// "37.3 s" under a minute, else "1 h 02 min 05 s (3725 s)".
std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 59.95) return num(seconds, 3) + " s";
  const long long whole = std::llround(seconds);
  const long long hours = whole / 3600, minutes = whole / 60 % 60, rest = whole % 60;
  char text[96];
  if (hours > 0) {
    std::snprintf(text, sizeof(text), "%lld h %02lld min %02lld s (%lld s)", hours, minutes, rest, whole);
  } else {
    std::snprintf(text, sizeof(text), "%lld min %02lld s (%lld s)", minutes, rest, whole);
  }
  return text;
}

/// The series at `path`, or an empty vector.
const std::vector<double>& series_at(const ReportInputs& in, const std::string& path) {
  static const std::vector<double> none;
  const auto found = in.series.find(path);
  return found == in.series.end() ? none : found->second;
}

double first_of(const ReportInputs& in, const std::string& path) {
  const auto& s = series_at(in, path);
  return s.empty() ? kNaNValue : s.front();
}

/// Method groups ("os/cox") with an estimate per treatment arm: every (group, arm) that has
/// an `effect` series, in the order of the series' paths.
struct EstimateKey {
  std::string endpoint, method, arm;
  std::string prefix() const { return endpoint + "/" + method + "/" + arm; }
};

/// Position of `name` in `order`, or order.size() when it is not there (after all listed).
std::size_t rank_in(const std::vector<std::string>& order, const std::string& name) {
  return static_cast<std::size_t>(std::find(order.begin(), order.end(), name) - order.begin());
}

/// The spec's order of endpoints, methods and arms (ReportInputs::endpoint_order).
struct SpecOrder {
  explicit SpecOrder(const ReportInputs& in) : in_(in) {
    endpoints_ = in.endpoint_order;
    if (endpoints_.empty()) {
      for (const auto& e : in.endpoints) endpoints_.push_back(e.name);
    }
  }
  std::size_t endpoint(const std::string& name) const { return rank_in(endpoints_, name); }
  std::size_t method(const std::string& endpoint, const std::string& method) const {
    const auto found = in_.method_order.find(endpoint);
    return found == in_.method_order.end() ? 0 : rank_in(found->second, method);
  }
  std::size_t arm(const std::string& name) const { return rank_in(in_.arms, name); }
  /// (endpoint, method, arm) ranks, then the names: a strict order for sorting.
  bool before(const std::string& e1, const std::string& m1, const std::string& a1, const std::string& e2,
              const std::string& m2, const std::string& a2) const {
    const auto key = [&](const std::string& e, const std::string& m, const std::string& a) {
      return std::make_tuple(endpoint(e), e, method(e, m), m, arm(a), a);
    };
    return key(e1, m1, a1) < key(e2, m2, a2);
  }

 private:
  const ReportInputs& in_;
  std::vector<std::string> endpoints_;
};

/// Every (group, arm) that has an `effect` series, in the spec's order: endpoints as the
/// spec lists them, the primary method first, arms in the spec's order.
std::vector<EstimateKey> estimates(const ReportInputs& in) {
  std::vector<EstimateKey> out;
  for (const auto& [path, values] : in.series) {
    const std::string suffix = "/effect";
    if (path.size() <= suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string head = path.substr(0, path.size() - suffix.size());
    const auto a = head.find('/');
    const auto b = head.find('/', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    out.push_back({head.substr(0, a), head.substr(a + 1, b - a - 1), head.substr(b + 1)});
  }
  const SpecOrder order(in);
  std::stable_sort(out.begin(), out.end(), [&](const EstimateKey& x, const EstimateKey& y) {
    return order.before(x.endpoint, x.method, x.arm, y.endpoint, y.method, y.arm);
  });
  return out;
}

bool is_ratio(const std::string& measure) { return measure.find("ratio") != std::string::npos; }

/// A percentage to the unit, or to a tenth below 10 % ("31 %", "4.5 %").
std::string percent(double fraction) {
  const double p = 100.0 * fraction;
  char text[48];
  std::snprintf(text, sizeof(text), "%.*f %%", p < 9.95 ? 1 : 0, p);
  return text;
}

/// The between-patient variability of an omega, as a sentence: the variances of the
/// log-normal random effects and the coefficients of variation they give,
/// CV = sqrt(exp(omega^2) - 1).
std::string variability(const spec::StoredSpec::Omega& omega) {
  std::string names, variances, cvs;
  for (std::size_t i = 0; i < omega.variables.size(); ++i) {
    const std::string sep = i == 0 ? "" : ", ";
    names += sep + "<code>" + esc(omega.variables[i]) + "</code>";
    variances += sep + num(omega.variances[i]);
    cvs += sep + percent(std::sqrt(std::expm1(omega.variances[i])));
  }
  return "Between-patient variability (<code>" + esc(omega.parameter) + "</code>): log-normal random effects on " +
         names + " with variances " + variances + " on the log scale, so coefficients of variation " + cvs +
         " (CV = &radic;(exp(&omega;&sup2;) &minus; 1)); the model's other population parameters have no random "
         "effect.";
}

/// The steps of `km` as a chart arm, with log-log 95 % bands. A large trial has tens of
/// thousands of event times, far more steps than a chart has pixels: a step is drawn when
/// the curve has fallen by 1/1000 or moved on by 1/1000 of the time axis since the last
/// one drawn (and the last step always). The patients of the steps not drawn are passed
/// on with the censorings (arm.censor_times, which must hold the censored times), so that
/// the numbers at risk, counted from both, stay exact.
void add_km_steps(const stats::KaplanMeier& km, KmArm& arm) {
  const double time_step = (km.time.empty() ? 0.0 : km.max_time) / 1000.0;
  double drawn_time = 0.0, drawn_survival = 1.0;
  for (std::size_t j = 0; j < km.time.size(); ++j) {
    const bool last = j + 1 == km.time.size();
    if (!last && drawn_survival - km.survival[j] < 1e-3 && km.time[j] - drawn_time < time_step) {
      arm.censor_times.insert(arm.censor_times.end(), static_cast<std::size_t>(km.events[j]), km.time[j]);
      continue;
    }
    const auto point = stats::survival_at(km, km.time[j], 0.05);
    arm.time.push_back(km.time[j]);
    arm.survival.push_back(km.survival[j]);
    arm.at_risk.push_back(km.at_risk[j]);
    arm.lower.push_back(point.ci_low);
    arm.upper.push_back(point.ci_high);
    drawn_time = km.time[j];
    drawn_survival = km.survival[j];
  }
  std::sort(arm.censor_times.begin(), arm.censor_times.end());
}

class Document {
 public:
  explicit Document(const ReportInputs& in) : in_(in) {}

  std::string render() {
    head();
    section_context();
    section_design();
    section_model();
    section_code_verification();
    section_calculation_verification();
    section_validation();
    section_uncertainty();
    section_results();
    section_appendix();
    out_ << "</main>\n</body>\n</html>\n";
    return out_.str();
  }

 private:
  void head() {
    out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<title>Validation report: " << esc(in_.trial_name) << "</title>\n<style>\n"
         << "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10.5pt;color:#111;margin:0 auto;max-width:58em;"
            "padding:1.5em;line-height:1.4}\n"
         << "h1{font-size:18pt;margin-bottom:.2em}h2{font-size:13.5pt;border-bottom:1px solid #888;margin-top:1.6em}"
            "h3{font-size:11.5pt}\n"
         << "table{border-collapse:collapse;margin:.6em 0;font-size:9.5pt}th,td{border:1px solid #bbb;padding:.2em "
            ".45em;text-align:left;vertical-align:top}th{background:#eee}td.n{text-align:right;font-variant-numeric:"
            "tabular-nums}\n"
         << "pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;font-size:8.5pt;white-space:pre-wrap}\n"
         << ".pass{color:#05662b;font-weight:bold}.fail{color:#a00;font-weight:bold}.note{color:#444;font-style:"
            "italic}\n"
         << "figure{margin:.8em 0;break-inside:avoid}svg{max-width:100%;height:auto}\n"
         << "@media print{body{max-width:none;padding:0}h2{break-after:avoid}table,figure{break-inside:avoid}}\n"
         << "@page{size:A4;margin:16mm}\n</style>\n</head>\n<body>\n<main>\n";
    out_ << "<h1>In-silico trial validation report: " << esc(in_.trial_name) << "</h1>\n"
         << "<p>Result file <code>" << esc(in_.result_file) << "</code>, written by silico " << esc(in_.silico_version)
         << " (commit <code>" << esc(in_.git_commit) << "</code>) on " << esc(in_.created_utc)
         << ". Sections follow the credibility framework of ASME V&amp;V 40 (2018) and the FDA guidance "
            "<i>Assessing the Credibility of Computational Modeling and Simulation in Medical Device "
            "Submissions</i> (2023).</p>\n";
  }

  void section_context() {
    const auto& r = in_.spec.report;
    out_ << "<h2>1. Question of interest, context of use and model risk</h2>\n";
    const auto text = [&](const char* label, const std::string& value) {
      out_ << "<h3>" << label << "</h3>\n";
      if (value.empty()) {
        out_ << "<p class=\"note\">Not stated: the spec has no <code>report</code> text for it.</p>\n";
      } else {
        out_ << "<p>" << esc(value) << "</p>\n";
      }
    };
    text("Question of interest", r.question_of_interest);
    text("Context of use", r.context_of_use);
    out_ << "<h3>Model risk</h3>\n";
    const std::string risk = model_risk(r.model_influence, r.decision_consequence);
    if (risk.empty()) {
      out_ << "<p class=\"note\">Not assessed: the spec's <code>report</code> section gives no "
              "<code>model_influence</code> and <code>decision_consequence</code>.</p>\n";
    } else {
      out_ << "<table><tr><th>model influence</th><th>decision consequence</th><th>model risk</th></tr><tr><td>"
           << esc(r.model_influence) << "</td><td>" << esc(r.decision_consequence) << "</td><td><b>" << risk
           << "</b></td></tr></table>\n<p class=\"note\">Risk is read from the two factors as in the V&amp;V 40 "
              "risk map: the sum of their ranks (low 0, medium 1, high 2) is low for 0&ndash;1, medium for 2, high "
              "for 3&ndash;4.</p>\n";
    }
  }

  void section_design() {
    out_ << "<h2>2. Trial design</h2>\n<table>\n";
    const auto row = [&](const std::string& k, const std::string& v) {
      out_ << "<tr><th>" << esc(k) << "</th><td>" << v << "</td></tr>\n";
    };
    row("trial", esc(in_.trial_name));
    std::string arms;
    for (const auto& a : in_.arms) arms += (arms.empty() ? "" : ", ") + esc(a) + (a == in_.control_arm ? " (control)" : "");
    row("arms", arms);
    row("patients per replicate", std::to_string(in_.patients));
    row("replicate trials in this file", std::to_string(in_.replicates) +
                                             (in_.first_replicate ? " (from study replicate " +
                                                                        std::to_string(in_.first_replicate) + ")"
                                                                  : ""));
    row("seed", std::to_string(in_.seed));
    row("follow-up", num(in_.follow_up) + " " + esc(in_.time_unit) +
                         (in_.spec.accrual.empty() ? "" : " at most, from each patient's entry"));
    if (!in_.spec.accrual.empty()) {
      std::string text = "<code>" + esc(in_.spec.accrual) + "</code>";
      const auto last = in_.series.find("accrual_end");
      if (last != in_.series.end()) text += "; the last patient entered at " + realised(last->second);
      row("accrual", text);
    } else {
      row("accrual", "none: every patient enters at time 0");
    }
    if (!in_.spec.dropout.empty()) {
      row("dropout (hazard per " + in_.time_unit.substr(0, in_.time_unit.size() - 1) + ", from entry)",
          "<code>" + esc(in_.spec.dropout) + "</code>; censors the observed outcomes, not the potential ones");
    }
    row("screening acceptance rate", num(100.0 * in_.acceptance_rate, 3) + " % of candidates met the criteria");
    row("two-sided level", num(in_.alpha));
    data_cut_rows(row);
    out_ << "</table>\n";
    if (!in_.spec.arms.empty()) {
      out_ << "<table><tr><th>arm</th><th>as the spec defines it (allocation ratio, regimen)</th></tr>\n";
      for (const auto& [name, text] : in_.spec.arms) {
        out_ << "<tr><td>" << esc(name) << "</td><td><code>" << esc(text.empty() ? "(defaults)" : text)
             << "</code></td></tr>\n";
      }
      out_ << "</table>\n";
    }
    out_ << "<p>The analysis plan is that of the spec, reproduced in full in the appendix. The cohort definition, "
            "with its inclusion and exclusion criteria:</p>\n"
         << "<pre>" << esc(in_.cohort_yaml.empty() ? "(defined inline in the spec)" : in_.cohort_yaml) << "</pre>\n";
  }

  /// "M unit (median; range a to b)" of the finite values, or "never" when none is.
  std::string realised(const std::vector<double>& values, bool with_unit = true) const {
    std::vector<double> finite;
    for (double v : values) {
      if (std::isfinite(v)) finite.push_back(v);
    }
    if (finite.empty()) return "never";
    std::sort(finite.begin(), finite.end());
    const std::size_t n = finite.size();
    const double median = n % 2 ? finite[n / 2] : 0.5 * (finite[n / 2 - 1] + finite[n / 2]);
    const std::string unit = with_unit ? " " + esc(in_.time_unit) : "";
    return num(median, 4) + unit + " (median; range " + num(finite.front(), 4) + " to " + num(finite.back(), 4) + ")";
  }

  /// Each data cut as realised: its rule, in how many replicates it was reached, when, on
  /// how many events and patients; and each interim look of a time-to-event endpoint.
  template <class Row>
  void data_cut_rows(const Row& row) {
    const auto ends_with = [](const std::string& path, const std::string& suffix) {
      return path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    const auto series = [&](const std::string& path) {
      const auto found = in_.series.find(path);
      return found == in_.series.end() ? std::vector<double>{} : found->second;
    };
    const std::string suffix = "/data_cut_time";
    bool any_cut = false;
    const SpecOrder order(in_);
    std::vector<std::string> cut_paths;
    for (const auto& [path, values] : in_.series) {
      if (ends_with(path, suffix)) cut_paths.push_back(path);
    }
    std::stable_sort(cut_paths.begin(), cut_paths.end(), [&](const std::string& x, const std::string& y) {
      return order.before(x.substr(0, x.size() - suffix.size()), "", "", y.substr(0, y.size() - suffix.size()), "", "");
    });
    for (const auto& path : cut_paths) {
      const auto& values = in_.series.at(path);
      const std::string endpoint = path.substr(0, path.size() - suffix.size());
      const auto rule = in_.spec.data_cuts.find(endpoint);
      std::size_t reached = 0;
      for (double v : values) reached += std::isfinite(v);
      std::string text = rule == in_.spec.data_cuts.end() ? "" : "<code>" + esc(rule->second) + "</code>; ";
      text += "reached in " + std::to_string(reached) + " of " + std::to_string(values.size()) + " replicates";
      if (reached > 0) {
        text += ", at " + realised(values) + (in_.spec.accrual.empty() ? "" : " after the trial opened");
        const auto events = series(endpoint + "/data_cut_events"), patients = series(endpoint + "/data_cut_patients");
        if (!events.empty()) text += "; events " + realised(events, false);
        if (!patients.empty()) text += "; patients entered " + realised(patients, false);
      }
      row("data cut, " + endpoint, text);
      any_cut = true;
    }
    if (any_cut) {
      row("what an estimate at a data cut targets",
          "the effect among the patients who had entered by the cut, with the follow-up the cut leaves each of "
          "them. Its true effect is of the same patients: for a hazard ratio, the Cox hazard ratio of their "
          "potential outcomes under both arms, censored at the cut as the observed outcomes are (under "
          "non-proportional hazards it depends on that follow-up); for RMST and median differences, their "
          "potential outcomes up to the analyses' horizon, the longest follow-up at the cut.");
    }
    // Interim looks: <endpoint>/<method>/<arm>/gs_look_<k>_time.
    const std::string look_marker = "/gs_look_";
    struct Look {
      std::string endpoint, method, arm, path;
      std::size_t at = 0;
      long k = 0;
    };
    std::vector<Look> looks;
    for (const auto& [path, values] : in_.series) {
      const auto at = path.rfind(look_marker);
      if (at == std::string::npos || !ends_with(path, "_time")) continue;
      Look look{"", "", "", path, at, std::strtol(path.c_str() + at + look_marker.size(), nullptr, 10)};
      const std::string group = path.substr(0, at);
      const auto a = group.find('/'), b = group.find('/', a == std::string::npos ? a : a + 1);
      look.endpoint = group.substr(0, a);
      if (a != std::string::npos) look.method = group.substr(a + 1, b == std::string::npos ? b : b - a - 1);
      if (b != std::string::npos) look.arm = group.substr(b + 1);
      looks.push_back(std::move(look));
    }
    std::stable_sort(looks.begin(), looks.end(), [&](const Look& x, const Look& y) {
      if (x.endpoint != y.endpoint || x.method != y.method || x.arm != y.arm) {
        return order.before(x.endpoint, x.method, x.arm, y.endpoint, y.method, y.arm);
      }
      return x.k < y.k;  // look 2 before look 10
    });
    for (const auto& look : looks) {
      const std::string& path = look.path;
      const auto at = look.at;
      const auto& values = in_.series.at(path);
      const std::string base = path.substr(0, path.size() - 5);
      const std::string k = base.substr(at + look_marker.size());
      std::string text = "at " + realised(values) + "; events " + realised(series(base + "_events"), false) +
                         "; patients entered " + realised(series(base + "_patients"), false);
      row("look " + k + ", " + path.substr(0, at), text);
    }
  }

  void section_model() {
    out_ << "<h2>3. Model description</h2>\n";
    // The equations come from this build's model registry: a file written by a build with
    // other models says so rather than showing another model's equations.
    if (const models::ModelFactory* model = models::find_model(in_.spec.model_name)) {
      out_ << "<p>Model <code>" << esc(model->name) << "</code>: " << esc(model->description)
           << ". Its equations, one named equation a line, in the spec's parameter names (x: the patient's "
              "covariates; a: an arm; A: the assigned arm; U, V: uniform and z, Z: standard normal draws of the "
              "patient):</p>\n<pre class=\"equations\">"
           << esc(model->equations) << "</pre>\n";
    } else {
      out_ << "<p>Model <code>" << esc(in_.spec.model_name)
           << "</code> is not a model of this build of silico, so its equations are not stated here.</p>\n";
    }
    out_ << "<p>The full description of the model (its outputs, random streams, solvers and the checks made when "
            "it is built) is in <code>docs/models.md</code> of silico "
         << esc(in_.silico_version)
         << ". Parameters as given in the spec, with the source the spec cites for each (<code>model.sources</code>)"
            ":</p>\n<table><tr><th>parameter</th><th>value</th><th>source</th></tr>\n";
    std::size_t cited = 0;
    for (const auto& [name, value] : in_.spec.model_parameters) {
      // A source is given per parameter (the first part of a dotted path).
      const auto found = in_.spec.model_sources.find(name.substr(0, name.find('.')));
      const bool has = found != in_.spec.model_sources.end();
      cited += has;
      // A matrix (omega) is block YAML, one row a line: keep its lines in the cell.
      std::string shown = esc(value);
      for (std::size_t at = 0; (at = shown.find('\n', at)) != std::string::npos;) shown.replace(at, 1, "<br>");
      out_ << "<tr><td><code>" << esc(name) << "</code></td><td>" << shown << "</td><td>"
           << (has ? esc(found->second) : "<span class=\"note\">not given</span>") << "</td></tr>\n";
    }
    out_ << "</table>\n";
    for (const auto& omega : in_.spec.omegas) out_ << "<p>" << variability(omega) << "</p>\n";
    if (cited < in_.spec.model_parameters.size()) {
      out_ << "<p class=\"note\">" << in_.spec.model_parameters.size() - cited << " of "
           << in_.spec.model_parameters.size()
           << " parameter values cite no source in the spec; a reviewer will ask where they come from.</p>\n";
    }
  }

  void section_code_verification() {
    out_ << "<h2>4. Code verification</h2>\n";
    if (!in_.verification_given) {
      out_ << "<p class=\"note\">No verification results were given. Run <code>silico verify -o VERIFY.json</code> "
              "on the machine that ran the trial and pass <code>--verify VERIFY.json</code>.</p>\n";
      return;
    }
    std::size_t failed = 0;
    for (const auto& c : in_.verification) failed += !c.passed;
    out_ << "<p>" << in_.verification.size() << " cases of <code>silico verify</code>: "
         << (failed == 0 ? "<span class=\"pass\">all passed</span>"
                         : "<span class=\"fail\">" + std::to_string(failed) + " failed</span>")
         << ".</p>\n<table><tr><th>case</th><th>what is checked</th><th>expected (source)</th><th>observed</th>"
            "<th>bound</th><th></th></tr>\n";
    for (const auto& c : in_.verification) {
      std::string bound;
      switch (c.comparison) {
        case Comparison::kAbsolute: bound = "&plusmn; " + num(c.tolerance, 3); break;
        case Comparison::kRelative: bound = "&plusmn; " + num(c.tolerance, 3) + " relative"; break;
        case Comparison::kAtMost: bound = "&le; " + num(c.tolerance, 3); break;
        case Comparison::kAtLeast: bound = "&ge; " + num(c.tolerance, 3); break;
      }
      out_ << "<tr><td><code>" << esc(c.id) << "</code></td><td>" << esc(c.check) << "</td><td>" << num(c.expected, 6)
           << " (" << esc(c.source) << ")</td><td class=\"n\">" << num(c.observed, 6) << "</td><td>" << bound
           << "</td><td>" << (c.passed ? "<span class=\"pass\">pass</span>" : "<span class=\"fail\">FAIL</span>")
           << "</td></tr>\n";
    }
    out_ << "</table>\n";
    verification_coverage();
  }

  /// What this run used (its model, explicit solver, methods and group-sequential
  /// boundaries), each with the verification cases that check it, or said to have none.
  void verification_coverage() {
    std::vector<std::pair<std::string, std::string>> used;  // (token, as shown)
    const auto use = [&](const std::string& token, const std::string& shown) {
      for (const auto& u : used) {
        if (u.first == token) return;
      }
      used.emplace_back(token, shown);
    };
    use("model:" + in_.spec.model_name, "model <code>" + esc(in_.spec.model_name) + "</code>");
    for (const auto& [key, value] : in_.spec.model_parameters) {
      if (key == "solver" && value != "closed_form") use("solver:" + value, "ODE solver <code>" + esc(value) + "</code>");
      // The PK cases check the concentrations only: a PD part (pd: emax or an indirect
      // response) is a model of its own, which no case verifies yet.
      if (key == "pd" && value != "none") use("pd:" + value, "PD model <code>pd: " + esc(value) + "</code>");
    }
    const SpecOrder order(in_);
    std::vector<std::string> endpoints;
    for (const auto& [group, measure] : in_.measures) {
      const std::string endpoint = group.substr(0, group.find('/'));
      if (std::find(endpoints.begin(), endpoints.end(), endpoint) == endpoints.end()) endpoints.push_back(endpoint);
    }
    for (const auto& [endpoint, methods] : in_.method_order) {
      if (std::find(endpoints.begin(), endpoints.end(), endpoint) == endpoints.end()) endpoints.push_back(endpoint);
    }
    std::stable_sort(endpoints.begin(), endpoints.end(), [&](const std::string& x, const std::string& y) {
      return order.before(x, "", "", y, "", "");
    });
    for (const auto& endpoint : endpoints) {
      std::vector<std::string> methods;
      if (const auto found = in_.method_order.find(endpoint); found != in_.method_order.end()) methods = found->second;
      for (const auto& [group, measure] : in_.measures) {
        if (group.compare(0, endpoint.size() + 1, endpoint + "/") != 0) continue;
        const std::string method = group.substr(endpoint.size() + 1);
        if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
      }
      for (const auto& m : methods) use("method:" + m, "method <code>" + esc(m) + "</code>");
    }
    for (const auto& [path, values] : in_.series) {
      if (path.find("/gs_look_") != std::string::npos) {
        use("group_sequential", "group-sequential efficacy boundaries");
        break;
      }
    }
    std::vector<std::string> missing;
    out_ << "<h3>What this run used, and its cases</h3>\n<table><tr><th>used by this run</th><th>cases that "
            "verify it</th></tr>\n";
    for (const auto& [token, shown] : used) {
      std::string ids;
      for (const auto& c : in_.verification) {
        const auto covers = case_covers(c.id);
        if (std::find(covers.begin(), covers.end(), token) != covers.end()) {
          ids += (ids.empty() ? "" : ", ") + std::string("<code>") + esc(c.id) + "</code>";
        }
      }
      if (ids.empty()) missing.push_back(shown);
      out_ << "<tr><td>" << shown << "</td><td>" << (ids.empty() ? "<span class=\"fail\">none</span>" : ids)
           << "</td></tr>\n";
    }
    out_ << "</table>\n";
    if (missing.empty()) {
      out_ << "<p>Every model, solver and method this run used has at least one verification case.</p>\n";
    } else {
      std::string list;
      for (std::size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
      out_ << "<p class=\"note\">Not covered by a verification case: " << list
           << ". The code verification above does not extend to " << (missing.size() == 1 ? "it" : "them")
           << ".</p>\n";
    }
  }

  void section_calculation_verification() {
    out_ << "<h2>5. Calculation verification</h2>\n";
    if (!in_.calculation) {
      out_ << "<p class=\"note\">Not computed: " << esc(in_.calculation_error) << "</p>\n";
      return;
    }
    const auto& c = *in_.calculation;
    if (!c.applicable) {
      out_ << "<p>Not applicable: " << esc(c.reason) << ", so there is no discretisation error to estimate.</p>\n";
      return;
    }
    out_ << "<p>The primary endpoint <code>" << esc(c.endpoint) << "</code> of the first " << c.patients
         << " patients, recomputed under every arm with the ODE tolerances divided by 10 (rtol " << num(c.rtol)
         << " &rarr; " << num(c.rtol / 10) << ", atol " << num(c.atol) << " &rarr; " << num(c.atol / 10)
         << "), changes by:</p>\n<table><tr><th>largest relative change</th><th>mean relative change</th></tr><tr>"
            "<td class=\"n\">"
         << num(c.max_relative_change, 3) << "</td><td class=\"n\">" << num(c.mean_relative_change, 3)
         << "</td></tr></table>\n<p>These are estimates of the numerical error of the run's outcomes; they are to "
            "be compared with the effect sizes of section 8.</p>\n";
  }

  void section_validation() {
    out_ << "<h2>6. Validation</h2>\n";
    const auto& targets = in_.spec.validation;
    if (targets.empty()) {
      out_ << "<p>No validation data was given: the spec's <code>validation</code> section names no reference data "
              "(published arm medians, response rates, Kaplan&ndash;Meier points, mean outcomes, or a file of "
              "observed outcomes) to compare the simulated trial with. The results below are therefore not "
              "validated against observations.</p>\n";
      return;
    }
    std::size_t met = 0;
    std::ostringstream summary_rows, file_rows, file_sources, figures;
    std::size_t summaries = 0, files = 0;
    for (std::size_t k = 0; k < targets.size(); ++k) {
      const auto& t = targets[k];
      if (t.from_file()) {
        ++files;
        met += file_target(k, t, file_rows, file_sources, figures);
        continue;
      }
      ++summaries;
      stats::RunningMoments simulated;
      for (double v : series_at(in_, t.endpoint + "/arms/" + t.arm + "/" + t.quantity)) {
        if (std::isfinite(v)) simulated.add(v);
      }
      const auto d = simulated.result();
      const double difference = d.mean - t.observed;
      const bool pass = std::fabs(difference) <= t.tolerance;
      met += pass;
      summary_rows << "<tr><td>" << esc(t.endpoint) << "</td><td>" << esc(t.arm) << "</td><td>" << esc(t.quantity)
                   << "</td><td class=\"n\">" << num(t.observed) << "</td><td>" << esc(t.source)
                   << "</td><td class=\"n\">" << num(d.mean)
                   << (d.n > 1 ? " &plusmn; " + num(d.sd / std::sqrt(static_cast<double>(d.n)), 2) : "")
                   << "</td><td class=\"n\">" << replicate_count(d.n)
                   << "</td><td class=\"n\">" << num(difference, 3) << "</td><td class=\"n\">" << num(t.tolerance, 3)
                   << "</td><td>" << verdict(pass) << "</td></tr>\n";
    }
    out_ << "<p>Simulated against observed data named in the spec, each with the pass/fail rule the spec states. "
         << met << " of " << targets.size() << " targets "
         << (met == targets.size() ? "<span class=\"pass\">pass</span>" : "<span class=\"fail\">do not all pass</span>")
         << ".</p>\n";
    if (summaries > 0) {
      out_ << "<h3>Summary values</h3>\n<p>Agreement metric: the difference between the simulated value (the mean "
              "over the replicates where it is defined, &plusmn; its Monte Carlo standard error; the replicates column says how many) and the observed one. Rule: a target "
              "passes when |simulated &minus; observed| &le; its tolerance.</p>\n<table><tr><th>endpoint</th>"
              "<th>arm</th><th>quantity</th><th>observed</th><th>source</th><th>simulated</th><th>replicates</th>"
              "<th>difference</th><th>tolerance</th><th></th></tr>\n"
           << summary_rows.str() << "</table>\n";
    }
    if (files > 0) {
      out_ << "<h3>Observed outcomes of patients</h3>\n<p>Each file of observed outcomes is compared with the "
              "simulated patients of the same arm in replicate "
           << in_.first_replicate << shown_patients()
           << ". Agreement metric: the Kolmogorov distance D, the largest vertical gap between the two "
              "distribution functions (for time-to-event data, between the Kaplan&ndash;Meier curves over the "
              "follow-up both cover; for a binary outcome, the difference of the rates). Rule: a target passes "
              "when D &le; its tolerance. For scale, D<sub>95</sub> is the distance two samples of these sizes from "
              "one distribution exceed in 5 % of cases (1.358&radic;((n+m)/(nm)), Smirnov); under censoring it is "
              "only a guide.</p>\n<table><tr><th>endpoint</th><th>arm</th><th>observed</th>"
              "<th>observed summary</th><th>simulated summary</th><th>D</th><th>D<sub>95</sub></th>"
              "<th>tolerance</th><th></th></tr>\n"
           << file_rows.str() << "</table>\n";
      if (!file_sources.str().empty()) out_ << "<p>Sources of the observed outcomes:</p>\n<ul>\n" << file_sources.str() << "</ul>\n";
      out_ << figures.str();
    }
  }

  static std::string verdict(bool pass) {
    return pass ? "<span class=\"pass\">pass</span>" : "<span class=\"fail\">FAIL</span>";
  }

  /// Outcomes of the reported replicate's patients in `arm`.
  stats::SurvivalData arm_outcomes(const EndpointColumn& e, const std::string& arm) const {
    stats::SurvivalData data;
    const auto found = std::find(in_.arms.begin(), in_.arms.end(), arm);
    if (found == in_.arms.end()) return data;
    const auto a = static_cast<std::int32_t>(found - in_.arms.begin());
    for (std::size_t i = 0; i < e.value.size() && i < in_.arm_of_patient.size(); ++i) {
      if (in_.arm_of_patient[i] != a || !std::isfinite(e.value[i])) continue;
      data.time.push_back(e.value[i]);
      if (!e.event.empty()) data.event.push_back(e.event[i]);
    }
    return data;
  }

  /// One row of the observed-outcomes table (and its chart); true when the target passes.
  bool file_target(std::size_t k, const spec::ValidationTarget& t, std::ostringstream& rows,
                   std::ostringstream& sources, std::ostringstream& figures) {
    const auto& observed = *t.observed_outcomes;
    const auto endpoint = std::find_if(in_.endpoints.begin(), in_.endpoints.end(),
                                       [&](const EndpointColumn& e) { return e.name == t.endpoint; });
    rows << "<tr><td>" << esc(t.endpoint) << "</td><td>" << esc(t.arm) << "</td><td><code>" << esc(observed.file)
         << "</code>, " << observed.value.size() << " patients</td>";
    if (!t.source.empty()) sources << "<li><b>" << esc(t.endpoint) << ", " << esc(t.arm) << "</b>: " << esc(t.source) << "</li>\n";
    if (endpoint == in_.endpoints.end() || observed.value.empty()) {
      rows << "<td colspan=\"5\">the result file holds no observed outcomes for this target (validation/target_" << k
           << ")</td><td>" << verdict(false) << "</td></tr>\n";
      return false;
    }
    const stats::SurvivalData simulated = arm_outcomes(*endpoint, t.arm);
    const bool time_to_event = endpoint->type == "time_to_event";
    const double n = static_cast<double>(observed.value.size());
    const double m = static_cast<double>(simulated.time.size());
    double distance = kNaNValue;
    std::string observed_summary, simulated_summary;
    if (time_to_event) {
      stats::SurvivalData obs{observed.value, observed.event};
      const auto obs_km = stats::kaplan_meier(obs);
      const auto sim_km = stats::kaplan_meier(simulated);
      const double horizon = std::min(obs_km.max_time, sim_km.max_time);
      distance = simulated.time.empty() ? kNaNValue : stats::km_distance(sim_km, obs_km, horizon);
      const auto median_text = [&](const stats::KaplanMeier& km) {
        const auto med = stats::median_with_ci(km, 0.05);
        const auto opt = [](const std::optional<double>& x) { return x ? num(*x, 3) : std::string("NR"); };
        return "median " + opt(med.median) + " (" + opt(med.ci_low) + ", " + opt(med.ci_high) + ")";
      };
      observed_summary = std::to_string(obs_km.total_events) + " events; " + median_text(obs_km);
      simulated_summary = std::to_string(sim_km.total_events) + " events of " + std::to_string(sim_km.n) + "; " +
                          median_text(sim_km);
      km_overlay(t, obs_km, obs, sim_km, simulated, horizon, figures);
    } else {
      distance = stats::ecdf_distance(simulated.time, observed.value);
      stats::RunningMoments o, s;
      for (double v : observed.value) o.add(v);
      for (double v : simulated.time) s.add(v);
      const bool binary = endpoint->type == "binary";
      const auto describe = [&](const stats::RunningMoments& r) {
        const auto d = r.result();
        return binary ? "rate " + num(d.mean, 3) : "mean " + num(d.mean, 3) + ", SD " + num(d.sd, 3);
      };
      observed_summary = describe(o);
      simulated_summary = describe(s) + " (" + std::to_string(simulated.time.size()) + " patients)";
      if (!binary) ecdf_overlay(t, observed.value, simulated.time, figures);
    }
    const bool pass = std::isfinite(distance) && distance <= t.tolerance;
    rows << "<td>" << observed_summary << "</td><td>" << simulated_summary << "</td><td class=\"n\">"
         << num(distance, 3) << "</td><td class=\"n\">" << num(stats::kolmogorov_critical_95(n, m), 3)
         << "</td><td class=\"n\">" << num(t.tolerance, 3) << "</td><td>" << verdict(pass) << "</td></tr>\n";
    return pass;
  }

  /// The observed Kaplan-Meier curve (with its band) over the simulated arm's.
  void km_overlay(const spec::ValidationTarget& t, const stats::KaplanMeier& obs_km, const stats::SurvivalData& obs,
                  const stats::KaplanMeier& sim_km, const stats::SurvivalData& sim, double horizon,
                  std::ostringstream& figures) const {
    KmChart chart;
    chart.title = t.endpoint + ", arm " + t.arm + ": simulated against observed";
    chart.x_title = "time (" + in_.time_unit + ")";
    chart.y_title = "survival probability";
    chart.height = 400;
    const auto arm_of = [](const std::string& name, const stats::KaplanMeier& km, const stats::SurvivalData& d) {
      KmArm arm;
      arm.name = name;
      for (std::size_t i = 0; i < d.time.size(); ++i) {
        if (!d.event[i]) arm.censor_times.push_back(d.time[i]);
      }
      add_km_steps(km, arm);
      return arm;
    };
    chart.arms.push_back(arm_of("simulated " + t.arm, sim_km, sim));
    chart.arms.push_back(arm_of("observed", obs_km, obs));
    chart.x_lines.push_back({horizon, "compared up to here"});
    figures << "<figure>" << km_chart(chart) << "<figcaption>Kaplan&ndash;Meier curves of the observed patients ("
            << esc(t.observed_outcomes->file) << ") and of the simulated arm, with pointwise 95 % bands (log-log). "
            << "The distance D is the largest vertical gap up to the reference line.</figcaption></figure>\n";
  }

  /// Empirical distribution functions of a continuous outcome, observed and simulated.
  void ecdf_overlay(const spec::ValidationTarget& t, std::vector<double> observed, std::vector<double> simulated,
                    std::ostringstream& figures) const {
    LineChart chart;
    chart.title = t.endpoint + ", arm " + t.arm + ": simulated against observed";
    chart.x_title = t.endpoint;
    chart.y_title = "cumulative proportion";
    chart.step = true;
    chart.y_include = {0.0, 1.0};
    const auto series = [](const std::string& name, std::vector<double> v) {
      std::sort(v.begin(), v.end());
      Series s;
      s.name = name;
      // At most about 1000 steps: a chart has no more pixels.
      const std::size_t stride = std::max<std::size_t>(1, v.size() / 1000);
      for (std::size_t i = 0; i < v.size(); i += stride) {
        s.x.push_back(v[i]);
        s.y.push_back(static_cast<double>(i + 1) / static_cast<double>(v.size()));
      }
      if (!v.empty() && s.x.back() != v.back()) {
        s.x.push_back(v.back());
        s.y.push_back(1.0);
      }
      return s;
    };
    chart.series.push_back(series("simulated " + t.arm, std::move(simulated)));
    chart.series.push_back(series("observed", std::move(observed)));
    figures << "<figure>" << line_chart(chart) << "<figcaption>Empirical distribution functions of the observed "
            << "patients (" << esc(t.observed_outcomes->file) << ") and of the simulated arm. The distance D is "
            << "the largest vertical gap.</figcaption></figure>\n";
  }

  /// "n", or "n of R" when undefined values left replicates out of a mean.
  std::string replicate_count(std::size_t n) const {
    const std::string counted = std::to_string(n);
    return n == in_.replicates ? counted : counted + " of " + std::to_string(in_.replicates);
  }

  void section_uncertainty() {
    out_ << "<h2>7. Uncertainty quantification</h2>\n";
    const auto keys = estimates(in_);
    if (in_.replicates < 2) {
      out_ << "<p>One replicate trial: the Monte Carlo distribution of the estimates is not available. Run the "
              "spec with <code>trial.replicates</code> &gt; 1 for the replicate distribution, Monte Carlo error and "
              "confidence-interval coverage.</p>\n";
    } else {
      out_ << "<p>Over " << in_.replicates
           << " replicate trials: mean estimate, its Monte Carlo standard error (SD/&radic;R), the bias against "
              "each replicate's true effect (mean of estimate &minus; truth; ratios on the log scale, marked "
              "(log), as <code>silico summarize</code> gives them), and the coverage of the confidence intervals (the share of replicates "
              "whose interval holds the true effect), with its Monte Carlo standard error. "
           << "A replicate whose estimate is undefined (e.g. a median or landmark its data cut did not "
              "reach) is left out of that row, and the row says on how many replicates it rests.</p>\n"
           << "<table><tr><th>estimate</th><th>measure</th><th>replicates</th><th>mean</th><th>SD</th><th>MC "
              "SE</th><th>mean true effect</th><th>bias</th><th>CI coverage</th></tr>\n";
      for (const auto& k : keys) {
        if (is_test(k)) {
          test_row(k);
          continue;
        }
        const auto& effect = series_at(in_, k.prefix() + "/effect");
        const auto& truth = series_at(in_, k.prefix() + "/true_effect");
        const auto& low = series_at(in_, k.prefix() + "/ci_low");
        const auto& high = series_at(in_, k.prefix() + "/ci_high");
        // Ratios on the log scale, as summarize's operating characteristics (the CI, on
        // the ratio scale, covers the truth on either scale alike).
        const bool log_scale = is_ratio(measure(k));
        const auto scaled = [&](double v) { return log_scale ? std::log(v) : v; };
        stats::RunningMoments est, tru, bias;
        std::size_t covered = 0, judged = 0;
        for (std::size_t r = 0; r < effect.size(); ++r) {
          if (!std::isfinite(scaled(effect[r]))) continue;
          est.add(scaled(effect[r]));
          if (r < truth.size() && std::isfinite(scaled(truth[r]))) {
            tru.add(scaled(truth[r]));
            bias.add(scaled(effect[r]) - scaled(truth[r]));
            if (r < low.size() && r < high.size() && std::isfinite(low[r]) && std::isfinite(high[r])) {
              ++judged;
              covered += low[r] <= truth[r] && truth[r] <= high[r];
            }
          }
        }
        const auto e = est.result();
        const double coverage = judged ? static_cast<double>(covered) / static_cast<double>(judged) : kNaNValue;
        out_ << "<tr><td>" << esc(k.prefix()) << "</td><td>" << esc(measure(k)) << (log_scale ? " (log)" : "")
             << "</td><td class=\"n\">" << replicate_count(e.n) << "</td><td class=\"n\">" << num(e.mean) << "</td><td class=\"n\">" << num(e.sd) << "</td><td class=\"n\">"
             << num(e.sd / std::sqrt(static_cast<double>(e.n)), 3) << "</td><td class=\"n\">" << num(tru.result().mean)
             << "</td><td class=\"n\">" << num(bias.result().mean, 3) << "</td><td class=\"n\">"
             << (judged ? num(100 * coverage, 3) + " % &plusmn; " +
                              num(100 * std::sqrt(coverage * (1 - coverage) / static_cast<double>(judged)), 2)
                        : "&ndash;")
             << "</td></tr>\n";
      }
      out_ << "</table>\n";
      for (const auto& k : keys) {
        Histogram h;
        h.title = "Replicate distribution: " + k.prefix();
        h.x_title = measure(k);
        h.y_title = "replicates";
        h.values = series_at(in_, k.prefix() + "/effect");
        if (is_test(k)) {
          // A test has no estimate: the distribution of its statistic.
          const std::string statistic = test_statistic(k);
          if (statistic.empty()) continue;
          h.x_title = statistic;
          h.values = series_at(in_, k.prefix() + "/" + statistic);
        }
        h.name = k.prefix();
        const auto& truth = series_at(in_, k.prefix() + "/true_effect");
        stats::RunningMoments tru;
        for (double t : truth) {
          if (std::isfinite(t)) tru.add(t);
        }
        if (tru.count() > 0) h.x_lines.push_back({tru.result().mean, "mean true effect"});
        out_ << "<figure>" << histogram(h) << "</figure>\n";
      }
    }
    out_ << intercurrent_event_section(in_);
    sensitivity();
  }

  /// One-at-a-time sensitivity of the primary estimate: table and tornado chart.
  void sensitivity() {
    out_ << "<h3>Sensitivity of the primary estimate to the model parameters</h3>\n";
    if (!in_.sensitivity || in_.sensitivity->estimate.empty()) {
      out_ << "<p class=\"note\">Not computed: "
           << esc(in_.sensitivity ? "the primary method gives no estimate" : in_.sensitivity_error) << "</p>\n";
      return;
    }
    const auto& s = *in_.sensitivity;
    const bool any_note = std::any_of(s.rows.begin(), s.rows.end(), [](const SensitivityRow& r) { return !r.note.empty(); });
    out_ << "<p>Each numeric model parameter in turn at &minus;" << num(100 * s.change, 3) << " % and +"
         << num(100 * s.change, 3) << " %, all others as in the spec, on the first " << s.patients
         << " patients of replicate 0 with the run's seed (the same patients in every variant). Primary estimate <code>"
         << esc(s.estimate) << "</code>: " << num(s.baseline) << " with the spec's values.</p>\n"
         << "<table><tr><th>parameter</th><th>value</th><th>estimate at &minus;" << num(100 * s.change, 3)
         << " %</th><th>estimate at +" << num(100 * s.change, 3) << " %</th>"
         << (any_note ? "<th>note</th>" : "") << "</tr>\n";
    TornadoChart chart;
    chart.title = "Sensitivity of " + s.estimate + " (±" + num(100 * s.change, 3) + " % per parameter)";
    chart.x_title = s.estimate;
    chart.baseline = s.baseline;
    chart.low_name = "parameter −" + num(100 * s.change, 3) + " %";
    chart.high_name = "parameter +" + num(100 * s.change, 3) + " %";
    for (const auto& r : s.rows) {
      out_ << "<tr><td><code>" << esc(r.parameter) << "</code></td><td class=\"n\">" << num(r.value)
           << "</td><td class=\"n\">" << num(r.low) << "</td><td class=\"n\">" << num(r.high) << "</td>"
           << (any_note ? "<td>" + esc(r.note) + "</td>" : std::string()) << "</tr>\n";
      chart.rows.push_back({r.parameter, r.low, r.high});
    }
    out_ << "</table>\n<figure>" << tornado_chart(chart) << "</figure>\n";
  }

  std::string measure(const EstimateKey& k) const {
    const auto found = in_.measures.find(k.endpoint + "/" + k.method);
    return found == in_.measures.end() ? "" : found->second;
  }

  /// A test without an estimand (measure "test": fh, maxcombo): effect, SE, CI and true
  /// effect are NaN; it has a p and a statistic.
  bool is_test(const EstimateKey& k) const { return measure(k) == "test"; }

  /// The series of a test's statistic: `statistic` (maxcombo) or `z` (fh); "" if neither.
  std::string test_statistic(const EstimateKey& k) const {
    for (const char* name : {"statistic", "z"}) {
      if (in_.series.count(k.prefix() + "/" + name)) return name;
    }
    return "";
  }

  /// A row of the replicate table for a test: its statistic's distribution and the share
  /// of replicates with p < alpha (over those with a finite p), instead of an estimate.
  void test_row(const EstimateKey& k) {
    const std::string statistic = test_statistic(k);
    stats::RunningMoments z;
    for (double v : series_at(in_, k.prefix() + "/" + statistic)) {
      if (std::isfinite(v)) z.add(v);
    }
    std::size_t tested = 0, rejected = 0;
    for (double p : series_at(in_, k.prefix() + "/p")) {
      if (!std::isfinite(p)) continue;
      ++tested;
      rejected += p < in_.alpha;
    }
    const auto d = z.result();
    const double rate = tested ? static_cast<double>(rejected) / static_cast<double>(tested) : kNaNValue;
    out_ << "<tr><td>" << esc(k.prefix()) << "</td><td>test" << (statistic.empty() ? "" : " (" + esc(statistic) + ")")
         << "</td><td class=\"n\">" << replicate_count(d.n) << "</td><td class=\"n\">" << num(d.mean)
         << "</td><td class=\"n\">" << num(d.sd) << "</td><td class=\"n\">"
         << num(d.sd / std::sqrt(static_cast<double>(d.n)), 3) << "</td><td colspan=\"3\">no estimand: p &lt; "
         << num(in_.alpha) << " in "
         << (tested ? num(100 * rate, 3) + " % &plusmn; " +
                          num(100 * std::sqrt(rate * (1 - rate) / static_cast<double>(tested)), 2) + " of " +
                          std::to_string(tested) + " replicates"
                    : std::string("no replicate"))
         << "</td></tr>\n";
  }

  /// " (its first M of N patients)" when the per-patient sections read only the first
  /// patients of the replicate (silico report --max-patients), else "".
  std::string shown_patients() const {
    const auto shown = static_cast<std::uint64_t>(in_.arm_of_patient.size());
    if (shown >= in_.patients) return "";
    return " (its first " + std::to_string(shown) + " of " + std::to_string(in_.patients) + " patients)";
  }

  void section_results() {
    out_ << "<h2>8. Results</h2>\n";
    if (!shown_patients().empty()) {
      out_ << "<p>The baseline table and the Kaplan&ndash;Meier curves describe replicate " << in_.first_replicate
           << shown_patients()
           << ": patients are generated independently, so the first ones are a random sample of the replicate. "
              "The estimates and forest plots are those of the run's analysis of every patient.</p>\n";
    }
    baseline_table();
    for (const auto& e : in_.endpoints) {
      if (e.type == "time_to_event") km_figure(e);
    }
    for (const auto& t : in_.trajectories) spaghetti(t);
    estimand_table();
    forest();
    if (in_.power_curve) power();
    out_ << group_sequential_section(in_) << multiplicity_section(in_);
    balance();
  }

  /// What each analysis estimates (ICH E9(R1)), the estimand whose true value for the
  /// same patients every estimate is compared with.
  void estimand_table() {
    if (in_.estimands.empty()) return;
    out_ << "<h3>Estimands</h3>\n<p>Each estimate below is compared with the true value of its own estimand for "
            "the same patients, computed from their potential outcomes under every arm. The treatment condition "
            "is each arm against "
         << esc(in_.control_arm) << ".</p>\n<table><tr><th>analysis</th><th>population-level summary</th>"
            "<th>population</th><th>variable</th><th>intercurrent events</th></tr>\n";
    const auto field = [](const std::map<std::string, std::string>& e, const char* key) {
      const auto found = e.find(key);
      return found == e.end() ? std::string() : found->second;
    };
    // The groups in the spec's order: endpoints as listed, the primary method first.
    std::vector<std::pair<std::string, std::string>> groups;
    for (const auto& [group, attributes] : in_.estimands) {
      const auto slash = group.find('/');
      groups.emplace_back(group.substr(0, slash), group.substr(slash + 1));
    }
    const SpecOrder order(in_);
    std::stable_sort(groups.begin(), groups.end(), [&](const auto& x, const auto& y) {
      return order.before(x.first, x.second, "", y.first, y.second, "");
    });
    for (const auto& [endpoint, method] : groups) {
      {
        const auto found = in_.estimands.find(endpoint + "/" + method);
        out_ << "<tr><td>" << esc(endpoint + "/" + method) << "</td><td>" << esc(field(found->second, "summary"))
             << "</td><td>" << esc(field(found->second, "population")) << "</td><td>"
             << esc(field(found->second, "variable")) << "</td><td>"
             << esc(field(found->second, "intercurrent_events")) << "</td></tr>\n";
      }
    }
    out_ << "</table>\n";
  }

  /// Power against trial size from a design search, one curve per method and treatment.
  void power() {
    const auto& pc = *in_.power_curve;
    LineChart chart;
    chart.title = "Power by trial size, endpoint " + pc.endpoint + " (" + std::to_string(pc.replicates) +
                  " replicate trials per size)";
    const bool by_events = pc.over == "events";
    chart.x_title = by_events ? "events at the data cut" : "patients";
    chart.y_title = "power";
    chart.x_log = true;  // sizes span decades; equal ratios of size are equal distances
    chart.y_include = {0.0, 1.0};
    chart.y_lines.push_back({pc.target_power, "target " + num(pc.target_power, 3)});
    std::map<std::string, std::size_t> index;
    for (const auto& p : pc.points) {
      const std::string name = p.method + " / " + p.treatment;
      if (!index.count(name)) {
        index[name] = chart.series.size();
        Series s;
        s.name = name;
        s.markers = true;
        chart.series.push_back(std::move(s));
      }
      Series& s = chart.series[index[name]];
      s.x.push_back(static_cast<double>(by_events ? p.data_cut_events : p.patients));
      s.y.push_back(p.power);
      s.lower.push_back(std::max(0.0, p.power - 2 * p.mcse));
      s.upper.push_back(std::min(1.0, p.power + 2 * p.mcse));
    }
    out_ << "<figure>" << line_chart(chart) << "<figcaption>Power of each method by simulation (silico design), "
         << (by_events ? "events" : "patients") << " on a log scale; band: &plusmn;2 Monte Carlo standard errors.</figcaption></figure>\n";
    // When the primary endpoint is analysed at a data cut: when it fell at each size.
    std::map<std::uint64_t, const PowerCurve::Point*> sizes;
    for (const auto& p : pc.points) {
      if (std::isfinite(p.cut_time)) sizes.emplace(by_events ? p.data_cut_events : p.patients, &p);
    }
    if (sizes.empty()) return;
    out_ << "<table><tr><th>patients</th><th>events at the cut</th><th>cut, mean calendar time (" << esc(in_.time_unit)
         << ")</th><th>patients entered by the cut (mean)</th></tr>\n";
    for (const auto& [size, p] : sizes) {
      out_ << "<tr><td class=\"n\">" << p->patients << "</td><td class=\"n\">"
           << (p->data_cut_events ? std::to_string(p->data_cut_events) : "&mdash;") << "</td><td class=\"n\">"
           << num(p->cut_time, 4) << "</td><td class=\"n\">" << num(p->cut_patients, 4) << "</td></tr>\n";
    }
    out_ << "</table>\n";
  }

  /// Courses of a recorded variable by arm: 50 patients drawn, median and 10-90 % band of all.
  void spaghetti(const TrajectoryColumn& t) {
    SpaghettiChart chart;
    chart.title = t.name + " over time by arm (first " + std::to_string(t.courses.size()) + " patients, replicate " +
                  std::to_string(in_.first_replicate) + ")";
    chart.x_title = "time (days)";
    chart.y_title = t.name + (t.unit.empty() ? "" : " (" + t.unit + ")");
    chart.height = 400;
    for (std::size_t a = 0; a < in_.arms.size(); ++a) {
      SpaghettiArm arm;
      arm.name = in_.arms[a];
      arm.time = t.times_days;
      for (std::size_t i = 0; i < t.courses.size() && i < in_.arm_of_patient.size(); ++i) {
        if (static_cast<std::size_t>(in_.arm_of_patient[i]) == a) arm.trajectories.push_back(t.courses[i]);
      }
      if (!arm.trajectories.empty()) chart.arms.push_back(std::move(arm));
    }
    out_ << "<figure>" << spaghetti_chart(chart) << "<figcaption>Thin lines: up to " << chart.max_trajectories
         << " patients per arm as observed (with residual error); bold line and band: median and 10&ndash;90 % "
            "of all patients shown, at each time.</figcaption></figure>\n";
  }

  /// Table 1: continuous covariates as mean (SD), categorical and binary as n (%), by arm.
  void baseline_table() {
    const std::size_t arms = in_.arms.size();
    std::vector<std::size_t> n(arms, 0);
    for (auto a : in_.arm_of_patient) {
      if (a >= 0 && static_cast<std::size_t>(a) < arms) ++n[static_cast<std::size_t>(a)];
    }
    out_ << "<h3>Baseline characteristics by arm (replicate " << in_.first_replicate << ")</h3>\n<table><tr><th></th>";
    for (std::size_t a = 0; a < arms; ++a) out_ << "<th>" << esc(in_.arms[a]) << " (n = " << n[a] << ")</th>";
    out_ << "</tr>\n";
    for (const auto& c : in_.covariates) {
      const std::string label = c.name + (c.unit.empty() ? "" : " (" + c.unit + ")");
      if (c.levels.empty() && !c.binary) {
        out_ << "<tr><td>" << esc(label) << ", mean (SD)</td>";
        for (std::size_t a = 0; a < arms; ++a) {
          stats::RunningMoments m;
          for (std::size_t i = 0; i < c.values.size() && i < in_.arm_of_patient.size(); ++i) {
            if (static_cast<std::size_t>(in_.arm_of_patient[i]) == a) m.add(c.values[i]);
          }
          const auto d = m.result();
          out_ << "<td class=\"n\">" << num(d.mean, 4) << " (" << num(d.sd, 3) << ")</td>";
        }
        out_ << "</tr>\n";
        continue;
      }
      const std::vector<std::string> levels = c.binary ? std::vector<std::string>{"1"} : c.levels;
      for (std::size_t level = 0; level < levels.size(); ++level) {
        const double code = c.binary ? 1.0 : static_cast<double>(level);
        out_ << "<tr><td>" << esc(c.name) << " = " << esc(levels[level]) << ", n (%)</td>";
        for (std::size_t a = 0; a < arms; ++a) {
          std::size_t k = 0;
          for (std::size_t i = 0; i < c.values.size() && i < in_.arm_of_patient.size(); ++i) {
            k += static_cast<std::size_t>(in_.arm_of_patient[i]) == a && c.values[i] == code;
          }
          out_ << "<td class=\"n\">" << k << " (" << num(n[a] ? 100.0 * static_cast<double>(k) / static_cast<double>(n[a]) : kNaNValue, 3)
               << ")</td>";
        }
        out_ << "</tr>\n";
      }
    }
    out_ << "</table>\n";
  }

  /// Kaplan-Meier curves by arm with log-log 95 % bands and the numbers at risk.
  void km_figure(const EndpointColumn& e) {
    KmChart chart;
    chart.title = "Kaplan-Meier estimate of " + e.name + " by arm (replicate " + std::to_string(in_.first_replicate) + ")";
    chart.x_title = "time (" + in_.time_unit + ")";
    chart.y_title = "survival probability";
    chart.height = 420;
    // An analysis at a data cut sees the data as cut: the curves are drawn so (the
    // estimates of section 8 are at that cut too), and the cut is marked. With entry
    // times the axis is time from entry, so the mark is the longest follow-up at the cut.
    const auto cut_series = in_.series.find(e.name + "/data_cut_time");
    const bool has_cut = cut_series != in_.series.end() && !cut_series->second.empty();
    const double cut = has_cut ? cut_series->second.front() : std::numeric_limits<double>::infinity();
    const bool entries = !in_.entry_time.empty();
    double first_entry = std::numeric_limits<double>::infinity();
    for (double t : in_.entry_time) first_entry = std::min(first_entry, t);
    for (std::size_t a = 0; a < in_.arms.size(); ++a) {
      stats::SurvivalData data;
      KmArm arm;
      arm.name = in_.arms[a];
      for (std::size_t i = 0; i < e.value.size() && i < in_.arm_of_patient.size(); ++i) {
        if (static_cast<std::size_t>(in_.arm_of_patient[i]) != a || !std::isfinite(e.value[i])) continue;
        const double entry = entries && i < in_.entry_time.size() ? in_.entry_time[i] : 0.0;
        const auto known = sim::outcome_at_cut(entry, e.value[i], e.event[i], cut);
        if (!known) continue;  // entered after the cut
        data.time.push_back(known->time);
        data.event.push_back(known->event);
        if (!known->event) arm.censor_times.push_back(known->time);
      }
      if (data.time.empty()) continue;
      add_km_steps(stats::kaplan_meier(data), arm);
      chart.arms.push_back(std::move(arm));
    }
    std::string cut_note;
    if (has_cut && std::isfinite(cut) && entries) {
      chart.x_lines.push_back({cut - first_entry, "data cut"});
      cut_note = "Data as analysed at the data cut, " + num(cut) + " " + esc(in_.time_unit) +
                 " after the trial opened: patients who entered later are left out, and each patient's later "
                 "events are censored at the cut (time from entry = cut &minus; entry). The mark is the longest "
                 "follow-up anyone had at the cut. ";
    } else if (has_cut && std::isfinite(cut)) {
      chart.x_lines.push_back({cut, "data cut"});
      cut_note = "Data as analysed at the data cut (" + num(cut) + " " + esc(in_.time_unit) +
                 "): later events censored there. ";
    } else if (has_cut) {
      cut_note = "The data cut was not reached in this replicate: all follow-up shown. ";
    }
    out_ << "<figure>" << km_chart(chart) << "<figcaption>" << cut_note
         << "Shaded: pointwise 95 % confidence bands (log-log). Below the plot: patients at risk.</figcaption></figure>\n";
  }

  /// Every estimate of the reported replicate with its CI and the true effect.
  void forest() {
    const auto keys = estimates(in_);
    if (keys.empty()) return;
    // One plot per measure, since the scales differ; the primary estimate's measure first.
    std::vector<std::string> measures;
    for (const auto& k : keys) {
      if (std::find(measures.begin(), measures.end(), measure(k)) == measures.end()) measures.push_back(measure(k));
    }
    for (const auto& m : measures) {
      if (m == "test") continue;  // no estimate to plot: tests_table() below
      ForestPlot plot;
      plot.title = "Estimates (" + (m.empty() ? std::string("effect") : m) + "), replicate " +
                   std::to_string(in_.first_replicate) + ", with the true effect";
      plot.x_title = m.empty() ? "effect" : m;
      plot.log_scale = is_ratio(m);
      plot.null_value = plot.log_scale ? 1.0 : 0.0;
      for (const auto& k : keys) {
        if (measure(k) != m) continue;
        plot.rows.push_back({k.prefix(), first_of(in_, k.prefix() + "/effect"), first_of(in_, k.prefix() + "/ci_low"),
                             first_of(in_, k.prefix() + "/ci_high"), first_of(in_, k.prefix() + "/true_effect")});
      }
      out_ << "<figure>" << forest_plot(plot) << "<figcaption>Point estimate with its " << num(100 * (1 - in_.alpha), 3)
           << " % confidence interval; hollow diamond: the true effect of the same patients from their potential "
              "outcomes.</figcaption></figure>\n";
    }
    tests_table(keys);
  }

  /// Tests without an estimand of the reported replicate: statistic and p.
  void tests_table(const std::vector<EstimateKey>& keys) {
    bool any = false;
    for (const auto& k : keys) {
      if (!is_test(k)) continue;
      if (!any) {
        out_ << "<table><caption>Tests without an estimand, replicate " << in_.first_replicate
             << "</caption><tr><th>test</th><th>statistic</th><th>value</th><th>p</th></tr>\n";
        any = true;
      }
      const std::string statistic = test_statistic(k);
      out_ << "<tr><td>" << esc(k.prefix()) << "</td><td>" << esc(statistic) << "</td><td class=\"n\">"
           << num(statistic.empty() ? kNaNValue : first_of(in_, k.prefix() + "/" + statistic)) << "</td><td class=\"n\">"
           << num(first_of(in_, k.prefix() + "/p")) << "</td></tr>\n";
    }
    if (any) out_ << "</table>\n";
  }

  /// Covariate balance of external-control comparisons, from their smd_before/after series.
  void balance() {
    for (const auto& k : estimates(in_)) {
      BalancePlot plot;
      plot.title = "Covariate balance: " + k.prefix();
      const std::string before = k.prefix() + "/smd_before_";
      for (const auto& [path, values] : in_.series) {
        if (path.compare(0, before.size(), before) != 0) continue;
        const std::string name = path.substr(before.size());
        plot.rows.push_back({name, values.empty() ? kNaNValue : values.front(),
                             first_of(in_, k.prefix() + "/smd_after_" + name)});
      }
      if (plot.rows.empty()) continue;
      // Covariates in the file's (the cohort's) order, not the series' alphabetical one.
      std::vector<std::string> covariate_order;
      for (const auto& c : in_.covariates) covariate_order.push_back(c.name);
      std::stable_sort(plot.rows.begin(), plot.rows.end(), [&](const BalanceRow& x, const BalanceRow& y) {
        return rank_in(covariate_order, x.label) < rank_in(covariate_order, y.label);
      });
      out_ << "<figure>" << balance_plot(plot) << "<figcaption>Standardized mean differences before and after "
           << esc(k.method) << "; dashed lines at &plusmn;0.1.</figcaption></figure>\n";
    }
  }

  void section_appendix() {
    out_ << "<h2>9. Reproducibility</h2>\n<table>\n";
    const auto row = [&](const std::string& k, const std::string& v) {
      out_ << "<tr><th>" << esc(k) << "</th><td>" << v << "</td></tr>\n";
    };
    row("silico version", esc(in_.silico_version) + ", commit <code>" + esc(in_.git_commit) + "</code>");
    row("command line", "<code>" + esc(in_.command_line) + "</code>");
    row("spec file", "<code>" + esc(in_.spec_file) + "</code>, SHA-256 <code>" + sha256_hex(in_.spec_yaml) + "</code>");
    if (!in_.cohort_yaml.empty()) {
      row("cohort file", (in_.cohort_file.empty() ? "" : "<code>" + esc(in_.cohort_file) + "</code>, ") + "SHA-256 <code>" +
                             sha256_hex(in_.cohort_yaml) + "</code>");
    }
    for (const auto& [k, digest] : in_.observed_checksums) {
      row("observed outcomes", "<code>" + esc(in_.spec.validation[k].observed_outcomes->file) + "</code>, SHA-256 <code>" +
                                   esc(digest) + "</code>");
    }
    row("seed", std::to_string(in_.seed));
    row("MPI ranks \u00d7 threads", std::to_string(in_.mpi_ranks) + " &times; " + std::to_string(in_.threads));
    row("written (UTC)", esc(in_.created_utc));
    if (!in_.wall_seconds) {
      row("run time", in_.merged_parts > 0 ? "not recorded (a part was written by an older silico)"
                                           : "not recorded (file written by an older silico)");
    } else if (in_.merged_parts == 1) {
      row("run time", duration_text(*in_.wall_seconds) + ", that of the one part merged");
    } else if (in_.merged_parts > 1) {
      row("run time", duration_text(*in_.wall_seconds) + ", the sum over the " + std::to_string(in_.merged_parts) +
                          " parts' runs (compute time: parts may have run at the same time)");
    } else {
      row("run time", duration_text(*in_.wall_seconds));
    }
    out_ << "</table>\n<p>Checksums are of the texts stored in the result file, as read at run time: "
            "<code>sha256sum</code> of the files gives the same digests if they are unchanged. "
            "The same spec, seed and silico version give bitwise-identical result datasets for any "
            "number of ranks and threads.</p>\n<h3>Spec</h3>\n<pre>"
         << esc(in_.spec_yaml) << "</pre>\n";
  }

  const ReportInputs& in_;
  std::ostringstream out_;
};

}  // namespace

std::string render_report(const ReportInputs& inputs) { return Document(inputs).render(); }

}  // namespace silico::report
