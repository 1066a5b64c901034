#pragma once
/// @file
/// @brief Synthetic patients: correlated covariates through a Gaussian copula, enrolled
/// by rejection against the inclusion criteria. A patient depends only on
/// (seed, replicate, patient index), never on which rank or thread draws it.

#include <cstdint>
#include <span>
#include <vector>

#include "spec/spec.hpp"

namespace silico::cohort {

class CohortGenerator {
 public:
  explicit CohortGenerator(const spec::CohortSpec& spec);

  std::size_t covariate_count() const { return covariates_.size(); }

  /// Fill `values` (one per covariate) with patient `patient` of `replicate`.
  /// Candidate k is drawn from the stream (seed, replicate, patient, covariates, k);
  /// the first candidate meeting every criterion is enrolled.
  /// @return the number of candidates drawn (1 = first candidate accepted).
  /// @throws UserError if max_screening_attempts candidates all fail the criteria.
  std::uint32_t generate(std::uint64_t seed, std::uint64_t replicate, std::uint64_t patient,
                         std::span<double> values) const;

  /// Draw candidate `attempt` without applying criteria (used by tests and diagnostics).
  void draw_candidate(std::uint64_t seed, std::uint64_t replicate, std::uint64_t patient,
                      std::uint64_t attempt, std::span<double> values) const;

  bool meets_criteria(std::span<const double> values) const;

 private:
  /// Maps a latent standard normal to the covariate's scale.
  double transform(std::size_t j, double latent) const;

  std::vector<spec::Covariate> covariates_;
  Eigen::MatrixXd cholesky_;
  std::vector<spec::Criterion> criteria_;
  std::uint32_t max_attempts_;
  /// Per covariate, latent-normal cut points of discrete distributions.
  std::vector<std::vector<double>> thresholds_;
  /// Per covariate, truncation bounds on the standard-normal scale.
  std::vector<std::pair<double, double>> truncation_;
};

}  // namespace silico::cohort
