#include "spec/spec.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "core/csv.hpp"
#include "core/text.hpp"
#include "spec/criteria.hpp"
#include "spec/include_path.hpp"
#include "spec/limits.hpp"
#include "spec/yaml_reader.hpp"

namespace silico::spec {

using detail::Located;
using detail::Reader;
using detail::describe_bytes;

std::vector<std::string> CohortSpec::covariate_names() const {
  std::vector<std::string> names;
  for (const auto& c : covariates) names.push_back(c.name);
  return names;
}

const char* method_name(Method method) {
  switch (method) {
    case Method::kWelch: return "welch";
    case Method::kAncova: return "ancova";
    case Method::kProcova: return "procova";
    case Method::kPsm: return "psm";
    case Method::kIptw: return "iptw";
    case Method::kLogrank: return "logrank";
    case Method::kCox: return "cox";
    case Method::kRmst: return "rmst";
    case Method::kKmMedian: return "km_median";
    case Method::kRiskDifference: return "risk_difference";
    case Method::kRiskRatio: return "risk_ratio";
    case Method::kOddsRatio: return "odds_ratio";
  }
  return "";
}

namespace {
/// The trial time units and their length in days. A month is a twelfth of a 365.25-day
/// (Julian) year, so 12 months are exactly one year.
const std::vector<std::pair<std::string, double>>& time_units() {
  static const std::vector<std::pair<std::string, double>> units = {
      {"days", 1.0}, {"weeks", 7.0}, {"months", 30.4375}, {"years", 365.25}};
  return units;
}
}  // namespace

double days_per_time_unit(const std::string& unit) {
  for (const auto& [name, days] : time_units()) {
    if (name == unit) return days;
  }
  throw std::invalid_argument("unknown time unit '" + unit + "'");
}

std::vector<std::string> TrialSpec::arm_names() const {
  std::vector<std::string> names;
  for (const auto& a : arms) names.push_back(a.name);
  return names;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// The shortest text that reads back as `x`, for messages.
std::string format_number(double x) {
  char text[32];
  const auto r = std::to_chars(text, text + sizeof(text), x);
  return std::string(text, r.ptr);
}
constexpr std::uint64_t kMaxPatients = std::uint64_t{1} << 40;
constexpr std::uint64_t kMaxReplicates = 1'000'000;
constexpr std::size_t kMaxObservationTimes = 100'000;
constexpr double kSmallestBernoulliP = 1e-15;

/// "the spec is larger than 16 MiB" at the start of the file: nothing of it is parsed.
void add_too_large(const std::string& file, const std::string& what, DiagnosticList& diagnostics) {
  diagnostics.add({file, 1, 1}, "",
                  what + " is larger than " + describe_bytes(detail::kMaxFileBytes) + ", the most silico reads");
}

/// Parse YAML text; a syntax error becomes a diagnostic and an undefined node, and so does
/// a file with an oversized key or value or too deep a nesting (after their diagnostics).
YAML::Node load_yaml(const std::string& text, const std::string& file, DiagnosticList& diagnostics) {
  if (text.size() > detail::kMaxFileBytes) {
    add_too_large(file, "the file", diagnostics);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (!detail::check_node_count(text, file, diagnostics)) return YAML::Node(YAML::NodeType::Undefined);
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      const YAML::Mark second = documents[1].Mark();
      diagnostics.add({file, second.line + 1, second.column + 1}, "",
                      "expected one YAML document, found " + std::to_string(documents.size()) +
                          " (remove the extra '---')");
    }
    if (documents.empty()) return YAML::Node();
    if (!detail::check_node_sizes(documents.front(), file, diagnostics)) return YAML::Node(YAML::NodeType::Undefined);
    return documents.front();
  } catch (const YAML::Exception& e) {
    diagnostics.add({file, e.mark.line + 1, e.mark.column + 1}, "",
                    "YAML syntax error: " + e.msg);
    return YAML::Node(YAML::NodeType::Undefined);
  }
}

std::unordered_map<std::string, std::size_t> index_of_names(const std::vector<std::string>& names) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < names.size(); ++i) index.emplace(names[i], i);
  return index;
}

/// Reads one spec; holds what later sections need from earlier ones.
class SpecReader {
 public:
  SpecReader(DiagnosticList& diagnostics, std::string file, SpecFiles files = {})
      : diagnostics_(diagnostics), reader_(diagnostics), file_(std::move(file)), files_(std::move(files)) {}

  /// The `report` and `validation` sections alone, from a spec whose other sections are
  /// not needed (names are not checked against endpoints and arms: the run did that).
  void read_report_only(const YAML::Node& root, StoredSpec& stored) {
    const Located top{root, file_, "", std::nullopt};
    read_report(top, stored.report);
    TrialSpec spec;
    read_validation(top, spec, false);
    stored.validation = std::move(spec.validation);
  }

  /// validation: [{endpoint, arm, quantity, observed, tolerance, source}, ...] (summary
  /// targets) or [{endpoint, arm, observed_file, time_unit, tolerance, source}, ...] (file
  /// targets). With `check_names`, endpoint, arm and quantity must exist in the spec:
  /// quantity median or survival_at_<a landmark> for a time-to-event endpoint, mean or sd
  /// for a continuous one, rate for a binary one; and the observed file is read.
  void read_validation(const Located& top, TrialSpec& spec, bool check_names) {
    if (!Reader::has(top, "validation")) return;
    const Located list = top.child("validation");
    if (!reader_.expect_sequence(list, "validation targets")) return;
    if (!within_limit(list, detail::kMaxValidationTargets, "validation targets")) return;
    for (std::size_t i = 0; i < list.node.size(); ++i) {
      const Located at = list.element(i);
      if (!reader_.expect_mapping(at, {"endpoint", "arm", "quantity", "observed", "observed_file", "time_unit",
                                       "tolerance", "source"})) {
        continue;
      }
      const bool from_file = Reader::has(at, "observed_file");
      ValidationTarget target;
      bool ok = true;
      std::vector<std::tuple<const char*, std::string*, const char*>> required = {
          {"endpoint", &target.endpoint, "an endpoint name"}, {"arm", &target.arm, "an arm name"}};
      if (!from_file) {
        required.emplace_back("quantity", &target.quantity, "median, survival_at_<landmark>, mean, sd or rate");
      }
      for (const auto& [key, field, expected] : required) {
        if (!Reader::has(at, key)) {
          reader_.missing(at, key, expected);
          ok = false;
        } else if (auto v = reader_.string(at.child(key), expected)) {
          *field = *v;
        } else {
          ok = false;
        }
      }
      if (Reader::has(at, "source")) {
        if (auto v = reader_.string(at.child("source"), "where the observed value comes from")) target.source = *v;
      }
      if (from_file) {
        // The distance between two distribution functions is in [0, 1].
        const auto tolerance = reader_.number_in(at, "tolerance", true, 0.0, 1.0, false,
                                                 "the largest acceptable distance between the simulated and "
                                                 "observed distributions, in [0, 1]");
        ok = read_observed_file_entry(at, target) && ok;
        if (!ok || !tolerance) continue;
        target.quantity = "distribution";
        target.tolerance = *tolerance;
        if (check_names && !check_validation_names(at, spec, target)) continue;
        if (check_names && files_.read_observed_outcomes && !load_observed(at, spec, target)) continue;
        spec.validation.push_back(std::move(target));
        continue;
      }
      if (Reader::has(at, "time_unit")) {
        reader_.error(at.child("time_unit").at_key(), "time_unit is the unit of an observed_file's time column; "
                                                      "a summary target is in the trial's time_unit");
        ok = false;
      }
      const auto observed = reader_.number_in(at, "observed", true, -kInf, kInf, false, "the observed value");
      const auto tolerance =
          reader_.number_in(at, "tolerance", true, 0.0, kInf, true, "the largest acceptable |simulated - observed|");
      if (!ok || !observed || !tolerance) continue;
      target.observed = *observed;
      target.tolerance = *tolerance;
      if (check_names && !check_validation_target(at, spec, target)) continue;
      spec.validation.push_back(std::move(target));
    }
  }

  /// observed_file (and time_unit) of a file target, not yet read.
  bool read_observed_file_entry(const Located& at, ValidationTarget& target) {
    bool ok = true;
    for (const char* key : {"quantity", "observed"}) {
      if (Reader::has(at, key)) {
        reader_.error(at.child(key).at_key(), std::string("'") + key +
                                                  "' cannot stand beside 'observed_file': a file target compares "
                                                  "whole distributions");
        ok = false;
      }
    }
    ObservedOutcomes outcomes;
    if (auto v = reader_.string(at.child("observed_file"), "a path to a CSV file of observed outcomes")) {
      outcomes.file = *v;
    } else {
      ok = false;
    }
    if (Reader::has(at, "time_unit")) {
      const Located unit = at.child("time_unit");
      if (auto v = reader_.string(unit, "days, weeks, months or years")) {
        const auto& units = time_units();
        if (std::none_of(units.begin(), units.end(), [&](const auto& u) { return u.first == *v; })) {
          reader_.error(unit, "unknown time unit '" + *v + "'; expected days, weeks, months or years");
          ok = false;
        }
        outcomes.time_unit = *v;
      } else {
        ok = false;
      }
    }
    target.observed_outcomes = std::move(outcomes);
    return ok;
  }

  /// Reads a file target's CSV: columns time and event (0/1) for a time-to-event endpoint,
  /// value for a continuous one, value 0/1 for a binary one; times converted to the
  /// trial's time_unit.
  bool load_observed(const Located& at, const TrialSpec& spec, ValidationTarget& target) {
    auto& outcomes = *target.observed_outcomes;
    const Located file_at = at.child("observed_file");
    const auto path = read_included(file_at, outcomes.file, "observed file", outcomes.text);
    if (!path) return false;
    outcomes.path = *path;
    const auto table =
        parse_numeric_csv(outcomes.text, *path, file_at.path, diagnostics_, detail::kMaxObservedRecords);
    if (!table) return false;
    const auto& endpoint = *std::find_if(spec.endpoints.begin(), spec.endpoints.end(),
                                         [&](const EndpointSpec& e) { return e.name == target.endpoint; });
    const bool time_to_event = endpoint.type == models::OutputType::kTimeToEvent;
    const bool binary = endpoint.type == models::OutputType::kBinary;
    if (!time_to_event && !outcomes.time_unit.empty()) {
      reader_.error(at.child("time_unit").at_key(), "time_unit applies to the time column of a time-to-event "
                                                    "endpoint; '" + target.endpoint + "' is " +
                                                    models::to_string(endpoint.type));
      return false;
    }
    const std::vector<std::string> needed =
        time_to_event ? std::vector<std::string>{"time", "event"} : std::vector<std::string>{"value"};
    const auto csv_error = [&](int line, int column, const std::string& message) {
      diagnostics_.add(SourceLocation{*path, line, column}, file_at.path, message);
    };
    std::vector<std::size_t> index;
    for (const auto& name : needed) {
      const auto c = table->find(name);
      if (!c) {
        // The file's own names, a few and short: it need not be the user's file.
        std::string columns;
        for (std::size_t k = 0; k < table->columns.size() && k < 20; ++k) {
          columns += (k == 0 ? "" : ", ") + excerpt(table->columns[k], 30);
        }
        if (table->columns.size() > 20) columns += ", ... (" + std::to_string(table->columns.size()) + " columns)";
        csv_error(1, 1, "no column '" + name + "' (the file has: " + columns + "); endpoint '" + target.endpoint +
                            "' (" + models::to_string(endpoint.type) + ") needs " +
                            (time_to_event ? "time and event (1 = event, 0 = censored)"
                                           : binary ? "value (0 or 1)" : "value"));
        return false;
      }
      index.push_back(*c);
    }
    if (table->records() == 0) {
      csv_error(1, 1, "no observed outcomes: the file has a header row only");
      return false;
    }
    const std::size_t before = diagnostics_.size();
    const double scale = time_to_event && !outcomes.time_unit.empty()
                             ? days_per_time_unit(outcomes.time_unit) / days_per_time_unit(spec.trial.time_unit)
                             : 1.0;
    std::size_t events = 0;
    for (std::size_t r = 0; r < table->records(); ++r) {
      const double v = table->values[index[0]][r];
      if (time_to_event) {
        const double e = table->values[index[1]][r];
        if (v < 0.0) {
          csv_error(table->lines[r], table->cell_columns[index[0]][r], "time " + format_number(v) + " is negative");
        }
        if (e != 0.0 && e != 1.0) {
          csv_error(table->lines[r], table->cell_columns[index[1]][r],
                    "event must be 1 (event) or 0 (censored), got " + format_number(e));
        }
        outcomes.value.push_back(v * scale);
        outcomes.event.push_back(static_cast<std::int8_t>(e == 1.0));
        events += e == 1.0;
      } else {
        if (binary && v != 0.0 && v != 1.0) {
          csv_error(table->lines[r], table->cell_columns[index[0]][r], "value must be 0 or 1, got " + format_number(v));
        }
        outcomes.value.push_back(v);
      }
    }
    if (diagnostics_.size() > before) return false;
    if (time_to_event && events == 0) {
      csv_error(1, 1, "no events among the " + std::to_string(table->records()) +
                          " observed patients: the survival curve cannot be compared");
      return false;
    }
    if (time_to_event && outcomes.time_unit.empty()) outcomes.time_unit = spec.trial.time_unit;
    return true;
  }

