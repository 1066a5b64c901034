/// @file
/// @brief Unit tests for src/spec: every kind of spec error is reported with its file,
/// line, column and key path, all errors at once; valid specs are read correctly.
///
/// Each YAML text starts right after R"( so that its first key is on line 1; columns are
/// 1-based, counted by hand from the text and noted where not obvious.

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "spec/spec.hpp"

namespace silico::spec {
namespace {

namespace fs = std::filesystem;

constexpr int kAnyColumn = -1;

std::string dump(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) text += "\n  " + d.format();
  return text;
}

/// Parses `yaml` expecting it to be rejected; returns the diagnostics in report order.
std::vector<Diagnostic> errors_of(const std::string& yaml, const std::string& file = "spec.yaml") {
  try {
    parse_spec(yaml, file);
  } catch (const SpecError& e) {
    return e.diagnostics().items();
  }
  ADD_FAILURE() << "expected a SpecError, but the spec was accepted";
  return {};
}

std::vector<Diagnostic> errors_of_file(const fs::path& path) {
  try {
    load_spec(path.string());
  } catch (const SpecError& e) {
    return e.diagnostics().items();
  }
  ADD_FAILURE() << "expected a SpecError for " << path << ", but the spec was accepted";
  return {};
}

/// The first diagnostic with this key path, or nullptr.
const Diagnostic* find_diagnostic(const std::vector<Diagnostic>& diagnostics,
                                  const std::string& key_path) {
  for (const auto& d : diagnostics) {
    if (d.key_path == key_path) return &d;
  }
  return nullptr;
}

/// True if there is a diagnostic at `key_path`, at exactly that line and column, whose
/// message contains every one of `message_parts`.
::testing::AssertionResult has_diagnostic(const std::vector<Diagnostic>& diagnostics,
                                          const std::string& key_path, int line, int column,
                                          std::initializer_list<std::string_view> message_parts) {
  const Diagnostic* d = find_diagnostic(diagnostics, key_path);
  if (d == nullptr) {
    return ::testing::AssertionFailure()
           << "no diagnostic for '" << key_path << "' in:" << dump(diagnostics);
  }
  if (d->where.line != line || (column != kAnyColumn && d->where.column != column)) {
    return ::testing::AssertionFailure()
           << "'" << key_path << "' reported at " << d->where.line << ":" << d->where.column
           << ", expected " << line << ":" << column << " (" << d->format() << ")";
  }
  for (const auto part : message_parts) {
    if (d->message.find(part) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message of '" << key_path << "' lacks \"" << part << "\": " << d->format();
    }
  }
  return ::testing::AssertionSuccess();
}

// A complete, valid spec; the error tests below are variations of it, written out in
// full so that each line number can be read off the text.
constexpr const char* kValid = R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)";

TEST(SpecValid, BaseSpecOfTheErrorTestsParses) { EXPECT_NO_THROW(parse_spec(kValid, "spec.yaml")); }

// ---------------------------------------------------------------- YAML syntax

TEST(SpecSyntax, SyntaxErrorReportsLine) {
  // `cohort: include: x` has a second ':' on line 3, illegal in a plain scalar.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort: include: x.yaml
arms: []
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].where.file, "spec.yaml");
  EXPECT_EQ(errors[0].where.line, 3);
  EXPECT_GE(errors[0].where.column, 1);
  EXPECT_EQ(errors[0].key_path, "");
  EXPECT_NE(errors[0].message.find("YAML syntax error"), std::string::npos) << errors[0].message;
}

TEST(SpecSyntax, EmptySpecIsAnError) {
  const auto errors = errors_of("");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "", 1, 1, {"the spec is empty"}));
}

TEST(SpecSyntax, TopLevelMustBeAMapping) {
  const auto errors = errors_of("- 1\n- 2\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "", 1, 1, {"expected a mapping of keys, got a list"}));
}

// ---------------------------------------------------------------- unknown keys

TEST(SpecUnknownKey, MisspeltTrialKeySuggestsClosest) {
  // The misspelt key is unknown, and the key it was meant to be is then missing.
  const auto errors = errors_of(R"(schema_version: 1
trial:
  name: t
  seed: 1
  patients: 100
  folow_up: 12
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.folow_up", 6, 3,
                             {"unknown key 'folow_up'", "did you mean 'follow_up'?"}));
  // A block mapping's position is that of its first key.
  EXPECT_TRUE(
      has_diagnostic(errors, "trial.follow_up", 3, 3, {"missing required key 'follow_up'"}));
}

TEST(SpecUnknownKey, MisspeltModelParameterSuggestsClosest) {
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model:
  name: weibull_ph
  parameters:
    shape: 1
    scale: 10
    hazard_ration: {treatment: 0.7}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "model.parameters.hazard_ration", 14, 5,
                             {"unknown key 'hazard_ration'", "did you mean 'hazard_ratio'?"}));
}

TEST(SpecUnknownKey, NoCloseMatchListsAlternatives) {
  const auto errors = errors_of(std::string(kValid) + "banana: 3\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "banana", 13, 1,
                     {"unknown key 'banana'; expected one of schema_version, trial, cohort, "
                      "arms, model, observations, endpoints, analysis, output, report or validation"}));
  EXPECT_EQ(errors[0].message.find("did you mean"), std::string::npos) << errors[0].message;
}

TEST(SpecUnknownKey, DuplicateKeyReportedAtSecondOccurrence) {
  const auto errors = errors_of(R"(schema_version: 1
trial:
  name: t
  seed: 1
  seed: 2
  patients: 100
  follow_up: 12
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.seed", 5, 3, {"duplicate key"}));
}

// ---------------------------------------------------------------- missing keys

TEST(SpecMissingKey, SeedReportedAtTrialMapping) {
  // Block mapping: reported where the mapping starts, i.e. at its first key (line 3).
  const auto block = errors_of(R"(schema_version: 1
trial:
  name: t
  patients: 100
  follow_up: 12
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(block.size(), 1u) << dump(block);
  EXPECT_TRUE(has_diagnostic(block, "trial.seed", 3, 3,
                             {"missing required key 'seed'", "unsigned 64-bit integer seed"}));

  // Flow mapping: reported at its '{' (column 8).
  const auto flow = errors_of(R"(schema_version: 1
trial: {name: t, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(flow.size(), 1u) << dump(flow);
  EXPECT_TRUE(has_diagnostic(flow, "trial.seed", 2, 8, {"missing required key 'seed'"}));
}

TEST(SpecMissingKey, ModelParameterReportedAtParameters) {
  // `parameters: {` on line 10: the '{' is column 39.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "model.parameters.scale", 10, 39,
                             {"missing required key 'scale'", "Weibull scale"}));
}

TEST(SpecMissingKey, NoParametersAtAllReportedAtModel) {
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "model.parameters.shape", 9, 8, {"missing required key 'shape'"}));
  EXPECT_TRUE(
      has_diagnostic(errors, "model.parameters.scale", 9, 8, {"missing required key 'scale'"}));
}

TEST(SpecMissingKey, SchemaVersionReportedAtTop) {
  const auto errors = errors_of(R"(trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "schema_version", 1, 1, {"missing required key 'schema_version'"}));
}

TEST(SpecMissingKey, UnsupportedSchemaVersion) {
  std::string yaml = kValid;
  yaml.replace(0, std::string("schema_version: 1").size(), "schema_version: 2");
  const auto errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "schema_version", 1, 17,
                             {"unsupported schema_version 2", "reads schema_version 1"}));
}

// ---------------------------------------------------------------- wrong types

TEST(SpecWrongType, StringWhereNumberExpected) {
  // Line 5: `sd: ` value at column 47.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: ten}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.covariates.age.sd", 5, 47,
                             {"expected a standard deviation > 0, got \"ten\""}));
}

TEST(SpecWrongType, QuotedNumberRejected) {
  // Line 2: `patients: ` value at column 37.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: "18", follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "trial.patients", 2, 37,
                     {"expected the number of randomized patients", "got the string \"18\""}));
}

TEST(SpecWrongType, ListWhereMappingExpected) {
  const auto trial = errors_of(R"(schema_version: 1
trial: [t, 1, 100, 12]
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(trial.size(), 1u) << dump(trial);
  EXPECT_TRUE(has_diagnostic(trial, "trial", 2, 8, {"expected a mapping of keys, got a list"}));

  const auto covariate = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: [normal, 60, 10]
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(covariate.size(), 1u) << dump(covariate);
  EXPECT_TRUE(
      has_diagnostic(covariate, "cohort.covariates.age", 5, 10,
                     {"expected a mapping with 'distribution' and its parameters, got a list"}));
}

TEST(SpecWrongType, NegativeSeedRejected) {
  // Line 2: `seed: ` value at column 24.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: -1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.seed", 2, 24,
                             {"expected an unsigned 64-bit integer seed, got \"-1\""}));
}

