// The per-replicate analysis engine: true effects from potential outcomes, data cuts,
// series names that depend on the spec only, and the PROCOVA prognostic model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/analysis.hpp"
#include "sim/calendar.hpp"
#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "spec/method_schema.hpp"
#include "spec/spec.hpp"
#include "stats/survival.hpp"
#include "stats/survival_sweep.hpp"

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

// Under a delayed effect the hazard ratio a trial estimates depends on the follow-up its
// cut leaves: the truths of the cut (true_effect) are of the potential outcomes censored at
// it, and true_effect_without_cut gives the censoring-free one, the same fit on them
// censored only at follow_up (here: an effect from month 6 on; a cut at 300 of about 1,000
// events falls early, where the effect has barely begun).
TEST(Analysis, HazardRatioTruthsWithoutTheCut) {
  const std::string text = R"(schema_version: 1
trial: {name: d, seed: 8, patients: 1000, follow_up: 60}
cohort:
  covariates:
    z: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: survival
  parameters: {baseline: exponential, rate: 0.05, hazard_ratio: {treatment: 0.5}, effect_delay: 6,
               log_hazard_ratios: {z: 0.5}}
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {methods: [logrank, cox, adjusted_logrank], covariates: [z], data_cut_events: 300}
)";
  const auto spec = silico::spec::parse_spec(text, "d.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  std::map<std::string, double> r;
  for (const auto& s : silico::sim::TrialAnalysis(spec).analyze(block)) r[s.path] = s.value;
  // The stacked potential outcomes, censored only at follow_up (no event is later).
  const auto& os = block.endpoints[0];
  std::vector<double> time, x;
  std::vector<std::int8_t> event;
  for (std::size_t i = 0; i < block.count; ++i) {
    for (const std::size_t arm : {1u, 0u}) {
      time.push_back(os.potential_value[arm][i]);
      event.push_back(os.potential_event[arm][i]);
      x.push_back(arm == 1 ? 1.0 : 0.0);
      x.push_back(block.covariates[0][i]);
    }
  }
  const silico::stats::InMemorySurvival conditional(time, event, 2, x);
  std::vector<double> treated_only;
  for (std::size_t k = 0; k < x.size(); k += 2) treated_only.push_back(x[k]);
  const silico::stats::InMemorySurvival marginal(time, event, 1, treated_only);
  const double inf = std::numeric_limits<double>::infinity();
  const auto hr = [&](const silico::stats::SurvivalSource& rows) {
    return std::exp(silico::stats::cox_fit(rows, silico::stats::Ties::kEfron, 30, 1e-9, inf).beta(0));
  };
  EXPECT_DOUBLE_EQ(r.at("os/logrank/treatment/true_effect_without_cut"), hr(marginal));
  EXPECT_DOUBLE_EQ(r.at("os/adjusted_logrank/treatment/true_effect_without_cut"), hr(marginal));
  EXPECT_DOUBLE_EQ(r.at("os/cox/treatment/true_effect_without_cut"), hr(conditional));
  // Early in a delayed effect, the cut's truth is much closer to 1.
  EXPECT_GT(r.at("os/logrank/treatment/true_effect"), r.at("os/logrank/treatment/true_effect_without_cut") + 0.05);
  // Without a data cut the series does not exist: the truth is already censoring-free.
  std::string uncut = text;
  uncut.replace(uncut.find(", data_cut_events: 300"), 22, "");
  const auto without = analyze(silico::spec::parse_spec(uncut, "u.yaml"), 0);
  EXPECT_EQ(without.count("os/logrank/treatment/true_effect"), 1u);
  EXPECT_EQ(without.count("os/logrank/treatment/true_effect_without_cut"), 0u);
}

