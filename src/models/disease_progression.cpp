// disease_progression: a chronic-disease score (e.g. ADAS-Cog in Alzheimer's disease,
// higher = worse) measured at scheduled visits, with patient-specific random intercept
// and slope, covariate effects, and treatment acting as a symptomatic offset and/or a
// disease-modifying fraction of the slope.
//
// Visits are at t_j = j * visit_interval, j = 0 (baseline), 1, 2, ...; the analysis
// visit is K = analysis_visit, at T = K * visit_interval (<= trial.follow_up). Time is in
// the trial's time unit; `slope` is per that unit (e.g. per week).
//
//   score_ij(arm) = baseline_i + slope_i * (1 - dm_arm) * t_j + sym_arm * ramp(t_j) + e_ij
//   baseline_i    = intercept + sum b (x - x0) [baseline_effects] + b0_i
//   slope_i       = slope     + sum c (x - x0) [slope_effects]    + b1_i
//   (b0_i, b1_i)  ~ N(0, [[sd0^2, r sd0 sd1], [r sd0 sd1, sd1^2]])
//                   b0 = sd0 z0,  b1 = sd1 (r z0 + sqrt(1 - r^2) z1)
//   e_ij          ~ N(0, residual_sd^2), independent across visits
//   ramp(t)       = 0 for t <= 0; t / onset for 0 < t < onset; 1 for t >= onset
//
// symptomatic_onset = 0 (the default) means the full symptomatic effect from the first
// visit after baseline; the baseline visit is always before treatment (ramp(0) = 0).
//
// Output "change" = score_iK - score_i0, both observed with residual error:
//   change_i(arm) = slope_i (1 - dm_arm) T + sym_arm ramp(T) + e_iK - e_i0
// so Var(change | arm) = T^2 (1 - dm_arm)^2 Var(slope_i) + 2 residual_sd^2, and
// E(change | control) = T * E(slope_i). baseline_i cancels: intercept, intercept_sd,
// baseline_effects and the correlation shape the score, not the change.
//
// Dropout: at each visit j = 1, 2, ... the patient drops out before being measured with
// probability dropout_per_visit, independently of arm and outcome (missing completely at
// random), so P(completed) = (1 - p)^K.
//
// Potential outcomes are complete data: "change" at visit K under every arm, and
// "completed" = 1 for every arm. The observed "change" of a patient who dropped out
// before visit K is the change at the last visit attended (last observation carried
// forward; 0 if only baseline was attended), and its observed "completed" is 0. The true
// effect is therefore defined on complete data, and an analysis of the observed change
// is biased toward no effect by LOCF; `completed` identifies the patients concerned.
//
// Common random numbers: z0, z1 (Purpose::kRandomEffects), e_ij (Purpose::kResidual,
// substream j) and the dropout uniforms (Purpose::kDropout, one per visit in order) come
// from the patient's streams and are shared by all arms, so a patient's potential
// outcomes differ by the treatment alone.

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "models/model.hpp"
#include "rng/stream.hpp"

