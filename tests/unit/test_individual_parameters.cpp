// Individual parameters stored per patient (/cohort/parameters) and predictions before
// residual error (/trajectories/<name>_ipred): a PK patient solved again from the stored
// file alone, by a closed form written here, gives the stored prediction; the parameters
// are those the outcomes were computed from, the same for any block split; a model
// without individual parameters stores none. PROCOVA's historical cohort and prognostic
// model (/procova) and each patient's prognostic score are stored for the same reason.
#include <gtest/gtest.h>
#include <mpi.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "io/h5file.hpp"
#include "io/result_reader.hpp"
#include "io/result_writer.hpp"
#include "models/population.hpp"
#include "sim/analysis.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

// One compartment, first-order oral absorption with a lag, three daily doses; random
// effects on CL, V and KA; proportional and additive residual error on the record.
const std::string kPkSpec =
    "schema_version: 1\n"
    "trial: {name: params, seed: 4242, patients: 300, follow_up: 4}\n"
    "cohort:\n  covariates:\n    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}\n"
    "arms:\n"
    "  - {name: low, control: true, regimen: {dose_mg: 100, interval_h: 24, doses: 3, route: oral}}\n"
    "  - {name: high, regimen: {dose_mg: 400, interval_h: 24, doses: 3, route: oral}}\n"
    "model:\n  name: pk_1cmt\n  parameters:\n"
    "    CL: {typical: 4, covariates: {weight: {power: 0.75, reference: 70}}}\n"
    "    V: 40\n    KA: 1.2\n    F: 0.6\n    lag_h: 0.5\n"
    "    omega: {variables: [CL, V, KA], matrix: [[0.09, 0.01, 0], [0.01, 0.04, 0], [0, 0, 0.16]]}\n"
    "    residual_proportional: 0.15\n    residual_additive: 0.05\n"
    "    exposure_start_h: 48\n    exposure_end_h: 72\n"
    "endpoints:\n  - {name: auc, output: auc}\n"
    "observations:\n  concentration: {every: 0.125, until: 4}\n";

/// Index of `name` in `names`.
std::size_t at(const std::vector<std::string>& names, const std::string& name) {
  const auto found = std::find(names.begin(), names.end(), name);
  EXPECT_NE(found, names.end()) << name;
  return static_cast<std::size_t>(found - names.begin());
}

/// Writes `spec`'s replicate 0 to `path` as silico run does, in one block on one rank.
/// MPI starts at the first write only, so that listing the tests starts none.
void write_file(const silico::spec::TrialSpec& spec, const std::string& path) {
  int started = 0;
  MPI_Initialized(&started);
  if (!started) {
    // As the integration tests allow it: OpenMPI refuses root unless told (CI runs as root).
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    MPI_Init(nullptr, nullptr);
  }
  silico::io::RunInfo info;
  info.created_utc = "2026-01-01T00:00:00Z";
  info.command_line = "test_individual_parameters";
  info.replicate_count = 1;
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  silico::io::ResultWriter writer(MPI_COMM_WORLD, path, spec, info);
  writer.write_block(block);
  writer.finish(spec.trial.patients, 0.0);
}

