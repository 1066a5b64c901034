#pragma once
/// @file
/// @brief What every rank must agree on between two rounds of a run: whether to stop
/// (a stop signal, or the launcher gone) and whether a checkpoint is due. One collective
/// call per round decides all of it, so every rank takes the same branch.

#include <signal.h>

#include <chrono>
#include <string>

#include "parallel/mpi_context.hpp"

namespace silico::parallel {

/// SIGTERM (the batch system's walltime, `scancel`) and SIGUSR1 (`sbatch
/// --signal=B:USR1@120`) are recorded for the lifetime of a run and acted on between
/// rounds; the previous handlers come back afterwards.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_term_ {};
  struct sigaction old_usr1_ {};
};

/// The agreed state after a round.
struct RoundDecision {
  int signal = 0;         ///< the stop signal any rank received, 0 if none
  bool orphaned = false;  ///< some rank's launcher (mpirun, srun) is gone
  bool checkpoint_due = false;
  bool stop() const { return signal != 0 || orphaned; }
  /// "SIGTERM", "SIGUSR1", or why an orphaned run stops.
  std::string reason() const;
};

class RoundControl {
 public:
  /// `interval_seconds`: the longest time between checkpoints (0: after every round).
  explicit RoundControl(double interval_seconds);
  /// Collective: the decision after a round, the same on every rank. A checkpoint is due
  /// when the interval has passed on rank 0's clock, or when the run must stop.
  RoundDecision poll(const MpiContext& mpi) const;
  /// Call after each checkpoint: the interval counts from here.
  void checkpointed() { last_ = std::chrono::steady_clock::now(); }

 private:
  bool orphaned() const;

  double interval_seconds_;
  std::chrono::steady_clock::time_point last_;
  bool launched_ = false;  ///< started by mpirun or srun (their environment variables)
  long parent_ = 0;       ///< the launcher's process id when the run started
};

}  // namespace silico::parallel
