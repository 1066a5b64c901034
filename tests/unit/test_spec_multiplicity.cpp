/// @file
/// @brief Unit tests for analysis.multiplicity: the procedure, the hypotheses (listed or
/// the default), the weights and the graph are read to the exact values; every error is
/// reported at its file, line, column and key path.
///
/// Each YAML text starts right after R"( so that its first key is on line 1; columns are
/// 1-based, counted by hand from the text and noted where not obvious.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "spec/spec.hpp"
#include "spec_diagnostics.hpp"

namespace silico::spec {
namespace {

using testing::dump;
using testing::errors_of;
using testing::has_diagnostic;


/// A valid three-arm spec (placebo the control, low, high) with endpoints y (welch, ancova)
/// and r (risk_difference, odds_ratio), whose analysis.multiplicity mapping is on line 15
/// and holds `lines` from line 16 (each indented by four).
std::string multiplicity_spec(const std::string& lines) {
  return R"(schema_version: 1
trial: {name: t, seed: 1, patients: 90, follow_up: 12}
cohort:
  covariates:
    x1: {distribution: normal, mean: 0, sd: 1}
arms: [{name: placebo, control: true}, {name: low}, {name: high}]
model: {name: linear_change, parameters: {intercept: 1, residual_sd: 3}}
endpoints:
  - name: y
  - {name: r, output: change, responder: {above: 2}}
analysis:
  endpoints:
    y: {methods: [welch, ancova], covariates: [x1]}
    r: {methods: [risk_difference, odds_ratio]}
  multiplicity:
)" + lines;
}

const char* const kTwo = "    hypotheses:\n      - {endpoint: y, arm: low}\n      - {endpoint: y, arm: high}\n";

TEST(SpecMultiplicity, AbsentIsNone) {
  const auto spec = parse_spec(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 90, follow_up: 12}
cohort:
  covariates:
    x1: {distribution: normal, mean: 0, sd: 1}
arms: [{name: placebo, control: true}, {name: low}, {name: high}]
model: {name: linear_change, parameters: {intercept: 1, residual_sd: 3}}
endpoints:
  - name: y
)", "spec.yaml");
  EXPECT_FALSE(spec.analysis.multiplicity.has_value());
}

TEST(SpecMultiplicity, DefaultHypothesesArePrimaryMethodOfFirstEndpointPerTreatmentArm) {
  const auto spec = parse_spec(multiplicity_spec("    procedure: holm\n"), "spec.yaml");
  ASSERT_TRUE(spec.analysis.multiplicity.has_value());
  const auto& m = *spec.analysis.multiplicity;
  EXPECT_EQ(m.procedure, MultiplicitySpec::Procedure::kHolm);
  EXPECT_STREQ(to_string(m.procedure), "holm");
  ASSERT_EQ(m.hypotheses.size(), 2u);
  EXPECT_EQ(m.hypotheses[0].endpoint, 0u);
  EXPECT_EQ(m.hypotheses[0].arm, 1u);  // low
  EXPECT_EQ(m.hypotheses[0].method, "welch");
  EXPECT_EQ(m.hypotheses[1].arm, 2u);  // high
  EXPECT_EQ(m.hypotheses[1].method, "welch");
  EXPECT_TRUE(m.weights.empty());
  EXPECT_TRUE(m.transitions.empty());
}

TEST(SpecMultiplicity, EveryProcedureName) {
  for (const auto& [name, procedure] :
       std::vector<std::pair<std::string, MultiplicitySpec::Procedure>>{
           {"bonferroni", MultiplicitySpec::Procedure::kBonferroni},
           {"holm", MultiplicitySpec::Procedure::kHolm},
           {"hochberg", MultiplicitySpec::Procedure::kHochberg},
           {"dunnett", MultiplicitySpec::Procedure::kDunnett}}) {
    const auto spec = parse_spec(multiplicity_spec("    procedure: " + name + "\n"), "spec.yaml");
    EXPECT_EQ(spec.analysis.multiplicity->procedure, procedure) << name;
    EXPECT_EQ(to_string(procedure), name);
  }
}

