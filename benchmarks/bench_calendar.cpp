// What calendar time costs (trial.accrual, data cuts; sim/calendar, sim/data_cut): entry
// times against plain Philox draws, and the analysis of a replicate without a data cut,
// cut at a number of events without accrual (one walk) and with accrual (a second walk
// that pushes the rows as known at the calendar cut). One thread throughout (a one-thread
// oneTBB arena), so the figures are per core. Run together, e.g.
//   ./benchmarks/silico_bench --benchmark_filter=Calendar
// and compare the ratios: the machine is shared. Each benchmark is repeated three times
// (the whole set takes about a minute); read the medians. docs/performance.md records
// the results.
#include <benchmark/benchmark.h>

#include <tbb/task_arena.h>

#include <cmath>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/survival_spill.hpp"
#include "rng/stream.hpp"
#include "sim/analysis.hpp"
#include "sim/calendar.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"
#include "stats/survival_source.hpp"

namespace {

using silico::spec::Accrual;
using silico::spec::RatePiece;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint64_t kMillion = 1'000'000;
constexpr std::uint64_t kBlock = 65'536;  // `silico run`'s default --block-patients

Accrual rates(std::vector<RatePiece> pieces) {
  Accrual a;
  a.kind = Accrual::Kind::kRates;
  a.rates = std::move(pieces);
  return a;
}

Accrual over(double duration, double ramp_up) {
  Accrual a;
  a.kind = Accrual::Kind::kDuration;
  a.duration = duration;
  a.ramp_up = ramp_up;
  return a;
}

// ---------------------------------------------------------------------------------------
// 1. Entry times of 10^6 patients, in blocks of 65,536.

/// The unit: 10^6 uniforms from one Philox stream (BM_StreamUniform's draw).
void BM_CalendarUnitUniform(benchmark::State& state) {
  silico::rng::Stream stream({1, 0, 0, silico::rng::Purpose::kTest, 0});
  for (auto _ : state) {
    double sum = 0.0;
    for (std::uint64_t i = 0; i < kMillion; ++i) sum += stream.uniform();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kMillion));
}
BENCHMARK(BM_CalendarUnitUniform)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly(true);

/// What an arrival gap draws: a fresh stream keyed by the patient, one uniform, its log.
void BM_CalendarUnitPatientGap(benchmark::State& state) {
  for (auto _ : state) {
    double sum = 0.0;
    for (std::uint64_t i = 0; i < kMillion; ++i) {
      silico::rng::Stream stream({1, 0, i, silico::rng::Purpose::kAccrual, 0});
      sum += -std::log(stream.uniform());
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kMillion));
}
BENCHMARK(BM_CalendarUnitPatientGap)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly(true);

void entry_times(benchmark::State& state, const Accrual& accrual) {
  const silico::sim::AccrualSchedule schedule(accrual, kMillion, 7);
  std::vector<double> out(kBlock);
  for (auto _ : state) {
    for (std::uint64_t first = 0; first < kMillion; first += kBlock) {
      const std::uint64_t count = std::min(kBlock, kMillion - first);
      schedule.entry_times(0, first, std::span<double>(out).first(count));
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kMillion));
}

/// Piecewise Poisson rates: 20,000 a month for 12 months, then 60,000 (all in by ~24.7).
void BM_CalendarEntryTimesRates(benchmark::State& state) {
  entry_times(state, rates({{20'000, 12}, {60'000, kInf}}));
}
BENCHMARK(BM_CalendarEntryTimesRates)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly(true);

/// All within 24 months, intensity ramping up over the first 6: every block needs every
/// chunk's Gamma total (S_(N+1) normalizes).
void BM_CalendarEntryTimesDuration(benchmark::State& state) { entry_times(state, over(24, 6)); }
BENCHMARK(BM_CalendarEntryTimesDuration)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly(true);

// ---------------------------------------------------------------------------------------
// 2. One replicate of 10^6 patients analysed as `silico run` analyses it.

