#pragma once
/// @file
/// @brief The model interface. A model is a pure function of a patient's covariates,
/// its random streams and the trial arms: no I/O, MPI, threads or globals.
///
/// Adding a model is one new file in src/models/: a parameter schema, a class
/// implementing Model, and a SILICO_REGISTER_MODEL line (see weibull_ph.cpp).

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "core/error.hpp"
#include "models/regimen.hpp"

namespace silico::models {

enum class OutputType { kContinuous, kTimeToEvent, kBinary };
const char* to_string(OutputType type);

/// One outcome a model produces for every patient under every arm.
struct OutputInfo {
  std::string name;
  OutputType type;
  std::string description;
  /// Set on an output that records an intercurrent event (ICH E9(R1)): the event's name
  /// (one of ModelFactory::intercurrent_events, or an event a method reads besides one,
  /// such as the progression that lets a patient switch). The output is its time to event,
  /// with event = 1 when it happened.
  std::string records_event = {};
  /// Set on an output that is output `strategy_of` under another strategy than treatment
  /// policy for intercurrent event `event`: its potential outcomes are that output's with
  /// the event handled by `strategy` ("hypothetical": as if it never happened), and its
  /// observed value is what a trial records of that output. An endpoint reaches it as
  /// `output: <strategy_of>` with `intercurrent_events: {<event>: <strategy>}`, never by
  /// its own name. Strategy "principal_stratum": the potential outcomes are the output's
  /// had the event not happened, and the estimand is about the patients in whom the event
  /// happens under neither arm compared (the analysis restricts the truth to them, from
  /// the potential outcomes of the output that records the event).
  std::string strategy_of = {};
  std::string event = {};
  std::string strategy = {};
};

/// An intercurrent event a model simulates: an event after randomization that changes
/// the interpretation or existence of its outcomes (treatment switching, discontinuation,
/// rescue medication, death).
struct IntercurrentEventInfo {
  std::string name;         ///< as the spec writes it, e.g. "switching"
  std::string description;  ///< what happens, to whom, in the estimand's words
  /// A terminal event (death): the outcome does not exist after it, so the treatment-policy
  /// strategy cannot be applied to it (ICH E9(R1) A.3.2); an endpoint on an output that has
  /// strategies for it must name one.
  bool terminal = false;
};

/// How a parameter is written in the spec's `model.parameters` section.
enum class ParamKind {
  kNumber,            ///< `name: 1.5`
  kPerArm,            ///< `name: {arm_name: value, ...}`; arms not named take the default
  kCovariateEffects,  ///< `name: {covariate: per_unit}` or `{covariate: {per_unit: b, reference: x0}}`
  kPopulation,        ///< `name: {typical: v, covariates: {x: {power: e, reference: r}, ...}}` or `name: v`
  kOmega,             ///< `name: {variables: [P, ...], matrix: [[...]]}`, variance-covariance of eta
  kChoice,            ///< `name: word`, one of ParamSchema::choices (default: the first)
};

/// The schema of one model parameter; the spec reader validates against it.
struct ParamSchema {
  std::string name;
  ParamKind kind = ParamKind::kNumber;
  bool required = true;
  double default_value = 0.0;  ///< for optional numbers and arms not named in a per-arm map
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;  ///< value must be > min rather than >= min
  std::string description;     ///< shown in errors and docs, with the unit
  std::vector<std::string> choices = {};  ///< kChoice: allowed words
};

/// A covariate term b * (x - reference) in a linear predictor.
struct CovariateEffect {
  std::size_t covariate = 0;  ///< index into the cohort's covariates
  double per_unit = 0.0;
  double reference = 0.0;
};

struct CovariateFactor {
  enum class Kind { kPower, kExponential, kCategorical };
  Kind kind = Kind::kPower;
  std::size_t covariate = 0;
  double value = 0.0;      ///< exponent (power) or coefficient (exponential)
  double reference = 1.0;  ///< power: x / reference; exponential: x - reference
  std::vector<double> level_factors;  ///< categorical: factor per level index (first = 1 usually)
};

struct PopulationParameter {
  std::string name;
  double typical = 1.0;
  std::vector<CovariateFactor> factors;
};

/// Omega over some of the model's population parameters (names in `names`), as given in
/// the spec, with its lower Cholesky factor.
struct RandomEffects {
  std::vector<std::string> names;
  Eigen::MatrixXd omega;
  Eigen::MatrixXd cholesky;
};

/// Parameter values after validation, keyed by schema name.
struct ParamValues {
  std::map<std::string, double> numbers;
  std::map<std::string, std::vector<double>> per_arm;  ///< indexed like the trial's arms
  std::map<std::string, std::vector<CovariateEffect>> covariate_effects;
  std::map<std::string, PopulationParameter> population;
  std::map<std::string, RandomEffects> omega;
  std::map<std::string, std::string> choices;

