#pragma once
/// @file
/// @brief The trial spec: what a user writes in YAML, after validation.
/// docs/spec.md documents every key. Only spec/ sees yaml-cpp.

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "models/model.hpp"
#include "stats/group_sequential_design.hpp"

namespace silico::spec {

enum class Distribution { kNormal, kTruncatedNormal, kLognormal, kUniform, kBernoulli, kCategorical };

/// One baseline covariate; which fields apply depends on the distribution.
struct Covariate {
  std::string name;
  std::string unit;  ///< free-text unit label, stored with the data; may be empty
  Distribution distribution = Distribution::kNormal;
  double mean = 0.0;  ///< normal, truncated_normal (of the normal before truncation)
  double sd = 1.0;    ///< normal, truncated_normal
  double lower = -std::numeric_limits<double>::infinity();  ///< truncated_normal
  double upper = std::numeric_limits<double>::infinity();   ///< truncated_normal
  double meanlog = 0.0;  ///< lognormal: mean of log(x)
  double sdlog = 1.0;    ///< lognormal: sd of log(x)
  double min = 0.0;      ///< uniform
  double max = 1.0;      ///< uniform
  double p = 0.5;        ///< bernoulli: P(x = 1)
  std::vector<std::string> levels;   ///< categorical; stored as level index 0..K-1
  std::vector<double> probabilities; ///< categorical, same order as levels

  bool is_categorical() const { return distribution == Distribution::kCategorical; }
};

enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

/// An inclusion criterion `covariate <op> value`; a patient is enrolled only if all hold.
/// For a categorical covariate the value is a level label, compared by level order.
struct Criterion {
  std::string text;
  std::size_t covariate = 0;
  Comparison op = Comparison::kGreaterEqual;
  double value = 0.0;

  bool holds(double x) const;
};

struct CohortSpec {
  std::string source_file;  ///< file the cohort was defined in (spec or included file)
  std::string source_text;  ///< that file's text when included, else empty
  std::vector<Covariate> covariates;
  /// Correlation of the Gaussian copula's latent normals, p x p; empty when the spec gives
  /// none, meaning the identity (p^2 numbers that say nothing would be 800 MB for 10,000
  /// covariates). For normal covariates it is their Pearson correlation.
  Eigen::MatrixXd correlation;
  /// Lower Cholesky factor of `correlation` (checked positive definite); empty with it.
  Eigen::MatrixXd correlation_cholesky;

  bool has_correlation() const { return correlation.size() != 0; }
  std::vector<Criterion> criteria;
  /// Candidates drawn for one patient before the run stops with an error: with acceptance
  /// rate a, a patient exhausts them with probability (1 - a)^max_screening_attempts.
  std::uint32_t max_screening_attempts = 10000;

