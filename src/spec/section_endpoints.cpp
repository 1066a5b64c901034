// The spec's `endpoints` section: each endpoint a model output, or a responder
// (a threshold on a continuous output, making it binary).

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "spec/limits.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

bool read_responder(ReadContext& ctx, const Located& at, EndpointSpec& endpoint) {
  if (endpoint.type != models::OutputType::kContinuous) {
    ctx.reader.error(at.at_key(), "a responder is defined on a continuous output only");
    return false;
  }
  if (!ctx.reader.expect_mapping(at, {"below", "above"})) return false;
  const bool below = Reader::has(at, "below");
  if (below == Reader::has(at, "above")) {
    ctx.reader.error(at, "expected exactly one of 'below' or 'above'");
    return false;
  }
  const auto threshold = ctx.reader.number_in(at, below ? "below" : "above", true, -kInf, kInf, false,
                                              "a threshold");
  if (!threshold) return false;
  endpoint.responder = Responder{below, *threshold};
  endpoint.type = models::OutputType::kBinary;
  return true;
}

/// `intercurrent_events: {event: strategy}`: each a model's event, each strategy one the
/// model has an output for (treatment_policy always: the output itself). Points
/// `endpoint.output` at the output of the one strategy that is not treatment policy.
bool read_intercurrent_events(ReadContext& ctx, const Located& at, const models::ModelFactory& factory,
                              EndpointSpec& endpoint) {
  std::vector<std::string> events;
  for (const auto& e : factory.intercurrent_events) events.push_back(e.name);
  if (events.empty()) {
    ctx.reader.error(at.at_key(), "model '" + factory.name + "' simulates no intercurrent event");
    return false;
  }
  if (!ctx.reader.expect_mapping(at, events)) return false;
  const std::string base = factory.outputs[endpoint.output].name;
  const models::OutputInfo* chosen = nullptr;
  bool ok = true;
  for (const auto& event : events) {
    if (!Reader::has(at, event)) continue;
    std::vector<const models::OutputInfo*> candidates;
    std::vector<std::string> strategies = {"treatment_policy"};
    for (const auto& o : factory.outputs) {
      if (o.strategy_of == base && o.event == event) {
        candidates.push_back(&o);
        strategies.push_back(o.strategy);
      }
    }
    const Located s = at.child(event);
    const auto strategy = ctx.reader.string(s, "a strategy for '" + event + "' of output '" + base +
                                                   "': " + join_alternatives(strategies));
    if (!strategy) {
      ok = false;
      continue;
    }
    endpoint.intercurrent_events[event] = *strategy;
    if (*strategy == "treatment_policy") continue;
    const auto found = std::find(strategies.begin(), strategies.end(), *strategy);
    if (found == strategies.end()) {
      ctx.reader.error(s, "model '" + factory.name + "' has no '" + *strategy + "' strategy for '" + event +
                              "' of output '" + base + "' (strategies: " + join_alternatives(strategies) + ")");
      ok = false;
    } else if (chosen) {
      ctx.reader.error(s, "only one intercurrent event may take a strategy other than treatment_policy: the "
                          "model has no output that combines two");
      ok = false;
    } else {
      chosen = candidates[static_cast<std::size_t>(found - strategies.begin()) - 1];
    }
  }
  if (ok && chosen) {
    endpoint.output = static_cast<std::size_t>(chosen - factory.outputs.data());
    endpoint.type = chosen->type;
  }
  return ok;
}

/// A terminal event (death) leaves no outcome after it: an endpoint on an output with
/// strategies for one must name a strategy for it other than treatment policy.
bool terminal_events_named(ReadContext& ctx, const Located& at, const models::ModelFactory& factory,
                           const EndpointSpec& endpoint) {
  const std::string& written = factory.outputs[endpoint.output].strategy_of.empty()
                                   ? factory.outputs[endpoint.output].name
                                   : factory.outputs[endpoint.output].strategy_of;
  for (const auto& event : factory.intercurrent_events) {
    if (!event.terminal) continue;
    std::vector<std::string> strategies;
    for (const auto& o : factory.outputs) {
      if (o.strategy_of == written && o.event == event.name) strategies.push_back(o.strategy);
    }
    if (strategies.empty()) continue;
    const auto taken = endpoint.intercurrent_events.find(event.name);
    if (taken != endpoint.intercurrent_events.end() && taken->second != "treatment_policy") continue;
    ctx.reader.error(taken == endpoint.intercurrent_events.end() ? at : at.child("intercurrent_events").child(event.name),
                     "'" + event.name + "' is a terminal event: output '" + written +
                         "' does not exist after it, so the treatment_policy strategy does not apply (ICH E9(R1) "
                         "A.3.2); name one of its strategies: intercurrent_events: {" + event.name + ": " +
                         join_alternatives(strategies) + "}");
    return false;
  }
  return true;
}

