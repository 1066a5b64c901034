// A model that fails numerically for one patient fails that patient, not the trial: the
// patient is flagged, its outcomes are NaN, and every estimate and true effect leaves it
// out (STYLE.md: "A model that fails for one patient records that patient's failure").
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <stdexcept>

#include "models/model.hpp"
#include "sim/analysis.hpp"
#include "spec/spec.hpp"

namespace {

using namespace silico::models;

/// y = x + arm effect 2; throws for every fifth patient, as a solver that gives up would.
class FailsSometimes final : public Model {
 public:
  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    if (key.patient % 5 == 0) throw std::runtime_error("integration failed");
    potential[0] = {covariates[0], 1};
    potential[1] = {covariates[0] + 2.0, 1};
    observed[0] = potential[assigned];
  }
};

ModelFactory factory() {
  ModelFactory f;
  f.name = "test_fails_sometimes";
  f.description = "test model: fails for every fifth patient";
  f.outputs = {{"y", OutputType::kContinuous, "x plus the arm effect"}};
  f.create = [](const ParamValues&, const TrialContext&) -> std::unique_ptr<Model> {
    return std::make_unique<FailsSometimes>();
  };
  return f;
}

}  // namespace

SILICO_REGISTER_MODEL(factory())

namespace {

TEST(ModelFailures, AreFlaggedAndLeftOutOfTheAnalyses) {
  const auto spec = silico::spec::parse_spec(R"(schema_version: 1
trial: {name: f, seed: 1, patients: 1000, follow_up: 1}
cohort:
  covariates:
    x: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model: {name: test_fails_sometimes}
endpoints:
  - {name: y}
  - {name: high, output: y, responder: {above: 1}}
analysis:
  endpoints:
    y: {methods: [welch, ancova], covariates: [x]}
    high: {methods: [risk_difference]}
)", "f.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, 1000, block);
  for (std::size_t i = 0; i < block.count; ++i) {
    ASSERT_EQ(block.model_failed[i], i % 5 == 0 ? 1 : 0);
    if (i % 5 == 0) {
      ASSERT_TRUE(std::isnan(block.endpoints[0].observed_value[i]));
      ASSERT_TRUE(std::isnan(block.endpoints[1].observed_value[i]));  // responder: not a 0
    }
  }
  const silico::sim::TrialAnalysis analysis(spec);
  std::map<std::string, double> r;
  for (const auto& s : analysis.analyze(block)) r[s.path] = s.value;
  EXPECT_EQ(r.at("model_failures"), 200.0);
  EXPECT_EQ(r.at("y/arms/control/n") + r.at("y/arms/treatment/n"), 800.0);
  // Every estimate and truth is finite: the NaN outcomes never reach them.
  for (const char* path : {"y/welch/treatment/effect", "y/ancova/treatment/effect", "y/welch/treatment/true_effect",
                           "high/risk_difference/treatment/effect", "high/risk_difference/treatment/true_effect"}) {
    EXPECT_TRUE(std::isfinite(r.at(path))) << path;
  }
  // The mean individual difference over the 800 patients is exactly the arm effect, and
  // ANCOVA on x recovers it exactly (no residual noise in this model).
  EXPECT_NEAR(r.at("y/welch/treatment/true_effect"), 2.0, 1e-12);
  EXPECT_NEAR(r.at("y/ancova/treatment/effect"), 2.0, 1e-9);
}

}  // namespace