// With dropout, a Cox estimate under non-proportional hazards converges to the hazard
// ratio of the potential outcomes censored as the data are: true_effect_with_dropout, the
// same fits on the stacked potential outcomes, each censored at the patient's dropout time
// under that arm (the model's own dropout, or trial.dropout's) and, with entry times, at
// the data cut. Checked here by building those rows from the block: model dropout without
// a cut, and trial.dropout with accrual and a data cut.
TEST(Analysis, HazardRatioTruthsWithDropoutAreThoseOfTheRowsCensoredAsTheDataAre) {
  const std::string base = R"(schema_version: 1
trial: {name: d, seed: 8, patients: 600, follow_up: 60TRIAL}
cohort:
  covariates:
    z: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: survival
  parameters: {baseline: exponential, rate: 0.05, hazard_ratio: {treatment: 0.5}, effect_delay: 6,
               log_hazard_ratios: {z: 0.5}MODEL}
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {methods: [logrank, cox, adjusted_logrank], covariates: [z]CUT}
)";
  const auto variant = [&](const std::string& trial, const std::string& model, const std::string& cut) {
    std::string text = base;
    text.replace(text.find("TRIAL"), 5, trial);
    text.replace(text.find("MODEL"), 5, model);
    text.replace(text.find("CUT"), 3, cut);
    return silico::spec::parse_spec(text, "d.yaml");
  };
  const double inf = std::numeric_limits<double>::infinity();
  for (const bool calendar : {false, true}) {
    const auto spec = calendar ? variant(", accrual: {duration: 20}, dropout: {treatment: 0.03, control: 0.05}", "",
                                         ", data_cut_events: 250")
                               : variant("", ", dropout_rate: 0.05", "");
    silico::sim::Block block;
    silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
    std::map<std::string, double> r;
    for (const auto& s : silico::sim::TrialAnalysis(spec).analyze(block)) r[s.path] = s.value;
    const double cut = calendar ? r.at("os/data_cut_time") : inf;
    ASSERT_TRUE(std::isfinite(cut) || !calendar);
    const auto& os = block.endpoints[0];
    std::vector<double> time, x;
    std::vector<std::int8_t> event;
    std::size_t lost = 0;
    for (std::size_t i = 0; i < block.count; ++i) {
      const double entry = calendar ? block.entry_time[i] : 0.0;
      if (entry > cut) continue;
      for (const std::size_t arm : {1u, 0u}) {
        double dropout = spec.model.instance->dropout_time({spec.trial.seed, 0, i});
        if (calendar) dropout = silico::sim::dropout_time(spec.trial.dropout[arm], spec.trial.seed, 0, i);
        double t = os.potential_value[arm][i];
        std::int8_t d = os.potential_event[arm][i];
        if (t > dropout) {
          t = dropout;
          d = 0;
          ++lost;
        }
        if (entry + t > cut) {
          t = cut - entry;
          d = 0;
        }
        time.push_back(t);
        event.push_back(d);
        x.push_back(arm == 1 ? 1.0 : 0.0);
        x.push_back(block.covariates[0][i]);
      }
    }
    EXPECT_GT(lost, block.count / 4) << "dropout censors many potential outcomes (not vacuous)";
    const silico::stats::InMemorySurvival conditional(time, event, 2, x);
    std::vector<double> treated_only;
    for (std::size_t k = 0; k < x.size(); k += 2) treated_only.push_back(x[k]);
    const silico::stats::InMemorySurvival marginal(time, event, 1, treated_only);
    const auto hr = [&](const silico::stats::SurvivalSource& rows) {
      return std::exp(silico::stats::cox_fit(rows, silico::stats::Ties::kEfron, 30, 1e-9, inf).beta(0));
    };
    EXPECT_NEAR(r.at("os/logrank/treatment/true_effect_with_dropout"), hr(marginal), 1e-12) << calendar;
    EXPECT_NEAR(r.at("os/adjusted_logrank/treatment/true_effect_with_dropout"), hr(marginal), 1e-12) << calendar;
    EXPECT_NEAR(r.at("os/cox/treatment/true_effect_with_dropout"), hr(conditional), 1e-12) << calendar;
    // Dropout this heavy moves the truth of a delayed effect well towards 1.
    EXPECT_GT(r.at("os/logrank/treatment/true_effect_with_dropout"), r.at("os/logrank/treatment/true_effect") + 0.03);
  }
  // Without dropout the series does not exist.
  const auto none = analyze(variant("", "", ""), 0);
  EXPECT_EQ(none.count("os/logrank/treatment/true_effect"), 1u);
  EXPECT_EQ(none.count("os/logrank/treatment/true_effect_with_dropout"), 0u);
}

