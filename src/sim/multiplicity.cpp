/// @file
/// @brief analysis.multiplicity per replicate (sim/multiplicity.hpp).

#include "sim/multiplicity.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include <boost/math/special_functions/erf.hpp>

#include "stats/multiplicity.hpp"

namespace silico::sim {

namespace {

std::string number_text(double x) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), x);
  return std::string(text, result.ptr);
}

const spec::MultiplicityHypothesis& hypothesis(const spec::TrialSpec& spec, std::size_t k) {
  return spec.analysis.multiplicity->hypotheses.at(k);
}

}  // namespace

std::string multiplicity_name(const spec::TrialSpec& spec, std::size_t k) {
  const auto& h = hypothesis(spec, k);
  return std::to_string(k + 1) + "_" + spec.endpoints[h.endpoint].name + "_" + h.method + "_" + spec.arms[h.arm].name;
}

std::string multiplicity_p_path(const spec::TrialSpec& spec, std::size_t k) {
  const auto& h = hypothesis(spec, k);
  return spec.endpoints[h.endpoint].name + "/" + h.method + "/" + spec.arms[h.arm].name + "/p";
}

/// Dunnett's many-to-one test of this replicate: each comparison's |z| from its
/// two-sided p (|z| = sqrt(2) erfc^-1(p)), their correlation from the arms' sizes in this
/// replicate (sqrt(l_i l_j), l_i = n_i / (n_i + n_0)). A missing p is a NaN z: not rejected.
stats::MultipleTestResult dunnett(const spec::TrialSpec& spec, const std::unordered_map<std::string, double>& values,
                                  const std::vector<double>& p, const std::vector<bool>& missing, double alpha) {
  const auto& hypotheses = spec.analysis.multiplicity->hypotheses;
  const std::string endpoint = spec.endpoints[hypotheses.front().endpoint].name;
  const auto n_of = [&](std::size_t arm) {
    const auto found = values.find(endpoint + "/arms/" + spec.arms[arm].name + "/n");
    return found == values.end() ? 0.0 : found->second;
  };
  std::vector<double> z, treated;
  for (std::size_t k = 0; k < hypotheses.size(); ++k) {
    z.push_back(missing[k] ? std::numeric_limits<double>::quiet_NaN()
                           : std::sqrt(2.0) * boost::math::erfc_inv(std::max(p[k], 1e-300)));
    treated.push_back(n_of(hypotheses[k].arm));
  }
  const double control = n_of(spec.control_arm);
  if (!(control > 0) || std::any_of(treated.begin(), treated.end(), [](double n) { return !(n > 0); })) {
    // An empty arm: no comparison can be made.
    stats::MultipleTestResult none;
    none.rejected.assign(p.size(), false);
    none.adjusted_p.assign(p.size(), std::numeric_limits<double>::quiet_NaN());
    return none;
  }
  return stats::dunnett(z, stats::dunnett_correlation(treated, control), alpha);
}

void emit_multiplicity(const spec::TrialSpec& spec, std::vector<Series>& out) {
  if (!spec.analysis.multiplicity) return;
  const auto& multiplicity = *spec.analysis.multiplicity;
  const std::size_t m = multiplicity.hypotheses.size();
  std::unordered_map<std::string, double> values;
  for (const auto& s : out) values.emplace(s.path, s.value);
  std::vector<double> p(m);
  std::vector<bool> missing(m);
  for (std::size_t k = 0; k < m; ++k) {
    const std::string path = multiplicity_p_path(spec, k);
    const auto found = values.find(path);
    if (found == values.end()) throw std::logic_error("multiplicity: no series " + path + " to adjust");
    // NaN (or, defensively, anything outside [0, 1]): not rejected; p = 1 for the others.
    missing[k] = !(found->second >= 0.0 && found->second <= 1.0);
    p[k] = missing[k] ? 1.0 : found->second;
  }
  const double alpha = spec.analysis.alpha;
  stats::MultipleTestResult result;
  using Procedure = spec::MultiplicitySpec::Procedure;
  switch (multiplicity.procedure) {
    case Procedure::kBonferroni: result = stats::bonferroni(p, alpha, multiplicity.weights); break;
    case Procedure::kHolm: result = stats::holm(p, alpha, multiplicity.weights); break;
    case Procedure::kHochberg: result = stats::hochberg(p, alpha); break;
    case Procedure::kGraphical:
      result = stats::graphical_test({multiplicity.weights, multiplicity.transitions}, p, alpha);
      break;
    case Procedure::kDunnett: result = dunnett(spec, values, p, missing, alpha); break;
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = 0; k < m; ++k) {
    const std::string base = "multiplicity/" + multiplicity_name(spec, k);
    // Rejected at adjusted p < alpha: the strict level of silico's tests (see the header).
    const bool reject = !missing[k] && result.adjusted_p[k] < alpha;
    out.push_back({base + "/reject", reject ? 1.0 : 0.0});
    out.push_back({base + "/adjusted_p", missing[k] ? kNaN : result.adjusted_p[k]});
  }
}

std::vector<SeriesAttribute> multiplicity_attributes(const spec::TrialSpec& spec) {
  std::vector<SeriesAttribute> out;
  if (!spec.analysis.multiplicity) return out;
  const auto& multiplicity = *spec.analysis.multiplicity;
  const std::size_t m = multiplicity.hypotheses.size();
  out.push_back({"multiplicity", "procedure", spec::to_string(multiplicity.procedure)});
  out.push_back({"multiplicity", "alpha", number_text(spec.analysis.alpha)});
  std::string names;
  for (std::size_t k = 0; k < m; ++k) names += (k ? "," : "") + multiplicity_name(spec, k);
  out.push_back({"multiplicity", "hypotheses", names});
  // The weights in use: equal (1/m) when bonferroni or holm were given none; hochberg
  // weighs every hypothesis equally too.
  std::string weights;
  for (std::size_t k = 0; k < m; ++k) {
    const double w = multiplicity.weights.empty() ? 1.0 / static_cast<double>(m) : multiplicity.weights[k];
    weights += (k ? "," : "") + number_text(w);
  }
  out.push_back({"multiplicity", "weights", weights});
  if (!multiplicity.transitions.empty()) {
    std::string rows;
    for (std::size_t i = 0; i < m; ++i) {
      rows += i ? ";" : "";
      for (std::size_t j = 0; j < m; ++j) rows += (j ? "," : "") + number_text(multiplicity.transitions[i][j]);
    }
    out.push_back({"multiplicity", "transitions", rows});
  }
  out.push_back({"multiplicity", "rejection", "adjusted_p < alpha"});
  out.push_back({"multiplicity", "nan_p", "not rejected, adjusted_p NaN; counted as p = 1 for the other hypotheses"});
  for (std::size_t k = 0; k < m; ++k) {
    const auto& h = multiplicity.hypotheses[k];
    const std::string group = "multiplicity/" + multiplicity_name(spec, k);
    out.push_back({group, "endpoint", spec.endpoints[h.endpoint].name});
    out.push_back({group, "method", h.method});
    out.push_back({group, "arm", spec.arms[h.arm].name});
    out.push_back({group, "p_series", multiplicity_p_path(spec, k)});
  }
  return out;
}

}  // namespace silico::sim
