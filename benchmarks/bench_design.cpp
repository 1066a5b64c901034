// Design statistics: what computing a group-sequential design costs (recursive numerical
// integration; with beta spending a root search for the drift around it), and what the
// tests for non-proportional hazards cost on 10^6 patients next to the log-rank test on
// the same rows. Run with scripts/bench.sh; docs/performance.md records the results.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "rng/stream.hpp"
#include "stats/design.hpp"
#include "stats/group_sequential_design.hpp"
#include "stats/max_statistic_bounds.hpp"
#include "stats/survival_source.hpp"
#include "stats/survival_sweep.hpp"

namespace {

/// K equally spaced looks.
std::vector<double> looks(std::int64_t k) {
  std::vector<double> t;
  for (std::int64_t i = 1; i <= k; ++i) t.push_back(static_cast<double>(i) / static_cast<double>(k));
  return t;
}

void BM_BoundariesTwoSidedLegacy(benchmark::State& state) {
  const auto t = looks(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(silico::stats::efficacy_boundaries(silico::stats::Spending::kOBrienFleming, 0.05, t));
  }
}
BENCHMARK(BM_BoundariesTwoSidedLegacy)->Arg(3)->Arg(5)->Arg(10)->Unit(benchmark::kMillisecond);

void BM_BoundariesOneSided(benchmark::State& state) {
  silico::stats::GroupSequentialDesign design;
  design.information_fractions = looks(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::design_boundaries(design));
}
BENCHMARK(BM_BoundariesOneSided)->Arg(3)->Arg(5)->Arg(10)->Unit(benchmark::kMillisecond);

void BM_BoundariesWithFutility(benchmark::State& state) {
  silico::stats::GroupSequentialDesign design;
  design.information_fractions = looks(state.range(0));
  design.futility = silico::stats::Futility::kSpending;
  design.beta_spending.family = silico::stats::SpendingFamily::kHwangShihDeCani;
  design.beta_spending.parameter = -2;
  design.binding_futility = state.range(1) != 0;
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::design_boundaries(design));
}
BENCHMARK(BM_BoundariesWithFutility)
    ->Args({3, 0})->Args({3, 1})->Args({5, 0})->Args({5, 1})
    ->Unit(benchmark::kMillisecond);

/// 10^6 patients, 2 arms, a delayed effect (hazard ratio 1 before 4 months, 0.6 after),
/// exponential control median 12 months, 20 % censored: rows sorted in memory once.
const silico::stats::InMemorySurvival& delayed_trial() {
  static const silico::stats::InMemorySurvival rows = [] {
    const std::size_t n = 1'000'000;
    std::vector<double> time(n);
    std::vector<std::int8_t> event(n), group(n);
    silico::rng::Stream stream({7, 0, 0, silico::rng::Purpose::kTest, 0});
    const double rate = std::log(2.0) / 12;
    for (std::size_t i = 0; i < n; ++i) {
      group[i] = static_cast<std::int8_t>(i % 2);
      const double e = -std::log(stream.uniform());
      const double delay = 4 * rate;  // cumulative hazard at the delay
      const double hr = group[i] ? 0.6 : 1.0;
      time[i] = e <= delay ? e / rate : 4 + (e - delay) / (rate * hr);
      event[i] = stream.uniform() < 0.8 ? 1 : 0;
    }
    return silico::stats::InMemorySurvival(time, event, 0, {}, {}, group);
  }();
  return rows;
}

void BM_LogrankSweepDelayed(benchmark::State& state) {
  const auto& rows = delayed_trial();
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::logrank_sweep(rows, 0.05));
}
BENCHMARK(BM_LogrankSweepDelayed)->Unit(benchmark::kMillisecond);

void BM_FlemingHarringtonSweep(benchmark::State& state) {
  const auto& rows = delayed_trial();
  for (auto _ : state) benchmark::DoNotOptimize(silico::stats::fh_logrank_sweep(rows, 0.0, 0.5, 0.025));
}
BENCHMARK(BM_FlemingHarringtonSweep)->Unit(benchmark::kMillisecond);

void BM_MaxComboSweep(benchmark::State& state) {
  const auto& rows = delayed_trial();
  for (auto _ : state) {
    benchmark::DoNotOptimize(silico::stats::maxcombo_sweep(rows, silico::stats::kMaxComboDefault, 0.025));
  }
}
BENCHMARK(BM_MaxComboSweep)->Unit(benchmark::kMillisecond);

/// The bounds a replicate of a group-sequential MaxCombo (Arg 4: the default tests) or FH
/// (Arg 1) design solves: an interim at 60 % of the events that does not stop (its bound
/// solved by the root search) and the final look decided by one probability. The tests'
/// covariances come from the delayed-effect trial, computed once outside the loop.
void BM_MaxStatisticBoundsTwoLooks(benchmark::State& state) {
  const auto& rows = delayed_trial();
  std::vector<std::pair<double, double>> pairs(std::begin(silico::stats::kMaxComboDefault),
                                               std::end(silico::stats::kMaxComboDefault));
  if (state.range(0) == 1) pairs = {{0.0, 0.5}};
  std::uint64_t events = 0;
  rows.forward([&](std::span<const silico::stats::SurvivalRow> batch) {
    for (const auto& r : batch) events += r.event ? 1 : 0;
  });
  const double interim = silico::stats::kth_event_time(rows, static_cast<std::uint64_t>(0.6 * static_cast<double>(events)));
  const auto first = silico::stats::fh_logrank_scores(rows, pairs, 0.025, interim);
  const auto last = silico::stats::fh_logrank_scores(rows, pairs, 0.025);
  const auto alpha = silico::stats::cumulative_spending(silico::stats::SpendingFunction{}, 0.025,
                                                        std::vector<double>{0.6, 1.0});
  for (auto _ : state) {
    silico::stats::MaxStatisticBounds bounds(pairs.size());
    bounds.push_look(first.covariance, alpha[0]);
    benchmark::DoNotOptimize(bounds.solve_bound());
    bounds.push_look(last.covariance, alpha[1]);
    benchmark::DoNotOptimize(bounds.crosses(2.1));
  }
}
BENCHMARK(BM_MaxStatisticBoundsTwoLooks)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);

}  // namespace
