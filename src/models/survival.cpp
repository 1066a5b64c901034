// survival: time to event under proportional hazards, with a choice of baseline hazard
// and a treatment effect that may start late (delayed effect).
//
//   H(t | x, arm) = exp(eta) * [H0(min(t, d)) + HR_arm * (H0(max(t, d)) - H0(d))],
//   eta = sum b (x - x0),  d = effect_delay,  S(t | x, arm) = exp(-H(t | x, arm))
//
// so every arm has the baseline hazard (times exp(eta)) before d and HR_arm times it from
// d on; d = 0 is ordinary proportional hazards. Baselines H0, for t >= 0 in trial time:
//   exponential   H0 = rate t
//   weibull       H0 = (t / scale)^shape, i.e. S0 = exp(-(t / scale)^shape)
//   gompertz      h0 = rate e^(shape t), H0 = rate / shape (e^(shape t) - 1), and rate t at
//                 shape 0 (flexsurv's parametrisation). With shape < 0, H0(inf) = rate / -shape
//                 is finite: a fraction (exp(-exp(eta) HR rate / -shape) for d = 0) never
//                 has the event.
//   loglogistic   H0 = log(1 + (t / scale)^shape), i.e. S0 = 1 / (1 + (t / scale)^shape).
//                 Arms and covariates act on the hazard, S = S0^(exp(eta) HR): proportional
//                 hazards on a log-logistic baseline, not the usual log-logistic accelerated
//                 failure time (or proportional odds) model.
//   piecewise_exponential
//                 hazard rate_k on [breaks_(k-1), breaks_k), breaks_0 = 0, up to 4 pieces:
//                 rate_1 alone, or breaks_1..breaks_(m-1) increasing and rate_1..rate_m.
//                 The spec has no list kind, hence numbered keys. H0 is piecewise linear.
//                 A rate of 0 is allowed (no events in that piece; in the last, none after).
// Each baseline takes only its own parameters (all optional in the schema; the
// constructor checks them, and spec/section_model.cpp reports its UserError at
// model.parameters).
//
// Inversion with one standard-exponential draw E shared by all arms: y = E exp(-eta),
// T0 = H0^-1(y) is the time under HR 1; T_arm = T0 if T0 <= d or HR_arm = 1, otherwise
//   T_arm = H0^-1(H0(d) + (y - H0(d)) / HR_arm),
// so a patient whose event comes before the delay has the same time under every arm.
// Times are infinite when H0 never reaches y (cure): censored at the end of follow-up.
// Potential outcomes are censored only at the end of follow-up; the observed outcome is
// also censored by exponential dropout, a trial process independent of the arm.

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "models/model.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kMaxPieces = 4;

enum class Baseline { kExponential, kWeibull, kGompertz, kLogLogistic, kPiecewise };

const std::vector<std::string> kBaselineNames = {"exponential", "weibull", "gompertz",
                                                 "loglogistic", "piecewise_exponential"};

std::string piece_key(const char* prefix, int k) { return prefix + std::to_string(k); }

std::string number_text(double v) {
  std::ostringstream text;
  text << v;
  return text.str();
}

/// The baseline cumulative hazard H0 and its inverse, in closed form.
class BaselineHazard {
 public:
  /// Validates the baseline's parameters; every problem found goes into `problems`.
  BaselineHazard(const ParamValues& v, std::vector<std::string>& problems) {
    const std::string& name = v.choices.at("baseline");
    kind_ = static_cast<Baseline>(std::find(kBaselineNames.begin(), kBaselineNames.end(), name) -
                                  kBaselineNames.begin());
    // Optional numbers default to NaN, "not given": values read from a spec are finite.
    const auto given = [&](const std::string& key) { return !std::isnan(v.number(key)); };
    std::vector<std::string> used;
    const auto need = [&](const std::string& key) {
      used.push_back(key);
      if (!given(key)) problems.push_back("baseline '" + name + "' needs '" + key + "'");
      return v.number(key);
    };
    const auto need_positive = [&](const std::string& key) {
      const double x = need(key);
      if (given(key) && !(x > 0.0)) {
        problems.push_back("baseline '" + name + "' needs " + key + " > 0, got " + number_text(x));
      }
      return x;
    };
    switch (kind_) {
      case Baseline::kExponential:
        rate_ = need("rate");
        break;
      case Baseline::kWeibull:
      case Baseline::kLogLogistic:
        shape_ = need_positive("shape");
        scale_ = need("scale");
        break;
      case Baseline::kGompertz:
        rate_ = need("rate");
        shape_ = need("shape");
        break;
      case Baseline::kPiecewise:
        read_pieces(v, given, used, problems);
        break;
    }
    for (const auto& key : all_baseline_keys()) {
      if (given(key) && std::find(used.begin(), used.end(), key) == used.end()) {
        problems.push_back("'" + key + "' is not a parameter of baseline '" + name + "'");
      }
    }
  }