  std::vector<std::string> covariate_names() const;
};

struct Arm {
  std::string name;
  std::uint32_t ratio = 1;  ///< allocation ratio
  bool control = false;
  std::optional<models::Regimen> regimen;  ///< dosing, for models that need one
};

/// Length of one trial time unit in days: days 1, weeks 7, months 30.4375 (a twelfth of
/// a 365.25-day year), years 365.25. Observation times are written in days and converted
/// with it. @throws std::invalid_argument for any other unit.
double days_per_time_unit(const std::string& unit);

/// One piece of a piecewise-constant rate (per time unit), as gsDesign2 and simtrial write
/// enrolment and dropout rates: `rate` for `duration` time units. The last piece of a list
/// lasts for ever (its duration is infinite).
struct RatePiece {
  double rate = 0.0;
  double duration = std::numeric_limits<double>::infinity();
};

/// `trial.accrual`: when each patient enters the trial, in calendar time (time_unit) from
/// the opening of the trial. Patient i (from 0) is the (i+1)-th to enter.
struct Accrual {
  enum class Kind {
    kRates,     ///< arrivals of a Poisson process with piecewise-constant `rates`
    kDuration,  ///< all N within [0, duration]: order statistics of the intensity below
  };
  Kind kind = Kind::kRates;
  std::vector<RatePiece> rates;  ///< kRates; the last rate is > 0
  double duration = 0.0;         ///< kDuration: > 0
  /// kDuration: the intensity rises linearly from 0 over [0, ramp_up] and is constant
  /// after; 0 (the default) is uniform accrual. 0 <= ramp_up <= duration.
  double ramp_up = 0.0;
};

struct TrialSettings {
  std::string name;
  std::uint64_t seed = 0;
  std::uint64_t patients = 0;  ///< randomized patients per replicate, all arms
  std::uint64_t replicates = 1;
  std::string time_unit = "months";
  double follow_up = 0.0;  ///< end of follow-up (administrative censoring), time_unit
  std::uint32_t randomization_block = 0;  ///< permuted-block size; multiple of sum of ratios
  /// Entry times; none: every patient enters at time 0 (the analyses are then the same as
  /// without calendar time).
  std::optional<Accrual> accrual;
  /// `trial.dropout`: piecewise-constant dropout hazard per arm ([arm][piece], time from
  /// entry); empty, or an arm's list empty: no trial-level dropout in that arm. It
  /// censors the observed time-to-event outcomes, never the potential ones.
  std::vector<std::vector<RatePiece>> dropout;
};

/// A binary endpoint derived from a continuous output: response = value below (or
/// above) the threshold.
struct Responder {
  bool below = true;
  double threshold = 0.0;
};

struct EndpointSpec {
  std::string name;
  std::size_t output = 0;  ///< index into the model's outputs
  /// kBinary when `responder` is set, else the output's own type.
  models::OutputType type = models::OutputType::kContinuous;
  std::optional<Responder> responder;
  /// `intercurrent_events: {event: strategy}` (ICH E9(R1)): the model's intercurrent events
  /// and how this endpoint's estimand handles each. An event not named is handled by
  /// treatment policy (the outcome whatever happened). A strategy other than treatment
  /// policy selects the model output that is the variable under it (`output` is then that
  /// output, models::OutputInfo::strategy_of names the one the spec wrote).
  std::map<std::string, std::string> intercurrent_events;
  /// With the principal-stratum strategy for an event: the index of the endpoint that
  /// records the event, whose potential outcomes say who is in the stratum (the patients in
  /// whom the event happens under neither arm compared by the follow-up's end).
  std::optional<std::size_t> stratum_endpoint;
};

struct ModelSpec {
  std::string name;
  models::ParamValues parameters;
  /// model.sources: where each parameter's value comes from, by parameter name (optional,
  /// shown by the validation report).
  std::map<std::string, std::string> sources;
  std::shared_ptr<const models::Model> instance;
  const models::ModelFactory* factory = nullptr;
};

/// Interim analyses of the primary method at increasing information fractions, stopping
/// for efficacy when Z crosses an alpha-spending boundary (|Z| when two-sided), and with
/// futility bounds for Z at or below a beta-spending bound (one-sided only).
struct GroupSequential {
  std::vector<double> looks;  ///< information fractions, increasing, the last = 1
  /// Calendar times of the interim looks (time to event; one per look before the last, in
  /// time_unit from the first entry; empty: each look at its fraction of the final events).
  /// `looks` is then the planned design, and each replicate's bounds are recomputed at the
  /// information fractions observed at these times (events by then over the events of the
  /// final analysis), as a trial does at its actual information.
  std::vector<double> look_times;
  /// The design: sidedness, alpha (one-sided: the one-sided level; two-sided:
  /// analysis.alpha), spending families and futility. information_fractions = looks.
  stats::GroupSequentialDesign design;
  /// One-sided: an estimate below the null (a hazard ratio < 1, a negative difference)
  /// favours treatment, so Z is taken as -z; `benefit: higher` sets false.
  bool lower_is_benefit = true;
  /// Boundaries of `design`, computed when the spec is read (empty for the two-sided
  /// O'Brien-Fleming and Pocock types, whose boundaries stats::efficacy_boundaries gives).
  stats::GroupSequentialBoundaries boundaries;

