// chronic_discontinuation: change from baseline in a chronic-disease score at the end of
// follow-up T, with two intercurrent events of ICH E9(R1): discontinuation of the assigned
// treatment (after which its effect wanes) and rescue medication (taken by some of those
// who discontinue). Each patient is simulated with and without each event, from the same
// draws, so the truth of every strategy is known.
//
//   course     Y(t) = (intercept + sum b (x - x0)) t / T + A_a(t) + residual_sd Z
//   on arm a   A_a(t) = arm_slope_a t while on treatment; after discontinuation at D the
//              accrued effect decays: A_a(t) = arm_slope_a D exp(-waning_rate (t - D))
//   D_a        = E / (discontinuation_rate_a exp(sum c (x - x0)))   (E ~ Exp(1), one per patient)
//   rescue     a patient who discontinues before T takes rescue at D with probability
//              rescue_probability (one uniform per patient), adding rescue_effect to Y(T)
//
// Discontinuation depends on the baseline covariates and the arm only, so the outcomes of
// completers given the covariates are those of everyone: missing at random given them.
// Outputs: change (treatment policy: Y(T) as it happens), change_hypothetical (had the
// patient stayed on treatment: no waning, no rescue), change_no_rescue (had no one taken
// rescue), change_on_treatment (while on treatment: Y at min(D, T), without rescue),
// change_composite (Y(T) for a patient who completed on treatment, composite_value for one
// who discontinued), and the events' times (discontinuation, rescue: time to event,
// censored at T). The hypothetical strategies' observed values are what the trial
// records, Y(T), since every patient is followed to T.

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "models/model.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

enum Output : std::size_t {
  kChange, kHypothetical, kNoRescue, kOnTreatment, kComposite, kDiscontinuation, kRescue, kOutputs
};

class ChronicDiscontinuation final : public Model {
 public:
  ChronicDiscontinuation(const ParamValues& v, const TrialContext& trial)
      : intercept_(v.number("intercept")),
        residual_sd_(v.number("residual_sd")),
        waning_rate_(v.number("waning_rate")),
        rescue_probability_(v.number("rescue_probability")),
        rescue_effect_(v.number("rescue_effect")),
        composite_value_(v.number("composite_value")),
        end_(trial.follow_up),
        effects_(v.effects("covariate_effects")),
        discontinuation_effects_(v.effects("discontinuation_log_hazard")),
        arm_slope_(v.arm_values("arm_slope")),
        discontinuation_rate_(v.arm_values("discontinuation_rate")) {
    if (!(end_ > 0.0)) throw UserError("chronic_discontinuation needs trial.follow_up > 0: the time of the final visit");
  }

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    rng::Stream noise({key.seed, key.replicate, key.patient, rng::Purpose::kOutcomeNoise, 0});
    rng::Stream events({key.seed, key.replicate, key.patient, rng::Purpose::kEventTime, 0});
    const double z = noise.normal();
    const double exponential = -std::log(events.uniform());
    const bool rescue_if_discontinued = events.uniform() < rescue_probability_;
    const double course_rate = (intercept_ + linear_predictor(effects_, covariates)) / end_;
    const double hazard_factor = std::exp(linear_predictor(discontinuation_effects_, covariates));
    const double noise_term = residual_sd_ * z;
    const std::size_t arms = arm_slope_.size();
    for (std::size_t a = 0; a < arms; ++a) {
      const double rate = discontinuation_rate_[a] * hazard_factor;
      const double d = rate > 0.0 ? exponential / rate : kInf;
      const bool discontinues = d < end_;
      const bool rescued = discontinues && rescue_if_discontinued;
      const double slope = arm_slope_[a];
      const double full = course_rate * end_ + slope * end_ + noise_term;
      const double waned = discontinues ? course_rate * end_ + slope * d * std::exp(-waning_rate_ * (end_ - d)) + noise_term
                                        : full;
      const auto at = [&](Output o) -> ArmOutcome& { return potential[o * arms + a]; };
      at(kChange) = {waned + (rescued ? rescue_effect_ : 0.0), 1};
      at(kHypothetical) = {full, 1};
      at(kNoRescue) = {waned, 1};
      at(kOnTreatment) = {discontinues ? course_rate * d + slope * d + noise_term : full, 1};
      at(kComposite) = {discontinues ? composite_value_ : full, 1};
      at(kDiscontinuation) = discontinues ? ArmOutcome{d, 1} : ArmOutcome{end_, 0};
      at(kRescue) = rescued ? ArmOutcome{d, 1} : ArmOutcome{end_, 0};
    }
    for (std::size_t o = 0; o < kOutputs; ++o) observed[o] = potential[o * arms + assigned_arm];
    // What the trial records of the hypothetical variables is the outcome it sees.
    observed[kHypothetical] = observed[kChange];
    observed[kNoRescue] = observed[kChange];
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  double intercept_, residual_sd_, waning_rate_, rescue_probability_, rescue_effect_, composite_value_, end_;
  std::vector<CovariateEffect> effects_, discontinuation_effects_;
  std::vector<double> arm_slope_, discontinuation_rate_;
};