  static std::vector<std::string> all_baseline_keys() {
    std::vector<std::string> keys = {"rate", "shape", "scale"};
    for (int k = 1; k < kMaxPieces; ++k) keys.push_back(piece_key("breaks_", k));
    for (int k = 1; k <= kMaxPieces; ++k) keys.push_back(piece_key("rate_", k));
    return keys;
  }

  double cumulative(double t) const {
    switch (kind_) {
      case Baseline::kExponential:
        return rate_ * t;
      case Baseline::kWeibull:
        return std::pow(t / scale_, shape_);
      case Baseline::kGompertz:
        return shape_ == 0.0 ? rate_ * t : rate_ * std::expm1(shape_ * t) / shape_;
      case Baseline::kLogLogistic:
        return std::log1p(std::pow(t / scale_, shape_));
      case Baseline::kPiecewise: {
        std::size_t j = 0;
        while (j + 1 < starts_.size() && t >= starts_[j + 1]) ++j;
        return start_cumulative_[j] + rates_[j] * (t - starts_[j]);
      }
    }
    return 0.0;
  }

  /// The t with H0(t) = y (y >= 0), or infinity when H0 never reaches y.
  double inverse(double y) const {
    switch (kind_) {
      case Baseline::kExponential:
        return y / rate_;
      case Baseline::kWeibull:
        return scale_ * std::pow(y, 1.0 / shape_);
      case Baseline::kGompertz: {
        if (shape_ == 0.0) return y / rate_;
        const double z = shape_ * y / rate_;
        return z <= -1.0 ? kInf : std::log1p(z) / shape_;
      }
      case Baseline::kLogLogistic:
        return scale_ * std::pow(std::expm1(y), 1.0 / shape_);
      case Baseline::kPiecewise:
        for (std::size_t j = 0;; ++j) {
          // y >= start_cumulative_[j] here, so a zero rate is only reached in the last piece.
          if (j + 1 == starts_.size() || y < start_cumulative_[j + 1]) {
            return rates_[j] > 0.0 ? starts_[j] + (y - start_cumulative_[j]) / rates_[j] : kInf;
          }
        }
    }
    return 0.0;
  }

 private:
  template <class Given>
  void read_pieces(const ParamValues& v, const Given& given, std::vector<std::string>& used,
                   std::vector<std::string>& problems) {
    const std::string where = "baseline 'piecewise_exponential': ";
    for (int k = 1; k < kMaxPieces; ++k) used.push_back(piece_key("breaks_", k));
    for (int k = 1; k <= kMaxPieces; ++k) used.push_back(piece_key("rate_", k));
    // Pieces: breaks_1..breaks_(pieces-1) given without gaps, then rate_1..rate_pieces.
    int pieces = 1;
    while (pieces < kMaxPieces && given(piece_key("breaks_", pieces))) ++pieces;
    for (int k = pieces + 1; k < kMaxPieces; ++k) {
      if (given(piece_key("breaks_", k))) {
        problems.push_back(where + piece_key("breaks_", k) + " is given without " +
                           piece_key("breaks_", pieces) +
                           "; breaks are numbered from 1 without gaps");
      }
    }
    starts_ = {0.0};
    for (int k = 1; k < pieces; ++k) {
      const double b = v.number(piece_key("breaks_", k));
      if (k > 1 && !(b > starts_.back())) {
        problems.push_back(where + "breaks must increase, but " + piece_key("breaks_", k) + " = " +
                           number_text(b) + " is not > " + piece_key("breaks_", k - 1) + " = " +
                           number_text(starts_.back()));
      }
      starts_.push_back(b);
    }
    const std::string count = std::to_string(pieces) + (pieces == 1 ? " piece" : " pieces");
    bool any_positive = false;
    for (int k = 1; k <= kMaxPieces; ++k) {
      const std::string key = piece_key("rate_", k);
      if (k <= pieces) {
        if (!given(key)) {
          problems.push_back(where + count + " need" + (pieces == 1 ? "s " : " ") +
                             (pieces == 1 ? "rate_1" : "rate_1..rate_" + std::to_string(pieces)) +
                             ", but " + key + " is not given");
        }
        rates_.push_back(v.number(key));
        any_positive = any_positive || rates_.back() > 0.0;
      } else if (given(key)) {
        problems.push_back(where + key + " is given, but piece " + std::to_string(k) +
                           " would start at " + piece_key("breaks_", k - 1) +
                           ", which is not given (" + count + ")");
      }
    }
    if (!any_positive && problems.empty()) {
      problems.push_back(where + "every rate is 0, so no patient could have the event");
    }
    start_cumulative_ = {0.0};
    for (std::size_t j = 0; j + 1 < starts_.size(); ++j) {
      start_cumulative_.push_back(start_cumulative_[j] + rates_[j] * (starts_[j + 1] - starts_[j]));
    }
  }

