#pragma once
// Internal to spec/: the largest input the spec reader accepts. Every limit is far above
// what a trial needs and keeps `silico check` fast and small on any input: past them a
// located error names the limit (docs/spec.md, "Limits"). Reading time is linear in the
// size of the input below them.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

#include "core/error.hpp"

namespace silico::spec::detail {

/// A spec, an included cohort file or an observed-outcomes CSV; checked before parsing.
inline constexpr std::size_t kMaxFileBytes = std::size_t{16} << 20;
/// Any key or value of a YAML file (free text such as context_of_use included).
inline constexpr std::size_t kMaxScalarBytes = std::size_t{64} << 10;
/// Mapping keys and the names a spec defines: trial, covariates, levels, arms, endpoints.
inline constexpr std::size_t kMaxNameBytes = 256;
/// Nested mappings and lists; a spec nests about 6 deep.
inline constexpr std::size_t kMaxDepth = 64;
/// Keys, values, lists and mappings of one file. A spec of 10,000 covariates has about
/// 110,000; yaml-cpp spends some 450 bytes on each, so this bounds a parse to about 500 MB.
inline constexpr std::size_t kMaxNodes = 1'000'000;

inline constexpr std::size_t kMaxCovariates = 10'000;
inline constexpr std::size_t kMaxCorrelationVariables = 500;
inline constexpr std::size_t kMaxLevels = 1'000;
inline constexpr std::size_t kMaxCriteria = 1'000;
inline constexpr std::size_t kMaxArms = 100;
inline constexpr std::size_t kMaxEndpoints = 100;
inline constexpr std::size_t kMaxLandmarks = 1'000;
inline constexpr std::size_t kMaxValidationTargets = 1'000;
inline constexpr std::size_t kMaxDoseChanges = 10'000;
/// Pieces of a piecewise-constant rate: trial.accrual.rates, each list of trial.dropout.
inline constexpr std::size_t kMaxRatePieces = 100;
/// first/last data cuts inside one another (a cut of first/last of first/last of ...).
inline constexpr std::size_t kMaxDataCutDepth = 3;
/// Longest accrual, in years (converted with the trial's time unit).
inline constexpr double kMaxAccrualYears = 100.0;
/// Rows of an observed-outcomes CSV (patients of a real cohort).
inline constexpr std::size_t kMaxObservedRecords = 1'000'000;

/// "16 MiB", "64 KiB", "256 bytes" for messages.
std::string describe_bytes(std::size_t bytes);

/// Counts the nodes of YAML `text` without building them (yaml-cpp's event parser); past
/// kMaxNodes, reports the node that crosses the limit and returns false. A syntax error is
/// left for the parse proper to report.
bool check_node_count(const std::string& text, const std::string& file, DiagnosticList& diagnostics);

/// Reports every key or scalar longer than its limit and every node nested deeper than
/// kMaxDepth, each at its own location and key path; true if there is none. Run on a
/// parsed file before it is read, so the reader never echoes or copies an oversized value.
bool check_node_sizes(const YAML::Node& root, const std::string& file, DiagnosticList& diagnostics);

/// The outcome of reading at most kMaxFileBytes of a file.
enum class BoundedRead { kOk, kTooLarge, kUnreadable };

/// Reads `path` into `text`, stopping after kMaxFileBytes + 1 bytes, so a huge file, a
/// device or /proc entry (whose size is not known in advance) costs no more than that.
BoundedRead read_bounded(const std::string& path, std::string& text);

}  // namespace silico::spec::detail
