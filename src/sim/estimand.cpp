/// @file
/// @brief ICH E9(R1) estimands of the analyses (estimand.hpp).

#include "sim/estimand.hpp"

#include "sim/method.hpp"

namespace silico::sim {

namespace {

/// Each of the model's intercurrent events, with the strategy the endpoint takes for it.
std::string intercurrent_events_of(const models::ModelFactory& model, const spec::EndpointSpec& endpoint) {
  if (model.intercurrent_events.empty()) {
    return "none simulated: every patient stays on the assigned arm (treatment policy)";
  }
  std::string out;
  for (const auto& event : model.intercurrent_events) {
    const auto taken = endpoint.intercurrent_events.find(event.name);
    const std::string strategy = taken == endpoint.intercurrent_events.end() ? "treatment_policy" : taken->second;
    out += (out.empty() ? "" : "; ") + event.name + " (" + event.description + "): ";
    if (strategy == "treatment_policy") {
      out += "treatment policy, the outcome whether or not it happened";
    } else if (strategy == "hypothetical") {
      out += "hypothetical, the outcome had it not happened";
    } else if (strategy == "while_on_treatment") {
      out += "while on treatment, the outcome at the last time on the assigned treatment";
    } else if (strategy == "while_alive") {
      out += "while alive, the outcome at the last time alive (the final visit, or death before it)";
    } else if (strategy == "principal_stratum") {
      out += "principal stratum, the effect in the patients in whom it would happen under neither arm compared";
    } else if (strategy == "composite") {
      out += "composite, the event is part of the outcome (a patient with it takes a fixed unfavourable value)";
    } else {
      out += strategy;
    }
  }
  return out;
}

}  // namespace

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
    if (endpoint.stratum_endpoint) {
      const auto& event = spec.model.factory->outputs[endpoint.output].event;
      out.population += " in whom '" + event + "' would not happen by the end of follow-up under either arm (the "
                        "principal stratum)";
    }
    if (endpoint.type == models::OutputType::kTimeToEvent && analysis.data_cut.present() &&
        spec.trial.accrual.has_value()) {
      out.population += " who had entered by the data cut";
    }
  }
  out.variable = endpoint.name + " (" + models::to_string(endpoint.type) +
                 (endpoint.type == models::OutputType::kTimeToEvent ? ", " + spec.trial.time_unit : std::string()) +
                 ")";
  out.treatment = arm_name + " versus " + control;
  const auto& output = spec.model.factory->outputs[endpoint.output];
  out.intercurrent_events = output.records_event.empty()
                                ? intercurrent_events_of(*spec.model.factory, endpoint)
                                : "the variable is the time to the intercurrent event '" + output.records_event + "' itself";
  out.summary = entry.estimand(spec, analysis);
  return out;
}

}  // namespace silico::sim