namespace silico::models {
namespace {

constexpr double kMaxVisits = 1e6;

/// What `observations` may record.
const VariableInfo kScore{
    "score", "score units",
    "observed score at visits under the assigned arm (NaN after dropping out)"};

class DiseaseProgression final : public Model {
 public:
  DiseaseProgression(const ParamValues& values, const TrialContext& trial)
      : intercept_(values.number("intercept")),
        slope_(values.number("slope")),
        intercept_sd_(values.number("intercept_sd")),
        slope_sd_(values.number("slope_sd")),
        correlation_(values.number("intercept_slope_correlation")),
        residual_sd_(values.number("residual_sd")),
        onset_(values.number("symptomatic_onset")),
        visit_interval_(values.number("visit_interval")),
        dropout_(values.number("dropout_per_visit")),
        baseline_effects_(values.effects("baseline_effects")),
        slope_effects_(values.effects("slope_effects")),
        symptomatic_(values.arm_values("symptomatic_effect")),
        disease_modifying_(values.arm_values("disease_modifying_fraction")) {
    const double visit = values.number("analysis_visit");
    if (std::floor(visit) != visit) {
      std::ostringstream message;
      message
          << "analysis_visit must be a whole visit number (1 = first visit after baseline), got "
          << visit;
      throw UserError(message.str());
    }
    analysis_visit_ = static_cast<std::uint64_t>(visit);
    analysis_time_ = visit_time(analysis_visit_);
    // A relative 1e-12 allowance so that e.g. 3 visits of 0.1 fit a follow-up of 0.3.
    if (analysis_time_ > trial.follow_up * (1.0 + 1e-12)) {
      std::ostringstream message;
      message << "analysis visit " << analysis_visit_ << " at time " << analysis_time_
              << " (analysis_visit * visit_interval = " << analysis_visit_ << " * "
              << visit_interval_
              << ") is after the end of follow-up (trial.follow_up = " << trial.follow_up << ")";
      throw UserError(message.str());
    }
    for (const auto& o : trial.observations) {
      if (o.variable != kScore.name) {
        throw std::logic_error("disease_progression cannot record " + o.variable);
      }
      record_days_ = o.times_days;
      record_visits_ = visits_of(o.times_days, trial);
    }
  }

  std::vector<TrajectoryInfo> trajectories() const override {
    if (record_visits_.empty()) return {};
    return {{kScore.name, kScore.unit, record_days_}};
  }

  /// Observed scores at the recorded visits under `arm`; NaN for the visits missed after
  /// dropping out.
  void trajectory(const PatientKey& key, std::span<const double> covariates, std::size_t arm,
                  std::span<double> out) const override {
    const Draws d = draw(key, covariates);
    for (std::size_t k = 0; k < record_visits_.size(); ++k) {
      const std::uint64_t j = record_visits_[k];
      out[k] = j > d.last_visit ? std::numeric_limits<double>::quiet_NaN()
               : j == 0         ? d.baseline + residual_sd_ * residual(key, 0)
                                : score(d.baseline, d.slope, arm, visit_time(j), residual(key, j));
    }
  }

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    const Draws d = draw(key, covariates);
    const double baseline = d.baseline;
    const double slope = d.slope;
    const std::uint64_t last_visit = d.last_visit;

    const double score_baseline = baseline + residual_sd_ * residual(key, 0);
    const double residual_analysis = residual(key, analysis_visit_);
    const std::size_t arms = symptomatic_.size();
    for (std::size_t arm = 0; arm < arms; ++arm) {
      const double at_analysis = score(baseline, slope, arm, analysis_time_, residual_analysis);
      potential[0 * arms + arm] = {at_analysis - score_baseline, 1};
      potential[1 * arms + arm] = {1.0, 1};
    }

    if (last_visit == analysis_visit_) {
      observed[0] = potential[assigned_arm];
      observed[1] = {1.0, 1};
    } else {
      const double at_last_visit = last_visit == 0
                                       ? score_baseline
                                       : score(baseline, slope, assigned_arm,
                                               visit_time(last_visit), residual(key, last_visit));
      observed[0] = {at_last_visit - score_baseline, 1};
      observed[1] = {0.0, 1};
    }
  }

 private:
  /// A patient's random intercept and slope, and the last visit attended.
  struct Draws {
    double baseline = 0.0;
    double slope = 0.0;
    std::uint64_t last_visit = 0;
  };