  bool one_sided() const { return design.sidedness == stats::Sidedness::kOneSided; }
  bool has_futility() const { return design.futility != stats::Futility::kNone; }
  /// The two-sided Lan-DeMets O'Brien-Fleming or Pocock types, as silico always had them.
  bool legacy_two_sided() const {
    return !one_sided() && (design.alpha_spending.family == stats::SpendingFamily::kOBrienFleming ||
                            design.alpha_spending.family == stats::SpendingFamily::kPocock);
  }
};

/// When a time-to-event endpoint is analysed, in calendar time (`data_cut`). The analysis
/// at a cut at calendar time C sees the patients who entered before C, each followed up
/// to min(own time, C - entry): what was known at C.
struct DataCut {
  enum class Kind {
    kNone,              ///< at the end of everyone's follow-up
    kEvents,            ///< at the `events`-th observed event (calendar time entry + time)
    kTime,              ///< at calendar time `time`
    kAfterLastPatient,  ///< `time` after the last patient's entry (minimum follow-up)
    kFirst,             ///< whichever of the two cuts in `either` comes first
    kLast,              ///< whichever comes last
  };
  Kind kind = Kind::kNone;
  std::uint64_t events = 0;  ///< kEvents
  /// kEvents: count only the events of this arm (e.g. the control arm); none: every arm.
  std::optional<std::size_t> events_arm;
  double time = 0.0;  ///< kTime: calendar time; kAfterLastPatient: minimum follow-up
  std::vector<DataCut> either;  ///< kFirst, kLast: exactly two cuts

