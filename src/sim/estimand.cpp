/// @file
/// @brief ICH E9(R1) estimands of the analyses (estimand.hpp).

#include "sim/estimand.hpp"

#include "sim/method.hpp"

namespace silico::sim {

Estimand estimand_of(const spec::TrialSpec& spec, std::size_t e, const std::string& method, std::size_t arm) {
  const MethodEntry& entry = method_entry(method);
  const auto& endpoint = spec.endpoints[e];
  const auto& analysis = spec.analysis.endpoints[e];
  Estimand out;
  const std::string arm_name = spec.arms[arm].name, control = spec.arms[spec.control_arm].name;
  if (entry.external_control()) {
    out.population = "the trial's patients of the external-control arm (the effect on the treated), against "
                     "the external cohort simulated under the control arm";
  } else {
    out.population = "the randomized patients of the two arms compared with a model solution";
    if (endpoint.type == models::OutputType::kTimeToEvent && analysis.data_cut.present() &&
        spec.trial.accrual.has_value()) {
      out.population += " who had entered by the data cut";
    }
  }
  out.variable = endpoint.name + " (" + models::to_string(endpoint.type) +
                 (endpoint.type == models::OutputType::kTimeToEvent ? ", " + spec.trial.time_unit : std::string()) +
                 ")";
  out.treatment = arm_name + " versus " + control;
  out.intercurrent_events = "none simulated: every patient stays on the assigned arm (treatment policy)";
  out.summary = entry.estimand(spec, analysis);
  return out;
}

}  // namespace silico::sim
