// Tumour growth inhibition: RECIST 1.1 classification on hand-made sums of diameters, the
// tumour models against their closed forms, and the survival outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/pk_closed_form.hpp"
#include "models/recist.hpp"
#include "solvers/ode.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

using silico::models::assess_recist;
using silico::models::Response;

TEST(Recist, EveryCategoryAndTheFiveMillimetreRule) {
  // RECIST 1.1 (Eisenhauer et al. 2009), target lesions: PR >= 30 % below baseline; PD
  // >= 20 % above the nadir and >= 5 mm; CR disappearance.
  EXPECT_EQ(assess_recist(std::vector<double>{100, 69}).best, Response::kPartialResponse);
  EXPECT_EQ(assess_recist(std::vector<double>{100, 70}).best, Response::kPartialResponse);  // exactly -30 %
  EXPECT_EQ(assess_recist(std::vector<double>{100, 71}).best, Response::kStableDisease);
  EXPECT_EQ(assess_recist(std::vector<double>{100, 0}).best, Response::kCompleteResponse);
  EXPECT_EQ(assess_recist(std::vector<double>{100, 4}, 5.0).best, Response::kCompleteResponse);
  const auto pd = assess_recist(std::vector<double>{100, 90, 120});
  EXPECT_EQ(pd.best, Response::kStableDisease);  // SD before progressing
  ASSERT_TRUE(pd.progression_scan.has_value());
  EXPECT_EQ(*pd.progression_scan, 2u);
  // Growth from the nadir, not from baseline: 60 -> 72 is +20 % and +12 mm.
  const auto from_nadir = assess_recist(std::vector<double>{100, 60, 72});
  EXPECT_EQ(from_nadir.best, Response::kPartialResponse);
  EXPECT_EQ(from_nadir.progression_scan, 2u);
  // The 5 mm rule: 20 -> 24 is +20 % but only 4 mm, so not progression; 25 is.
  EXPECT_FALSE(assess_recist(std::vector<double>{20, 24}).progression_scan.has_value());
  EXPECT_EQ(assess_recist(std::vector<double>{20, 25}).progression_scan, 1u);
  EXPECT_EQ(assess_recist(std::vector<double>{20, 25}).best, Response::kProgressiveDisease);
  // Nothing after progression counts.
  EXPECT_EQ(assess_recist(std::vector<double>{100, 130, 10}).best, Response::kProgressiveDisease);
}

std::string tgi_spec(const std::string& form, double ratio_effect, int patients, const std::string& omega) {
  return "schema_version: 1\n"
         "trial: {name: tgi, seed: 8, patients: " + std::to_string(patients) + ", time_unit: weeks, follow_up: 104}\n"
         "cohort:\n  covariates:\n    x: {distribution: normal, mean: 0, sd: 1}\n"
         "arms: [{name: control, control: true}, {name: drug}]\n"
         "model:\n  name: tgi\n  parameters:\n    form: " + form + "\n"
         "    Y0: 60\n    KG: 0.02\n    KD: 0.05\n    LAMBDA: 0.05\n" + omega +
         "    exposure: {drug: 1.0}\n    scan_interval: 8\n    ratio_time: 8\n"
         "    os_shape: 1.2\n    os_scale: 60\n    os_ratio_effect: " + std::to_string(ratio_effect) + "\n"
         "endpoints:\n  - {name: orr, output: objective_response}\n  - {name: pfs, output: pfs}\n"
         "  - {name: os, output: os}\n  - {name: ratio, output: tumour_ratio}\n";
}

silico::sim::Block run(const std::string& text) {
  const auto spec = silico::spec::parse_spec(text, "tgi.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  return block;
}

TEST(Tgi, TumourRatioMatchesTheClosedForms) {
  // No random effects: every patient has the typical parameters.
  const auto claret = run(tgi_spec("claret", 0.0, 50, ""));
  const auto stein = run(tgi_spec("stein", 0.0, 50, ""));
  const double t = 8.0;
  // Claret: exp(KG t - KD E (1 - exp(-LAMBDA t)) / LAMBDA); control E = 0: exp(KG t).
  const double claret_drug = std::exp(0.02 * t - 0.05 * (1 - std::exp(-0.05 * t)) / 0.05);
  // Stein: exp(-KD E t) + exp(KG t) - 1.
  const double stein_drug = std::exp(-0.05 * t) + std::exp(0.02 * t) - 1.0;
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_NEAR(claret.endpoints[3].potential_value[0][i], std::exp(0.02 * t), 1e-14);
    EXPECT_NEAR(claret.endpoints[3].potential_value[1][i], claret_drug, 1e-14);
    EXPECT_NEAR(stein.endpoints[3].potential_value[1][i], stein_drug, 1e-14);
  }
}

