#pragma once
/// @file
/// @brief OLS rows collected in fixed chunks, shared by ancova (and its interim looks) and
/// procova.

#include <Eigen/Core>
#include <optional>
#include <span>

#include "stats/regression.hpp"

namespace silico::sim {

/// OLS rows collected in fixed chunks, so that the fit does not depend on how the walk
/// cut the replicate into blocks (the R factor's rounding depends on the chunking).
class ChunkedOls {
 public:
  explicit ChunkedOls(Eigen::Index p) : accumulator_(p), x_(kChunk, p), y_(kChunk) {}

  /// Pass 1 (hc3 == false) or pass 2 (hc3 == true, after fit()).
  void add(std::span<const double> row, double y) {
    for (std::size_t j = 0; j < row.size(); ++j) x_(used_, static_cast<Eigen::Index>(j)) = row[j];
    y_(used_) = y;
    if (++used_ == kChunk) flush();
  }
  void flush() {
    if (used_ == 0) return;
    if (fit_) {
      accumulator_.add_hc3(*fit_, x_.topRows(used_), y_.head(used_));
    } else {
      accumulator_.add(x_.topRows(used_), y_.head(used_));
    }
    used_ = 0;
  }
  /// Ends pass 1: the fit without HC3; later add() calls are pass 2.
  const stats::OlsFit& fit() {
    flush();
    if (!fit_) fit_ = accumulator_.fit();
    return *fit_;
  }
  /// A with (X'X)^-1 = A A', after fit().
  Eigen::MatrixXd xtx_inverse_root() const { return accumulator_.xtx_inverse_root(); }
  /// Ends pass 2.
  const stats::OlsFit& fit_with_hc3() {
    flush();
    accumulator_.finish_hc3(*fit_);
    return *fit_;
  }

 private:
  static constexpr Eigen::Index kChunk = 4096;
  stats::OlsAccumulator accumulator_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  Eigen::Index used_ = 0;
  std::optional<stats::OlsFit> fit_;
};

}  // namespace silico::sim
