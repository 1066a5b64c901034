// HDF5 write throughput of silico's result writer against a raw sequential write of the
// same number of bytes to the same folder, on the same ranks (run under mpirun).
//
//   mpirun -np K silico_io_bench [--patients N] [--dir DIR]
//
// The trial is configs/example.yaml with N patients (default 4,000,000). One block of
// 65,536 patients per rank is simulated once and written as every block of the trial
// (the bytes and the I/O pattern of a real run, without its simulation time): one
// collective write per dataset per round, then the file is closed and fsync'ed. The raw
// reference: each rank writes its share of the same bytes with write(2) in 1 MiB pieces
// to its own file, then fsync. Both times include reaching the disk (fsync).
#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "io/result_writer.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::uint64_t patients = 4'000'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--patients") patients = std::strtoull(argv[i + 1], nullptr, 10);
    if (key == "--dir") dir = argv[i + 1];
  }
  auto spec = silico::spec::load_spec(std::string(SILICO_SOURCE_DIR) + "/configs/example.yaml");
  spec.trial.patients = patients;
  const std::uint64_t block_size = 65536;
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, block_size, block);

  // --- HDF5, as silico run writes it.
  const std::string h5 = dir + "/silico_io_bench.h5";
  MPI_Barrier(MPI_COMM_WORLD);
  auto start = std::chrono::steady_clock::now();
  {
    silico::io::RunInfo info;
    info.replicate_count = 1;
    info.mpi_ranks = size;
    silico::io::ResultWriter writer(MPI_COMM_WORLD, h5, spec, info);
    const std::uint64_t blocks = (patients + block_size - 1) / block_size;
    for (std::uint64_t round = 0; round * static_cast<std::uint64_t>(size) < blocks; ++round) {
      const std::uint64_t b = round * static_cast<std::uint64_t>(size) + static_cast<std::uint64_t>(rank);
      block.first = b * block_size;
      block.count = b < blocks ? std::min(block_size, patients - block.first) : 0;
      writer.write_block(block);
    }
    writer.finish(patients, 0.0);  // wall_seconds: the same on every rank; not read here
  }
  if (rank == 0) fsync_file(h5);
  MPI_Barrier(MPI_COMM_WORLD);
  const double h5_seconds = seconds_since(start);
  const double bytes = static_cast<double>(std::filesystem::file_size(h5));

  // --- Raw: the same bytes, each rank its share, sequential write(2) and fsync.
  const std::string raw = dir + "/silico_io_bench.raw." + std::to_string(rank);
  std::vector<char> piece(1 << 20, 'x');
  const auto share = static_cast<std::uint64_t>(bytes / size);
  MPI_Barrier(MPI_COMM_WORLD);
  start = std::chrono::steady_clock::now();
  {
    const int fd = ::open(raw.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (std::uint64_t written = 0; written < share;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), share - written));
      if (::write(fd, piece.data(), n) != static_cast<ssize_t>(n)) break;
      written += n;
    }
    ::fsync(fd);
    ::close(fd);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const double raw_seconds = seconds_since(start);
  std::filesystem::remove(raw);
  if (rank == 0) {
    std::filesystem::remove(h5);
    std::printf("HDF5 write, %d rank(s), %llu patients, %.0f MB: %.2f s (%.0f MB/s); raw write of the same bytes: "
                "%.2f s (%.0f MB/s); ratio %.2f\n",
                size, static_cast<unsigned long long>(patients), bytes / 1e6, h5_seconds, bytes / 1e6 / h5_seconds,
                raw_seconds, bytes / 1e6 / raw_seconds, h5_seconds / raw_seconds);
  }
  MPI_Finalize();
  return 0;
}
