#pragma once
// A test SurvivalSource that hands another source's rows over in other batches, so that a
// sweep must carry its state (pending ties, landmarks, risk sets) across batch boundaries,
// and that counts the walks made over it.
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "stats/survival_source.hpp"

namespace silico::stats {

class RebatchedSource : public SurvivalSource {
 public:
  /// Batches of sizes[0], sizes[1], ..., cycling; never straddling the inner batches, so
  /// every row's x is still valid when it is handed over.
  RebatchedSource(const SurvivalSource& inner, std::vector<std::size_t> sizes) : inner_(inner), sizes_(std::move(sizes)) {}
  std::uint64_t size() const override { return inner_.size(); }
  std::size_t covariates() const override { return inner_.covariates(); }
  void forward(const Visitor& visit) const override {
    ++forwards;
    inner_.forward([&](std::span<const SurvivalRow> rows) { split(rows, visit); });
  }
  void backward(const Visitor& visit) const override {
    ++backwards;
    inner_.backward([&](std::span<const SurvivalRow> rows) { split(rows, visit); });
  }
  mutable int forwards = 0;
  mutable int backwards = 0;

 private:
  void split(std::span<const SurvivalRow> rows, const Visitor& visit) const {
    for (std::size_t i = 0; i < rows.size();) {
      const std::size_t n = std::min(sizes_[next_], rows.size() - i);
      next_ = (next_ + 1) % sizes_.size();
      visit(rows.subspan(i, n));
      i += n;
    }
  }
  const SurvivalSource& inner_;
  std::vector<std::size_t> sizes_;
  mutable std::size_t next_ = 0;
};

}  // namespace silico::stats
