// pk_1cmt / pk_2cmt through the spec and the simulator: the ODE back-ends against the
// closed form, exact identities of linear PK, the population layer's random effects, and
// regimen validation.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <string>

#include "models/pk_closed_form.hpp"
#include "models/population.hpp"
#include "models/regimen.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

std::string pk_spec(const std::string& model, const std::string& solver, const std::string& route_extra,
                    const std::string& omega, int patients = 200, int doses = 10) {
  const std::string window_end = std::to_string(24 * doses);
  const std::string window_start = std::to_string(24 * (doses - 1));
  const bool two = model == "pk_2cmt";
  return "schema_version: 1\n"
         "trial: {name: pk, seed: 17, patients: " + std::to_string(patients) + ", follow_up: 10}\n"
         "cohort:\n  covariates:\n    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}\n"
         "arms:\n"
         "  - {name: low, control: true, regimen: {dose_mg: 50, interval_h: 24, doses: " + std::to_string(doses) + ", " + route_extra + "}}\n"
         "  - {name: high, regimen: {dose_mg: 200, interval_h: 24, doses: " + std::to_string(doses) + ", " + route_extra + "}}\n"
         "model:\n  name: " + model + "\n  parameters:\n"
         "    CL: {typical: 5, covariates: {weight: {power: 0.75, reference: 70}}}\n" +
         (two ? "    V1: 50\n    Q: 10\n    V2: 100\n" : "    V: 50\n") +
         "    KA: 0.8\n    F: 0.7\n    lag_h: 0.5\n" + omega +
         "    solver: " + solver + "\n"
         "    exposure_start_h: " + window_start + "\n    exposure_end_h: " + window_end + "\n    observe_every_h: 1\n"
         "endpoints:\n  - {name: auc, output: auc}\n  - {name: cmax, output: cmax}\n  - {name: cmin, output: cmin}\n";
}

const std::string kOmega = "    omega: {variables: [CL, KA], matrix: [[0.09, 0.02], [0.02, 0.16]]}\n";

