// disease_progression against closed forms. Patients come from the real cohort and
// simulator. Stochastic bounds are 4 standard errors at n = 10^5 with fixed seeds.
// Scenario: an ADAS-Cog-like score in weeks, visits every 13 weeks, analysis at visit 6
// (T = 78 weeks).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

constexpr std::uint64_t kPatients = 100'000;
constexpr double kIntercept = 22.0, kInterceptSd = 6.0, kSlope = 0.12, kSlopeSd = 0.08;
constexpr double kCorrelation = 0.3, kResidualSd = 3.0, kInterval = 13.0;
constexpr int kVisit = 6;
constexpr double kT = kVisit * kInterval;  // 78 weeks

/// Replaces the value of parameter `name` (a line `    name: value`) in a spec.
std::string with_parameter(std::string yaml, const std::string& name, const std::string& value) {
  const std::string key = "    " + name + ": ";
  const std::size_t at = yaml.find(key);
  EXPECT_NE(at, std::string::npos) << name;
  const std::size_t start = at + key.size();
  return yaml.replace(start, yaml.find('\n', start) - start, value);
}

struct Options {
  double symptomatic = 0.0;
  double onset = 0.0;
  double disease_modifying = 0.0;
  double dropout = 0.0;
  std::string extra = "";  ///< further parameter lines
};

std::string num(double x) {
  std::ostringstream s;
  s.precision(17);
  s << x;
  return s.str();
}

std::string dp_spec(const Options& o) {
  return "schema_version: 1\n"
         "trial: {name: dp, seed: 2024, patients: 100000, time_unit: weeks, follow_up: 78}\n"
         "cohort:\n  covariates:\n    age: {distribution: normal, mean: 72, sd: 8}\n"
         "arms: [{name: control, control: true}, {name: treatment}]\n"
         "model:\n  name: disease_progression\n  parameters:\n"
         "    intercept: " +
         num(kIntercept) +
         "\n"
         "    baseline_effects: {age: {per_unit: 0.2, reference: 72}}\n"
         "    intercept_sd: " +
         num(kInterceptSd) +
         "\n"
         "    slope: " +
         num(kSlope) +
         "\n"
         "    slope_sd: " +
         num(kSlopeSd) +
         "\n"
         "    intercept_slope_correlation: " +
         num(kCorrelation) +
         "\n"
         "    residual_sd: " +
         num(kResidualSd) +
         "\n"
         "    symptomatic_effect: {treatment: " +
         num(o.symptomatic) +
         "}\n"
         "    symptomatic_onset: " +
         num(o.onset) +
         "\n"
         "    disease_modifying_fraction: {treatment: " +
         num(o.disease_modifying) +
         "}\n"
         "    visit_interval: " +
         num(kInterval) +
         "\n"
         "    analysis_visit: " +
         std::to_string(kVisit) +
         "\n"
         "    dropout_per_visit: " +
         num(o.dropout) + "\n" + o.extra +
         "endpoints: [{name: change, output: change}, {name: completed, output: completed}]\n";
}

silico::sim::Block simulate(const silico::spec::TrialSpec& spec) {
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  return block;
}

double mean(const std::vector<double>& x) {
  double s = 0.0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double variance(const std::vector<double>& x) {
  const double m = mean(x);
  double s = 0.0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size() - 1);
}

TEST(DiseaseProgression, ControlChangeHasTheClosedFormMeanAndVariance) {
  const auto spec = silico::spec::parse_spec(dp_spec({}), "dp.yaml");
  const auto block = simulate(spec);
  const auto& control = block.endpoints[0].potential_value[0];
  // change = slope_i T + e_K - e_0: mean slope T, variance T^2 sd1^2 + 2 residual_sd^2
  // (baseline, its covariate effect and its random intercept cancel).
  const double var = kT * kT * kSlopeSd * kSlopeSd + 2.0 * kResidualSd * kResidualSd;
  const double n = static_cast<double>(kPatients);
  EXPECT_NEAR(mean(control), kSlope * kT, 4.0 * std::sqrt(var / n));
  // SE of a normal sample variance: var sqrt(2 / (n - 1)).
  EXPECT_NEAR(variance(control), var, 4.0 * var * std::sqrt(2.0 / (n - 1.0)));
  // Without dropout every patient completes and observes its potential outcome.
  for (std::size_t i = 0; i < kPatients; ++i) {
    const auto arm = static_cast<std::size_t>(block.arm[i]);
    ASSERT_EQ(block.endpoints[0].observed_value[i], block.endpoints[0].potential_value[arm][i]);
    ASSERT_EQ(block.endpoints[1].observed_value[i], 1.0);
  }
}

