/// @file
/// @brief The report's intercurrent-event section (operating_sections.hpp): each
/// intercurrent-event strategy's estimates scored against their own truths over the
/// replicates.

#include <algorithm>
#include <cmath>
#include <sstream>

#include "report/html.hpp"
#include "report/operating_sections.hpp"
#include "report/svg.hpp"
#include "stats/design.hpp"

namespace silico::report {
namespace {

using html::esc;
using html::num;

/// One estimate (endpoint, method, arm) and the strategy text of its estimand.
struct StrategyRow {
  std::string endpoint, method, arm, measure;
  stats::OperatingCharacteristics oc;
  double mean_truth = kNaN;
};

const std::vector<double>& series(const ReportInputs& in, const std::string& path) {
  static const std::vector<double> none;
  const auto found = in.series.find(path);
  return found == in.series.end() ? none : found->second;
}

/// Operating characteristics on the scale of summarize: ratios on the log scale.
StrategyRow score(const ReportInputs& in, const std::string& endpoint, const std::string& method,
                  const std::string& arm, const std::string& measure) {
  const std::string prefix = endpoint + "/" + method + "/" + arm + "/";
  const bool log_scale = measure.find("ratio") != std::string::npos;
  const auto scaled = [&](const std::string& name) {
    std::vector<double> v = series(in, prefix + name);
    if (log_scale && name != "se" && name != "p") {
      for (double& x : v) x = std::log(x);
    }
    return v;
  };
  const auto effect = scaled("effect"), se = scaled("se"), low = scaled("ci_low"), high = scaled("ci_high"),
             p = scaled("p"), truth = scaled("true_effect");
  StrategyRow row{endpoint, method, arm, measure + (log_scale ? " (log)" : ""), {}, kNaN};
  const std::size_t n = effect.size();
  if (se.size() != n || low.size() != n || high.size() != n || p.size() != n || truth.size() != n) return row;
  row.oc = stats::operating_characteristics(effect, se, low, high, p, truth, in.alpha);
  double sum = 0.0;
  std::size_t finite = 0;
  for (const double t : truth) {
    if (std::isfinite(t)) {
      sum += t;
      ++finite;
    }
  }
  if (finite > 0) row.mean_truth = sum / static_cast<double>(finite);
  return row;
}

std::string with_mcse(double value, double mcse, int digits) {
  if (!std::isfinite(value)) return "&ndash;";
  return num(value, digits) + " &plusmn; " + num(mcse, 2);
}

}  // namespace

std::string intercurrent_event_section(const ReportInputs& in) {
  // The strategies in the spec's order of endpoints, each with its estimates.
  std::vector<std::pair<std::string, std::vector<StrategyRow>>> groups;
  std::vector<std::string> endpoints = in.endpoint_order;
  for (const auto& [group, attributes] : in.estimands) {
    const std::string endpoint = group.substr(0, group.find('/'));
    if (std::find(endpoints.begin(), endpoints.end(), endpoint) == endpoints.end()) endpoints.push_back(endpoint);
  }
  for (const auto& endpoint : endpoints) {
    std::vector<std::string> methods;
    if (const auto found = in.method_order.find(endpoint); found != in.method_order.end()) methods = found->second;
    for (const auto& [group, attributes] : in.estimands) {
      const auto slash = group.find('/');
      if (group.substr(0, slash) != endpoint) continue;
      const std::string method = group.substr(slash + 1);
      if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
    }
    for (const auto& method : methods) {
      const auto estimand = in.estimands.find(endpoint + "/" + method);
      const auto measure = in.measures.find(endpoint + "/" + method);
      if (estimand == in.estimands.end() || measure == in.measures.end() || measure->second == "test") continue;
      const auto strategy = estimand->second.find("intercurrent_events");
      // Only the strategies of simulated events; not the time to an event itself.
      if (strategy == estimand->second.end() || strategy->second.rfind("none simulated", 0) == 0 ||
          strategy->second.rfind("the variable is the time to", 0) == 0) {
        continue;
      }
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == strategy->second; });
      if (g == groups.end()) g = groups.insert(groups.end(), {strategy->second, {}});
      for (const auto& arm : in.arms) {
        if (!in.series.count(endpoint + "/" + method + "/" + arm + "/effect")) continue;
        g->second.push_back(score(in, endpoint, method, arm, measure->second));
      }
    }
  }
  if (groups.empty()) return "";

  std::ostringstream out;
  out << "<h3>Intercurrent events: each strategy against its own truth</h3>\n";
  if (in.replicates < 2) {
    out << "<p>One replicate trial: bias, coverage and power by strategy need <code>trial.replicates</code> &gt; 1."
           "</p>\n";
    return out.str();
  }
  out << "<p>Every patient is simulated with and without each intercurrent event, so each strategy's estimand has "
         "its own true value for the same patients (ICH E9(R1)). Over "
      << in.replicates
      << " replicate trials, per strategy: the bias of each analysis against the truth of its own estimand (mean of "
         "estimate &minus; truth, ratios on the log scale), the coverage of its confidence intervals and its power "
         "(p &lt; "
      << num(in.alpha)
      << "), each &plusmn; Monte Carlo SE (Morris, White &amp; Crowther 2019), over the replicates where all are "
         "defined. An analysis listed under a strategy it does not target shows the bias of using it for that "
         "estimand.</p>\n";
  for (const auto& [strategy, rows] : groups) {
    out << "<h4>" << esc(strategy) << "</h4>\n<table><tr><th>variable</th><th>analysis</th><th>arm</th><th>measure</th>"
           "<th>replicates</th><th>mean true effect</th><th>bias</th><th>CI coverage</th><th>power</th></tr>\n";
    ForestPlot plot;
    plot.title = "Bias against the strategy's truth, ±2 MC SE: " + strategy;
    plot.x_title = "mean estimate − truth (ratios: log scale)";
    plot.null_value = 0.0;
    for (const auto& r : rows) {
      out << "<tr><td>" << esc(r.endpoint) << "</td><td>" << esc(r.method) << "</td><td>" << esc(r.arm) << "</td><td>"
          << esc(r.measure) << "</td><td class=\"n\">" << r.oc.replicates << "</td><td class=\"n\">"
          << num(r.mean_truth) << "</td><td class=\"n\">" << with_mcse(r.oc.mean_bias, r.oc.mean_bias_mcse, 3)
          << "</td><td class=\"n\">" << with_mcse(r.oc.coverage, r.oc.coverage_mcse, 3) << "</td><td class=\"n\">"
          << with_mcse(r.oc.rejection_rate, r.oc.rejection_rate_mcse, 3) << "</td></tr>\n";
      plot.rows.push_back({r.endpoint + "/" + r.method + "/" + r.arm, r.oc.mean_bias,
                           r.oc.mean_bias - 2 * r.oc.mean_bias_mcse, r.oc.mean_bias + 2 * r.oc.mean_bias_mcse, kNaN});
    }
    out << "</table>\n<figure>" << forest_plot(plot) << "</figure>\n";
  }
  return out.str();
}

}  // namespace silico::report
