#include "parallel/round_control.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>

namespace silico::parallel {

namespace {

// The handler only records the signal; the run acts on it between rounds.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void record_stop_signal(int signal) { g_stop_signal = signal; }

}  // namespace

StopSignals::StopSignals() {
  g_stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = record_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, &old_term_);
  sigaction(SIGUSR1, &action, &old_usr1_);
}

StopSignals::~StopSignals() {
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGUSR1, &old_usr1_, nullptr);
}

std::string RoundDecision::reason() const {
  if (signal == SIGUSR1) return "SIGUSR1";
  if (signal == SIGTERM) return "SIGTERM";
  if (orphaned) return "the loss of its launcher (mpirun or srun ended while its ranks ran on)";
  return "a signal";
}

RoundControl::RoundControl(double interval_seconds)
    : interval_seconds_(interval_seconds), last_(std::chrono::steady_clock::now()) {
  // A rank of a killed mpirun can live on (its launcher gone, its parent now init or a
  // subreaper) and go on writing the output a new run is writing. Only a launched rank
  // watches its parent: a run started from a shell that exits must go on.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    launched_ = launched_ || std::getenv(name) != nullptr;
  }
  parent_ = static_cast<long>(::getppid());
}

bool RoundControl::orphaned() const { return launched_ && static_cast<long>(::getppid()) != parent_; }

RoundDecision RoundControl::poll(const MpiContext& mpi) const {
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
  int mine[3] = {static_cast<int>(g_stop_signal), orphaned() ? 1 : 0,
                 mpi.is_root() && since >= interval_seconds_ ? 1 : 0};
  int all[3] = {0, 0, 0};
  MPI_Allreduce(mine, all, 3, MPI_INT, MPI_MAX, mpi.comm());
  RoundDecision decision;
  decision.signal = all[0];
  decision.orphaned = all[1] != 0;
  decision.checkpoint_due = all[2] != 0 || decision.stop();
  return decision;
}

}  // namespace silico::parallel