TEST(SpecWrongType, UnknownDistributionSuggestsClosest) {
  // Line 5: `distribution: ` value at column 25.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normall, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.covariates.age.distribution", 5, 25,
                             {"unknown distribution 'normall'", "did you mean 'normal'?"}));
}

// ---------------------------------------------------------------- out of range

TEST(SpecRange, StandardDeviationMustBePositive) {
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 0}
    bmi: {distribution: normal, mean: 25, sd: -2}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.covariates.age.sd", 5, 47,
                             {"expected a standard deviation > 0, got 0"}));
  EXPECT_TRUE(has_diagnostic(errors, "cohort.covariates.bmi.sd", 6, 47,
                             {"expected a standard deviation > 0, got -2"}));
}

TEST(SpecRange, ProbabilityAboveOne) {
  // Line 6: `p: ` value at column 42.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    smoker: {distribution: bernoulli, p: 1.5}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.covariates.smoker.p", 6, 42,
                             {"expected a probability in [0, 1], got 1.5"}));
}

TEST(SpecRange, CategoricalProbabilitiesMustSumToOne) {
  // Line 6: `probabilities: [` the '[' at column 79.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.3]}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.covariates.ecog.probabilities", 6, 79,
                             {"expected probabilities summing to 1, got a sum of 1.1"}));
}

TEST(SpecRange, FewerThanTwoPatients) {
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 1, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.patients", 2, 37,
                             {"expected a number of patients between 2 and 2^40, got 1"}));
}

TEST(SpecRange, AlphaOutsideZeroToHalf) {
  // kValid ends on line 12; `analysis: {alpha: ` puts the value on line 13, column 19.
  for (const std::string alpha : {"0", "-0.1", "0.6", "0.5000001"}) {
    SCOPED_TRACE("alpha: " + alpha);
    const auto errors = errors_of(std::string(kValid) + "analysis: {alpha: " + alpha + "}\n");
    ASSERT_EQ(errors.size(), 1u) << dump(errors);
    EXPECT_TRUE(
        has_diagnostic(errors, "analysis.alpha", 13, 19,
                       {"expected a two-sided significance level in (0, 0.5], got " + alpha}));
  }
  const TrialSpec half = parse_spec(std::string(kValid) + "analysis: {alpha: 0.5}\n", "spec.yaml");
  EXPECT_EQ(half.analysis.alpha, 0.5);
}

TEST(SpecRange, RmstHorizonBeyondFollowUp) {
  // follow_up is 12 in kValid; `analysis: {rmst_horizon: ` puts the value at column 26.
  const auto errors = errors_of(std::string(kValid) + "analysis: {rmst_horizon: 24}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.rmst_horizon", 13, 26,
                             {"expected an RMST horizon at most trial.follow_up"}));
  const TrialSpec equal =
      parse_spec(std::string(kValid) + "analysis: {rmst_horizon: 12}\n", "spec.yaml");
  EXPECT_EQ(equal.analysis.rmst_horizon, 12.0);
}

// The methods are checked against the schemas their files register (spec/method_schema.hpp).
TEST(SpecAnalysis, MethodsCheckedAgainstTheirSchemas) {
  auto errors = errors_of(std::string(kValid) + "analysis: {endpoints: {os: {methods: [welch, logrnk]}}}\n");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.methods[0]", 13, 39,
                             {"method 'welch' does not apply to time_to_event endpoints",
                              "(methods for this endpoint: logrank, rmst, adjusted_logrank, cox, fh, ipcw_switching, km_median, maxcombo, milestone or rpsft)"}));
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.methods[1]", 13, 46,
                             {"unknown method 'logrnk'; did you mean 'logrank'?"}));
  errors = errors_of(std::string(kValid) + "analysis: {endpoints: {os: {methods: [rmst], group_sequential: {looks: [1]}}}}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.group_sequential", 13, 46,
                             {"group-sequential looks apply to a primary method of welch, ancova, logrank, cox, fh, maxcombo or "
                              "risk_difference; the primary method here is rmst"}));
  // Defaults: the schemas' default methods of the type, in their order.
  EXPECT_EQ(parse_spec(kValid, "spec.yaml").analysis.endpoints[0].methods,
            (std::vector<std::string>{"logrank", "rmst"}));
}

// An endpoint key that only some methods read is an error where none of the endpoint's does.
TEST(SpecAnalysis, OptionNoMethodOfTheEndpointUses) {
  const auto errors = errors_of(std::string(kValid) +
                                "analysis: {endpoints: {os: {methods: [rmst, km_median], strata: [ecog], "
                                "rmst_horizon: 6}}}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.strata", 13, 57,
                             {"'strata' is used by cox, fh, logrank and maxcombo; no method of this endpoint uses it"}));
  const auto horizon = errors_of(std::string(kValid) + "analysis: {endpoints: {os: {methods: [logrank], rmst_horizon: 6}}}\n");
  ASSERT_EQ(horizon.size(), 1u) << dump(horizon);
  EXPECT_TRUE(has_diagnostic(horizon, "analysis.endpoints.os.rmst_horizon", 13, 49,
                             {"'rmst_horizon' is used by rmst; no method of this endpoint uses it"}));
  // Landmarks are the arms' Kaplan-Meier summaries, not a method's option.
  EXPECT_NO_THROW(parse_spec(std::string(kValid) + "analysis: {endpoints: {os: {methods: [logrank], landmarks: [6]}}}\n",
                             "spec.yaml"));
}

TEST(SpecRange, RandomizationBlockNotMultipleOfRatioSum) {
  // Ratios 2:1 sum to 3; `randomization_block: ` value at column 78 of line 2.
  const std::string yaml = R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12, randomization_block: BLOCK}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true, ratio: 2}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)";
  auto with_block = [&](const std::string& block) {
    std::string text = yaml;
    text.replace(text.find("BLOCK"), 5, block);
    return text;
  };
  const auto errors = errors_of(with_block("4"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.randomization_block", 2, 78,
                             {"expected a multiple of the sum of allocation ratios (3), got 4"}));
  EXPECT_EQ(parse_spec(with_block("6"), "spec.yaml").trial.randomization_block, 6u);
}

// ---------------------------------------------------------------- correlation

/// Covariates age and ecog; the correlation's two matrix rows are lines 10 and 11.
std::string with_correlation(const std::string& row1, const std::string& row2,
                             const std::string& extra_row = "") {
  return std::string(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
  correlation:
    variables: [age, ecog]
    matrix:
)") + "      - " +
         row1 + "\n      - " + row2 + "\n" +
         (extra_row.empty() ? "" : "      - " + extra_row + "\n") + R"(arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)";
}

TEST(SpecCorrelation, ValidTwoByTwoParses) {
  const TrialSpec spec = parse_spec(with_correlation("[1.0, 0.3]", "[0.3, 1.0]"), "spec.yaml");
  EXPECT_EQ(spec.cohort.correlation(0, 1), 0.3);
  EXPECT_EQ(spec.cohort.correlation(1, 0), 0.3);
}

TEST(SpecCorrelation, NotSymmetric) {
  // `      - [` puts the first entry of a row at column 10, the second at column 15.
  const auto errors = errors_of(with_correlation("[1.0, 0.3]", "[0.2, 1.0]"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "cohort.correlation.matrix[1][0]", 11, 10,
                     {"correlation matrix is not symmetric: entry (2,1) differs from (1,2)"}));
}

TEST(SpecCorrelation, DiagonalNotOne) {
  const auto errors = errors_of(with_correlation("[1.0, 0.3]", "[0.3, 0.9]"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.correlation.matrix[1][1]", 11, 15,
                             {"diagonal entries of a correlation matrix must be 1"}));
}

TEST(SpecCorrelation, EntryOutsideMinusOneToOne) {
  const auto errors = errors_of(with_correlation("[1.0, 1.2]", "[1.2, 1.0]"));
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.correlation.matrix[0][1]", 10, 15,
                             {"expected a correlation in [-1, 1], got 1.2"}));
  EXPECT_TRUE(has_diagnostic(errors, "cohort.correlation.matrix[1][0]", 11, 10,
                             {"expected a correlation in [-1, 1], got 1.2"}));
}

