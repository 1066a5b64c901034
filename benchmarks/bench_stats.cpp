// Estimators on 10^6 patients, 2 arms, 3 covariates: the workload on which R's survival
// package was timed on this machine (Kaplan-Meier by arm about 2.9 s, log-rank 1.9 s,
// Cox with Efron ties 4.9 s; figures quoted in the statistics issue). Run with
// scripts/bench.sh; docs/performance.md records the results.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cmath>

#include <filesystem>

#include "io/survival_spill.hpp"
#include "rng/stream.hpp"
#include "stats/estimates.hpp"
#include "stats/regression.hpp"
#include "stats/survival.hpp"
#include "stats/survival_sweep.hpp"

namespace {

using silico::rng::Purpose;
using silico::rng::Stream;

/// Exponential survival with a treatment effect and three covariates, 20% censored.
struct Trial {
  explicit Trial(std::size_t n) : time(n), event(n), arm(n), x(static_cast<Eigen::Index>(n), 4),
                                  y(static_cast<Eigen::Index>(n)) {
    Stream stream({1, 0, 0, Purpose::kTest, 0});
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      arm[i] = static_cast<std::int8_t>(i % 2);
      x(r, 0) = arm[i];
      for (int j = 1; j < 4; ++j) x(r, j) = stream.normal();
      const double eta = -0.3 * arm[i] + 0.2 * x(r, 1) - 0.1 * x(r, 2) + 0.3 * x(r, 3);
      time[i] = -std::log(stream.uniform()) * std::exp(-eta);
      event[i] = stream.uniform() < 0.8 ? 1 : 0;
      y(r) = eta + stream.normal();
    }
  }
  silico::stats::SurvivalData arm_data(int a) const {
    silico::stats::SurvivalData d;
    for (std::size_t i = 0; i < time.size(); ++i) {
      if (arm[i] == a) {
        d.time.push_back(time[i]);
        d.event.push_back(event[i]);
      }
    }
    return d;
  }
  std::vector<double> time;
  std::vector<std::int8_t> event, arm;
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

/// The simulated trial of 10^6 patients (default) or 10^5.
const Trial& trial(std::int64_t n = 1'000'000) {
  static const Trial large(1'000'000);
  static const Trial small(100'000);
  return n == 100'000 ? small : large;
}

void BM_KaplanMeierByArm(benchmark::State& state) {
  const auto treated = trial(state.range(0)).arm_data(1), control = trial(state.range(0)).arm_data(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(silico::stats::kaplan_meier(treated));
    benchmark::DoNotOptimize(silico::stats::kaplan_meier(control));
  }
}
BENCHMARK(BM_KaplanMeierByArm)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_Logrank(benchmark::State& state) {
  const auto treated = trial().arm_data(1), control = trial().arm_data(0);
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::logrank(treated, control, 0.05));
}
BENCHMARK(BM_Logrank)->Unit(benchmark::kMillisecond);

void BM_CoxEfron(benchmark::State& state) {
  const auto& t = trial(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::cox_fit(t.time, t.event, t.x));
}
BENCHMARK(BM_CoxEfron)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

/// The trial's rows spilled as `silico run` spills a replicate: sorted runs of 65,536 rows
/// in an unnamed file under $TMPDIR (or /tmp), merged on every walk.
std::unique_ptr<silico::io::SurvivalSpill> spilled(const Trial& t) {
  const char* tmp = std::getenv("TMPDIR");
  auto spill = std::make_unique<silico::io::SurvivalSpill>(tmp ? tmp : "/tmp", 4, 65536);
  double x[4];
  for (std::size_t i = 0; i < t.time.size(); ++i) {
    for (int j = 0; j < 4; ++j) x[j] = t.x(static_cast<Eigen::Index>(i), j);
    spill->push({t.time[i], i, 0, t.event[i], t.arm[i], x});
  }
  spill->finish();
  return spill;
}

// The analysis phase's path: rows pushed, sorted in runs, written; then walked.
void BM_SpillPushAndSort(benchmark::State& state) {
  const auto& t = trial();
  for (auto _ : state) benchmark::DoNotOptimize(spilled(t));
}
BENCHMARK(BM_SpillPushAndSort)->Unit(benchmark::kMillisecond);

void BM_CoxEfronSpilled(benchmark::State& state) {
  const auto spill = spilled(trial());
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::cox_fit(*spill));
}
BENCHMARK(BM_CoxEfronSpilled)->Unit(benchmark::kMillisecond);

void BM_KaplanMeierSummarySpilled(benchmark::State& state) {
  const auto spill = spilled(trial());
  const double landmarks[] = {0.5, 1.0};
  for (auto _ : state) {
    benchmark::DoNotOptimize(silico::stats::km_summary(*spill, 1, 0.05, landmarks));
    benchmark::DoNotOptimize(silico::stats::km_summary(*spill, 0, 0.05, landmarks));
  }
}
BENCHMARK(BM_KaplanMeierSummarySpilled)->Unit(benchmark::kMillisecond);

void BM_AncovaHc3(benchmark::State& state) {
  const auto& t = trial();
  Eigen::MatrixXd design(t.x.rows(), 5);
  design << Eigen::VectorXd::Ones(t.x.rows()), t.x;
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::ols(design, t.y));
}
BENCHMARK(BM_AncovaHc3)->Unit(benchmark::kMillisecond);

}  // namespace
