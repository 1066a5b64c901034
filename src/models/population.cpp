#include "models/population.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "rng/stream.hpp"

namespace silico::models {

Population::Population(std::vector<PopulationParameter> parameters, const RandomEffects& random_effects)
    : parameters_(std::move(parameters)), eta_index_(parameters_.size(), -1),
      eta_names_(random_effects.names), cholesky_(random_effects.cholesky) {
  for (std::size_t k = 0; k < random_effects.names.size(); ++k) {
    bool found = false;
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
      if (parameters_[i].name == random_effects.names[k]) {
        eta_index_[i] = static_cast<int>(k);
        found = true;
      }
    }
    if (!found) throw std::invalid_argument("random effect on unknown parameter " + random_effects.names[k]);
  }
}

std::string population_equations(const std::string& names) {
  return "population  P_i = typical prod_k g_k(x_i) exp(eta_i,P)\n"
         "            for P in " + names + "\n"
         "            g_k = (x / reference)^power, exp(c (x - reference)) (c: exponential), or\n"
         "            the factor of the patient's category (categorical)\n"
         "            eta_i ~ N(0, omega) over omega.variables;  eta_i,P = 0 for P not listed\n";
}

void Population::etas(const PatientKey& key, std::span<double> out) const {
  const auto k = static_cast<std::size_t>(cholesky_.rows());
  rng::Stream stream({key.seed, key.replicate, key.patient, rng::Purpose::kRandomEffects, 0});
  double z[kMaxRandomEffects];
  for (std::size_t i = 0; i < k; ++i) z[i] = stream.normal();
  for (std::size_t i = 0; i < k; ++i) {
    double eta = 0.0;  // eta = L z, summed in index order for reproducible rounding
    for (std::size_t j = 0; j <= i; ++j) {
      eta += cholesky_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * z[j];
    }
    out[i] = eta;
  }
}

void Population::individual(const PatientKey& key, std::span<const double> covariates, std::span<double> out,
                            std::span<double> eta_out) const {
  double eta[kMaxRandomEffects] = {};
  const auto k = static_cast<std::size_t>(cholesky_.rows());
  if (k > 0) etas(key, std::span<double>(eta, k));
  // The etas of this computation, not drawn again: what the values below are made of.
  std::copy_n(eta, std::min(k, eta_out.size()), eta_out.begin());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const auto& p = parameters_[i];
    double value = p.typical;
    for (const auto& f : p.factors) {
      const double x = covariates[f.covariate];
      switch (f.kind) {
        case CovariateFactor::Kind::kPower: value *= std::pow(x / f.reference, f.value); break;
        case CovariateFactor::Kind::kExponential: value *= std::exp(f.value * (x - f.reference)); break;
        case CovariateFactor::Kind::kCategorical: value *= f.level_factors[static_cast<std::size_t>(x)]; break;
      }
    }
    if (eta_index_[i] >= 0) value *= std::exp(eta[eta_index_[i]]);
    out[i] = value;
  }
}

}  // namespace silico::models
