// weibull_ph: time to event under a Weibull proportional-hazards model.
//
//   S(t | x, arm) = exp(-(t / scale)^shape * exp(eta)),  eta = sum b (x - x0) + log HR_arm
//
// Inversion with one standard-exponential draw E shared by all arms:
//   T_arm = scale * (E / exp(eta))^(1 / shape)
// Potential outcomes are censored only at the end of follow-up; the observed outcome is
// also censored by exponential dropout, a trial process independent of the arm.

#include <cmath>
#include <limits>

#include "models/model.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

class WeibullPh final : public Model {
 public:
  WeibullPh(const ParamValues& values, const TrialContext& trial)
      : shape_(values.number("shape")),
        scale_(values.number("scale")),
        dropout_rate_(values.number("dropout_rate")),
        follow_up_(trial.follow_up),
        effects_(values.effects("log_hazard_ratios")) {
    for (double hr : values.arm_values("hazard_ratio")) log_hazard_ratio_.push_back(std::log(hr));
  }

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    rng::Stream event_stream({key.seed, key.replicate, key.patient, rng::Purpose::kEventTime, 0});
    const double unit_exponential = -std::log(event_stream.uniform());
    const double eta_covariates = linear_predictor(effects_, covariates);

    double assigned_time = 0.0;
    for (std::size_t arm = 0; arm < log_hazard_ratio_.size(); ++arm) {
      const double eta = eta_covariates + log_hazard_ratio_[arm];
      const double time = scale_ * std::pow(unit_exponential * std::exp(-eta), 1.0 / shape_);
      potential[arm] = time <= follow_up_ ? ArmOutcome{time, 1} : ArmOutcome{follow_up_, 0};
      if (arm == assigned_arm) assigned_time = time;
    }

    const double censor_time = std::min(follow_up_, dropout_time(key));
    observed[0] = assigned_time <= censor_time ? ArmOutcome{assigned_time, 1}
                                               : ArmOutcome{censor_time, 0};
  }

  double dropout_time(const PatientKey& key) const override {
    if (!(dropout_rate_ > 0.0)) return std::numeric_limits<double>::infinity();
    rng::Stream dropout_stream({key.seed, key.replicate, key.patient, rng::Purpose::kDropout, 0});
    return -std::log(dropout_stream.uniform()) / dropout_rate_;
  }

 private:
  double shape_;
  double scale_;
  double dropout_rate_;
  double follow_up_;
  std::vector<CovariateEffect> effects_;
  std::vector<double> log_hazard_ratio_;
};

ModelFactory weibull_ph_factory() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ModelFactory f;
  f.name = "weibull_ph";
  f.description = "time to event, Weibull baseline hazard with proportional covariate and arm effects";
  f.equations =
      "predictor   eta_a(x) = sum_j b_j (x_j - x0_j) + log hazard_ratio_a\n"
      "            b_j, x0_j: per_unit, reference of log_hazard_ratios\n"
      "hazard      h(t | x, a) = (shape / scale) (t / scale)^(shape - 1) exp(eta_a(x))\n"
      "survival    S(t | x, a) = exp(-(t / scale)^shape exp(eta_a(x)))\n"
      "event time  T_a = scale (E exp(-eta_a(x)))^(1 / shape),  E = -log U, one U for every arm\n"
      "dropout     D = -log V / dropout_rate  (none when dropout_rate = 0)\n"
      "censoring   potential: T_a at follow_up;  observed: T_A at min(follow_up, D), A assigned\n";
  f.schema = {
      {"shape", ParamKind::kNumber, true, 0.0, 0.0, inf, true, "Weibull shape k (> 0; 1 = exponential)"},
      {"scale", ParamKind::kNumber, true, 0.0, 0.0, inf, true,
       "Weibull scale (> 0, in the trial's time unit); baseline median = scale * ln(2)^(1/shape)"},
      {"hazard_ratio", ParamKind::kPerArm, false, 1.0, 0.0, inf, true,
       "hazard ratio of each arm against the baseline hazard (> 0; arms not named: 1)"},
      {"log_hazard_ratios", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "log hazard ratio per unit of each covariate"},
      {"dropout_rate", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
       "exponential dropout rate (>= 0, per time unit); censors observed outcomes only"},
  };
  f.outputs = {{"time_to_event", OutputType::kTimeToEvent, "time to the event, censored"}};
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<WeibullPh>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::weibull_ph_factory())
