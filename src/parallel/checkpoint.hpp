#pragma once
/// @file
/// @brief The checkpoint of an interrupted `silico run`, kept next to the output:
///   OUT.h5.partial     the result file being written (HDF5, flushed at each checkpoint);
///   OUT.h5.checkpoint  a small text file: what run this is and how far it got;
///   OUT.h5.analysis    the analysed replicates' series values, appended in order.
/// The text file is replaced atomically (written aside, then renamed) after the HDF5
/// flush and the analysis append, so it never claims work that is not on disk. A killed
/// process loses only what came after its last checkpoint: HDF5 metadata is final once
/// the datasets exist (storage allocated at creation), and later rounds only write raw
/// data, which a resumed run writes again.

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

  std::string to_text() const;
  /// Throws UserError naming `path` if the text is not a checkpoint of this silico.
  static Checkpoint from_text(const std::string& text, const std::string& path);
};

/// FNV-1a 64 of the spec's text and of every file it reads (cohort includes, observed
/// outcomes), as 16 hex digits.
std::string spec_fingerprint(const spec::TrialSpec& spec);

/// The three files, from the output path.
struct CheckpointPaths {
  explicit CheckpointPaths(const std::string& output)
      : partial(output + ".partial"), state(output + ".checkpoint"), analysis(output + ".analysis") {}
  std::string partial, state, analysis;
};

/// Writes `text` to `path` atomically: a reader (or a resumed run after a kill) sees the
/// old file or the new one, never a mix.
void replace_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

/// The analysed replicates' series: a header line with the series paths, then one
/// binary row of doubles per replicate. Rows past `rows` (a partial append of a killed
/// run) are ignored on reading.
void append_analysis_rows(const std::string& path, const std::vector<std::string>& paths,
                          const std::vector<std::vector<double>>& rows);
void read_analysis_rows(const std::string& path, std::uint64_t rows, std::vector<std::string>& paths,
                        std::vector<std::vector<double>>& values);

/// A reason `checkpoint` cannot be resumed for this spec and run shape, or "".
std::string resume_mismatch(const Checkpoint& checkpoint, const Checkpoint& wanted);

}  // namespace silico::parallel
