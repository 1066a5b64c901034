// "No heap allocation per patient in the hot loop" (model-library issue), checked rather
// than promised: every operator new in this test binary is counted, and simulating a
// larger block of the same trial with warmed-up buffers may allocate only for the extra
// oneTBB tasks (one range of at least 256 patients each), never per patient.
#include <gtest/gtest.h>

#include <tbb/task_arena.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {
std::atomic<std::uint64_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

/// Allocations per extra patient when the block grows from `small` to `large` patients,
/// each measured on a second pass (buffers and per-thread solvers already grown).
double allocations_per_patient(const silico::spec::TrialSpec& spec) {
  const silico::sim::Simulator simulator(spec, true);
  silico::sim::Block block;
  tbb::task_arena one_thread(1);
  const auto count = [&](std::uint64_t n) {
    one_thread.execute([&] { simulator.simulate(0, 0, n, block); });  // warm up
    const std::uint64_t before = allocations.load();
    one_thread.execute([&] { simulator.simulate(0, 0, n, block); });
    return static_cast<double>(allocations.load() - before);
  };
  const std::uint64_t small = 256, large = 1280;
  count(large);  // grow the block to its largest size first
  return (count(large) - count(small)) / static_cast<double>(large - small);
}

TEST(Allocations, NonePerPatientInAnyExampleModel) {
  // A per-patient allocation would give at least 1 per patient; oneTBB's task ranges give
  // about 1/256.
  for (const std::string config : {"example.yaml", "continuous.yaml", "pk_dose_finding.yaml", "oncology_tgi.yaml",
                                   "alzheimers_progression.yaml"}) {
    const auto spec = silico::spec::load_spec(std::string(SILICO_SOURCE_DIR) + "/configs/" + config);
    EXPECT_LT(allocations_per_patient(spec), 0.05) << config;
  }
}

TEST(Allocations, NonePerPatientOnTheOdePaths) {
  for (const std::string solver : {"dopri5", "cvode_bdf"}) {
    const std::string text =
        "schema_version: 1\n"
        "trial: {name: ode, seed: 3, patients: 1280, follow_up: 7, time_unit: days}\n"
        "cohort:\n  covariates:\n    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}\n"
        "arms:\n"
        "  - {name: low, control: true, regimen: {dose_mg: 50, route: oral, interval_h: 24, doses: 3}}\n"
        "  - {name: high, regimen: {dose_mg: 100, route: iv_infusion, infusion_h: 2, interval_h: 24, doses: 3}}\n"
        "model:\n  name: pk_2cmt\n  parameters:\n"
        "    CL: 5\n    V1: 50\n    Q: 10\n    V2: 100\n    KA: 1.0\n"
        "    omega: {variables: [CL, KA], matrix: [[0.09, 0], [0, 0.16]]}\n"
        "    pd: idr_inhibit_production\n    EMAX: 0.8\n    EC50: 0.5\n    KOUT: 0.1\n    biomarker_time_h: 48\n"
        "    solver: " + solver + "\n    rtol: 1e-6\n    atol: 1e-8\n"
        "    exposure_start_h: 48\n    exposure_end_h: 72\n"
        "endpoints:\n  - {name: auc, output: auc}\n  - {name: biomarker, output: biomarker_change}\n";
    EXPECT_LT(allocations_per_patient(silico::spec::parse_spec(text, "ode.yaml")), 0.05) << solver;
  }
}

}  // namespace