/// A weibull_ph trial, 2 arms 1:1, log-rank and (unadjusted) Cox; `cut` events (0: no
/// data cut), `looks` a group_sequential entry or empty.
std::string trial_yaml(std::uint64_t patients, std::uint64_t cut, const std::string& methods,
                       const std::string& looks) {
  std::string analysis = "methods: " + methods;
  if (cut > 0) analysis += ", data_cut_events: " + std::to_string(cut);
  if (!looks.empty()) analysis += ", group_sequential: {looks: " + looks + "}";
  return R"(schema_version: 1
trial: {name: calendar, seed: 11, patients: )" + std::to_string(patients) + R"(, follow_up: 36}
cohort:
  covariates:
    age: {distribution: normal, mean: 62, sd: 10}
    ecog: {distribution: bernoulli, p: 0.4}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters:
    shape: 1.2
    scale: 16
    hazard_ratio: {treatment: 0.75}
    log_hazard_ratios: {age: {per_unit: 0.015, reference: 62}, ecog: 0.45}
    dropout_rate: 0.01
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {)" + analysis + R"(}
)";
}

/// The specs outlive every Simulator and TrialAnalysis that refers to them.
const silico::spec::TrialSpec& spec_of(const std::string& name, std::uint64_t patients, std::uint64_t cut,
                                       const std::string& methods, const std::string& looks,
                                       const std::optional<Accrual>& accrual) {
  static std::map<std::string, std::unique_ptr<silico::spec::TrialSpec>> specs;
  auto& slot = specs[name];
  if (!slot) {
    slot = std::make_unique<silico::spec::TrialSpec>(
        silico::spec::parse_spec(trial_yaml(patients, cut, methods, looks), name + ".yaml"));
    slot->trial.accrual = accrual;
  }
  return *slot;
}

/// 10^6 patients: a cut at 500,000 events (of about 880,000 by the end of follow-up).
const silico::spec::TrialSpec& large(const std::string& variant) {
  const auto accrual = rates({{20'000, 12}, {60'000, kInf}});
  const std::string methods = "[logrank, cox]";
  if (variant == "no_cut") return spec_of(variant, kMillion, 0, methods, "", std::nullopt);
  if (variant == "cut") return spec_of(variant, kMillion, 500'000, methods, "", std::nullopt);
  if (variant == "cut_accrual") return spec_of(variant, kMillion, 500'000, methods, "", accrual);
  if (variant == "gs") return spec_of(variant, kMillion, 500'000, methods, "[0.5, 1]", std::nullopt);
  return spec_of(variant, kMillion, 500'000, methods, "[0.5, 1]", accrual);  // gs_accrual
}

std::filesystem::path scratch() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp ? tmp : "/tmp";
}

/// analyze_replicates (src/parallel/run.cpp) for one replicate: each walk re-simulates the
/// replicate block by block; survival buffers are io::SurvivalSpill in $TMPDIR (or /tmp).
void BM_CalendarReplicate(benchmark::State& state, const std::string& variant) {
  const auto& spec = large(variant);
  const silico::sim::TrialAnalysis analysis(spec);
  const silico::sim::Simulator simulator(spec, false, false);
  tbb::task_arena one_thread(1);
  silico::sim::Block block;
  const std::uint64_t patients = spec.trial.patients;
  const auto dir = scratch();
  const auto buffers = [&](std::size_t covariates) -> std::unique_ptr<silico::stats::SurvivalBuffer> {
    return std::make_unique<silico::io::SurvivalSpill>(dir, covariates, kBlock);
  };
  std::int64_t walks = 0;
  std::map<std::string, double> series;
  for (auto _ : state) {
    walks = 0;
    const auto walk = [&](const std::function<void(const silico::sim::Block&)>& visit) {
      ++walks;
      for (std::uint64_t first = 0; first < patients; first += kBlock) {
        const std::uint64_t count = std::min(kBlock, patients - first);
        one_thread.execute([&] { simulator.simulate(0, first, count, block); });
        visit(block);
      }
    };
    for (const auto& s : analysis.analyze(walk, 0, buffers)) series[s.path] = s.value;
  }
  state.counters["walks"] = static_cast<double>(walks);
  const auto at = [&](const std::string& path) {
    const auto found = series.find(path);
    return found == series.end() ? std::numeric_limits<double>::quiet_NaN() : found->second;
  };
  state.counters["patients_at_cut"] = at("os/data_cut_patients");
  state.counters["cut_time"] = at("os/data_cut_time");
  state.counters["look1_patients"] = at("os/logrank/treatment/gs_look_1_patients");
  state.counters["events"] = at("os/arms/control/events") + at("os/arms/treatment/events");
}
BENCHMARK_CAPTURE(BM_CalendarReplicate, no_cut, std::string("no_cut"))
    ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_CalendarReplicate, cut_events, std::string("cut"))
    ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_CalendarReplicate, cut_events_accrual, std::string("cut_accrual"))
    ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_CalendarReplicate, gs_looks, std::string("gs"))
    ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_CalendarReplicate, gs_looks_accrual, std::string("gs_accrual"))
    ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);

