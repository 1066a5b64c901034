// Pharmacodynamics on top of the PK models: the direct sigmoid Emax model and the four
// indirect-response models of Dayneka, Garg & Jusko (J Pharmacokinet Biopharm 1993;
// 21:457-478), checked at steady state against their closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

/// 1-compartment, a 2000 h IV infusion of `rate` mg/h (placebo: 0); biomarker at 1800 h,
/// when both the concentration (k = CL/V = 0.5/h) and the response (KOUT 0.2/h) have long
/// reached their steady states (residual exp(-0.2 * 1800) ~ 1e-156).
std::string spec_text(const std::string& pd, const std::string& solver, double emax) {
  return "schema_version: 1\n"
         "trial: {name: pd, seed: 3, patients: 8, follow_up: 100}\n"
         "cohort:\n  covariates:\n    x: {distribution: normal, mean: 0, sd: 1}\n"
         "arms:\n"
         "  - {name: placebo, control: true, regimen: {dose_mg: 0, route: iv_infusion, infusion_h: 2000}}\n"
         "  - {name: active, regimen: {dose_mg: 20000, route: iv_infusion, infusion_h: 2000}}\n"
         "model:\n  name: pk_1cmt\n  parameters:\n"
         "    CL: 5\n    V: 10\n    pd: " + pd + "\n    E0: 40\n    EMAX: " + std::to_string(emax) + "\n"
         "    EC50: 1.5\n    HILL: 2\n    KOUT: 0.2\n    biomarker_time_h: 1800\n"
         "    solver: " + solver + "\n    exposure_start_h: 0\n    exposure_end_h: 24\n"
         "endpoints:\n  - {name: response, output: biomarker_change}\n";
}

double change(const std::string& pd, const std::string& solver, double emax, int arm) {
  const auto spec = silico::spec::parse_spec(spec_text(pd, solver, emax), "pd.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  return block.endpoints[0].potential_value[static_cast<std::size_t>(arm)][0];
}

// Steady-state concentration: infusion rate / CL = (20000 mg / 2000 h) / 5 L/h = 2 mg/L;
// drug effect f = C^2 / (1.5^2 + C^2) = 4 / 6.25 = 0.64.
constexpr double kF = 4.0 / 6.25;
constexpr double kE0 = 40.0;

TEST(Pd, DirectEmaxAtSteadyState) {
  // E = E0 + Emax f, closed form and ODE.
  EXPECT_NEAR(change("emax", "closed_form", 25.0, 1), 25.0 * kF, 1e-9);
  EXPECT_NEAR(change("emax", "dopri5", 25.0, 1), 25.0 * kF, 1e-6);
  EXPECT_EQ(change("emax", "closed_form", 25.0, 0), 0.0);  // no drug, no effect
}

TEST(Pd, IndirectResponsesAtSteadyState) {
  // Setting dR/dt = 0 with kin = E0 kout (Dayneka et al. 1993, models I-IV):
  //   I   R = E0 (1 - Imax f)      II  R = E0 / (1 - Imax f)
  //   III R = E0 (1 + Smax f)      IV  R = E0 / (1 + Smax f)
  const double imax = 0.8, smax = 1.5;
  const struct { const char* pd; double emax; double steady; } cases[] = {
      {"idr_inhibit_production", imax, kE0 * (1 - imax * kF)},
      {"idr_inhibit_loss", imax, kE0 / (1 - imax * kF)},
      {"idr_stimulate_production", smax, kE0 * (1 + smax * kF)},
      {"idr_stimulate_loss", smax, kE0 / (1 + smax * kF)},
  };
  for (const auto& c : cases) {
    for (const char* solver : {"dopri5", "cvode_bdf"}) {
      // rtol 1e-8 on a response of order 40: 1e-5 absolute is a wide margin.
      EXPECT_NEAR(change(c.pd, solver, c.emax, 1), c.steady - kE0, 1e-5) << c.pd << " " << solver;
      // Without drug the response stays at its baseline kin / kout = E0.
      EXPECT_NEAR(change(c.pd, solver, c.emax, 0), 0.0, 1e-9) << c.pd << " " << solver;
    }
  }
}

TEST(Pd, BiomarkerAtADoseTimeIncludesThatDose) {
  // Boluses at 0, 24 and 48 h and the biomarker read at 48 h: every path counts the dose
  // given at that instant (right-continuous, as concentrations are).
  const auto at_dose_time = [](const std::string& solver) {
    std::string text = spec_text("emax", solver, 25.0);
    text.replace(text.find("{dose_mg: 20000, route: iv_infusion, infusion_h: 2000}"),
                 std::string("{dose_mg: 20000, route: iv_infusion, infusion_h: 2000}").size(),
                 "{dose_mg: 20, route: iv_bolus, interval_h: 24, doses: 3}");
    text.replace(text.find("biomarker_time_h: 1800"), std::string("biomarker_time_h: 1800").size(),
                 "biomarker_time_h: 48");
    const auto spec = silico::spec::parse_spec(text, "pd.yaml");
    silico::sim::Block block;
    silico::sim::Simulator(spec).simulate(0, 0, 2, block);
    return block.endpoints[0].potential_value[1][0];
  };
  const double exact = at_dose_time("closed_form");
  EXPECT_GT(exact, 10.0);  // 2 mg/L just after the third bolus: f = 0.64 of EMAX 25
  EXPECT_NEAR(at_dose_time("dopri5"), exact, 1e-6);
  EXPECT_NEAR(at_dose_time("cvode_bdf"), exact, 1e-6);
}

TEST(Pd, IndirectResponseNeedsAnOdeSolver) {
  try {
    silico::spec::parse_spec(spec_text("idr_inhibit_loss", "closed_form", 0.5), "pd.yaml");
    FAIL() << "expected a SpecError";
  } catch (const silico::SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("pd.yaml:12:5: error: model.parameters: indirect-response PD has no "
                                         "closed form"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