TEST(DiseaseProgression, TreatmentEffectIsDiseaseModifyingPlusSymptomatic) {
  const double dm = 0.3, symptomatic = -2.0, onset = 12.0;
  const auto spec = silico::spec::parse_spec(
      dp_spec({.symptomatic = symptomatic, .onset = onset, .disease_modifying = dm}), "dp.yaml");
  const auto block = simulate(spec);
  const auto& p = block.endpoints[0].potential_value;
  std::vector<double> difference(kPatients);
  for (std::size_t i = 0; i < kPatients; ++i) difference[i] = p[1][i] - p[0][i];
  // difference_i = -dm slope_i T + symptomatic (T >= onset): mean -dm slope T + symptomatic,
  // sd dm sd1 T (the residuals are common to both arms and cancel).
  const double sd = dm * kSlopeSd * kT;
  const double n = static_cast<double>(kPatients);
  EXPECT_NEAR(mean(difference), -dm * kSlope * kT + symptomatic, 4.0 * sd / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(variance(difference)), sd, 4.0 * sd / std::sqrt(2.0 * (n - 1.0)));
}

TEST(DiseaseProgression, SymptomaticOnlyShiftsEachPatientByTheRampedOffset) {
  const double symptomatic = -2.5;
  // onset 0: full effect at T; onset 104 > T = 78: a fraction 78 / 104 = 0.75 of it.
  for (const double onset : {0.0, 104.0}) {
    const auto spec =
        silico::spec::parse_spec(dp_spec({.symptomatic = symptomatic, .onset = onset}), "dp.yaml");
    const auto block = simulate(spec);
    const auto& p = block.endpoints[0].potential_value;
    const double offset = symptomatic * (onset == 0.0 ? 1.0 : kT / onset);
    for (std::size_t i = 0; i < kPatients; ++i) {
      ASSERT_NEAR(p[1][i] - p[0][i], offset, 1e-12) << "onset " << onset << ", patient " << i;
    }
  }
}

TEST(DiseaseProgression, SlopeEffectsOfCovariatesAreRecoveredByRegression) {
  // slope_i = slope + 0.004 (age - 72) + b1: change = T slope + 0.004 T (age - 72) + noise.
  const auto spec = silico::spec::parse_spec(
      dp_spec({.extra = "    slope_effects: {age: {per_unit: 0.004, reference: 72}}\n"}),
      "dp.yaml");
  const auto block = simulate(spec);
  const auto n = static_cast<Eigen::Index>(kPatients);
  Eigen::MatrixXd x(n, 2);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    x.row(i) << 1.0, block.covariates[0][k] - 72.0;
    y(i) = block.endpoints[0].potential_value[0][k];
  }
  const Eigen::MatrixXd xtx = x.transpose() * x;
  const Eigen::VectorXd beta = xtx.ldlt().solve(x.transpose() * y);
  // Exact OLS covariance with the known residual variance T^2 sd1^2 + 2 residual_sd^2.
  const double var = kT * kT * kSlopeSd * kSlopeSd + 2.0 * kResidualSd * kResidualSd;
  const Eigen::MatrixXd covariance = var * xtx.inverse();
  EXPECT_NEAR(beta(0), kSlope * kT, 4.0 * std::sqrt(covariance(0, 0)));
  EXPECT_NEAR(beta(1), 0.004 * kT, 4.0 * std::sqrt(covariance(1, 1)));
}