  /// The endpoint and arm a target names exist.
  bool check_validation_names(const Located& at, const TrialSpec& spec, const ValidationTarget& target) {
    if (std::none_of(spec.endpoints.begin(), spec.endpoints.end(),
                     [&](const EndpointSpec& e) { return e.name == target.endpoint; })) {
      std::vector<std::string> names;
      for (const auto& endpoint : spec.endpoints) names.push_back(endpoint.name);
      reader_.error(at.child("endpoint"), "unknown endpoint '" + target.endpoint + "' (endpoints: " +
                                              detail::list_names(names) + ")");
      return false;
    }
    const auto arms = spec.arm_names();
    if (std::find(arms.begin(), arms.end(), target.arm) == arms.end()) {
      reader_.error(at.child("arm"), "unknown arm '" + target.arm + "' (arms: " + detail::list_names(arms) + ")");
      return false;
    }
    return true;
  }

  bool check_validation_target(const Located& at, const TrialSpec& spec, const ValidationTarget& target) {
    if (!check_validation_names(at, spec, target)) return false;
    std::size_t e = 0;
    while (spec.endpoints[e].name != target.endpoint) ++e;
    const auto type = spec.endpoints[e].type;
    const std::string& q = target.quantity;
    bool known = false;
    std::string allowed;
    if (type == models::OutputType::kTimeToEvent) {
      allowed = "median or survival_at_<t> for a landmark t of analysis.endpoints." + target.endpoint + ".landmarks";
      const std::string prefix = "survival_at_";
      if (q == "median") {
        known = true;
      } else if (q.compare(0, prefix.size(), prefix) == 0 && e < spec.analysis.endpoints.size()) {
        for (double t : spec.analysis.endpoints[e].landmarks) {
          char text[32];
          const auto r = std::to_chars(text, text + sizeof(text), t);
          known = known || q == prefix + std::string(text, r.ptr);
        }
      }
    } else if (type == models::OutputType::kBinary) {
      allowed = "rate for a binary endpoint";
      known = q == "rate";
    } else {
      allowed = "mean or sd for a continuous endpoint";
      known = q == "mean" || q == "sd";
    }
    if (!known) reader_.error(at.child("quantity"), "quantity '" + q + "' is not simulated; expected " + allowed);
    return known;
  }

  TrialSpec read(const YAML::Node& root, const std::string& text) {
    TrialSpec spec;
    spec.source_file = file_;
    spec.source_text = text;
    const Located top{root, file_, "", std::nullopt};
    if (!reader_.expect_mapping(top, {"schema_version", "trial", "cohort", "arms", "model",
                                      "observations", "endpoints", "analysis", "output", "report",
                                      "validation"})) {
      return spec;
    }
    read_schema_version(top);
    read_trial(top, spec.trial);
    cohort_ok_ = read_cohort_section(top, spec.cohort);
    covariate_index_ = index_of_names(spec.cohort.covariate_names());
    arms_ok_ = read_arms(top, spec);
    read_model(top, spec);
    read_observations(top, spec);
    create_model(spec);
    read_endpoints(top, spec);
    read_analysis(top, spec);
    read_output(top, spec.output);
    read_report(top, spec.report);
    read_validation(top, spec, true);
    spec.included_files = std::move(included_);
    return spec;
  }

 private:
  void read_schema_version(const Located& top) {
    if (!Reader::has(top, "schema_version")) {
      reader_.missing(top, "schema_version", "the spec format version, 1");
      return;
    }
    const Located at = top.child("schema_version");
    const auto version = reader_.unsigned_integer(at, "schema version 1");
    if (version && *version != 1) {
      reader_.error(at, "unsupported schema_version " + std::to_string(*version) +
                            "; this silico reads schema_version 1");
    }
  }

