#pragma once
/// @file
/// @brief `silico merge`: joins the parts of a replicate study (files written by `silico
/// run --replicates FIRST:COUNT`) into one result file holding what a run of the whole
/// study writes. Serial; copies rows in slabs of bounded size, so memory does not grow
/// with the study.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace silico::io {

struct MergeOptions {
  std::string output;
  bool force = false;        ///< replace an existing output (on success only)
  std::string command_line;  ///< recorded as the merged file's command_line
  /// Largest block of one dataset held in memory at once (at least one element).
  std::uint64_t buffer_bytes = std::uint64_t{64} << 20;
  /// Receives one line per part as it is copied; empty = no progress.
  std::function<void(const std::string&)> progress;
};

struct MergeSummary {
  std::uint64_t parts = 0;
  std::uint64_t replicates = 0;  ///< of the study, now all in the output
  std::uint64_t patients = 0;
  std::uint64_t datasets = 0;
  std::uint64_t candidates_drawn = 0;
  double acceptance_rate = 1.0;
  /// Sum of the parts' wall_seconds (compute time: parts may have run at the same time);
  /// absent, and not written, if a part has none (written by an older silico).
  std::optional<double> wall_seconds;
};

/// Checks every part before writing anything: a complete silico result of this
/// format_version; the same spec, seed, build and metadata as the others (every attribute
/// of every group and dataset, except those that describe one run); the same groups and
/// datasets with the same types and shapes except the first axis, which holds the part's
/// replicates; and together the parts hold each of the study's replicates exactly once.
/// Then writes `<output>.partial` and renames it to `output`.
/// @throws UserError (nothing written, the output untouched) if a check fails or the
/// output exists without `force`; other exceptions for failures while writing (the partial
/// file is removed).
MergeSummary merge_parts(const std::vector<std::string>& parts, const MergeOptions& options);

/// The counts per dimension of the largest block of a row-major array with dimensions
/// `dims` that fits in `budget_bytes`: whole trailing dimensions, as many as fit of the
/// next one, 1 of the others; never less than one element.
std::vector<std::uint64_t> slab_shape(const std::vector<std::uint64_t>& dims,
                                      std::uint64_t element_bytes, std::uint64_t budget_bytes);

}  // namespace silico::io
