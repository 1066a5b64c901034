/// @file
/// @brief analysis.multiplicity per replicate (sim/multiplicity.hpp): on hand-made
/// replicates (the p-value series set by hand, each procedure's decisions and adjusted
/// p-values worked out below), NaN p-values, the strict level at a tie, the attributes,
/// and through TrialAnalysis::analyze on a simulated replicate.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/analysis.hpp"
#include "sim/multiplicity.hpp"
#include "spec/spec.hpp"
#include "stats/multiplicity.hpp"

namespace silico::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Three arms (placebo the control, low, high), endpoints y (welch, ancova) and r
/// (risk_difference, odds_ratio), alpha 0.05, and `multiplicity` as the last lines.
spec::TrialSpec three_arms(const std::string& multiplicity, std::uint64_t patients = 90) {
  return spec::parse_spec(R"(schema_version: 1
trial: {name: t, seed: 11, patients: )" + std::to_string(patients) + R"(, follow_up: 12}
cohort:
  covariates:
    x1: {distribution: normal, mean: 0, sd: 1}
arms: [{name: placebo, control: true}, {name: low}, {name: high}]
model: {name: linear_change, parameters: {intercept: 1, residual_sd: 3, arm_effect: {high: 1}}}
endpoints:
  - name: y
  - {name: r, output: change, responder: {above: 2}}
analysis:
  endpoints:
    y: {methods: [welch, ancova], covariates: [x1]}
    r: {methods: [risk_difference, odds_ratio]}
  multiplicity:
)" + multiplicity,
                          "spec.yaml");
}

/// The hand-made replicate: the series of `p` (path -> value), then the multiplicity ones.
std::map<std::string, double> emitted(const spec::TrialSpec& spec, const std::map<std::string, double>& p) {
  std::vector<Series> out;
  for (const auto& [path, value] : p) out.push_back({path, value});
  emit_multiplicity(spec, out);
  std::map<std::string, double> result;
  for (std::size_t i = p.size(); i < out.size(); ++i) result[out[i].path] = out[i].value;
  return result;
}

TEST(SimMultiplicity, HolmOnTwoArms) {
  const auto spec = three_arms("    procedure: holm\n");
  // 0.01 and 0.04: 2 x 0.01 = 0.02 < 0.05, then 1 x 0.04 < 0.05: both rejected.
  auto r = emitted(spec, {{"y/welch/low/p", 0.01}, {"y/welch/high/p", 0.04}});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 1.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), 1.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/1_y_welch_low/adjusted_p"), 0.02);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/2_y_welch_high/adjusted_p"), 0.04);
  // 0.03 and 0.04: 2 x 0.03 = 0.06 stops the test; both adjusted to 0.06.
  r = emitted(spec, {{"y/welch/low/p", 0.03}, {"y/welch/high/p", 0.04}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 0.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), 0.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/1_y_welch_low/adjusted_p"), 0.06);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/2_y_welch_high/adjusted_p"), 0.06);
}

TEST(SimMultiplicity, BonferroniAndHochberg) {
  // Bonferroni: 2 x 0.01 = 0.02 rejected, 2 x 0.04 = 0.08 not.
  auto r = emitted(three_arms("    procedure: bonferroni\n"), {{"y/welch/low/p", 0.01}, {"y/welch/high/p", 0.04}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 1.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), 0.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/2_y_welch_high/adjusted_p"), 0.08);
  // Hochberg: the larger p, 0.04, is < 0.05, so both are rejected (Holm rejects neither);
  // adjusted p of the smaller = min(2 x 0.03, 0.04) = 0.04.
  r = emitted(three_arms("    procedure: hochberg\n"), {{"y/welch/low/p", 0.03}, {"y/welch/high/p", 0.04}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 1.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), 1.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/1_y_welch_low/adjusted_p"), 0.04);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/2_y_welch_high/adjusted_p"), 0.04);
}

TEST(SimMultiplicity, WeightedHolm) {
  // Weights 0.2 and 0.8: p / w = 0.1 and 0.0125; the second first: 0.01 <= 0.05 x 0.8 / 1,
  // then 0.02 <= 0.05 x 0.2 / 0.2 = 0.05. Adjusted: 0.0125, max(0.0125, 0.1 x 0.2) = 0.02.
  const auto r = emitted(three_arms("    procedure: holm\n    weights: [0.2, 0.8]\n"),
                         {{"y/welch/low/p", 0.02}, {"y/welch/high/p", 0.01}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 1.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), 1.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/1_y_welch_low/adjusted_p"), 0.02);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/2_y_welch_high/adjusted_p"), 0.0125);
}

TEST(SimMultiplicity, GraphPassesLevelOn) {
  // H1 y/welch/high and H2 y/welch/low at 0.025 each, H3 r/odds_ratio/high at 0 until
  // H1 or H2 passes its level on; H3 passes half back to each. p = (0.01, 0.2, 0.02):
  // H1 is rejected (0.01 <= 0.025), H3 then has 0.025 and is rejected, H2 then has
  // 0.05 and is not (0.2). Adjusted (Bretz et al. 2009): 0.01 / 0.5 = 0.02; then H3 at
  // weight 0.5: 0.04; then H2 at weight 1: 0.2.
  const auto spec = three_arms(R"(    procedure: graphical
    hypotheses:
      - {endpoint: y, arm: high}
      - {endpoint: y, arm: low}
      - {endpoint: r, arm: high, method: odds_ratio}
    weights: [0.5, 0.5, 0]
    transitions: [[0, 0, 1], [0, 0, 1], [0.5, 0.5, 0]]
)");
  const auto r = emitted(spec, {{"y/welch/high/p", 0.01}, {"y/welch/low/p", 0.2}, {"r/odds_ratio/high/p", 0.02}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_high/reject"), 1.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_low/reject"), 0.0);
  EXPECT_EQ(r.at("multiplicity/3_r_odds_ratio_high/reject"), 1.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/1_y_welch_high/adjusted_p"), 0.02);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/2_y_welch_low/adjusted_p"), 0.2);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/3_r_odds_ratio_high/adjusted_p"), 0.04);
}

