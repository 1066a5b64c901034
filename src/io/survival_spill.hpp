#pragma once
/// @file
/// @brief A SurvivalSource that holds at most a fixed number of rows in memory: an external
/// sort. Rows are buffered; each full buffer is sorted and written as one run to a
/// temporary file with no name, and walks merge the runs. POSIX only (pread/pwrite).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "stats/survival_source.hpp"

namespace silico::io {

/// Rows pushed in any order, walked in survival order (exactly as stats::InMemorySurvival
/// would walk the same rows) once finish() has been called.
///
/// Memory. While pushing: `memory_rows` rows and their covariates, plus a 64 KiB write
/// buffer. During a walk (after at least one spill): one read buffer per run, of
/// min(64 KiB, max(4 KiB, memory_rows / runs records)) and never more than the run, plus
/// one batch of 4096 rows; so about memory_rows records + runs x 4 KiB at worst. The fan-in
/// is unlimited: there is no intermediate merge pass, so each walk reads the file once.
///
/// Rows must have distinct `row` numbers (survival_before is then a total order); two equal
/// rows make finish() (same buffer) or a walk (different runs) throw std::invalid_argument.
///
/// Walks are const and keep their state on the stack, so they may be repeated, and run
/// concurrently from several threads.
class SurvivalSpill final : public stats::SurvivalBuffer {
 public:
  /// Rows are buffered in memory up to `memory_rows` (at least 1); a full buffer is sorted
  /// (survival_before) and written as one run to an unnamed temporary file in `directory`,
  /// created at the first spill. Nothing is created if every row fits in the buffer.
  SurvivalSpill(std::filesystem::path directory, std::size_t covariates, std::size_t memory_rows);
  ~SurvivalSpill() override;
  SurvivalSpill(const SurvivalSpill&) = delete;
  SurvivalSpill& operator=(const SurvivalSpill&) = delete;

  /// Copies the row, `row.x` included (it must hold covariates() values; time finite and
  /// >= 0). @throws std::invalid_argument for a malformed row, std::logic_error after
  /// finish(), std::runtime_error if the spill file cannot be created or written (the
  /// message names the directory and the system's reason, e.g. no space left on device).
  void push(const stats::SurvivalRow& row) override;
  /// Ends the pushes: sorts what is buffered and, if a run was already written, writes it
  /// as the last run and frees the buffer. Walks are allowed only after it.
  void finish() override;

  std::uint64_t size() const override { return size_; }
  std::size_t covariates() const override { return covariates_; }
  /// @throws std::logic_error before finish(); std::runtime_error if the file cannot be read.
  void forward(const Visitor& visit) const override;
  void backward(const Visitor& visit) const override;
  /// Runs on disk: 0 when everything fitted in memory.
  std::size_t runs() const { return runs_.size(); }

 private:
  struct Run {
    std::uint64_t first = 0;  ///< index of its first record in the file
    std::uint64_t count = 0;
  };

  void sort_buffer();
  void spill();
  void open_file();
  void walk_memory(const Visitor& visit, bool reverse) const;
  void merge(const Visitor& visit, bool reverse) const;

  std::filesystem::path directory_;
  std::size_t covariates_;
  std::size_t memory_rows_;
  std::size_t record_bytes_;
  std::uint64_t size_ = 0;
  bool finished_ = false;
  int fd_ = -1;
  std::uint64_t file_records_ = 0;
  std::vector<Run> runs_;
  std::vector<stats::SurvivalRow> rows_;  ///< buffered rows; x views into x_ once sorted
  std::vector<double> x_;                 ///< covariates of rows_, in push order
};

}  // namespace silico::io
