#pragma once
/// @file
/// @brief A survival data set that the streaming analyses walk in time order, forwards or
/// backwards, as often as they need, without holding it in memory: the sweeps of
/// survival_sweep.hpp and cox_fit() read rows through this interface, and a source may
/// keep its rows in memory (InMemorySurvival) or in sorted runs on disk
/// (io::SurvivalSpill). Pure: no MPI, HDF5 or YAML.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace silico::stats {

/// One patient's row.
struct SurvivalRow {
  double time = 0.0;          ///< finite, >= 0
  std::uint64_t row = 0;      ///< position in the input; breaks ties so the order is total
  std::int32_t stratum = 0;   ///< Cox strata and stratified log-rank; 0 when unstratified
  std::int8_t event = 0;      ///< 1 event, 0 censored
  std::int8_t group = 0;      ///< 1 treated, 0 control (other values: neither)
  std::span<const double> x;  ///< covariates; valid only during the visit that delivers it
};

/// Survival order: time ascending, events before censorings at a tied time (R's survival
/// convention), then row ascending. A total order, so every walk, and every sum taken
/// along it, is the same however the rows were stored.
inline bool survival_before(const SurvivalRow& a, const SurvivalRow& b) {
  if (a.time != b.time) return a.time < b.time;
  if (a.event != b.event) return a.event > b.event;
  return a.row < b.row;
}

/// Rows walked in survival order. Every row has the same number of covariates.
class SurvivalSource {
 public:
  virtual ~SurvivalSource() = default;
  /// Receives consecutive rows, in batches, in the order of the walk.
  using Visitor = std::function<void(std::span<const SurvivalRow>)>;
  virtual std::uint64_t size() const = 0;
  virtual std::size_t covariates() const = 0;
  /// All rows in survival order.
  virtual void forward(const Visitor& visit) const = 0;
  /// All rows in reverse survival order.
  virtual void backward(const Visitor& visit) const = 0;
};

/// Rows held in memory, sorted once at construction.
class InMemorySurvival final : public SurvivalSource {
 public:
  /// How the constructor's `x` is laid out.
  enum class Layout { kRowMajor, kColumnMajor };
  /// `x`: `covariates` values per row, row-major (column-major, as Eigen stores a matrix,
  /// with Layout::kColumnMajor; empty when covariates == 0); `strata` and `group` may be
  /// empty (all 0). Rows are numbered by their input position. Throws
  /// std::invalid_argument for mismatched lengths or a NaN time (no survival order).
  InMemorySurvival(std::span<const double> time, std::span<const std::int8_t> event, std::size_t covariates,
                   std::span<const double> x = {}, std::span<const std::int32_t> strata = {},
                   std::span<const std::int8_t> group = {}, Layout layout = Layout::kRowMajor,
                   std::span<const std::uint64_t> row = {});
  std::uint64_t size() const override { return rows_.size(); }
  std::size_t covariates() const override { return covariates_; }
  void forward(const Visitor& visit) const override;
  void backward(const Visitor& visit) const override;

 private:
  std::size_t covariates_;
  std::vector<double> x_;          ///< row-major, in sorted order
  std::vector<SurvivalRow> rows_;  ///< sorted; x views into x_
};

}  // namespace silico::stats

namespace silico::stats {

/// A source filled row by row: push() every row, then finish(); walks are allowed only
/// after that.
class SurvivalBuffer : public SurvivalSource {
 public:
  virtual void push(const SurvivalRow& row) = 0;
  virtual void finish() = 0;
};

/// A buffer that keeps everything in memory (tests, and analyses of small replicates).
/// Rows must come in increasing `row` order (as a walk over a replicate pushes them).
class InMemorySurvivalBuffer final : public SurvivalBuffer {
 public:
  explicit InMemorySurvivalBuffer(std::size_t covariates) : covariates_(covariates) {}
  void push(const SurvivalRow& row) override;
  void finish() override;
  std::uint64_t size() const override { return sorted_ ? sorted_->size() : time_.size(); }
  std::size_t covariates() const override { return covariates_; }
  void forward(const Visitor& visit) const override { sorted().forward(visit); }
  void backward(const Visitor& visit) const override { sorted().backward(visit); }

 private:
  const InMemorySurvival& sorted() const;
  std::size_t covariates_;
  std::vector<double> time_, x_;
  std::vector<std::int8_t> event_, group_;
  std::vector<std::int32_t> stratum_;
  std::vector<std::uint64_t> row_;
  std::unique_ptr<InMemorySurvival> sorted_;
};

}  // namespace silico::stats