TEST(DiseaseProgression, DropoutCompletionAndLastObservationCarriedForward) {
  const double p = 0.05, dm = 0.5;
  const auto with_dropout = simulate(
      silico::spec::parse_spec(dp_spec({.disease_modifying = dm, .dropout = p}), "dp.yaml"));
  const auto complete =
      simulate(silico::spec::parse_spec(dp_spec({.disease_modifying = dm}), "dp.yaml"));
  const auto& change = with_dropout.endpoints[0];
  const auto& completed = with_dropout.endpoints[1];
  const double q = std::pow(1.0 - p, kVisit);  // P(attend visits 1..K)
  const double interval = kInterval;

  double done = 0.0;
  double arm_n[2] = {0, 0}, arm_done[2] = {0, 0};
  std::vector<double> locf_control;
  for (std::size_t i = 0; i < kPatients; ++i) {
    const auto arm = static_cast<std::size_t>(with_dropout.arm[i]);
    // Potential outcomes are complete data: unchanged by dropout, completed = 1.
    for (std::size_t a = 0; a < 2; ++a) {
      ASSERT_EQ(change.potential_value[a][i], complete.endpoints[0].potential_value[a][i]);
      ASSERT_EQ(completed.potential_value[a][i], 1.0);
    }
    const double c = completed.observed_value[i];
    ASSERT_TRUE(c == 0.0 || c == 1.0);
    done += c;
    arm_n[arm] += 1.0;
    arm_done[arm] += c;
    if (c == 1.0) {
      ASSERT_EQ(change.observed_value[i], change.potential_value[arm][i]);
    } else if (arm == 0) {
      locf_control.push_back(change.observed_value[i]);
    }
  }
  const double n = static_cast<double>(kPatients);
  EXPECT_NEAR(done / n, q, 4.0 * std::sqrt(q * (1.0 - q) / n));
  // Dropout does not depend on the arm.
  for (int arm = 0; arm < 2; ++arm) {
    EXPECT_NEAR(arm_done[arm] / arm_n[arm], q, 4.0 * std::sqrt(q * (1.0 - q) / arm_n[arm]))
        << "arm " << arm;
  }
  // Dropping out at visit j (probability (1-p)^(j-1) p) carries visit j - 1 forward, so among
  // dropouts under control E(change) = slope * interval * E(j - 1 | dropped out).
  double expected_visit = 0.0;
  for (int j = 1; j <= kVisit; ++j) expected_visit += (j - 1) * std::pow(1.0 - p, j - 1) * p;
  expected_visit /= 1.0 - q;
  const double se = std::sqrt(variance(locf_control) / static_cast<double>(locf_control.size()));
  EXPECT_NEAR(mean(locf_control), kSlope * interval * expected_visit, 4.0 * se);
}

std::string error_of(const std::string& yaml) {
  try {
    silico::spec::parse_spec(yaml, "dp.yaml");
  } catch (const silico::SpecError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a SpecError, but the spec was accepted";
  return "";
}

/// Visits every 13 weeks = 91 days, the analysis visit 6 at week 78 = day 546.
const std::string kEveryVisit = "observations:\n  score: {every: 91, until: 546}\n";

TEST(DiseaseProgression, RecordedScoresAreTheObservedCourse) {
  // Observing the score at baseline and each visit records the observed course: its
  // last-attended-minus-baseline difference is the observed change, and the visits missed
  // after dropping out are NaN.
  Options o;
  o.dropout = 0.1;
  o.symptomatic = -2.0;
  std::string yaml = dp_spec(o) + kEveryVisit;
  yaml.replace(yaml.find("patients: 100000"), 16, "patients: 2000");
  const auto block = simulate(silico::spec::parse_spec(yaml, "dp.yaml"));
  ASSERT_EQ(block.trajectory_points, static_cast<std::size_t>(kVisit + 1));
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < block.count; ++i) {
    const double* course = &block.trajectory[i * (kVisit + 1)];
    std::size_t last = 0;
    while (last + 1 <= static_cast<std::size_t>(kVisit) && !std::isnan(course[last + 1])) ++last;
    for (std::size_t j = last + 1; j <= static_cast<std::size_t>(kVisit); ++j) ASSERT_TRUE(std::isnan(course[j]));
    ASSERT_NEAR(block.endpoints[0].observed_value[i], course[last] - course[0], 1e-12);
    ASSERT_EQ(block.endpoints[1].observed_value[i], last == static_cast<std::size_t>(kVisit) ? 1.0 : 0.0);
    dropped += last < static_cast<std::size_t>(kVisit);
  }
  EXPECT_GT(dropped, 0u);
}