TEST(IndividualParameters, PkPatientSolvedAgainFromTheFileMatchesItsPrediction) {
  const auto spec = silico::spec::parse_spec(kPkSpec, "params.yaml");
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("silico_params_" + std::to_string(::getpid()) + ".h5")).string();
  write_file(spec, path);
  const silico::io::ResultReader file(path);
  const auto names = file.parameter_names();  // in name order
  EXPECT_EQ(names, (std::vector<std::string>{"CL", "F", "KA", "V", "eta_CL", "eta_KA", "eta_V"}));
  std::vector<std::vector<double>> p;
  for (const auto& name : names) p.push_back(file.parameter(name, 0));
  const auto arms = file.arms(0);
  const auto weight = file.covariate("weight", 0);
  const auto ipred = file.trajectories("concentration_ipred", 0, 0, spec.trial.patients);
  const auto observed = file.trajectories("concentration", 0, 0, spec.trial.patients);
  std::filesystem::remove(path);
  const std::size_t points = ipred.times_days.size();
  ASSERT_EQ(points, 33u);  // every 3 h from 0 to 96 h
  ASSERT_EQ(ipred.times_days, observed.times_days);

  const std::size_t cl = at(names, "CL"), v = at(names, "V"), ka = at(names, "KA"), f = at(names, "F");
  std::size_t differs = 0;
  for (std::size_t i = 0; i < spec.trial.patients; ++i) {
    // The stored CL is the population model applied to the stored eta.
    const double typical_cl = 4.0 * std::pow(weight[i] / 70.0, 0.75);
    ASSERT_NEAR(p[cl][i], typical_cl * std::exp(p[at(names, "eta_CL")][i]), 1e-13 * p[cl][i]);
    ASSERT_NEAR(p[v][i], 40.0 * std::exp(p[at(names, "eta_V")][i]), 1e-13 * p[v][i]);
    ASSERT_EQ(p[f][i], 0.6);
    // One-compartment model with first-order absorption after a lag, by superposition
    // of single oral doses (Gabrielsson & Weiner, Pharmacokinetic and Pharmacodynamic
    // Data Analysis, 4th ed. 2006, ch. 2):
    //   C(t) = sum_d F D KA / (V (KA - k)) (exp(-k tau_d) - exp(-KA tau_d)),
    //   k = CL / V, tau_d = t - t_d - lag > 0.
    const double dose = arms[i] == 0 ? 100.0 : 400.0;
    const double k = p[cl][i] / p[v][i];
    for (std::size_t j = 0; j < points; ++j) {
      const double t = 24.0 * ipred.times_days[j];
      double c = 0.0;
      for (int d = 0; d < 3; ++d) {
        const double tau = t - 24.0 * d - 0.5;
        if (tau <= 0.0) continue;
        c += p[f][i] * dose * p[ka][i] / (p[v][i] * (p[ka][i] - k)) * (std::exp(-k * tau) - std::exp(-p[ka][i] * tau));
      }
      // The model sums the same terms in another order (mode by mode): rounding only,
      // bounded by 1e-9 relative away from KA = k (|KA - k| / KA > 1e-3 for every patient
      // of this seed, checked below); exactly 0 before the first dose is absorbed.
      ASSERT_GT(std::fabs(p[ka][i] - k), 1e-3 * p[ka][i]);
      ASSERT_NEAR(ipred.values[i * points + j], c, 1e-9 * c) << "patient " << i << " at " << t << " h";
      if (observed.values[i * points + j] != ipred.values[i * points + j]) ++differs;
    }
  }
  // The record carries the residual error the prediction does not (not vacuous).
  EXPECT_GT(differs, spec.trial.patients * (points - 1) / 2);
}

TEST(IndividualParameters, AreTheValuesTheOutcomesWereComputedFrom) {
  const auto spec = silico::spec::parse_spec(kPkSpec, "params.yaml");
  const auto names = spec.model.instance->individual_parameter_names();
  ASSERT_EQ(names, (std::vector<std::string>{"CL", "V", "KA", "F", "eta_CL", "eta_V", "eta_KA"}));
  silico::sim::Block with, without;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, with);
  // Without bookkeeping the simulator calls Model::simulate, which records nothing: the
  // outcomes and records are bitwise those of the run that stores the parameters.
  silico::sim::Simulator(spec, true, false).simulate(0, 0, spec.trial.patients, without);
  ASSERT_TRUE(without.parameters.empty());
  ASSERT_EQ(with.parameters.size(), names.size());
  EXPECT_EQ(with.endpoints[0].potential_value, without.endpoints[0].potential_value);
  EXPECT_EQ(with.trajectory, without.trajectory);
  // The stored etas are the patient's draws from its random-effects stream.
  const auto& omega = spec.model.parameters.omega.at("omega");
  const silico::models::Population population({{"CL", 4, {}}, {"V", 40, {}}, {"KA", 1.2, {}}}, omega);
  for (std::size_t i = 0; i < with.count; ++i) {
    double eta[3];
    population.etas({spec.trial.seed, 0, i}, eta);
    for (std::size_t k = 0; k < 3; ++k) ASSERT_EQ(with.parameters[4 + k][i], eta[k]) << names[4 + k];
  }
}