  bool present() const { return kind != Kind::kNone; }
};

/// How one endpoint is analysed. The first method is the primary analysis.
struct EndpointAnalysis {
  /// Method names, each of a registered spec::MethodSchema (spec/method_schema.hpp).
  std::vector<std::string> methods;
  std::vector<std::size_t> covariates;  ///< adjustment set for ancova and cox (indices)
  std::vector<std::size_t> strata;      ///< stratification for logrank and cox (indices)
  double rmst_horizon = 0.0;            ///< tau for rmst; defaults to analysis.rmst_horizon
  std::vector<double> landmarks;        ///< times for Kaplan-Meier survival estimates
  DataCut data_cut;                     ///< time-to-event only; `data_cut_events: d` is {events: d}
  std::optional<GroupSequential> group_sequential;
  /// The parameters of the listed methods that have any (spec::MethodSchema::parameters):
  /// method -> parameter key -> its values (a number: one; (rho, gamma) pairs: flattened,
  /// rho_1, gamma_1, rho_2, ...). Every parameter of every such listed method is present,
  /// at its default when the spec does not set it.
  std::map<std::string, std::map<std::string, std::vector<double>>> method_parameters;
  /// For the listed methods that handle an intercurrent event (MethodSchema::
  /// intercurrent_event): the event -> the index of the endpoint that records it.
  std::map<std::string, std::size_t> event_endpoints;
};

/// A second, independently seeded cohort simulated under the control arm, on which the
/// PROCOVA prognostic model is fitted (never on the trial's own outcomes).
struct HistoricalCohort {
  CohortSpec cohort;
  std::uint64_t patients = 0;
  std::uint64_t seed = 0;
};

/// A single-arm trial (patients of `treatment_arm`) against an external cohort whose
/// patients are simulated under the control arm.
struct ExternalControl {
  CohortSpec cohort;
  std::uint64_t patients = 0;
  std::uint64_t seed = 0;
  std::size_t treatment_arm = 0;
  std::vector<std::size_t> covariates;  ///< propensity model covariates (default: all)
  int match_k = 1;
  double caliper_sd = 0.2;  ///< in SDs of the logit of the propensity score
};

/// One hypothesis of analysis.multiplicity: `method`'s test of `arm` against the control
/// arm on `endpoint` (its p-value is the series <endpoint>/<method>/<arm>/p).
struct MultiplicityHypothesis {
  std::size_t endpoint = 0;  ///< index into TrialSpec::endpoints
  std::size_t arm = 0;       ///< index into TrialSpec::arms, never the control arm
  std::string method;        ///< one of that endpoint's methods, with a test
};

/// `analysis.multiplicity`: the familywise error rate of several hypotheses (arms, doses,
/// endpoints) controlled at analysis.alpha by one procedure (stats/multiplicity.hpp).
struct MultiplicitySpec {
  /// kDunnett: the single-step many-to-one test of several arms against the shared control
  /// on one endpoint and method, from the joint normal of the comparisons.
  enum class Procedure { kBonferroni, kHolm, kHochberg, kGraphical, kDunnett };
  Procedure procedure = Procedure::kHolm;
  std::vector<MultiplicityHypothesis> hypotheses;  ///< at least one, no two alike
  /// Bonferroni and Holm: empty (equal weights 1/m) or m weights >= 0 summing to 1.
  /// Graphical: m initial weights >= 0 summing to at most 1. Hochberg: empty.
  std::vector<double> weights;
  /// Graphical only: the m x m transition matrix (a valid stats::MultiplicityGraph).
  std::vector<std::vector<double>> transitions;
};

/// The procedure's name as the spec and the result file write it: bonferroni, holm, ...
const char* to_string(MultiplicitySpec::Procedure procedure);

struct AnalysisSpec {
  double alpha = 0.05;  ///< two-sided level of tests and CIs
  double rmst_horizon = 0.0;  ///< default tau for RMST; defaults to trial.follow_up
  std::vector<EndpointAnalysis> endpoints;  ///< one per trial endpoint, same order
  std::optional<HistoricalCohort> procova;
  std::optional<ExternalControl> external_control;
  std::optional<MultiplicitySpec> multiplicity;
};

/// How the result file is stored (`output` section).
struct OutputSpec {
  /// gzip (deflate) level of the patient datasets, 1-9; 0 = uncompressed (the default).
  int gzip_level = 0;
};

/// Credibility context for the validation report (`report` section): free text the user
/// writes, and the two factors of model risk in ASME V&V 40.
struct ReportSpec {
  std::string question_of_interest;
  std::string context_of_use;
  std::string model_influence;       ///< low, medium or high; empty when not given
  std::string decision_consequence;  ///< low, medium or high; empty when not given
};

/// Outcomes of real patients read from a CSV file (`validation[].observed_file`): the
/// distribution the simulated arm is compared with as a whole.
struct ObservedOutcomes {
  std::string file;       ///< as written in the spec
  std::string path;       ///< where it was found (resolved like a cohort include)
  std::string text;       ///< the file's text, for its checksum and the resume fingerprint
  std::string time_unit;  ///< unit of the file's time column (time-to-event only)
  /// Time in the trial's time_unit (time-to-event), the value (continuous) or 0/1 (binary).
  std::vector<double> value;
  std::vector<std::int8_t> event;  ///< time-to-event only: 1 event, 0 censored
};

/// One observed reference the simulated trial is compared with (`validation` section).
/// A summary target gives `observed`: the replicate mean of the series
/// <endpoint>/arms/<arm>/<quantity> must lie within `tolerance` of it. A file target gives
/// `observed_outcomes` (quantity "distribution"): the Kolmogorov distance between the
/// simulated arm's distribution and the observed one must be at most `tolerance`.
struct ValidationTarget {
  std::string endpoint;
  std::string arm;
  std::string quantity;  ///< median, survival_at_<landmark>, mean, sd, rate, or distribution
  double observed = 0.0;
  double tolerance = 0.0;
  std::string source;    ///< where the observed value comes from
  /// File targets only. From a stored spec (read_stored_spec) only `file` and `time_unit`
  /// are set: the outcomes themselves are read from the result file.
  std::optional<ObservedOutcomes> observed_outcomes;

