/// @file
/// @brief Unit tests for methods' parameters in the spec (spec::MethodSchema::parameters):
/// the endpoint key named after a method (`fh: {rho, gamma}`, `maxcombo: {tests}`,
/// `milestone: {time}`), its defaults, and the located errors of every way it can be wrong.
///
/// Each YAML text starts right after R"( so that its first key is on line 1.

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "spec/method_schema.hpp"
#include "spec/spec.hpp"
#include "spec_diagnostics.hpp"

namespace silico::spec {
namespace {

using testing::dump;
using testing::errors_of;

/// True if `diagnostics` holds exactly one diagnostic, at `key_path`, at that line and
/// column, with exactly that message.
::testing::AssertionResult is_only_diagnostic(const std::vector<Diagnostic>& diagnostics,
                                              const std::string& key_path, int line, int column,
                                              const std::string& message) {
  if (diagnostics.size() != 1) {
    return ::testing::AssertionFailure() << "expected one diagnostic, got " << diagnostics.size() << ":"
                                         << dump(diagnostics);
  }
  const Diagnostic& d = diagnostics.front();
  if (d.key_path != key_path || d.where.file != "spec.yaml" || d.where.line != line || d.where.column != column ||
      d.message != message) {
    return ::testing::AssertionFailure() << "expected spec.yaml:" << line << ":" << column << " " << key_path
                                         << ": " << message << "\ngot" << dump(diagnostics);
  }
  return ::testing::AssertionSuccess();
}

/// A two-arm survival trial; line 14 lists the methods of `os`, `extra` follows from line 15
/// (each of its lines at the endpoint's indentation, six spaces).
std::string survival(const std::string& methods, const std::string& extra = "") {
  return R"(schema_version: 1
trial: {name: nph, seed: 1, patients: 200, follow_up: 36}
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
      methods: )" + methods + "\n" + extra;
}

using Parameters = std::map<std::string, std::vector<double>>;

TEST(SpecMethods, SchemasDeclareTheirParameters) {
  const MethodSchema* fh = find_method_schema("fh");
  ASSERT_NE(fh, nullptr);
  ASSERT_EQ(fh->parameters.size(), 2u);
  EXPECT_EQ(fh->parameters[0].key, "rho");
  EXPECT_EQ(fh->parameters[0].default_value, std::vector<double>{0.0});
  EXPECT_EQ(fh->parameters[1].key, "gamma");
  EXPECT_EQ(fh->parameters[1].default_value, std::vector<double>{0.5});
  EXPECT_EQ(fh->parameters[1].min, 0.0);
  EXPECT_EQ(fh->parameters[1].max, 5.0);
  EXPECT_TRUE(fh->has_test);
  EXPECT_TRUE(fh->interim);  // by the largest Z against bounds from its covariance
  EXPECT_TRUE(fh->interim_max_statistic);
  EXPECT_TRUE(fh->reads("strata"));
  const MethodSchema* maxcombo = find_method_schema("maxcombo");
  ASSERT_NE(maxcombo, nullptr);
  ASSERT_EQ(maxcombo->parameters.size(), 1u);
  EXPECT_EQ(maxcombo->parameters[0].kind, MethodParameter::Kind::kRhoGammaPairs);
  EXPECT_EQ(maxcombo->parameters[0].max_count, 6u);
  // Methods without parameters have none, and no key of their own.
  EXPECT_TRUE(find_method_schema("logrank")->parameters.empty());
}

TEST(SpecMethods, ListedMethodsGetTheirDefaults) {
  const auto spec = parse_spec(survival("[maxcombo, logrank, fh]"), "spec.yaml");
  const auto& a = spec.analysis.endpoints[0];
  ASSERT_EQ(a.method_parameters.size(), 2u);  // logrank has none
  EXPECT_EQ(a.method_parameters.at("fh"), (Parameters{{"rho", {0.0}}, {"gamma", {0.5}}}));
  EXPECT_EQ(a.method_parameters.at("maxcombo"),
            (Parameters{{"tests", {0.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.5, 0.5}}}));
  // Not listed: nothing stored (the default methods have no parameters).
  const auto plain = parse_spec(survival("[logrank]"), "spec.yaml");
  EXPECT_TRUE(plain.analysis.endpoints[0].method_parameters.empty());
}

TEST(SpecMethods, GivenParametersAreReadExactlyAndTheRestDefaulted) {
  const auto spec = parse_spec(survival("[maxcombo, logrank, fh]",
                                        "      fh: {rho: 0.25}\n"
                                        "      maxcombo: {tests: [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0.5], [5, 5]]}\n"),
                               "spec.yaml");
  const auto& a = spec.analysis.endpoints[0];
  EXPECT_EQ(a.method_parameters.at("fh"), (Parameters{{"rho", {0.25}}, {"gamma", {0.5}}}));
  EXPECT_EQ(a.method_parameters.at("maxcombo"),
            (Parameters{{"tests", {0, 0, 0, 1, 1, 0, 1, 1, 2, 0.5, 5, 5}}}));
  const auto both = parse_spec(survival("[fh]", "      fh: {rho: 0, gamma: 1}\n"), "spec.yaml");
  EXPECT_EQ(both.analysis.endpoints[0].method_parameters.at("fh"), (Parameters{{"rho", {0.0}}, {"gamma", {1.0}}}));
  // An empty mapping is every default.
  const auto empty = parse_spec(survival("[fh]", "      fh: {}\n"), "spec.yaml");
  EXPECT_EQ(empty.analysis.endpoints[0].method_parameters.at("fh"), (Parameters{{"rho", {0.0}}, {"gamma", {0.5}}}));
}

TEST(SpecMethods, UnknownParameterHasADidYouMean) {
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[fh]", "      fh: {rho: 0, gama: 1}\n")),
                                 "analysis.endpoints.os.fh.gama", 15, 20,
                                 "unknown key 'gama'; did you mean 'gamma'?"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {test: [[0, 0]]}\n")),
                                 "analysis.endpoints.os.maxcombo.test", 15, 18,
                                 "unknown key 'test'; did you mean 'tests'?"));
}

