// Micro-benchmarks of the per-patient hot paths. Run with scripts/bench.sh.
#include <benchmark/benchmark.h>

#include <tbb/task_arena.h>

#include <string>

#include "cohort/cohort.hpp"
#include "rng/stream.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

const char* kSpec = R"(
schema_version: 1
trial: {name: bench, seed: 1, patients: 100000, follow_up: 24}
cohort:
  covariates:
    age: {distribution: truncated_normal, mean: 62, sd: 10, lower: 18, upper: 90}
    weight: {distribution: lognormal, meanlog: 4.3, sdlog: 0.2}
    ecog: {distribution: categorical, levels: ["0", "1", "2"], probabilities: [0.4, 0.45, 0.15]}
    female: {distribution: bernoulli, p: 0.45}
  correlation:
    variables: [age, weight, ecog]
    matrix: [[1, 0.2, 0.3], [0.2, 1, 0.0], [0.3, 0.0, 1]]
  criteria: ["age >= 18", "ecog <= 1"]
arms:
  - {name: control, control: true}
  - {name: treatment}
model:
  name: weibull_ph
  parameters:
    shape: 1.3
    scale: 18
    hazard_ratio: {treatment: 0.7}
    log_hazard_ratios: {age: {per_unit: 0.02, reference: 60}, ecog: 0.4}
    dropout_rate: 0.01
endpoints: [{name: os}]
)";

void BM_StreamUniform(benchmark::State& state) {
  silico::rng::Stream stream({1, 0, 0, silico::rng::Purpose::kTest, 0});
  for (auto _ : state) benchmark::DoNotOptimize(stream.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamUniform);

void BM_StreamNormal(benchmark::State& state) {
  silico::rng::Stream stream({1, 0, 0, silico::rng::Purpose::kTest, 0});
  for (auto _ : state) benchmark::DoNotOptimize(stream.normal());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamNormal);

void BM_CohortPatient(benchmark::State& state) {
  const auto spec = silico::spec::parse_spec(kSpec, "bench.yaml");
  const silico::cohort::CohortGenerator generator(spec.cohort);
  std::vector<double> values(generator.covariate_count());
  std::uint64_t patient = 0;
  for (auto _ : state) benchmark::DoNotOptimize(generator.generate(1, 0, patient++, values));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CohortPatient);

void BM_SimulateBlock(benchmark::State& state) {
  const auto spec = silico::spec::parse_spec(kSpec, "bench.yaml");
  const silico::sim::Simulator simulator(spec);
  silico::sim::Block block;
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) simulator.simulate(0, 0, n, block);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SimulateBlock)->Arg(65536)->Unit(benchmark::kMillisecond);

/// Each example config's model per patient, one thread: cohort, every arm's potential
/// outcomes and the recorded trajectories, as `silico run` simulates them (no I/O).
void BM_ConfigPatient(benchmark::State& state, const std::string& config) {
  const auto spec = silico::spec::load_spec(std::string(SILICO_SOURCE_DIR) + "/configs/" + config + ".yaml");
  const silico::sim::Simulator simulator(spec);
  silico::sim::Block block;
  const std::uint64_t n = std::min<std::uint64_t>(spec.trial.patients, 4096);
  tbb::task_arena one_thread(1);
  for (auto _ : state) one_thread.execute([&] { simulator.simulate(0, 0, n, block); });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK_CAPTURE(BM_ConfigPatient, example, std::string("example"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ConfigPatient, continuous, std::string("continuous"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ConfigPatient, external_control, std::string("external_control"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ConfigPatient, pk_dose_finding, std::string("pk_dose_finding"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ConfigPatient, oncology_tgi, std::string("oncology_tgi"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ConfigPatient, alzheimers_progression, std::string("alzheimers_progression"))->Unit(benchmark::kMillisecond);

}  // namespace