// Over replicates, the log-rank and Cox estimates of a delayed effect under heavy dropout
// are unbiased for the truth with dropout and far from the truth without it. 300 trials of
// 1,000 patients (survival, exponential baseline 0.05/month, HR 0.5 from month 6 on,
// dropout 0.05/month, follow-up 60). Measured: log bias against the truth with dropout
// +0.0032 (log-rank) and +0.0022 (Cox), MCSE 0.005; against true_effect +0.12 and +0.15.
TEST(Analysis, UnderDropoutTheEstimatesTargetTheTruthWithDropout) {
  const auto spec = silico::spec::parse_spec(R"(schema_version: 1
trial: {name: d, seed: 8, patients: 1000, follow_up: 60}
cohort:
  covariates:
    z: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: survival
  parameters: {baseline: exponential, rate: 0.05, hazard_ratio: {treatment: 0.5}, effect_delay: 6,
               log_hazard_ratios: {z: 0.5}, dropout_rate: 0.05}
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {methods: [logrank, cox], covariates: [z]}
)",
                                             "d.yaml");
  const silico::sim::TrialAnalysis analysis(spec);
  constexpr int kTrials = 300;
  for (const char* method : {"logrank", "cox"}) {
    double with_sum = 0.0, with_squares = 0.0, without_sum = 0.0;
    for (int k = 0; k < kTrials; ++k) {
      silico::sim::Block block;
      silico::sim::Simulator(spec).simulate(static_cast<std::uint64_t>(k), 0, spec.trial.patients, block);
      std::map<std::string, double> r;
      for (const auto& s : analysis.analyze(block)) r[s.path] = s.value;
      const std::string p = std::string("os/") + method + "/treatment/";
      const double with = std::log(r.at(p + "effect")) - std::log(r.at(p + "true_effect_with_dropout"));
      with_sum += with;
      with_squares += with * with;
      without_sum += std::log(r.at(p + "effect")) - std::log(r.at(p + "true_effect"));
    }
    const double mean = with_sum / kTrials;
    const double mcse = std::sqrt((with_squares / kTrials - mean * mean) / (kTrials - 1));
    RecordProperty(std::string(method) + "_bias_with_dropout", std::to_string(mean));
    RecordProperty(std::string(method) + "_mcse", std::to_string(mcse));
    RecordProperty(std::string(method) + "_bias_without_dropout", std::to_string(without_sum / kTrials));
    EXPECT_LE(std::abs(mean), 3 * mcse) << method;
    EXPECT_GT(without_sum / kTrials, 10 * mcse) << method;
  }
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
      {"risk_ratio", "risk_ratio"},       {"odds_ratio", "odds_ratio"},
      {"fh", "test"},                    {"maxcombo", "test"},
      {"milestone", "survival_difference"}, {"rpsft", "hazard_ratio"},
      {"completers_ancova", "mean_difference"}, {"jump_to_reference", "mean_difference"},
      {"adjusted_logrank", "hazard_ratio"}, {"ipcw", "mean_difference"},
      {"standardized_odds_ratio", "odds_ratio"}, {"copy_increments_in_reference", "mean_difference"},
      {"principal_score", "mean_difference"}, {"ipcw_switching", "hazard_ratio"}};
  for (const auto& [method, measure] : measures) {
    const auto& entry = silico::sim::method_entry(method);
    EXPECT_EQ(entry.name(), method);
    EXPECT_EQ(silico::sim::method_measure(method), measure) << method;
    EXPECT_EQ(entry.external_control(), method == "psm" || method == "iptw") << method;
    // The spec knows each method by the schema its entry registered.
    ASSERT_NE(silico::spec::find_method_schema(method), nullptr) << method;
    EXPECT_EQ(silico::spec::find_method_schema(method)->interim,
              entry.interim_accumulator != nullptr || entry.estimate_at_cut != nullptr ||
                  entry.tests_at_cut != nullptr)
        << method;
    // A method without an estimate has its tests at a cut, and only such a method.
    EXPECT_EQ(silico::spec::find_method_schema(method)->interim_max_statistic, entry.tests_at_cut != nullptr)
        << method;
  }
  EXPECT_EQ(silico::spec::method_schemas().size(), measures.size());
  EXPECT_THROW(silico::sim::method_entry("no_such_method"), std::logic_error);
}

// Each analysis says what it estimates (ICH E9(R1)): the adjusted Cox model a hazard ratio
// conditional on its adjustment set, the stratified log-rank test one within its strata,
// RMST a difference in restricted means; the five attributes are all filled.
TEST(Analysis, EveryMethodNamesItsEstimand) {
  const auto spec = silico::spec::parse_spec(kSurvival, "a.yaml");
  const auto cox = silico::sim::estimand_of(spec, 0, "cox", 1);
  EXPECT_EQ(cox.summary, "hazard ratio (arm / control) conditional on age within strata of ecog");
  EXPECT_EQ(cox.treatment, "treatment versus control");
  EXPECT_EQ(cox.variable, "os (time_to_event, months)");
  EXPECT_NE(cox.intercurrent_events.find("treatment policy"), std::string::npos);
  EXPECT_NE(cox.population.find("randomized patients"), std::string::npos);
  EXPECT_EQ(silico::sim::estimand_of(spec, 0, "logrank", 1).summary, "hazard ratio within strata of ecog (arm / control)");
  EXPECT_NE(silico::sim::estimand_of(spec, 0, "rmst", 1).summary.find("restricted mean"), std::string::npos);
  for (const auto* schema : silico::spec::method_schemas()) {
    EXPECT_FALSE(silico::sim::method_entry(schema->name).estimand(spec, spec.analysis.endpoints[0]).empty())
        << schema->name;
  }
}

