// chronic_mortality: change from baseline in a chronic-disease score at the final visit
// T, with death as a terminal intercurrent event (ICH E9(R1)): after death the score does
// not exist, so an endpoint on it names how its estimand handles death. Each patient is
// simulated with and without death under every arm, from the same draws, so the truth of
// every strategy is known, the principal stratum's included.
//
//   course     Y_a(t) = (intercept + sum b (x - x0) + E_a(x)) t / T + residual_sd Z
//   effect     E_a(x) = arm_effect_a (1 + sum g (x - x0))      (g: effect_modification)
//   death      D_a = U / (death_rate_a exp(sum c (x - x0)))     (U ~ Exp(1), one per patient)
//
// Death depends on the covariates and the arm only, and U is drawn apart from Z, so given
// the covariates who dies is independent of the score (principal ignorability); an arm
// with a lower death_rate than another never dies earlier than it (monotonicity).
// Outputs: change_while_alive (the score at min(D, T)), change_hypothetical (had the
// patient not died: Y(T)), change_composite (death_value for a patient who died before T),
// change_survivors (principal stratum: Y(T), the estimand being about the patients who
// would be alive at T under both arms compared), death (time to death, censored at T).
// What a trial records of the hypothetical and principal-stratum variables is the last
// score measured, Y(min(D, T)). `change` itself is the same last score; the spec lets no
// endpoint take it under the treatment-policy strategy.

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "models/model.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

enum Output : std::size_t { kChange, kWhileAlive, kHypothetical, kComposite, kSurvivors, kDeath, kOutputs };

class ChronicMortality final : public Model {
 public:
  ChronicMortality(const ParamValues& v, const TrialContext& trial)
      : intercept_(v.number("intercept")),
        residual_sd_(v.number("residual_sd")),
        death_value_(v.number("death_value")),
        end_(trial.follow_up),
        effects_(v.effects("covariate_effects")),
        modification_(v.effects("effect_modification")),
        death_effects_(v.effects("death_log_hazard")),
        arm_effect_(v.arm_values("arm_effect")),
        death_rate_(v.arm_values("death_rate")) {
    if (!(end_ > 0.0)) throw UserError("chronic_mortality needs trial.follow_up > 0: the time of the final visit");
  }

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    rng::Stream noise({key.seed, key.replicate, key.patient, rng::Purpose::kOutcomeNoise, 0});
    rng::Stream events({key.seed, key.replicate, key.patient, rng::Purpose::kEventTime, 0});
    const double noise_term = residual_sd_ * noise.normal();
    const double exponential = -std::log(events.uniform());
    const double course = intercept_ + linear_predictor(effects_, covariates);
    const double modification = 1.0 + linear_predictor(modification_, covariates);
    const double hazard_factor = std::exp(linear_predictor(death_effects_, covariates));
    const std::size_t arms = arm_effect_.size();
    for (std::size_t a = 0; a < arms; ++a) {
      const double rate = death_rate_[a] * hazard_factor;
      const double death = rate > 0.0 ? exponential / rate : kInf;
      const bool dies = death < end_;
      const double slope = (course + arm_effect_[a] * modification) / end_;
      const double at_end = slope * end_ + noise_term;
      const double last = dies ? slope * death + noise_term : at_end;
      const auto at = [&](Output o) -> ArmOutcome& { return potential[o * arms + a]; };
      at(kChange) = {last, 1};
      at(kWhileAlive) = {last, 1};
      at(kHypothetical) = {at_end, 1};
      at(kComposite) = {dies ? death_value_ : at_end, 1};
      at(kSurvivors) = {at_end, 1};
      at(kDeath) = dies ? ArmOutcome{death, 1} : ArmOutcome{end_, 0};
    }
    for (std::size_t o = 0; o < kOutputs; ++o) observed[o] = potential[o * arms + assigned_arm];
    // What the trial records of a variable it cannot see after death: the last score.
    observed[kHypothetical] = observed[kChange];
    observed[kSurvivors] = observed[kChange];
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  double intercept_, residual_sd_, death_value_, end_;
  std::vector<CovariateEffect> effects_, modification_, death_effects_;
  std::vector<double> arm_effect_, death_rate_;
};

ModelFactory chronic_mortality_factory() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ModelFactory f;
  f.name = "chronic_mortality";
  f.description = "change in a chronic-disease score with death as a terminal event, each patient simulated "
                  "with and without it under every arm";
  f.equations =
      "course      Y_a(t) = (intercept + sum_j b_j (x_j - x0_j) + E_a(x)) t / T + residual_sd Z\n"
      "            T = follow_up (the final visit), b, x0: covariate_effects\n"
      "effect      E_a(x) = arm_effect_a (1 + sum_j g_j (x_j - x0_j)), g: effect_modification\n"
      "death       D_a = U / (death_rate_a exp(sum_j c_j (x_j - x0_j))), c: death_log_hazard\n"
      "draws       Z ~ N(0, 1), U ~ Exp(1), one each for every arm\n"
      "outputs     change_while_alive = Y(min(D, T)); change_hypothetical = Y(T);\n"
      "            change_composite = death_value if D < T, else Y(T);\n"
      "            change_survivors = Y(T), over patients alive at T under both arms;\n"
      "            death = min(D, T), event if D < T\n";
  f.schema = {
      {"intercept", ParamKind::kNumber, true, 0.0, -inf, inf, false,
       "expected change by the final visit on control at the covariates' reference values"},
      {"covariate_effects", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "change by the final visit per unit of each covariate"},
      {"arm_effect", ParamKind::kPerArm, false, 0.0, -inf, inf, false,
       "effect of each arm on the change by the final visit at the reference values (arms not named: 0)"},
      {"effect_modification", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "relative change of the arm effect per unit of each covariate"},
      {"residual_sd", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
       "standard deviation of the patient's normal deviation, the same at every time (>= 0)"},
      {"death_rate", ParamKind::kPerArm, false, 0.0, 0.0, inf, false,
       "hazard of death on each arm (>= 0, per time unit; arms not named: 0)"},
      {"death_log_hazard", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "log hazard ratio of death per unit of each covariate"},
      {"death_value", ParamKind::kNumber, false, 0.0, -inf, inf, false,
       "the value the composite strategy gives a patient who died before the final visit (the worst)"},
  };
  f.intercurrent_events = {
      {.name = "death", .description = "patients die before the final visit; the score does not exist after",
       .terminal = true},
  };
  const auto strategy = [](const char* name, const char* description, const char* s) {
    return OutputInfo{.name = name, .type = OutputType::kContinuous, .description = description,
                      .strategy_of = "change", .event = "death", .strategy = s};
  };
  f.outputs = {
      {"change", OutputType::kContinuous, "change from baseline: the last score measured, at the final visit or at death"},
      strategy("change_while_alive", "the score at the final visit, or at death for a patient who died before it",
               "while_alive"),
      strategy("change_hypothetical", "the score at the final visit had the patient not died", "hypothetical"),
      strategy("change_composite", "the score at the final visit, or death_value for a patient who died", "composite"),
      strategy("change_survivors",
               "the score at the final visit, in the patients who would be alive at it under both arms compared",
               "principal_stratum"),
      {.name = "death", .type = OutputType::kTimeToEvent, .description = "time to death",
       .records_event = "death"},
  };
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<ChronicMortality>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::chronic_mortality_factory())
