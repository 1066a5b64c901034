// Randomization and block simulation: exact block balance, and results that do not
// depend on how patients are split into blocks or on the number of threads.
#include <gtest/gtest.h>

#include <tbb/task_arena.h>

#include <map>

#include "sim/randomization.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

const char* kSpec = R"(schema_version: 1
trial: {name: s, seed: 11, patients: 5003, follow_up: 24, randomization_block: 8}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
    ecog: {distribution: categorical, levels: ["0", "1"], probabilities: [0.6, 0.4]}
  criteria: ["age >= 40"]
arms:
  - {name: placebo, control: true, ratio: 2}
  - {name: low, ratio: 1}
  - {name: high, ratio: 1}
model:
  name: weibull_ph
  parameters:
    shape: 1.2
    scale: 12
    hazard_ratio: {low: 0.8, high: 0.6}
    log_hazard_ratios: {age: {per_unit: 0.02, reference: 60}, ecog: 0.5}
    dropout_rate: 0.02
endpoints: [{name: os}]
)";

TEST(Randomization, EveryFullBlockHoldsTheExactRatio) {
  const auto spec = silico::spec::parse_spec(kSpec, "s.yaml");
  for (std::uint64_t block = 0; block < 200; ++block) {
    const auto sequence = silico::sim::randomization_block(spec.arms, 8, 11, 0, block);
    std::map<int, int> counts;
    for (int arm : sequence) ++counts[arm];
    ASSERT_EQ(counts[0], 4);
    ASSERT_EQ(counts[1], 2);
    ASSERT_EQ(counts[2], 2);
  }
}

TEST(Randomization, BlocksAreShuffledDifferently) {
  const auto spec = silico::spec::parse_spec(kSpec, "s.yaml");
  std::map<std::vector<std::int32_t>, int> seen;
  for (std::uint64_t block = 0; block < 400; ++block) {
    ++seen[silico::sim::randomization_block(spec.arms, 8, 11, 0, block)];
  }
  // 8!/(4!2!2!) = 420 equally likely orders: 400 blocks must show many distinct ones
  // (expected about 262); a broken shuffle would give one or a few.
  EXPECT_GT(seen.size(), 200u);
}

TEST(Randomization, AssignmentDoesNotDependOnTheSplit) {
  const auto spec = silico::spec::parse_spec(kSpec, "s.yaml");
  std::vector<std::int32_t> whole(1001), pieces(1001);
  silico::sim::assign_arms(spec.arms, 8, 11, 0, 0, whole);
  std::size_t first = 0;
  for (std::size_t size : {3u, 5u, 17u, 400u, 576u}) {
    silico::sim::assign_arms(spec.arms, 8, 11, 0, first,
                             std::span<std::int32_t>(pieces).subspan(first, size));
    first += size;
  }
  EXPECT_EQ(whole, pieces);
}

void expect_same(const silico::sim::Block& a, const silico::sim::Block& b, std::size_t offset) {
  for (std::size_t i = 0; i < b.count; ++i) {
    ASSERT_EQ(a.patient_id[offset + i], b.patient_id[i]);
    ASSERT_EQ(a.arm[offset + i], b.arm[i]);
    ASSERT_EQ(a.screening_attempts[offset + i], b.screening_attempts[i]);
    for (std::size_t j = 0; j < a.covariates.size(); ++j) {
      ASSERT_EQ(a.covariates[j][offset + i], b.covariates[j][i]);  // bitwise
    }
    const auto& ea = a.endpoints[0];
    const auto& eb = b.endpoints[0];
    ASSERT_EQ(ea.observed_value[offset + i], eb.observed_value[i]);
    ASSERT_EQ(ea.observed_event[offset + i], eb.observed_event[i]);
    for (std::size_t arm = 0; arm < 3; ++arm) {
      ASSERT_EQ(ea.potential_value[arm][offset + i], eb.potential_value[arm][i]);
      ASSERT_EQ(ea.potential_event[arm][offset + i], eb.potential_event[arm][i]);
    }
  }
}

TEST(Simulator, ResultsDoNotDependOnBlocksOrThreads) {
  const auto spec = silico::spec::parse_spec(kSpec, "s.yaml");
  const silico::sim::Simulator simulator(spec);
  silico::sim::Block whole;
  tbb::task_arena(1).execute([&] { simulator.simulate(0, 0, 5003, whole); });
  silico::sim::Block part;
  std::uint64_t first = 0;
  for (std::uint64_t size : {1u, 999u, 2003u, 2000u}) {
    tbb::task_arena(2).execute([&] { simulator.simulate(0, first, size, part); });
    expect_same(whole, part, first);
    first += size;
  }
}

TEST(Simulator, ObservedOutcomeIsTheAssignedArmsUnlessDroppedOut) {
  const auto spec = silico::spec::parse_spec(kSpec, "s.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, 5003, block);
  const auto& e = block.endpoints[0];
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < block.count; ++i) {
    const auto arm = static_cast<std::size_t>(block.arm[i]);
    ASSERT_LE(e.observed_value[i], e.potential_value[arm][i]);
    if (e.observed_value[i] == e.potential_value[arm][i]) {
      ASSERT_EQ(e.observed_event[i], e.potential_event[arm][i]);
    } else {
      ASSERT_EQ(e.observed_event[i], 0);
      ++dropped;
    }
    ASSERT_GE(block.covariates[0][i], 40.0);  // criterion age >= 40
  }
  EXPECT_GT(dropped, 0u);  // dropout rate 0.02/month over 24 months censors some
}

TEST(Simulator, ReplicatesAreIndependentTrials) {
  const auto spec = silico::spec::parse_spec(kSpec, "s.yaml");
  const silico::sim::Simulator simulator(spec);
  silico::sim::Block r0, r1;
  simulator.simulate(0, 0, 100, r0);
  simulator.simulate(1, 0, 100, r1);
  EXPECT_NE(r0.covariates[0], r1.covariates[0]);
  EXPECT_NE(r0.arm, r1.arm);
}

}  // namespace