TEST(SpecMethods, NumbersOutOfRange) {
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[fh]", "      fh: {rho: 0, gamma: 5.5}\n")),
                                 "analysis.endpoints.os.fh.gamma", 15, 27, "expected gamma in [0, 5], got 5.5"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[fh]", "      fh: {rho: -1}\n")),
                                 "analysis.endpoints.os.fh.rho", 15, 17, "expected rho in [0, 5], got -1"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[fh]", "      fh: {rho: .nan}\n")),
                                 "analysis.endpoints.os.fh.rho", 15, 17, "expected rho in [0, 5], got \".nan\""));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {tests: [[0, 0], [0, 6]]}\n")),
                                 "analysis.endpoints.os.maxcombo.tests[1][1]", 15, 38,
                                 "expected gamma in [0, 5], got 6"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {tests: [[-0.5, 0]]}\n")),
                                 "analysis.endpoints.os.maxcombo.tests[0][0]", 15, 27,
                                 "expected rho in [0, 5], got -0.5"));
}

TEST(SpecMethods, WrongShapes) {
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[fh]", "      fh: 0.5\n")), "analysis.endpoints.os.fh", 15, 11,
                                 "expected a mapping of keys, got \"0.5\""));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[fh]", "      fh: {rho: [0, 1]}\n")),
                                 "analysis.endpoints.os.fh.rho", 15, 17, "expected rho in [0, 5], got a list"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {tests: [0]}\n")),
                                 "analysis.endpoints.os.maxcombo.tests[0]", 15, 26,
                                 "expected a pair [rho, gamma], got \"0\""));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {tests: [[0, 0], [0, 0.5, 1]]}\n")),
                                 "analysis.endpoints.os.maxcombo.tests[1]", 15, 34,
                                 "expected a pair [rho, gamma], got a list of 3 numbers"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {tests: [[0, 0], [0, 0]]}\n")),
                                 "analysis.endpoints.os.maxcombo.tests[1]", 15, 34, "[0, 0] listed twice"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {tests: []}\n")),
                                 "analysis.endpoints.os.maxcombo.tests", 15, 25,
                                 "expected 1 to 6 [rho, gamma] pairs, got 0"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcombo: {tests: {rho: 0}}\n")),
                                 "analysis.endpoints.os.maxcombo.tests", 15, 25,
                                 "expected a list of [rho, gamma] pairs, got a mapping"));
}