TEST(IndividualParameters, TheSameForAnyBlockSplit) {
  const auto spec = silico::spec::parse_spec(kPkSpec, "params.yaml");
  const silico::sim::Simulator simulator(spec);
  silico::sim::Block whole, part;
  simulator.simulate(0, 0, 300, whole);
  for (const auto& [first, count] : {std::pair<std::uint64_t, std::uint64_t>{0, 7}, {7, 256}, {263, 37}}) {
    simulator.simulate(0, first, count, part);
    for (std::size_t j = 0; j < whole.parameters.size(); ++j) {
      for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(part.parameters[j][i], whole.parameters[j][first + i]);
    }
  }
}

TEST(IndividualParameters, NamesFollowTheModelConfigurationAndNotTheSolver) {
  const auto variant = [](std::vector<std::pair<std::string, std::string>> edits) {
    std::string text = kPkSpec;
    for (const auto& [from, to] : edits) text.replace(text.find(from), from.size(), to);
    return silico::spec::parse_spec(text, "params.yaml");
  };
  const std::pair<std::string, std::string> two = {"pk_1cmt", "pk_2cmt"};
  const std::pair<std::string, std::string> volumes = {"    V: 40\n", "    V1: 40\n    Q: 3\n    V2: 80\n"};
  const std::pair<std::string, std::string> omega = {"[CL, V, KA]", "[CL, V1, KA]"};
  const auto closed = variant({two, volumes, omega});
  EXPECT_EQ(closed.model.instance->individual_parameter_names(),
            (std::vector<std::string>{"CL", "V1", "Q", "V2", "KA", "F", "eta_CL", "eta_V1", "eta_KA"}));
  // Direct-effect PD adds E0, EMAX and EC50 (KOUT belongs to indirect responses only).
  const auto pd = variant({two, volumes, omega, {"    lag_h", "    pd: emax\n    EMAX: 2\n    EC50: 1\n    lag_h"}});
  EXPECT_EQ(pd.model.instance->individual_parameter_names(),
            (std::vector<std::string>{"CL", "V1", "Q", "V2", "KA", "F", "E0", "EMAX", "EC50", "eta_CL", "eta_V1",
                                      "eta_KA"}));
  // The ODE solver stores the same parameters, bitwise: they come before any solving.
  const auto ode = variant({two, volumes, omega, {"    lag_h", "    solver: dopri5\n    lag_h"}});
  silico::sim::Block a, b;
  silico::sim::Simulator(closed).simulate(0, 0, 100, a);
  silico::sim::Simulator(ode).simulate(0, 0, 100, b);
  ASSERT_EQ(a.parameters.size(), 9u);
  EXPECT_EQ(a.parameters, b.parameters);
}

TEST(IndividualParameters, AModelWithoutThemStoresNone) {
  const auto spec = silico::spec::parse_spec(
      "schema_version: 1\n"
      "trial: {name: none, seed: 3, patients: 50, follow_up: 24}\n"
      "cohort:\n  covariates:\n    age: {distribution: normal, mean: 60, sd: 8}\n"
      "arms: [{name: control, control: true}, {name: treatment}]\n"
      "model:\n  name: weibull_ph\n  parameters: {shape: 1.2, scale: 20, hazard_ratio: {treatment: 0.7}}\n"
      "endpoints: [{name: os, output: time_to_event}]\n",
      "none.yaml");
  EXPECT_TRUE(spec.model.instance->individual_parameter_names().empty());
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, 50, block);
  EXPECT_TRUE(block.parameters.empty());
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("silico_no_params_" + std::to_string(::getpid()) + ".h5")).string();
  write_file(spec, path);
  const silico::io::ResultReader file(path);
  EXPECT_TRUE(file.parameter_names().empty());  // no /cohort/parameters group at all
  EXPECT_FALSE(file.has_attribute("/cohort/parameters", "description"));
  std::filesystem::remove(path);
}

}  // namespace

int main(int argc, char** argv) {
  // The result writer is collective: one rank, as `silico run` without mpirun.
  ::testing::InitGoogleTest(&argc, argv);
  const int status = RUN_ALL_TESTS();
  int started = 0;
  MPI_Initialized(&started);
  if (started) MPI_Finalize();
  return status;
}