TEST(DiseaseProgression, RecordedScoresMatchTheFormerRecordScoresOutput) {
  // The scores of patients 0-3 at visits 0-6 as `record_scores: yes` recorded them before
  // observation schedules existed (silico d7acd35, this spec with 2,000 patients, dropout
  // 0.1, symptomatic effect -2; h5dump -m %.17g): the same visits give the same numbers,
  // to the last bit. Patients 0-2 dropped out after visits 5, 1 and 0.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double former[4][kVisit + 1] = {
      {16.119700198228713, 13.665689926248699, 20.126722984956661, 22.893635008776251,
       20.380239769272677, 22.943686452023194, nan},
      {34.47111612093272, 31.330908803711239, nan, nan, nan, nan, nan},
      {19.183120650983952, nan, nan, nan, nan, nan, nan},
      {26.938575745343236, 21.839660126196669, 18.852926764982641, 22.966136879852925,
       18.282286204409687, 25.375195809738088, 21.87150149542699},
  };
  Options o;
  o.dropout = 0.1;
  o.symptomatic = -2.0;
  std::string yaml = dp_spec(o) + kEveryVisit;
  yaml.replace(yaml.find("patients: 100000"), 16, "patients: 2000");
  const auto block = simulate(silico::spec::parse_spec(yaml, "dp.yaml"));
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j <= static_cast<std::size_t>(kVisit); ++j) {
      const double value = block.trajectory[i * (kVisit + 1) + j];
      if (std::isnan(former[i][j])) {
        EXPECT_TRUE(std::isnan(value)) << "patient " << i << " visit " << j;
      } else {
        EXPECT_EQ(value, former[i][j]) << "patient " << i << " visit " << j;
      }
    }
  }
  // Some visits only, in any spelling of the same days: the same values at those visits.
  std::string some = dp_spec(o) + "observations:\n  score: {times: [0, 182, 546]}\n";
  some.replace(some.find("patients: 100000"), 16, "patients: 2000");
  const auto chosen = simulate(silico::spec::parse_spec(some, "dp.yaml"));
  ASSERT_EQ(chosen.trajectory_points, 3u);
  for (std::size_t i = 0; i < chosen.count; ++i) {
    const double* all = &block.trajectory[i * (kVisit + 1)];
    const double* three = &chosen.trajectory[i * 3];
    const std::size_t visits[3] = {0, 2, 6};
    for (std::size_t k = 0; k < 3; ++k) {
      ASSERT_TRUE(three[k] == all[visits[k]] ||
                  (std::isnan(three[k]) && std::isnan(all[visits[k]])))
          << "patient " << i << " visit " << visits[k];
    }
  }
}

