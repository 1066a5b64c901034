#pragma once
/// @file
/// @brief The checkpoint of an interrupted `silico run`, kept next to the output:
///   OUT.h5.partial     the result file being written (HDF5, flushed at each checkpoint);
///   OUT.h5.checkpoint  a small text file: what run this is and how far it got;
///   OUT.h5.analysis    the analysed replicates' series values, in replicate order;
///   OUT.h5.lock        held by the run for its whole life (core/output_lock.hpp).
/// The commit protocol: the HDF5 file is flushed and the analysis rows are written first;
/// then the checkpoint text is written to a new file, synced and renamed over the old
/// one. That rename is the commit: the checkpoint never claims work that is not on disk.
/// It records the analysis file's committed length and a hash of those bytes, so rows a
/// killed run wrote after its last commit are overwritten on resume, never read; and a
/// resume reads back the committed blocks of the HDF5 file and checks them against the
/// digest the checkpoint committed (io/block_digest.hpp) before it trusts them. A kill at any instruction therefore resumes to the
/// bitwise-identical file, or the resume refuses with a reason and touches nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace silico::parallel {

struct Checkpoint {
  /// Identity of the run: a resume must match all of it.
  std::string silico_version;
  std::int64_t format_version = 0;
  std::string spec_fingerprint;  ///< spec_fingerprint() of the spec and the files it reads
  std::uint64_t seed = 0;
  std::uint64_t first_replicate = 0;
  std::uint64_t replicate_count = 0;
  std::uint64_t block_patients = 0;
  /// Progress: patient blocks written (in the global block order of run.cpp), replicates
  /// analysed (rows of the analysis file), and the totals so far over all ranks.
  std::uint64_t blocks_done = 0;
  std::uint64_t replicates_analysed = 0;
  std::uint64_t candidates_drawn = 0;
  std::uint64_t model_failures = 0;
  /// Wall time of the run up to this checkpoint, over every attempt so far (rank 0's
  /// clock): what a resumed run adds its own time to. Time between attempts, and work
  /// after an attempt's last checkpoint, are not in it.
  double seconds_spent = 0.0;
  /// The analysis file's committed length in bytes (header and rows) and the FNV-1a 64
  /// hash of those bytes; 0 and the FNV offset basis before any row.
  std::uint64_t analysis_bytes = 0;
  std::uint64_t analysis_hash = kAnalysisHashStart;
  /// The sum of io::block_digest() over the blocks_done blocks written.
  std::uint64_t data_digest = 0;

  static constexpr std::uint64_t kAnalysisHashStart = 0xcbf29ce484222325ULL;

  std::string to_text() const;
  /// Throws UserError naming `path` if the text is not a checkpoint of this silico.
  static Checkpoint from_text(const std::string& text, const std::string& path);
  /// Throws UserError naming `path` if a progress number is impossible for a trial of
  /// `patients` patients: a block size of 0, more blocks or replicates done than exist,
  /// analysis before all patients are written, fewer candidates than patients written.
  void check_ranges(std::uint64_t patients, const std::string& path) const;
};

/// Patient blocks per replicate and in all, for a block size (>= 1) and trial size.
std::uint64_t blocks_per_replicate(std::uint64_t patients, std::uint64_t block_patients);

/// FNV-1a 64 of the spec's text and of every file it reads (cohort includes, observed
/// outcomes), as 16 hex digits.
std::string spec_fingerprint(const spec::TrialSpec& spec);

/// The three files, from the output path.
struct CheckpointPaths {
  explicit CheckpointPaths(const std::string& output)
      : partial(output + ".partial"), state(output + ".checkpoint"), analysis(output + ".analysis") {}
  std::string partial, state, analysis;
};

/// Commits `checkpoint` to `path`: written beside it, synced, renamed over it.
void commit_checkpoint(const std::string& path, const Checkpoint& checkpoint);
/// The text of a checkpoint file, at most 64 KiB (a checkpoint is a few hundred bytes).
std::string read_checkpoint_text(const std::string& path);

/// The analysed replicates' series: a header line with the series paths, then one
/// binary row of doubles per replicate. Writes `rows` at the committed end recorded in
/// `checkpoint` (the header too when nothing is committed), cuts off anything a killed
/// run wrote past it, syncs, and advances checkpoint.analysis_bytes / analysis_hash.
/// Never through a symbolic link.
void write_analysis_rows(const std::string& path, const std::vector<std::string>& paths,
                         const std::vector<std::vector<double>>& rows, Checkpoint& checkpoint);
/// Reads the committed rows (checkpoint.replicates_analysed of them); throws UserError if
/// the file is missing, shorter than committed, or its committed bytes do not hash to the
/// checkpoint's value or do not hold exactly that many rows.
void read_analysis_rows(const std::string& path, const Checkpoint& checkpoint, std::vector<std::string>& paths,
                        std::vector<std::vector<double>>& values);

/// A reason `checkpoint` cannot be resumed for this spec and run shape, or "".
std::string resume_mismatch(const Checkpoint& checkpoint, const Checkpoint& wanted);

}  // namespace silico::parallel
