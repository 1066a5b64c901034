/// @file
/// @brief The report's group-sequential section (operating_sections.hpp).

#include <cmath>
#include <sstream>

#include "report/html.hpp"
#include "report/operating_sections.hpp"
#include "report/svg.hpp"

namespace silico::report {
namespace {

using html::esc;
using html::num;

/// Entry k of v, or NaN (shown as a dash) when v has none.
double at(const std::vector<double>& v, std::size_t k) { return k < v.size() ? v[k] : kNaN; }

std::string cell(double x, int digits = 4) { return "<td class=\"n\">" + num(x, digits) + "</td>"; }

std::string with_mcse(double p, double mcse) {
  return "<td class=\"n\">" + num(p, 3) + (std::isfinite(mcse) ? " &plusmn; " + num(mcse, 2) : "") + "</td>";
}

/// The bounds on the Z scale by information fraction.
std::string boundary_chart(const std::string& endpoint, const stats::GroupSequentialRow& g) {
  LineChart chart;
  chart.title = "Group-sequential bounds, " + endpoint + " " + g.method + " (" + g.treatment + ")";
  chart.x_title = "information fraction";
  chart.y_title = g.sided == "one" ? "Z (in the direction of benefit)" : "Z";
  chart.x_include = {0.0, 1.0};
  chart.y_include = {0.0};
  Series efficacy;
  efficacy.name = "efficacy bound";
  efficacy.markers = true;
  efficacy.x = g.looks;
  efficacy.y = g.boundaries;
  chart.series.push_back(efficacy);
  if (g.sided != "one") {
    Series lower = efficacy;
    lower.name = "lower efficacy bound";
    for (double& y : lower.y) y = -y;
    chart.series.push_back(std::move(lower));
  }
  if (!g.futility_boundaries.empty()) {
    Series futility;
    futility.name = "futility bound";
    futility.markers = true;
    futility.x = g.looks;
    futility.y = g.futility_boundaries;
    chart.series.push_back(std::move(futility));
  }
  return line_chart(chart);
}

void design_table(std::ostringstream& out, const ReportInputs& in, const std::string& endpoint,
                  const stats::GroupSequentialRow& g) {
  const bool one_sided = g.sided == "one";
  const bool futility = !g.futility_boundaries.empty();
  const bool cuts = !g.look_events.empty();
  const bool hr = !g.hazard_ratio_boundaries.empty();
  const bool difference = !g.difference_boundaries.empty();
  const bool truth = !g.truth_efficacy_crossing.empty();
  const std::string scale = hr ? "HR" : "difference";
  out << "<h4>" << esc(endpoint) << ": " << esc(g.method) << ", " << esc(g.treatment) << " vs "
      << esc(in.control_arm) << "</h4>\n<p>"
      << (one_sided ? "One-sided design at alpha " + num(g.alpha) + " (benefit: " + esc(g.benefit) + ")"
                    : std::string("Two-sided design") + (g.alpha > 0 ? " at alpha " + num(g.alpha) : std::string()) +
                          " (|Z| bounds)")
      << ", " << esc(g.spending) << " alpha spending";
  if (futility) {
    out << "; futility " << esc(g.futility_spending) << ", " << (g.futility_binding ? "binding" : "non-binding");
  }
  out << ". Over " << in.replicates << " replicate trials the design rejected H0 in " << num(g.rejection_rate, 3)
      << " &plusmn; " << num(g.rejection_rate_mcse, 2) << " of them; mean information at the stop "
      << num(g.expected_information, 4) << " &plusmn; " << num(g.expected_information_mcse, 2)
      << (cuts ? " events" : " patients") << ".";
  if (cuts) {
    out << " At the stop, on average: " << num(g.expected_events_at_stop, 5) << " events, "
        << num(g.expected_patients_at_stop, 5) << " patients, " << num(g.expected_time_at_stop, 4) << " "
        << esc(in.time_unit) << ".";
  }
  if (truth) {
    out << " Analytic probabilities under the simulated truth: " << esc(g.measure) << " " << num(g.truth_effect)
        << (g.measure == "hazard_ratio" ? " (geometric mean of the replicates' true effects; drift by Schoenfeld at the "
                                          "mean final events)"
                                        : " (mean of the replicates' true effects; drift over the mean final SE)")
        << ", drift " << num(g.truth_drift) << " (the expected Z at the final look).";
  } else {
    out << " No analytic probabilities under the simulated truth: they are defined for hazard ratios and mean "
           "differences only (measure "
        << esc(g.measure) << ").";
  }
  if (!g.look_times.empty()) {
    out << " The interim looks were held at calendar time";
    for (std::size_t k = 0; k < g.look_times.size(); ++k) out << (k ? ", " : " ") << num(g.look_times[k]);
    out << " " << esc(in.time_unit) << ", each replicate's bounds recomputed at the information it had then; "
        << (g.planned_looks.empty() ? std::string("the table shows the planned design.")
                                    : std::string("information") + (g.max_statistic ? "" : " and bounds") +
                                          " below are the means over the replicates.");
  }
  if (g.max_statistic) {
    out << " Each replicate solved its own bounds from its tests' covariance at each look; the bounds shown are "
           "those of one statistic with the same spending (the maximum of correlated tests needs higher ones).";
  }
  out << "</p>\n<table><tr><th rowspan=\"2\">look</th><th rowspan=\"2\">information</th>";
  if (cuts) {
    out << "<th rowspan=\"2\">events</th><th rowspan=\"2\">patients</th><th rowspan=\"2\">time (" << esc(in.time_unit)
        << ")</th>";
  }
  const int efficacy_columns = 2 + (hr || difference ? 1 : 0);
  out << "<th colspan=\"" << efficacy_columns << "\">efficacy bound</th>";
  if (futility) out << "<th colspan=\"" << (hr || difference ? 2 : 1) << "\">futility bound</th>";
  out << "<th colspan=\"3\">cumulative P(efficacy)</th>";
  if (futility) out << "<th colspan=\"3\">cumulative P(futility)</th>";
  out << "</tr>\n<tr><th>Z</th><th>nominal p</th>" << (hr || difference ? "<th>" + scale + "</th>" : "");
  if (futility) out << "<th>Z</th>" << (hr || difference ? "<th>" + scale + "</th>" : "");
  out << "<th>simulated</th><th>H0</th><th>truth</th>";
  if (futility) out << "<th>simulated</th><th>H0</th><th>truth</th>";
  out << "</tr>\n";
  const auto& effect_bounds = hr ? g.hazard_ratio_boundaries : g.difference_boundaries;
  const auto& futility_effect_bounds = hr ? g.futility_hazard_ratio_boundaries : g.futility_difference_boundaries;
  for (std::size_t k = 0; k < g.looks.size(); ++k) {
    // Nominal p of the bound: one-sided 1 - Phi(u), two-sided 2 (1 - Phi(c)).
    const double tail = 0.5 * std::erfc(g.boundaries[k] / std::sqrt(2.0));
    out << "<tr><td class=\"n\">" << k + 1 << "</td>" << cell(g.looks[k], 3);
    if (cuts) out << cell(at(g.look_events, k), 5) << cell(at(g.look_patients, k), 5) << cell(at(g.look_time, k));
    out << cell(g.boundaries[k]) << cell(one_sided ? tail : 2 * tail, 3);
    if (hr || difference) out << cell(at(effect_bounds, k));
    if (futility) {
      out << cell(g.futility_boundaries[k]);
      if (hr || difference) out << cell(at(futility_effect_bounds, k));
    }
    out << with_mcse(at(g.efficacy_crossing, k), at(g.efficacy_crossing_mcse, k))
        << cell(at(g.null_efficacy_crossing, k), 3) << cell(at(g.truth_efficacy_crossing, k), 3);
    if (futility) {
      out << with_mcse(at(g.futility_crossing, k), at(g.futility_crossing_mcse, k))
          << cell(at(g.null_futility_crossing, k), 3) << cell(at(g.truth_futility_crossing, k), 3);
    }
    out << "</tr>\n";
  }
  out << "</table>\n<figure>" << boundary_chart(endpoint, g)
      << "<figcaption>Efficacy" << (futility ? " and futility" : "")
      << " bounds on the Z scale at each look's information fraction"
      << (one_sided ? " (Z in the direction that favours treatment)" : "")
      << ". A trial stops at the first look whose Z crosses a bound.</figcaption></figure>\n";
}

}  // namespace

std::string group_sequential_section(const ReportInputs& in) {
  if (in.group_sequential.empty()) return "";
  std::ostringstream out;
  out << "<h3>Group-sequential design</h3>\n<p>The primary method of an endpoint with interim looks, over the "
         "replicates: the bounds on the Z scale, as nominal p-values and on the scale of the effect"
         " (a hazard ratio by Schoenfeld at the look's mean events, a mean difference at the final SE over "
         "&radic;t), each look's mean events, patients and calendar time, and the cumulative probabilities of "
         "crossing by the look: simulated (&plusmn; Monte Carlo SE), analytic under H0 and analytic under the "
         "simulated truth (recursive integration of the canonical joint distribution, Jennison &amp; Turnbull "
         "2000). A futility stop happens at interim looks only: its last entry repeats the one before.</p>\n";
  for (const auto& e : in.group_sequential) {
    for (const auto& g : e.rows) design_table(out, in, e.endpoint, g);
  }
  return out.str();
}

}  // namespace silico::report