TEST(SpecCorrelation, NotPositiveDefinite) {
  // Symmetric, unit diagonal, entries in range, but det = 0.19 - 2 * 1.539 < 0.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    a: {distribution: normal, mean: 0, sd: 1}
    b: {distribution: normal, mean: 0, sd: 1}
    c: {distribution: normal, mean: 0, sd: 1}
  correlation:
    variables: [a, b, c]
    matrix:
      - [1.0, 0.9, 0.9]
      - [0.9, 1.0, -0.9]
      - [0.9, -0.9, 1.0]
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  // A block sequence starts at its first '-': line 11, column 7.
  EXPECT_TRUE(has_diagnostic(errors, "cohort.correlation.matrix", 11, 7,
                             {"correlation matrix is not positive definite"}));
}

TEST(SpecCorrelation, WrongSize) {
  const auto rows = errors_of(with_correlation("[1.0, 0.3]", "[0.3, 1.0]", "[0.0, 0.0]"));
  ASSERT_EQ(rows.size(), 1u) << dump(rows);
  EXPECT_TRUE(has_diagnostic(rows, "cohort.correlation.matrix", 10, 7,
                             {"expected 2 rows (one per variable), got 3"}));

  const auto columns = errors_of(with_correlation("[1.0, 0.3]", "[0.3, 1.0, 0.0]"));
  ASSERT_EQ(columns.size(), 1u) << dump(columns);
  EXPECT_TRUE(has_diagnostic(columns, "cohort.correlation.matrix[1]", 11, 9,
                             {"expected a row of 2 numbers"}));
}

TEST(SpecCorrelation, PlacedAtTheCovariatesIndices) {
  // Variables listed out of covariate order: bmi is covariate 2, age covariate 0.
  const TrialSpec spec = parse_spec(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
    bmi: {distribution: normal, mean: 25, sd: 4}
  correlation:
    variables: [bmi, age]
    matrix:
      - [1.0, -0.4]
      - [-0.4, 1.0]
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)",
                                    "spec.yaml");
  Eigen::MatrixXd expected = Eigen::MatrixXd::Identity(3, 3);
  expected(0, 2) = expected(2, 0) = -0.4;
  EXPECT_EQ(spec.cohort.correlation, expected);
}

// ---------------------------------------------------------------- names

TEST(SpecNames, UnknownCovariateInCriteria) {
  // Line 7: the first criterion's quote at column 14, the second's at column 28.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
  criteria: ["agee >= 18", "height > 150"]
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(
      errors, "cohort.criteria[0]", 7, 14,
      {"unknown covariate 'agee' in criterion \"agee >= 18\"", "did you mean 'age'?"}));
  EXPECT_TRUE(has_diagnostic(errors, "cohort.criteria[1]", 7, 28,
                             {"unknown covariate 'height'", "covariates are age or ecog"}));
}

TEST(SpecNames, UnknownCovariateInCorrelationVariables) {
  // Line 8: `variables: [age, ` puts the second name at column 22.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
  correlation:
    variables: [age, ecg]
    matrix:
      - [1.0, 0.3]
      - [0.3, 1.0]
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.correlation.variables[1]", 8, 22,
                             {"unknown covariate 'ecg'", "did you mean 'ecog'?"}));
}

TEST(SpecNames, UnknownCovariateInModelEffects) {
  // Line 15: the unknown name is reported at its key, `agee` at column 25.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
  - {name: control, control: true}
  - {name: treatment}
model:
  name: weibull_ph
  parameters:
    shape: 1
    scale: 10
    log_hazard_ratios: {agee: 0.1, ecog: 0.4}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "model.parameters.log_hazard_ratios.agee", 15, 25,
                             {"unknown covariate 'agee'", "did you mean 'age'?"}));
}

TEST(SpecNames, UnknownArmInPerArmParameter) {
  // Line 15: unknown names are reported at their keys, `treatmnt` at column 20 and
  // `placebo` at column 35.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
  - {name: control, control: true}
  - {name: treatment}
model:
  name: weibull_ph
  parameters:
    shape: 1
    scale: 10
    hazard_ratio: {treatmnt: 0.7, placebo: 0.5}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "model.parameters.hazard_ratio.treatmnt", 15, 20,
                             {"unknown arm 'treatmnt'", "did you mean 'treatment'?"}));
  EXPECT_TRUE(has_diagnostic(errors, "model.parameters.hazard_ratio.placebo", 15, 35,
                             {"unknown arm 'placebo'; arms are control or treatment"}));
}

TEST(SpecNames, UnknownLevelOfCategoricalCovariate) {
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
  criteria: ["ecog <= 3"]
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "cohort.criteria[0]", 7, 14,
                     {"'3' is not a level of categorical covariate 'ecog'; levels are 0, 1 or 2"}));
}

TEST(SpecNames, MalformedCriterion) {
  // Line 7: the second criterion's quote at column 14 + len("\"age between 18 and 80\", ") = 39.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
  criteria: ["age between 18 and 80", "age >= old"]
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(
      errors, "cohort.criteria[0]", 7, 14,
      {"expected a comparison 'covariate OP value'", "got \"age between 18 and 80\""}));
  EXPECT_TRUE(has_diagnostic(errors, "cohort.criteria[1]", 7, 39,
                             {"expected a number to compare 'age' with, got \"old\""}));
}

TEST(SpecNames, MemberWithoutValueReportedAtItsKey) {
  // A member with no value has no position of its own; it is reported at its key,
  // not at the next token (which may be past the end of the file).
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age:
    bmi: {distribution: normal, mean: 25, sd: 4}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "cohort.covariates.age", 5, 5,
                     {"expected a mapping with 'distribution' and its parameters, got nothing"}));

  // The last line of the file: still reported at its key, line 12, not past the end.
  const auto last = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    bmi:
)");
  ASSERT_EQ(last.size(), 1u) << dump(last);
  EXPECT_TRUE(has_diagnostic(last, "cohort.covariates.bmi", 12, 5, {"got nothing"}));
}

TEST(SpecNames, KeyWithoutValueSaysSoAtTheKey) {
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: }
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10, hazard_ratio: {treatment: }}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.follow_up", 2, 42, {"no value given (expected"}));
  EXPECT_TRUE(has_diagnostic(errors, "model.parameters.hazard_ratio.treatment", 9, 76,
                             {"no value given (expected"}));
}

TEST(SpecSyntax, ASecondYamlDocumentIsAnError) {
  const auto errors = errors_of("schema_version: 1\n---\nschema_version: 1\n");
  ASSERT_GE(errors.size(), 1u);
  EXPECT_TRUE(has_diagnostic(errors, "", 3, 1, {"expected one YAML document, found 2"}));
}

TEST(SpecNumbers, AnExplicitPlusSignIsANumber) {
  std::ifstream in(std::string(SILICO_SOURCE_DIR) + "/configs/continuous.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("mean: 55"), 8, "mean: +55");
  const auto spec = silico::spec::parse_spec(text, std::string(SILICO_SOURCE_DIR) + "/configs/c.yaml");
  EXPECT_EQ(spec.cohort.covariates[0].mean, 55.0);
}

// ---------------------------------------------------------------- model

TEST(SpecModel, UnknownModelSuggestsAndListsAvailable) {
  // Line 10: `model: {name: ` value at column 15.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibul_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "model.name", 10, 15,
                             {"unknown model 'weibul_ph'; did you mean 'weibull_ph'?",
                              "(available: chronic_discontinuation, chronic_mortality, disease_progression, linear_change, pk_1cmt, pk_2cmt, ", "tgi or weibull_ph)"}));

  const auto far = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: cox, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(far.size(), 1u) << dump(far);
  EXPECT_TRUE(has_diagnostic(far, "model.name", 9, 15,
                             {"unknown model 'cox' (available: chronic_discontinuation, chronic_mortality, disease_progression, linear_change, pk_1cmt, pk_2cmt, ", "tgi or weibull_ph)"}));
}

TEST(SpecModel, ParameterOutOfSchemaRange) {
  // Line 10: `parameters: {shape: ` value at column 47.
  std::string yaml = kValid;
  yaml.replace(yaml.find("shape: 1"), 8, "shape: 0");
  const auto errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "model.parameters.shape", 10, 47,
                             {"expected Weibull shape k (> 0; 1 = exponential), got 0"}));
}

// ---------------------------------------------------------------- arms

TEST(SpecArms, DuplicateNames) {
  // Line 10: `  - {name: ` value at column 12.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
  - {name: control, control: true}
  - {name: treatment}
  - {name: treatment, ratio: 2}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "arms[2].name", 10, 12, {"duplicate arm name 'treatment'"}));
}

/// Two arms on lines 8 and 9 (the arms sequence starts at line 8, column 3).
std::string with_arms(const std::string& first, const std::string& second) {
  return std::string(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
)") + "  - " +
         first + "\n" + (second.empty() ? "" : "  - " + second + "\n") +
         R"(model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)";
}

