#pragma once
/// @file
/// @brief Writes a trial's results to one HDF5 file, collectively from every MPI rank.
/// The layout is documented in docs/hdf5-layout.md.

#include <mpi.h>

#include <memory>
#include <string>

#include "sim/analysis.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace silico::io {

/// Facts about the run recorded as root attributes; identical on every rank.
struct RunInfo {
  std::string created_utc;  ///< ISO 8601, e.g. 2026-11-24T03:22:35Z
  std::string command_line;
  int mpi_ranks = 1;
  int threads = 1;  ///< threads per rank
  /// The replicates this file holds, [first_replicate, first_replicate + replicate_count):
  /// a part of the study for a job array (silico merge joins the parts), or all of it.
  std::uint64_t first_replicate = 0;
  std::uint64_t replicate_count = 0;
};

class ResultWriter {
 public:
  enum class Mode { kCreate, kResume };
  /// Collective: creates `path` (truncating it) and every dataset of the layout, or with
  /// kResume opens the partial file an interrupted run of the same spec left, to write
  /// the rest of it.
  ResultWriter(MPI_Comm comm, const std::string& path, const spec::TrialSpec& spec,
               const RunInfo& info, Mode mode = Mode::kCreate);
  ~ResultWriter();
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;

  /// Collective: every rank calls it the same number of times, a rank with no patients
  /// in this round passing an empty block (count = 0). One write per dataset per call.
  void write_block(const sim::Block& block);
  /// The sum of block_digest() (io/block_digest.hpp) over the blocks this rank wrote
  /// since the last call; the checkpoint adds up every rank's.
  std::uint64_t take_written_digest();

  /// Collective: makes the file on disk hold everything written so far (a checkpoint).
  void flush();

  /// Collective: creates one [R] float64 dataset per analysis series under /replicates
  /// (paths relative to it) and the series groups' attributes.
  void create_series(const std::vector<std::string>& paths,
                     const std::vector<sim::SeriesAttribute>& attributes);

  /// Collective: writes replicates [first_replicate, first_replicate + count) of every
  /// series; values[r][k] is series k of replicate first_replicate + r. count may be 0.
  /// Replicate numbers are the study's; the file's rows start at RunInfo::first_replicate.
  void write_series(std::uint64_t first_replicate, std::uint64_t count,
                    const std::vector<std::vector<double>>& values);

  /// Collective: records how many candidates were screened (all ranks, all replicates)
  /// and the acceptance rate, the run's wall time (the same value on every rank), sets
  /// status = "complete" and closes the file. Until then the file says status = "incomplete".
  void finish(std::uint64_t candidates_drawn, double wall_seconds);

 private:
  void write_trajectory(const sim::Block& block, std::size_t k);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace silico::io