  Draws draw(const PatientKey& key, std::span<const double> covariates) const {
    rng::Stream effects({key.seed, key.replicate, key.patient, rng::Purpose::kRandomEffects, 0});
    const double z0 = effects.normal();
    const double z1 = effects.normal();
    Draws d;
    d.baseline = intercept_ + linear_predictor(baseline_effects_, covariates) + intercept_sd_ * z0;
    d.slope = slope_ + linear_predictor(slope_effects_, covariates) +
              slope_sd_ * (correlation_ * z0 + std::sqrt(1.0 - correlation_ * correlation_) * z1);
    // Last visit attended: a dropout draw at visit j means visits j, j + 1, ... are missed.
    d.last_visit = analysis_visit_;
    if (dropout_ > 0.0) {
      rng::Stream dropout({key.seed, key.replicate, key.patient, rng::Purpose::kDropout, 0});
      for (std::uint64_t j = 1; j <= analysis_visit_; ++j) {
        if (dropout.uniform() < dropout_) {
          d.last_visit = j - 1;
          break;
        }
      }
    }
    return d;
  }

  /// The visit index of each time (in days): the score is measured at visits only, so each
  /// time must be a whole multiple of visit_interval (within 1e-9 relative) up to the
  /// analysis visit.
  std::vector<std::uint64_t> visits_of(const std::vector<double>& times_days,
                                       const TrialContext& trial) const {
    const double days_per_unit = trial.days_per_time_unit;
    std::vector<std::uint64_t> visits;
    for (std::size_t k = 0; k < times_days.size(); ++k) {
      const double t = times_days[k] / days_per_unit;
      const double j = std::round(t / visit_interval_);
      const bool on_visit = std::fabs(t - j * visit_interval_) <= 1e-9 * j * visit_interval_;
      if (!on_visit || j > static_cast<double>(analysis_visit_)) {
        std::ostringstream message;
        message.precision(12);
        message << "the score is measured at visits only: every " << visit_interval_ * days_per_unit
                << " days (visit_interval " << visit_interval_ << " " << trial.time_unit
                << ") from day 0 up to the analysis visit at day " << analysis_time_ * days_per_unit
                << "; day " << times_days[k]
                << (on_visit ? " is after the analysis visit" : " is not a visit");
        throw ObservationError(kScore.name, k, message.str());
      }
      visits.push_back(static_cast<std::uint64_t>(j));
    }
    return visits;
  }

  double visit_time(std::uint64_t visit) const {
    // By index, not by accumulation, so visits fall exactly on multiples of the interval.
    return static_cast<double>(visit) * visit_interval_;
  }

  /// Fraction of the symptomatic effect reached at time t after baseline.
  double ramp(double t) const {
    if (t <= 0.0) return 0.0;
    if (t >= onset_) return 1.0;
    return t / onset_;
  }

  /// The standard-normal residual draw of a visit.
  static double residual(const PatientKey& key, std::uint64_t visit) {
    return rng::Stream({key.seed, key.replicate, key.patient, rng::Purpose::kResidual, visit})
        .normal();
  }

  /// Observed score at time t > 0 under `arm`, with residual draw z.
  double score(double baseline, double slope, std::size_t arm, double t, double z) const {
    return baseline + slope * (1.0 - disease_modifying_[arm]) * t + symptomatic_[arm] * ramp(t) +
           residual_sd_ * z;
  }