  bool from_file() const { return observed_outcomes.has_value(); }
};

struct TrialSpec {
  std::string source_file;
  std::string source_text;
  int schema_version = 1;
  TrialSettings trial;
  CohortSpec cohort;
  std::vector<Arm> arms;
  std::size_t control_arm = 0;
  ModelSpec model;
  /// Variables recorded per patient (`observations`), in spec order; times in days.
  std::vector<models::ObservationSchedule> observations;
  std::vector<EndpointSpec> endpoints;
  AnalysisSpec analysis;
  OutputSpec output;
  ReportSpec report;
  std::vector<ValidationTarget> validation;
  /// Every cohort file included, by the path as the spec writes it -> its text.
  std::map<std::string, std::string> included_files;

  std::vector<std::string> arm_names() const;
};

/// Where parse_spec finds the files a spec names. By default, on disk: cohort includes and
/// observed-outcome files in the spec's folder or below it.
struct SpecFiles {
  /// When set, cohort includes are read from `included_files` (the texts a result file
  /// stores, by the path as the spec writes it), not from disk: a stored spec re-reads the
  /// same cohorts wherever it is read.
  bool use_stored = false;
  std::map<std::string, std::string> included_files;
  /// False: validation targets keep only the name of their observed-outcome file (the
  /// report's own simulations do not need the outcomes, and the result file holds them).
  bool read_observed_outcomes = true;
  /// False: cohort includes and observed files must lie in the spec's folder or below it,
  /// symbolic links resolved (`--allow-include-outside` sets it). True: any path, and a
  /// relative one is also looked for in each folder above the spec's.
  bool allow_include_outside = false;
};

/// Read and validate a spec file; throws SpecError listing every problem found,
/// or UserError if the file cannot be read.
TrialSpec load_spec(const std::string& path, const SpecFiles& files = {});

/// Same, from text; `file` names the text in messages and anchors relative includes.
TrialSpec parse_spec(const std::string& text, const std::string& file, const SpecFiles& files = {});

/// What the validation report reads from the spec text stored in a result file, without
/// resolving its includes (which may not exist where the report is made).
struct StoredSpec {
  ReportSpec report;
  std::vector<ValidationTarget> validation;
  std::string model_name;
  /// model.parameters flattened: "hazard_ratio.treatment" = "0.75", in spec order.
  std::vector<std::pair<std::string, std::string>> model_parameters;
  /// Each `{variables: [...], matrix: [[...]]}` entry of model.parameters (an omega) that
  /// reads completely: its variables and its diagonal, the variances of their random
  /// effects. A malformed one is left out, so the report states nothing rather than a guess.
  struct Omega {
    std::string parameter;  ///< e.g. "omega"
    std::vector<std::string> variables;
    std::vector<double> variances;  ///< the diagonal, in the order of `variables`
  };
  std::vector<Omega> omegas;
  /// model.sources: parameter name -> where its value comes from.
  std::map<std::string, std::string> model_sources;
  /// Each arm's name and its spec entry without the name, in YAML flow style
  /// ("control: true, ratio: 1, regimen: {dose_mg: 50, ...}").
  std::vector<std::pair<std::string, std::string>> arms;
  /// trial.accrual and trial.dropout in YAML flow style, empty when the spec has none.
  std::string accrual, dropout;
  /// Each endpoint's data cut in flow style ("{events: 380}"; data_cut_events as such).
  std::map<std::string, std::string> data_cuts;
};
/// @throws SpecError if the text is not YAML or its report section is invalid.
StoredSpec read_stored_spec(const std::string& text, const std::string& file);

/// The spec text with model.parameters.<path> (dotted, e.g. "hazard_ratio.treatment") set
/// to `value`, re-emitted as YAML (comments are not kept), for sensitivity and tolerance
/// studies. An absent leaf is added. @throws UserError when the path crosses a value that is
/// not a mapping.
std::string with_model_parameter(const std::string& text, const std::string& path, double value);

}  // namespace silico::spec
