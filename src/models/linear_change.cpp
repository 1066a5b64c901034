// linear_change: continuous change from baseline.
//
//   Y_arm = intercept + sum b (x - x0) + arm_effect[arm] + residual_sd * Z
//
// Z is one standard-normal draw shared by all arms, so each patient's potential
// outcomes differ by exactly the arm effects.

#include "models/model.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

class LinearChange final : public Model {
 public:
  LinearChange(const ParamValues& values, const TrialContext&)
      : intercept_(values.number("intercept")),
        residual_sd_(values.number("residual_sd")),
        effects_(values.effects("covariate_effects")),
        arm_effect_(values.arm_values("arm_effect")) {}

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    rng::Stream noise({key.seed, key.replicate, key.patient, rng::Purpose::kOutcomeNoise, 0});
    const double common = intercept_ + linear_predictor(effects_, covariates) +
                          residual_sd_ * noise.normal();
    for (std::size_t arm = 0; arm < arm_effect_.size(); ++arm) {
      potential[arm] = {common + arm_effect_[arm], 1};
    }
    observed[0] = potential[assigned_arm];
  }

 private:
  double intercept_;
  double residual_sd_;
  std::vector<CovariateEffect> effects_;
  std::vector<double> arm_effect_;
};

ModelFactory linear_change_factory() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ModelFactory f;
  f.name = "linear_change";
  f.description = "continuous change from baseline, linear in covariates with additive arm effects";
  f.equations =
      "change      Y_a = intercept + sum_j b_j (x_j - x0_j) + arm_effect_a + residual_sd Z\n"
      "            b_j, x0_j: per_unit, reference of covariate_effects\n"
      "            Z ~ N(0, 1), one per patient for every arm\n"
      "observed    Y_A under the assigned arm A (no dropout; follow_up not used)\n";
  f.schema = {
      {"intercept", ParamKind::kNumber, true, 0.0, -inf, inf, false,
       "expected change when every covariate is at its reference value, before arm effects"},
      {"covariate_effects", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "change per unit of each covariate"},
      {"arm_effect", ParamKind::kPerArm, false, 0.0, -inf, inf, false,
       "additive effect of each arm (arms not named: 0)"},
      {"residual_sd", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
       "standard deviation of the normal residual (>= 0)"},
  };
  f.outputs = {{"change", OutputType::kContinuous, "change from baseline"}};
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<LinearChange>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::linear_change_factory())
