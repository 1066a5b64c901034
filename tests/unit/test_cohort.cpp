// Synthetic cohorts at n = 10^5 with a fixed seed: marginal moments, copula correlations,
// category frequencies and screening by criteria, each within 4 standard errors derived
// from n (a correct generator fails a given check with probability below 1e-4).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cohort/cohort.hpp"
#include "spec/spec.hpp"

namespace {

constexpr int kPatients = 100'000;

const char* kSpec = R"(schema_version: 1
trial: {name: cohort_test, seed: 2026, patients: 100000, follow_up: 12}
cohort:
  covariates:
    height: {distribution: normal, mean: 170, sd: 10}
    weight: {distribution: normal, mean: 70, sd: 12}
    age: {distribution: truncated_normal, mean: 63, sd: 9, lower: 18, upper: 90}
    crp: {distribution: lognormal, meanlog: 1.0, sdlog: 0.5}
    score: {distribution: uniform, min: 20, max: 60}
    smoker: {distribution: bernoulli, p: 0.3}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.5, 0.3, 0.2]}
  correlation:
    variables: [height, weight]
    matrix: [[1.0, 0.6], [0.6, 1.0]]
arms:
  - {name: control, control: true}
  - {name: treatment}
model:
  name: linear_change
  parameters: {intercept: 0, residual_sd: 1}
endpoints: [{name: change}]
)";

struct Columns {
  std::vector<std::vector<double>> values;  // [covariate][patient]
  std::uint64_t candidates = 0;
};

Columns draw(const silico::spec::TrialSpec& spec, int n) {
  const silico::cohort::CohortGenerator generator(spec.cohort);
  Columns out;
  out.values.assign(generator.covariate_count(), std::vector<double>(n));
  std::vector<double> patient(generator.covariate_count());
  for (int i = 0; i < n; ++i) {
    out.candidates += generator.generate(spec.trial.seed, 0, static_cast<std::uint64_t>(i), patient);
    for (std::size_t j = 0; j < patient.size(); ++j) out.values[j][i] = patient[j];
  }
  return out;
}

