#pragma once
/// @file
/// @brief MPI set-up and the few collectives silico needs. Only parallel/ and cli/
/// include mpi.h; everything below works on one process.

#include <mpi.h>

#include <cstdint>
#include <string>

namespace silico::parallel {

/// Initialises MPI (or joins an existing initialisation) for the life of the object.
/// Without mpirun, MPI runs as a singleton: one rank.
class MpiContext {
 public:
  MpiContext(int& argc, char**& argv);
  ~MpiContext();
  MpiContext(const MpiContext&) = delete;
  MpiContext& operator=(const MpiContext&) = delete;

  MPI_Comm comm() const { return MPI_COMM_WORLD; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

 private:
  int rank_ = 0;
  int size_ = 1;
  bool owns_ = false;
};

/// True on every rank iff `ok` is true on every rank. Called before each collective
/// so that a failure on one rank stops all of them instead of hanging the others.
bool all_ok(MPI_Comm comm, bool ok);

/// Rank 0's value, on every rank.
std::string broadcast(MPI_Comm comm, const std::string& value);
double broadcast(MPI_Comm comm, double value);

/// Sum over ranks (exact: integers, so independent of the reduction order).
std::uint64_t sum(MPI_Comm comm, std::uint64_t value);

}  // namespace silico::parallel
