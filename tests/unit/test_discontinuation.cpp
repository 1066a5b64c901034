/// @file
/// @brief Discontinuation and rescue medication, intercurrent events of a continuous
/// endpoint (ICH E9(R1)): the chronic_discontinuation model's potential outcomes under each
/// strategy (treatment policy, hypothetical, while on treatment, composite) and a
/// replicate study scoring each estimator against the true value of its own estimand.

#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "sim/analysis.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"
#include "monte_carlo.hpp"
#include "spec_diagnostics.hpp"

namespace {

/// Line 30 lists the methods of `tp`, line 31 those of `hyp`.
/// The optional arguments change no line number.
std::string chronic_spec(const std::string& patients, const std::string& hypothetical_methods = "[completers_ancova, ancova, ipcw]",
                         const std::string& waning = "0.1", const std::string& rescue = "0.5",
                         const std::string& tp_methods = "[ancova]") {
  return R"(schema_version: 1
trial: {name: c, seed: 5, patients: )" + patients + R"(, time_unit: weeks, follow_up: 52}
cohort:
  covariates:
    age: {distribution: normal, mean: 55, sd: 12}
    score: {distribution: uniform, min: 20, max: 60}
arms: [{name: placebo, control: true}, {name: active}]
model:
  name: chronic_discontinuation
  parameters:
    intercept: -2
    covariate_effects: {age: {per_unit: -0.05, reference: 55}, score: {per_unit: -0.2, reference: 40}}
    arm_slope: {active: -0.1}
    residual_sd: 6
    discontinuation_rate: {placebo: 0.006, active: 0.004}
    discontinuation_log_hazard: {score: {per_unit: 0.04, reference: 40}}
    waning_rate: )" + waning + R"(
    rescue_probability: )" + rescue + R"(
    rescue_effect: -3
    composite_value: 0
endpoints:
  - {name: tp, output: change}
  - {name: hyp, output: change, intercurrent_events: {discontinuation: hypothetical}}
  - {name: wot, output: change, intercurrent_events: {discontinuation: while_on_treatment}}
  - {name: comp, output: change, intercurrent_events: {discontinuation: composite}}
  - {name: stop, output: discontinuation}
  - {name: rescue, output: rescue}
analysis:
  endpoints:
    tp: {methods: )" + tp_methods + R"(, covariates: [age, score]}
    hyp: {methods: )" + hypothetical_methods + R"(, covariates: [age, score]}
    wot: {methods: [ancova], covariates: [age, score]}
    comp: {methods: [ancova], covariates: [age, score]}
    stop: {methods: [logrank]}
    rescue: {methods: [logrank]}
)";
}

