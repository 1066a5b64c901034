// The per-replicate analysis engine: true effects from potential outcomes, data cuts,
// series names that depend on the spec only, and the PROCOVA prognostic model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "sim/analysis.hpp"
#include "sim/method.hpp"
#include "spec/method_schema.hpp"
#include "spec/spec.hpp"

namespace {

std::map<std::string, double> analyze(const silico::spec::TrialSpec& spec, std::uint64_t replicate,
                                      std::vector<std::string>* paths = nullptr) {
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(replicate, 0, spec.trial.patients, block);
  const silico::sim::TrialAnalysis analysis(spec);
  std::map<std::string, double> out;
  for (const auto& s : analysis.analyze(block)) {
    out[s.path] = s.value;
    if (paths) paths->push_back(s.path);
  }
  return out;
}

const char* kSurvival = R"(schema_version: 1
trial: {name: a, seed: 3, patients: 2000, follow_up: 1000}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1"], probabilities: [0.5, 0.5]}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters: {shape: 1, scale: 10, hazard_ratio: {treatment: 1.0}}
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {methods: [logrank, cox, rmst, km_median], strata: [ecog], covariates: [age],
         data_cut_events: 500, rmst_horizon: 20}
)";

TEST(Analysis, NullEffectHasTrueHazardRatioOneAndZeroDifferences) {
  const auto spec = silico::spec::parse_spec(kSurvival, "a.yaml");
  const auto r = analyze(spec, 0);
  // Both arms' potential outcomes are identical (common random numbers, HR 1), so the
  // Cox fit on the stacked potential outcomes has beta = 0 exactly.
  EXPECT_NEAR(r.at("os/logrank/treatment/true_effect"), 1.0, 1e-12);
  EXPECT_NEAR(r.at("os/cox/treatment/true_effect"), 1.0, 1e-12);
  EXPECT_EQ(r.at("os/rmst/treatment/true_effect"), 0.0);
  // The cut at 500 of 2,000 events leaves the median of the potential outcomes
  // unreached, so that truth is undefined (NaN), not a number made up.
  EXPECT_TRUE(std::isnan(r.at("os/km_median/treatment/true_effect")));
}

TEST(Analysis, DataCutFallsOnTheRequestedEvent) {
  const auto spec = silico::spec::parse_spec(kSurvival, "a.yaml");
  const auto r = analyze(spec, 0);
  // 500 events in total after the cut, and the cut time is one of them.
  EXPECT_EQ(r.at("os/arms/control/events") + r.at("os/arms/treatment/events"), 500.0);
  EXPECT_GT(r.at("os/data_cut_time"), 0.0);
  // The RMST horizon is shortened to the cut when the cut comes first.
  EXPECT_EQ(r.at("os/rmst/treatment/horizon"), std::min(20.0, r.at("os/data_cut_time")));
}

TEST(Analysis, SeriesNamesDependOnTheSpecOnly) {
  const auto spec = silico::spec::parse_spec(kSurvival, "a.yaml");
  std::vector<std::string> first, second;
  analyze(spec, 0, &first);
  analyze(spec, 7, &second);
  EXPECT_EQ(first, second);
  EXPECT_NE(std::find(first.begin(), first.end(), "os/cox/treatment/lr_p"), first.end());
}

const char* kContinuous = R"(schema_version: 1
trial: {name: c, seed: 8, patients: 1000, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 50, sd: 10}
    smoker: {distribution: bernoulli, p: 0.3}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: linear_change
  parameters:
    intercept: 1.0
    covariate_effects: {age: {per_unit: 0.1, reference: 50}, smoker: 2.0}
    arm_effect: {treatment: -3.0}
    residual_sd: 0.5
endpoints:
  - name: y
  - {name: responder, output: change, responder: {below: -2}}
analysis:
  endpoints:
    y: {methods: [procova, ancova, welch], covariates: [age, smoker]}
    responder: {methods: [risk_difference, risk_ratio, odds_ratio]}
  procova:
    historical: {patients: 20000, seed: 9}
)";

