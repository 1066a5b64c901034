#pragma once
/// @file
/// @brief `silico report`: one self-contained HTML document of credibility evidence for a
/// trial run, in the sections of ASME V&V 40 and the FDA guidance on computational model
/// credibility. Pure: the command line reads the result file and fills ReportInputs; this
/// module only computes summaries and writes HTML with inline SVG charts (no scripts, no
/// fonts, nothing fetched), styled to print to PDF.

#include <cstdint>
#include <map>
#include <optional>
#include <limits>
#include <string>
#include <vector>

#include "report/studies.hpp"
#include "report/verify.hpp"
#include "spec/spec.hpp"
#include "stats/trial_operating.hpp"

namespace silico::report {

/// One baseline covariate of the reported replicate, one value per patient.
struct CovariateColumn {
  std::string name;
  std::string unit;
  std::vector<std::string> levels;  ///< categorical: the level names (values are indices)
  bool binary = false;              ///< bernoulli: values 0/1
  std::vector<double> values;
};

/// One endpoint of the reported replicate, observed under the assigned arm.
struct EndpointColumn {
  std::string name;
  std::string type;  ///< time_to_event, continuous or binary
  std::vector<double> value;       ///< time for time_to_event
  std::vector<std::int8_t> event;  ///< time_to_event only
};

/// Recorded courses of one variable for the first patients of the reported replicate.
struct TrajectoryColumn {
  std::string name;
  std::string unit;
  std::vector<double> times_days;
  std::vector<std::vector<double>> courses;  ///< one per patient, in patient order
};

/// Power by trial size from `silico design --json`.
struct PowerCurve {
  struct Point {
    std::uint64_t patients = 0;
    std::string method, treatment;
    double power = 0.0, mcse = 0.0;
    /// With a data cut: its events (0 unless an events cut), and the replicates' mean
    /// calendar time and patients entered at it (NaN when the JSON has none).
    std::uint64_t data_cut_events = 0;
    double cut_time = std::numeric_limits<double>::quiet_NaN();
    double cut_patients = std::numeric_limits<double>::quiet_NaN();
  };
  std::string endpoint;
  std::string over = "patients";  ///< what the search varied: patients or events
  /// The spec the design was run on: SHA-256 of its text (as silico run stores it in
  /// spec_yaml), its file, trial name and seed. Empty in JSON of an older silico design.
  std::string spec_sha256, spec_file, trial;
  double target_power = 0.8;
  std::uint64_t replicates = 0;
  std::vector<Point> points;  ///< the `curve` entries
};

struct ReportInputs {
  // What the result file says about the run (root attributes).
  std::string result_file;
  std::string trial_name;
  std::string silico_version;
  std::string git_commit;
  std::string created_utc;
  std::string command_line;
  std::string spec_file;
  std::string spec_yaml;
  std::string cohort_file;  ///< the included cohort file's path as the run resolved it
  std::string cohort_yaml;
  std::string time_unit;
  std::uint64_t seed = 0;
  std::uint64_t patients = 0;
  std::uint64_t replicates = 0;        ///< rows in the file
  std::uint64_t first_replicate = 0;
  std::int64_t mpi_ranks = 0;
  std::int64_t threads = 0;
  /// Wall time of the run (every attempt of a resumed one), or for a merged file the sum
  /// over its parts; absent in files written before silico recorded it.
  std::optional<double> wall_seconds;
  std::uint64_t merged_parts = 0;  ///< part files a `silico merge` joined; 0 for a run
  double follow_up = 0.0;
  double alpha = 0.05;
  double acceptance_rate = 1.0;
  std::vector<std::string> arms;
  std::string control_arm;
  spec::StoredSpec spec;  ///< report section, model name and parameters; the observed
                          ///< outcomes of file targets filled from the result file
  /// SHA-256 of each observed-outcomes file as read at run time, by index in spec.validation.
  std::map<std::size_t, std::string> observed_checksums;

  // The replicate shown in the results section (the file's first).
  std::vector<std::int32_t> arm_of_patient;
  /// Entry times of the same patients (trial.accrual); empty when all entered at 0.
  std::vector<double> entry_time;
  std::vector<CovariateColumn> covariates;
  std::vector<EndpointColumn> endpoints;
  std::vector<TrajectoryColumn> trajectories;  ///< patients 0 .. courses.size()-1

  /// Every analysis series, path relative to /replicates -> one value per replicate.
  std::map<std::string, std::vector<double>> series;
  /// Measure of each method group ("os/cox" -> "hazard_ratio").
  std::map<std::string, std::string> measures;
  /// The estimand of each method group (ICH E9(R1) attributes population, variable,
  /// intercurrent_events, summary -> text); empty for files written before silico stored it.
  std::map<std::string, std::map<std::string, std::string>> estimands;
  /// The spec's order, which tables and plots follow (series is a map, so alphabetical):
  /// the endpoints (the file's endpoint_names; empty: those of `endpoints`, then the rest
  /// alphabetically) and each endpoint's methods, primary first (the `methods` attribute
  /// of its group). Arms follow `arms`. Names not listed come after, alphabetically.
  std::vector<std::string> endpoint_order;
  std::map<std::string, std::vector<std::string>> method_order;

  /// Operating characteristics over the replicates as `silico summarize` computes them
  /// (with replicates > 1): the group-sequential design of each endpoint's primary method,
  /// one row per treatment arm, and analysis.multiplicity. Empty / absent without them.
  struct GroupSequentialEndpoint {
    std::string endpoint;
    std::vector<stats::GroupSequentialRow> rows;
  };
  std::vector<GroupSequentialEndpoint> group_sequential;
  std::optional<stats::MultiplicitySummary> multiplicity;

  /// The report's own simulations (studies.hpp); empty with the reason when they could
  /// not be run (e.g. the spec's cohort include is not found from here).
  std::optional<CalculationCheck> calculation;
  std::string calculation_error;
  std::optional<SensitivityStudy> sensitivity;
  std::string sensitivity_error;

  /// The power curve of a design search, when a DESIGN.json was given.
  std::optional<PowerCurve> power_curve;

  /// `silico verify` cases, when a VERIFY.json was given.
  std::vector<VerificationCase> verification;
  bool verification_given = false;
};

/// The whole document.
std::string render_report(const ReportInputs& inputs);

/// Model risk from the two factors of ASME V&V 40 (each low, medium or high): the sum of
/// their ranks (0-4) read as low (0-1), medium (2) or high (3-4); empty when either is
/// missing.
std::string model_risk(const std::string& influence, const std::string& consequence);

/// Reads the JSON that `silico verify -o` writes. @throws UserError naming the file and
/// what was expected when it is not such a document.
std::vector<VerificationCase> parse_verification_json(const std::string& text, const std::string& file);

/// Reads the JSON that `silico design --json` writes. @throws UserError as above.
PowerCurve parse_design_json(const std::string& text, const std::string& file);

/// Refuses a design written for another spec than the run's: @throws UserError naming
/// both (the design file's spec and the result file's) when the SHA-256 the design JSON
/// carries differs from that of `spec_yaml`, the spec text stored in `result_file`, or
/// asking to re-run silico design when the JSON carries none (an older silico design).
void check_design_spec(const PowerCurve& curve, const std::string& design_file, const std::string& spec_yaml,
                       const std::string& spec_file, const std::string& trial_name, const std::string& result_file);


}  // namespace silico::report
