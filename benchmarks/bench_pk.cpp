// The model-library reference workload: 2-compartment oral PK, CL, V1, KA log-normal
// (omega^2 0.09 / 0.04 / 0.16), Q 10 L/h, V2 100 L, 100 mg every 24 h for 28 days, the
// concentration every hour (673 points per patient). Patients per second on one thread,
// for each solution path, with the hourly trajectory recorded. mrgsolve's figure on this
// machine (about 1,100 patients/s/core) is quoted in the issue; docs/performance.md
// records ours.
#include <benchmark/benchmark.h>

#include <tbb/task_arena.h>

#include <string>

#include <unsupported/Eigen/MatrixFunctions>

#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

std::string workload(const std::string& solver, bool trajectory) {
  return "schema_version: 1\n"
         "trial: {name: pk_bench, seed: 1, patients: 100000, follow_up: 28, time_unit: days}\n"
         "cohort:\n  covariates:\n    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}\n"
         "arms:\n"
         "  - {name: control, control: true, regimen: {dose_mg: 100, route: oral, interval_h: 24, doses: 28}}\n"
         "  - {name: treatment, regimen: {dose_mg: 100, route: oral, interval_h: 24, doses: 28}}\n"
         "model:\n  name: pk_2cmt\n  parameters:\n"
         "    CL: 5\n    V1: 50\n    Q: 10\n    V2: 100\n    KA: 1.0\n"
         "    omega: {variables: [CL, V1, KA], matrix: [[0.09, 0, 0], [0, 0.04, 0], [0, 0, 0.16]]}\n"
         "    solver: " + solver + "\n    rtol: 1e-6\n    atol: 1e-9\n"
         "    exposure_start_h: 648\n    exposure_end_h: 672\n    observe_every_h: 1\n" +
         (trajectory ? "    trajectory_every_h: 1\n    trajectory_until_h: 672\n" : "") +
         "endpoints:\n  - {name: auc, output: auc}\n";
}

/// One thread: the simulation runs in a one-thread oneTBB arena, so the rate is per core.
void BM_PkWorkload(benchmark::State& state, const std::string& solver, bool trajectory) {
  const auto spec = silico::spec::parse_spec(workload(solver, trajectory), "bench.yaml");
  const silico::sim::Simulator simulator(spec, trajectory);
  silico::sim::Block block;
  const std::uint64_t n = solver == "cvode_bdf" ? 64 : 512;
  tbb::task_arena one_thread(1);
  for (auto _ : state) one_thread.execute([&] { simulator.simulate(0, 0, n, block); });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK_CAPTURE(BM_PkWorkload, closed_form_endpoints, std::string("closed_form"), false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_PkWorkload, closed_form_trajectory, std::string("closed_form"), true)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_PkWorkload, dopri5_endpoints, std::string("dopri5"), false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_PkWorkload, dopri5_trajectory, std::string("dopri5"), true)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_PkWorkload, cvode_endpoints, std::string("cvode_bdf"), false)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The bare loop the issue compares with: the same linear system (depot, central,
/// peripheral) propagated exactly over one hour by a matrix exponential computed once per
/// patient, a dose added to the depot every 24 h, 673 concentrations stored. No framework:
/// no cohort, no random effects, no second arm.
void BM_PkBareLoop(benchmark::State& state) {
  std::vector<double> out(673);
  double cl = 5.0;
  for (auto _ : state) {
    cl = cl == 5.0 ? 5.1 : 5.0;  // a different patient each time
    const double v1 = 50, q = 10, v2 = 100, ka = 1.0;
    Eigen::Matrix3d a;
    a << -ka, 0, 0, ka, -(cl + q) / v1, q / v2, 0, q / v1, -q / v2;
    const Eigen::Matrix3d step = (a * 1.0).exp();
    Eigen::Vector3d x(0, 0, 0);
    for (int h = 0; h <= 672; ++h) {
      if (h % 24 == 0 && h < 672) x(0) += 100.0;
      out[static_cast<std::size_t>(h)] = x(1) / v1;
      x = step * x;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PkBareLoop);

}  // namespace
