#include "stats/survival_source.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace silico::stats {

InMemorySurvival::InMemorySurvival(std::span<const double> time, std::span<const std::int8_t> event,
                                   std::size_t covariates, std::span<const double> x,
                                   std::span<const std::int32_t> strata, std::span<const std::int8_t> group)
    : covariates_(covariates) {
  const std::size_t n = time.size();
  if (event.size() != n || x.size() != n * covariates || !(strata.empty() || strata.size() == n) ||
      !(group.empty() || group.size() == n)) {
    throw std::invalid_argument("InMemorySurvival: time, event, x, strata and group lengths differ");
  }
  std::vector<SurvivalRow> input(n);
  for (std::size_t i = 0; i < n; ++i) {
    input[i] = {time[i], i, strata.empty() ? 0 : strata[i], event[i], group.empty() ? std::int8_t{0} : group[i], {}};
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return survival_before(input[a], input[b]); });
  x_.resize(n * covariates);
  rows_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(i * covariates), covariates,
                x_.begin() + static_cast<std::ptrdiff_t>(k * covariates));
    rows_[k] = input[i];
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