  void read_trial(const Located& top, TrialSettings& trial) {
    if (!Reader::has(top, "trial")) {
      reader_.missing(top, "trial", "a mapping with name, seed, patients, follow_up");
      return;
    }
    const Located at = top.child("trial");
    if (!reader_.expect_mapping(at, {"name", "seed", "patients", "replicates", "time_unit",
                                     "follow_up", "randomization_block"})) {
      return;
    }
    if (Reader::has(at, "name")) {
      const Located name = at.child("name");
      if (auto v = reader_.string(name, "a trial name")) {
        if (short_name(name, *v, "a trial name")) trial.name = *v;
      }
    } else {
      reader_.missing(at, "name", "a trial name");
    }
    if (auto v = required_unsigned(at, "seed", "an unsigned 64-bit integer seed")) trial.seed = *v;
    if (auto v = required_unsigned(at, "patients", "the number of randomized patients, >= 2")) {
      if (*v < 2 || *v > kMaxPatients) {
        reader_.error(at.child("patients"), "expected a number of patients between 2 and 2^40, got " +
                                                std::to_string(*v));
      } else {
        trial.patients = *v;
      }
    }
    if (Reader::has(at, "replicates")) {
      const Located r = at.child("replicates");
      if (auto v = reader_.unsigned_integer(r, "a number of replicate trials >= 1")) {
        if (*v < 1 || *v > kMaxReplicates) {
          reader_.error(r, "expected a number of replicate trials between 1 and 1000000, got " +
                               std::to_string(*v));
        } else {
          trial.replicates = *v;
        }
      }
    }
    if (Reader::has(at, "time_unit")) {
      const Located u = at.child("time_unit");
      if (auto v = reader_.string(u, "days, weeks, months or years")) {
        std::vector<std::string> units;
        for (const auto& unit : time_units()) units.push_back(unit.first);
        if (std::find(units.begin(), units.end(), *v) == units.end()) {
          const std::string suggestion = reader_.suggest(*v, units);
          reader_.error(u, "unknown time unit '" + *v + "'" +
                               (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                               " (expected days, weeks, months or years)");
        } else {
          trial.time_unit = *v;
        }
      }
    }
    if (auto v = reader_.number_in(at, "follow_up", true, 0.0, kInf, true,
                                   "the end of follow-up, a number > 0 in time_unit")) {
      trial.follow_up = *v;
    }
    if (Reader::has(at, "randomization_block")) {
      const Located b = at.child("randomization_block");
      if (auto v = reader_.unsigned_integer(b, "a permuted-block size >= 1")) {
        if (*v < 1 || *v > 1'000'000) {
          reader_.error(b, "expected a permuted-block size between 1 and 1000000, got " +
                               std::to_string(*v));
        } else {
          trial.randomization_block = static_cast<std::uint32_t>(*v);
          block_location_ = b;
        }
      }
    }
  }

  std::optional<std::uint64_t> required_unsigned(const Located& parent, const std::string& key,
                                                 const std::string& expected) {
    if (!Reader::has(parent, key)) {
      reader_.missing(parent, key, expected);
      return std::nullopt;
    }
    return reader_.unsigned_integer(parent.child(key), expected);
  }

  // ---- cohort ------------------------------------------------------------------------

  bool read_cohort_section(const Located& top, CohortSpec& cohort) {
    cohort.source_file = file_;
    if (!Reader::has(top, "cohort")) {
      reader_.missing(top, "cohort", "covariates inline or include: cohorts/<file>.yaml");
      return false;
    }
    const Located at = top.child("cohort");
    if (!reader_.expect_mapping(at, {"include", "covariates", "correlation", "criteria",
                                     "max_screening_attempts"})) {
      return false;
    }
    if (!Reader::has(at, "include")) return read_cohort_body(at, cohort);

    for (const char* key : {"covariates", "correlation", "criteria"}) {
      if (Reader::has(at, key)) {
        reader_.error(at.child(key), std::string("a cohort is either included or written inline; '") +
                                         key + "' cannot stand beside 'include'");
        return false;
      }
    }
    const Located include = at.child("include");
    const auto relative = reader_.string(include, "a path to a cohort file");
    if (!relative) return false;
    std::string text;
    std::optional<std::string> path;
    if (files_.use_stored) {
      const auto stored = files_.included_files.find(*relative);
      if (stored == files_.included_files.end()) {
        reader_.error(include, "cohort file '" + *relative + "' is not among the files stored with the spec");
        return false;
      }
      path = *relative;
      text = stored->second;
    } else {
      path = read_included(include, *relative, "cohort file", text);
      if (!path) return false;
    }
    included_[*relative] = text;
    const std::size_t errors_before = diagnostics_.size();
    const YAML::Node root = load_yaml(text, *path, diagnostics_);
    if (diagnostics_.size() > errors_before) return false;
    const Located included{root, *path, "", std::nullopt};
    if (!reader_.expect_mapping(included, {"description", "covariates", "correlation", "criteria",
                                           "max_screening_attempts"})) {
      return false;
    }
    if (Reader::has(included, "description")) {
      reader_.string(included.child("description"), "a free-text description");
    }
    cohort.source_file = *path;
    cohort.source_text = text;
    const bool ok = read_cohort_body(included, cohort);
    // Screening attempts may be tuned per trial even for a shared cohort.
    if (Reader::has(at, "max_screening_attempts")) read_attempts(at, cohort);
    return ok;
  }

  /// False, after an error naming the limit, if the list or mapping at `at` has more than
  /// `limit` entries.
  bool within_limit(const Located& at, std::size_t limit, const std::string& what) {
    const std::size_t size = at.node.size();
    if (size <= limit) return true;
    reader_.error(at, "expected at most " + std::to_string(limit) + " " + what + ", got " + std::to_string(size));
    return false;
  }

  /// False, after an error, if a name the spec defines (`value`, read at `at`) is longer
  /// than names may be.
  bool short_name(const Located& at, const std::string& value, const std::string& what) {
    if (value.size() <= detail::kMaxNameBytes) return true;
    reader_.error(at, what + " of " + std::to_string(value.size()) + " bytes; names are at most " +
                          describe_bytes(detail::kMaxNameBytes));
    return false;
  }

  /// Finds and reads a file the spec names at `at`; its path for messages, or nullopt
  /// after a located error (outside the spec's folder, not found, unreadable, too large).
  std::optional<std::string> read_included(const Located& at, const std::string& written, const std::string& what,
                                           std::string& text) {
    const auto found = detail::find_include(written, file_, files_.allow_include_outside, what);
    if (!found.problem.empty()) {
      reader_.error(at, found.problem);
      return std::nullopt;
    }
    switch (detail::read_bounded(found.read_from, text)) {
      case detail::BoundedRead::kOk: return found.path;
      case detail::BoundedRead::kTooLarge:
        reader_.error(at, what + " '" + found.path + "' is larger than " + describe_bytes(detail::kMaxFileBytes) +
                              ", the most silico reads");
        return std::nullopt;
      case detail::BoundedRead::kUnreadable: break;
    }
    reader_.error(at, "cannot read " + what + " '" + found.path + "'");
    return std::nullopt;
  }

  void read_attempts(const Located& at, CohortSpec& cohort) {
    const Located a = at.child("max_screening_attempts");
    if (auto v = reader_.unsigned_integer(a, "a number of candidates per patient >= 1")) {
      if (*v < 1 || *v > 100'000'000) {
        reader_.error(a, "expected a number of candidates per patient between 1 and 100000000, got " +
                             std::to_string(*v));
      } else {
        cohort.max_screening_attempts = static_cast<std::uint32_t>(*v);
      }
    }
  }

  bool read_cohort_body(const Located& at, CohortSpec& cohort) {
    const std::size_t errors_before = diagnostics_.size();
    if (Reader::has(at, "max_screening_attempts")) read_attempts(at, cohort);
    if (!Reader::has(at, "covariates")) {
      reader_.missing(at, "covariates", "a mapping from covariate name to its distribution");
      return false;
    }
    const Located covariates = at.child("covariates");
    if (!reader_.expect_mapping(covariates, {})) return false;
    if (!within_limit(covariates, detail::kMaxCovariates, "covariates")) return false;
    for (const auto& [name, node] : reader_.members(covariates)) {
      if (!is_identifier(name)) {
        reader_.error(node.at_key(), "covariate names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)");
        continue;
      }
      Covariate covariate;
      covariate.name = name;
      if (read_covariate(node, covariate)) cohort.covariates.push_back(std::move(covariate));
    }
    if (cohort.covariates.empty() && diagnostics_.size() == errors_before) {
      reader_.error(covariates, "expected at least one covariate");
    }
    const bool covariates_ok = diagnostics_.size() == errors_before;
    read_correlation(at, cohort, covariates_ok);
    if (covariates_ok) read_criteria(at, cohort);
    return diagnostics_.size() == errors_before;
  }

  bool read_covariate(const Located& at, Covariate& c) {
    static const std::vector<std::string> kDistributions = {
        "normal", "truncated_normal", "lognormal", "uniform", "bernoulli", "categorical"};
    if (!at.node.IsMap()) {
      reader_.error(at, "expected a mapping with 'distribution' and its parameters, got " +
                            detail::describe_node(at.node));
      return false;
    }
    if (!Reader::has(at, "distribution")) {
      reader_.missing(at, "distribution", join_alternatives(kDistributions));
      return false;
    }
    const Located d = at.child("distribution");
    const auto name = reader_.string(d, join_alternatives(kDistributions));
    if (!name) return false;
    const std::size_t errors_before = diagnostics_.size();
    const auto num = [&](const std::string& key, bool required, double min, bool exclusive,
                         const std::string& expected, double& out) {
      if (auto v = reader_.number_in(at, key, required, min, kInf, exclusive, expected)) out = *v;
    };
    if (*name == "normal") {
      c.distribution = Distribution::kNormal;
      reader_.expect_mapping(at, {"distribution", "unit", "mean", "sd"});
      num("mean", true, -kInf, false, "a number", c.mean);
      num("sd", true, 0.0, true, "a standard deviation > 0", c.sd);
    } else if (*name == "truncated_normal") {
      c.distribution = Distribution::kTruncatedNormal;
      reader_.expect_mapping(at, {"distribution", "unit", "mean", "sd", "lower", "upper"});
      num("mean", true, -kInf, false, "a number", c.mean);
      num("sd", true, 0.0, true, "a standard deviation > 0", c.sd);
      num("lower", false, -kInf, false, "a lower bound", c.lower);
      num("upper", false, -kInf, false, "an upper bound", c.upper);
      if (!Reader::has(at, "lower") && !Reader::has(at, "upper")) {
        reader_.error(at, "a truncated_normal needs 'lower', 'upper' or both");
      } else if (!(c.lower < c.upper)) {
        reader_.error(at.child("upper"), "expected upper > lower");
      }
    } else if (*name == "lognormal") {
      c.distribution = Distribution::kLognormal;
      reader_.expect_mapping(at, {"distribution", "unit", "meanlog", "sdlog"});
      num("meanlog", true, -kInf, false, "the mean of log(x)", c.meanlog);
      num("sdlog", true, 0.0, true, "the standard deviation of log(x), > 0", c.sdlog);
    } else if (*name == "uniform") {
      c.distribution = Distribution::kUniform;
      reader_.expect_mapping(at, {"distribution", "unit", "min", "max"});
      num("min", true, -kInf, false, "a number", c.min);
      num("max", true, -kInf, false, "a number", c.max);
      if (Reader::has(at, "min") && Reader::has(at, "max") && !(c.min < c.max)) {
        reader_.error(at.child("max"), "expected max > min");
      }
    } else if (*name == "bernoulli") {
      c.distribution = Distribution::kBernoulli;
      reader_.expect_mapping(at, {"distribution", "unit", "p"});
      if (auto v = reader_.number_in(at, "p", true, 0.0, 1.0, false, "a probability in [0, 1]")) {
        // A patient is 1 when a latent normal exceeds its (1 - p) quantile. Below 1e-15,
        // 1 - p rounds to 1 (from about 5.6e-17, which has no quantile) or the p drawn is
        // off by more than 0.1%.
        if (*v != 0.0 && *v < kSmallestBernoulliP) {
          reader_.error(at.child("p"), "expected p = 0 or p in [1e-15, 1], got " + format_number(*v) +
                                           ": a smaller probability is not representable in the latent "
                                           "normal draw (use 0)");
        } else {
          c.p = *v;
        }
      }
    } else if (*name == "categorical") {
      c.distribution = Distribution::kCategorical;
      reader_.expect_mapping(at, {"distribution", "unit", "levels", "probabilities"});
      read_categorical(at, c);
    } else {
      const std::string suggestion = reader_.suggest(*name, kDistributions);
      reader_.error(d, "unknown distribution '" + excerpt(*name) + "'" +
                           (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                           " (expected " + join_alternatives(kDistributions) + ")");
      return false;
    }
    if (Reader::has(at, "unit")) {
      if (auto v = reader_.string(at.child("unit"), "a unit label")) c.unit = *v;
    }
    return diagnostics_.size() == errors_before;
  }

  void read_categorical(const Located& at, Covariate& c) {
    if (!Reader::has(at, "levels")) {
      reader_.missing(at, "levels", "a list of at least two level labels");
    } else {
      const Located levels = at.child("levels");
      if (reader_.expect_sequence(levels, "level labels") && within_limit(levels, detail::kMaxLevels, "levels")) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < levels.node.size(); ++i) {
          const Located level = levels.element(i);
          if (auto v = reader_.string(level, "a level label")) {
            if (!short_name(level, *v, "a level label")) continue;
            if (!seen.insert(*v).second) reader_.error(level, "duplicate level '" + *v + "'");
            c.levels.push_back(*v);
          }
        }
        if (levels.node.size() < 2) reader_.error(levels, "expected at least two levels");
      }
    }
    if (!Reader::has(at, "probabilities")) {
      reader_.missing(at, "probabilities", "one probability per level, summing to 1");
      return;
    }
    const Located probabilities = at.child("probabilities");
    if (!reader_.expect_sequence(probabilities, "probabilities")) return;
    if (!within_limit(probabilities, detail::kMaxLevels, "probabilities")) return;
    double sum = 0.0;
    for (std::size_t i = 0; i < probabilities.node.size(); ++i) {
      const Located p = probabilities.element(i);
      if (auto v = reader_.number(p, "a probability in [0, 1]")) {
        if (*v < 0.0 || *v > 1.0) reader_.error(p, "expected a probability in [0, 1], got " + excerpt(p.node.Scalar()));
        c.probabilities.push_back(*v);
        sum += *v;
      }
    }
    if (c.probabilities.size() != probabilities.node.size()) return;
    if (!c.levels.empty() && c.probabilities.size() != c.levels.size()) {
      reader_.error(probabilities, "expected " + std::to_string(c.levels.size()) +
                                       " probabilities, one per level, got " +
                                       std::to_string(c.probabilities.size()));
    } else if (std::fabs(sum - 1.0) > 1e-9) {
      std::ostringstream message;
      message << "expected probabilities summing to 1, got a sum of " << sum;
      reader_.error(probabilities, message.str());
    }
  }

