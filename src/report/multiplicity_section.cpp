/// @file
/// @brief The report's multiplicity section (operating_sections.hpp).

#include <sstream>

#include "report/html.hpp"
#include "report/operating_sections.hpp"

namespace silico::report {
namespace {

using html::esc;
using html::num;

std::string rate(const stats::RateWithMcse& r) {
  return "<td class=\"n\">" + num(r.rate, 3) + " &plusmn; " + num(r.mcse, 2) + "</td>";
}

}  // namespace

std::string multiplicity_section(const ReportInputs& in) {
  if (!in.multiplicity) return "";
  const auto& mu = *in.multiplicity;
  std::ostringstream out;
  out << "<h3>Multiplicity</h3>\n<p>" << esc(mu.procedure) << " over " << mu.hypotheses.size()
      << " hypotheses at familywise alpha " << num(mu.alpha) << " (two-sided), " << mu.replicates
      << " replicate trials: the share of replicates that rejected each hypothesis after the procedure (its power, "
         "or its error rate when it is a true null) next to its own test at p &lt; alpha, &plusmn; Monte Carlo SE. "
         "A hypothesis is a true null when every replicate's true effect is the null value (0, or 1 for a ratio); "
         "a NaN p is not rejected.</p>\n"
      << "<table><tr><th>hypothesis</th><th>endpoint</th><th>method</th><th>arm</th><th>weight</th><th>true "
         "null</th><th>rejected after "
      << esc(mu.procedure) << "</th><th>unadjusted p &lt; alpha</th></tr>\n";
  for (const auto& h : mu.hypotheses) {
    out << "<tr><td>" << esc(h.name) << "</td><td>" << esc(h.endpoint) << "</td><td>" << esc(h.method) << "</td><td>"
        << esc(h.arm) << "</td><td class=\"n\">" << num(h.weight) << "</td><td>" << (h.true_null ? "yes" : "no")
        << "</td>" << rate(h.rejection) << rate(h.unadjusted) << "</tr>\n";
  }
  out << "<tr><th colspan=\"6\">any hypothesis rejected</th>" << rate(mu.adjusted.any) << rate(mu.unadjusted.any)
      << "</tr>\n<tr><th colspan=\"6\">all hypotheses rejected</th>" << rate(mu.adjusted.all) << rate(mu.unadjusted.all)
      << "</tr>\n";
  if (mu.true_nulls > 0) {
    out << "<tr><th colspan=\"6\">familywise error rate (over the " << mu.true_nulls << " true null hypotheses)</th>"
        << rate(mu.adjusted.fwer) << rate(mu.unadjusted.fwer) << "</tr>\n";
  }
  out << "</table>\n";
  if (mu.true_nulls == 0) {
    out << "<p class=\"note\">No hypothesis is a true null in this simulation: no familywise error can be made, and "
           "the rates are powers.</p>\n";
  }
  return out.str();
}

}  // namespace silico::report
