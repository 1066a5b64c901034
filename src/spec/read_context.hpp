#pragma once
// Internal to spec/: what the section readers (sections.hpp) share while one spec is read.
// One ReadContext per spec file, so the Reader's suggestion budget and the list of files
// included are the whole file's.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "spec/spec.hpp"
#include "spec/yaml_reader.hpp"

namespace silico::spec::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr std::uint64_t kMaxPatients = std::uint64_t{1} << 40;

/// The trial time units and their length in days (spec.cpp).
const std::vector<std::pair<std::string, double>>& time_units();

/// Parse YAML text; a syntax error becomes a diagnostic and an undefined node, and so does
/// a file with an oversized key or value or too deep a nesting (spec.cpp).
YAML::Node load_yaml(const std::string& text, const std::string& file, DiagnosticList& diagnostics);

/// The shortest text that reads back as `x`, for messages.
std::string format_number(double x);

std::unordered_map<std::string, std::size_t> index_of_names(const std::vector<std::string>& names);

/// What later sections need from earlier ones: whether a section read cleanly (so a name
/// it failed to define is not reported again as unknown) and where things were written
/// (so a later check points at them). Set by the sections and by spec.cpp's orchestration.
struct Earlier {
  bool cohort_ok = false;
  /// Name -> position of the trial cohort's covariates: a spec may name thousands of them
  /// thousands of times (effects, adjustment sets), so each is looked up by hash.
  std::unordered_map<std::string, std::size_t> covariate_index;
  bool arms_ok = false;
  Located block_location;             ///< trial.randomization_block, checked by arms
  std::vector<Located> arm_locations; ///< per TrialSpec::arms
  Located model_parameters;           ///< where create_model's own errors point
  bool model_ready = false;           ///< read_model found no error: create_model may run
  std::vector<Located> observation_locations;  ///< per TrialSpec::observations
  /// trial.dropout as read_trial checked it, before the arms are known: the pieces for
  /// every arm, or per arm name (each with its key's location). resolve_dropout indexes
  /// it like the arms once they and the model are read.
  struct PendingDropout {
    Located at;  ///< trial.dropout
    bool ok = true;  ///< no error in its numbers
    bool per_arm = false;
    std::vector<RatePiece> all;  ///< !per_arm
    std::vector<std::pair<std::string, Located>> names;  ///< per_arm: arm name, its key
    std::vector<std::vector<RatePiece>> pieces;         ///< per_arm: same order as names
  };
  std::optional<PendingDropout> dropout;
};

/// The diagnostics, the located-node Reader, the spec's file and how its includes are
/// found, shared by every section reader.
struct ReadContext {
  ReadContext(DiagnosticList& diagnostics, std::string file, SpecFiles files = {})
      : diagnostics(diagnostics), reader(diagnostics), file(std::move(file)), files(std::move(files)) {}

  DiagnosticList& diagnostics;
  Reader reader;
  std::string file;
  SpecFiles files;
  std::map<std::string, std::string> included;  ///< cohort files read, by path as written
  Earlier earlier;

  /// False, after an error naming the limit, if the list or mapping at `at` has more than
  /// `limit` entries.
  bool within_limit(const Located& at, std::size_t limit, const std::string& what);

  /// False, after an error, if a name the spec defines (`value`, read at `at`) is longer
  /// than names may be.
  bool short_name(const Located& at, const std::string& value, const std::string& what);

  /// Finds and reads a file the spec names at `at`; its path for messages, or nullopt
  /// after a located error (outside the spec's folder, not found, unreadable, too large).
  std::optional<std::string> read_included(const Located& at, const std::string& written,
                                           const std::string& what, std::string& text);

  std::optional<std::uint64_t> required_unsigned(const Located& parent, const std::string& key,
                                                 const std::string& expected);
};

}  // namespace silico::spec::detail