namespace {

// fh and maxcombo on a stratified survival trial with no accrual and no data cut: the
// observed rows are every patient's observed outcome, censored at follow_up.
const char* kNph = R"(schema_version: 1
trial: {name: n, seed: 5, patients: 600, follow_up: 24}
cohort:
  covariates:
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.4, 0.4, 0.2]}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters: {shape: 1.3, scale: 20, hazard_ratio: {treatment: 0.8}}
endpoints: [{name: os}]
analysis:
  endpoints:
    os:
      methods: [maxcombo, logrank, fh]
      strata: [ecog]
      fh: {rho: 0, gamma: 0}
      maxcombo: {tests: [[0, 0], [0, 1], [1, 0], [0.5, 0.5]]}
)";

/// The comparison's observed rows, built from the block as the analysis builds them.
silico::stats::InMemorySurvival observed_rows(const silico::spec::TrialSpec& spec,
                                              const silico::sim::Block& block) {
  const auto& os = block.endpoints[0];
  std::vector<std::int32_t> strata;
  std::vector<std::int8_t> group;
  for (std::size_t i = 0; i < block.count; ++i) {
    strata.push_back(static_cast<std::int32_t>(block.covariates[0][i]));  // ecog's level
    group.push_back(block.arm[i] == static_cast<std::int32_t>(spec.control_arm) ? 0 : 1);
  }
  return silico::stats::InMemorySurvival(os.observed_value, os.observed_event, 0, {}, strata, group);
}

}  // namespace

TEST(Analysis, FlemingHarringtonZeroZeroIsTheLogrankTest) {
  const auto spec = silico::spec::parse_spec(kNph, "n.yaml");
  for (const std::uint64_t replicate : {0u, 1u, 2u}) {
    const auto r = analyze(spec, replicate);
    const double p = r.at("os/logrank/treatment/p");
    ASSERT_TRUE(p > 0.0 && p < 1.0) << p;
    EXPECT_NEAR(r.at("os/fh/treatment/p"), p, 1e-10) << replicate;
    // No estimand: the test's z is its only number besides p.
    for (const char* field : {"effect", "se", "ci_low", "ci_high", "true_effect"}) {
      EXPECT_TRUE(std::isnan(r.at(std::string("os/fh/treatment/") + field))) << field;
      EXPECT_TRUE(std::isnan(r.at(std::string("os/maxcombo/treatment/") + field))) << field;
    }
    // z < 0 where the log hazard ratio is < 0 (fewer treated events than expected).
    EXPECT_EQ(r.at("os/fh/treatment/z") < 0.0, std::log(r.at("os/logrank/treatment/effect")) < 0.0);
  }
}

TEST(Analysis, MaxComboIsTheMaximumOfItsFlemingHarringtonTests) {
  const auto spec = silico::spec::parse_spec(kNph, "n.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  const silico::sim::TrialAnalysis analysis(spec);
  std::map<std::string, double> r;
  for (const auto& s : analysis.analyze(block)) r[s.path] = s.value;

  const auto rows = observed_rows(spec, block);
  const std::vector<std::pair<double, double>> tests = {{0, 0}, {0, 1}, {1, 0}, {0.5, 0.5}};
  double largest = -std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < tests.size(); ++j) {
    const auto t = silico::stats::fh_logrank_sweep(rows, tests[j].first, tests[j].second, 0.025,
                                                   spec.trial.follow_up);
    EXPECT_NEAR(r.at("os/maxcombo/treatment/z_" + std::to_string(j + 1)), t.z, 1e-12) << j;
    largest = std::max(largest, -t.z);
  }
  EXPECT_NEAR(r.at("os/maxcombo/treatment/statistic"), largest, 1e-12);
  const double one_sided = r.at("os/maxcombo/treatment/p_one_sided");
  ASSERT_TRUE(one_sided > 0.0 && one_sided < 1.0) << one_sided;
  EXPECT_EQ(r.at("os/maxcombo/treatment/p"), std::min(1.0, 2.0 * one_sided));
  EXPECT_EQ(r.count("os/maxcombo/treatment/z_5"), 0u);
}

// Under H0, the maxcombo decision p < alpha (a one-sided test at alpha / 2) rejects in
// about alpha / 2 of the replicates, and two-sided fh in about alpha: within 3 MCSE over 400
// replicates of a small trial (fixed seeds: the check is deterministic).
TEST(Analysis, MaxComboAndFhKeepTheirLevelUnderTheNull) {
  std::string text = kNph;
  text.replace(text.find("treatment: 0.8"), 14, "treatment: 1.0");
  text.replace(text.find("patients: 600"), 13, "patients: 120");
  const auto spec = silico::spec::parse_spec(text, "h0.yaml");
  const double alpha = spec.analysis.alpha;
  const int replicates = 400;
  int maxcombo = 0, fh = 0;
  for (int k = 0; k < replicates; ++k) {
    const auto r = analyze(spec, static_cast<std::uint64_t>(k));
    maxcombo += r.at("os/maxcombo/treatment/p") < alpha;
    fh += r.at("os/fh/treatment/p") < alpha;
  }
  const auto within = [&](int rejected, double level) {
    const double rate = static_cast<double>(rejected) / replicates;
    const double mcse = std::sqrt(level * (1 - level) / replicates);
    EXPECT_LE(std::abs(rate - level), 3 * mcse) << rate << " vs " << level;
  };
  within(maxcombo, alpha / 2);
  within(fh, alpha);
  RecordProperty("maxcombo_rejections", maxcombo);
  RecordProperty("fh_rejections", fh);
}