TEST(SpecMultiplicity, WeightedHolm) {
  const auto spec = parse_spec(multiplicity_spec("    procedure: holm\n    weights: [0.25, 0.75]\n"), "spec.yaml");
  EXPECT_EQ(spec.analysis.multiplicity->weights, (std::vector<double>{0.25, 0.75}));
}

TEST(SpecMultiplicity, GraphWithListedHypothesesAndMethods) {
  const auto spec = parse_spec(multiplicity_spec(R"(    procedure: graphical
    hypotheses:
      - {endpoint: y, arm: high}
      - {endpoint: y, arm: low}
      - {endpoint: r, arm: high, method: odds_ratio}
    weights: [0.5, 0.5, 0]
    transitions: [[0, 0, 1], [0, 0, 1], [0.5, 0.5, 0]]
)"),
                               "spec.yaml");
  const auto& m = *spec.analysis.multiplicity;
  EXPECT_EQ(m.procedure, MultiplicitySpec::Procedure::kGraphical);
  ASSERT_EQ(m.hypotheses.size(), 3u);
  EXPECT_EQ(m.hypotheses[0].endpoint, 0u);
  EXPECT_EQ(m.hypotheses[0].arm, 2u);
  EXPECT_EQ(m.hypotheses[0].method, "welch");  // the endpoint's primary method
  EXPECT_EQ(m.hypotheses[1].arm, 1u);
  EXPECT_EQ(m.hypotheses[2].endpoint, 1u);
  EXPECT_EQ(m.hypotheses[2].arm, 2u);
  EXPECT_EQ(m.hypotheses[2].method, "odds_ratio");
  EXPECT_EQ(m.weights, (std::vector<double>{0.5, 0.5, 0.0}));
  ASSERT_EQ(m.transitions.size(), 3u);
  EXPECT_EQ(m.transitions[2], (std::vector<double>{0.5, 0.5, 0.0}));
}

TEST(SpecMultiplicity, UnknownProcedureSuggests) {
  const auto d = errors_of(multiplicity_spec("    procedure: hlm\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.procedure", 16, 16,
                             {"unknown procedure 'hlm'", "did you mean 'holm'?"}));
}

TEST(SpecMultiplicity, MissingProcedure) {
  const auto d = errors_of(multiplicity_spec(kTwo));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.procedure", 16, 5, {"missing required key 'procedure'"}));
}

TEST(SpecMultiplicity, UnknownKeySuggests) {
  const auto d = errors_of(multiplicity_spec("    procedure: holm\n    weight: [0.5, 0.5]\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weight", 17, 5, {"did you mean 'weights'?"}));
}

TEST(SpecMultiplicity, UnknownEndpointArmAndMethod) {
  const auto d = errors_of(multiplicity_spec(R"(    procedure: holm
    hypotheses:
      - {endpoint: yy, arm: high}
      - {endpoint: y, arm: hgh}
      - {endpoint: y, arm: high, method: welsh}
      - {endpoint: y, arm: low, method: cox}
)"));
  // "      - {endpoint: " is 19 characters; "      - {endpoint: y, arm: " 27.
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses[0].endpoint", 18, 20,
                             {"unknown endpoint 'yy'", "did you mean 'y'?"}));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses[1].arm", 19, 28,
                             {"unknown arm 'hgh'", "did you mean 'high'?"}));
  // "      - {endpoint: y, arm: high, method: " is 41 characters.
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses[2].method", 20, 42,
                             {"unknown method 'welsh'", "did you mean 'welch'?", "welch or ancova"}));
  // cox is a method, but not of this continuous endpoint; "..., arm: low, method: " is 40.
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses[3].method", 21, 41,
                             {"method 'cox' is not a method of endpoint 'y'", "analysis.endpoints.y.methods"}));
  EXPECT_EQ(d.size(), 4u);
}

TEST(SpecMultiplicity, ControlArmIsNoHypothesis) {
  const auto d = errors_of(multiplicity_spec("    procedure: holm\n    hypotheses:\n      - {endpoint: y, arm: placebo}\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses[0].arm", 18, 28,
                             {"'placebo' is the control arm"}));
}