/// The simulation alone of the same replicate, one walk (what each walk re-simulates).
void BM_CalendarReplicateSimulateOnly(benchmark::State& state, const std::string& variant) {
  const auto& spec = large(variant);
  const silico::sim::Simulator simulator(spec, false, false);
  tbb::task_arena one_thread(1);
  silico::sim::Block block;
  for (auto _ : state) {
    for (std::uint64_t first = 0; first < kMillion; first += kBlock) {
      const std::uint64_t count = std::min(kBlock, kMillion - first);
      one_thread.execute([&] { simulator.simulate(0, first, count, block); });
      benchmark::DoNotOptimize(block.endpoints.data());
    }
  }
}
BENCHMARK_CAPTURE(BM_CalendarReplicateSimulateOnly, no_accrual, std::string("cut"))
    ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_CalendarReplicateSimulateOnly, accrual, std::string("cut_accrual"))
    ->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);

// ---------------------------------------------------------------------------------------
// 3. 10^4 replicates of a small trial, each analysed whole in memory (`silico design`).

constexpr std::uint64_t kSmallReplicates = 10'000;

/// 300 patients, log-rank, cut at 200 events; with accrual: 10 a month for 6 months,
/// then 20 (all in by 18 months).
const silico::spec::TrialSpec& small(const std::string& variant) {
  if (variant == "no_cut") return spec_of("small_no_cut", 300, 0, "[logrank]", "", std::nullopt);
  if (variant == "cut") return spec_of("small_cut", 300, 200, "[logrank]", "", std::nullopt);
  return spec_of("small_cut_accrual", 300, 200, "[logrank]", "", rates({{10, 6}, {20, kInf}}));
}

/// This thread's CPU time (the one-thread arena simulates on the calling thread).
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Manual time: the analyses only (TrialAnalysis::analyze(block)), in this thread's CPU
/// time. The simulation of each replicate, outside that time, is the counter simulate_us
/// (per replicate, CPU time too).
void BM_CalendarSmallReplicates(benchmark::State& state, const std::string& variant) {
  const auto& spec = small(variant);
  const silico::sim::TrialAnalysis analysis(spec);
  const silico::sim::Simulator simulator(spec, false);
  tbb::task_arena one_thread(1);
  silico::sim::Block block;
  double simulate_seconds = 0.0, patients = 0.0;
  bool cut = false;
  for (auto _ : state) {
    double analysing = 0.0;
    for (std::uint64_t r = 0; r < kSmallReplicates; ++r) {
      const double t0 = thread_seconds();
      one_thread.execute([&] { simulator.simulate(r, 0, spec.trial.patients, block); });
      const double t1 = thread_seconds();
      const auto series = analysis.analyze(block);
      const double t2 = thread_seconds();
      benchmark::DoNotOptimize(series.data());
      simulate_seconds += t1 - t0;
      analysing += t2 - t1;
      for (const auto& s : series) {
        if (s.path == "os/data_cut_patients") {
          patients += s.value;
          cut = true;
        }
      }
    }
    state.SetIterationTime(analysing);
  }
  const double replicates = static_cast<double>(state.iterations() * kSmallReplicates);
  state.counters["simulate_us"] = 1e6 * simulate_seconds / replicates;
  state.counters["patients_at_cut"] = cut ? patients / replicates : std::numeric_limits<double>::quiet_NaN();
}
BENCHMARK_CAPTURE(BM_CalendarSmallReplicates, no_cut, std::string("no_cut"))
    ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_CalendarSmallReplicates, cut_events, std::string("cut"))
    ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK_CAPTURE(BM_CalendarSmallReplicates, cut_events_accrual, std::string("cut_accrual"))
    ->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);

}  // namespace