namespace {

/// kNph with milestone among its methods at `time`, and `hazard_ratio` and `patients` set.
silico::spec::TrialSpec milestone_spec(const std::string& time, const std::string& hazard_ratio = "0.8",
                                       const std::string& patients = "600", bool only = false) {
  std::string text = kNph;
  text.replace(text.find("treatment: 0.8"), 14, "treatment: " + hazard_ratio);
  text.replace(text.find("patients: 600"), 13, "patients: " + patients);
  if (only) {
    // milestone alone: the replicates below are cheap.
    text = text.substr(0, text.find("      methods:")) + "      methods: [milestone]\n";
  } else {
    text.replace(text.find("methods: [maxcombo, logrank, fh]"), 32, "methods: [maxcombo, logrank, fh, milestone]");
  }
  return silico::spec::parse_spec(text + "      milestone: {time: " + time + "}\n", "m.yaml");
}

/// Share of the block's patients whose potential outcome under `arm` has no event by tau.
double potential_survival(const silico::sim::Block& block, std::size_t arm, double tau) {
  const auto& os = block.endpoints[0];
  double alive = 0.0;
  for (std::size_t i = 0; i < block.count; ++i) {
    alive += os.potential_event[arm][i] != 0 && os.potential_value[arm][i] <= tau ? 0.0 : 1.0;
  }
  return alive / static_cast<double>(block.count);
}

}  // namespace

// The milestone series are survival_difference_sweep() on the comparison's observed rows
// (no data cut: censored at follow_up), and its truth the same difference of the patients'
// potential outcomes.
TEST(Analysis, MilestoneIsTheSurvivalDifferenceAtItsTime) {
  const auto spec = milestone_spec("12");
  for (const std::uint64_t replicate : {0u, 1u}) {
    silico::sim::Block block;
    silico::sim::Simulator(spec).simulate(replicate, 0, spec.trial.patients, block);
    const silico::sim::TrialAnalysis analysis(spec);
    std::map<std::string, double> r;
    for (const auto& s : analysis.analyze(block)) r[s.path] = s.value;

    const auto e = silico::stats::survival_difference_sweep(observed_rows(spec, block), 12.0, spec.analysis.alpha,
                                                            spec.trial.follow_up);
    ASSERT_TRUE(std::isfinite(e.effect) && e.se > 0.0) << e.effect;
    EXPECT_EQ(r.at("os/milestone/treatment/effect"), e.effect);
    EXPECT_EQ(r.at("os/milestone/treatment/se"), e.se);
    EXPECT_EQ(r.at("os/milestone/treatment/ci_low"), e.ci_low);
    EXPECT_EQ(r.at("os/milestone/treatment/ci_high"), e.ci_high);
    EXPECT_EQ(r.at("os/milestone/treatment/p"), e.p);
    EXPECT_EQ(r.at("os/milestone/treatment/milestone_time"), 12.0);
    const double truth = potential_survival(block, 1, 12.0) - potential_survival(block, 0, 12.0);
    EXPECT_NEAR(r.at("os/milestone/treatment/true_effect"), truth, 1e-15);
    EXPECT_GT(truth, 0.0);  // hazard ratio 0.8: more treated patients event-free at 12
  }
}

// After the data cut (500 of 2,000 events, about time 3), no one has been followed to the
// milestone: the estimate is NaN, the truth of the patients' potential outcomes is still
// known (identical arms under HR 1: 0). Before it, a number.
TEST(Analysis, MilestoneAfterTheDataCutIsNaN) {
  std::string text = kSurvival;
  text.replace(text.find("methods: [logrank, cox, rmst, km_median]"), 40, "methods: [logrank, milestone]");
  text.replace(text.find("covariates: [age],"), 18, "");
  text.replace(text.find("rmst_horizon: 20"), 16, "milestone: {time: 20}");
  const auto late = analyze(silico::spec::parse_spec(text, "late.yaml"), 0);
  const double cut = late.at("os/data_cut_time");
  ASSERT_LT(cut, 20.0);
  for (const char* field : {"effect", "se", "ci_low", "ci_high", "p"}) {
    EXPECT_TRUE(std::isnan(late.at(std::string("os/milestone/treatment/") + field))) << field;
  }
  EXPECT_EQ(late.at("os/milestone/treatment/true_effect"), 0.0);
  EXPECT_EQ(late.at("os/milestone/treatment/milestone_time"), 20.0);

  text.replace(text.find("milestone: {time: 20}"), 21, "milestone: {time: 2}");
  ASSERT_LT(2.0, cut);
  const auto early = analyze(silico::spec::parse_spec(text, "early.yaml"), 0);
  EXPECT_TRUE(std::isfinite(early.at("os/milestone/treatment/effect")));
  EXPECT_GT(early.at("os/milestone/treatment/se"), 0.0);
  EXPECT_EQ(early.at("os/milestone/treatment/true_effect"), 0.0);
}