TEST(SpecMultiplicity, HypothesisTwice) {
  // The second names the primary method explicitly: the same hypothesis.
  const auto d = errors_of(multiplicity_spec(
      "    procedure: holm\n    hypotheses:\n      - {endpoint: y, arm: low}\n"
      "      - {endpoint: y, arm: low, method: welch}\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses[1]", 19, 9, {"hypothesis y/welch/low listed twice"}));
}

TEST(SpecMultiplicity, NoHypothesis) {
  const auto d = errors_of(multiplicity_spec("    procedure: holm\n    hypotheses: []\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses", 17, 17, {"expected at least one hypothesis"}));
}

TEST(SpecMultiplicity, HolmWeightsMustSumToOne) {
  const auto d = errors_of(multiplicity_spec("    procedure: holm\n    weights: [0.5, 0.4]\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights", 17, 14, {"weights of holm must sum to 1", "sum to 0.9"}));
}

TEST(SpecMultiplicity, NegativeWeight) {
  const auto d = errors_of(multiplicity_spec("    procedure: bonferroni\n    weights: [1.5, -0.5]\n"));
  // "    weights: [1.5, " is 19 characters.
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights[1]", 17, 20,
                             {"weight of hypothesis 2 (y/welch/high) must be >= 0, got -0.5"}));
}

TEST(SpecMultiplicity, OneWeightPerHypothesis) {
  const auto d = errors_of(multiplicity_spec("    procedure: holm\n    weights: [1]\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights", 17, 14, {"expected 2 weights, one per hypothesis, got 1"}));
}

TEST(SpecMultiplicity, HochbergTakesNoWeights) {
  const auto d = errors_of(multiplicity_spec("    procedure: hochberg\n    weights: [0.5, 0.5]\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights", 17, 5, {"hochberg takes no weights"}));
}

TEST(SpecMultiplicity, TransitionsOnlyForGraphical) {
  const auto d = errors_of(multiplicity_spec("    procedure: holm\n    transitions: [[0, 1], [1, 0]]\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions", 17, 5,
                             {"transitions apply to the graphical procedure only, not holm"}));
}

/// A graphical procedure over the default hypotheses (low, high) with these lines.
std::string graph(const std::string& weights, const std::string& transitions) {
  return multiplicity_spec("    procedure: graphical\n    weights: " + weights + "\n    transitions: " + transitions + "\n");
}

TEST(SpecMultiplicity, GraphNeedsWeightsAndTransitions) {
  const auto d = errors_of(multiplicity_spec("    procedure: graphical\n"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights", 16, 5, {"missing required key 'weights'"}));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions", 16, 5, {"missing required key 'transitions'"}));
}

TEST(SpecMultiplicity, GraphWeightsAboveOne) {
  const auto d = errors_of(graph("[0.6, 0.6]", "[[0, 1], [1, 0]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights", 17, 14, {"sum to at most 1", "these sum to 1.2"}));
}

TEST(SpecMultiplicity, GraphNegativeWeight) {
  const auto d = errors_of(graph("[-0.1, 0.5]", "[[0, 1], [1, 0]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights[0]", 17, 15,
                             {"weight of hypothesis 1 (y/welch/low) must be >= 0, got -0.1"}));
}

TEST(SpecMultiplicity, GraphTransitionsNotSquare) {
  auto d = errors_of(graph("[0.5, 0.5]", "[[0, 1]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions", 18, 18, {"expected a 2 x 2 transition matrix", "got 1 rows"}));
  // "    transitions: [[0, 1], " is 26 characters.
  d = errors_of(graph("[0.5, 0.5]", "[[0, 1], [1]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions[1]", 18, 27,
                             {"expected 2 entries in the row of hypothesis 2 (y/welch/high)", "got 1"}));
}

TEST(SpecMultiplicity, GraphRowAboveOne) {
  const auto d = errors_of(graph("[0.5, 0.5]", "[[0, 1.5], [1, 0]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions[0]", 18, 19,
                             {"transitions from hypothesis 1 (y/welch/low) must sum to at most 1", "sum to 1.5"}));
}