TEST(DiseaseProgression, ScoresAreRecordedAtVisitsOnly) {
  // The score exists at visits only. Line 25 of each spec is `  score: {...}`; the error
  // points at the time that is not a visit, at `every` when its first step is not one,
  // and at `until` when the schedule runs past the analysis visit.
  const auto only_error = [](const std::string& yaml) {
    try {
      silico::spec::parse_spec(yaml, "dp.yaml");
    } catch (const silico::SpecError& e) {
      EXPECT_EQ(e.diagnostics().items().size(), 1u) << e.what();
      return e.diagnostics().items().front();
    }
    ADD_FAILURE() << "expected a SpecError";
    return silico::Diagnostic{};
  };
  const std::string named = "every 91 days (visit_interval 13 weeks)";
  auto d = only_error(dp_spec({}) + "observations:\n  score: {times: [0, 91, 100]}\n");
  EXPECT_EQ(d.key_path, "observations.score.times[2]");
  EXPECT_EQ(d.where.line, 25);
  EXPECT_EQ(d.where.column, 26);
  EXPECT_NE(d.message.find(named), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("day 100 is not a visit"), std::string::npos) << d.message;

  d = only_error(dp_spec({}) + "observations:\n  score: {every: 45, until: 546}\n");
  EXPECT_EQ(d.key_path, "observations.score.every");
  EXPECT_EQ(d.where.line, 25);
  EXPECT_EQ(d.where.column, 18);
  EXPECT_NE(d.message.find("day 45 is not a visit"), std::string::npos) << d.message;

  // Analysis visit 4 (day 364): day 455 is a visit time, but after the analysis visit.
  d = only_error(with_parameter(dp_spec({}), "analysis_visit", "4") +
                 "observations:\n  score: {every: 91, until: 546}\n");
  EXPECT_EQ(d.key_path, "observations.score.until");
  EXPECT_EQ(d.where.column, 29);
  EXPECT_NE(d.message.find("day 455 is after the analysis visit"), std::string::npos) << d.message;

  // Within 1e-9 relative a time is its visit: 91 (1 + 1e-12) days is visit 1.
  EXPECT_NO_THROW(silico::spec::parse_spec(
      dp_spec({}) + "observations:\n  score: {times: [0, 91.000000000091]}\n", "dp.yaml"));
}

TEST(DiseaseProgression, AnalysisVisitAfterFollowUpIsALocatedSpecError) {
  // Visit 7 at 91 weeks is after follow_up 78. The error is located at the value of
  // `model.parameters`, whose first entry is line 10, column 5.
  const std::string yaml = with_parameter(dp_spec({}), "analysis_visit", "7");
  try {
    silico::spec::parse_spec(yaml, "dp.yaml");
    FAIL() << "expected a SpecError";
  } catch (const silico::SpecError& e) {
    const auto& items = e.diagnostics().items();
    ASSERT_EQ(items.size(), 1u) << e.what();
    EXPECT_EQ(items[0].key_path, "model.parameters");
    EXPECT_EQ(items[0].where.file, "dp.yaml");
    EXPECT_EQ(items[0].where.line, 10) << e.what();
    EXPECT_NE(items[0].message.find("after the end of follow-up"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("dp.yaml:10:5: ", 0), 0u) << e.what();
  }
}

TEST(DiseaseProgression, ParameterRangesAreChecked) {
  // The analysis time is analysis_visit * visit_interval in floating point: 3 * 0.1 is
  // 0.30000000000000004, which must still fit a follow-up of 0.3.
  std::string edge = with_parameter(dp_spec({}), "visit_interval", "0.1");
  edge.replace(edge.find("follow_up: 78"), 13, "follow_up: 0.3");
  EXPECT_NO_THROW(silico::spec::parse_spec(with_parameter(edge, "analysis_visit", "3"), "dp.yaml"));
  EXPECT_THROW(silico::spec::parse_spec(with_parameter(edge, "analysis_visit", "4"), "dp.yaml"),
               silico::SpecError);
  EXPECT_NE(error_of(with_parameter(dp_spec({}), "analysis_visit", "2.5"))
                .find("analysis_visit must be a whole visit number"),
            std::string::npos);
  EXPECT_NE(error_of(with_parameter(dp_spec({}), "intercept_slope_correlation", "1"))
                .find("model.parameters.intercept_slope_correlation"),
            std::string::npos);
  EXPECT_NE(error_of(dp_spec({.disease_modifying = 1.0}))
                .find("model.parameters.disease_modifying_fraction.treatment"),
            std::string::npos);
  EXPECT_NE(error_of(dp_spec({.dropout = 1.0})).find("model.parameters.dropout_per_visit"),
            std::string::npos);
}

}  // namespace