ModelFactory chronic_discontinuation_factory() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ModelFactory f;
  f.name = "chronic_discontinuation";
  f.description = "change in a chronic-disease score with treatment discontinuation (the effect then wanes) "
                  "and rescue medication, each patient simulated with and without each";
  f.equations =
      "course      Y(t) = (intercept + sum_j b_j (x_j - x0_j)) t / T + A_a(t) + residual_sd Z\n"
      "            T = follow_up (the final visit), b, x0: covariate_effects\n"
      "effect      A_a(t) = arm_slope_a t on treatment;\n"
      "            after discontinuation at D: arm_slope_a D exp(-waning_rate (t - D))\n"
      "stopping    D_a = E / (discontinuation_rate_a exp(sum_j c_j (x_j - x0_j)))\n"
      "            c, x0: discontinuation_log_hazard\n"
      "rescue      taken at D < T when V < rescue_probability: Y(T) + rescue_effect\n"
      "draws       Z ~ N(0, 1), E ~ Exp(1), V ~ U(0, 1), one each for every arm\n"
      "outputs     change = Y(T) (treatment policy); change_hypothetical: never stopping;\n"
      "            change_no_rescue: no rescue; change_on_treatment: Y(min(D, T)), no rescue;\n"
      "            change_composite: Y(T) if D >= T, else composite_value\n";
  f.schema = {
      {"intercept", ParamKind::kNumber, true, 0.0, -inf, inf, false,
       "expected change by the final visit on control at the covariates' reference values"},
      {"covariate_effects", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "change by the final visit per unit of each covariate"},
      {"arm_slope", ParamKind::kPerArm, false, 0.0, -inf, inf, false,
       "effect of each arm per time unit on treatment (arms not named: 0)"},
      {"residual_sd", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
       "standard deviation of the patient's normal deviation, the same at every time (>= 0)"},
      {"discontinuation_rate", ParamKind::kPerArm, false, 0.0, 0.0, inf, false,
       "hazard of stopping each arm's treatment (>= 0, per time unit; arms not named: 0)"},
      {"discontinuation_log_hazard", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "log hazard ratio of discontinuation per unit of each covariate"},
      {"waning_rate", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
       "rate (per time unit) at which the accrued effect decays after discontinuation (>= 0; 0: it stays)"},
      {"rescue_probability", ParamKind::kNumber, false, 0.0, 0.0, 1.0, false,
       "probability that a patient who discontinues takes rescue medication [0, 1]"},
      {"rescue_effect", ParamKind::kNumber, false, 0.0, -inf, inf, false,
       "change in the final score from rescue medication"},
      {"composite_value", ParamKind::kNumber, false, 0.0, -inf, inf, false,
       "the value the composite strategy gives a patient who discontinued (e.g. no improvement: 0)"},
  };
  f.intercurrent_events = {
      {"discontinuation", "patients stop the assigned treatment, whose effect then wanes"},
      {"rescue", "some patients who stop take rescue medication"},
  };
  const auto strategy = [](const char* name, const char* description, const char* event, const char* s) {
    return OutputInfo{.name = name, .type = OutputType::kContinuous, .description = description,
                      .strategy_of = "change", .event = event, .strategy = s};
  };
  f.outputs = {
      {"change", OutputType::kContinuous, "change from baseline at the final visit, whatever happened"},
      strategy("change_hypothetical", "change had the patient stayed on the assigned treatment", "discontinuation",
               "hypothetical"),
      strategy("change_no_rescue", "change had no patient taken rescue medication", "rescue", "hypothetical"),
      strategy("change_on_treatment", "change at the last time on the assigned treatment", "discontinuation",
               "while_on_treatment"),
      strategy("change_composite", "change, or composite_value for a patient who discontinued", "discontinuation",
               "composite"),
      {.name = "discontinuation", .type = OutputType::kTimeToEvent, .description = "time to discontinuation",
       .records_event = "discontinuation"},
      {.name = "rescue", .type = OutputType::kTimeToEvent, .description = "time to rescue medication",
       .records_event = "rescue"},
  };
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<ChronicDiscontinuation>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::chronic_discontinuation_factory())