TEST(Analysis, ProcovaPrognosticModelRecoversTheControlOutcomeModel) {
  const auto spec = silico::spec::parse_spec(kContinuous, "c.yaml");
  const silico::sim::TrialAnalysis analysis(spec);
  const auto& b = analysis.prognostic_coefficients(0);
  ASSERT_EQ(b.size(), 3u);
  // y = 1 + 0.1 (age - 50) + 2 smoker + e: intercept 1 - 5 = -4. With residual sd 0.5 and
  // 20,000 patients the OLS SEs are about 0.5 / sqrt(20000 * var(x)): 4 SE is below 0.02
  // for every coefficient.
  EXPECT_NEAR(b[0], -4.0, 0.06);  // intercept SE ~ 0.5 * 50 / (10 sqrt(20000)) = 0.018
  EXPECT_NEAR(b[1], 0.1, 4 * 0.5 / (10 * std::sqrt(20000.0)));
  EXPECT_NEAR(b[2], 2.0, 4 * 0.5 / std::sqrt(20000.0 * 0.21));
}

TEST(Analysis, TrueEffectsOfContinuousAndBinaryEndpoints) {
  const auto spec = silico::spec::parse_spec(kContinuous, "c.yaml");
  const auto r = analyze(spec, 0);
  for (const char* method : {"procova", "ancova", "welch"}) {
    EXPECT_NEAR(r.at(std::string("y/") + method + "/treatment/true_effect"), -3.0, 1e-12) << method;
  }
  // Small residual: every estimate is within 4 SE of -3.
  EXPECT_NEAR(r.at("y/ancova/treatment/effect"), -3.0, 4 * r.at("y/ancova/treatment/se"));
  // Responder rates from potential outcomes: the risk difference, ratio and odds ratio of
  // the same two rates must be mutually consistent.
  const double rd = r.at("responder/risk_difference/treatment/true_effect");
  const double rr = r.at("responder/risk_ratio/treatment/true_effect");
  const double odds = r.at("responder/odds_ratio/treatment/true_effect");
  // Solve p_c from RD and RR: p_t = p_c + rd = rr p_c.
  const double pc = rd / (rr - 1.0);
  const double pt = pc + rd;
  EXPECT_NEAR(odds, (pt / (1 - pt)) / (pc / (1 - pc)), 1e-9);
  EXPECT_GT(pt, pc);  // treatment lowers the change, so more patients fall below -2
  EXPECT_NEAR(r.at("responder/arms/control/rate") + 0.0, pc, 0.1);
}

TEST(Analysis, ACertainOutcomeIsDecidedByTheScoreMethod) {
  // No covariate effect and a residual SD of 0.001: control changes by 1, treatment by
  // 1 - 3 = -2 (below -1.5 for all, responders), so 0 of 20 vs 20 of 20 respond. The Wald
  // SE of the risk difference is 0 and decides nothing; the Miettinen-Nurminen score test
  // gives the N - 1 chi-square: X^2 = 40 times 39/40 = 39, p = erfc(sqrt(39/2)) =
  // 4.2e-10 (Python: math.erfc(math.sqrt(39 / 2)) = 4.224046...e-10); the interval is
  // [MN lower limit, 1].
  std::string text = kContinuous;
  const auto edit = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  edit("patients: 1000", "patients: 40");
  edit("covariate_effects: {age: {per_unit: 0.1, reference: 50}, smoker: 2.0}", "covariate_effects: {}");
  edit("residual_sd: 0.5", "residual_sd: 0.001");
  edit("responder: {below: -2}", "responder: {below: -1.5}");
  edit("methods: [procova, ancova, welch], covariates: [age, smoker]", "methods: [welch]");
  edit("  procova:\n    historical: {patients: 20000, seed: 9}\n", "");
  const auto spec = silico::spec::parse_spec(text, "c.yaml");
  const auto r = analyze(spec, 0);
  ASSERT_EQ(r.at("responder/arms/treatment/rate"), 1.0);
  ASSERT_EQ(r.at("responder/arms/control/rate"), 0.0);
  EXPECT_EQ(r.at("responder/risk_difference/treatment/effect"), 1.0);
  EXPECT_EQ(r.at("responder/risk_difference/treatment/score_method"), 1.0);
  EXPECT_NEAR(r.at("responder/risk_difference/treatment/p"), std::erfc(std::sqrt(39.0 / 2)), 1e-20);
  EXPECT_EQ(r.at("responder/risk_difference/treatment/ci_high"), 1.0);
  EXPECT_GT(r.at("responder/risk_difference/treatment/ci_low"), 0.5);
}