/// An endpoint with the principal-stratum strategy for an event needs an endpoint that
/// records the event (who is in the stratum), and is continuous: its truth is a mean
/// difference over the stratum.
void link_principal_strata(ReadContext& ctx, const Located& endpoints, const std::vector<std::size_t>& elements,
                           TrialSpec& spec) {
  const models::ModelFactory* factory = spec.model.factory;
  for (std::size_t i = 0; i < spec.endpoints.size(); ++i) {
    auto& endpoint = spec.endpoints[i];
    const auto& output = factory->outputs[endpoint.output];
    if (output.strategy != "principal_stratum") continue;
    const Located at = endpoints.element(elements[i]);
    if (endpoint.responder) {
      ctx.reader.error(at.child("responder"), "the principal_stratum strategy gives a mean difference over the "
                                              "stratum: a responder endpoint cannot take it");
      continue;
    }
    for (std::size_t k = 0; k < spec.endpoints.size(); ++k) {
      if (factory->outputs[spec.endpoints[k].output].records_event == output.event && !spec.endpoints[k].responder) {
        endpoint.stratum_endpoint = k;
        break;
      }
    }
    if (endpoint.stratum_endpoint) continue;
    std::string outputs;
    for (const auto& o : factory->outputs) {
      if (o.records_event == output.event) outputs += (outputs.empty() ? "'" : ", '") + o.name + "'";
    }
    ctx.reader.error(at.child("intercurrent_events").child(output.event),
                     "the principal_stratum strategy for '" + output.event + "' needs the time of each patient's '" +
                         output.event + "' under each arm: add an endpoint with output " + outputs);
  }
}

}  // namespace

void read_endpoints(ReadContext& ctx, const Located& top, TrialSpec& spec) {
  if (!Reader::has(top, "endpoints")) {
    ctx.reader.missing(top, "endpoints", "a list of endpoints, each with a name");
    return;
  }
  const Located endpoints = top.child("endpoints");
  if (!ctx.reader.expect_sequence(endpoints, "endpoints")) return;
  if (endpoints.node.size() == 0) ctx.reader.error(endpoints, "expected at least one endpoint");
  if (!ctx.within_limit(endpoints, detail::kMaxEndpoints, "endpoints")) return;
  const models::ModelFactory* factory = spec.model.factory;
  std::set<std::string> names;
  std::vector<std::size_t> elements;  // the list element of each endpoint read
  for (std::size_t i = 0; i < endpoints.node.size(); ++i) {
    const Located at = endpoints.element(i);
    if (!ctx.reader.expect_mapping(at, {"name", "output", "responder", "intercurrent_events"})) continue;
    EndpointSpec endpoint;
    if (!Reader::has(at, "name")) {
      ctx.reader.missing(at, "name", "an endpoint name");
    } else if (auto v = ctx.reader.string(at.child("name"), "an endpoint name")) {
      if (!ctx.short_name(at.child("name"), *v, "an endpoint name")) {
      } else if (!is_identifier(*v)) {
        ctx.reader.error(at.child("name"), "endpoint names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)");
      } else if (!names.insert(*v).second) {
        ctx.reader.error(at.child("name"), "duplicate endpoint name '" + *v + "'");
      }
      endpoint.name = *v;
    }
    if (!factory) continue;  // the model's own error is already reported
    std::vector<std::string> outputs;
    // An output that is another under a strategy is reached through intercurrent_events.
    std::vector<std::size_t> output_index;
    for (std::size_t k = 0; k < factory->outputs.size(); ++k) {
      if (!factory->outputs[k].strategy_of.empty()) continue;
      outputs.push_back(factory->outputs[k].name);
      output_index.push_back(k);
    }
    if (Reader::has(at, "output")) {
      const Located o = at.child("output");
      if (auto v = ctx.reader.string(o, "one of the model's outputs: " + join_alternatives(outputs))) {
        const auto found = std::find(outputs.begin(), outputs.end(), *v);
        if (found == outputs.end()) {
          ctx.reader.error(o, "model '" + factory->name + "' has no output '" + *v + "' (outputs: " +
                                  join_alternatives(outputs) + ")");
          continue;
        }
        endpoint.output = output_index[static_cast<std::size_t>(found - outputs.begin())];
      }
    } else if (outputs.size() != 1) {
      ctx.reader.missing(at, "output", "one of the model's outputs: " + join_alternatives(outputs));
      continue;
    } else {
      endpoint.output = output_index[0];
    }
    endpoint.type = factory->outputs[endpoint.output].type;
    if (Reader::has(at, "intercurrent_events") &&
        !read_intercurrent_events(ctx, at.child("intercurrent_events"), *factory, endpoint)) {
      continue;
    }
    if (!terminal_events_named(ctx, at, *factory, endpoint)) continue;
    if (Reader::has(at, "responder") && !read_responder(ctx, at.child("responder"), endpoint)) continue;
    spec.endpoints.push_back(endpoint);
    elements.push_back(i);
  }
  link_principal_strata(ctx, endpoints, elements, spec);
}

}  // namespace silico::spec::detail