  void read_correlation(const Located& at, CohortSpec& cohort, bool covariates_ok) {
    const std::size_t p = cohort.covariates.size();
    // Without a correlation both stay empty, meaning the identity (spec.hpp).
    cohort.correlation.resize(0, 0);
    cohort.correlation_cholesky.resize(0, 0);
    if (!Reader::has(at, "correlation")) return;
    const Located corr = at.child("correlation");
    if (!reader_.expect_mapping(corr, {"variables", "matrix"})) return;
    if (!Reader::has(corr, "variables")) reader_.missing(corr, "variables", "a list of covariate names");
    if (!Reader::has(corr, "matrix")) reader_.missing(corr, "matrix", "a list of matrix rows");
    if (!Reader::has(corr, "variables") || !Reader::has(corr, "matrix")) return;

    const Located variables = corr.child("variables");
    std::vector<std::size_t> index;
    if (!reader_.expect_sequence(variables, "covariate names")) return;
    // A k x k matrix is checked by an eigendecomposition, O(k^3).
    if (!within_limit(variables, detail::kMaxCorrelationVariables, "correlated covariates")) return;
    const auto names = cohort.covariate_names();
    const auto positions = index_of_names(names);
    std::set<std::size_t> listed;
    bool names_ok = true;
    for (std::size_t i = 0; i < variables.node.size(); ++i) {
      const Located v = variables.element(i);
      const auto name = reader_.string(v, "a covariate name");
      if (!name) { names_ok = false; continue; }
      const auto found = positions.find(*name);
      if (found == positions.end()) {
        names_ok = false;
        if (!covariates_ok) continue;  // the covariate's own error was already reported
        const std::string suggestion = reader_.suggest(*name, names);
        reader_.error(v, "unknown covariate '" + *name + "'" +
                             (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
        continue;
      }
      const std::size_t k = found->second;
      if (!listed.insert(k).second) {
        reader_.error(v, "covariate '" + *name + "' listed twice");
        names_ok = false;
      }
      index.push_back(k);
    }

    const Located matrix = corr.child("matrix");
    if (!reader_.expect_sequence(matrix, "matrix rows")) return;
    const std::size_t k = variables.node.size();
    if (matrix.node.size() != k) {
      reader_.error(matrix, "expected " + std::to_string(k) + " rows (one per variable), got " +
                                std::to_string(matrix.node.size()));
      return;
    }
    Eigen::MatrixXd m(k, k);
    bool entries_ok = true;
    for (std::size_t i = 0; i < k; ++i) {
      const Located row = matrix.element(i);
      if (!row.node.IsSequence() || row.node.size() != k) {
        reader_.error(row, "expected a row of " + std::to_string(k) + " numbers");
        entries_ok = false;
        continue;
      }
      for (std::size_t j = 0; j < k; ++j) {
        const Located cell = row.element(j);
        const auto v = reader_.number(cell, "a correlation in [-1, 1]");
        if (!v) { entries_ok = false; continue; }
        if (i == j && *v != 1.0) {
          reader_.error(cell, "diagonal entries of a correlation matrix must be 1");
          entries_ok = false;
        } else if (*v < -1.0 || *v > 1.0) {
          reader_.error(cell, "expected a correlation in [-1, 1], got " + excerpt(cell.node.Scalar()));
          entries_ok = false;
        }
        m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *v;
      }
    }
    if (!entries_ok) return;
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (m(i, j) != m(j, i)) {
          reader_.error(matrix.element(i).element(j),
                        "correlation matrix is not symmetric: entry (" + std::to_string(i + 1) +
                            "," + std::to_string(j + 1) + ") differs from (" +
                            std::to_string(j + 1) + "," + std::to_string(i + 1) + ")");
          return;
        }
      }
    }
    // Positive definite, with a margin: a singular matrix would let rounding decide.
    const double smallest = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m).eigenvalues().minCoeff();
    if (!(smallest > 1e-10)) {
      std::ostringstream message;
      message << "correlation matrix is not positive definite (smallest eigenvalue " << smallest
              << "); the Gaussian copula needs a valid correlation matrix";
      reader_.error(matrix, message.str());
      return;
    }
    if (!names_ok) return;
    cohort.correlation = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < k; ++j) {
        cohort.correlation(static_cast<Eigen::Index>(index[i]), static_cast<Eigen::Index>(index[j])) =
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      }
    }
    Eigen::LLT<Eigen::MatrixXd> llt(cohort.correlation);
    cohort.correlation_cholesky = llt.matrixL();
  }

  void read_criteria(const Located& at, CohortSpec& cohort) {
    if (!Reader::has(at, "criteria")) return;
    const Located criteria = at.child("criteria");
    if (!reader_.expect_sequence(criteria, "criteria such as \"age >= 18\"")) return;
    if (!within_limit(criteria, detail::kMaxCriteria, "criteria")) return;
    const auto positions = index_of_names(cohort.covariate_names());
    for (std::size_t i = 0; i < criteria.node.size(); ++i) {
      const Located item = criteria.element(i);
      const auto text = reader_.string(item, "a criterion such as \"age >= 18\"");
      if (!text) continue;
      std::string problem;
      if (auto criterion = detail::parse_criterion(*text, cohort.covariates, positions, problem)) {
        cohort.criteria.push_back(*criterion);
      } else {
        reader_.error(item, problem);
      }
    }
  }

  // ---- arms --------------------------------------------------------------------------

  bool read_arms(const Located& top, TrialSpec& spec) {
    if (!Reader::has(top, "arms")) {
      reader_.missing(top, "arms", "a list of arms, one marked control: true");
      return false;
    }
    const Located arms = top.child("arms");
    if (!reader_.expect_sequence(arms, "arms")) return false;
    if (!within_limit(arms, detail::kMaxArms, "arms")) return false;
    const std::size_t errors_before = diagnostics_.size();
    std::set<std::string> names;
    std::vector<std::size_t> controls;
    for (std::size_t i = 0; i < arms.node.size(); ++i) {
      const Located at = arms.element(i);
      if (!reader_.expect_mapping(at, {"name", "ratio", "control", "regimen"})) continue;
      Arm arm;
      if (!Reader::has(at, "name")) {
        reader_.missing(at, "name", "an arm name");
      } else if (auto v = reader_.string(at.child("name"), "an arm name")) {
        if (!short_name(at.child("name"), *v, "an arm name")) {
        } else if (!is_identifier(*v)) {
          reader_.error(at.child("name"), "arm names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)");
        } else if (!names.insert(*v).second) {
          reader_.error(at.child("name"), "duplicate arm name '" + *v + "'");
        }
        arm.name = *v;
      }
      if (Reader::has(at, "ratio")) {
        const Located r = at.child("ratio");
        if (auto v = reader_.unsigned_integer(r, "an allocation ratio, an integer >= 1")) {
          if (*v < 1 || *v > 1000) {
            reader_.error(r, "expected an allocation ratio between 1 and 1000, got " + std::to_string(*v));
          } else {
            arm.ratio = static_cast<std::uint32_t>(*v);
          }
        }
      }
      if (Reader::has(at, "control")) {
        if (auto v = reader_.boolean(at.child("control"), "true or false")) arm.control = *v;
      }
      if (Reader::has(at, "regimen")) arm.regimen = read_regimen(at.child("regimen"));
      if (arm.control) controls.push_back(i);
      spec.arms.push_back(arm);
      arm_locations_.push_back(at);
    }
    if (diagnostics_.size() > errors_before) return false;
    if (spec.arms.size() < 2) {
      reader_.error(arms, "expected at least two arms: a control and a treatment");
      return false;
    }
    if (controls.size() != 1) {
      reader_.error(arms, "expected exactly one arm with control: true, got " +
                              std::to_string(controls.size()));
      return false;
    }
    spec.control_arm = controls.front();
    std::uint32_t ratio_sum = 0;
    for (const auto& arm : spec.arms) ratio_sum += arm.ratio;
    auto& block = spec.trial.randomization_block;
    if (block == 0) {
      block = 2 * ratio_sum;
    } else if (block % ratio_sum != 0) {
      reader_.error(block_location_, "expected a multiple of the sum of allocation ratios (" +
                                         std::to_string(ratio_sum) + "), got " + std::to_string(block));
    }
    if (spec.trial.patients != 0 && spec.trial.patients < spec.arms.size()) {
      reader_.error(top.child("trial").child("patients"),
                    "expected at least one patient per arm (" + std::to_string(spec.arms.size()) + ")");
    }
    return diagnostics_.size() == errors_before;
  }

  std::optional<models::Regimen> read_regimen(const Located& at) {
    if (!reader_.expect_mapping(at, {"dose_mg", "route", "interval_h", "doses", "infusion_h",
                                     "loading_dose_mg", "start_h", "dose_changes"})) {
      return std::nullopt;
    }
    const std::size_t errors_before = diagnostics_.size();
    models::Regimen r;
    if (auto v = reader_.number_in(at, "dose_mg", true, 0.0, kInf, false, "a dose in mg, >= 0")) r.dose_mg = *v;
    if (!Reader::has(at, "route")) {
      reader_.missing(at, "route", "iv_bolus, iv_infusion or oral");
    } else if (auto v = reader_.string(at.child("route"), "iv_bolus, iv_infusion or oral")) {
      if (*v == "iv_bolus") r.route = models::pk::Route::kIvBolus;
      else if (*v == "iv_infusion") r.route = models::pk::Route::kIvInfusion;
      else if (*v == "oral") r.route = models::pk::Route::kOral;
      else reader_.error(at.child("route"), "unknown route '" + *v + "' (expected iv_bolus, iv_infusion or oral)");
    }
    if (Reader::has(at, "doses")) {
      if (auto v = reader_.unsigned_integer(at.child("doses"), "a number of doses, 1 to 10000")) {
        if (*v < 1 || *v > 10000) reader_.error(at.child("doses"), "expected 1 to 10000 doses, got " + std::to_string(*v));
        else r.doses = static_cast<std::uint32_t>(*v);
      }
    }
    if (auto v = reader_.number_in(at, "interval_h", r.doses > 1, 0.0, kInf, true, "a dosing interval in h, > 0")) {
      r.interval_h = *v;
    }
    const bool infusion = r.route == models::pk::Route::kIvInfusion;
    if (auto v = reader_.number_in(at, "infusion_h", infusion, 0.0, kInf, true, "an infusion duration in h, > 0")) {
      if (!infusion) reader_.error(at.child("infusion_h").at_key(), "infusion_h applies to route iv_infusion only");
      else if (r.doses > 1 && *v > r.interval_h) reader_.error(at.child("infusion_h"), "expected an infusion no longer than interval_h");
      else r.infusion_h = *v;
    }
    if (auto v = reader_.number_in(at, "loading_dose_mg", false, 0.0, kInf, false, "a loading dose in mg, >= 0")) {
      r.loading_dose_mg = *v;
    }
    if (auto v = reader_.number_in(at, "start_h", false, 0.0, kInf, false, "a start time in h, >= 0")) r.start_h = *v;
    if (Reader::has(at, "dose_changes")) {
      const Located changes = at.child("dose_changes");
      if (reader_.expect_sequence(changes, "dose changes {from_dose, dose_mg}") &&
          within_limit(changes, detail::kMaxDoseChanges, "dose changes")) {
        for (std::size_t i = 0; i < changes.node.size(); ++i) {
          const Located c = changes.element(i);
          if (!reader_.expect_mapping(c, {"from_dose", "dose_mg"})) continue;
          models::DoseChange change;
          if (!Reader::has(c, "from_dose")) {
            reader_.missing(c, "from_dose", "the 1-based dose number the change starts at");
            continue;
          }
          if (auto v = reader_.unsigned_integer(c.child("from_dose"), "a dose number >= 2")) {
            const std::uint32_t previous = r.changes.empty() ? 1 : r.changes.back().from_dose;
            if (*v <= previous || *v > r.doses) {
              reader_.error(c.child("from_dose"), "expected increasing dose numbers between 2 and doses (" +
                                                      std::to_string(r.doses) + "), got " + std::to_string(*v));
              continue;
            }
            change.from_dose = static_cast<std::uint32_t>(*v);
          }
          if (auto v = reader_.number_in(c, "dose_mg", true, 0.0, kInf, false, "a dose in mg, >= 0")) change.dose_mg = *v;
          r.changes.push_back(change);
        }
      }
    }
    if (diagnostics_.size() > errors_before) return std::nullopt;
    return r;
  }

  // ---- model -------------------------------------------------------------------------

  void read_model(const Located& top, TrialSpec& spec) {
    if (!Reader::has(top, "model")) {
      reader_.missing(top, "model", "a mapping with the model's name and parameters");
      return;
    }
    const Located at = top.child("model");
    if (!reader_.expect_mapping(at, {"name", "parameters", "sources"})) return;
    if (!Reader::has(at, "name")) {
      reader_.missing(at, "name", "one of " + join_alternatives(models::model_names()));
      return;
    }
    const Located name = at.child("name");
    const auto model_name = reader_.string(name, "a model name");
    if (!model_name) return;
    const models::ModelFactory* factory = models::find_model(*model_name);
    if (!factory) {
      const auto known = models::model_names();
      const std::string suggestion = reader_.suggest(*model_name, known);
      reader_.error(name, "unknown model '" + *model_name + "'" +
                              (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                              " (available: " + join_alternatives(known) + ")");
      return;
    }
    spec.model.name = *model_name;
    spec.model.factory = factory;

    const std::size_t errors_before = diagnostics_.size();
    const Located parameters = at.child("parameters");
    std::vector<std::string> allowed;
    for (const auto& p : factory->schema) allowed.push_back(p.name);
    const bool has_parameters = Reader::has(at, "parameters");
    // Recording knobs that the top-level `observations` replaced: say where they went
    // rather than only "unknown key".
    static const std::vector<std::string> replaced = {"trajectory_every_h", "trajectory_until_h",
                                                      "record_tumour_size", "record_scores"};
    std::vector<std::string> known = allowed;
    known.insert(known.end(), replaced.begin(), replaced.end());
    if (has_parameters && !reader_.expect_mapping(parameters, known)) return;
    for (const auto& name : replaced) {
      if (has_parameters && parameters.child(name).node.IsDefined() &&
          std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        reader_.error(
            parameters.child(name).at_key(),
            "'" + name +
                "' is no longer a model parameter: recorded variables are chosen in the "
                "top-level 'observations' section, with times in days (see docs/spec.md)");
      }
    }
    // Missing parameters are reported at `parameters`, or at `model` when it has none.
    const Located anchor = has_parameters ? parameters : Located{at.node, at.file, parameters.path, std::nullopt};
    for (const auto& p : factory->schema) read_parameter(parameters, anchor, has_parameters, p, spec);
    read_sources(at, allowed, spec.model.sources);
    if (diagnostics_.size() > errors_before || !cohort_ok_ || !arms_ok_) return;

    if (factory->needs_regimen) {
      for (std::size_t a = 0; a < spec.arms.size(); ++a) {
        if (!spec.arms[a].regimen && a < arm_locations_.size()) {
          reader_.missing(arm_locations_[a], "regimen", "model '" + factory->name + "' needs a dosing regimen per arm");
        }
      }
    } else if (!factory->accepts_regimen) {
      for (std::size_t a = 0; a < spec.arms.size() && a < arm_locations_.size(); ++a) {
        if (spec.arms[a].regimen) {
          reader_.error(arm_locations_[a].child("regimen").at_key(),
                        "model '" + factory->name + "' does not use dosing regimens");
        }
      }
    }
    if (diagnostics_.size() > errors_before) return;
    // Built by create_model() once the observation schedules are known.
    model_parameters_ = parameters;
    model_ready_ = true;
  }

  /// Builds the model from its parameters, the trial and the observation schedules. Its
  /// own errors are reported at `parameters`, those about a schedule at that schedule.
  void create_model(TrialSpec& spec) {
    if (!model_ready_) return;
    models::TrialContext context;
    context.arm_names = spec.arm_names();
    context.control_arm = spec.control_arm;
    context.covariate_names = spec.cohort.covariate_names();
    context.follow_up = spec.trial.follow_up;
    context.time_unit = spec.trial.time_unit;
    context.days_per_time_unit = days_per_time_unit(spec.trial.time_unit);
    context.observations = spec.observations;
    for (const auto& arm : spec.arms) {
      if (arm.regimen) context.regimens.push_back(*arm.regimen);
    }
    if (context.regimens.size() != spec.arms.size()) context.regimens.clear();
    try {
      spec.model.instance = spec.model.factory->create(spec.model.parameters, context);
    } catch (const models::ObservationError& e) {
      reader_.error(observation_location(spec, e.variable(), e.index()), e.what());
    } catch (const UserError& e) {
      reader_.error(model_parameters_, e.what());
    }
  }

  // ---- observations ------------------------------------------------------------------

  /// `observations: {variable: {every: d, until: d} or {times: [d, ...]}, ...}`, in days.
  /// model.sources: {parameter: "where its value comes from", ...}, names from the model's
  /// parameters.
  void read_sources(const Located& model, const std::vector<std::string>& parameters,
                    std::map<std::string, std::string>& sources) {
    if (!Reader::has(model, "sources")) return;
    const Located at = model.child("sources");
    if (!reader_.expect_mapping(at, parameters)) return;
    for (const auto& [name, where] : reader_.members(at)) {
      if (auto v = reader_.string(where, "where the value of " + name + " comes from")) sources[name] = *v;
    }
  }

  /// report: {question_of_interest: text, context_of_use: text, model_influence: level,
  /// decision_consequence: level}, level one of low, medium, high; all optional.
  void read_report(const Located& top, ReportSpec& report) {
    if (!Reader::has(top, "report")) return;
    const Located at = top.child("report");
    if (!reader_.expect_mapping(at, {"question_of_interest", "context_of_use", "model_influence",
                                     "decision_consequence"})) {
      return;
    }
    for (const auto& [key, field] : {std::pair{"question_of_interest", &report.question_of_interest},
                                     std::pair{"context_of_use", &report.context_of_use}}) {
      if (!Reader::has(at, key)) continue;
      if (auto v = reader_.string(at.child(key), "free text")) *field = *v;
    }
    for (const auto& [key, field] : {std::pair{"model_influence", &report.model_influence},
                                     std::pair{"decision_consequence", &report.decision_consequence}}) {
      if (!Reader::has(at, key)) continue;
      const Located level = at.child(key);
      if (auto v = reader_.string(level, "low, medium or high")) {
        if (*v == "low" || *v == "medium" || *v == "high") {
          *field = *v;
        } else {
          reader_.error(level, "expected low, medium or high, got '" + *v + "'");
        }
      }
    }
  }

  /// output: {compression: none | gzip, gzip_level: 1-9 (default 4)}
  void read_output(const Located& top, OutputSpec& output) {
    if (!Reader::has(top, "output")) return;
    const Located at = top.child("output");
    if (!reader_.expect_mapping(at, {"compression", "gzip_level"})) return;
    bool gzip = false;
    if (Reader::has(at, "compression")) {
      const Located c = at.child("compression");
      if (auto v = reader_.string(c, "none or gzip")) {
        if (*v == "gzip") {
          gzip = true;
        } else if (*v != "none") {
          reader_.error(c, "unknown compression '" + *v + "' (expected none or gzip)");
        }
      }
    }
    int level = 4;
    if (Reader::has(at, "gzip_level")) {
      const Located l = at.child("gzip_level");
      if (!gzip) {
        reader_.error(l, "gzip_level needs compression: gzip");
      } else if (auto v = reader_.unsigned_integer(l, "a gzip level from 1 (fastest) to 9 (smallest)")) {
        if (*v < 1 || *v > 9) {
          reader_.error(l, "expected a gzip level from 1 (fastest) to 9 (smallest), got " + std::to_string(*v));
        } else {
          level = static_cast<int>(*v);
        }
      }
    }
    output.gzip_level = gzip ? level : 0;
  }

  void read_observations(const Located& top, TrialSpec& spec) {
    const Located at = top.child("observations");
    if (!Reader::has(top, "observations")) {
      if (at.node.IsDefined()) {
        reader_.missing(top, "observations", "a mapping from variable to schedule");
      }
      return;
    }
    if (!reader_.expect_mapping(at, {})) return;
    if (at.node.size() == 0) {
      reader_.error(
          at,
          "expected at least one variable to record, e.g. concentration: {every: 0.25, until: 28}");
      return;
    }
    const models::ModelFactory* factory = spec.model.factory;
    if (!factory) return;  // the model's own error is already reported
    std::vector<std::string> variables;
    for (const auto& v : factory->variables) variables.push_back(v.name);
    // Times beyond the end of follow-up are refused; unknown while trial has errors.
    const double follow_up_days =
        spec.trial.follow_up > 0.0 ? spec.trial.follow_up * days_per_time_unit(spec.trial.time_unit)
                                   : kInf;
    for (const auto& [name, node] : reader_.members(at)) {
      if (std::find(variables.begin(), variables.end(), name) == variables.end()) {
        const std::string model = "model '" + factory->name + "'";
        if (variables.empty()) {
          reader_.error(node.at_key(), model + " records no variables over time");
          continue;
        }
        const std::string suggestion = reader_.suggest(name, variables);
        reader_.error(node.at_key(),
                      model + " cannot record '" + name + "'" +
                          (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                          " (variables: " + join_alternatives(variables) + ")");
        continue;
      }
      models::ObservationSchedule schedule{name, {}};
      if (read_schedule(node, spec, follow_up_days, schedule.times_days)) {
        spec.observations.push_back(std::move(schedule));
        observation_locations_.push_back(node);
      }
    }
  }

  /// One variable's times in days: `{every: d, until: d}`, generated by index (t_k = k d,
  /// so they fall on round numbers), or an explicit increasing list `{times: [...]}`.
  bool read_schedule(const Located& at, const TrialSpec& spec, double follow_up_days,
                     std::vector<double>& times) {
    if (!reader_.expect_mapping(at, {"every", "until", "times"})) return false;
    const std::size_t errors_before = diagnostics_.size();
    const bool every = Reader::has(at, "every");
    const bool listed = Reader::has(at, "times");
    if (every && listed) {
      reader_.error(at.child("times").at_key(),
                    "give either 'every' (with 'until') or 'times', not both");
      return false;
    }
    if (!every && !listed) {
      for (const char* key : {"every", "times"}) {
        // `every:` with no value says so at the key; otherwise at the schedule.
        if (at.child(key).node.IsDefined()) {
          reader_.missing(
              at, key,
              std::string(key) == "every" ? "a spacing in days, > 0" : "a list of times in days");
          return false;
        }
      }
      reader_.error(
          at,
          "expected 'every' with 'until' (e.g. {every: 0.25, until: 28}), or 'times' (e.g. "
          "{times: [0, 7, 14]}), in days");
      return false;
    }
    std::ostringstream follow_up;
    follow_up << "trial.follow_up (" << spec.trial.follow_up << " " << spec.trial.time_unit;
    if (spec.trial.time_unit != "days") follow_up << " = " << follow_up_days << " days";
    follow_up << ")";
    const auto after_follow_up = [&](double t) { return t > follow_up_days * (1.0 + 1e-12); };
    if (listed) {
      if (Reader::has(at, "until")) {
        reader_.error(at.child("until").at_key(), "'until' goes with 'every', not with 'times'");
        return false;
      }
      const Located list = at.child("times");
      if (!reader_.expect_sequence(list, "times in days")) return false;
      if (list.node.size() == 0) {
        reader_.error(list, "expected at least one time");
        return false;
      }
      if (list.node.size() > kMaxObservationTimes) {
        reader_.error(list, "expected at most 100000 times per variable, got " +
                                std::to_string(list.node.size()));
        return false;
      }
      for (std::size_t i = 0; i < list.node.size(); ++i) {
        const Located item = list.element(i);
        const auto t = reader_.number(item, "a time in days, >= 0");
        if (!t) return false;
        if (*t < 0.0) {
          reader_.error(item, "expected a time in days >= 0, got " + excerpt(item.node.Scalar()));
          return false;
        }
        if (!times.empty() && !(*t > times.back())) {
          reader_.error(item, "expected strictly increasing times, but " + excerpt(item.node.Scalar()) +
                                  " is not after " + excerpt(list.element(i - 1).node.Scalar()));
          return false;
        }
        if (after_follow_up(*t)) {
          reader_.error(
              item, "expected a time at most " + follow_up.str() + ", got " + excerpt(item.node.Scalar()));
          return false;
        }
        times.push_back(*t);
      }
      return true;
    }
    const auto spacing =
        reader_.number_in(at, "every", true, 0.0, kInf, true, "a spacing in days, > 0");
    const auto until =
        reader_.number_in(at, "until", true, 0.0, kInf, false, "the last time in days, >= 0");
    if (!spacing || !until) return false;
    if (after_follow_up(*until)) {
      std::ostringstream message;
      message << "expected 'until' at most " << follow_up.str() << ", got " << *until;
      reader_.error(at.child("until"), message.str());
      return false;
    }
    // t_k = k * every up to `until`; a relative 1e-12 allowance so that e.g. every 0.1
    // until 0.3 ends at 3 * 0.1 = 0.30000000000000004.
    const double last = *until * (1.0 + 1e-12);
    if (last / *spacing >= static_cast<double>(kMaxObservationTimes)) {
      std::ostringstream message;
      message << "expected at most 100000 times per variable; every " << *spacing << " until "
              << *until << " gives " << std::floor(last / *spacing) + 1.0;
      reader_.error(at.child("every"), message.str());
      return false;
    }
    for (std::size_t k = 0;; ++k) {
      const double t = static_cast<double>(k) * *spacing;
      if (t > last) break;
      times.push_back(t);
    }
    return diagnostics_.size() == errors_before;
  }

  /// Where a model's complaint about time `index` of `variable` points: that element of
  /// `times`; for a generated schedule `every` when the first time after 0 is refused
  /// (every later time is a multiple of it), else `until` (the schedule runs too far).
  Located observation_location(const TrialSpec& spec, const std::string& variable,
                               std::size_t index) const {
    for (std::size_t s = 0; s < spec.observations.size(); ++s) {
      if (spec.observations[s].variable != variable) continue;
      const Located& at = observation_locations_[s];
      if (Reader::has(at, "times")) return at.child("times").element(index);
      return at.child(index <= 1 ? "every" : "until");
    }
    return model_parameters_;
  }

  void read_parameter(const Located& parameters, const Located& anchor, bool present,
                      const models::ParamSchema& p, TrialSpec& spec) {
    auto& values = spec.model.parameters;
    const std::string expected = p.description;
    if (!present || !Reader::has(parameters, p.name)) {
      if (p.required) {
        reader_.missing(anchor, p.name, expected);
        return;
      }
      switch (p.kind) {
        case models::ParamKind::kNumber: values.numbers[p.name] = p.default_value; break;
        case models::ParamKind::kPerArm:
          values.per_arm[p.name] = std::vector<double>(spec.arms.size(), p.default_value);
          break;
        case models::ParamKind::kCovariateEffects: values.covariate_effects[p.name] = {}; break;
        case models::ParamKind::kPopulation:
          values.population[p.name] = models::PopulationParameter{p.name, p.default_value, {}};
          break;
        case models::ParamKind::kOmega: values.omega[p.name] = {}; break;
        case models::ParamKind::kChoice: values.choices[p.name] = p.choices.front(); break;
      }
      return;
    }
    const Located at = parameters.child(p.name);
    switch (p.kind) {
      case models::ParamKind::kPopulation: read_population_parameter(at, p, spec); break;
      case models::ParamKind::kOmega: read_omega(at, p, spec); break;
      case models::ParamKind::kChoice:
        if (auto v = reader_.string(at, join_alternatives(p.choices))) {
          if (std::find(p.choices.begin(), p.choices.end(), *v) == p.choices.end()) {
            reader_.error(at, "expected " + join_alternatives(p.choices) + ", got '" + *v + "'");
          } else {
            values.choices[p.name] = *v;
          }
        }
        break;
      case models::ParamKind::kNumber:
        if (auto v = reader_.number_in(parameters, p.name, true, p.min, p.max, p.min_exclusive, expected)) {
          values.numbers[p.name] = *v;
        }
        break;
      case models::ParamKind::kPerArm: {
        if (at.node.IsScalar()) {
          // `hazard_ratio: 0.65`: say how to write it, with an arm of this spec.
          std::string arm = "<arm name>";
          for (std::size_t a = 0; a < spec.arms.size(); ++a) {
            if (a != spec.control_arm && arms_ok_) {
              arm = spec.arms[a].name;
              break;
            }
          }
          reader_.error(at, "expected a value per treatment arm, e.g. {" + arm + ": " + excerpt(at.node.Scalar()) +
                                "}, got a single value (" + expected + ")");
          return;
        }
        if (!reader_.expect_mapping(at, {})) return;
        std::vector<double> per_arm(spec.arms.size(), p.default_value);
        const auto arm_names = spec.arm_names();
        for (const auto& [arm, node] : reader_.members(at)) {
          const auto found = std::find(arm_names.begin(), arm_names.end(), arm);
          if (found == arm_names.end()) {
            if (!arms_ok_) continue;
            const std::string suggestion = reader_.suggest(arm, arm_names);
            reader_.error(node.at_key(), "unknown arm '" + arm + "'" +
                                    (suggestion.empty() ? "; arms are " + detail::list_names(arm_names)
                                                        : "; did you mean '" + suggestion + "'?"));
            continue;
          }
          if (auto v = reader_.number_in(at, arm, true, p.min, p.max, p.min_exclusive, expected)) {
            per_arm[static_cast<std::size_t>(found - arm_names.begin())] = *v;
          }
        }
        values.per_arm[p.name] = per_arm;
        break;
      }
      case models::ParamKind::kCovariateEffects: {
        if (!reader_.expect_mapping(at, {})) return;
        const auto names = spec.cohort.covariate_names();
        std::vector<models::CovariateEffect> effects;
        for (const auto& [covariate, node] : reader_.members(at)) {
          const auto found = covariate_index_.find(covariate);
          if (found == covariate_index_.end()) {
            if (!cohort_ok_) continue;
            const std::string suggestion = reader_.suggest(covariate, names);
            reader_.error(node.at_key(), "unknown covariate '" + covariate + "'" +
                                    (suggestion.empty() ? "; covariates are " + detail::list_names(names)
                                                        : "; did you mean '" + suggestion + "'?"));
            continue;
          }
          models::CovariateEffect effect;
          effect.covariate = found->second;
          if (node.node.IsMap()) {
            if (!reader_.expect_mapping(node, {"per_unit", "reference"})) continue;
            if (auto v = reader_.number_in(node, "per_unit", true, -kInf, kInf, false, "a number")) {
              effect.per_unit = *v;
            }
            if (auto v = reader_.number_in(node, "reference", false, -kInf, kInf, false, "a number")) {
              effect.reference = *v;
            }
          } else if (auto v = reader_.number(node, "a number, or {per_unit: b, reference: x0}")) {
            effect.per_unit = *v;
          }
          effects.push_back(effect);
        }
        values.covariate_effects[p.name] = effects;
        break;
      }
    }
  }

  /// `P: 5` or `P: {typical: 5, covariates: {wt: {power: 0.75, reference: 70},
  /// age: {exponential: -0.01, reference: 60}, sex: {categorical: {female: 0.8}}}}`.
  void read_population_parameter(const Located& at, const models::ParamSchema& p, TrialSpec& spec) {
    models::PopulationParameter parameter{p.name, p.default_value, {}};
    const std::string expected = p.description;
    const auto check_range = [&](const Located& where, double v) {
      const bool below = p.min_exclusive ? !(v > p.min) : v < p.min;
      if (below || v > p.max) {
        std::ostringstream message;
        message << "expected " << expected << ", got " << v;
        reader_.error(where, message.str());
        return false;
      }
      return true;
    };
    if (!at.node.IsMap()) {
      if (auto v = reader_.number(at, expected + ", or {typical, covariates}")) {
        if (check_range(at, *v)) parameter.typical = *v;
      }
      spec.model.parameters.population[p.name] = parameter;
      return;
    }
    if (!reader_.expect_mapping(at, {"typical", "covariates"})) return;
    if (auto v = reader_.number_in(at, "typical", true, p.min, p.max, p.min_exclusive, expected)) parameter.typical = *v;
    if (Reader::has(at, "covariates")) {
      const Located covariates = at.child("covariates");
      if (!reader_.expect_mapping(covariates, {})) return;
      const auto names = spec.cohort.covariate_names();
      for (const auto& [name, node] : reader_.members(covariates)) {
        const auto found = covariate_index_.find(name);
        if (found == covariate_index_.end()) {
          if (!cohort_ok_) continue;
          const std::string suggestion = reader_.suggest(name, names);
          reader_.error(node.at_key(), "unknown covariate '" + name + "'" +
                                           (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
          continue;
        }
        models::CovariateFactor factor;
        factor.covariate = found->second;
        const auto& covariate = spec.cohort.covariates[factor.covariate];
        if (!reader_.expect_mapping(node, {"power", "exponential", "categorical", "reference"})) continue;
        const int kinds = Reader::has(node, "power") + Reader::has(node, "exponential") + Reader::has(node, "categorical");
        if (kinds != 1) {
          reader_.error(node, "expected exactly one of power, exponential or categorical");
          continue;
        }
        if (Reader::has(node, "categorical")) {
          factor.kind = models::CovariateFactor::Kind::kCategorical;
          if (Reader::has(node, "reference")) {
            reader_.error(node.child("reference").at_key(),
                          "a categorical covariate model has a factor per level and no reference");
            continue;
          }
          if (!covariate.is_categorical() && covariate.distribution != Distribution::kBernoulli) {
            reader_.error(node.child("categorical").at_key(), "'" + name + "' is not categorical or bernoulli");
            continue;
          }
          const std::vector<std::string> levels =
              covariate.is_categorical() ? covariate.levels : std::vector<std::string>{"0", "1"};
          factor.level_factors.assign(levels.size(), 1.0);
          const Located map = node.child("categorical");
          if (!reader_.expect_mapping(map, levels)) continue;
          for (const auto& [level, value] : reader_.members(map)) {
            const auto l = std::find(levels.begin(), levels.end(), level);
            if (l == levels.end()) continue;  // reported as an unknown key
            if (auto v = reader_.number_in(map, level, true, 0.0, kInf, true, "a multiplicative factor > 0")) {
              factor.level_factors[static_cast<std::size_t>(l - levels.begin())] = *v;
            }
          }
        } else {
          const bool power = Reader::has(node, "power");
          factor.kind = power ? models::CovariateFactor::Kind::kPower : models::CovariateFactor::Kind::kExponential;
          if (auto v = reader_.number_in(node, power ? "power" : "exponential", true, -kInf, kInf, false, "a number")) {
            factor.value = *v;
          }
          if (auto v = reader_.number_in(node, "reference", power, power ? 0.0 : -kInf, kInf, power,
                                         power ? "a reference value > 0" : "a reference value")) {
            factor.reference = *v;
          } else if (!power) {
            factor.reference = 0.0;
          }
          if (power && covariate.distribution != Distribution::kLognormal &&
              !(covariate.distribution == Distribution::kTruncatedNormal && covariate.lower > 0.0) &&
              !(covariate.distribution == Distribution::kUniform && covariate.min > 0.0)) {
            reader_.error(node.child("power").at_key(),
                          "a power covariate model needs a positive covariate; '" + name +
                              "' can be zero or negative (use a lognormal, or a truncated normal or uniform above 0)");
          }
        }
        parameter.factors.push_back(factor);
      }
    }
    spec.model.parameters.population[p.name] = parameter;
  }

  /// `omega: {variables: [CL, V], matrix: [[0.09, 0.01], [0.01, 0.04]]}` over population
  /// parameters of the model: variances of the log-normal random effects.
  void read_omega(const Located& at, const models::ParamSchema& p, TrialSpec& spec) {
    if (!reader_.expect_mapping(at, {"variables", "matrix"})) return;
    if (!Reader::has(at, "variables")) reader_.missing(at, "variables", "population parameter names");
    if (!Reader::has(at, "matrix")) reader_.missing(at, "matrix", "a list of matrix rows");
    if (!Reader::has(at, "variables") || !Reader::has(at, "matrix")) return;
    std::vector<std::string> allowed;
    for (const auto& s : spec.model.factory->schema) {
      if (s.kind == models::ParamKind::kPopulation) allowed.push_back(s.name);
    }
    models::RandomEffects effects;
    const Located variables = at.child("variables");
    if (!reader_.expect_sequence(variables, "population parameter names")) return;
    for (std::size_t i = 0; i < variables.node.size(); ++i) {
      const Located v = variables.element(i);
      const auto name = reader_.string(v, "a population parameter name");
      if (!name) return;
      if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
        reader_.error(v, "'" + *name + "' is not a population parameter of this model (" +
                             join_alternatives(allowed) + ")");
        return;
      }
      if (std::find(effects.names.begin(), effects.names.end(), *name) != effects.names.end()) {
        reader_.error(v, "'" + *name + "' listed twice");
        return;
      }
      effects.names.push_back(*name);
    }
    const std::size_t k = effects.names.size();
    if (k == 0 || k > 16) {
      reader_.error(variables, "expected 1 to 16 variables");
      return;
    }
    const Located matrix = at.child("matrix");
    if (!reader_.expect_sequence(matrix, "matrix rows")) return;
    if (matrix.node.size() != k) {
      reader_.error(matrix, "expected " + std::to_string(k) + " rows, got " + std::to_string(matrix.node.size()));
      return;
    }
    Eigen::MatrixXd m(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
    for (std::size_t i = 0; i < k; ++i) {
      const Located row = matrix.element(i);
      if (!row.node.IsSequence() || row.node.size() != k) {
        reader_.error(row, "expected a row of " + std::to_string(k) + " numbers");
        return;
      }
      for (std::size_t j = 0; j < k; ++j) {
        const auto v = reader_.number(row.element(j), "a variance or covariance");
        if (!v) return;
        m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *v;
      }
    }
    if (!m.isApprox(m.transpose(), 0.0) && (m - m.transpose()).cwiseAbs().maxCoeff() != 0.0) {
      reader_.error(matrix, "omega is not symmetric");
      return;
    }
    const double smallest = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m).eigenvalues().minCoeff();
    if (!(smallest > 0.0)) {
      std::ostringstream message;
      message << "omega is not positive definite (smallest eigenvalue " << smallest << ")";
      reader_.error(matrix, message.str());
      return;
    }
    effects.omega = m;
    effects.cholesky = Eigen::LLT<Eigen::MatrixXd>(m).matrixL();
    spec.model.parameters.omega[p.name] = effects;
  }

  // ---- endpoints and analysis --------------------------------------------------------

  bool read_responder(const Located& at, EndpointSpec& endpoint) {
    if (endpoint.type != models::OutputType::kContinuous) {
      reader_.error(at.at_key(), "a responder is defined on a continuous output only");
      return false;
    }
    if (!reader_.expect_mapping(at, {"below", "above"})) return false;
    const bool below = Reader::has(at, "below");
    if (below == Reader::has(at, "above")) {
      reader_.error(at, "expected exactly one of 'below' or 'above'");
      return false;
    }
    const auto threshold = reader_.number_in(at, below ? "below" : "above", true, -kInf, kInf, false,
                                             "a threshold");
    if (!threshold) return false;
    endpoint.responder = Responder{below, *threshold};
    endpoint.type = models::OutputType::kBinary;
    return true;
  }

  void read_endpoints(const Located& top, TrialSpec& spec) {
    if (!Reader::has(top, "endpoints")) {
      reader_.missing(top, "endpoints", "a list of endpoints, each with a name");
      return;
    }
    const Located endpoints = top.child("endpoints");
    if (!reader_.expect_sequence(endpoints, "endpoints")) return;
    if (endpoints.node.size() == 0) reader_.error(endpoints, "expected at least one endpoint");
    if (!within_limit(endpoints, detail::kMaxEndpoints, "endpoints")) return;
    const models::ModelFactory* factory = spec.model.factory;
    std::set<std::string> names;
    for (std::size_t i = 0; i < endpoints.node.size(); ++i) {
      const Located at = endpoints.element(i);
      if (!reader_.expect_mapping(at, {"name", "output", "responder"})) continue;
      EndpointSpec endpoint;
      if (!Reader::has(at, "name")) {
        reader_.missing(at, "name", "an endpoint name");
      } else if (auto v = reader_.string(at.child("name"), "an endpoint name")) {
        if (!short_name(at.child("name"), *v, "an endpoint name")) {
        } else if (!is_identifier(*v)) {
          reader_.error(at.child("name"), "endpoint names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)");
        } else if (!names.insert(*v).second) {
          reader_.error(at.child("name"), "duplicate endpoint name '" + *v + "'");
        }
        endpoint.name = *v;
      }
      if (!factory) continue;  // the model's own error is already reported
      std::vector<std::string> outputs;
      for (const auto& o : factory->outputs) outputs.push_back(o.name);
      if (Reader::has(at, "output")) {
        const Located o = at.child("output");
        if (auto v = reader_.string(o, "one of the model's outputs: " + join_alternatives(outputs))) {
          const auto found = std::find(outputs.begin(), outputs.end(), *v);
          if (found == outputs.end()) {
            reader_.error(o, "model '" + factory->name + "' has no output '" + *v + "' (outputs: " +
                                 join_alternatives(outputs) + ")");
            continue;
          }
          endpoint.output = static_cast<std::size_t>(found - outputs.begin());
        }
      } else if (outputs.size() != 1) {
        reader_.missing(at, "output", "one of the model's outputs: " + join_alternatives(outputs));
        continue;
      }
      endpoint.type = factory->outputs[endpoint.output].type;
      if (Reader::has(at, "responder") && !read_responder(at.child("responder"), endpoint)) continue;
      spec.endpoints.push_back(endpoint);
    }
  }

  // ---- analysis ----------------------------------------------------------------------

  static const std::vector<std::pair<std::string, Method>>& method_table() {
    static const std::vector<std::pair<std::string, Method>> table = {
        {"welch", Method::kWelch},       {"ancova", Method::kAncova},
        {"procova", Method::kProcova},   {"psm", Method::kPsm},
        {"iptw", Method::kIptw},         {"logrank", Method::kLogrank},
        {"cox", Method::kCox},           {"rmst", Method::kRmst},
        {"km_median", Method::kKmMedian}, {"risk_difference", Method::kRiskDifference},
        {"risk_ratio", Method::kRiskRatio}, {"odds_ratio", Method::kOddsRatio}};
    return table;
  }

  static std::vector<std::string> methods_for(models::OutputType type) {
    switch (type) {
      case models::OutputType::kContinuous: return {"welch", "ancova", "procova", "psm", "iptw"};
      case models::OutputType::kTimeToEvent: return {"logrank", "cox", "rmst", "km_median"};
      case models::OutputType::kBinary: return {"risk_difference", "risk_ratio", "odds_ratio"};
    }
    return {};
  }

  static std::vector<Method> default_methods(models::OutputType type) {
    switch (type) {
      case models::OutputType::kContinuous: return {Method::kWelch};
      case models::OutputType::kTimeToEvent: return {Method::kLogrank, Method::kRmst};
      case models::OutputType::kBinary: return {Method::kRiskDifference};
    }
    return {};
  }

  /// A list of covariate names -> indices; `discrete_only` (strata) admits only
  /// categorical and bernoulli covariates.
  std::vector<std::size_t> covariate_list(const Located& at, const TrialSpec& spec,
                                          bool discrete_only) {
    std::vector<std::size_t> indices;
    std::set<std::size_t> listed;
    if (!reader_.expect_sequence(at, "covariate names")) return indices;
    const auto names = spec.cohort.covariate_names();
    for (std::size_t i = 0; i < at.node.size(); ++i) {
      const Located item = at.element(i);
      const auto name = reader_.string(item, "a covariate name");
      if (!name) continue;
      const auto found = covariate_index_.find(*name);
      if (found == covariate_index_.end()) {
        if (!cohort_ok_) continue;
        const std::string suggestion = reader_.suggest(*name, names);
        reader_.error(item, "unknown covariate '" + *name + "'" +
                                (suggestion.empty() ? "; covariates are " + detail::list_names(names)
                                                    : "; did you mean '" + suggestion + "'?"));
        continue;
      }
      const auto index = found->second;
      const auto distribution = spec.cohort.covariates[index].distribution;
      if (discrete_only && distribution != Distribution::kCategorical &&
          distribution != Distribution::kBernoulli) {
        reader_.error(item, "strata must be categorical or bernoulli covariates; '" + *name +
                                "' is continuous");
        continue;
      }
      if (!listed.insert(index).second) {
        reader_.error(item, "covariate '" + *name + "' listed twice");
        continue;
      }
      indices.push_back(index);
    }
    return indices;
  }

  /// `rmst_horizon` of `at` into `out`: > 0 and at most the end of follow-up.
  void read_rmst_horizon(const Located& at, const TrialSpec& spec, double& out) {
    const auto v = reader_.number_in(at, "rmst_horizon", true, 0.0, kInf, true,
                                     "an RMST horizon > 0, at most trial.follow_up");
    if (!v) return;
    if (spec.trial.follow_up > 0.0 && *v > spec.trial.follow_up) {
      std::ostringstream message;
      message << "expected an RMST horizon at most trial.follow_up (" << spec.trial.follow_up << "), got " << *v;
      reader_.error(at.child("rmst_horizon"), message.str());
      return;
    }
    out = *v;
  }

  void read_endpoint_analysis(const Located& at, const TrialSpec& spec, const EndpointSpec& endpoint,
                              EndpointAnalysis& analysis) {
    if (!reader_.expect_mapping(at, {"methods", "covariates", "strata", "rmst_horizon",
                                     "landmarks", "data_cut_events", "group_sequential"})) {
      return;
    }
    const bool tte = endpoint.type == models::OutputType::kTimeToEvent;
    if (Reader::has(at, "methods")) {
      const Located methods = at.child("methods");
      const auto allowed = methods_for(endpoint.type);
      if (reader_.expect_sequence(methods, "analysis methods")) {
        if (methods.node.size() == 0) reader_.error(methods, "expected at least one method");
        analysis.methods.clear();
        for (std::size_t i = 0; i < methods.node.size(); ++i) {
          const Located item = methods.element(i);
          const auto name = reader_.string(item, "a method name");
          if (!name) continue;
          if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
            std::vector<std::string> all;
            for (const auto& [n, m] : method_table()) all.push_back(n);
            const bool known = std::find(all.begin(), all.end(), *name) != all.end();
            const std::string suggestion = reader_.suggest(*name, allowed);
            reader_.error(item, (known ? "method '" + *name + "' does not apply to " +
                                             std::string(models::to_string(endpoint.type)) +
                                             " endpoints"
                                       : "unknown method '" + *name + "'" +
                                             (suggestion.empty() ? ""
                                                                 : "; did you mean '" + suggestion + "'?")) +
                                    " (methods for this endpoint: " + join_alternatives(allowed) + ")");
            continue;
          }
          for (const auto& [n, m] : method_table()) {
            if (n != *name) continue;
            if (std::find(analysis.methods.begin(), analysis.methods.end(), m) != analysis.methods.end()) {
              reader_.error(item, "method '" + *name + "' listed twice");
            } else {
              analysis.methods.push_back(m);
            }
          }
        }
      }
    }
    if (Reader::has(at, "covariates")) analysis.covariates = covariate_list(at.child("covariates"), spec, false);
    if (Reader::has(at, "strata")) analysis.strata = covariate_list(at.child("strata"), spec, true);
    const auto tte_only = [&](const char* key) {
      if (Reader::has(at, key) && !tte) {
        reader_.error(at.child(key).at_key(),
                      std::string("'") + key + "' applies to time-to-event endpoints only");
        return false;
      }
      return Reader::has(at, key);
    };
    if (tte_only("rmst_horizon")) read_rmst_horizon(at, spec, analysis.rmst_horizon);
    if (tte_only("landmarks")) {
      const Located landmarks = at.child("landmarks");
      if (reader_.expect_sequence(landmarks, "landmark times") &&
          within_limit(landmarks, detail::kMaxLandmarks, "landmarks")) {
        std::set<double> seen;
        for (std::size_t i = 0; i < landmarks.node.size(); ++i) {
          const Located item = landmarks.element(i);
          if (auto v = reader_.number(item, "a landmark time > 0")) {
            if (*v <= 0.0 || (spec.trial.follow_up > 0.0 && *v > spec.trial.follow_up)) {
              reader_.error(item, "expected a landmark time in (0, follow_up], got " + excerpt(item.node.Scalar()));
            } else if (!seen.insert(*v).second) {
              // Each landmark names its own result (survival_at_<t>): twice would be one name twice.
              reader_.error(item, "landmark " + format_number(*v) + " listed twice");
            } else {
              analysis.landmarks.push_back(*v);
            }
          }
        }
      }
    }
    if (Reader::has(at, "group_sequential")) read_group_sequential(at.child("group_sequential"), analysis);
    if (tte_only("data_cut_events")) {
      const Located cut = at.child("data_cut_events");
      if (auto v = reader_.unsigned_integer(cut, "a number of events >= 1")) {
        if (*v < 1 || (spec.trial.patients > 0 && *v > spec.trial.patients)) {
          reader_.error(cut, "expected a number of events between 1 and trial.patients, got " +
                                 std::to_string(*v));
        } else {
          analysis.data_cut_events = *v;
        }
      }
    }
  }

  void read_group_sequential(const Located& at, EndpointAnalysis& analysis) {
    if (!reader_.expect_mapping(at, {"looks", "spending"})) return;
    if (analysis.methods.empty()) return;  // the methods' own error is already reported
    const Method primary = analysis.methods.front();
    const std::vector<Method> supported = {Method::kWelch, Method::kAncova, Method::kLogrank,
                                           Method::kCox, Method::kRiskDifference};
    if (std::find(supported.begin(), supported.end(), primary) == supported.end()) {
      reader_.error(at.at_key(), std::string("group-sequential looks apply to a primary method of "
                                             "welch, ancova, logrank, cox or risk_difference; the primary "
                                             "method here is ") + method_name(primary));
      return;
    }
    GroupSequential gs;
    if (!Reader::has(at, "looks")) {
      reader_.missing(at, "looks", "increasing information fractions ending with 1, e.g. [0.5, 1]");
      return;
    }
    const Located looks = at.child("looks");
    if (!reader_.expect_sequence(looks, "information fractions")) return;
    if (!within_limit(looks, 20, "looks")) return;
    for (std::size_t i = 0; i < looks.node.size(); ++i) {
      const Located item = looks.element(i);
      const auto v = reader_.number(item, "an information fraction in (0, 1]");
      if (!v) return;
      if (*v <= 0.0 || *v > 1.0 || (!gs.looks.empty() && *v <= gs.looks.back())) {
        reader_.error(item, "expected increasing information fractions in (0, 1], got " + excerpt(item.node.Scalar()));
        return;
      }
      gs.looks.push_back(*v);
    }
    if (gs.looks.empty() || gs.looks.back() != 1.0) {
      reader_.error(looks, "expected the last look at information fraction 1");
      return;
    }
    if (Reader::has(at, "spending")) {
      const Located s = at.child("spending");
      if (auto v = reader_.string(s, "obrien_fleming or pocock")) {
        if (*v == "pocock") {
          gs.obrien_fleming = false;
        } else if (*v != "obrien_fleming") {
          reader_.error(s, "unknown spending function '" + *v + "' (expected obrien_fleming or pocock)");
          return;
        }
      }
    }
    analysis.group_sequential = gs;
  }

  /// `{patients, seed, cohort}` of a second population; the cohort defaults to the trial's.
  bool read_population(const Located& at, const TrialSpec& spec, CohortSpec& cohort,
                       std::uint64_t& patients, std::uint64_t& seed,
                       const std::vector<std::string>& extra_keys) {
    std::vector<std::string> allowed = {"patients", "seed", "cohort"};
    allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
    if (!reader_.expect_mapping(at, allowed)) return false;
    bool ok = true;
    if (auto v = required_unsigned(at, "patients", "a number of patients >= 10")) {
      if (*v < 10 || *v > kMaxPatients) {
        reader_.error(at.child("patients"), "expected a number of patients between 10 and 2^40, got " +
                                                std::to_string(*v));
        ok = false;
      } else {
        patients = *v;
      }
    } else {
      ok = false;
    }
    if (auto v = required_unsigned(at, "seed", "an unsigned 64-bit seed, different from trial.seed")) {
      seed = *v;
      if (seed == spec.trial.seed) {
        reader_.error(at.child("seed"), "must differ from trial.seed, so the cohort is independent of the trial");
        ok = false;
      }
    } else {
      ok = false;
    }
    if (!Reader::has(at, "cohort")) {
      cohort = spec.cohort;
      return ok && cohort_ok_;
    }
    const std::size_t errors_before = diagnostics_.size();
    if (!read_cohort_section(at, cohort)) return false;
    // The model's covariate effects refer to covariates by position: same names, same order.
    const auto expected = spec.cohort.covariate_names();
    if (cohort_ok_ && cohort.covariate_names() != expected) {
      std::string names;
      for (const auto& n : expected) names += (names.empty() ? "" : ", ") + n;
      reader_.error(at.child("cohort"), "expected the same covariates as the trial cohort, in the same order (" +
                                            names + ")");
    }
    return ok && diagnostics_.size() == errors_before;
  }

  void read_analysis(const Located& top, TrialSpec& spec) {
    auto& analysis = spec.analysis;
    analysis.rmst_horizon = spec.trial.follow_up;
    const Located at = top.child("analysis");
    const bool present = Reader::has(top, "analysis");
    if (present && !reader_.expect_mapping(at, {"alpha", "rmst_horizon", "endpoints", "procova",
                                                "external_control"})) {
      return;
    }
    if (present) {
      if (auto v = reader_.number_in(at, "alpha", false, 0.0, 0.5, true,
                                     "a two-sided significance level in (0, 0.5]")) {
        analysis.alpha = *v;
      }
      if (Reader::has(at, "rmst_horizon")) read_rmst_horizon(at, spec, analysis.rmst_horizon);
    }
    analysis.endpoints.resize(spec.endpoints.size());
    for (std::size_t e = 0; e < spec.endpoints.size(); ++e) {
      analysis.endpoints[e].methods = default_methods(spec.endpoints[e].type);
      analysis.endpoints[e].rmst_horizon = analysis.rmst_horizon;
    }
    if (present && Reader::has(at, "endpoints")) {
      const Located endpoints = at.child("endpoints");
      if (reader_.expect_mapping(endpoints, {})) {
        for (const auto& [name, node] : reader_.members(endpoints)) {
          std::size_t e = 0;
          while (e < spec.endpoints.size() && spec.endpoints[e].name != name) ++e;
          if (e == spec.endpoints.size()) {
            std::vector<std::string> names;
            for (const auto& endpoint : spec.endpoints) names.push_back(endpoint.name);
            const std::string suggestion = reader_.suggest(name, names);
            reader_.error(node.at_key(), "unknown endpoint '" + name + "'" +
                                             (suggestion.empty() ? "; endpoints are " + detail::list_names(names)
                                                                 : "; did you mean '" + suggestion + "'?"));
            continue;
          }
          read_endpoint_analysis(node, spec, spec.endpoints[e], analysis.endpoints[e]);
        }
      }
    }
    const auto uses = [&](Method m) {
      for (const auto& a : analysis.endpoints) {
        if (std::find(a.methods.begin(), a.methods.end(), m) != a.methods.end()) return true;
      }
      return false;
    };
    if (present && Reader::has(at, "procova")) {
      const Located procova = at.child("procova");
      if (reader_.expect_mapping(procova, {"historical"})) {
        if (!Reader::has(procova, "historical")) {
          reader_.missing(procova, "historical", "{patients, seed, cohort} of the historical cohort");
        } else {
          HistoricalCohort historical;
          if (read_population(procova.child("historical"), spec, historical.cohort, historical.patients,
                              historical.seed, {})) {
            analysis.procova = historical;
          }
        }
      }
    } else if (uses(Method::kProcova)) {
      reader_.error(present ? at : top, "method 'procova' needs analysis.procova.historical: the "
                                        "cohort its prognostic model is fitted on");
    }
    if (present && Reader::has(at, "external_control")) {
      read_external_control(at.child("external_control"), spec);
    } else if (uses(Method::kPsm) || uses(Method::kIptw)) {
      reader_.error(present ? at : top, "methods 'psm' and 'iptw' need analysis.external_control");
    }
  }

  void read_external_control(const Located& at, TrialSpec& spec) {
    ExternalControl external;
    if (!read_population(at, spec, external.cohort, external.patients, external.seed,
                         {"treatment", "covariates", "match_k", "caliper_sd"})) {
      return;
    }
    bool ok = true;
    const auto arm_names = spec.arm_names();
    if (!Reader::has(at, "treatment")) {
      reader_.missing(at, "treatment", "the arm whose patients form the single-arm trial");
      ok = false;
    } else if (auto v = reader_.string(at.child("treatment"), "an arm name")) {
      const auto found = std::find(arm_names.begin(), arm_names.end(), *v);
      if (found == arm_names.end() || static_cast<std::size_t>(found - arm_names.begin()) == spec.control_arm) {
        reader_.error(at.child("treatment"), "expected a treatment arm (" + detail::list_names(arm_names) +
                                                 ", not the control), got '" + *v + "'");
        ok = false;
      } else {
        external.treatment_arm = static_cast<std::size_t>(found - arm_names.begin());
      }
    } else {
      ok = false;
    }
    if (Reader::has(at, "covariates")) {
      external.covariates = covariate_list(at.child("covariates"), spec, false);
    } else {
      for (std::size_t j = 0; j < spec.cohort.covariates.size(); ++j) external.covariates.push_back(j);
    }
    if (Reader::has(at, "match_k")) {
      if (auto v = reader_.unsigned_integer(at.child("match_k"), "controls per treated patient, 1 to 10")) {
        if (*v < 1 || *v > 10) {
          reader_.error(at.child("match_k"), "expected 1 to 10 controls per treated patient, got " +
                                                 std::to_string(*v));
          ok = false;
        } else {
          external.match_k = static_cast<int>(*v);
        }
      }
    }
    if (auto v = reader_.number_in(at, "caliper_sd", false, 0.0, kInf, true,
                                   "a caliper > 0 in SDs of the logit propensity score")) {
      external.caliper_sd = *v;
    }
    if (ok) spec.analysis.external_control = external;
  }

  /// Name -> position of the trial cohort's covariates: a spec may name thousands of them
  /// thousands of times (effects, adjustment sets), so each is looked up by hash.
  std::unordered_map<std::string, std::size_t> covariate_index_;
  DiagnosticList& diagnostics_;
  Reader reader_;
  std::string file_;
  SpecFiles files_;
  std::map<std::string, std::string> included_;  ///< cohort files read, by path as written
  Located block_location_;
  std::vector<Located> arm_locations_;
  Located model_parameters_;
  bool model_ready_ = false;
  std::vector<Located> observation_locations_;  ///< per TrialSpec::observations
  bool cohort_ok_ = false;
  bool arms_ok_ = false;
};

}  // namespace

