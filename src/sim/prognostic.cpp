#include "sim/prognostic.hpp"

#include <Eigen/Core>

#include "cohort/cohort.hpp"
#include "sim/method.hpp"
#include "stats/regression.hpp"

namespace silico::sim {

PrognosticModels fit_prognostic_models(const spec::TrialSpec& spec) {
  PrognosticModels out;
  out.coefficients.resize(spec.endpoints.size());
  if (!spec.analysis.procova) return out;
  const auto& historical = *spec.analysis.procova;
  const cohort::CohortGenerator generator(historical.cohort);
  const std::size_t p = generator.covariate_count();
  const std::size_t n = historical.patients;
  const std::size_t n_arms = spec.arms.size();
  const std::size_t n_outputs = spec.model.factory->outputs.size();
  out.covariates.assign(p, std::vector<double>(n));
  out.outcomes.assign(n_outputs, std::vector<double>(n));
  std::vector<double> covariates(p);
  std::vector<models::ArmOutcome> potential(n_outputs * n_arms), observed(n_outputs);
  for (std::size_t i = 0; i < n; ++i) {
    const auto patient = static_cast<std::uint64_t>(i);
    generator.generate(historical.seed, 0, patient, covariates);
    spec.model.instance->simulate({historical.seed, 0, patient}, covariates, spec.control_arm, potential, observed);
    for (std::size_t j = 0; j < p; ++j) out.covariates[j][i] = covariates[j];
    for (std::size_t k = 0; k < n_outputs; ++k) out.outcomes[k][i] = observed[k].value;
  }
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e) {
    bool needed = false;
    for (const auto& m : spec.analysis.endpoints[e].methods) {
      needed = needed || method_entry(m).schema.needs == spec::MethodSchema::Needs::kHistoricalCohort;
    }
    if (!needed) continue;
    const auto& y_all = out.outcomes[spec.endpoints[e].output];
    Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p + 1));
    Eigen::VectorXd y(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      x(row, 0) = 1.0;
      for (std::size_t j = 0; j < p; ++j) x(row, static_cast<Eigen::Index>(j + 1)) = out.covariates[j][i];
      y(row) = y_all[i];
    }
    const auto fit = stats::ols(x, y);
    out.coefficients[e].assign(fit.beta.data(), fit.beta.data() + fit.beta.size());
  }
  return out;
}

}  // namespace silico::sim