  double intercept_;
  double slope_;
  double intercept_sd_;
  double slope_sd_;
  double correlation_;
  double residual_sd_;
  double onset_;
  double visit_interval_;
  double dropout_;
  std::uint64_t analysis_visit_ = 1;
  double analysis_time_ = 0.0;
  std::vector<CovariateEffect> baseline_effects_;
  std::vector<CovariateEffect> slope_effects_;
  std::vector<double> symptomatic_;
  std::vector<double> disease_modifying_;
  std::vector<std::uint64_t> record_visits_;  // visit index of each recorded time
  std::vector<double> record_days_;           // the recorded times in days, as the spec gives them
};

ModelFactory disease_progression_factory() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  // The schema has no exclusive maximum: the largest double below 1 makes "< 1" exact.
  const double below_one = std::nextafter(1.0, 0.0);
  ModelFactory f;
  f.name = "disease_progression";
  f.description =
      "chronic-disease score with random intercept and slope at scheduled visits, symptomatic and "
      "disease-modifying treatment, per-visit dropout; change from baseline at the analysis visit";
  f.equations =
      "visits      t_j = j visit_interval, j = 0 (baseline) .. K = analysis_visit;  T = t_K\n"
      "score       score_ij(a) = baseline_i + slope_i (1 - dm_a) t_j + sym_a ramp(t_j) + e_ij\n"
      "baseline    baseline_i = intercept + sum b (x - x0) [baseline_effects] + b0_i\n"
      "slope       slope_i    = slope     + sum c (x - x0) [slope_effects]    + b1_i\n"
      "random      b0_i = intercept_sd z0,  b1_i = slope_sd (r z0 + sqrt(1 - r^2) z1)\n"
      "            r = intercept_slope_correlation;  z0, z1 ~ N(0, 1)\n"
      "residual    e_ij ~ N(0, residual_sd^2), independent across visits\n"
      "ramp        ramp(t) = 0 (t <= 0), t / symptomatic_onset (until symptomatic_onset), 1 after\n"
      "arms        sym_a = symptomatic_effect_a,  dm_a = disease_modifying_fraction_a\n"
      "change      change_i(a) = score_iK(a) - score_i0 = slope_i (1 - dm_a) T + sym_a ramp(T)\n"
      "                          + e_iK - e_i0\n"
      "dropout     before each visit j >= 1 with probability dropout_per_visit; observed change\n"
      "            at the last visit attended (LOCF), completed = 0\n";
  f.schema = {
      {"intercept", ParamKind::kNumber, true, 0.0, -inf, inf, false,
       "mean baseline score when every covariate is at its reference value (score units)"},
      {"baseline_effects", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "baseline score per unit of each covariate"},
      {"intercept_sd", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
       "standard deviation of the patient's random intercept (>= 0, score units)"},
      {"slope", ParamKind::kNumber, true, 0.0, -inf, inf, false,
       "mean rate of progression under control, score units per time unit of the trial"},
      {"slope_effects", ParamKind::kCovariateEffects, false, 0.0, -inf, inf, false,
       "slope per unit of each covariate (score units per time unit)"},
      {"slope_sd", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
       "standard deviation of the patient's random slope (>= 0, score units per time unit)"},
      {"intercept_slope_correlation", ParamKind::kNumber, false, 0.0, -1.0, below_one, true,
       "correlation of the random intercept and slope (in (-1, 1))"},
      {"residual_sd", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
       "standard deviation of the measurement error at each visit (>= 0, score units)"},
      {"symptomatic_effect", ParamKind::kPerArm, false, 0.0, -inf, inf, false,
       "symptomatic offset of each arm on the score, reached after symptomatic_onset (score "
       "units; negative = improvement when higher is worse; arms not named: 0)"},
      {"symptomatic_onset", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
       "time to the full symptomatic effect, reached linearly (>= 0, time unit; 0 = immediate)"},
      {"disease_modifying_fraction", ParamKind::kPerArm, false, 0.0, 0.0, below_one, false,
       "fraction of each patient's slope removed by each arm (in [0, 1); arms not named: 0)"},
      {"visit_interval", ParamKind::kNumber, true, 0.0, 0.0, inf, true,
       "time between scheduled visits (> 0, time unit)"},
      {"analysis_visit", ParamKind::kNumber, true, 0.0, 1.0, kMaxVisits, false,
       "index of the analysis visit, a whole number from 1 to 1e6 (time = analysis_visit * "
       "visit_interval, at most trial.follow_up)"},
      {"dropout_per_visit", ParamKind::kNumber, false, 0.0, 0.0, below_one, false,
       "probability of dropping out before each visit after baseline (in [0, 1)), independent "
       "of arm"},
  };
  f.outputs = {
      {"change", OutputType::kContinuous,
       "score at the analysis visit minus baseline score; last visit attended if dropped out"},
      {"completed", OutputType::kBinary,
       "1 if the patient attended the analysis visit (potential outcomes: always 1)"},
  };
  f.variables = {kScore};
  f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
    return std::make_unique<DiseaseProgression>(v, t);
  };
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::disease_progression_factory())