TrialSpec parse_spec(const std::string& text, const std::string& file, const SpecFiles& files) {
  DiagnosticList diagnostics;
  const YAML::Node root = load_yaml(text, file, diagnostics);
  TrialSpec spec;
  if (diagnostics.empty()) {
    if (!root.IsDefined() || root.IsNull()) {
      diagnostics.add({file, 1, 1}, "", "the spec is empty");
    } else {
      spec = SpecReader(diagnostics, file, files).read(root, text);
    }
  }
  if (!diagnostics.empty()) throw SpecError(std::move(diagnostics));
  return spec;
}

TrialSpec load_spec(const std::string& path, const SpecFiles& files) {
  std::string text;
  switch (detail::read_bounded(path, text)) {
    case detail::BoundedRead::kUnreadable: throw UserError("cannot read spec file '" + path + "'");
    case detail::BoundedRead::kTooLarge: {
      DiagnosticList diagnostics;
      add_too_large(path, "the spec", diagnostics);
      throw SpecError(std::move(diagnostics));
    }
    case detail::BoundedRead::kOk: break;
  }
  return parse_spec(text, path, files);
}

namespace {

/// A mapping key's text; empty for a key that is itself a list or mapping (as<std::string>
/// would throw a YAML exception, not a user error).
std::string key_text(const YAML::Node& key) { return key.IsScalar() ? key.Scalar() : std::string(); }

/// Scalars of `node` as "a.b.c" = value rows; sequences in YAML flow style.
void flatten(const YAML::Node& node, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& rows) {
  if (!node) return;  // absent (e.g. a model without parameters)
  if (node.IsMap()) {
    for (const auto& item : node) {
      const std::string key = key_text(item.first);
      flatten(item.second, prefix.empty() ? key : prefix + "." + key, rows);
    }
  } else if (node.IsScalar()) {
    rows.emplace_back(prefix, node.Scalar());
  } else if (node.IsDefined() && !node.IsNull()) {
    YAML::Emitter out;
    out << YAML::Flow << node;
    rows.emplace_back(prefix, out.c_str());
  }
}

/// The omega `node` as read_stored_spec keeps it, or nullopt when it is not a list of k
/// names and k rows of k finite numbers with a positive diagonal.
std::optional<StoredSpec::Omega> stored_omega(const std::string& name, const YAML::Node& node) {
  if (!node.IsMap() || node.size() != 2) return std::nullopt;
  const YAML::Node variables = node["variables"], matrix = node["matrix"];
  if (!variables || !variables.IsSequence() || !matrix || !matrix.IsSequence()) return std::nullopt;
  const std::size_t k = variables.size();
  if (k == 0 || matrix.size() != k) return std::nullopt;
  StoredSpec::Omega omega{name, {}, {}};
  for (std::size_t i = 0; i < k; ++i) {
    const YAML::Node row = matrix[i];
    if (!variables[i].IsScalar() || !row.IsSequence() || row.size() != k) return std::nullopt;
    const YAML::Node diagonal = row[i];
    if (!diagonal.IsScalar()) return std::nullopt;
    const std::string& text = diagonal.Scalar();
    double variance = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), variance);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(variance) || !(variance > 0.0)) {
      return std::nullopt;
    }
    omega.variables.push_back(variables[i].Scalar());
    omega.variances.push_back(variance);
  }
  return omega;
}

}  // namespace

