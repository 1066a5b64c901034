/// @file
/// @brief Unit tests for an endpoint's group_sequential key: one- and two-sided designs,
/// the spending families, futility by beta spending, and the located errors of designs
/// that cannot be computed. The boundaries themselves are checked against rpact and
/// gsDesign in test_group_sequential_design.cpp; here, that the spec reaches them.
///
/// Each YAML text starts right after R"( so that its first key is on line 1.

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "spec/spec.hpp"
#include "spec_diagnostics.hpp"
#include "stats/design.hpp"

namespace silico::spec {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using testing::dump;
using testing::errors_of;
using testing::has_diagnostic;

/// A two-arm survival trial (line 14 holds the design) and a continuous one (line 11).
std::string survival(const std::string& design) {
  return R"(schema_version: 1
trial: {name: gs, seed: 1, patients: 400, follow_up: 100}
cohort:
  covariates:
    x: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters: {shape: 1, scale: 12, hazard_ratio: {treatment: 0.7}}
endpoints: [{name: os}]
analysis:
  endpoints:
    os:
      group_sequential: )" + design + "\n";
}

std::string continuous(const std::string& design) {
  return R"(schema_version: 1
trial: {name: gs, seed: 1, patients: 400, follow_up: 12}
cohort:
  covariates:
    x: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model: {name: linear_change, parameters: {intercept: 0, arm_effect: {treatment: -1}, residual_sd: 2}}
endpoints: [{name: y}]
analysis:
  endpoints:
    y: {methods: [welch], group_sequential: )" + design + "}\n";
}

TEST(SpecGroupSequential, TwoSidedByDefaultAsBefore) {
  const auto spec = parse_spec(survival("{looks: [0.5, 1], spending: pocock}"), "spec.yaml");
  const auto& gs = *spec.analysis.endpoints[0].group_sequential;
  EXPECT_FALSE(gs.one_sided());
  EXPECT_TRUE(gs.legacy_two_sided());
  EXPECT_EQ(gs.design.alpha, 0.05);
  EXPECT_EQ(gs.design.alpha_spending.family, stats::SpendingFamily::kPocock);
  EXPECT_TRUE(gs.boundaries.efficacy.empty());  // stats::efficacy_boundaries gives them
}

TEST(SpecGroupSequential, OneSidedWithFutilityIsComputedWhenRead) {
  const auto spec = parse_spec(
      survival("{looks: [0.5, 0.75, 1], sided: one, spending: {hsd: -4}, futility: {spending: {kim_demets: 2}}}"),
      "spec.yaml");
  const auto& gs = *spec.analysis.endpoints[0].group_sequential;
  EXPECT_TRUE(gs.one_sided());
  EXPECT_TRUE(gs.has_futility());
  EXPECT_TRUE(gs.lower_is_benefit);     // a hazard ratio below 1 favours treatment
  EXPECT_EQ(gs.design.alpha, 0.025);    // analysis.alpha (0.05) / 2
  EXPECT_EQ(gs.design.beta, 0.2);
  EXPECT_FALSE(gs.design.binding_futility);
  EXPECT_EQ(gs.design.alpha_spending.family, stats::SpendingFamily::kHwangShihDeCani);
  EXPECT_EQ(gs.design.alpha_spending.parameter, -4.0);
  EXPECT_EQ(gs.design.beta_spending.family, stats::SpendingFamily::kKimDeMets);
  ASSERT_EQ(gs.boundaries.efficacy.size(), 3u);
  ASSERT_EQ(gs.boundaries.futility.size(), 3u);
  // The futility bound meets the efficacy bound at the last look, and lies below it before.
  EXPECT_EQ(gs.boundaries.futility[2], gs.boundaries.efficacy[2]);
  EXPECT_LT(gs.boundaries.futility[0], gs.boundaries.efficacy[0]);
  // One look, one-sided, is the fixed design: z_{0.975}.
  const auto single = parse_spec(survival("{looks: [1], sided: one}"), "spec.yaml");
  EXPECT_NEAR(single.analysis.endpoints[0].group_sequential->boundaries.efficacy[0], 1.959963984540054, 1e-8);
}

TEST(SpecGroupSequential, UserSpendingIsCheckedLookByLook) {
  // Line 14, column 25 is the design's mapping (columns counted from there).
  auto errors = errors_of(survival("{looks: [0.5, 0.75, 1], sided: one, spending: {user: [0.01, 0.005, 0.025]}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.spending.user[1]", 14, 85,
                             {"non-decreasing", "0.005 after 0.01"}));
  errors = errors_of(survival("{looks: [0.5, 1], sided: one, spending: {user: [0.01, 0.03]}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.spending.user[1]", 14, 79,
                             {"spending exceeds its total", "[0, 0.025]", "got 0.03"}));
  errors = errors_of(survival("{looks: [0.5, 1], sided: one, spending: {user: [0.01]}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.spending.user", 14, 72,
                             {"one cumulative spending per look (2), got 1"}));
}