TEST(Tgi, RecordedTumourSizeIsTheModelSizeAtTheRequestedDays) {
  // Observation times are in days, the model runs in weeks: 3.5 d is week 0.5, 100 d is
  // week 100/7, 728 d is week 104 (the follow-up). Without residual error or random
  // effects the record is the Claret closed form of the typical patient under its arm.
  const std::vector<double> days = {0, 3.5, 42, 100, 728};
  const auto block = run(tgi_spec("claret", 0.0, 50, "") +
                         "observations:\n  tumour_size: {times: [0, 3.5, 42, 100, 728]}\n");
  // The recorded sizes, then their individual prediction (tumour_size_ipred).
  const std::size_t points = days.size();
  ASSERT_EQ(block.trajectory_points, 2 * points);
  for (std::size_t i = 0; i < block.count; ++i) {
    const double exposure = block.arm[i] == 1 ? 1.0 : 0.0;
    for (std::size_t k = 0; k < points; ++k) {
      const double t = days[k] / 7.0;
      const double expected =
          60.0 * std::exp(0.02 * t - 0.05 * exposure * (1 - std::exp(-0.05 * t)) / 0.05);
      ASSERT_NEAR(block.trajectory[i * 2 * points + k], expected, 1e-12 * expected)
          << "patient " << i << " day " << days[k];
      // Without residual error the measurement is the prediction, clipped at 0 (never here).
      ASSERT_EQ(block.trajectory[i * 2 * points + points + k], block.trajectory[i * 2 * points + k]);
    }
  }
}

TEST(Tgi, TheKthRecordedTimeTakesTheKthScanResidualDraw) {
  // Proportional error only, so measured / model size = 1 + 0.1 z_k: the k-th recorded
  // time takes the k-th residual pair of the patient's scan stream whatever the time, and
  // baseline and the scans as the schedule record the sums RECIST assessed.
  std::string text = tgi_spec("claret", 0.0, 200, "");
  text.replace(text.find("    os_shape"), 0, "    residual_proportional: 0.1\n");
  const auto scans = run(text + "observations:\n  tumour_size: {every: 56, until: 728}\n");
  const auto other = run(text + "observations:\n  tumour_size: {times: [0, 3.5, 112]}\n");
  const auto exact = run(tgi_spec("claret", 0.0, 200, "") +
                         "observations:\n  tumour_size: {times: [0, 3.5, 56]}\n");
  // Each course is followed by its prediction before residual error (tumour_size_ipred).
  ASSERT_EQ(scans.trajectory_points, 28u);  // weeks 0, 8, ..., 104, twice
  ASSERT_EQ(other.trajectory_points, 6u);
  for (std::size_t i = 0; i < scans.count; ++i) {
    const double* s = &scans.trajectory[i * 28];
    const double* o = &other.trajectory[i * 6];
    const double* e = &exact.trajectory[i * 6];  // model sizes at 0, 3.5 and 56 days
    // The prediction carries no residual error: the same model size with and without it.
    EXPECT_EQ(o[3 + 1], e[3 + 1]);
    EXPECT_EQ(o[0], s[0]);                       // baseline: same time, same draw
    EXPECT_EQ(o[2], s[2]);                       // 112 d = week 16, the second scan
    // Day 3.5 is recorded with the draw of the first scan (week 8).
    EXPECT_NEAR(o[1] / e[1], s[1] / e[2], 1e-12) << "patient " << i;
  }
}

TEST(Tgi, ResponseProgressionAndSurvivalAreConsistent) {
  const std::string omega = "    omega: {variables: [KG, KD], matrix: [[0.25, 0], [0, 0.25]]}\n";
  const auto block = run(tgi_spec("claret", 1.0, 2000, omega));
  std::size_t responders_control = 0, responders_drug = 0;
  for (std::size_t i = 0; i < block.count; ++i) {
    for (std::size_t a = 0; a < 2; ++a) {
      // PFS ends at progression or death, so never after OS.
      ASSERT_LE(block.endpoints[1].potential_value[a][i], block.endpoints[2].potential_value[a][i]);
    }
    // Without drug (and without measurement error) a growing tumour never shrinks.
    ASSERT_EQ(block.endpoints[0].potential_value[0][i], 0.0);
    responders_control += block.endpoints[0].potential_value[0][i] != 0.0;
    responders_drug += block.endpoints[0].potential_value[1][i] != 0.0;
  }
  EXPECT_EQ(responders_control, 0u);
  EXPECT_GT(responders_drug, 0u);
  // Scans happen only while the patient is alive: nobody who dies before the first scan
  // (week 8) can respond.
  std::size_t early_deaths = 0;
  for (std::size_t i = 0; i < block.count; ++i) {
    if (block.endpoints[2].potential_value[1][i] < 8.0 && block.endpoints[2].potential_event[1][i]) {
      ++early_deaths;
      ASSERT_EQ(block.endpoints[0].potential_value[1][i], 0.0);
    }
  }
  EXPECT_GT(early_deaths, 0u);
}