double mean(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double sd(const std::vector<double>& x) {
  const double m = mean(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean(x), my = mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

/// 4 SE of a sample mean, and (normal approximation) of a sample SD.
double mean_tolerance(double sigma) { return 4.0 * sigma / std::sqrt(kPatients); }
double sd_tolerance(double sigma) { return 4.0 * sigma / std::sqrt(2.0 * kPatients); }

class CohortMoments : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spec_ = new silico::spec::TrialSpec(silico::spec::parse_spec(kSpec, "cohort_test.yaml"));
    columns_ = new Columns(draw(*spec_, kPatients));
  }
  static void TearDownTestSuite() {
    delete columns_;
    delete spec_;
  }
  const std::vector<double>& column(const std::string& name) const {
    const auto names = spec_->cohort.covariate_names();
    return columns_->values[std::find(names.begin(), names.end(), name) - names.begin()];
  }
  static silico::spec::TrialSpec* spec_;
  static Columns* columns_;
};
silico::spec::TrialSpec* CohortMoments::spec_ = nullptr;
Columns* CohortMoments::columns_ = nullptr;

TEST_F(CohortMoments, NormalMarginals) {
  EXPECT_NEAR(mean(column("height")), 170.0, mean_tolerance(10.0));
  EXPECT_NEAR(sd(column("height")), 10.0, sd_tolerance(10.0));
  EXPECT_NEAR(mean(column("weight")), 70.0, mean_tolerance(12.0));
  EXPECT_NEAR(sd(column("weight")), 12.0, sd_tolerance(12.0));
}

TEST_F(CohortMoments, CopulaCorrelationOfNormals) {
  // SE of a sample correlation is about (1 - rho^2) / sqrt(n).
  EXPECT_NEAR(correlation(column("height"), column("weight")), 0.6,
              4.0 * (1.0 - 0.36) / std::sqrt(kPatients));
  // Covariates outside the correlation block are independent.
  EXPECT_NEAR(correlation(column("height"), column("crp")), 0.0, 4.0 / std::sqrt(kPatients));
}

TEST_F(CohortMoments, TruncatedNormalMarginal) {
  // N(63, 9^2) truncated to [18, 90]: mean 62.96007283572254 and sd 8.939765527646516 from
  // the closed forms mu + sigma (phi(a) - phi(b)) / Z and its variance (mpmath, 30 digits).
  const auto& age = column("age");
  EXPECT_NEAR(mean(age), 62.96007283572254, mean_tolerance(8.94));
  EXPECT_NEAR(sd(age), 8.939765527646516, sd_tolerance(8.94));
  EXPECT_GE(*std::min_element(age.begin(), age.end()), 18.0);
  EXPECT_LE(*std::max_element(age.begin(), age.end()), 90.0);
}

TEST_F(CohortMoments, LognormalMarginal) {
  // Mean exp(mu + s^2/2); sd = mean * sqrt(exp(s^2) - 1).
  const double m = std::exp(1.0 + 0.125);
  const double s = m * std::sqrt(std::exp(0.25) - 1.0);
  EXPECT_NEAR(mean(column("crp")), m, mean_tolerance(s));
  // The SD of a skewed variable has a larger SE than the normal-theory one; compare logs.
  std::vector<double> logs;
  for (double v : column("crp")) logs.push_back(std::log(v));
  EXPECT_NEAR(mean(logs), 1.0, mean_tolerance(0.5));
  EXPECT_NEAR(sd(logs), 0.5, sd_tolerance(0.5));
}

TEST_F(CohortMoments, UniformMarginal) {
  const double s = 40.0 / std::sqrt(12.0);
  EXPECT_NEAR(mean(column("score")), 40.0, mean_tolerance(s));
  // SD of a uniform sample: Var(S^2) = (mu4 - sigma^4)/n with mu4 = 9/5 sigma^4.
  EXPECT_NEAR(sd(column("score")), s, 4.0 * s * std::sqrt(0.8 / kPatients) / 2.0);
}

TEST_F(CohortMoments, BernoulliAndCategoricalFrequencies) {
  const auto frequency = [](const std::vector<double>& x, double level) {
    return static_cast<double>(std::count(x.begin(), x.end(), level)) / static_cast<double>(x.size());
  };
  const auto tolerance = [](double p) { return 4.0 * std::sqrt(p * (1 - p) / kPatients); };
  EXPECT_NEAR(frequency(column("smoker"), 1.0), 0.3, tolerance(0.3));
  EXPECT_NEAR(frequency(column("smoker"), 0.0), 0.7, tolerance(0.7));
  EXPECT_NEAR(frequency(column("ecog"), 0.0), 0.5, tolerance(0.5));
  EXPECT_NEAR(frequency(column("ecog"), 1.0), 0.3, tolerance(0.3));
  EXPECT_NEAR(frequency(column("ecog"), 2.0), 0.2, tolerance(0.2));
}

TEST_F(CohortMoments, NoCriteriaMeansEveryCandidateIsEnrolled) {
  EXPECT_EQ(columns_->candidates, static_cast<std::uint64_t>(kPatients));
}

TEST(CohortCriteria, EnrolsOnlyEligiblePatientsAtTheExpectedRate) {
  std::string text = kSpec;
  text.replace(text.find("arms:"), 0,
               "  criteria: [\"height >= 160\", \"ecog <= 1\", \"smoker == 0\"]\n");
  const auto spec = silico::spec::parse_spec(text, "criteria.yaml");
  const Columns columns = draw(spec, kPatients);
  const auto names = spec.cohort.covariate_names();
  const auto& height = columns.values[0];
  const auto& smoker = columns.values[5];
  const auto& ecog = columns.values[6];
  for (int i = 0; i < kPatients; ++i) {
    ASSERT_GE(height[i], 160.0);
    ASSERT_LE(ecog[i], 1.0);
    ASSERT_EQ(smoker[i], 0.0);
  }
  // Independent criteria: P(accept) = P(Z >= -1) * 0.8 * 0.7 = 0.8413447460685429 * 0.56.
  const double p = 0.8413447460685429 * 0.56;
  const double rate = static_cast<double>(kPatients) / static_cast<double>(columns.candidates);
  // Candidates are a sum of n geometric counts: Var = n (1 - p) / p^2; delta method for n/C.
  const double se = p * std::sqrt((1.0 - p) / kPatients);
  EXPECT_NEAR(rate, p, 4.0 * se);
  // Enrolled heights follow N(170, 10) truncated below at 160: mean 172.8759997093918
  // (mu + sigma phi(-1) / (1 - Phi(-1)), mpmath, 30 digits), sd 7.935277473262075.
  EXPECT_NEAR(mean(height), 172.8759997093918, mean_tolerance(7.94));
}

TEST(CohortCriteria, ImpossibleCriteriaStopWithAClearError) {
  std::string text = kSpec;
  text.replace(text.find("arms:"), 0,
               "  criteria: [\"height > 1000\"]\n  max_screening_attempts: 50\n");
  const auto spec = silico::spec::parse_spec(text, "impossible.yaml");
  const silico::cohort::CohortGenerator generator(spec.cohort);
  std::vector<double> patient(generator.covariate_count());
  try {
    generator.generate(1, 0, 0, patient);
    FAIL() << "expected a UserError";
  } catch (const silico::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("rejected all 50 candidates"), std::string::npos) << e.what();
  }
}

TEST(CohortDeterminism, APatientDependsOnlyOnItsKey) {
  const auto spec = silico::spec::parse_spec(kSpec, "cohort_test.yaml");
  const silico::cohort::CohortGenerator generator(spec.cohort);
  std::vector<double> a(generator.covariate_count()), b(generator.covariate_count());
  generator.generate(5, 2, 12345, a);
  for (std::uint64_t other = 0; other < 10; ++other) generator.generate(5, 2, other, b);
  generator.generate(5, 2, 12345, b);
  EXPECT_EQ(a, b);
  generator.generate(5, 3, 12345, b);
  EXPECT_NE(a, b);
}

}  // namespace