std::string with_model_parameter(const std::string& text, const std::string& path, double value) {
  YAML::Node root = YAML::Load(text);
  YAML::Node node = root["model"]["parameters"];
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node.IsMap()) throw UserError("model.parameters." + path + ": not a mapping at '" + key + "'");
    if (dot == std::string::npos) {
      node[key] = value;
      break;
    }
    node.reset(node[key]);
    start = dot + 1;
  }
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root;
  return std::string(out.c_str()) + "\n";
}

StoredSpec read_stored_spec(const std::string& text, const std::string& file) {
  DiagnosticList diagnostics;
  const YAML::Node root = load_yaml(text, file, diagnostics);
  StoredSpec stored;
  if (diagnostics.empty() && root.IsMap()) {
    SpecReader(diagnostics, file).read_report_only(root, stored);
    const YAML::Node arms = root["arms"];
    if (arms && arms.IsSequence()) {
      for (const auto& arm : arms) {
        if (!arm.IsMap() || !arm["name"] || !arm["name"].IsScalar()) continue;
        YAML::Emitter out;
        out << YAML::Flow << YAML::BeginMap;
        for (const auto& item : arm) {
          if (key_text(item.first) == "name") continue;
          out << YAML::Key << item.first << YAML::Value << item.second;
        }
        out << YAML::EndMap;
        std::string text = out.c_str();
        if (text.size() >= 2 && text.front() == '{' && text.back() == '}') text = text.substr(1, text.size() - 2);
        stored.arms.emplace_back(arm["name"].Scalar(), text);
      }
    }
    // A missing key gives an invalid node, whose Is*() throw: test it (operator bool) first.
    const YAML::Node model = root["model"];
    if (model && model.IsMap()) {
      if (model["name"] && model["name"].IsScalar()) stored.model_name = model["name"].Scalar();
      flatten(model["parameters"], "", stored.model_parameters);
      if (model["parameters"] && model["parameters"].IsMap()) {
        for (const auto& item : model["parameters"]) {
          if (auto omega = stored_omega(key_text(item.first), item.second)) stored.omegas.push_back(*omega);
        }
      }
      const YAML::Node sources = model["sources"];
      if (sources && sources.IsMap()) {
        for (const auto& item : sources) {
          if (item.second.IsScalar()) stored.model_sources[key_text(item.first)] = item.second.Scalar();
        }
      }
    }
  }
  if (!diagnostics.empty()) throw SpecError(std::move(diagnostics));
  return stored;
}

}  // namespace silico::spec