TEST(SpecArms, ExactlyOneControl) {
  const auto none = errors_of(with_arms("{name: control}", "{name: treatment}"));
  ASSERT_EQ(none.size(), 1u) << dump(none);
  EXPECT_TRUE(
      has_diagnostic(none, "arms", 8, 3, {"expected exactly one arm with control: true, got 0"}));

  const auto two =
      errors_of(with_arms("{name: control, control: true}", "{name: treatment, control: true}"));
  ASSERT_EQ(two.size(), 1u) << dump(two);
  EXPECT_TRUE(
      has_diagnostic(two, "arms", 8, 3, {"expected exactly one arm with control: true, got 2"}));
}

TEST(SpecArms, AtLeastTwoArms) {
  const auto errors = errors_of(with_arms("{name: control, control: true}", ""));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "arms", 8, 3,
                             {"expected at least two arms: a control and a treatment"}));
}

// ---------------------------------------------------------------- endpoints

TEST(SpecEndpoints, UnknownOutput) {
  // Line 12: `  - {name: os, output: ` value at column 24.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os, output: survival}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "endpoints[0].output", 12, 24,
                     {"model 'weibull_ph' has no output 'survival' (outputs: time_to_event)"}));
}

TEST(SpecEndpoints, DuplicateName) {
  const auto errors = errors_of(std::string(kValid) + "  - {name: os}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "endpoints[1].name", 13, 12, {"duplicate endpoint name 'os'"}));
}

// ---------------------------------------------------------------- all errors at once

constexpr const char* kSixErrors = R"(schema_version: 1
trial:
  name: multi
  seed: -1
  patients: 100
  follow_up: 12
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 0}
  criteria: ["age >= 18"]
arms:
  - {name: control, control: true}
  - {name: treatment, ratio: 0}
model:
  name: weibull_ph
  parameters: {shape: -1, scale: 10}
endpoints:
  - {name: os, output: survival}
analysis: {alpha: 0.7}
)";

TEST(SpecAllErrors, IndependentErrorsInEverySectionAreAllReported) {
  const auto errors = errors_of(kSixErrors);
  ASSERT_EQ(errors.size(), 6u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.seed", 4, 9, {"unsigned 64-bit integer seed"}));
  EXPECT_TRUE(
      has_diagnostic(errors, "cohort.covariates.age.sd", 9, 47, {"standard deviation > 0"}));
  EXPECT_TRUE(has_diagnostic(errors, "arms[1].ratio", 13, 30,
                             {"expected an allocation ratio between 1 and 1000, got 0"}));
  EXPECT_TRUE(
      has_diagnostic(errors, "model.parameters.shape", 16, 23, {"Weibull shape", "got -1"}));
  EXPECT_TRUE(has_diagnostic(errors, "endpoints[0].output", 18, 24, {"no output 'survival'"}));
  EXPECT_TRUE(has_diagnostic(errors, "analysis.alpha", 19, 19, {"significance level", "got 0.7"}));
}

TEST(SpecAllErrors, ExceptionMessageListsEveryErrorInFileOrder) {
  try {
    parse_spec(kSixErrors, "multi.yaml");
    FAIL() << "expected a SpecError";
  } catch (const SpecError& e) {
    const std::string what = e.what();
    const std::vector<std::string> starts = {
        "multi.yaml:4:9: ",   "multi.yaml:9:47: ",  "multi.yaml:13:30: ",
        "multi.yaml:16:23: ", "multi.yaml:18:24: ", "multi.yaml:19:19: "};
    std::size_t previous = 0;
    for (const auto& start : starts) {
      const std::size_t at = what.find(start);
      ASSERT_NE(at, std::string::npos) << start << " missing from:\n" << what;
      EXPECT_GE(at, previous) << start << " out of order in:\n" << what;
      previous = at;
    }
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 6) << what;
  }
}

// ---------------------------------------------------------------- observations

// A PK trial in weeks (follow-up 4 weeks = 28 days); the observation schedule on line 15.
std::string with_observations(const std::string& schedule_line) {
  return R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, time_unit: weeks, follow_up: 4}
cohort:
  covariates:
    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}
arms:
  - {name: control, control: true, regimen: {dose_mg: 50, route: iv_bolus}}
  - {name: treatment, regimen: {dose_mg: 100, route: iv_bolus}}
model:
  name: pk_1cmt
  parameters: {CL: 5, V: 50, exposure_start_h: 0, exposure_end_h: 24}
endpoints:
  - {name: auc, output: auc}
observations:
)" + schedule_line + "\n";
}

TEST(SpecOutput, GzipIsOptInWithALevel) {
  EXPECT_EQ(silico::spec::parse_spec(kValid, "spec.yaml").output.gzip_level, 0);
  EXPECT_EQ(silico::spec::parse_spec(std::string(kValid) + "output: {compression: gzip}\n", "spec.yaml")
                .output.gzip_level,
            4);
  EXPECT_EQ(silico::spec::parse_spec(std::string(kValid) + "output: {compression: gzip, gzip_level: 9}\n",
                                     "spec.yaml")
                .output.gzip_level,
            9);
  EXPECT_EQ(silico::spec::parse_spec(std::string(kValid) + "output: {compression: none}\n", "spec.yaml")
                .output.gzip_level,
            0);
}

