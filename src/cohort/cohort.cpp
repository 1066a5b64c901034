#include "cohort/cohort.hpp"

#include <cmath>
#include <string>

#include "rng/stream.hpp"
#include "rng/transforms.hpp"

namespace silico::cohort {

using spec::Distribution;

CohortGenerator::CohortGenerator(const spec::CohortSpec& spec)
    : covariates_(spec.covariates),
      cholesky_(spec.correlation_cholesky),
      criteria_(spec.criteria),
      max_attempts_(spec.max_screening_attempts),
      thresholds_(spec.covariates.size()),
      truncation_(spec.covariates.size()) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < covariates_.size(); ++j) {
    const auto& c = covariates_[j];
    if (c.distribution == Distribution::kBernoulli) {
      // x = 1 when the latent normal exceeds its (1-p) quantile, so P(x = 1) = p and a
      // positive latent correlation means "more likely 1".
      const double cut = c.p <= 0.0 ? inf : (c.p >= 1.0 ? -inf : rng::normal_quantile(1.0 - c.p));
      thresholds_[j] = {cut};
    } else if (c.distribution == Distribution::kCategorical) {
      // Level k when the latent normal falls between the quantiles of the cumulative
      // probabilities before and through level k; the last cut is +inf so rounding in
      // the cumulative sum can never leave a value without a level.
      double cumulative = 0.0;
      for (std::size_t k = 0; k + 1 < c.probabilities.size(); ++k) {
        cumulative += c.probabilities[k];
        const double cut = cumulative <= 0.0 ? -inf
                           : cumulative >= 1.0 ? inf
                                               : rng::normal_quantile(cumulative);
        thresholds_[j].push_back(cut);
      }
      thresholds_[j].push_back(inf);
    } else if (c.distribution == Distribution::kTruncatedNormal) {
      truncation_[j] = {(c.lower - c.mean) / c.sd, (c.upper - c.mean) / c.sd};
    }
  }
}

double CohortGenerator::transform(std::size_t j, double latent) const {
  const auto& c = covariates_[j];
  switch (c.distribution) {
    case Distribution::kNormal: return c.mean + c.sd * latent;
    case Distribution::kTruncatedNormal: {
      const auto [a, b] = truncation_[j];
      const double z = rng::truncated_normal_quantile(rng::normal_cdf(latent), a, b);
      return c.mean + c.sd * z;
    }
    case Distribution::kLognormal: return std::exp(c.meanlog + c.sdlog * latent);
    case Distribution::kUniform: return c.min + (c.max - c.min) * rng::normal_cdf(latent);
    case Distribution::kBernoulli: return latent > thresholds_[j][0] ? 1.0 : 0.0;
    case Distribution::kCategorical: {
      const auto& cuts = thresholds_[j];
      std::size_t level = 0;
      while (latent > cuts[level]) ++level;
      return static_cast<double>(level);
    }
  }
  return 0.0;
}

void CohortGenerator::draw_candidate(std::uint64_t seed, std::uint64_t replicate,
                                     std::uint64_t patient, std::uint64_t attempt,
                                     std::span<double> values) const {
  rng::Stream stream({seed, replicate, patient, rng::Purpose::kCovariates, attempt});
  const std::size_t p = covariates_.size();
  // Small fixed-size work per patient: plain loops, no heap allocation.
  constexpr std::size_t kStackCovariates = 64;
  double independent_storage[kStackCovariates];
  std::vector<double> independent_heap;
  double* independent = independent_storage;
  if (p > kStackCovariates) {
    independent_heap.resize(p);
    independent = independent_heap.data();
  }
  for (std::size_t j = 0; j < p; ++j) independent[j] = stream.normal();
  if (cholesky_.size() == 0) {
    // No correlation: L is the identity, and L z (a sum of exact zeros and z_j) is z.
    for (std::size_t j = 0; j < p; ++j) values[j] = transform(j, independent[j]);
    return;
  }
  for (std::size_t j = 0; j < p; ++j) {
    // latent = L z, L lower triangular; summed in index order for reproducible rounding.
    double latent = 0.0;
    for (std::size_t k = 0; k <= j; ++k) {
      latent += cholesky_(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)) * independent[k];
    }
    values[j] = transform(j, latent);
  }
}

bool CohortGenerator::meets_criteria(std::span<const double> values) const {
  for (const auto& criterion : criteria_) {
    if (!criterion.holds(values[criterion.covariate])) return false;
  }
  return true;
}

std::uint32_t CohortGenerator::generate(std::uint64_t seed, std::uint64_t replicate,
                                        std::uint64_t patient, std::span<double> values) const {
  for (std::uint32_t attempt = 0; attempt < max_attempts_; ++attempt) {
    draw_candidate(seed, replicate, patient, attempt, values);
    if (meets_criteria(values)) return attempt + 1;
  }
  throw UserError("the inclusion criteria rejected all " + std::to_string(max_attempts_) +
                  " candidates drawn for patient " + std::to_string(patient) + " of replicate " +
                  std::to_string(replicate) +
                  "; loosen the criteria or raise cohort.max_screening_attempts");
}

}  // namespace silico::cohort
