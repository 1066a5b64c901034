// tgi: tumour growth inhibition with RECIST 1.1 response, progression-free and overall
// survival, in the trial's time unit.
//
// Tumour size (sum of target-lesion diameters, mm) under arm a with drug exposure E_a(t):
//   claret: dy/dt = KG y - KD E_a(t) exp(-LAMBDA t) y    (Claret et al., J Clin Oncol 2009)
//           y(t) = Y0 exp(KG t - KD integral_0^t E_a(s) exp(-LAMBDA s) ds)
// with E_a either a constant per arm (`exposure`, exposure_model: constant), giving
//           y(t) = Y0 exp(KG t - KD E_a (1 - exp(-LAMBDA t)) / LAMBDA),
// or the concentration of a one-compartment PK model driven by the arm's regimen
// (exposure_model: pk_1cmt; PK_CL, PK_V, PK_KA, PK_F population parameters, doses in mg,
// PK times in hours converted with hours_per_time_unit). The integral is exact: each dose
// contributes modes c e^{-m (s - t_d)}, and integral_{t_d}^{t} c e^{-m (s - t_d)} e^{-LAMBDA s} ds
// = c e^{-LAMBDA t_d} (1 - e^{-(m + LAMBDA)(t - t_d)}) / (m + LAMBDA).
//   stein:  y(t) = Y0 (exp(-KD E_a t) + exp(KG t) - 1)  (Stein et al., Clin Cancer Res 2008)
// Y0, KG, KD, LAMBDA are population parameters (covariates, log-normal random effects).
// Scans every scan_interval up to the end of follow-up measure y with residual error;
// RECIST 1.1 on the measured sums gives the best overall response (ORR = CR or PR) and the
// time of progression (the first scan showing PD).
// Death: Weibull hazard with proportional effects, including the tumour-size ratio
// y(ratio_time) / Y0 on the log-hazard (the Claret/Bruno link):
//   h(t) = (shape/scale) (t/scale)^(shape-1) exp(sum b (x - x0) + ratio_effect (y(t_r)/Y0 - 1))
// OS = death; PFS = min(progression, death). Potential outcomes are censored at the end of
// follow-up only; observed outcomes also by exponential dropout. One unit exponential
// (death) and the scan residuals are shared by all arms (common random numbers).
// Recorded tumour sizes (observations: tumour_size) are measured the same way: the k-th
// requested time takes the k-th pair of residual draws, so baseline and the scans as the
// schedule record exactly the sums RECIST assessed; the model's size before residual error
// follows them (tumour_size_ipred). Stored per patient: Y0, KG, KD, LAMBDA (claret), the
// PK_* parameters (exposure_model pk_1cmt) and every eta.

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "models/model.hpp"
#include "models/population.hpp"
#include "models/recist.hpp"
#include "models/regimen.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

enum Index { kY0, kKg, kKd, kLambda, kPkCl, kPkV, kPkKa, kPkF, kParameters };

/// What `observations` may record.
const VariableInfo kTumourSize{
    "tumour_size", "mm",
    "measured sum of target-lesion diameters under the assigned arm, with residual error, "
    "clipped at 0"};

