#pragma once
/// @file
/// @brief The working files of `silico run` (checkpoint.hpp lists them), handled on rank 0:
/// whether a run may start or resume, decided before anything is touched; clearing an
/// earlier attempt's files for a fresh start; and what a failed run leaves behind.

#include <string>

#include "parallel/checkpoint.hpp"
#include "parallel/run.hpp"
#include "spec/spec.hpp"

namespace silico::parallel {

/// How a run starts: from the beginning, or from a verified checkpoint.
struct RunStart {
  std::string checkpoint_text;  ///< empty: from the beginning
  std::string notice;           ///< printed once, e.g. "no checkpoint found"
};

/// Rank 0, holding the output's lock. Throws UserError, having touched nothing, if the
/// run may not start: the output exists without --force (or is one of the inputs), a
/// working file is not a regular file, an interrupted run would be thrown away without
/// --force, or a checkpoint to resume from does not match this run or is damaged (its
/// numbers out of range, the analysis rows not hashing to the committed value, or a
/// checksum of the partial result file's committed part failing).
RunStart decide_run_start(const spec::TrialSpec& spec, const RunOptions& options, const Checkpoint& wanted,
                          const CheckpointPaths& files);

/// Rank 0, once every rank agreed to start from the beginning: removes an earlier
/// attempt's partial file, checkpoint, analysis rows and stale temporaries (regular files
/// only).
void clear_run_files(const CheckpointPaths& files);

/// Rank 0 under the lock: removes checkpoint texts a killed run wrote but never renamed.
void remove_stale_temporaries(const CheckpointPaths& files);

/// Rank 0 after a failure. With a committed checkpoint the files stay, to be resumed
/// once the cause is fixed, and the returned hint says so; without one, the partial
/// file and the analysis rows are removed and the hint is empty.
std::string leave_failed_run(const CheckpointPaths& files, const RunOptions& options, const spec::TrialSpec& spec);

/// The command that continues this run: `silico run SPEC -o OUT [--replicates F:C] --resume`.
std::string resume_command(const RunOptions& options, const spec::TrialSpec& spec);

}  // namespace silico::parallel