// PROCOVA's historical cohort, its prognostic model and every trial patient's prognostic
// score are in the file: an OLS refitted here on /procova gives the stored coefficients,
// which are those the procova analysis used, and they give the stored scores from the
// patients' covariates.
TEST(ProcovaStorage, TheModelRefittedFromTheFileGivesTheStoredCoefficientsAndScores) {
  const auto spec = silico::spec::parse_spec(
      "schema_version: 1\n"
      "trial: {name: procova, seed: 41, patients: 400, follow_up: 12}\n"
      "cohort:\n  covariates:\n"
      "    age: {distribution: normal, mean: 50, sd: 10}\n"
      "    smoker: {distribution: bernoulli, p: 0.3}\n"
      "arms: [{name: placebo, control: true}, {name: treatment}]\n"
      "model:\n  name: linear_change\n  parameters:\n    intercept: 1\n    residual_sd: 2\n"
      "    covariate_effects: {age: {per_unit: 0.1, reference: 50}, smoker: 2}\n"
      "    arm_effect: {treatment: -3}\n"
      "endpoints: [{name: y, output: change}]\n"
      "analysis:\n  endpoints:\n    y: {methods: [procova, welch]}\n"
      "  procova:\n    historical: {patients: 500, seed: 9}\n",
      "procova.yaml");
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("silico_procova_" + std::to_string(::getpid()) + ".h5")).string();
  write_file(spec, path);
  using silico::io::h5::Handle;
  namespace h5 = silico::io::h5;
  const Handle file = h5::open_readonly(path);
  const auto age = h5::read_vector(h5::open_dataset(file, "/procova/covariates/age"));
  const auto smoker = h5::read_vector(h5::open_dataset(file, "/procova/covariates/smoker"));
  const auto y = h5::read_vector(h5::open_dataset(file, "/procova/outcomes/y"));
  const Handle coefficients_set = h5::open_dataset(file, "/procova/coefficients/y");
  const auto stored = h5::read_vector(coefficients_set);
  EXPECT_EQ(h5::read_strings_attribute(coefficients_set, "terms"),
            (std::vector<std::string>{"intercept", "age", "smoker"}));
  ASSERT_EQ(y.size(), 500u);
  ASSERT_EQ(age.size(), 500u);
  Eigen::MatrixXd x(500, 3);
  Eigen::VectorXd outcome(500);
  for (Eigen::Index i = 0; i < 500; ++i) {
    const auto k = static_cast<std::size_t>(i);
    x.row(i) << 1.0, age[k], smoker[k];
    outcome(i) = y[k];
  }
  const Eigen::VectorXd refit = x.colPivHouseholderQr().solve(outcome);
  ASSERT_EQ(stored.size(), 3u);
  for (Eigen::Index j = 0; j < 3; ++j) EXPECT_NEAR(stored[static_cast<std::size_t>(j)], refit(j), 1e-9);
  // The coefficients the analysis used are the stored ones, bitwise.
  EXPECT_EQ(silico::sim::TrialAnalysis(spec).prognostic_coefficients(0), stored);
  // The historical cohort is its own draw (seed 9), not the trial's patients: y = 1 +
  // 0.1 (age - 50) + 2 smoker + N(0, 2^2) under placebo, so the slopes are recovered
  // within 4 SE (SE of the age slope 2 / (10 sqrt(500)) = 0.009; of smoker's 2 /
  // sqrt(500 * 0.21) = 0.20).
  EXPECT_NEAR(stored[1], 0.1, 4 * 0.009);
  EXPECT_NEAR(stored[2], 2.0, 4 * 0.20);
  // Each trial patient's score is the model applied to the patient's covariates.
  std::vector<double> trial_age(400), trial_smoker(400), score(400);
  h5::read_row(h5::open_dataset(file, "/cohort/covariates/age"), H5T_NATIVE_DOUBLE, 0, trial_age.data());
  h5::read_row(h5::open_dataset(file, "/cohort/covariates/smoker"), H5T_NATIVE_DOUBLE, 0, trial_smoker.data());
  h5::read_row(h5::open_dataset(file, "/outcomes/y/prognostic_score"), H5T_NATIVE_DOUBLE, 0, score.data());
  for (std::size_t i = 0; i < 400; ++i) {
    ASSERT_NEAR(score[i], stored[0] + stored[1] * trial_age[i] + stored[2] * trial_smoker[i], 1e-12) << i;
  }
  std::filesystem::remove(path);
}
