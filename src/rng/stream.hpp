#pragma once
/// @file
/// @brief Counter-based random streams (Random123 Philox4x64-10).
///
/// A stream is identified by what its numbers are for, never by who draws them:
/// key = (seed, replicate), counter = (patient, purpose | substream, block, 0).
/// Any rank or thread can therefore reproduce any patient's numbers alone, and
/// results do not depend on how patients are split.

#include <array>
#include <cstdint>

namespace silico::rng {

/// What a stream's numbers are used for. Distinct purposes never share numbers.
/// Values are part of the result format's reproducibility: never renumber.
enum class Purpose : std::uint16_t {
  kCovariates = 1,     ///< substream = screening attempt (rejection sampling)
  kRandomization = 2,  ///< patient field = randomization block index
  kEventTime = 3,      ///< substream: free for a model's own use; current models use 0
  kOutcomeNoise = 4,   ///< substream: as for kEventTime
  kDropout = 5,        ///< substream: as for kEventTime
  kRandomEffects = 6,  ///< inter-individual variability (eta) of population parameters
  kResidual = 7,       ///< residual error of observations, drawn in observation order
  /// Entry times (trial.accrual): substream 0 is the patient's own arrival gap; substream 1,
  /// with the patient field a chunk index, the chunk's total (sim/calendar.hpp).
  kAccrual = 8,
  kTrialDropout = 9,   ///< the patient's dropout time (trial.dropout), substream 0
  /// Multiple imputation of an analysis: substream = imputation; the patient field is the
  /// patient's, or kNotAPatient for the draws of the imputation model's parameters.
  kImputation = 11,
  /// Bootstrap resamples of an analysis: patient field kNotAPatient, substream = resample.
  kBootstrap = 12,
  kTest = 0xFFFF,      ///< reserved for tests
};

/// The patient field of a stream that belongs to no patient (kImputation's parameter draws,
/// kBootstrap's resamples).
inline constexpr std::uint64_t kNotAPatient = ~std::uint64_t{0};

struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  std::uint64_t patient = 0;
  Purpose purpose = Purpose::kTest;
  std::uint64_t substream = 0;  ///< < 2^48
};

/// An endless sequence of 64-bit words for one StreamKey. Cheap to construct
/// (no state beyond the key and a 4-word buffer); not thread-shared.
class Stream {
 public:
  explicit Stream(const StreamKey& key);

  std::uint64_t next_u64();
  /// Uniform on the open interval (0, 1), 52 random bits; never 0 or 1, so
  /// log(u) and inverse CDFs are always finite.
  double uniform();
  /// Standard normal by inversion (one uniform per draw, see transforms.hpp).
  double normal();

 private:
  void refill();

  std::array<std::uint64_t, 2> key_;
  std::array<std::uint64_t, 4> counter_;
  std::array<std::uint64_t, 4> buffer_{};
  unsigned next_ = 4;
};

}  // namespace silico::rng