class Tgi final : public Model {
 public:
  Tgi(const ParamValues& v, const TrialContext& trial)
      : stein_(v.choices.at("form") == "stein"),
        exposure_(v.arm_values("exposure")),
        scan_interval_(v.number("scan_interval")),
        ratio_time_(v.number("ratio_time")),
        complete_mm_(v.number("complete_response_mm")),
        residual_{v.number("residual_additive_mm"), v.number("residual_proportional")},
        os_shape_(v.number("os_shape")),
        os_scale_(v.number("os_scale")),
        ratio_effect_(v.number("os_ratio_effect")),
        os_effects_(v.effects("os_log_hazard_ratios")),
        dropout_rate_(v.number("dropout_rate")),
        follow_up_(trial.follow_up) {
    std::vector<PopulationParameter> parameters;
    const char* names[kParameters] = {"Y0", "KG", "KD", "LAMBDA", "PK_CL", "PK_V", "PK_KA", "PK_F"};
    for (const char* name : names) parameters.push_back(v.population.at(name));
    pk_exposure_ = v.choices.at("exposure_model") == "pk_1cmt";
    // The stored individual parameters: those the form and exposure model use (LAMBDA in
    // claret only, the PK ones with exposure_model pk_1cmt only), then every eta.
    for (int i = 0; i < kParameters; ++i) {
      if ((i == kLambda && stein_) || (i >= kPkCl && !pk_exposure_)) continue;
      stored_.push_back(i);
      parameter_names_.push_back(names[i]);
    }
    hours_per_unit_ = v.number("hours_per_time_unit");
    // From the trial's time unit (a month is a twelfth of a 365.25-day year).
    if (hours_per_unit_ == 0.0) hours_per_unit_ = 24.0 * trial.days_per_time_unit;
    if (pk_exposure_) {
      if (stein_) throw UserError("exposure_model pk_1cmt applies to form claret");
      if (trial.regimens.empty()) throw UserError("exposure_model pk_1cmt needs a regimen on every arm");
      for (const auto& regimen : trial.regimens) {
        auto doses = dose_events(regimen);
        for (const auto& d : doses) {
          if (d.route == pk::Route::kIvInfusion) throw UserError("exposure_model pk_1cmt takes bolus or oral doses");
        }
        doses_.push_back(std::move(doses));
      }
      const double k = v.population.at("PK_CL").typical / v.population.at("PK_V").typical;
      if (std::fabs(v.population.at("PK_KA").typical - k) <= 1e-6 * k) {
        throw UserError("PK_KA equals PK_CL / PK_V: the Bateman form is degenerate; change one slightly");
      }
    } else if (!trial.regimens.empty()) {
      throw UserError("regimens are used with exposure_model pk_1cmt only");
    }
    const auto omega = v.omega.find("omega");
    population_ = Population(parameters, omega != v.omega.end() ? omega->second : RandomEffects{});
    for (const auto& name : population_.random_effect_names()) parameter_names_.push_back("eta_" + name);
    // Counted before the scans are listed: a tiny scan_interval or a huge follow-up would
    // otherwise fill memory before the limit below is reached.
    if (!(follow_up_ / scan_interval_ <= 1001.0)) {
      throw UserError("more than 1000 scans per patient; lengthen scan_interval");
    }
    for (std::size_t k = 1;; ++k) {
      const double t = static_cast<double>(k) * scan_interval_;
      if (t > follow_up_ + 1e-12 * follow_up_) break;
      scans_.push_back(t);
    }
    if (scans_.empty()) throw UserError("scan_interval is longer than the follow-up: no scan would happen");
    if (scans_.size() > 1000) throw UserError("more than 1000 scans per patient; lengthen scan_interval");
    assessments_.push_back(0.0);
    assessments_.insert(assessments_.end(), scans_.begin(), scans_.end());
    // The recorded tumour size, at the spec's times in days, in the trial's time unit.
    for (const auto& o : trial.observations) {
      if (o.variable != kTumourSize.name) {
        throw std::logic_error("tgi cannot record " + o.variable);
      }
      record_days_ = o.times_days;
      for (const double t : o.times_days) record_times_.push_back(t / trial.days_per_time_unit);
    }
  }

  std::vector<std::string> individual_parameter_names() const override { return parameter_names_; }

  /// The recorded tumour size, then its individual prediction (the model's size, before
  /// residual error and clipping) at the same times.
  std::vector<TrajectoryInfo> trajectories() const override {
    if (record_times_.empty()) return {};
    return {{kTumourSize.name, kTumourSize.unit, record_days_},
            {kTumourSize.name + "_ipred", kTumourSize.unit, record_days_, kTumourSize.name}};
  }

