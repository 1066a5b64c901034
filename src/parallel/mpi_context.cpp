#include "parallel/mpi_context.hpp"

#include <stdexcept>

namespace silico::parallel {

MpiContext::MpiContext(int& argc, char**& argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    // Only the main thread calls MPI; oneTBB workers never do.
    int provided = 0;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
      throw std::runtime_error("MPI_Init_thread failed");
    }
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiContext::~MpiContext() {
  if (owns_) MPI_Finalize();
}

bool all_ok(MPI_Comm comm, bool ok) {
  int local = ok ? 1 : 0;
  int global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MIN, comm);
  return global == 1;
}

std::string broadcast(MPI_Comm comm, const std::string& value) {
  unsigned long long size = value.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  std::string result = value;
  result.resize(size);
  MPI_Bcast(result.data(), static_cast<int>(size), MPI_CHAR, 0, comm);
  return result;
}

double broadcast(MPI_Comm comm, double value) {
  MPI_Bcast(&value, 1, MPI_DOUBLE, 0, comm);
  return value;
}

std::uint64_t sum(MPI_Comm comm, std::uint64_t value) {
  unsigned long long local = value;
  unsigned long long global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm);
  return global;
}

}  // namespace silico::parallel