silico::sim::Block simulate(const std::string& text) {
  const auto spec = silico::spec::parse_spec(text, "pk.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  return block;
}

void expect_agree(const silico::sim::Block& a, const silico::sim::Block& b, double relative) {
  for (std::size_t e = 0; e < 3; ++e) {
    for (std::size_t arm = 0; arm < 2; ++arm) {
      for (std::size_t i = 0; i < a.count; ++i) {
        const double x = a.endpoints[e].potential_value[arm][i];
        const double y = b.endpoints[e].potential_value[arm][i];
        ASSERT_NEAR(y, x, relative * std::fabs(x)) << "endpoint " << e << " arm " << arm << " patient " << i;
      }
    }
  }
}

TEST(PkModel, OdeBackEndsMatchTheClosedForm) {
  // rtol 1e-8 (the default) bounds each step's local error; the global error over 10
  // dosing intervals and their restarts reaches about 1e-6 relative on the trough, so 1e-5
  // is the bound. A modelling difference (a dose counted at the wrong time, a missing F)
  // shows as percent-level errors.
  for (const std::string model : {"pk_1cmt", "pk_2cmt"}) {
    for (const std::string route : {"route: oral", "route: iv_bolus", "route: iv_infusion, infusion_h: 2"}) {
      const auto exact = simulate(pk_spec(model, "closed_form", route, kOmega));
      expect_agree(exact, simulate(pk_spec(model, "dopri5", route, kOmega)), 1e-5);
      expect_agree(exact, simulate(pk_spec(model, "cvode_bdf", route, kOmega)), 1e-5);
    }
  }
}

TEST(PkModel, SteadyStateAucEqualsBioavailableDoseOverClearance) {
  // Linear PK: AUC over a dosing interval at steady state = F * dose / CL, for each
  // patient's own CL. Without random effects CL = 5 (WT/70)^0.75.
  // 80 daily doses: the slowest phase (beta >= 0.017/h for every weight in this cohort)
  // has decayed by exp(-0.017 * 1896) < 1e-13 when the last interval starts.
  const auto spec = silico::spec::parse_spec(pk_spec("pk_2cmt", "closed_form", "route: oral", "", 200, 80), "pk.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  for (std::size_t i = 0; i < block.count; ++i) {
    const double cl = 5.0 * std::pow(block.covariates[0][i] / 70.0, 0.75);
    ASSERT_NEAR(block.endpoints[0].potential_value[0][i], 0.7 * 50.0 / cl, 1e-9 * 0.7 * 50.0 / cl);
  }
}

TEST(PkModel, ExposureIsLinearInDoseForEveryPatient) {
  // Common random numbers: the same patient under 50 and 200 mg has the same parameters,
  // so every exposure metric scales by exactly 4 (linear kinetics).
  const auto block = simulate(pk_spec("pk_2cmt", "closed_form", "route: oral", kOmega));
  for (std::size_t e = 0; e < 3; ++e) {
    for (std::size_t i = 0; i < block.count; ++i) {
      const double ratio = block.endpoints[e].potential_value[1][i] / block.endpoints[e].potential_value[0][i];
      ASSERT_NEAR(ratio, 4.0, 1e-11);
    }
  }
}

TEST(PkModel, TrajectoriesAreTheConcentrationCurveWithResidualError) {
  // Observation times in days: every 0.25 d is every 6 h, from 0 to 10 d = 240 h.
  std::string text = pk_spec("pk_1cmt", "closed_form", "route: oral", "", 2000) +
                     "observations:\n  concentration: {every: 0.25, until: 10}\n";
  const auto exact_spec = silico::spec::parse_spec(text, "pk.yaml");
  text.replace(text.find("    solver:"), 0, "    residual_proportional: 0.1\n");
  const auto noisy_spec = silico::spec::parse_spec(text, "pk.yaml");
  silico::sim::Block exact, noisy;
  silico::sim::Simulator(exact_spec).simulate(0, 0, 2000, exact);
  silico::sim::Simulator(noisy_spec).simulate(0, 0, 2000, noisy);
  // 0, 6, ..., 240 h: the recorded concentration, then its prediction before residual
  // error (concentration_ipred) at the same times.
  ASSERT_EQ(exact.trajectory_points, 82u);
  // The model reports the times as the spec gave them, in days, generated by index.
  const auto recorded = exact_spec.model.instance->trajectories();
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].name, "concentration");
  EXPECT_EQ(recorded[0].unit, "mg/L");
  EXPECT_EQ(recorded[0].prediction_of, "");
  EXPECT_EQ(recorded[1].name, "concentration_ipred");
  EXPECT_EQ(recorded[1].prediction_of, "concentration");
  for (std::size_t k = 0; k < 41; ++k) {
    ASSERT_EQ(recorded[0].times_days[k], 0.25 * static_cast<double>(k));
    ASSERT_EQ(recorded[1].times_days[k], recorded[0].times_days[k]);
  }
  // Without residual error the recorded curve is the closed-form concentration of the
  // patient's own parameters under its assigned arm (CL = 5 (WT/70)^0.75, no random effects).
  for (std::size_t i = 0; i < 20; ++i) {
    const double dose = exact.arm[i] == 0 ? 50.0 : 200.0;
    const silico::models::pk::OneCompartment m{5.0 * std::pow(exact.covariates[0][i] / 70.0, 0.75), 50.0, {0.8, 0.7, 0.5}};
    std::vector<silico::models::pk::Dose> doses;
    for (int k = 0; k < 10; ++k) doses.push_back({24.0 * k, dose, silico::models::pk::Route::kOral, 0.0});
    for (std::size_t k = 0; k < 41; ++k) {
      const double expected = silico::models::pk::concentration(m, doses, 6.0 * static_cast<double>(k));
      // Summed dose by dose here, carried forward mode by mode in the model: rounding only.
      ASSERT_NEAR(exact.trajectory[i * 82 + k], expected, 1e-12 * expected)
          << "patient " << i << " time " << k;
      // The prediction is the same solution, and it is the same with residual error.
      ASSERT_EQ(exact.trajectory[i * 82 + 41 + k], exact.trajectory[i * 82 + k]);
      ASSERT_EQ(noisy.trajectory[i * 82 + 41 + k], exact.trajectory[i * 82 + k]);
    }
  }
  // Proportional error 0.1: the relative deviation (noisy / exact - 1) at 24 h has SD 0.1
  // over 2,000 patients, within 4 SE of an SD (0.1 / sqrt(2 n)).
  double sum = 0, sum_sq = 0;
  for (std::size_t i = 0; i < 2000; ++i) {
    const double r = noisy.trajectory[i * 82 + 4] / exact.trajectory[i * 82 + 4] - 1.0;
    sum += r;
    sum_sq += r * r;
  }
  const double sd = std::sqrt((sum_sq - sum * sum / 2000) / 1999);
  EXPECT_NEAR(sd, 0.1, 4 * 0.1 / std::sqrt(2 * 2000.0));
}

