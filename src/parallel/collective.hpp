#pragma once
/// @file
/// @brief Running work on every rank so that a failure anywhere stops every rank
/// cleanly instead of leaving the others waiting in a collective call.

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "parallel/mpi_context.hpp"
#include "parallel/run.hpp"

namespace silico::parallel {

/// Exit-code-like status agreed by all ranks: the worst one wins.
enum class Failure : int { kNone = 0, kInternal = 1, kUser = 2 };

/// How long a rank that failed waits for the others to agree before it ends them all.
inline constexpr std::chrono::seconds kAgreeTimeout{60};

/// A rank that failed may find the others stuck inside a collective call it left early
/// (an HDF5 call that failed on it after its collective part diverged, e.g. on a full
/// disk). So the agreement is a nonblocking allreduce on every rank (nonblocking and
/// blocking collectives do not match); a rank that failed polls it, and if the others do
/// not answer within kAgreeTimeout it prints `message` and ends every rank with
/// MPI_Abort, so that a failure never leaves a job hanging until its walltime.
inline Failure agree(MPI_Comm comm, Failure local, const std::string& message = {}) {
  int mine = static_cast<int>(local);
  int worst = 0;
  MPI_Request request;
  MPI_Iallreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, comm, &request);
  if (local == Failure::kNone) {
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    return static_cast<Failure>(worst);
  }
  const auto deadline = std::chrono::steady_clock::now() + kAgreeTimeout;
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return static_cast<Failure>(worst);
    if (std::chrono::steady_clock::now() > deadline) {
      int rank = 0;
      MPI_Comm_rank(comm, &rank);
      std::fprintf(stderr, "silico: error: rank %d: %s\nsilico: the other ranks did not respond for %lld s "
                   "(stuck in a collective call this rank left): stopping every rank (MPI_Abort)\n",
                   rank, message.c_str(), static_cast<long long>(kAgreeTimeout.count()));
      std::fflush(stderr);
      MPI_Abort(comm, local == Failure::kUser ? kExitUserError : kExitInternal);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

/// Run `work` on every rank; if it throws anywhere, every rank throws RunFailure with
/// the worst exit code, and the failing ranks carry their own message.
template <typename Work>
void collectively(const MpiContext& mpi, Work&& work) {
  Failure local = Failure::kNone;
  std::string message;
  try {
    work();
  } catch (const UserError& e) {
    local = Failure::kUser;
    message = e.what();
  } catch (const std::exception& e) {
    local = Failure::kInternal;
    message = e.what();
  }
  const Failure global = agree(mpi.comm(), local, message);
  if (global == Failure::kNone) return;
  const int code = global == Failure::kUser ? kExitUserError : kExitInternal;
  if (local != Failure::kNone) {
    throw RunFailure(code, true, "rank " + std::to_string(mpi.rank()) + ": " + message);
  }
  throw RunFailure(code, false, "stopped because another rank failed");
}

}  // namespace silico::parallel