TEST(SpecOutput, BadCompressionIsLocated) {
  // `output:` is line 13 of kValid + the new lines; values at their columns.
  auto errors = errors_of(std::string(kValid) + "output: {compression: zstd}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "output.compression", 13, 23, {"unknown compression 'zstd'", "none or gzip"}));
  errors = errors_of(std::string(kValid) + "output: {compression: gzip, gzip_level: 12}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "output.gzip_level", 13, 41, {"from 1 (fastest) to 9 (smallest), got 12"}));
  errors = errors_of(std::string(kValid) + "output: {gzip_level: 5}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "output.gzip_level", 13, 22, {"needs compression: gzip"}));
}

TEST(SpecReport, TextAndRiskFactors) {
  const std::string text = std::string(kValid) +
                           "report: {question_of_interest: \"Why?\", context_of_use: Sizing, model_influence: low,\n"
                           "         decision_consequence: high}\n";
  const auto report = silico::spec::parse_spec(text, "spec.yaml").report;
  EXPECT_EQ(report.question_of_interest, "Why?");
  EXPECT_EQ(report.context_of_use, "Sizing");
  EXPECT_EQ(report.model_influence, "low");
  EXPECT_EQ(report.decision_consequence, "high");
  // The report reads it back from the spec text stored in a result file, with the model.
  const auto stored = silico::spec::read_stored_spec(text, "spec.yaml");
  EXPECT_EQ(stored.report.decision_consequence, "high");
  EXPECT_FALSE(stored.model_name.empty());
  EXPECT_FALSE(stored.model_parameters.empty());
  ASSERT_EQ(stored.arms.size(), 2u);
  EXPECT_EQ(stored.arms[0], (std::pair<std::string, std::string>{"control", "control: true"}));
  EXPECT_EQ(stored.arms[1].first, "treatment");
}

TEST(SpecModelSources, CiteParametersByName) {
  std::string text = kValid;
  text.replace(text.find("model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}"),
               std::string("model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}").size(),
               "model: {name: weibull_ph, parameters: {shape: 1, scale: 10}, sources: {shape: \"Smith 2020\"}}");
  EXPECT_EQ(parse_spec(text, "spec.yaml").model.sources.at("shape"), "Smith 2020");
  EXPECT_EQ(silico::spec::read_stored_spec(text, "spec.yaml").model_sources.at("shape"), "Smith 2020");
  text.replace(text.find("sources: {shape"), 15, "sources: {shap");
  const auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "model.sources.shap", 10, 72, {"unknown key 'shap'", "did you mean 'shape'"}));
}

// The report states the between-patient variability from the stored spec's omega: its
// variables and diagonal, or nothing at all when the matrix does not read as one.
TEST(SpecReport, StoredOmegaGivesTheVariancesOfItsVariables) {
  const auto stored_with = [](const std::string& matrix) {
    return silico::spec::read_stored_spec(
        "schema_version: 1\nmodel:\n  name: pk_1cmt\n  parameters:\n    CL: 5\n"
        "    omega:\n      variables: [CL, V, EC50]\n      matrix: " + matrix + "\n",
        "spec.yaml");
  };
  const auto stored = stored_with("[[0.09, 0.0, 0.0], [0.0, 0.04, 0.01], [0.0, 0.01, 1.6e-1]]");
  ASSERT_EQ(stored.omegas.size(), 1u);
  EXPECT_EQ(stored.omegas[0].parameter, "omega");
  EXPECT_EQ(stored.omegas[0].variables, (std::vector<std::string>{"CL", "V", "EC50"}));
  EXPECT_EQ(stored.omegas[0].variances, (std::vector<double>{0.09, 0.04, 0.16}));
  EXPECT_TRUE(stored_with("[[0.09, 0, 0], [0, 0.04, 0]]").omegas.empty());             // 2 rows for 3
  EXPECT_TRUE(stored_with("[[0.09, 0, 0], [0, 0.04, 0], [0, 0]]").omegas.empty());     // a short row
  EXPECT_TRUE(stored_with("[[0.09, 0, 0], [0, x, 0], [0, 0, 0.16]]").omegas.empty());  // not a number
  EXPECT_TRUE(stored_with("[[0.09, 0, 0], [0, 0, 0], [0, 0, 0.16]]").omegas.empty());  // not a variance
  EXPECT_TRUE(stored_with("0.09").omegas.empty());
}

TEST(SpecReport, BadLevelAndUnknownKeyAreLocated) {
  auto errors = errors_of(std::string(kValid) + "report: {model_influence: huge}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "report.model_influence", 13, 27, {"low, medium or high", "'huge'"}));
  errors = errors_of(std::string(kValid) + "report: {context: x}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "report.context", 13, 10, {"context_of_use"}));
}

// Validation targets of kValid (endpoint os, time to event, no landmarks): `validation:` is
// line 13, its first target line 14.
TEST(SpecValidation, TargetsNameSimulatedQuantities) {
  const std::string base = std::string(kValid);
  const auto spec = silico::spec::parse_spec(
      base + "validation:\n  - {endpoint: os, arm: control, quantity: median, observed: 11.5, tolerance: 1.5,\n"
             "     source: \"a published control arm\"}\n",
      "spec.yaml");
  ASSERT_EQ(spec.validation.size(), 1u);
  EXPECT_EQ(spec.validation[0].quantity, "median");
  EXPECT_EQ(spec.validation[0].observed, 11.5);
  EXPECT_EQ(spec.validation[0].tolerance, 1.5);
  EXPECT_EQ(spec.validation[0].source, "a published control arm");
  const auto stored = silico::spec::read_stored_spec(
      base + "validation: [{endpoint: os, arm: control, quantity: median, observed: 11.5, tolerance: 1.5}]\n",
      "spec.yaml");
  ASSERT_EQ(stored.validation.size(), 1u);
  EXPECT_EQ(stored.validation[0].arm, "control");
}

TEST(SpecValidation, UnknownNamesAndQuantitiesAreLocated) {
  const std::string base = std::string(kValid) + "validation:\n";
  auto errors = errors_of(base + "  - {endpoint: pfs, arm: control, quantity: median, observed: 1, tolerance: 1}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].endpoint", 14, 16, {"unknown endpoint 'pfs'"}));
  errors = errors_of(base + "  - {endpoint: os, arm: placebo, quantity: median, observed: 1, tolerance: 1}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].arm", 14, 25, {"unknown arm 'placebo'"}));
  errors = errors_of(base + "  - {endpoint: os, arm: control, quantity: mean, observed: 1, tolerance: 1}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].quantity", 14, 44, {"'mean' is not simulated", "median or survival_at_"}));
  errors = errors_of(base + "  - {endpoint: os, arm: control, quantity: median, observed: 1, tolerance: 0}\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].tolerance", 14, 76, {}));
  errors = errors_of(base + "  - {endpoint: os, arm: control, quantity: median}\n");
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(SpecObservations, EveryIsGeneratedByIndexInDays) {
  // Times are k * every, not accumulated sums. 0.1 is not exact in binary: 3 * 0.1 is
  // 0.30000000000000004, which a relative 1e-12 allowance keeps within until 0.3.
  const TrialSpec spec =
      parse_spec(with_observations("  concentration: {every: 0.1, until: 0.3}"), "spec.yaml");
  ASSERT_EQ(spec.observations.size(), 1u);
  EXPECT_EQ(spec.observations[0].variable, "concentration");
  EXPECT_EQ(spec.observations[0].times_days, (std::vector<double>{0.0, 0.1, 2 * 0.1, 3 * 0.1}));
  // Every 6 h up to the end of follow-up (28 days): 113 times, exactly k / 4.
  const TrialSpec full =
      parse_spec(with_observations("  concentration: {every: 0.25, until: 28}"), "spec.yaml");
  ASSERT_EQ(full.observations[0].times_days.size(), 113u);
  for (std::size_t k = 0; k < 113; ++k) {
    ASSERT_EQ(full.observations[0].times_days[k], static_cast<double>(k) / 4.0);
  }
  const TrialSpec listed =
      parse_spec(with_observations("  concentration: {times: [0, 0.5, 7, 28]}"), "spec.yaml");
  EXPECT_EQ(listed.observations[0].times_days, (std::vector<double>{0.0, 0.5, 7.0, 28.0}));
  EXPECT_EQ(days_per_time_unit("days"), 1.0);
  EXPECT_EQ(days_per_time_unit("weeks"), 7.0);
  EXPECT_EQ(days_per_time_unit("months"), 365.25 / 12.0);
  EXPECT_EQ(days_per_time_unit("years"), 365.25);
}

TEST(SpecObservations, UnknownVariableSuggestsClosest) {
  const auto errors = errors_of(with_observations("  concentraton: {every: 0.25, until: 28}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "observations.concentraton", 15, 3,
                     {"model 'pk_1cmt' cannot record 'concentraton'; did you mean 'concentration'?",
                      "(variables: concentration)"}));
  // A model without variables says so.
  const auto none = errors_of(std::string(kValid) + "observations:\n  survival: {times: [0]}\n");
  ASSERT_EQ(none.size(), 1u) << dump(none);
  EXPECT_TRUE(has_diagnostic(none, "observations.survival", 14, 3,
                             {"model 'weibull_ph' records no variables"}));
}

TEST(SpecObservations, ExactlyOneOfEveryAndTimes) {
  auto errors =
      errors_of(with_observations("  concentration: {every: 1, until: 2, times: [0, 1]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.times", 15, 39,
                             {"either 'every' (with 'until') or 'times', not both"}));
  errors = errors_of(with_observations("  concentration: {until: 2}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration", 15, 18,
                             {"expected 'every' with 'until'"}));
  errors = errors_of(with_observations("  concentration: {every: 1}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.until", 15, 18,
                             {"missing required key 'until'"}));
  errors = errors_of(with_observations("  concentration: {times: [0, 1], until: 2}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.until", 15, 34,
                             {"'until' goes with 'every'"}));
  errors = errors_of(with_observations("  concentration: {every: 0, until: 2}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.every", 15, 26,
                             {"a spacing in days, > 0, got 0"}));
}