TEST(Tgi, OverallSurvivalWithoutTheTumourLinkIsWeibull) {
  // os_ratio_effect 0: death ~ Weibull(shape 1.2, scale 60), median 60 ln(2)^(1/1.2);
  // the fraction dead by week 104 is 1 - exp(-(104/60)^1.2), within 4 binomial SEs.
  const auto block = run(tgi_spec("claret", 0.0, 20000, ""));
  const double p = 1.0 - std::exp(-std::pow(104.0 / 60.0, 1.2));
  double deaths = 0.0;
  for (std::size_t i = 0; i < block.count; ++i) deaths += block.endpoints[2].potential_event[0][i];
  EXPECT_NEAR(deaths / 20000.0, p, 4 * std::sqrt(p * (1 - p) / 20000.0));
  // With common random numbers and no tumour link, both arms die at the same times.
  EXPECT_EQ(block.endpoints[2].potential_value[0], block.endpoints[2].potential_value[1]);
}

TEST(Tgi, PkDrivenExposureMatchesNumericalIntegration) {
  // Claret model with E(t) = C(t) of a one-compartment PK (oral, 20 daily doses), trial time
  // in weeks: integrate dy/dt = KG y - KD C(168 t) e^(-LAMBDA t) y numerically
  // (Dormand-Prince, rtol 1e-11) and compare with the model's exact tumour ratio at week 8.
  const std::string text =
      "schema_version: 1\n"
      "trial: {name: tgi, seed: 8, patients: 4, time_unit: weeks, follow_up: 104}\n"
      "cohort:\n  covariates:\n    x: {distribution: normal, mean: 0, sd: 1}\n"
      "arms:\n"
      "  - {name: control, control: true, regimen: {dose_mg: 0, route: oral, interval_h: 24, doses: 1}}\n"
      "  - {name: drug, regimen: {dose_mg: 100, route: oral, interval_h: 24, doses: 20}}\n"
      "model:\n  name: tgi\n  parameters:\n    exposure_model: pk_1cmt\n"
      "    Y0: 60\n    KG: 0.02\n    KD: 0.05\n    LAMBDA: 0.05\n"
      "    PK_CL: 4\n    PK_V: 40\n    PK_KA: 0.9\n    PK_F: 0.8\n"
      "    scan_interval: 8\n    os_shape: 1.2\n    os_scale: 60\n"
      "endpoints:\n  - {name: ratio, output: tumour_ratio}\n";
  const auto block = run(text);
  const silico::models::pk::OneCompartment pk{4.0, 40.0, {0.9, 0.8, 0.0}};
  std::vector<silico::models::pk::Dose> doses;
  for (int k = 0; k < 20; ++k) doses.push_back({24.0 * k, 100.0, silico::models::pk::Route::kOral, 0.0});

  struct Growth final : silico::solvers::OdeRhs {
    const silico::models::pk::OneCompartment* pk;
    const std::vector<silico::models::pk::Dose>* doses;
    std::size_t size() const override { return 1; }
    void operator()(double t, const double* y, double* dydt) const override {
      const double c = silico::models::pk::concentration(*pk, *doses, 168.0 * t);
      dydt[0] = 0.02 * y[0] - 0.05 * c * std::exp(-0.05 * t) * y[0];
    }
  } growth;
  growth.pk = &pk;
  growth.doses = &doses;
  auto solver = silico::solvers::make_solver(silico::solvers::Method::kDormandPrince, 1, {1e-11, 1e-12});
  double y[1] = {1.0};
  solver->reset(growth, 0.0, std::span<const double>(y, 1));
  // Stop at each dose time (in weeks) so the kinks of C(t) fall on step boundaries.
  for (int k = 1; k < 20; ++k) solver->advance(24.0 * k / 168.0, std::span<double>(y, 1));
  solver->advance(8.0, std::span<double>(y, 1));
  for (std::size_t i = 0; i < block.count; ++i) {
    EXPECT_NEAR(block.endpoints[0].potential_value[1][i], y[0], 1e-8 * y[0]);
    EXPECT_NEAR(block.endpoints[0].potential_value[0][i], std::exp(0.02 * 8.0), 1e-14);  // no drug
  }
}

}  // namespace
