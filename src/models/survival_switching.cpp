// survival_switching: overall survival with progression, after which control patients may
// switch to an experimental treatment (treatment switching, an intercurrent event of ICH
// E9(R1)). Survival follows the rank-preserving structural failure time model (Robins and
// Tsiatis 1991) exactly, so RPSFT's assumptions hold by construction:
//
//   U        the patient's survival time on the control treatment throughout:
//            S_U(t | x) = exp(-(t / scale)^shape exp(eta)),  eta = sum b (x - x0)
//   P_U      progression on the same time scale: exponential, rate progression_rate
//            exp(eta); the patient progresses when P_U < U
//   on arm a the whole time is lived time_ratio_a times slower (RPSFT: U = T_off + e^psi T_on
//            with e^psi = 1 / time_ratio):  T_a = time_ratio_a U,  progression time_ratio_a P_U
//   switching  a control patient who progresses switches at P_U with probability
//            p(x) = logistic(logit(switch_probability) + sum c (x - x0)); then
//            T = P_U + switch_time_ratio (U - P_U)
//
// Outputs: os (treatment policy: the time with switching as it happens), os_hypothetical
// (the hypothetical strategy: the time had no one switched; observed, the trial records
// os), pfs (progression or death, unaffected by switching), switch (time to switching,
// event = 1 when the patient switched), and progression (time to progression, censored at
// death: when a control patient becomes able to switch). One exponential draw for U, one for P_U and one
// uniform for the switch decision are shared by every arm (common random numbers), so the
// arms' potential outcomes differ by the treatment alone. Potential outcomes are censored
// at the end of follow-up; trial.dropout censors the observed ones.

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "models/model.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

constexpr std::size_t kOs = 0, kOsHypothetical = 1, kPfs = 2, kSwitch = 3, kProgression = 4, kOutputs = 5;

class SurvivalSwitching final : public Model {
 public:
  SurvivalSwitching(const ParamValues& v, const TrialContext& trial)
      : shape_(v.number("shape")),
        scale_(v.number("scale")),
        progression_rate_(v.number("progression_rate")),
        // 0 and 1 give -inf and +inf: never and always, whatever the covariates.
        switch_logit_(std::log(v.number("switch_probability")) - std::log1p(-v.number("switch_probability"))),
        switch_time_ratio_(v.number("switch_time_ratio")),
        follow_up_(trial.follow_up),
        control_(trial.control_arm),
        effects_(v.effects("log_hazard_ratios")),
        switch_effects_(v.effects("switch_log_odds")),
        time_ratio_(v.arm_values("time_ratio")) {
    if (time_ratio_[control_] != 1.0) {
      throw UserError("time_ratio of the control arm '" + trial.arm_names[control_] +
                      "' must be 1: the time ratios are relative to the control treatment");
    }
  }

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    rng::Stream draws({key.seed, key.replicate, key.patient, rng::Purpose::kEventTime, 0});
    const double eta = linear_predictor(effects_, covariates);
    const double death_draw = -std::log(draws.uniform());
    const double progression_draw = -std::log(draws.uniform());
    const double switch_draw = draws.uniform();
    const double u = scale_ * std::pow(death_draw * std::exp(-eta), 1.0 / shape_);
    const double progression_u =
        progression_rate_ > 0.0 ? progression_draw / (progression_rate_ * std::exp(eta)) : kInf;
    const bool progresses = progression_u < u;
    const double switch_logit = switch_logit_ + linear_predictor(switch_effects_, covariates);
    const bool would_switch = progresses && switch_draw < 1.0 / (1.0 + std::exp(-switch_logit));

    const std::size_t arms = time_ratio_.size();
    for (std::size_t a = 0; a < arms; ++a) {
      const double ratio = time_ratio_[a];
      const bool switches = a == control_ && would_switch;
      const double os = switches ? progression_u + switch_time_ratio_ * (u - progression_u) : ratio * u;
      potential[kOs * arms + a] = censored(os);
      potential[kOsHypothetical * arms + a] = censored(ratio * u);
      potential[kPfs * arms + a] = censored(ratio * (progresses ? progression_u : u));
      potential[kSwitch * arms + a] = switches ? censored(progression_u) : at_most(os);
      potential[kProgression * arms + a] = progresses ? censored(ratio * progression_u) : at_most(os);
    }
    for (std::size_t o = 0; o < kOutputs; ++o) observed[o] = potential[o * arms + assigned_arm];
    // What the trial records of the hypothetical strategy's variable is the survival it sees.
    observed[kOsHypothetical] = observed[kOs];
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  ArmOutcome censored(double t) const { return t <= follow_up_ ? ArmOutcome{t, 1} : ArmOutcome{follow_up_, 0}; }
  /// No event, followed until `t` (death) or the end of follow-up.
  ArmOutcome at_most(double t) const { return {std::min(t, follow_up_), 0}; }