TEST(SpecMethods, AtMostSixTests) {
  EXPECT_TRUE(is_only_diagnostic(
      errors_of(survival("[maxcombo]",
                         "      maxcombo: {tests: [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [0, 2], [2, 2]]}\n")),
      "analysis.endpoints.os.maxcombo.tests", 15, 25, "expected 1 to 6 [rho, gamma] pairs, got 7"));
}

TEST(SpecMethods, KeyWithoutItsMethodIsAnError) {
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[logrank, maxcombo]", "      fh: {rho: 1}\n")),
                                 "analysis.endpoints.os.fh", 15, 7,
                                 "'fh' sets the parameters of method 'fh', which is not among this endpoint's "
                                 "methods"));
  // Without `methods`, the endpoint has the default methods, none of which is fh.
  const std::string no_methods = R"(schema_version: 1
trial: {name: nph, seed: 1, patients: 200, follow_up: 36}
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
    os: {maxcombo: {tests: [[0, 0]]}}
)";
  EXPECT_TRUE(is_only_diagnostic(errors_of(no_methods), "analysis.endpoints.os.maxcombo", 13, 10,
                                 "'maxcombo' sets the parameters of method 'maxcombo', which is not among this "
                                 "endpoint's methods"));
  // After an error in the methods, the key is not reported too (its method may be the one in error).
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[logrank, fhh]", "      fh: {rho: 1}\n")),
                                 "analysis.endpoints.os.methods[1]", 14, 26,
                                 "unknown method 'fhh'; did you mean 'fh'? (methods for this endpoint: logrank, "
                                 "rmst, adjusted_logrank, cox, fh, ipcw_switching, km_median, maxcombo, milestone or rpsft)"));
}

TEST(SpecMethods, MisspelledMethodKeyHasADidYouMean) {
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[maxcombo]", "      maxcomb: {tests: [[0, 0]]}\n")),
                                 "analysis.endpoints.os.maxcomb", 15, 7,
                                 "unknown key 'maxcomb'; did you mean 'maxcombo'?"));
}

TEST(SpecMethods, MilestoneTimeIsRequired) {
  const MethodSchema* milestone = find_method_schema("milestone");
  ASSERT_NE(milestone, nullptr);
  ASSERT_EQ(milestone->parameters.size(), 1u);
  EXPECT_EQ(milestone->parameters[0].key, "time");
  EXPECT_EQ(milestone->parameters[0].kind, MethodParameter::Kind::kTime);
  EXPECT_TRUE(milestone->parameters[0].required);
  EXPECT_TRUE(milestone->parameters[0].default_value.empty());
  EXPECT_TRUE(milestone->has_test);
  EXPECT_EQ(milestone->default_order, -1);  // never a default method

  const auto spec = parse_spec(survival("[logrank, milestone]", "      milestone: {time: 12.5}\n"), "spec.yaml");
  EXPECT_EQ(spec.analysis.endpoints[0].method_parameters.at("milestone"), (Parameters{{"time", {12.5}}}));
  // At follow_up itself.
  const auto last = parse_spec(survival("[milestone]", "      milestone: {time: 36}\n"), "spec.yaml");
  EXPECT_EQ(last.analysis.endpoints[0].method_parameters.at("milestone"), (Parameters{{"time", {36.0}}}));
}

