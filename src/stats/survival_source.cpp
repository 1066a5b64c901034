#include "stats/survival_source.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace silico::stats {

InMemorySurvival::InMemorySurvival(std::span<const double> time, std::span<const std::int8_t> event,
                                   std::size_t covariates, std::span<const double> x,
                                   std::span<const std::int32_t> strata, std::span<const std::int8_t> group,
                                   Layout layout, std::span<const std::uint64_t> row)
    : covariates_(covariates) {
  const std::size_t n = time.size();
  if (event.size() != n || x.size() != n * covariates || !(strata.empty() || strata.size() == n) ||
      !(group.empty() || group.size() == n) || !(row.empty() || row.size() == n)) {
    throw std::invalid_argument("InMemorySurvival: time, event, x, strata, group and row lengths differ");
  }
  // Sorted as compact keys, by value: survival order is (time, event descending, row),
  // and (127 - event) << 56 | row orders the last two as one integer (n < 2^56).
  struct Key {
    double time;
    std::uint64_t tie;
  };
  std::vector<Key> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    // A NaN is unordered: std::sort would be undefined. Other invalid values sort fine and
    // are the readers' to reject.
    if (std::isnan(time[i])) throw std::invalid_argument("InMemorySurvival: a time is NaN");
    keys[i] = {time[i], static_cast<std::uint64_t>(127 - event[i]) << 56 | i};
  }
  std::sort(keys.begin(), keys.end(),
            [](const Key& a, const Key& b) { return a.time != b.time ? a.time < b.time : a.tie < b.tie; });
  constexpr std::uint64_t kRowMask = (std::uint64_t{1} << 56) - 1;
  std::vector<std::size_t> order(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<std::size_t>(keys[k].tie & kRowMask);
  keys = {};
  x_.resize(n * covariates);
  rows_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    rows_[k] = {time[i], row.empty() ? i : row[i], strata.empty() ? 0 : strata[i], event[i], group.empty() ? std::int8_t{0} : group[i], {}};
  }
  if (layout == Layout::kRowMajor) {
    for (std::size_t k = 0; k < n; ++k) {
      std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(order[k] * covariates), covariates,
                  x_.begin() + static_cast<std::ptrdiff_t>(k * covariates));
    }
  } else {
    // Column by column: the gather reads one column (n values) at a time, which stays in
    // cache where all of x would not.
    for (std::size_t c = 0; c < covariates; ++c) {
      const double* col = x.data() + c * n;
      for (std::size_t k = 0; k < n; ++k) x_[k * covariates + c] = col[order[k]];
    }
  }
  for (std::size_t k = 0; k < n; ++k) rows_[k].x = std::span<const double>(x_.data() + k * covariates, covariates);
}

void InMemorySurvival::forward(const Visitor& visit) const {
  if (!rows_.empty()) visit(rows_);
}

void InMemorySurvival::backward(const Visitor& visit) const {
  // Reversed in batches, so a walk costs no second copy of the rows.
  constexpr std::size_t kBatch = 4096;
  std::vector<SurvivalRow> batch;
  batch.reserve(std::min(kBatch, rows_.size()));
  for (std::size_t end = rows_.size(); end > 0;) {
    const std::size_t begin = end > kBatch ? end - kBatch : 0;
    batch.assign(rows_.rbegin() + static_cast<std::ptrdiff_t>(rows_.size() - end),
                 rows_.rbegin() + static_cast<std::ptrdiff_t>(rows_.size() - begin));
    visit(batch);
    end = begin;
  }
}

}  // namespace silico::stats

namespace silico::stats {

void InMemorySurvivalBuffer::push(const SurvivalRow& row) {
  if (row.x.size() != covariates_) {
    throw std::invalid_argument("InMemorySurvivalBuffer: a row has " + std::to_string(row.x.size()) +
                                " covariates, expected " + std::to_string(covariates_));
  }
  // Ties are broken by position when sorting, which is survival order only if positions
  // follow the row numbers.
  if (!row_.empty() && row.row <= row_.back()) {
    throw std::logic_error("InMemorySurvivalBuffer: rows must be pushed in increasing row order");
  }
  time_.push_back(row.time);
  row_.push_back(row.row);
  stratum_.push_back(row.stratum);
  event_.push_back(row.event);
  group_.push_back(row.group);
  x_.insert(x_.end(), row.x.begin(), row.x.end());
}

void InMemorySurvivalBuffer::finish() {
  sorted_ = std::make_unique<InMemorySurvival>(time_, event_, covariates_, x_, stratum_, group_,
                                               InMemorySurvival::Layout::kRowMajor, row_);
  // Only the sorted copy is walked.
  time_ = {};
  x_ = {};
  event_ = {};
  group_ = {};
  stratum_ = {};
  row_ = {};
}

const InMemorySurvival& InMemorySurvivalBuffer::sorted() const {
  if (!sorted_) throw std::logic_error("InMemorySurvivalBuffer: walked before finish()");
  return *sorted_;
}

}  // namespace silico::stats
