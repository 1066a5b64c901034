// Models against closed forms. Patients come from the real cohort and simulator, so
// these are end-to-end checks of the model layer. Stochastic bounds are 4 standard
// errors at the stated n (fixed seeds make each outcome repeatable).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <numeric>

#include "sim/simulate.hpp"
#include "spec/spec.hpp"
#include "stats/estimates.hpp"

namespace {

constexpr std::uint64_t kPatients = 100'000;

std::string weibull_spec(double shape, double scale, double hazard_ratio, double follow_up,
                         double dropout) {
  return "schema_version: 1\n"
         "trial: {name: w, seed: 99, patients: 100000, follow_up: " + std::to_string(follow_up) + "}\n"
         "cohort:\n  covariates:\n    x: {distribution: normal, mean: 0, sd: 1}\n"
         "arms: [{name: control, control: true}, {name: treatment}]\n"
         "model:\n  name: weibull_ph\n  parameters:\n"
         "    shape: " + std::to_string(shape) + "\n    scale: " + std::to_string(scale) + "\n"
         "    hazard_ratio: {treatment: " + std::to_string(hazard_ratio) + "}\n"
         "    dropout_rate: " + std::to_string(dropout) + "\n"
         "endpoints: [{name: os}]\n";
}

silico::sim::Block simulate(const silico::spec::TrialSpec& spec) {
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  return block;
}

double sample_median(std::vector<double> x) {
  std::nth_element(x.begin(), x.begin() + static_cast<long>(x.size() / 2), x.end());
  return x[x.size() / 2];
}

TEST(WeibullPh, MedianOfEachArmMatchesTheClosedForm) {
  const double k = 1.5, lambda = 10.0, hr = 0.6;
  const auto spec = silico::spec::parse_spec(weibull_spec(k, lambda, hr, 1e6, 0.0), "w.yaml");
  const auto block = simulate(spec);
  const auto& e = block.endpoints[0];
  for (int arm = 0; arm < 2; ++arm) {
    // S(t) = exp(-(t/lambda)^k * h): median = lambda (ln 2 / h)^(1/k).
    const double h = arm == 0 ? 1.0 : hr;
    const double median = lambda * std::pow(std::log(2.0) / h, 1.0 / k);
    // SE of a sample median: 1 / (2 f(m) sqrt(n)), f(m) = h (k/lambda) (m/lambda)^(k-1) / 2.
    const double density = h * (k / lambda) * std::pow(median / lambda, k - 1.0) * 0.5;
    const double se = 1.0 / (2.0 * density * std::sqrt(static_cast<double>(kPatients)));
    EXPECT_NEAR(sample_median(e.potential_value[arm]), median, 4.0 * se) << "arm " << arm;
    for (auto event : e.potential_event[arm]) ASSERT_EQ(event, 1);  // follow-up 1e6: no censoring
  }
}

TEST(WeibullPh, CommonRandomNumbersScaleEachPatientsTimeByTheHazardRatio) {
  const double k = 1.5, hr = 0.6;
  const auto spec = silico::spec::parse_spec(weibull_spec(k, 10.0, hr, 1e6, 0.0), "w.yaml");
  const auto block = simulate(spec);
  const auto& e = block.endpoints[0];
  // T_treatment / T_control = hr^(-1/k) for every patient, up to rounding.
  const double ratio = std::pow(hr, -1.0 / k);
  for (std::size_t i = 0; i < 1000; ++i) {
    ASSERT_NEAR(e.potential_value[1][i] / e.potential_value[0][i], ratio, 1e-12 * ratio);
  }
}

TEST(WeibullPh, EventFractionAtEndOfFollowUpMatchesTheClosedForm) {
  const double k = 1.5, lambda = 10.0, hr = 0.6, follow_up = 12.0;
  const auto spec = silico::spec::parse_spec(weibull_spec(k, lambda, hr, follow_up, 0.0), "w.yaml");
  const auto block = simulate(spec);
  const auto& e = block.endpoints[0];
  for (int arm = 0; arm < 2; ++arm) {
    const double h = arm == 0 ? 1.0 : hr;
    const double p = 1.0 - std::exp(-std::pow(follow_up / lambda, k) * h);
    const auto& events = e.potential_event[arm];
    const double fraction = std::accumulate(events.begin(), events.end(), 0.0) / kPatients;
    EXPECT_NEAR(fraction, p, 4.0 * std::sqrt(p * (1 - p) / kPatients)) << "arm " << arm;
    for (std::size_t i = 0; i < kPatients; ++i) {
      if (!events[i]) {
        ASSERT_EQ(e.potential_value[arm][i], follow_up);
      }
    }
  }
}

TEST(WeibullPh, DropoutCensorsObservedOutcomesAtTheCompetingRiskRate) {
  // Exponential event (k = 1, rate h/lambda) competing with dropout rate d, follow-up F:
  // P(observed event) = r / (r + d) * (1 - exp(-(r + d) F)).
  const double lambda = 10.0, hr = 0.6, follow_up = 12.0, dropout = 0.05;
  const auto spec =
      silico::spec::parse_spec(weibull_spec(1.0, lambda, hr, follow_up, dropout), "w.yaml");
  const auto block = simulate(spec);
  const auto& e = block.endpoints[0];
  for (int arm = 0; arm < 2; ++arm) {
    const double r = (arm == 0 ? 1.0 : hr) / lambda;
    const double p = r / (r + dropout) * (1.0 - std::exp(-(r + dropout) * follow_up));
    double events = 0, n = 0;
    for (std::size_t i = 0; i < kPatients; ++i) {
      if (block.arm[i] != arm) continue;
      n += 1;
      events += e.observed_event[i];
      // Observed is never later than the patient's potential outcome under its arm.
      ASSERT_LE(e.observed_value[i], e.potential_value[arm][i]);
    }
    EXPECT_NEAR(events / n, p, 4.0 * std::sqrt(p * (1 - p) / n)) << "arm " << arm;
  }
}

TEST(LinearChange, OrdinaryLeastSquaresRecoversTheCoefficients) {
  const auto spec = silico::spec::parse_spec(R"(schema_version: 1
trial: {name: l, seed: 5, patients: 100000, follow_up: 12}
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
    residual_sd: 4.0
endpoints: [{name: change}]
)", "l.yaml");
  const auto block = simulate(spec);
  const auto n = static_cast<Eigen::Index>(kPatients);
  Eigen::MatrixXd x(n, 4);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    x.row(i) << 1.0, block.covariates[0][k] - 50.0, block.covariates[1][k], block.arm[k] == 1 ? 1.0 : 0.0;
    y(i) = block.endpoints[0].observed_value[k];
  }
  const Eigen::MatrixXd xtx = x.transpose() * x;
  const Eigen::VectorXd beta = xtx.ldlt().solve(x.transpose() * y);
  // Exact sampling covariance of OLS with known residual sd 4: 16 (X'X)^-1.
  const Eigen::MatrixXd covariance = 16.0 * xtx.inverse();
  const double truth[4] = {1.0, 0.1, 2.0, -3.0};
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(beta(j), truth[j], 4.0 * std::sqrt(covariance(j, j))) << "coefficient " << j;
  }
  // Each patient's potential outcomes differ by exactly the arm effect.
  for (std::size_t i = 0; i < 1000; ++i) {
    ASSERT_NEAR(block.endpoints[0].potential_value[1][i] - block.endpoints[0].potential_value[0][i],
                -3.0, 1e-12);
  }
}

}  // namespace