  void trajectory(const PatientKey& key, std::span<const double> covariates, std::size_t arm,
                  std::span<double> all) const override {
    double p[kParameters];
    population_.individual(key, covariates, std::span<double>(p, kParameters));
    const std::size_t points = record_times_.size();
    measure(key, p, arm, record_times_, all.first(points));
    for (std::size_t k = 0; k < points; ++k) all[points + k] = size(p, arm, record_times_[k]);
  }

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    simulate_with_parameters(key, covariates, assigned_arm, potential, observed, {});
  }

  void simulate_with_parameters(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed,
                                std::span<double> parameters) const override {
    double p[kParameters];
    double eta[kMaxRandomEffects];
    population_.individual(key, covariates, std::span<double>(p, kParameters),
                           std::span<double>(eta, population_.random_effects()));
    if (!parameters.empty()) {
      for (std::size_t j = 0; j < stored_.size(); ++j) parameters[j] = p[stored_[j]];
      std::copy_n(eta, population_.random_effects(), parameters.begin() + static_cast<std::ptrdiff_t>(stored_.size()));
    }
    const std::size_t arms = exposure_.size();
    rng::Stream death_stream({key.seed, key.replicate, key.patient, rng::Purpose::kEventTime, 0});
    const double unit_exponential = -std::log(death_stream.uniform());
    const double eta_covariates = linear_predictor(os_effects_, covariates);
    const double dropout = dropout_time(key);
    thread_local std::vector<double> measured;
    measured.resize(scans_.size() + 1);
    for (std::size_t a = 0; a < arms; ++a) {
      const double ratio = size(p, a, ratio_time_) / p[kY0];
      const double eta = eta_covariates + ratio_effect_ * (ratio - 1.0);
      const double death = os_scale_ * std::pow(unit_exponential * std::exp(-eta), 1.0 / os_shape_);
      // Only scans the patient is alive for are assessed.
      measure(key, p, a, assessments_, measured);
      std::size_t alive_scans = 0;
      while (alive_scans < scans_.size() && scans_[alive_scans] < death) ++alive_scans;
      const std::span<const double> assessed(measured.data(), alive_scans + 1);
      const RecistAssessment recist = assess_recist(assessed, complete_mm_);
      const bool responder = alive_scans > 0 && (recist.best == Response::kCompleteResponse ||
                                                 recist.best == Response::kPartialResponse);
      const double progression = recist.progression_scan ? scans_[*recist.progression_scan - 1]
                                                         : std::numeric_limits<double>::infinity();
      const double pfs = std::min(progression, death);
      potential[0 * arms + a] = {responder ? 1.0 : 0.0, 1};
      potential[1 * arms + a] = censor(pfs, follow_up_);
      potential[2 * arms + a] = censor(death, follow_up_);
      potential[3 * arms + a] = {ratio, 1};
      if (a == assigned_arm) {
        const double limit = std::min(follow_up_, dropout);
        // A patient who drops out is assessed only on the scans before dropping out.
        const bool responded_before = responder && first_response_time(assessed) <= limit;
        observed[0] = {responded_before ? 1.0 : 0.0, 1};
        observed[1] = censor(pfs, limit);
        observed[2] = censor(death, limit);
        observed[3] = {ratio, 1};
      }
    }
  }

  double dropout_time(const PatientKey& key) const override {
    if (!(dropout_rate_ > 0.0)) return std::numeric_limits<double>::infinity();
    rng::Stream dropout_stream({key.seed, key.replicate, key.patient, rng::Purpose::kDropout, 0});
    return -std::log(dropout_stream.uniform()) / dropout_rate_;
  }

 private:
  static ArmOutcome censor(double time, double limit) {
    return time <= limit ? ArmOutcome{time, 1} : ArmOutcome{limit, 0};
  }

  /// integral_0^t C(s) e^{-LAMBDA s} ds for the one-compartment PK of arm a, t in the
  /// trial's time unit (the PK runs in hours; the integral is returned per time unit).
  double exposure_integral(const double* p, std::size_t a, double t) const {
    const double lambda = p[kLambda] / hours_per_unit_;  // per hour
    const double t_h = t * hours_per_unit_;
    const double k = p[kPkCl] / p[kPkV];
    const double ka = p[kPkKa];
    double total = 0.0;
    const auto mode = [&](double coefficient, double rate, double since, double start) {
      // coefficient * integral_{start}^{t_h} e^{-rate (s - start)} e^{-lambda s} ds
      if (since <= 0.0) return 0.0;
      return coefficient * std::exp(-lambda * start) * -std::expm1(-(rate + lambda) * since) / (rate + lambda);
    };
    for (const auto& d : doses_[a]) {
      if (d.route == pk::Route::kIvBolus) {
        total += mode(d.amount_mg / p[kPkV], k, t_h - d.time_h, d.time_h);
      } else {
        // Bateman: F D ka / (V (ka - k)) (e^{-k tau} - e^{-ka tau}); ka == k is excluded by
        // the constructor's check on typical values and is vanishingly rare with variability.
        const double c = p[kPkF] * d.amount_mg * ka / (p[kPkV] * (ka - k));
        total += mode(c, k, t_h - d.time_h, d.time_h) - mode(c, ka, t_h - d.time_h, d.time_h);
      }
    }
    return total / hours_per_unit_;  // d(time unit) = d(hours) / hours_per_unit
  }

  /// Model-predicted sum of diameters at time t under arm a.
  double size(const double* p, std::size_t a, double t) const {
    if (pk_exposure_) return p[kY0] * std::exp(p[kKg] * t - p[kKd] * exposure_integral(p, a, t));
    const double e = exposure_[a];
    if (stein_) return p[kY0] * (std::exp(-p[kKd] * e * t) + std::exp(p[kKg] * t) - 1.0);
    return p[kY0] * std::exp(p[kKg] * t - p[kKd] * e * (1.0 - std::exp(-p[kLambda] * t)) / p[kLambda]);
  }

  /// Measured sums at `times` (the assessments: baseline and every scan; or the recorded
  /// times): the k-th time takes the k-th pair of residual draws, the same under every arm.
  void measure(const PatientKey& key, const double* p, std::size_t a,
               const std::vector<double>& times, std::span<double> out) const {
    rng::Stream stream({key.seed, key.replicate, key.patient, rng::Purpose::kResidual, 0});
    for (std::size_t k = 0; k < times.size(); ++k) {
      const double t = times[k];
      const double z_proportional = stream.normal();
      const double z_additive = stream.normal();
      out[k] = std::max(0.0, with_residual(size(p, a, t), residual_, z_proportional, z_additive));
    }
  }

  /// Time of the first scan at CR or PR (infinity if none).
  double first_response_time(std::span<const double> measured) const {
    for (std::size_t k = 1; k < measured.size(); ++k) {
      if (measured[k] <= complete_mm_ || measured[k] <= 0.7 * measured[0]) return scans_[k - 1];
    }
    return std::numeric_limits<double>::infinity();
  }

  bool stein_;
  std::vector<double> exposure_;
  double scan_interval_, ratio_time_, complete_mm_;
  ResidualError residual_;
  double os_shape_, os_scale_, ratio_effect_;
  std::vector<CovariateEffect> os_effects_;
  double dropout_rate_, follow_up_;
  bool pk_exposure_ = false;
  double hours_per_unit_ = 168.0;
  std::vector<std::vector<pk::Dose>> doses_;  // per arm, with exposure_model pk_1cmt
  Population population_;
  std::vector<double> scans_;
  std::vector<double> assessments_;   // 0 and every scan, in the trial's time unit
  std::vector<double> record_times_;  // recorded times, in the trial's time unit
  std::vector<double> record_days_;   // the same in days, as the spec gives them
  std::vector<int> stored_;  ///< indices into the parameters of those stored, in order
  std::vector<std::string> parameter_names_;  ///< individual_parameter_names()
};