TEST(Population, RandomEffectsReproduceOmega) {
  // 10^5 patients: each sample covariance is within 4 SE of Omega, with
  // SE(s_ij) = sqrt((w_ii w_jj + w_ij^2) / n) for normal data.
  Eigen::Matrix3d omega;
  omega << 0.09, 0.03, -0.02, 0.03, 0.04, 0.0, -0.02, 0.0, 0.16;
  silico::models::RandomEffects effects{{"CL", "V", "KA"}, omega, Eigen::LLT<Eigen::MatrixXd>(omega).matrixL()};
  const silico::models::Population population(
      {{"CL", 5, {}}, {"V", 50, {}}, {"KA", 1, {}}}, effects);
  constexpr int n = 100'000;
  Eigen::Matrix3d sum = Eigen::Matrix3d::Zero();
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  std::vector<Eigen::Vector3d> etas(n);
  for (int i = 0; i < n; ++i) {
    double eta[3];
    population.etas({5, 0, static_cast<std::uint64_t>(i)}, eta);
    etas[i] = Eigen::Vector3d(eta[0], eta[1], eta[2]);
    mean += etas[i];
  }
  mean /= n;
  for (const auto& e : etas) sum += (e - mean) * (e - mean).transpose();
  const Eigen::Matrix3d sample = sum / (n - 1);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double se = std::sqrt((omega(i, i) * omega(j, j) + omega(i, j) * omega(i, j)) / n);
      EXPECT_NEAR(sample(i, j), omega(i, j), 4 * se) << i << "," << j;
    }
  }
  // Individual values: typical * exp(eta).
  double values[3], eta[3];
  population.individual({5, 0, 7}, {}, values);
  population.etas({5, 0, 7}, eta);
  EXPECT_NEAR(values[0], 5 * std::exp(eta[0]), 1e-12);
  EXPECT_NEAR(values[2], 1 * std::exp(eta[2]), 1e-12);
}

TEST(Regimen, LoadingDoseAndDoseChanges) {
  silico::models::Regimen r;
  r.dose_mg = 100;
  r.interval_h = 12;
  r.doses = 5;
  r.loading_dose_mg = 300;
  r.start_h = 2;
  r.changes = {{3, 75}, {5, 50}};
  const auto doses = silico::models::dose_events(r);
  ASSERT_EQ(doses.size(), 5u);
  const double amounts[] = {300, 100, 75, 75, 50};
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(doses[k].time_h, 2 + 12 * k);
    EXPECT_EQ(doses[k].amount_mg, amounts[k]);
  }
}

TEST(PkSpec, RegimenAndPopulationErrorsAreLocated) {
  std::string text = pk_spec("pk_1cmt", "closed_form", "route: oral", "");
  text.replace(text.find("route: oral"), 11, "route: orall");
  text.replace(text.find("power: 0.75"), 11, "power: 0.75, exponential: 1");
  try {
    silico::spec::parse_spec(text, "pk.yaml");
    FAIL() << "expected a SpecError";
  } catch (const silico::SpecError& e) {
    const std::string all = e.what();
    EXPECT_NE(all.find("pk.yaml:7:89: error: arms[0].regimen.route"), std::string::npos) << all;
    EXPECT_NE(all.find("unknown route 'orall' (expected iv_bolus, iv_infusion or oral)"), std::string::npos) << all;
    EXPECT_NE(all.find("expected exactly one of power, exponential or categorical"), std::string::npos) << all;
  }
  // A model with doses needs a regimen on every arm.
  std::string missing = pk_spec("pk_1cmt", "closed_form", "route: oral", "");
  missing.replace(missing.find(", regimen: {dose_mg: 200"), missing.find("}}\nmodel") - missing.find(", regimen: {dose_mg: 200") + 1, "");
  try {
    silico::spec::parse_spec(missing, "pk.yaml");
    FAIL() << "expected a SpecError";
  } catch (const silico::SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("arms[1].regimen: missing required key 'regimen'"), std::string::npos)
        << e.what();
  }
}

TEST(PkModel, EachModelSolvesWithItsOwnTolerances) {
  // Solvers are cached per thread; two models with different tolerances on one thread
  // must not share one. A looser rtol takes fewer right-hand-side evaluations.
  const auto with_rtol = [](const std::string& rtol) {
    std::string text = pk_spec("pk_2cmt", "dopri5", "route: oral", kOmega, 20);
    text.replace(text.find("solver: dopri5\n"), 15, "solver: dopri5\n    rtol: " + rtol + "\n");
    text += "  - {name: work, output: rhs_evaluations}\n";
    const auto block = simulate(text);
    return block.endpoints[3].potential_value[0][0];
  };
  const double tight = with_rtol("1e-10");
  const double loose = with_rtol("1e-4");
  EXPECT_LT(loose, 0.5 * tight);
  EXPECT_EQ(with_rtol("1e-10"), tight);
}

}  // namespace