TEST(SpecObservations, TimesAreNonNegativeAndStrictlyIncreasing) {
  auto errors = errors_of(with_observations("  concentration: {times: [0, 1, 1]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.times[2]", 15, 33,
                             {"strictly increasing times, but 1 is not after 1"}));
  errors = errors_of(with_observations("  concentration: {times: [2, 1]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "observations.concentration.times[1]", 15, 30, {"1 is not after 2"}));
  errors = errors_of(with_observations("  concentration: {times: [-1, 1]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.times[0]", 15, 27,
                             {"a time in days >= 0, got -1"}));
  errors = errors_of(with_observations("  concentration: {times: []}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "observations.concentration.times", 15, 26, {"at least one time"}));
  errors = errors_of(with_observations("  concentration: {times: [0, .inf]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "observations.concentration.times[1]", 15, 30, {"a time in days"}));
}

TEST(SpecObservations, NoTimeAfterTheFollowUpInDays) {
  // follow_up 4 weeks = 28 days.
  auto errors = errors_of(with_observations("  concentration: {every: 0.25, until: 29}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.until", 15, 39,
                             {"at most trial.follow_up (4 weeks = 28 days), got 29"}));
  errors = errors_of(with_observations("  concentration: {times: [0, 28.5]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations.concentration.times[1]", 15, 30,
                             {"at most trial.follow_up (4 weeks = 28 days), got 28.5"}));
  EXPECT_NO_THROW(parse_spec(with_observations("  concentration: {times: [28]}"), "spec.yaml"));
}

TEST(SpecObservations, AtMostOneHundredThousandTimesPerVariable) {
  // 28 / 0.00028 = 100000 steps: 100,001 times, one too many; 0.00028 * 1.00001 fits.
  auto errors = errors_of(with_observations("  concentration: {every: 0.00028, until: 28}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "observations.concentration.every", 15, 26, {"at most 100000 times"}));
  const TrialSpec spec = parse_spec(
      with_observations("  concentration: {every: 0.0002800028, until: 28}"), "spec.yaml");
  EXPECT_EQ(spec.observations[0].times_days.size(), 100000u);
}

TEST(SpecObservations, SectionShapeAndFormerKnobs) {
  std::string empty = with_observations("");
  empty.replace(empty.find("observations:\n"), 14, "observations: {}");
  auto errors = errors_of(empty);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations", 14, 15, {"at least one variable"}));
  errors = errors_of(std::string(kValid) + "observations:\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "observations", 13, 1, {"no value given"}));
  // The per-model recording knobs are gone; using one says where recording went.
  std::string old = with_observations("  concentration: {times: [0]}");
  old.replace(old.find("exposure_end_h: 24}"), 19, "exposure_end_h: 24, trajectory_every_h: 4}");
  errors = errors_of(old);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(
      has_diagnostic(errors, "model.parameters.trajectory_every_h", 11, 71,
                     {"'trajectory_every_h' is no longer a model parameter", "'observations'"}));
}

// ---------------------------------------------------------------- include

/// A fresh folder under the system temporary directory, removed after the test.
class SpecInclude : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = fs::temp_directory_path() /
           ("silico_test_spec_" + std::string(info->name()) + "_" + std::to_string(stamp));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& relative, const std::string& text) const {
    const fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  /// Where the reader says an included file is: the normalised absolute path.
  std::string included(const std::string& relative) const {
    return (dir_ / relative).lexically_normal().string();
  }

  fs::path dir_;
};

// The spec includes cohorts/x.yaml on line 4 (value at column 12).
constexpr const char* kIncludingSpec = R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  include: cohorts/x.yaml
  max_screening_attempts: 500
arms:
  - {name: control, control: true}
  - {name: treatment}
model:
  name: weibull_ph
  parameters: {shape: 1, scale: 10, log_hazard_ratios: {bmi: 0.02}}
endpoints:
  - {name: os}
)";

constexpr const char* kCohort = R"(description: test cohort
covariates:
  age: {distribution: normal, mean: 60, sd: 10}
  bmi: {distribution: normal, mean: 25, sd: 4}
criteria: ["age >= 18"]
)";

TEST_F(SpecInclude, IncludedCohortIsRead) {
  write("cohorts/x.yaml", kCohort);
  const fs::path spec_path = write("spec.yaml", kIncludingSpec);
  const TrialSpec spec = load_spec(spec_path.string());
  ASSERT_EQ(spec.cohort.covariates.size(), 2u);
  EXPECT_EQ(spec.cohort.covariates[1].name, "bmi");
  EXPECT_EQ(spec.cohort.covariates[1].sd, 4.0);
  ASSERT_EQ(spec.cohort.criteria.size(), 1u);
  EXPECT_EQ(spec.cohort.source_file, included("cohorts/x.yaml"));
  EXPECT_EQ(spec.cohort.source_text, kCohort);
  EXPECT_EQ(spec.cohort.max_screening_attempts, 500u);  // set beside the include
  const auto& effects = spec.model.parameters.effects("log_hazard_ratios");
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_EQ(effects[0].covariate, 1u);
}

TEST_F(SpecInclude, FoundInTheProjectsCohortFolderAboveTheSpec) {
  // configs/ beside cohorts/, as in this repository: the project's cohorts/ is found.
  write("cohorts/x.yaml", kCohort);
  const fs::path spec_path = write("configs/deeper/spec.yaml", kIncludingSpec);
  const TrialSpec spec = load_spec(spec_path.string());
  EXPECT_EQ(spec.cohort.source_file, included("cohorts/x.yaml"));
  EXPECT_EQ(spec.cohort.covariates.size(), 2u);
}

TEST_F(SpecInclude, FoundInAnotherFolderAboveTheSpecOnlyWhenAllowed) {
  // A folder above the spec that is not the project's cohorts/ is read only with
  // --allow-include-outside (how silico looked before includes were confined).
  write("shared/x.yaml", kCohort);
  std::string text = kIncludingSpec;
  text.replace(text.find("cohorts/x.yaml"), 14, "shared/x.yaml");
  const fs::path spec_path = write("configs/deeper/spec.yaml", text);
  const auto errors = errors_of_file(spec_path);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.include", 4, 12,
                             {"cohort file 'shared/x.yaml' not found in the spec's folder",
                              (dir_ / "configs" / "deeper").string()}));
  SpecFiles allow;
  allow.allow_include_outside = true;
  const TrialSpec spec = load_spec(spec_path.string(), allow);
  EXPECT_EQ(spec.cohort.source_file, included("shared/x.yaml"));
}

TEST_F(SpecInclude, ErrorInIncludedFileReportsThatFile) {
  // Line 4 of the cohort file: `  bmi: {...sd: ` value at column 45.
  write("cohorts/x.yaml", R"(description: test cohort
covariates:
  age: {distribution: normal, mean: 60, sd: 10}
  bmi: {distribution: normal, mean: 25, sd: -2}
)");
  const auto errors = errors_of_file(write("spec.yaml", kIncludingSpec));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  // Key paths inside an included file are relative to that file.
  EXPECT_TRUE(has_diagnostic(errors, "covariates.bmi.sd", 4, 45,
                             {"expected a standard deviation > 0, got -2"}));
  EXPECT_EQ(errors[0].where.file, included("cohorts/x.yaml"));
}

TEST_F(SpecInclude, SyntaxErrorInIncludedFileReportsThatFile) {
  write("cohorts/x.yaml", "description: test cohort\ncovariates: age: normal\n");
  const auto errors = errors_of_file(write("spec.yaml", kIncludingSpec));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].where.file, included("cohorts/x.yaml"));
  EXPECT_EQ(errors[0].where.line, 2);
  EXPECT_NE(errors[0].message.find("YAML syntax error"), std::string::npos) << errors[0].message;
}

TEST_F(SpecInclude, MissingIncludeReportedAtIncludeLine) {
  std::string text = kIncludingSpec;
  text.replace(text.find("cohorts/x.yaml"), 14, "cohorts/missing.yaml");
  const fs::path spec_path = write("spec.yaml", text);
  const auto errors = errors_of_file(spec_path);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.include", 4, 12,
                             {"cohort file 'cohorts/missing.yaml' not found"}));
  EXPECT_EQ(errors[0].where.file, spec_path.string());
}

// File targets: kIncludingSpec (time unit months) with `validation:` on line 14 and the
// target on line 15; observed_file's value at column 49, time_unit's at 77.
std::string with_file_target(const std::string& target =
                                 "{endpoint: os, arm: control, observed_file: cohorts/obs.csv, time_unit: days, "
                                 "tolerance: 0.2}") {
  return std::string(kIncludingSpec) + "validation:\n  - " + target + "\n";
}

TEST_F(SpecInclude, ObservedFileIsReadAndItsTimesConverted) {
  write("cohorts/x.yaml", kCohort);
  const std::string csv = "# provenance\n\"time\",\"event\"\r\n30.4375,1\r\n60.875,0\r\n";
  write("cohorts/obs.csv", csv);
  const TrialSpec spec = load_spec(write("spec.yaml", with_file_target()).string());
  ASSERT_EQ(spec.validation.size(), 1u);
  const auto& target = spec.validation[0];
  EXPECT_EQ(target.quantity, "distribution");
  EXPECT_EQ(target.tolerance, 0.2);
  ASSERT_TRUE(target.from_file());
  const auto& observed = *target.observed_outcomes;
  EXPECT_EQ(observed.file, "cohorts/obs.csv");
  EXPECT_EQ(observed.path, included("cohorts/obs.csv"));
  EXPECT_EQ(observed.text, csv);
  // 30.4375 days is one month exactly (a twelfth of 365.25 days).
  EXPECT_EQ(observed.value, (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(observed.event, (std::vector<std::int8_t>{1, 0}));
  EXPECT_EQ(observed.time_unit, "days");
  // The report reads the target from the stored spec without the file.
  const auto stored = silico::spec::read_stored_spec(with_file_target(), "elsewhere/spec.yaml");
  ASSERT_EQ(stored.validation.size(), 1u);
  ASSERT_TRUE(stored.validation[0].from_file());
  EXPECT_EQ(stored.validation[0].observed_outcomes->file, "cohorts/obs.csv");
  EXPECT_TRUE(stored.validation[0].observed_outcomes->value.empty());
}

TEST_F(SpecInclude, ObservedFileProblemsAreLocatedInTheFile) {
  write("cohorts/x.yaml", kCohort);
  write("cohorts/obs.csv", "# note\ntime,event\n10,1\nNA,0\n5,2\n-1,1\n");
  const auto errors = errors_of_file(write("spec.yaml", with_file_target()));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);  // values are checked once all parse
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].observed_file", 4, 1,
                             {"column 'time': expected a finite number, got 'NA'"}));
  EXPECT_EQ(errors[0].where.file, included("cohorts/obs.csv"));

  write("cohorts/obs.csv", "time,event\n10,1\n5,2\n-1,1\n");
  auto more = errors_of_file(write("spec.yaml", with_file_target()));
  ASSERT_EQ(more.size(), 2u) << dump(more);
  EXPECT_EQ(more[0].where.line, 3);
  EXPECT_EQ(more[0].where.column, 3);  // the event cell of "5,2"
  EXPECT_NE(more[0].message.find("event must be 1 (event) or 0 (censored), got 2"), std::string::npos);
  EXPECT_EQ(more[1].where.line, 4);
  EXPECT_EQ(more[1].where.column, 1);
  EXPECT_NE(more[1].message.find("time -1 is negative"), std::string::npos);

  write("cohorts/obs.csv", "t,e\n1,1\n");
  more = errors_of_file(write("spec.yaml", with_file_target()));
  ASSERT_EQ(more.size(), 1u) << dump(more);
  EXPECT_TRUE(has_diagnostic(more, "validation[0].observed_file", 1, 1,
                             {"no column 'time' (the file has: t, e)", "time and event"}));

  write("cohorts/obs.csv", "time,event\n1,0\n2,0\n");
  more = errors_of_file(write("spec.yaml", with_file_target()));
  ASSERT_EQ(more.size(), 1u) << dump(more);
  EXPECT_NE(more[0].message.find("no events among the 2 observed patients"), std::string::npos);

  write("cohorts/obs.csv", "time,event\n1,1,3\n");
  more = errors_of_file(write("spec.yaml", with_file_target()));
  ASSERT_EQ(more.size(), 1u) << dump(more);
  EXPECT_NE(more[0].message.find("expected 2 fields (as the header), got 3"), std::string::npos);
}