// Under H0 the two-sided Wald test of the milestone difference rejects in about alpha of
// the replicates, within 3 binomial MCSE over 1,000 replicates (fixed seeds: deterministic).
TEST(Analysis, MilestoneKeepsItsLevelUnderTheNull) {
  const auto spec = milestone_spec("12", "1.0", "200", true);
  const double alpha = spec.analysis.alpha;
  const int replicates = 1000;
  int rejected = 0;
  for (int k = 0; k < replicates; ++k) {
    const auto r = analyze(spec, static_cast<std::uint64_t>(k));
    ASSERT_EQ(r.at("os/milestone/treatment/true_effect"), 0.0);
    rejected += r.at("os/milestone/treatment/p") < alpha;
  }
  const double rate = static_cast<double>(rejected) / replicates;
  EXPECT_LE(std::abs(rate - alpha), 3 * std::sqrt(alpha * (1 - alpha) / replicates)) << rate;
  RecordProperty("milestone_rejections", rejected);
}

// Under an effect, the CI covers the true value (of the same patients) in about 1 - alpha
// of the replicates, within 3 binomial MCSE over 1,000 replicates. The truth is the
// sample's, which the Wald interval covers a little more often than the population's
// (Neyman's variance less that of the individual effects): HR 0.8 keeps that small.
TEST(Analysis, MilestoneCoversItsTrueValue) {
  const auto spec = milestone_spec("12", "0.8", "200", true);
  const double level = 1.0 - spec.analysis.alpha;
  const int replicates = 1000;
  int covered = 0;
  double mean_truth = 0.0;
  for (int k = 0; k < replicates; ++k) {
    const auto r = analyze(spec, static_cast<std::uint64_t>(k));
    const double truth = r.at("os/milestone/treatment/true_effect");
    ASSERT_TRUE(std::isfinite(r.at("os/milestone/treatment/ci_low")));
    covered += r.at("os/milestone/treatment/ci_low") <= truth && truth <= r.at("os/milestone/treatment/ci_high");
    mean_truth += truth / replicates;
  }
  const double coverage = static_cast<double>(covered) / replicates;
  EXPECT_LE(std::abs(coverage - level), 3 * std::sqrt(level * (1 - level) / replicates)) << coverage;
  // Weibull shape 1.3, scale 20: S_0(12) = exp(-0.6^1.3), S_1(12) = S_0(12)^0.8.
  const double s0 = std::exp(-std::pow(0.6, 1.3));
  EXPECT_NEAR(mean_truth, std::pow(s0, 0.8) - s0, 0.01);
  RecordProperty("milestone_coverage", std::to_string(coverage));
}

