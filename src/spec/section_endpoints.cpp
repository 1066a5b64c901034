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
  for (std::size_t i = 0; i < endpoints.node.size(); ++i) {
    const Located at = endpoints.element(i);
    if (!ctx.reader.expect_mapping(at, {"name", "output", "responder"})) continue;
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
    for (const auto& o : factory->outputs) outputs.push_back(o.name);
    if (Reader::has(at, "output")) {
      const Located o = at.child("output");
      if (auto v = ctx.reader.string(o, "one of the model's outputs: " + join_alternatives(outputs))) {
        const auto found = std::find(outputs.begin(), outputs.end(), *v);
        if (found == outputs.end()) {
          ctx.reader.error(o, "model '" + factory->name + "' has no output '" + *v + "' (outputs: " +
                                  join_alternatives(outputs) + ")");
          continue;
        }
        endpoint.output = static_cast<std::size_t>(found - outputs.begin());
      }
    } else if (outputs.size() != 1) {
      ctx.reader.missing(at, "output", "one of the model's outputs: " + join_alternatives(outputs));
      continue;
    }
    endpoint.type = factory->outputs[endpoint.output].type;
    if (Reader::has(at, "responder") && !read_responder(ctx, at.child("responder"), endpoint)) continue;
    spec.endpoints.push_back(endpoint);
  }
}

}  // namespace silico::spec::detail