TEST_F(SpecInclude, FileTargetEntryIsChecked) {
  write("cohorts/x.yaml", kCohort);
  auto errors = errors_of_file(write("spec.yaml", with_file_target()));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].observed_file", 15, 49,
                             {"observed file 'cohorts/obs.csv' not found"}));

  write("cohorts/obs.csv", "time,event\n1,1\n");
  errors = errors_of_file(write(
      "spec.yaml", with_file_target("{endpoint: os, arm: control, quantity: median, observed_file: cohorts/obs.csv, "
                                    "tolerance: 1.5, time_unit: fortnights}")));
  ASSERT_EQ(errors.size(), 3u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].quantity", 15, 34, {"cannot stand beside 'observed_file'"}));
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].tolerance", 15, kAnyColumn, {"in [0, 1]"}));
  EXPECT_TRUE(has_diagnostic(errors, "validation[0].time_unit", 15, kAnyColumn, {"unknown time unit 'fortnights'"}));
}

TEST_F(SpecInclude, StoredFilesStandInForTheDisk) {
  // A run records what it included; a report re-reads the spec from those texts, from any
  // folder, and without the observed outcomes (which the result file holds as data).
  write("cohorts/x.yaml", kCohort);
  write("cohorts/obs.csv", "time,event\n1,1\n");
  const TrialSpec run = load_spec(write("spec.yaml", with_file_target()).string());
  ASSERT_EQ(run.included_files.size(), 1u);
  EXPECT_EQ(run.included_files.at("cohorts/x.yaml"), kCohort);

  silico::spec::SpecFiles stored;
  stored.use_stored = true;
  stored.included_files = run.included_files;
  stored.read_observed_outcomes = false;
  const TrialSpec again = parse_spec(with_file_target(), "nowhere/spec.yaml", stored);
  EXPECT_EQ(again.cohort.covariates.size(), 2u);
  ASSERT_EQ(again.validation.size(), 1u);
  EXPECT_TRUE(again.validation[0].observed_outcomes->value.empty());

  stored.included_files.clear();
  try {
    parse_spec(with_file_target(), "nowhere/spec.yaml", stored);
    FAIL() << "expected a SpecError";
  } catch (const silico::SpecError& e) {
    EXPECT_TRUE(has_diagnostic(e.diagnostics().items(), "cohort.include", 4, 12,
                               {"'cohorts/x.yaml' is not among the files stored with the spec"}));
  }
}

TEST(SpecIncludeInline, IncludeBesideInlineCovariatesIsAnError) {
  // Line 5: `  covariates: ` value at column 15.
  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  include: cohorts/x.yaml
  covariates: {age: {distribution: normal, mean: 60, sd: 10}}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "cohort.covariates", 5, 15,
                             {"'covariates' cannot stand beside 'include'"}));
}

// ---------------------------------------------------------------- valid specs