namespace {

// A strong prognostic covariate z (log-HR 1.2 per SD) and a strong stratifier g (log-HR
// 1.5), no censoring before 1,000: the conditional hazard ratio (0.6) and the marginal one
// are far apart (non-collapsibility).
std::string conditional_spec(const char* patients) {
  return std::string(R"(schema_version: 1
trial: {name: c, seed: 11, patients: )") +
         patients + R"(, follow_up: 1000}
cohort:
  covariates:
    z: {distribution: normal, mean: 0, sd: 1}
    g: {distribution: bernoulli, p: 0.5}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters:
    shape: 1
    scale: 10
    hazard_ratio: {treatment: 0.6}
    log_hazard_ratios: {z: 1.2, g: 1.5}
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {methods: [cox, logrank, adjusted_logrank], covariates: [z], strata: [g]}
)";
}

/// Both potential outcomes of every patient of the block (treated row first), stacked as
/// the truths use them: x = [treated, z] (or [treated] alone when !with_z), stratum g when
/// `stratified`, censored as the model censors them.
silico::stats::InMemorySurvival stacked_potential(const silico::sim::Block& block, bool with_z, bool stratified) {
  const auto& os = block.endpoints[0];
  std::vector<double> time, x;
  std::vector<std::int8_t> event, group;
  std::vector<std::int32_t> strata;
  for (std::size_t i = 0; i < block.count; ++i) {
    if (block.model_failed[i] != 0) continue;
    for (const std::size_t arm : {1u, 0u}) {
      time.push_back(os.potential_value[arm][i]);
      event.push_back(os.potential_event[arm][i]);
      group.push_back(arm == 1 ? 1 : 0);
      x.push_back(arm == 1 ? 1.0 : 0.0);
      if (with_z) x.push_back(block.covariates[0][i]);
      strata.push_back(stratified ? static_cast<std::int32_t>(block.covariates[1][i]) : 0);
    }
  }
  return silico::stats::InMemorySurvival(time, event, with_z ? 2 : 1, x, strata, group);
}

double cox_hazard_ratio(const silico::stats::SurvivalSource& rows, double cut) {
  const auto fit = silico::stats::cox_fit(rows, silico::stats::Ties::kEfron, 30, 1e-9, cut);
  return fit.converged ? std::exp(fit.beta(0)) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

// The adjusted Cox estimate's truth is the same Cox model (x = [treated, z], strata g) on
// the stacked potential outcomes; the stratified log-rank's, its Peto hazard ratio on them
// with the same strata; each also stores the marginal truth, the unadjusted Cox fit.
TEST(Analysis, AdjustedHazardRatioTruthsAreTheSameAnalysisOfThePotentialOutcomes) {
  const auto spec = silico::spec::parse_spec(conditional_spec("300"), "c.yaml");
  for (const std::uint64_t replicate : {0u, 1u}) {
    silico::sim::Block block;
    silico::sim::Simulator(spec).simulate(replicate, 0, spec.trial.patients, block);
    std::map<std::string, double> r;
    for (const auto& s : silico::sim::TrialAnalysis(spec).analyze(block)) r[s.path] = s.value;
    const double cut = spec.trial.follow_up;

    const double conditional = cox_hazard_ratio(stacked_potential(block, true, true), cut);
    const double marginal = cox_hazard_ratio(stacked_potential(block, false, false), cut);
    const double peto = silico::stats::logrank_sweep(stacked_potential(block, false, true), 0.05, cut).effect;
    ASSERT_TRUE(std::isfinite(conditional) && std::isfinite(marginal) && std::isfinite(peto));
    EXPECT_DOUBLE_EQ(r.at("os/cox/treatment/true_effect"), conditional);
    EXPECT_DOUBLE_EQ(r.at("os/logrank/treatment/true_effect"), peto);
    EXPECT_DOUBLE_EQ(r.at("os/cox/treatment/true_marginal_effect"), marginal);
    EXPECT_EQ(r.at("os/logrank/treatment/true_marginal_effect"), r.at("os/cox/treatment/true_marginal_effect"));
    // Non-collapsibility: the conditional effect is further from 1 than the marginal one.
    EXPECT_LT(conditional, peto);
    EXPECT_LT(peto, marginal);
  }
}

// Without an adjustment set the truths are the marginal one, bitwise, and no
// true_marginal_effect is stored.
TEST(Analysis, UnadjustedHazardRatioTruthIsTheMarginalOne) {
  std::string text = conditional_spec("300");
  text.replace(text.find(", covariates: [z], strata: [g]"), 30, "");
  const auto spec = silico::spec::parse_spec(text, "u.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  std::map<std::string, double> r;
  for (const auto& s : silico::sim::TrialAnalysis(spec).analyze(block)) r[s.path] = s.value;
  const double marginal = cox_hazard_ratio(stacked_potential(block, false, false), spec.trial.follow_up);
  EXPECT_EQ(r.at("os/cox/treatment/true_effect"), marginal);
  EXPECT_EQ(r.at("os/logrank/treatment/true_effect"), marginal);
  EXPECT_FALSE(r.count("os/cox/treatment/true_marginal_effect"));
  EXPECT_FALSE(r.count("os/logrank/treatment/true_marginal_effect"));
}

// Over R = 750 replicates of 4,000 patients (about 10 s), the mean log error of the
// adjusted Cox estimate is within 3 Monte Carlo SE of 0 against its own (conditional)
// truth, and far from 0 against the marginal one; the same for the stratified log-rank
// against its stratified (Peto) truth. Measured (mean log error, MCSE):
//   cox      against true_effect 0.00118 (0.00116), against true_marginal_effect -0.2495 (0.0012)
//   logrank  against true_effect 0.00044 (0.00121), against true_marginal_effect -0.0327 (0.0012)
// The stratified Cox hazard ratio of the potential outcomes (not asserted) is a worse
// target for the stratified log-rank: -0.00345 (0.00121) here, -0.0045 (0.0011) with
// 6,000 patients and R = 600, where the Peto truth gives -0.0006. With fewer patients the
// Cox estimate's own small-sample bias, of order 1/n, shows (0.016 at 300 patients).
// adjusted_logrank (Ye et al. 2023), adjusted for z, targets the marginal hazard ratio
// itself: unbiased for it with CI coverage within 3 MC SE of 95%, and less variable than
// the unadjusted estimate of the same trials, the Cox (Breslow) estimate it starts from.
// Measured: mean log error MCSE; coverage ; empirical SD adjusted / unadjusted .
TEST(Analysis, AdjustedHazardRatiosAreUnbiasedForTheirOwnTruths) {
  const auto spec = silico::spec::parse_spec(conditional_spec("4000"), "c.yaml");
  const int replicates = 750;
  struct Error {
    double sum = 0.0, squares = 0.0;
    void add(double e) { sum += e; squares += e * e; ++n; }
    int n = 0;
    double mean() const { return sum / n; }
    double sd() const {
      const double m = mean();
      return std::sqrt((squares / n - m * m) * n / (n - 1.0));
    }
    double mcse() const { return sd() / std::sqrt(static_cast<double>(n)); }
  };
  Error cox, cox_marginal, logrank, logrank_marginal, logrank_stratified_cox, adjusted, unadjusted;
  int adjusted_covered = 0;
  for (int k = 0; k < replicates; ++k) {
    silico::sim::Block block;
    silico::sim::Simulator(spec).simulate(static_cast<std::uint64_t>(k), 0, spec.trial.patients, block);
    std::map<std::string, double> r;
    for (const auto& s : silico::sim::TrialAnalysis(spec).analyze(block)) r[s.path] = s.value;
    const double c = std::log(r.at("os/cox/treatment/effect"));
    const double l = std::log(r.at("os/logrank/treatment/effect"));
    cox.add(c - std::log(r.at("os/cox/treatment/true_effect")));
    cox_marginal.add(c - std::log(r.at("os/cox/treatment/true_marginal_effect")));
    logrank.add(l - std::log(r.at("os/logrank/treatment/true_effect")));
    logrank_marginal.add(l - std::log(r.at("os/logrank/treatment/true_marginal_effect")));
    logrank_stratified_cox.add(
        l - std::log(cox_hazard_ratio(stacked_potential(block, false, true), spec.trial.follow_up)));
    const std::string a = "os/adjusted_logrank/treatment/";
    const double marginal_truth = r.at(a + "true_effect");
    EXPECT_EQ(marginal_truth, r.at("os/cox/treatment/true_marginal_effect"));
    adjusted.add(std::log(r.at(a + "effect") / marginal_truth));
    unadjusted.add(std::log(r.at(a + "unadjusted_effect") / marginal_truth));
    adjusted_covered += r.at(a + "ci_low") <= marginal_truth && marginal_truth <= r.at(a + "ci_high");
  }
  const double coverage = adjusted_covered / static_cast<double>(replicates);
  const double sd_ratio = adjusted.sd() / unadjusted.sd();
  RecordProperty("adjusted_logrank_mean_log_error", std::to_string(adjusted.mean()));
  RecordProperty("adjusted_logrank_mcse", std::to_string(adjusted.mcse()));
  RecordProperty("adjusted_logrank_coverage", std::to_string(coverage));
  RecordProperty("adjusted_over_unadjusted_sd", std::to_string(sd_ratio));
  EXPECT_LE(std::abs(adjusted.mean()), 3 * adjusted.mcse()) << adjusted.mean();
  EXPECT_LE(std::abs(coverage - 0.95), 3 * std::sqrt(0.95 * 0.05 / replicates)) << coverage;
  EXPECT_LT(sd_ratio, 0.95) << sd_ratio;
  RecordProperty("cox_mean_log_error", std::to_string(cox.mean()));
  RecordProperty("cox_marginal_mean_log_error", std::to_string(cox_marginal.mean()));
  RecordProperty("logrank_mean_log_error", std::to_string(logrank.mean()));
  RecordProperty("logrank_marginal_mean_log_error", std::to_string(logrank_marginal.mean()));
  RecordProperty("logrank_stratified_cox_mean_log_error", std::to_string(logrank_stratified_cox.mean()));
  EXPECT_LE(std::abs(cox.mean()), 3 * cox.mcse()) << cox.mean();
  EXPECT_LE(std::abs(logrank.mean()), 3 * logrank.mcse()) << logrank.mean();
  // Against the marginal truth: further from 1 than it, by far more than 3 MCSE.
  EXPECT_LT(cox_marginal.mean(), -10 * cox_marginal.mcse()) << cox_marginal.mean();
  EXPECT_LT(logrank_marginal.mean(), -10 * logrank_marginal.mcse()) << logrank_marginal.mean();
}