  double number(const std::string& name) const { return numbers.at(name); }
  const std::vector<double>& arm_values(const std::string& name) const { return per_arm.at(name); }
  const std::vector<CovariateEffect>& effects(const std::string& name) const {
    return covariate_effects.at(name);
  }
};

/// One variable to record per patient, an entry of the spec's `observations`: increasing
/// times >= 0 in days, whatever the trial's time unit; the model converts them to its own.
struct ObservationSchedule {
  std::string variable;  ///< one of ModelFactory::variables
  std::vector<double> times_days;
};

/// What a model needs to know about the trial it runs in.
struct TrialContext {
  std::vector<std::string> arm_names;
  std::vector<Regimen> regimens;  ///< per arm; empty when the spec gives none
  std::size_t control_arm = 0;
  std::vector<std::string> covariate_names;
  double follow_up = 0.0;  ///< administrative censoring time, in the trial's time unit
  std::string time_unit = "months";  ///< days, weeks, months or years
  /// Length of one time_unit in days (spec::days_per_time_unit).
  double days_per_time_unit = 30.4375;
  /// Variables to record, in spec order; every name is one of the factory's variables and
  /// every time is at most follow_up (checked by the spec reader).
  std::vector<ObservationSchedule> observations;
};

/// A schedule the model cannot observe (e.g. a score requested between visits): names the
/// variable and the index of the first offending time, so the spec reader can point at it.
class ObservationError : public UserError {
 public:
  ObservationError(std::string variable, std::size_t index, const std::string& message)
      : UserError(message), variable_(std::move(variable)), index_(index) {}
  const std::string& variable() const { return variable_; }
  std::size_t index() const { return index_; }

 private:
  std::string variable_;
  std::size_t index_;
};

/// One outcome of one patient under one arm. For continuous outputs `event` is 1.
struct ArmOutcome {
  double value = 0.0;  ///< the measurement, or the time for time-to-event outputs
  std::int8_t event = 1;
};

/// Identifies a patient's random streams: (seed, replicate, patient) of rng::StreamKey.
struct PatientKey {
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  std::uint64_t patient = 0;
};

/// A variable a model can record per patient over time (e.g. a concentration).
struct VariableInfo {
  std::string name;
  std::string unit;  ///< unit of the recorded values, e.g. mg/L
  std::string description;
};

/// A time course the model records per patient (e.g. a concentration profile).
struct TrajectoryInfo {
  std::string name;
  std::string unit;
  std::vector<double> times_days;  ///< observation times in days, as the spec gives them
  /// Empty for an observed course (with residual error). For the individual prediction of
  /// an observed course (the same times, before residual error): that course's name.
  std::string prediction_of = {};
};

class Model {
 public:
  virtual ~Model() = default;

  /// Trajectories this model records: one per TrialContext::observations, in that order;
  /// empty if none.
  virtual std::vector<TrajectoryInfo> trajectories() const { return {}; }

