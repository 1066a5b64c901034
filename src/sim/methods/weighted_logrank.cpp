/// fh and maxcombo: tests for non-proportional hazards on the observed survival data of a
/// comparison, censored at the data cut (stratified by the endpoint's strata, as logrank).
/// Neither has an estimand: effect, se, CI and true_effect are NaN, and the measure is
/// "test"; the decision is p < analysis.alpha, as for every method.
///
/// fh: the Fleming-Harrington FH(rho, gamma) weighted log-rank test (stats::fh_logrank_sweep),
/// parameters rho and gamma (defaults 0 and 0.5, a weight for late effects). p is two-sided,
/// 2 Phi(-|z|); the extra `z` is < 0 when the treated arm has fewer events than expected.
///
/// maxcombo: the MaxCombo test of the listed FH tests (stats::maxcombo_sweep; parameter
/// `tests`, default stats::kMaxComboDefault), one-sided in favour of the treated arm. To
/// decide at silico's two-sided alpha as a one-sided test at alpha / 2 (the regulatory
/// convention), `p` is min(1, 2 p_one_sided); the one-sided p itself is the extra
/// `p_one_sided`, with `statistic` = max_j (-z_j) and each test's z_j as `z_1`, `z_2`, ...
/// in the order listed.

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/estimand.hpp"
#include "sim/method.hpp"

namespace silico::sim {
namespace {

const std::vector<double>& parameter(const spec::EndpointAnalysis& analysis, const std::string& method,
                                     const std::string& key) {
  return analysis.method_parameters.at(method).at(key);
}
const std::vector<double>& parameter(const Comparison& c, const std::string& method, const std::string& key) {
  return parameter(c.analysis(), method, key);
}

std::vector<std::pair<double, double>> rho_gamma_pairs(const spec::EndpointAnalysis& analysis) {
  const auto& flat = parameter(analysis, "maxcombo", "tests");
  std::vector<std::pair<double, double>> pairs;
  for (std::size_t j = 0; j + 1 < flat.size(); j += 2) pairs.emplace_back(flat[j], flat[j + 1]);
  return pairs;
}

/// An estimate that is a test only: NaN but its p.
stats::Estimate test_only(double p) {
  stats::Estimate e = kNoEstimate;
  e.p = p;
  return e;
}

class FlemingHarrington final : public AnalysisMethod {
 public:
  explicit FlemingHarrington(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const double rho = parameter(c_, "fh", "rho").at(0);
    const double gamma = parameter(c_, "fh", "gamma").at(0);
    // The sweep's alpha is one-sided and only sets its `rejects`, which is not used here.
    const auto t = stats::fh_logrank_sweep(c_.observed_rows(), rho, gamma, c_.alpha() / 2, c_.cut_time());
    push_estimate(out, prefix, test_only(t.p_two_sided), kNaN);
    out.push_back({prefix + "/z", t.z});
  }

 private:
  Comparison& c_;
};

class MaxComboMethod final : public AnalysisMethod {
 public:
  explicit MaxComboMethod(Comparison& c) : c_(c), pairs_(rho_gamma_pairs(c.analysis())) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const auto m = stats::maxcombo_sweep(c_.observed_rows(), pairs_, c_.alpha() / 2, c_.cut_time());
    // NaN stays NaN (std::min would turn it into 1).
    const double p = std::isnan(m.p) ? kNaN : std::min(1.0, 2.0 * m.p);
    push_estimate(out, prefix, test_only(p), kNaN);
    out.push_back({prefix + "/statistic", m.statistic});
    out.push_back({prefix + "/p_one_sided", m.p});
    // The series' names depend on the spec only: one z per listed test, always.
    for (std::size_t j = 0; j < pairs_.size(); ++j) {
      out.push_back({prefix + "/z_" + std::to_string(j + 1), j < m.tests.size() ? m.tests[j].z : kNaN});
    }
  }

 private:
  Comparison& c_;
  std::vector<std::pair<double, double>> pairs_;
};

// Interim looks: the tests' Z and score covariance at a look's cut (the alpha only sets
// their `rejects`, unused here).
LookTests tests_at_cut(const stats::SurvivalSource& rows, std::span<const std::pair<double, double>> pairs,
                       double cut) {
  auto scores = stats::fh_logrank_scores(rows, pairs, 0.025, cut);
  LookTests out;
  for (const auto& t : scores.tests) out.z.push_back(t.z);
  out.covariance = std::move(scores.covariance);
  return out;
}

LookTests fh_at_cut(const spec::EndpointAnalysis& analysis, const stats::SurvivalSource& rows, double cut) {
  const std::pair<double, double> pair[] = {
      {parameter(analysis, "fh", "rho").at(0), parameter(analysis, "fh", "gamma").at(0)}};
  return tests_at_cut(rows, pair, cut);
}

LookTests maxcombo_at_cut(const spec::EndpointAnalysis& analysis, const stats::SurvivalSource& rows, double cut) {
  return tests_at_cut(rows, rho_gamma_pairs(analysis), cut);
}

std::vector<double> default_tests() {
  std::vector<double> flat;
  for (const auto& [rho, gamma] : stats::kMaxComboDefault) {
    flat.push_back(rho);
    flat.push_back(gamma);
  }
  return flat;
}

}  // namespace

using models::OutputType;
using spec::MethodParameter;
SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "fh",
               .endpoint_types = {OutputType::kTimeToEvent},
               .options = {"strata"},
               .interim = true,
               .interim_max_statistic = true,
               .parameters = {{.key = "rho", .min = 0.0, .max = 5.0, .default_value = {0.0},
                               .description = "exponent of S(t-), the pooled Kaplan-Meier curve: weight on early "
                                              "differences"},
                              {.key = "gamma", .min = 0.0, .max = 5.0, .default_value = {0.5},
                               .description = "exponent of 1 - S(t-): weight on late differences"}}},
    .measure = "test",
    .create = &make_method<FlemingHarrington>,
    .tests_at_cut = &fh_at_cut,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "none: a test of equal survival distributions (Fleming-Harrington weighted log-rank), no effect measure";
    }})
SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "maxcombo",
               .endpoint_types = {OutputType::kTimeToEvent},
               .options = {"strata"},
               .interim = true,
               .interim_max_statistic = true,
               .parameters = {{.key = "tests", .kind = MethodParameter::Kind::kRhoGammaPairs, .min = 0.0,
                               .max = 5.0, .max_count = 6, .default_value = default_tests(),
                               .description = "the FH(rho, gamma) tests combined, as [rho, gamma] pairs"}}},
    .measure = "test",
    .create = &make_method<MaxComboMethod>,
    .tests_at_cut = &maxcombo_at_cut,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "none: a test of equal survival distributions (the largest of several weighted log-rank tests), no effect measure";
    }})

}  // namespace silico::sim