ModelFactory tgi_factory() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ModelFactory f;
  f.name = "tgi";
  f.description = "tumour growth inhibition (Claret or Stein), RECIST 1.1 response, PFS and OS";
  f.equations =
      "claret      dy/dt = KG y - KD E_a(t) exp(-LAMBDA t) y,  y(0) = Y0   (Claret et al. 2009)\n"
      "            constant E_a: y(t) = Y0 exp(KG t - KD E_a (1 - exp(-LAMBDA t)) / LAMBDA)\n"
      "stein       y(t) = Y0 (exp(-KD E_a t) + exp(KG t) - 1)   (constant E_a; Stein et al. 2008)\n"
      "exposure    E_a = exposure_a (exposure_model constant), or (pk_1cmt) a sum over the arm's\n"
      "            doses D, tau h before, k = PK_CL / PK_V: bolus D / PK_V exp(-k tau); oral\n"
      "            PK_F D PK_KA / (PK_V (PK_KA - k)) (exp(-k tau) - exp(-PK_KA tau))\n"
      "scans       at k scan_interval up to follow_up; measured y (1 + residual_proportional z_p)\n"
      "            + residual_additive_mm z_a, clipped at 0\n"
      "response    RECIST 1.1 per scan: CR if <= complete_response_mm, else PD if >= 1.2 nadir\n"
      "            and >= nadir + 5 mm, else PR if <= 0.7 baseline, else SD\n"
      "death       h(t) = (os_shape / os_scale) (t / os_scale)^(os_shape - 1) exp(eta_a)\n"
      "            eta_a = sum b (x - x0) [os_log_hazard_ratios] + os_ratio_effect (ratio_a - 1)\n"
      "outcomes    objective_response = best response CR or PR;  pfs = min(first PD, death);\n"
      "            os = death;  tumour_ratio = ratio_a = y_a(ratio_time) / Y0\n"
      "dropout     D = -log V / dropout_rate: observed pfs and os censored at min(follow_up, D),\n"
      "            observed objective_response from the scans up to then\n" +
      population_equations("Y0, KG, KD, LAMBDA, PK_CL, PK_V, PK_KA, PK_F");
  f.accepts_regimen = true;
  const auto population = [&](const char* name, const char* what) {
    return ParamSchema{name, ParamKind::kPopulation, true, 0.0, 0.0, inf, true, what};
  };
  f.schema = {
      {"form", ParamKind::kChoice, false, 0.0, -inf, inf, false, "tumour model", {"claret", "stein"}},
      population("Y0", "baseline sum of diameters, mm, > 0"),
      population("KG", "growth rate per time unit, > 0"),
      population("KD", "drug-induced decay rate per unit exposure and time unit, > 0"),
      {"LAMBDA", ParamKind::kPopulation, false, 1.0, 0.0, inf, true,
       "resistance: decay of the drug effect per time unit, > 0 (claret)"},
      {"omega", ParamKind::kOmega, false, 0.0, -inf, inf, false, "variance-covariance of the random effects"},
      {"exposure_model", ParamKind::kChoice, false, 0.0, -inf, inf, false, "source of the drug exposure",
       {"constant", "pk_1cmt"}},
      {"exposure", ParamKind::kPerArm, false, 0.0, 0.0, inf, false,
       "constant drug exposure of each arm (arms not named: 0; exposure_model constant)"},
      {"PK_CL", ParamKind::kPopulation, false, 1.0, 0.0, inf, true, "PK clearance, L/h (exposure_model pk_1cmt)"},
      {"PK_V", ParamKind::kPopulation, false, 1.0, 0.0, inf, true, "PK volume, L (exposure_model pk_1cmt)"},
      {"PK_KA", ParamKind::kPopulation, false, 1.0, 0.0, inf, true, "oral absorption rate, 1/h (pk_1cmt)"},
      {"PK_F", ParamKind::kPopulation, false, 1.0, 0.0, inf, true, "oral bioavailability (pk_1cmt)"},
      {"hours_per_time_unit", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
       "hours in one trial time unit, to run the PK in hours (0: from trial.time_unit)"},
      {"scan_interval", ParamKind::kNumber, true, 0.0, 0.0, inf, true, "time between tumour scans, > 0"},
      {"ratio_time", ParamKind::kNumber, false, 8.0, 0.0, inf, true,
       "time of the tumour-size ratio in the OS model (week 8 when the unit is weeks)"},
      {"complete_response_mm", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
       "a measured sum at or below this is a complete response"},
      {"residual_additive_mm", ParamKind::kNumber, false, 0.0, 0.0, inf, false, "additive measurement error SD, mm"},
      {"residual_proportional", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
       "proportional measurement error SD (fraction)"},
      {"os_shape", ParamKind::kNumber, true, 0.0, 0.0, inf, true, "Weibull shape of the death hazard, > 0"},
      {"os_scale", ParamKind::kNumber, true, 0.0, 0.0, inf, true, "Weibull scale of the death hazard, > 0"},
      {"os_ratio_effect", ParamKind::kNumber, false, 0.0, -inf, inf, false,
       "log hazard ratio of death per unit of tumour-size ratio above 1"},
      {"os_log_hazard_ratios", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "log hazard ratio of death per unit of each covariate"},
      {"dropout_rate", ParamKind::kNumber, false, 0.0, 0.0, inf, false, "exponential dropout rate (observed only)"},
  };
  f.outputs = {{"objective_response", OutputType::kBinary, "best overall response CR or PR (RECIST 1.1)"},
               {"pfs", OutputType::kTimeToEvent, "progression-free survival"},
               {"os", OutputType::kTimeToEvent, "overall survival"},
               {"tumour_ratio", OutputType::kContinuous, "model tumour size at ratio_time / baseline"}};
  f.variables = {kTumourSize};
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<Tgi>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::tgi_factory())