  Baseline kind_ = Baseline::kExponential;
  double rate_ = 0.0;
  double shape_ = 0.0;
  double scale_ = 0.0;
  std::vector<double> starts_;            ///< piecewise: start of each piece, first 0
  std::vector<double> rates_;             ///< piecewise: hazard in each piece
  std::vector<double> start_cumulative_;  ///< piecewise: H0 at each piece's start
};

BaselineHazard checked_baseline(const ParamValues& v) {
  std::vector<std::string> problems;
  BaselineHazard baseline(v, problems);
  if (!problems.empty()) {
    std::string message = problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
    throw UserError(message);
  }
  return baseline;
}

class Survival final : public Model {
 public:
  Survival(const ParamValues& values, const TrialContext& trial)
      : baseline_(checked_baseline(values)),
        delay_(values.number("effect_delay")),
        cumulative_at_delay_(baseline_.cumulative(delay_)),
        hazard_ratio_(values.arm_values("hazard_ratio")),
        dropout_rate_(values.number("dropout_rate")),
        follow_up_(trial.follow_up),
        effects_(values.effects("log_hazard_ratios")) {}

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    rng::Stream event_stream({key.seed, key.replicate, key.patient, rng::Purpose::kEventTime, 0});
    const double unit_exponential = -std::log(event_stream.uniform());
    const double y = unit_exponential * std::exp(-linear_predictor(effects_, covariates));
    const double time_without_effect = baseline_.inverse(y);

    double assigned_time = 0.0;
    for (std::size_t arm = 0; arm < hazard_ratio_.size(); ++arm) {
      const double hr = hazard_ratio_[arm];
      // max(): rounding may put T0 just past d while y is just below H0(d).
      const double time = time_without_effect <= delay_ || hr == 1.0
                              ? time_without_effect
                              : baseline_.inverse(cumulative_at_delay_ +
                                                  std::max(y - cumulative_at_delay_, 0.0) / hr);
      potential[arm] = time <= follow_up_ ? ArmOutcome{time, 1} : ArmOutcome{follow_up_, 0};
      if (arm == assigned_arm) assigned_time = time;
    }

    const double censor_time = std::min(follow_up_, dropout_time(key));
    observed[0] =
        assigned_time <= censor_time ? ArmOutcome{assigned_time, 1} : ArmOutcome{censor_time, 0};
  }

  double dropout_time(const PatientKey& key) const override {
    if (!(dropout_rate_ > 0.0)) return std::numeric_limits<double>::infinity();
    rng::Stream dropout_stream({key.seed, key.replicate, key.patient, rng::Purpose::kDropout, 0});
    return -std::log(dropout_stream.uniform()) / dropout_rate_;
  }

 private:
  BaselineHazard baseline_;
  double delay_;
  double cumulative_at_delay_;
  std::vector<double> hazard_ratio_;
  double dropout_rate_;
  double follow_up_;
  std::vector<CovariateEffect> effects_;
};

