#pragma once
/// @file
/// @brief Running work on every rank so that a failure anywhere stops every rank
/// cleanly instead of leaving the others waiting in a collective call.

#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "parallel/mpi_context.hpp"
#include "parallel/run.hpp"

namespace silico::parallel {

/// Exit-code-like status agreed by all ranks: the worst one wins.
enum class Failure : int { kNone = 0, kInternal = 1, kUser = 2 };

inline Failure agree(MPI_Comm comm, Failure local) {
  int mine = static_cast<int>(local);
  int worst = 0;
  MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, comm);
  return static_cast<Failure>(worst);
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
  const Failure global = agree(mpi.comm(), local);
  if (global == Failure::kNone) return;
  const int code = global == Failure::kUser ? kExitUserError : kExitInternal;
  if (local != Failure::kNone) {
    throw RunFailure(code, true, "rank " + std::to_string(mpi.rank()) + ": " + message);
  }
  throw RunFailure(code, false, "stopped because another rank failed");
}

}  // namespace silico::parallel