TEST(SpecValid, EveryConfigParses) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(SILICO_SOURCE_DIR "/configs")) {
    const auto extension = entry.path().extension();
    if (extension != ".yaml" && extension != ".yml") continue;
    ++count;
    SCOPED_TRACE(entry.path().string());
    try {
      load_spec(entry.path().string());
    } catch (const SpecError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(count, 2u);
}

TEST(SpecValid, ExampleValues) {
  const TrialSpec spec = load_spec(SILICO_SOURCE_DIR "/configs/example.yaml");
  EXPECT_EQ(spec.schema_version, 1);
  EXPECT_EQ(spec.trial.name, "nsclc_os_example");
  EXPECT_EQ(spec.trial.seed, 20261124u);
  EXPECT_EQ(spec.trial.patients, 20000u);
  EXPECT_EQ(spec.trial.replicates, 1u);
  EXPECT_EQ(spec.trial.time_unit, "months");
  EXPECT_EQ(spec.trial.follow_up, 36.0);
  EXPECT_EQ(spec.trial.randomization_block, 4u);

  ASSERT_EQ(spec.arms.size(), 2u);
  EXPECT_EQ(spec.arm_names(), (std::vector<std::string>{"control", "treatment"}));
  EXPECT_TRUE(spec.arms[0].control);
  EXPECT_FALSE(spec.arms[1].control);
  EXPECT_EQ(spec.arms[0].ratio, 1u);
  EXPECT_EQ(spec.arms[1].ratio, 1u);
  EXPECT_EQ(spec.control_arm, 0u);

  // Model: numbers are parsed from the same decimal text, so they compare exactly.
  EXPECT_EQ(spec.model.name, "weibull_ph");
  ASSERT_NE(spec.model.factory, nullptr);
  EXPECT_NE(spec.model.instance, nullptr);
  const auto& p = spec.model.parameters;
  EXPECT_EQ(p.number("shape"), 1.2);
  EXPECT_EQ(p.number("scale"), 16.0);
  EXPECT_EQ(p.number("dropout_rate"), 0.01);
  EXPECT_EQ(p.arm_values("hazard_ratio"), (std::vector<double>{1.0, 0.75}));  // control: default 1

  // Covariates: age, weight, female, ecog, ldh_ratio (indices 0..4, file order).
  const auto& cohort = spec.cohort;
  EXPECT_EQ(cohort.covariate_names(),
            (std::vector<std::string>{"age", "weight", "female", "ecog", "ldh_ratio"}));
  EXPECT_EQ(
      cohort.source_file,
      (fs::path(SILICO_SOURCE_DIR) / "cohorts/nsclc_adults.yaml").lexically_normal().string());
  EXPECT_EQ(cohort.covariates[0].distribution, Distribution::kTruncatedNormal);
  EXPECT_EQ(cohort.covariates[0].lower, 18.0);
  EXPECT_EQ(cohort.covariates[0].upper, 90.0);
  EXPECT_EQ(cohort.covariates[1].distribution, Distribution::kLognormal);
  EXPECT_EQ(cohort.covariates[1].unit, "kg");
  EXPECT_EQ(cohort.covariates[2].p, 0.35);
  EXPECT_EQ(cohort.covariates[3].levels, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(cohort.covariates[3].probabilities, (std::vector<double>{0.35, 0.55, 0.10}));

  // Covariate effects in file order, with reference 0 where none is given.
  const auto& effects = p.effects("log_hazard_ratios");
  ASSERT_EQ(effects.size(), 4u);
  const std::size_t covariate[] = {0, 3, 4, 2};
  const double per_unit[] = {0.015, 0.45, 0.6, -0.15};
  const double reference[] = {63.0, 0.0, 1.0, 0.0};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(effects[i].covariate, covariate[i]);
    EXPECT_EQ(effects[i].per_unit, per_unit[i]);
    EXPECT_EQ(effects[i].reference, reference[i]);
  }

  // Correlation of (age, ecog, ldh_ratio) placed at indices (0, 3, 4); weight and female
  // uncorrelated.
  Eigen::MatrixXd expected = Eigen::MatrixXd::Identity(5, 5);
  expected(0, 3) = expected(3, 0) = 0.20;
  expected(0, 4) = expected(4, 0) = 0.05;
  expected(3, 4) = expected(4, 3) = 0.25;
  EXPECT_EQ(cohort.correlation, expected);
  // L is lower triangular with L L^T = R. Entries are O(1) and each product sums at most
  // 5 terms, so roundoff is a few ulps; 1e-12 is far above it and far below any real error.
  const Eigen::MatrixXd& L = cohort.correlation_cholesky;
  ASSERT_EQ(L.rows(), 5);
  ASSERT_EQ(L.cols(), 5);
  EXPECT_LT((L * L.transpose() - expected).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_EQ(L.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().cwiseAbs().maxCoeff(), 0.0);
  for (Eigen::Index i = 0; i < 5; ++i) EXPECT_GT(L(i, i), 0.0);

  // Criteria: `age >= 18` on covariate 0; `ecog <= 1` compares level index 1 of ecog.
  ASSERT_EQ(cohort.criteria.size(), 2u);
  EXPECT_EQ(cohort.criteria[0].covariate, 0u);
  EXPECT_EQ(cohort.criteria[0].op, Comparison::kGreaterEqual);
  EXPECT_EQ(cohort.criteria[0].value, 18.0);
  EXPECT_EQ(cohort.criteria[1].text, "ecog <= 1");
  EXPECT_EQ(cohort.criteria[1].covariate, 3u);
  EXPECT_EQ(cohort.criteria[1].op, Comparison::kLessEqual);
  EXPECT_EQ(cohort.criteria[1].value, 1.0);

  ASSERT_EQ(spec.endpoints.size(), 1u);
  EXPECT_EQ(spec.endpoints[0].name, "os");
  EXPECT_EQ(spec.endpoints[0].output, 0u);
  EXPECT_EQ(spec.endpoints[0].type, models::OutputType::kTimeToEvent);
  EXPECT_EQ(spec.analysis.alpha, 0.05);
  EXPECT_EQ(spec.analysis.rmst_horizon, 36.0);
}

TEST(SpecValid, ContinuousValues) {
  const TrialSpec spec = load_spec(SILICO_SOURCE_DIR "/configs/continuous.yaml");
  EXPECT_EQ(spec.trial.time_unit, "weeks");
  EXPECT_EQ(spec.arm_names(), (std::vector<std::string>{"placebo", "low_dose", "high_dose"}));
  EXPECT_EQ(spec.control_arm, 0u);
  EXPECT_EQ(spec.trial.randomization_block, 8u);  // default: 2 * (2 + 1 + 1)
  EXPECT_EQ(spec.model.name, "linear_change");
  const auto& p = spec.model.parameters;
  EXPECT_EQ(p.number("intercept"), -2.0);
  EXPECT_EQ(p.number("residual_sd"), 6.0);
  EXPECT_EQ(p.arm_values("arm_effect"), (std::vector<double>{0.0, -1.5, -3.0}));
  const auto& effects = p.effects("covariate_effects");
  ASSERT_EQ(effects.size(), 3u);
  EXPECT_EQ(effects[2].covariate, 2u);  // smoker: a bare number is per_unit, reference 0
  EXPECT_EQ(effects[2].per_unit, 1.0);
  EXPECT_EQ(effects[2].reference, 0.0);
  EXPECT_EQ(spec.cohort.correlation(0, 1), 0.3);
  EXPECT_EQ(spec.cohort.criteria.size(), 3u);
  ASSERT_EQ(spec.endpoints.size(), 2u);
  EXPECT_EQ(spec.endpoints[0].type, models::OutputType::kContinuous);
  // responder: {below: -5} turns the same output into a binary endpoint.
  EXPECT_EQ(spec.endpoints[1].type, models::OutputType::kBinary);
  ASSERT_TRUE(spec.endpoints[1].responder.has_value());
  EXPECT_TRUE(spec.endpoints[1].responder->below);
  EXPECT_EQ(spec.endpoints[1].responder->threshold, -5.0);
  // analysis: the first method listed is the primary analysis.
  ASSERT_EQ(spec.analysis.endpoints.size(), 2u);
  EXPECT_EQ(spec.analysis.endpoints[0].methods,
            (std::vector<std::string>{"procova", "ancova", "welch"}));
  EXPECT_EQ(spec.analysis.endpoints[0].covariates, (std::vector<std::size_t>{0, 1, 2}));
  ASSERT_TRUE(spec.analysis.procova.has_value());
  EXPECT_EQ(spec.analysis.procova->patients, 3000u);
  EXPECT_EQ(spec.analysis.procova->seed, 1007u);
  EXPECT_EQ(spec.analysis.procova->cohort.covariate_names(), spec.cohort.covariate_names());
}

TEST(SpecValid, DefaultsWhenOmitted) {
  const TrialSpec spec = parse_spec(R"(schema_version: 1
trial: {name: t, seed: 5, patients: 90, follow_up: 24}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true, ratio: 2}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1.5, scale: 10}}
endpoints:
  - {name: os}
)",
                                    "spec.yaml");
  EXPECT_EQ(spec.trial.replicates, 1u);
  EXPECT_EQ(spec.trial.time_unit, "months");
  EXPECT_EQ(spec.trial.randomization_block, 6u);  // 2 * (2 + 1)
  EXPECT_EQ(spec.analysis.alpha, 0.05);
  EXPECT_EQ(spec.analysis.rmst_horizon, 24.0);  // = follow_up
  EXPECT_EQ(spec.arms[1].ratio, 1u);
  EXPECT_EQ(spec.cohort.max_screening_attempts, 10000u);
  // No correlation given: none stored (the identity), not a p x p identity matrix.
  EXPECT_FALSE(spec.cohort.has_correlation());
  EXPECT_EQ(spec.cohort.correlation_cholesky.size(), 0);
  EXPECT_TRUE(spec.cohort.criteria.empty());
  const auto& p = spec.model.parameters;
  EXPECT_EQ(p.arm_values("hazard_ratio"), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(p.number("dropout_rate"), 0.0);
  EXPECT_TRUE(p.effects("log_hazard_ratios").empty());
  EXPECT_EQ(spec.source_file, "spec.yaml");
  EXPECT_EQ(spec.cohort.source_file, "spec.yaml");
}

TEST(SpecValid, CategoricalCriteriaUseLevelIndex) {
  const TrialSpec spec = parse_spec(R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12}
cohort:
  covariates:
    grade: {distribution: categorical, levels: [low, mid, high], probabilities: [0.2, 0.5, 0.3]}
    age: {distribution: normal, mean: 60, sd: 10}
  criteria: ["grade <= mid", "grade != low", "age < 80"]
arms:
  - {name: treatment}
  - {name: control, control: true}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10, hazard_ratio: {treatment: 0.5}}}
endpoints:
  - {name: os}
)",
                                    "spec.yaml");
  EXPECT_EQ(spec.control_arm, 1u);
  EXPECT_EQ(spec.model.parameters.arm_values("hazard_ratio"), (std::vector<double>{0.5, 1.0}));
  const auto& criteria = spec.cohort.criteria;
  ASSERT_EQ(criteria.size(), 3u);
  EXPECT_EQ(criteria[0].covariate, 0u);
  EXPECT_EQ(criteria[0].op, Comparison::kLessEqual);
  EXPECT_EQ(criteria[0].value, 1.0);  // mid
  EXPECT_TRUE(criteria[0].holds(1.0));
  EXPECT_FALSE(criteria[0].holds(2.0));
  EXPECT_EQ(criteria[1].op, Comparison::kNotEqual);
  EXPECT_EQ(criteria[1].value, 0.0);  // low
  EXPECT_EQ(criteria[2].covariate, 1u);
  EXPECT_EQ(criteria[2].op, Comparison::kLess);
  EXPECT_EQ(criteria[2].value, 80.0);
}

// ---------------------------------------------------------------- format

TEST(SpecFormat, DiagnosticFormat) {
  Diagnostic d;
  d.where.file = "spec.yaml";
  d.where.line = 3;
  d.where.column = 7;
  d.key_path = "trial.seed";
  d.message = "expected a seed";
  EXPECT_EQ(d.format(), "spec.yaml:3:7: error: trial.seed: expected a seed");

  const auto errors = errors_of(R"(schema_version: 1
trial: {name: t, seed: -1, patients: 100, follow_up: 12}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
)",
                                "configs/trial.yaml");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].format(),
            "configs/trial.yaml:2:24: error: trial.seed: expected an unsigned 64-bit integer seed, "
            "got \"-1\"");
}

TEST(SpecFormat, NoKeyPathWhenNone) {
  const auto errors = errors_of("", "empty.yaml");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].format(), "empty.yaml:1:1: error: the spec is empty");
}

}  // namespace
}  // namespace silico::spec