  /// The trajectories of the patient under `arm`, concatenated in the order of
  /// trajectories(): observed ones with residual error, individual predictions without. Called only when trajectories() is not
  /// empty; `out` has the total number of observation times.
  virtual void trajectory(const PatientKey& /*key*/, std::span<const double> /*covariates*/,
                          std::size_t /*arm*/, std::span<double> /*out*/) const {}

  /// The patient's individual parameters the model stores (/cohort/parameters): its
  /// parameters after the population model (typical values, covariates and eta), in its
  /// own units, then each random effect as `eta_<P>`. Empty for a model without individual
  /// parameters.
  virtual std::vector<std::string> individual_parameter_names() const { return {}; }

  /// simulate(), which also writes into `parameters` (one value per
  /// individual_parameter_names()) the individual parameters its outcomes were computed
  /// from: the values of that very computation, with no draw of their own, so the random
  /// streams and the outcomes are those of simulate(). The default, for a model without
  /// individual parameters, is simulate().
  virtual void simulate_with_parameters(const PatientKey& key, std::span<const double> covariates,
                                        std::size_t assigned_arm, std::span<ArmOutcome> potential,
                                        std::span<ArmOutcome> observed, std::span<double> /*parameters*/) const {
    simulate(key, covariates, assigned_arm, potential, observed);
  }

  /// The time at which the patient would be lost to follow-up by the model's own dropout
  /// (the censoring process of `observed`, the same under every arm), from the patient's
  /// dropout stream: what simulate() draws, without simulating. Infinity for a model without
  /// dropout. The analysis censors the potential outcomes at it for the truth "as the data
  /// are censored" (true_effect_with_dropout).
  virtual double dropout_time(const PatientKey& /*key*/) const { return std::numeric_limits<double>::infinity(); }

  /// Simulate one patient under every arm.
  /// @param potential  n_outputs x n_arms outcomes, output-major: the twin's potential
  ///        outcomes, subject only to administrative censoring at the end of follow-up.
  /// @param observed   n_outputs outcomes under `assigned_arm`, after the trial's own
  ///        censoring processes (e.g. dropout).
  /// A patient's draws are shared by all arms (common random numbers), so its potential
  /// outcomes differ by the treatment alone.
  virtual void simulate(const PatientKey& key, std::span<const double> covariates,
                        std::size_t assigned_arm, std::span<ArmOutcome> potential,
                        std::span<ArmOutcome> observed) const = 0;
};

/// Everything the rest of silico knows about a model before it is built.
struct ModelFactory {
  std::string name;
  std::string description;
  /// The model's equations for the validation report: plain text, one named equation a
  /// line (continuations indented), in the spec's parameter names, short enough to print.
  std::string equations;
  bool needs_regimen = false;    ///< every arm must give `regimen:`
  bool accepts_regimen = false;  ///< arms may give `regimen:` (the model checks its own use)
  std::vector<ParamSchema> schema;
  std::vector<OutputInfo> outputs;
  std::vector<VariableInfo> variables;  ///< what `observations` may record; empty: nothing
  /// The intercurrent events it simulates; their outputs carry OutputInfo::records_event
  /// and OutputInfo::strategy_of. Empty: every patient stays on the assigned arm.
  std::vector<IntercurrentEventInfo> intercurrent_events = {};
  /// Builds the model. @throws UserError for parameters that do not fit together, and
  /// ObservationError for an observation schedule the model cannot record.
  std::unique_ptr<Model> (*create)(const ParamValues&, const TrialContext&) = nullptr;
};

/// The registered model of that name, or nullptr.
const ModelFactory* find_model(const std::string& name);
/// Names of all registered models, sorted.
std::vector<std::string> model_names();

namespace detail {
bool register_model(ModelFactory factory);
}

/// Sum of b * (x - reference) over the effects.
double linear_predictor(const std::vector<CovariateEffect>& effects,
                        std::span<const double> covariates);

}  // namespace silico::models

#define SILICO_REGISTER_MODEL(factory_expression)                 \
  namespace {                                                     \
  [[maybe_unused]] const bool silico_model_registered =           \
      ::silico::models::detail::register_model(factory_expression); \
  }