ModelFactory survival_factory() {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  ModelFactory f;
  f.name = "survival";
  f.description =
      "time to event, proportional hazards on an exponential, Weibull, Gompertz, log-logistic or "
      "piecewise exponential baseline, with an optionally delayed arm effect";
  f.equations =
      "predictor   eta = sum_j b_j (x_j - x0_j)\n"
      "            b_j, x0_j: per_unit, reference of log_hazard_ratios\n"
      "cumulative  H(t | x, a) = exp(eta) [H0(min(t, d)) + HR_a (H0(max(t, d)) - H0(d))]\n"
      "            S = exp(-H),  d = effect_delay,  HR_a = hazard_ratio_a\n"
      "baseline    exponential H0 = rate t;  weibull H0 = (t / scale)^shape\n"
      "            gompertz H0 = rate / shape (exp(shape t) - 1), rate t at shape 0\n"
      "            loglogistic H0 = log(1 + (t / scale)^shape)\n"
      "            piecewise_exponential: hazard rate_k on [breaks_(k-1), breaks_k), breaks_0 = 0\n"
      "event time  y = E exp(-eta), E = -log U, one U for every arm;  T0 = H0^-1(y)\n"
      "            T_a = T0 if T0 <= d or HR_a = 1, else H0^-1(H0(d) + (y - H0(d)) / HR_a)\n"
      "            (infinite when H0 never reaches y)\n"
      "dropout     D = -log V / dropout_rate  (none when dropout_rate = 0)\n"
      "censoring   potential: T_a at follow_up;  observed: T_A at min(follow_up, D), A assigned\n";
  f.schema = {
      {"baseline", ParamKind::kChoice, true, 0.0, -kInf, kInf, false,
       "the baseline hazard: exponential (rate), weibull (shape, scale), gompertz (rate, shape), "
       "loglogistic (shape, scale) or piecewise_exponential (rate_1..rate_4, breaks_1..breaks_3)",
       kBaselineNames},
      {"rate", ParamKind::kNumber, false, nan, 0.0, kInf, true,
       "exponential hazard, or Gompertz hazard at time 0 (> 0, per time unit)"},
      {"shape", ParamKind::kNumber, false, nan, -kInf, kInf, false,
       "Weibull or log-logistic shape (> 0), or Gompertz shape a in h0 = rate e^(a t) (any "
       "number, per time unit; < 0: a fraction never has the event)"},
      {"scale", ParamKind::kNumber, false, nan, 0.0, kInf, true,
       "Weibull or log-logistic scale (> 0, in the trial's time unit)"},
  };
  for (int k = 1; k < kMaxPieces; ++k) {
    f.schema.push_back({piece_key("breaks_", k), ParamKind::kNumber, false, nan, 0.0, kInf, true,
                        "piecewise exponential: start of piece " + std::to_string(k + 1) +
                            " (> 0, in the trial's time unit; increasing, numbered from 1)"});
  }
  for (int k = 1; k <= kMaxPieces; ++k) {
    f.schema.push_back(
        {piece_key("rate_", k), ParamKind::kNumber, false, nan, 0.0, kInf, false,
         "piecewise exponential: hazard in piece " + std::to_string(k) + " (>= 0, per time unit)"});
  }
  f.schema.insert(
      f.schema.end(),
      {
          {"hazard_ratio", ParamKind::kPerArm, false, 1.0, 0.0, kInf, true,
           "hazard ratio of each arm against the baseline hazard, from effect_delay on (> 0; arms "
           "not named: 1)"},
          {"effect_delay", ParamKind::kNumber, false, 0.0, 0.0, kInf, false,
           "time from which the arms' hazard ratios apply (>= 0, in the trial's time unit; before "
           "it every arm has the baseline hazard)"},
          {"log_hazard_ratios", ParamKind::kCovariateEffects, false, 0.0, -kInf, kInf, false,
           "log hazard ratio per unit of each covariate"},
          {"dropout_rate", ParamKind::kNumber, false, 0.0, 0.0, kInf, false,
           "exponential dropout rate (>= 0, per time unit); censors observed outcomes only"},
      });
  f.outputs = {{"time_to_event", OutputType::kTimeToEvent, "time to the event, censored"}};
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<Survival>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::survival_factory())
