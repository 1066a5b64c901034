#pragma once
/// @file
/// @brief `silico run`: simulate a trial over MPI ranks and oneTBB threads, write it to
/// one HDF5 file. Writes go to `<output>.partial`, renamed to `<output>` on success only.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "parallel/mpi_context.hpp"
#include "spec/spec.hpp"

namespace silico::parallel {

struct RunOptions {
  std::string output;
  bool force = false;       ///< replace an existing output (on success only), or start a
                            ///< checkpointed run again from the beginning
  bool resume = false;      ///< continue from OUT.h5.checkpoint if there is one
  int threads = 0;          ///< per rank; 0 = the cores this rank may run on
  /// Patients per block: the unit of work of one rank, of one collective write and of
  /// checkpointing (a resumed run keeps the interrupted run's block size).
  std::uint64_t block_patients = 65536;
  /// The longest time between two checkpoints, in seconds; 0 = after every round. A stop
  /// signal, the end of the patients and the end of the analyses also checkpoint.
  double checkpoint_seconds = 300.0;
  bool quiet = false;
  /// Where the analysis phase spills a replicate's survival rows (sorted runs in unnamed
  /// temporary files, gone when the run ends however it ends); empty = the directory of
  /// `output`.
  std::string scratch;
  std::string command_line;
  /// Simulate only the study's replicates [first_replicate, first_replicate +
  /// replicate_count) (replicate_count 0 = all from first_replicate): one part of a
  /// replicate study split over a job array, joined afterwards by silico merge.
  std::uint64_t first_replicate = 0;
  std::uint64_t replicate_count = 0;
};

struct RunSummary {
  std::uint64_t candidates_drawn = 0;
  std::uint64_t model_failures = 0;  ///< patients whose model failed, all replicates
  double acceptance_rate = 1.0;
  double seconds = 0.0;
  int threads = 1;
};

/// Thrown on every rank when work failed on one or more ranks. Only the ranks where
/// it failed carry a message to print; the others exit quietly with the same code.
class RunFailure : public std::runtime_error {
 public:
  RunFailure(int exit_code, bool failed_here, const std::string& message, bool abort_all = false)
      : std::runtime_error(message), exit_code_(exit_code), failed_here_(failed_here), abort_all_(abort_all) {}
  int exit_code() const { return exit_code_; }
  bool failed_here() const { return failed_here_; }
  /// The result file's collective state is unknown (an HDF5 call failed on some rank):
  /// closing it could wait forever, so the caller ends every rank with MPI_Abort once the
  /// message is printed.
  bool abort_all() const { return abort_all_; }

 private:
  int exit_code_;
  bool failed_here_;
  bool abort_all_;
};

/// Thrown on every rank when a stop signal (SIGTERM, SIGUSR1), or the loss of the
/// launcher, ended the run after a checkpoint; the message says how to resume. Exit code
/// kExitInterrupted.
class RunInterrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The number of CPUs this process may run on (its affinity mask), at least 1.
int available_cores();

/// Collective over `mpi`. Throws UserError (same on every rank) on bad input or when the
/// output exists without `force`; any rank's failure stops every rank.
RunSummary run_trial(const MpiContext& mpi, const spec::TrialSpec& spec, const RunOptions& options);

}  // namespace silico::parallel