TEST(SpecMultiplicity, GraphDiagonal) {
  // "    transitions: [[0, 1], [0.5, " is 32 characters.
  const auto d = errors_of(graph("[0.5, 0.5]", "[[0, 1], [0.5, 0.5]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions[1][1]", 18, 33,
                             {"transition from hypothesis 2 (y/welch/high) to itself must be 0, got 0.5"}));
}

TEST(SpecMultiplicity, GraphNegativeTransition) {
  const auto d = errors_of(graph("[0.5, 0.5]", "[[0, -1], [1, 0]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions[0][1]", 18, 23,
                             {"transition from hypothesis 1 (y/welch/low) to hypothesis 2 (y/welch/high) must be >= 0",
                              "got -1"}));
}

TEST(SpecMultiplicity, GraphWeightAndTransitionErrorsBothReported) {
  const auto d = errors_of(graph("[0.7, 0.7]", "[[1, 0], [1, 0]]"));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights", 17, 14, {"sum to at most 1"}));
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.transitions[0][0]", 18, 20, {"to itself must be 0"}));
}

TEST(SpecMultiplicity, MethodWithoutTest) {
  const auto d = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 90, follow_up: 12}
cohort:
  covariates:
    x1: {distribution: normal, mean: 0, sd: 1}
arms: [{name: placebo, control: true}, {name: low}, {name: high}]
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
analysis:
  endpoints:
    os: {methods: [km_median, logrank]}
  multiplicity:
    procedure: holm
    hypotheses:
      - {endpoint: os, arm: low, method: km_median}
)");
  // "      - {endpoint: os, arm: low, method: " is 41 characters.
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.hypotheses[0].method", 16, 42,
                             {"method 'km_median' gives no p-value", "logrank"}));
  // The default hypotheses use the primary method, km_median here.
  const auto e = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 90, follow_up: 12}
cohort:
  covariates:
    x1: {distribution: normal, mean: 0, sd: 1}
arms: [{name: placebo, control: true}, {name: low}, {name: high}]
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
analysis:
  endpoints:
    os: {methods: [km_median, logrank]}
  multiplicity: {procedure: holm}
)");
  EXPECT_TRUE(has_diagnostic(e, "analysis.multiplicity", 13, 17, {"gives no p-value: list the hypotheses"}));
}

TEST(SpecMultiplicity, NoEndpointNamedMultiplicity) {
  const auto d = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 90, follow_up: 12}
cohort:
  covariates:
    x1: {distribution: normal, mean: 0, sd: 1}
arms: [{name: placebo, control: true}, {name: low}, {name: high}]
model: {name: linear_change, parameters: {intercept: 1, residual_sd: 3}}
endpoints: [{name: multiplicity}]
analysis:
  multiplicity: {procedure: holm}
)");
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity", 10, 3, {"an endpoint named 'multiplicity'"}));
}

TEST(SpecMultiplicity, DunnettComparesArmsOnOneEndpointAndMethod) {
  // Several arms against the shared control on one endpoint and method: the hypotheses
  // of y/welch for both doses are fine; a hypothesis of another endpoint is not, and
  // weights are refused (the test is equally weighted). Line 16 holds the procedure.
  const auto spec = parse_spec(multiplicity_spec("    procedure: dunnett\n" + std::string(kTwo)), "spec.yaml");
  EXPECT_EQ(spec.analysis.multiplicity->procedure, MultiplicitySpec::Procedure::kDunnett);
  auto d = errors_of(multiplicity_spec(R"(    procedure: dunnett
    hypotheses:
      - {endpoint: y, arm: low}
      - {endpoint: r, arm: high}
)"));
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.procedure", 16, 16,
                             {"dunnett compares several arms with the shared control on one endpoint and method",
                              "hypothesis 2 (r/risk_difference) differs from hypothesis 1 (y/welch)"}));
  d = errors_of(multiplicity_spec("    procedure: dunnett\n    weights: [0.5, 0.5]\n"));
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_TRUE(has_diagnostic(d, "analysis.multiplicity.weights", 17, 5, {"dunnett takes no weights"}));
}

}  // namespace
}  // namespace silico::spec
