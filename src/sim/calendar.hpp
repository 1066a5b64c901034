#pragma once
/// @file
/// @brief The trial in calendar time: each patient's entry time (trial.accrual) and
/// dropout time (trial.dropout), drawn from the patient's own random streams, so that any
/// rank can compute any patient's times alone and results do not depend on the layout.
///
/// Entry times are the arrival epochs S_1 < S_2 < ... of a unit-rate Poisson process,
/// mapped through the inverse cumulative enrolment intensity. S_k is a sum of k unit
/// exponential gaps, one per patient; summing k of them for every block would cost O(N)
/// per block. Patients are therefore grouped in fixed chunks of kAccrualChunk (a
/// constant of the definition, not of the run): chunk c's total is drawn directly as
/// G_c ~ Gamma(n_c), and within the chunk S = (totals of the chunks before) + G_c times the
/// patient's share of the chunk's own gaps. Because a sum of exponentials is independent
/// of the shares its terms make of it (the shares are Dirichlet(1, ..., 1)), this has
/// exactly the law of the plain sums. A block then costs O(block + chunk + N / chunk).
///
/// With `duration`, the N entries are the order statistics of N draws from the intensity
/// on [0, duration]: S_k / S_(N+1) are uniform order statistics, mapped through the
/// normalized cumulative intensity.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "spec/spec.hpp"

namespace silico::sim {

/// Patients per chunk of the entry-time construction; part of the result definition.
inline constexpr std::uint64_t kAccrualChunk = 1024;

/// Cumulative hazard of piecewise-constant rates at time t >= 0 (the last piece lasting
/// for ever).
double cumulative_rate(std::span<const spec::RatePiece> pieces, double t);

/// The time at which the cumulative rate reaches h >= 0; +infinity if it never does.
double inverse_cumulative_rate(std::span<const spec::RatePiece> pieces, double h);

/// A Gamma(shape, 1) variate (Marsaglia and Tsang 2000) from `stream`; shape >= 1.
double gamma_variate(double shape, std::uint64_t seed, std::uint64_t replicate, std::uint64_t chunk);

class AccrualSchedule {
 public:
  AccrualSchedule(const spec::Accrual& accrual, std::uint64_t patients, std::uint64_t seed);

  /// Entry times of patients [first, first + out.size()) of `replicate`, increasing.
  /// Thread-safe.
  void entry_times(std::uint64_t replicate, std::uint64_t first, std::span<double> out) const;

 private:
  /// A replicate's chunk totals and their running sums, and the scale of the arrival
  /// epochs (1, or 1 / S_(N+1) with a duration).
  struct ChunkTotals {
    std::vector<double> before;  ///< before[c]: sum of the totals of the chunks < c
    std::vector<double> total;
    double scale = 1.0;
  };
  /// Every chunk's total of `replicate`, drawn once and kept for the next blocks of the
  /// same replicate (a few replicates are kept): O(N / chunk) Gamma draws per replicate,
  /// not per block.
  std::shared_ptr<const ChunkTotals> totals(std::uint64_t replicate) const;
  /// Calendar time of the arrival epoch s (rates), or of the fraction s of all (duration).
  double map(double s) const;

  spec::Accrual accrual_;
  std::uint64_t patients_;
  std::uint64_t seed_;
  mutable std::mutex mutex_;
  mutable std::deque<std::pair<std::uint64_t, std::shared_ptr<const ChunkTotals>>> cache_;
};

/// Dropout time of a patient with these pieces (time from entry; +infinity when the
/// patient never drops out), from the patient's kTrialDropout stream.
double dropout_time(std::span<const spec::RatePiece> pieces, std::uint64_t seed, std::uint64_t replicate,
                    std::uint64_t patient);

}  // namespace silico::sim