// The analysis reads a replicate as a walk over blocks: how the walk cuts it must not
// change a single bit of any series (accumulators take rows in patient order; OLS chunks
// are fixed; survival buffers are walked in a total order).
TEST(Analysis, EveryExampleGivesTheSameSeriesWhateverTheBlockSize) {
  for (const char* name : {"configs/example.yaml", "configs/continuous.yaml", "configs/external_control.yaml",
                           "configs/oncology_tgi.yaml", "configs/alzheimers_progression.yaml",
                           "configs/pk_dose_finding.yaml", "tests/data/group_sequential.yaml",
                           "tests/data/procova_variance.yaml", "tests/data/null_tte.yaml"}) {
    SCOPED_TRACE(name);
    auto spec = silico::spec::load_spec(std::string(SILICO_SOURCE_DIR) + "/" + name);
    spec.trial.patients = std::min<std::uint64_t>(spec.trial.patients, 1500);
    const silico::sim::Simulator simulator(spec, false, false);
    const silico::sim::TrialAnalysis analysis(spec);
    silico::sim::Block whole;
    simulator.simulate(1, 0, spec.trial.patients, whole);
    const auto reference = analysis.analyze(whole);
    int walks = 0;
    const auto by_blocks = analysis.analyze(
        [&](const std::function<void(const silico::sim::Block&)>& visit) {
          ++walks;
          silico::sim::Block block;
          for (std::uint64_t first = 0; first < spec.trial.patients; first += 257) {
            simulator.simulate(1, first, std::min<std::uint64_t>(257, spec.trial.patients - first), block);
            visit(block);
          }
        },
        1, [](std::size_t covariates) { return std::make_unique<silico::stats::InMemorySurvivalBuffer>(covariates); });
    EXPECT_LE(walks, 2);
    ASSERT_EQ(reference.size(), by_blocks.size());
    for (std::size_t k = 0; k < reference.size(); ++k) {
      ASSERT_EQ(reference[k].path, by_blocks[k].path);
      if (std::isnan(reference[k].value)) {
        EXPECT_TRUE(std::isnan(by_blocks[k].value)) << reference[k].path;
      } else {
        EXPECT_EQ(reference[k].value, by_blocks[k].value) << reference[k].path;
      }
    }
  }
}

}  // namespace

// Each method registers itself from its file in sim/methods/; a file the linker dropped
// would leave a spec method without an implementation. The measures are those the result
// files have always carried.
TEST(Analysis, EverySpecMethodIsRegisteredWithItsMeasure) {
  const std::map<std::string, std::string> measures = {
      {"welch", "mean_difference"},      {"ancova", "mean_difference"},
      {"procova", "mean_difference"},    {"psm", "mean_difference"},
      {"iptw", "mean_difference"},       {"logrank", "hazard_ratio"},
      {"cox", "hazard_ratio"},           {"rmst", "rmst_difference"},
      {"km_median", "median_difference"}, {"risk_difference", "risk_difference"},
      {"risk_ratio", "risk_ratio"},       {"odds_ratio", "odds_ratio"}};
  for (const auto& [method, measure] : measures) {
    const auto& entry = silico::sim::method_entry(method);
    EXPECT_EQ(entry.name(), method);
    EXPECT_EQ(silico::sim::method_measure(method), measure) << method;
    EXPECT_EQ(entry.external_control(), method == "psm" || method == "iptw") << method;
    // The spec knows each method by the schema its entry registered.
    ASSERT_NE(silico::spec::find_method_schema(method), nullptr) << method;
    EXPECT_EQ(silico::spec::find_method_schema(method)->interim,
              entry.interim_accumulator != nullptr || entry.estimate_at_cut != nullptr)
        << method;
  }
  EXPECT_EQ(silico::spec::method_schemas().size(), measures.size());
  EXPECT_THROW(silico::sim::method_entry("no_such_method"), std::logic_error);
}