// Patient by patient: a patient who never stops has one value under every strategy; one
// who stops by week 52 has composite_value under the composite strategy, the value at
// stopping while on treatment, and loses the effect accrued (slope x D) as it wanes; the
// rescued are among those who stopped, at the same time.
TEST(Discontinuation, PotentialOutcomesFollowEachStrategy) {
  const auto spec = silico::spec::parse_spec(chronic_spec("3000"), "c.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  const auto &tp = block.endpoints[0], &hyp = block.endpoints[1], &wot = block.endpoints[2],
             &comp = block.endpoints[3], &stop = block.endpoints[4], &rescue = block.endpoints[5];
  int stopped = 0, rescued = 0;
  for (std::size_t i = 0; i < block.count; ++i) {
    EXPECT_EQ(hyp.observed_value[i], tp.observed_value[i]);  // what the trial records
    for (std::size_t a = 0; a < 2; ++a) {
      const double h = hyp.potential_value[a][i];
      if (stop.potential_event[a][i] == 0) {
        EXPECT_EQ(tp.potential_value[a][i], h);
        EXPECT_EQ(wot.potential_value[a][i], h);
        EXPECT_EQ(comp.potential_value[a][i], h);
        EXPECT_EQ(rescue.potential_event[a][i], 0);
        continue;
      }
      ++stopped;
      const double d = stop.potential_value[a][i];
      EXPECT_LT(d, 52.0);
      EXPECT_EQ(comp.potential_value[a][i], 0.0);
      const double slope = a == 1 ? -0.1 : 0.0;
      const bool was_rescued = rescue.potential_event[a][i] == 1;
      rescued += was_rescued;
      if (was_rescued) {
        EXPECT_EQ(rescue.potential_value[a][i], d);
      }
      const double waned = slope * d * std::exp(-0.1 * (52.0 - d));
      EXPECT_NEAR(tp.potential_value[a][i] - (was_rescued ? -3.0 : 0.0), h - slope * 52.0 + waned, 1e-9);
      // While on treatment: the value at D, short of the course and the arm's slope over
      // the 52 - D weeks left.
      const double course = (-2.0 - 0.05 * (block.covariates[0][i] - 55.0) - 0.2 * (block.covariates[1][i] - 40.0)) / 52.0;
      EXPECT_NEAR(wot.potential_value[a][i], h - (course + slope) * (52.0 - d), 1e-9);
    }
  }
  EXPECT_GT(stopped, 1000);
  EXPECT_GT(rescued, 400);
}

// Over 400 trials of 800 patients: ANCOVA is unbiased for the treatment-policy, while-on-
// treatment and composite estimands on their own endpoints (each observed as it is
// defined, randomization does the rest); completers_ancova for the hypothetical one, since
// stopping depends on the adjusted score and the arm only, and ipcw for the same reason
// (its Cox model of stopping holds), with CI coverage within 3 MC SE of 95% or above;
// the ITT ANCOVA is not unbiased for the hypothetical estimand, whose effect does not
// wane: it should not be. Measured (MCSE about 0.02-0.03): tp 0.005, hyp completers_ancova
// 0.011, hyp ipcw 0.001 (coverage 0.945), wot 0.002, comp 0.006; the ITT ANCOVA against
// the hypothetical truth 1.03.
TEST(Discontinuation, EachEstimatorIsUnbiasedForItsOwnEstimand) {
  const auto spec = silico::spec::parse_spec(chronic_spec("800"), "c.yaml");
  std::map<std::string, Errors> errors;
  int ipcw_covered = 0;
  for (int k = 0; k < 400; ++k) {
    silico::sim::Block block;
    silico::sim::Simulator(spec).simulate(static_cast<std::uint64_t>(k), 0, spec.trial.patients, block);
    std::map<std::string, double> r;
    for (const auto& s : silico::sim::TrialAnalysis(spec).analyze(block)) r[s.path] = s.value;
    for (const char* m : {"tp/ancova", "hyp/completers_ancova", "hyp/ancova", "hyp/ipcw", "wot/ancova", "comp/ancova"}) {
      const std::string p = std::string(m) + "/active/";
      errors[m].add(r.at(p + "effect") - r.at(p + "true_effect"));
    }
    const std::string w = "hyp/ipcw/active/";
    ipcw_covered += r.at(w + "ci_low") <= r.at(w + "true_effect") && r.at(w + "true_effect") <= r.at(w + "ci_high");
  }
  const double coverage = ipcw_covered / 400.0;
  RecordProperty("hyp/ipcw coverage", std::to_string(coverage));
  RecordProperty("hyp/ipcw mcse", std::to_string(errors["hyp/ipcw"].mcse()));
  EXPECT_GE(coverage, 0.95 - 3 * std::sqrt(0.95 * 0.05 / 400)) << coverage;
  for (const char* m : {"tp/ancova", "hyp/completers_ancova", "hyp/ipcw", "wot/ancova", "comp/ancova"}) {
    RecordProperty(m, std::to_string(errors[m].mean()));
    EXPECT_LE(std::abs(errors[m].mean()), 3 * errors[m].mcse()) << m << " " << errors[m].mean();
  }
  RecordProperty("hyp/ancova", std::to_string(errors["hyp/ancova"].mean()));
  EXPECT_GT(errors["hyp/ancova"].mean(), 10 * errors["hyp/ancova"].mcse()) << errors["hyp/ancova"].mean();
}

TEST(Discontinuation, CompletersAncovaOnlyWhereTheEstimandIsHypothetical) {
  std::string spec = chronic_spec("100");
  spec.replace(spec.find("tp: {methods: [ancova]"), 22, "tp: {methods: [completers_ancova]");
  const auto e = silico::spec::testing::errors_of(spec);
  EXPECT_TRUE(silico::spec::testing::has_diagnostic(
      e, "analysis.endpoints.tp.methods[0]", 30, 20,
      {"'completers_ancova' estimates the hypothetical strategy for 'discontinuation'"}));
}

// Reference-based imputation hides the outcomes after discontinuation and imputes them.
// Jump to reference (J2R) imputes a control patient's outcome; copy increments in
// reference (CIR) keeps the difference accrued on treatment, slope x D for a patient who
// stops at D (the model's effect accrues linearly on treatment, as CIR assumes). Theory,
// with no one taking rescue: when the effect is lost at once on stopping (waning_rate 1000
// per week) J2R is unbiased for the treatment-policy effect and CIR is biased away from
// 0 by the effect it wrongly keeps; when the effect persists after stopping (waning_rate
// 0) CIR is unbiased and J2R biased towards 0, by E[slope D; D < 52] P-weighted, about
// +0.6 here. Rubin's variance exceeds the sampling variance under reference-based
// imputation (Seaman, White & Leacy 2014), so coverage is at least nominal. 300 trials of
// 800 patients, 20 imputations each; both methods on the same trials. Measured: effect
// lost: J2R error +0.029 (MCSE 0.025), coverage 0.967, CIR -0.47 (MCSE 0.027); effect
// kept: J2R +0.53 (MCSE 0.024), CIR +0.036 (MCSE 0.027), coverage 0.957.
TEST(Discontinuation, ReferenceBasedImputationIsUnbiasedWhereItsAssumptionHolds) {
  struct Study {
    Errors jump, copy;
    double jump_coverage = 0.0, copy_coverage = 0.0;
  };
  const auto study = [](const std::string& waning) {
    const auto spec = silico::spec::parse_spec(
        chronic_spec("800", "[completers_ancova]", waning, "0",
                     "[jump_to_reference, copy_increments_in_reference], jump_to_reference: {imputations: 20}, "
                     "copy_increments_in_reference: {imputations: 20}"),
        "c.yaml");
    Study out;
    const silico::sim::TrialAnalysis analysis(spec);
    for (int k = 0; k < 300; ++k) {
      silico::sim::Block block;
      silico::sim::Simulator(spec).simulate(static_cast<std::uint64_t>(k), 0, spec.trial.patients, block);
      std::map<std::string, double> r;
      for (const auto& s : analysis.analyze(block)) r[s.path] = s.value;
      for (const char* method : {"jump_to_reference", "copy_increments_in_reference"}) {
        const std::string p = std::string("tp/") + method + "/active/";
        const double truth = r.at(p + "true_effect");
        const bool jump = method[0] == 'j';
        (jump ? out.jump : out.copy).add(r.at(p + "effect") - truth);
        (jump ? out.jump_coverage : out.copy_coverage) += (r.at(p + "ci_low") <= truth && truth <= r.at(p + "ci_high")) / 300.0;
        EXPECT_GT(r.at(p + "imputed"), 100.0);
      }
    }
    return out;
  };
  const double nominal = 0.95 - 3 * std::sqrt(0.95 * 0.05 / 300);
  const Study lost = study("1000");
  RecordProperty("jump_error_effect_lost", std::to_string(lost.jump.mean()));
  RecordProperty("jump_mcse_effect_lost", std::to_string(lost.jump.mcse()));
  RecordProperty("jump_coverage_effect_lost", std::to_string(lost.jump_coverage));
  RecordProperty("copy_error_effect_lost", std::to_string(lost.copy.mean()));
  RecordProperty("copy_mcse_effect_lost", std::to_string(lost.copy.mcse()));
  EXPECT_LE(std::abs(lost.jump.mean()), 3 * lost.jump.mcse()) << lost.jump.mean();
  EXPECT_GE(lost.jump_coverage, nominal);
  EXPECT_LT(lost.copy.mean(), -10 * lost.copy.mcse()) << lost.copy.mean();
  const Study kept = study("0");
  RecordProperty("jump_error_effect_kept", std::to_string(kept.jump.mean()));
  RecordProperty("jump_mcse_effect_kept", std::to_string(kept.jump.mcse()));
  RecordProperty("copy_error_effect_kept", std::to_string(kept.copy.mean()));
  RecordProperty("copy_mcse_effect_kept", std::to_string(kept.copy.mcse()));
  RecordProperty("copy_coverage_effect_kept", std::to_string(kept.copy_coverage));
  EXPECT_GT(kept.jump.mean(), 10 * kept.jump.mcse()) << kept.jump.mean();
  EXPECT_LE(std::abs(kept.copy.mean()), 3 * kept.copy.mcse()) << kept.copy.mean();
  EXPECT_GE(kept.copy_coverage, nominal);
}

TEST(Discontinuation, JumpToReferenceOnlyOnTheTreatmentPolicyEndpoint) {
  const auto e = silico::spec::testing::errors_of(chronic_spec("100", "[jump_to_reference]"));
  EXPECT_TRUE(silico::spec::testing::has_diagnostic(
      e, "analysis.endpoints.hyp.methods[0]", 31, 21,
      {"'jump_to_reference' estimates the treatment_policy strategy for 'discontinuation'",
       "an endpoint that gives 'discontinuation' no other strategy"}));
  // imputations: a whole number in [2, 1000].
  const auto count = silico::spec::testing::errors_of(chronic_spec(
      "100", "[completers_ancova]", "0.1", "0.5", "[jump_to_reference], jump_to_reference: {imputations: 2.5}"));
  EXPECT_TRUE(silico::spec::testing::has_diagnostic(count, "analysis.endpoints.tp.jump_to_reference.imputations", 30,
                                                    73, {"expected imputations in [2, 1000] (a whole number), got 2.5"}));
}

}  // namespace