TEST(SpecGroupSequential, OptionsThatNeedAOneSidedDesign) {
  auto errors = errors_of(survival("{looks: [0.5, 1], futility: {beta: 0.1}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.futility", 14, 43,
                             {"futility bounds need sided: one"}));
  errors = errors_of(survival("{looks: [0.5, 1], alpha: 0.01}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.alpha", 14, 43, {"sided: one"}));
  errors = errors_of(survival("{looks: [1], sided: one, futility: {beta: 0.1}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.futility", 14, 50,
                             {"at least one interim look"}));
  // A difference in means may favour treatment either way: say which.
  errors = errors_of(continuous("{looks: [0.5, 1], sided: one}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.y.group_sequential.benefit", 11, 45,
                             {"lower or higher"}));
  const auto spec = parse_spec(continuous("{looks: [0.5, 1], sided: one, benefit: higher}"), "spec.yaml");
  EXPECT_FALSE(spec.analysis.endpoints[0].group_sequential->lower_is_benefit);
}

// Fixed futility bounds on the Z scale (rpact's futilityBounds). Non-binding, the efficacy
// bounds are those of the design without futility: rpact
// getDesignGroupSequential(kMax = 2, alpha = 0.025, typeOfDesign = "asOF")$criticalValues
// = 2.962588, 1.968596 (rpact 3.3; also test_group_sequential_design.cpp). Binding, the
// last bound is lowered until the H0 rejection with the futility stop in place is alpha.
TEST(SpecGroupSequential, FixedFutilityBounds) {
  const auto spec = parse_spec(survival("{looks: [0.5, 1], sided: one, futility: {bounds: [0]}}"), "spec.yaml");
  const auto& gs = *spec.analysis.endpoints[0].group_sequential;
  EXPECT_EQ(gs.design.futility, stats::Futility::kFixed);
  EXPECT_FALSE(gs.design.binding_futility);
  ASSERT_EQ(gs.boundaries.futility.size(), 2u);
  EXPECT_EQ(gs.boundaries.futility[0], 0.0);
  EXPECT_NEAR(gs.boundaries.efficacy[0], 2.962588, 1e-6);
  EXPECT_NEAR(gs.boundaries.efficacy[1], 1.968596, 1e-6);
  const auto binding =
      parse_spec(survival("{looks: [0.5, 1], sided: one, futility: {bounds: [0], binding: true}}"), "spec.yaml");
  const auto& b = *binding.analysis.endpoints[0].group_sequential;
  EXPECT_TRUE(b.design.binding_futility);
  EXPECT_EQ(b.boundaries.efficacy[0], gs.boundaries.efficacy[0]);  // nothing is stopped before look 1
  EXPECT_LT(b.boundaries.efficacy[1], gs.boundaries.efficacy[1]);
  EXPECT_NEAR(b.boundaries.under_null.upper.back(), 0.025, 1e-8);
}

TEST(SpecGroupSequential, FixedFutilityBoundsAreLocated) {
  auto errors = errors_of(survival("{looks: [0.5, 1], sided: one, futility: {bounds: [3.5]}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.futility.bounds[0]", 14, 75,
                             {"below the efficacy bound of look 1 (Z = 2.96", "got 3.5"}));
  errors = errors_of(survival("{looks: [0.5, 0.75, 1], sided: one, futility: {bounds: [0]}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.futility.bounds", 14, 80,
                             {"one futility bound per interim look (2", "got 1"}));
  errors = errors_of(survival("{looks: [0.5, 1], sided: one, futility: {bounds: [0], beta: 0.1}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.futility.beta", 14, 79,
                             {"beta spending", "`bounds`"}));
}

TEST(SpecGroupSequential, SpendingFunctionsByName) {
  auto errors = errors_of(survival("{looks: [0.5, 1], spending: pocok}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.spending", 14, 53,
                             {"unknown spending function 'pocok'", "did you mean 'pocock'?"}));
  errors = errors_of(survival("{looks: [0.5, 1], sided: one, spending: {hsd: 50}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.spending.hsd", 14, 71, {"[-40, 40]"}));
  errors = errors_of(survival("{looks: [0.5, 1], sided: one, spending: {hsd: 1, kim_demets: 2}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential.spending", 14, 65,
                             {"expected one spending function"}));
  // Two-sided with another family: computed by the general engine.
  const auto spec = parse_spec(survival("{looks: [0.5, 1], spending: {kim_demets: 3}}"), "spec.yaml");
  const auto& gs = *spec.analysis.endpoints[0].group_sequential;
  EXPECT_FALSE(gs.legacy_two_sided());
  EXPECT_EQ(gs.boundaries.efficacy.size(), 2u);
}

}  // namespace
}  // namespace silico::spec