TEST(SimMultiplicity, NanPIsNotRejectedAndKeepsItsShare) {
  // Holm with the first p NaN: it counts as p = 1, so the other is tested at alpha / 2
  // (2 x 0.03 = 0.06: not rejected), never at alpha as if it were alone.
  auto r = emitted(three_arms("    procedure: holm\n"), {{"y/welch/low/p", kNaN}, {"y/welch/high/p", 0.03}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 0.0);
  EXPECT_TRUE(std::isnan(r.at("multiplicity/1_y_welch_low/adjusted_p")));
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), 0.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/2_y_welch_high/adjusted_p"), 0.06);
  // Every p NaN: nothing rejected, every adjusted p NaN.
  r = emitted(three_arms("    procedure: hochberg\n"), {{"y/welch/low/p", kNaN}, {"y/welch/high/p", kNaN}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 0.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), 0.0);
  EXPECT_TRUE(std::isnan(r.at("multiplicity/2_y_welch_high/adjusted_p")));
}

TEST(SimMultiplicity, StrictLevelAtATie) {
  // Bonferroni: 2 x 0.025 = 0.05 is not < alpha = 0.05 (a single test at p = alpha is not
  // rejected either), although stats::bonferroni's p <= w alpha would reject it.
  const auto r = emitted(three_arms("    procedure: bonferroni\n"), {{"y/welch/low/p", 0.025}, {"y/welch/high/p", 0.5}});
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), 0.0);
  EXPECT_DOUBLE_EQ(r.at("multiplicity/1_y_welch_low/adjusted_p"), 0.05);
}

TEST(SimMultiplicity, MissingPSeriesIsALogicError) {
  const auto spec = three_arms("    procedure: holm\n");
  std::vector<Series> out = {{"y/welch/low/p", 0.01}};
  EXPECT_THROW(emit_multiplicity(spec, out), std::logic_error);
}

TEST(SimMultiplicity, Attributes) {
  const auto spec = three_arms("    procedure: holm\n");
  std::map<std::string, std::string> a;
  for (const auto& x : multiplicity_attributes(spec)) a[x.group + "@" + x.name] = x.value;
  EXPECT_EQ(a.at("multiplicity@procedure"), "holm");
  EXPECT_EQ(a.at("multiplicity@alpha"), "0.05");
  EXPECT_EQ(a.at("multiplicity@hypotheses"), "1_y_welch_low,2_y_welch_high");
  EXPECT_EQ(a.at("multiplicity@weights"), "0.5,0.5");
  EXPECT_EQ(a.count("multiplicity@transitions"), 0u);
  EXPECT_EQ(a.at("multiplicity/2_y_welch_high@endpoint"), "y");
  EXPECT_EQ(a.at("multiplicity/2_y_welch_high@method"), "welch");
  EXPECT_EQ(a.at("multiplicity/2_y_welch_high@arm"), "high");
  EXPECT_EQ(a.at("multiplicity/2_y_welch_high@p_series"), "y/welch/high/p");
  const auto graph = three_arms("    procedure: graphical\n    weights: [1, 0]\n    transitions: [[0, 1], [0.5, 0]]\n");
  for (const auto& x : multiplicity_attributes(graph)) a[x.group + "@" + x.name] = x.value;
  EXPECT_EQ(a.at("multiplicity@weights"), "1,0");
  EXPECT_EQ(a.at("multiplicity@transitions"), "0,1;0.5,0");
}

TEST(SimMultiplicity, ThroughTheReplicateAnalysis) {
  // A simulated replicate: the series follow every endpoint's, and are Holm's of its p's.
  const auto spec = three_arms("    procedure: holm\n", 300);
  Block block;
  Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  const TrialAnalysis analysis(spec);
  const auto series = analysis.analyze(block);
  ASSERT_GE(series.size(), 4u);
  const std::size_t n = series.size();
  EXPECT_EQ(series[n - 4].path, "multiplicity/1_y_welch_low/reject");
  EXPECT_EQ(series[n - 3].path, "multiplicity/1_y_welch_low/adjusted_p");
  EXPECT_EQ(series[n - 2].path, "multiplicity/2_y_welch_high/reject");
  EXPECT_EQ(series[n - 1].path, "multiplicity/2_y_welch_high/adjusted_p");
  std::map<std::string, double> r;
  for (const auto& s : series) r[s.path] = s.value;
  const std::vector<double> p = {r.at("y/welch/low/p"), r.at("y/welch/high/p")};
  const auto holm = stats::holm(p, 0.05);
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/adjusted_p"), holm.adjusted_p[0]);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/adjusted_p"), holm.adjusted_p[1]);
  EXPECT_EQ(r.at("multiplicity/1_y_welch_low/reject"), holm.adjusted_p[0] < 0.05 ? 1.0 : 0.0);
  EXPECT_EQ(r.at("multiplicity/2_y_welch_high/reject"), holm.adjusted_p[1] < 0.05 ? 1.0 : 0.0);
}

}  // namespace
}  // namespace silico::sim