  double shape_, scale_, progression_rate_, switch_logit_, switch_time_ratio_, follow_up_;
  std::size_t control_;
  std::vector<CovariateEffect> effects_, switch_effects_;
  std::vector<double> time_ratio_;
};

ModelFactory survival_switching_factory() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ModelFactory f;
  f.name = "survival_switching";
  f.description = "overall survival with progression and switching of control patients to an experimental "
                  "treatment after progression (rank-preserving structural failure time model)";
  f.equations =
      "predictor   eta(x) = sum_j b_j (x_j - x0_j)   (b, x0: log_hazard_ratios)\n"
      "control     U = scale (E1 exp(-eta))^(1 / shape),  P_U = E2 / (progression_rate exp(eta))\n"
      "arm a       T_a = time_ratio_a U,  progression at time_ratio_a P_U when P_U < U\n"
      "switching   control patients who progress switch at P_U when V < p(x),\n"
      "            logit p(x) = logit switch_probability + sum_j c_j (x_j - x0_j)\n"
      "            (c, x0: switch_log_odds)\n"
      "            then T = P_U + switch_time_ratio (U - P_U)\n"
      "outputs     os: T (treatment policy); os_hypothetical: T without switching;\n"
      "            pfs: progression or death; switch: time to switching;\n"
      "            progression: time to progression, censored at death\n"
      "draws       E1, E2 ~ Exp(1), V ~ U(0, 1), one each for every arm\n"
      "censoring   potential: at follow_up;  observed: also trial.dropout\n";
  f.schema = {
      {"shape", ParamKind::kNumber, true, 0.0, 0.0, inf, true, "Weibull shape of U (> 0; 1 = exponential)"},
      {"scale", ParamKind::kNumber, true, 0.0, 0.0, inf, true,
       "Weibull scale of U (> 0, in the trial's time unit): survival on the control treatment"},
      {"log_hazard_ratios", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "log hazard ratio of death and progression per unit of each covariate"},
      {"time_ratio", ParamKind::kPerArm, false, 1.0, 0.0, inf, true,
       "each arm's acceleration factor: a patient on it lives time_ratio times as long (RPSFT's exp(-psi); "
       "the control arm's is 1; arms not named: 1)"},
      {"progression_rate", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
       "hazard of progression on the control treatment (>= 0, per time unit), times exp(eta)"},
      {"switch_probability", ParamKind::kNumber, true, 0.0, 0.0, 1.0, false,
       "probability that a control patient at the covariates' reference values switches at progression [0, 1]"},
      {"switch_log_odds", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "log odds ratio of switching per unit of each covariate"},
      {"switch_time_ratio", ParamKind::kNumber, true, 0.0, 0.0, inf, true,
       "time ratio of the treatment switchers receive (> 0); RPSFT assumes it is the experimental arm's"},
  };
  f.intercurrent_events = {{"switching", "control patients who progress switch to the experimental treatment"}};
  f.outputs = {
      {"os", OutputType::kTimeToEvent, "overall survival, with switching as it happens (treatment policy)"},
      {.name = "os_hypothetical", .type = OutputType::kTimeToEvent,
       .description = "overall survival had no patient switched", .strategy_of = "os", .event = "switching", .strategy = "hypothetical"},
      {"pfs", OutputType::kTimeToEvent, "progression-free survival (progression or death)"},
      {.name = "switch", .type = OutputType::kTimeToEvent,
       .description = "time to switching to the experimental treatment", .records_event = "switching"},
      {.name = "progression", .type = OutputType::kTimeToEvent,
       .description = "time to progression (censored at death or the end of follow-up), after which a control "
                      "patient may switch",
       .records_event = "progression"},
  };
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<SurvivalSwitching>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::survival_switching_factory())