TEST(SpecMethods, MilestoneWithoutItsTime) {
  // No key at all: reported at the endpoint's mapping (line 14, where `methods` starts).
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[logrank, milestone]")), "analysis.endpoints.os.milestone", 14,
                                 7,
                                 "missing required key 'milestone' ({time: ...}: the parameters of method "
                                 "'milestone', which has no default for time)"));
  const std::string description =
      "the milestone time tau at which the arms' survival is compared, in (0, trial.follow_up], in the endpoint's "
      "time unit";
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[milestone]", "      milestone: {}\n")),
                                 "analysis.endpoints.os.milestone.time", 15, 18,
                                 "missing required key 'time' (" + description + ")"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[milestone]", "      milestone: {time: }\n")),
                                 "analysis.endpoints.os.milestone.time", 15, 19,
                                 "no value given (expected " + description + ")"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[milestone]", "      milestone:\n")),
                                 "analysis.endpoints.os.milestone", 15, 7,
                                 "no value given (expected {time: ...}: the parameters of method 'milestone', which "
                                 "has no default for time)"));
  // After an error in the methods, not reported (the method may be the one in error).
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[milestone, logrnk]")), "analysis.endpoints.os.methods[1]", 14,
                                 28,
                                 "unknown method 'logrnk'; did you mean 'logrank'? (methods for this endpoint: "
                                 "logrank, rmst, adjusted_logrank, cox, fh, ipcw_switching, km_median, maxcombo, milestone or rpsft)"));
}

TEST(SpecMethods, MilestoneTimeOutOfRange) {
  const auto only = [](const std::string& value, int column, const std::string& got) {
    return is_only_diagnostic(errors_of(survival("[milestone]", "      milestone: {time: " + value + "}\n")),
                              "analysis.endpoints.os.milestone.time", 15, column,
                              "expected time in (0, 36] (at most trial.follow_up), got " + got);
  };
  EXPECT_TRUE(only("0", 25, "0"));
  EXPECT_TRUE(only("-3", 25, "-3"));
  EXPECT_TRUE(only("36.5", 25, "36.5"));
  EXPECT_TRUE(only(".inf", 25, "\".inf\""));
  EXPECT_TRUE(only(".nan", 25, "\".nan\""));
  EXPECT_TRUE(only("[12]", 25, "a list"));
  EXPECT_TRUE(only("twelve", 25, "\"twelve\""));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[milestone]", "      milestone: 12\n")),
                                 "analysis.endpoints.os.milestone", 15, 18, "expected a mapping of keys, got \"12\""));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[milestone]", "      milestone: {time: 12, tau: 3}\n")),
                                 "analysis.endpoints.os.milestone.tau", 15, 29,
                                 "unknown key 'tau'; expected one of time"));
  EXPECT_TRUE(is_only_diagnostic(errors_of(survival("[logrank]", "      milestone: {time: 12}\n")),
                                 "analysis.endpoints.os.milestone", 15, 7,
                                 "'milestone' sets the parameters of method 'milestone', which is not among this "
                                 "endpoint's methods"));
}

TEST(SpecMethods, TheMethodsApplyToTimeToEventOnly) {
  const std::string continuous = R"(schema_version: 1
trial: {name: c, seed: 1, patients: 200, follow_up: 12}
cohort:
  covariates:
    x: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model: {name: linear_change, parameters: {intercept: 0, arm_effect: {treatment: -1}, residual_sd: 2}}
endpoints: [{name: y}]
analysis:
  endpoints:
    y: {methods: [welch, fh]}
)";
  const auto errors = errors_of(continuous);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].key_path, "analysis.endpoints.y.methods[1]");
  EXPECT_EQ(errors[0].message.rfind("method 'fh' does not apply to continuous endpoints", 0), 0u) << errors[0].message;
}

}  // namespace
}  // namespace silico::spec
