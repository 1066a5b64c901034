#pragma once
/// @file
/// @brief The population layer shared by mechanistic models: typical values, covariate
/// effects, inter-individual variability and residual error. Pure.
///
///   P_i = typical * prod_k f_k(x_i) * exp(eta_i),   eta_i ~ N(0, Omega)
///
/// with covariate factors f = (x / reference)^exponent (power, e.g. allometric
/// (WT/70)^0.75), exp(coefficient * (x - reference)) (exponential), or a factor per level
/// of a categorical covariate. eta is drawn from the patient's random-effects stream, so a
/// patient keeps its parameters under every arm.

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/model.hpp"

namespace silico::models {

/// Largest Omega dimension (random effects per patient, kept on the stack).
inline constexpr std::size_t kMaxRandomEffects = 16;

/// Additive and proportional residual error on observations: y = f (1 + e_p) + e_a.
struct ResidualError {
  double additive_sd = 0.0;
  double proportional_sd = 0.0;
};

class Population {
 public:
  Population() = default;
  /// `parameters` in the model's order; `random_effects` names must be among them.
  Population(std::vector<PopulationParameter> parameters, const RandomEffects& random_effects);

  std::size_t size() const { return parameters_.size(); }
  const PopulationParameter& parameter(std::size_t i) const { return parameters_[i]; }

  /// Individual values of every parameter for one patient (out.size() == size()). When
  /// `eta` is not empty (size random_effects()), the etas these values were computed from
  /// are written to it, in the order of random_effect_names().
  void individual(const PatientKey& key, std::span<const double> covariates, std::span<double> out,
                  std::span<double> eta = {}) const;
  /// Number and names of the random effects (omega's variables, in its order).
  std::size_t random_effects() const { return eta_names_.size(); }
  const std::vector<std::string>& random_effect_names() const { return eta_names_; }
  /// The patient's eta (in the order of random_effects.names), for tests.
  void etas(const PatientKey& key, std::span<double> out) const;

 private:
  std::vector<PopulationParameter> parameters_;
  std::vector<int> eta_index_;  ///< per parameter: index into the etas, or -1
  std::vector<std::string> eta_names_;
  Eigen::MatrixXd cholesky_;
};

/// The population layer's equations for ModelFactory::equations, for the model's
/// population parameters `names` ("CL, V, KA").
std::string population_equations(const std::string& names);

/// y observed from prediction f with the residual model, using one standard normal per
/// component (z_prop, z_add).
inline double with_residual(double f, const ResidualError& e, double z_proportional, double z_additive) {
  return f * (1.0 + e.proportional_sd * z_proportional) + e.additive_sd * z_additive;
}

}  // namespace silico::models
