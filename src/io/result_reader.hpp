#pragma once
/// @file
/// @brief Reads a silico result file (serial, read-only), checking that it is one before
/// anything in it is used: format_version this build understands, status = complete, every
/// root attribute's type and range, and the shape of every dataset against `replicates` and
/// `patients` (docs/hdf5-layout.md, "What the readers check"). A damaged or foreign file is
/// a UserError naming the file and what is wrong in it, from the constructor or a read.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace silico::io {

struct ResultMetadata {
  std::int64_t format_version = 0;
  std::string silico_version;
  std::string trial_name;
  std::string status;
  std::uint64_t seed = 0;
  std::uint64_t replicates = 0;       ///< rows in this file
  std::uint64_t first_replicate = 0;  ///< the study replicate in row 0 (a job-array part)
  std::uint64_t study_replicates = 0; ///< replicates of the whole study (trial.replicates)
  std::uint64_t patients = 0;
  std::vector<std::string> arm_names;
  std::string control_arm;
  std::vector<std::string> endpoint_names;
  std::string time_unit;
  double follow_up = 0.0;
  double alpha = 0.05;
  double rmst_horizon = 0.0;
  double acceptance_rate = 1.0;
};

/// Recorded courses of one variable for consecutive patients of one replicate.
struct Trajectories {
  std::vector<double> times_days;
  std::string unit;
  std::vector<double> values;  ///< patients x times, row-major
};

/// One column of outcomes; `event` is empty for continuous endpoints.
struct Outcomes {
  std::vector<double> value;
  std::vector<std::int8_t> event;
};

class ResultReader {
 public:
  /// @throws UserError if the file cannot be opened, is not a silico result, has an
  /// unsupported format_version, is not complete, or fails a check of its layout.
  explicit ResultReader(const std::string& path);
  ~ResultReader();

  const ResultMetadata& metadata() const { return metadata_; }
  /// The file's path as given, for messages.
  const std::string& path() const;
  bool is_time_to_event(const std::string& endpoint) const;

  /// Per-patient columns of one replicate: the first `count` patients (all by default).
  /// Each arm is checked to be an index into arm_names.
  static constexpr std::uint64_t kAllPatients = ~std::uint64_t{0};
  std::vector<std::int32_t> arms(std::uint64_t replicate, std::uint64_t count = kAllPatients) const;

  /// Entry times (trial.accrual) of the first `count` patients of `replicate`, each checked
  /// finite and >= 0; empty when the file has none (every patient entered at 0).
  std::vector<double> entry_times(std::uint64_t replicate, std::uint64_t count = kAllPatients) const;

  /// Every analysis series under /replicates: path relative to it -> one value per replicate
  /// (exactly `replicates` values each, or a UserError).
  std::map<std::string, std::vector<double>> series() const;
  /// A string attribute of a group under /replicates, or empty if it has none.
  std::string series_attribute(const std::string& group, const std::string& name) const;
  std::vector<double> covariate(const std::string& name, std::uint64_t replicate,
                                std::uint64_t count = kAllPatients) const;
  /// Variables under /trajectories (empty when the spec recorded none).
  std::vector<std::string> trajectory_names() const;
  /// Patients [first, first + count) of `replicate` (count clipped to the patients).
  Trajectories trajectories(const std::string& name, std::uint64_t replicate, std::uint64_t first,
                            std::uint64_t count) const;

  /// Names of the covariates under /cohort/covariates.
  std::vector<std::string> covariate_names() const;

  /// Names of the individual parameters under /cohort/parameters (empty for a model
  /// without any), in name order.
  std::vector<std::string> parameter_names() const;
  /// Individual parameter `name` of the first `count` patients of `replicate`, each
  /// checked finite, or NaN where /cohort/model_failed flags the patient.
  std::vector<double> parameter(const std::string& name, std::uint64_t replicate,
                                std::uint64_t count = kAllPatients) const;

  /// Attributes of any object ("/" for the root, "/cohort/covariates/age", ...), for the
  /// report: a string (empty), strings (none), integer (0) or double (NaN) when the object
  /// has none; has_attribute tells an absent one from such a value.
  bool has_attribute(const std::string& object, const std::string& name) const;
  std::string string_attribute(const std::string& object, const std::string& name) const;
  std::vector<std::string> strings_attribute(const std::string& object, const std::string& name) const;
  std::int64_t integer_attribute(const std::string& object, const std::string& name) const;
  double double_attribute(const std::string& object, const std::string& name) const;
  Outcomes observed(const std::string& endpoint, std::uint64_t replicate, std::uint64_t count = kAllPatients) const;
  /// The observed outcomes stored for file target `index` of the spec's validation list
  /// (/validation/target_<index>), or nullopt when the file has none.
  std::optional<Outcomes> validation_outcomes(std::size_t index) const;
  Outcomes potential(const std::string& endpoint, const std::string& arm,
                     std::uint64_t replicate) const;

 private:
  Outcomes read_outcomes(const std::string& path, bool time_to_event, std::uint64_t replicate,
                         std::uint64_t count = kAllPatients) const;
  /// UserError unless every event flag is 0 or 1.
  void check_events(const std::string& path, const std::vector<std::int8_t>& events) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  ResultMetadata metadata_;
};

}  // namespace silico::io
