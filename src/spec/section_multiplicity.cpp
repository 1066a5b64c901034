// The spec's `analysis.multiplicity`: the procedure controlling the familywise error rate
// over several hypotheses (each a method's test of a treatment arm against the control arm
// on an endpoint), their weights and, for the graphical approach, the transition matrix.
// Read after the endpoints' methods, which the hypotheses name. Graph errors are located
// from stats::validate_graph's GraphError (kind, row, column): key paths index from 0 as
// everywhere in the spec; messages number the hypotheses from 1.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "spec/method_schema.hpp"
#include "spec/sections.hpp"
#include "stats/multiplicity.hpp"

namespace silico::spec::detail {

namespace {

/// The most hypotheses a spec may list (the graph's matrix has m^2 entries).
constexpr std::size_t kMaxHypotheses = 200;
/// The tolerance of "the weights sum to 1", the one stats::bonferroni and stats::holm use.
constexpr double kSumTolerance = 1e-12;

const std::vector<std::pair<std::string, MultiplicitySpec::Procedure>>& procedures() {
  static const std::vector<std::pair<std::string, MultiplicitySpec::Procedure>> all = {
      {"bonferroni", MultiplicitySpec::Procedure::kBonferroni},
      {"holm", MultiplicitySpec::Procedure::kHolm},
      {"hochberg", MultiplicitySpec::Procedure::kHochberg},
      {"graphical", MultiplicitySpec::Procedure::kGraphical},
      {"dunnett", MultiplicitySpec::Procedure::kDunnett}};
  return all;
}

std::string unknown(Reader& reader, const std::string& what, const std::string& name,
                    const std::vector<std::string>& names, const std::string& plural) {
  const std::string suggestion = reader.suggest(name, names);
  return "unknown " + what + " '" + name + "'" +
         (suggestion.empty() ? "; " + plural + " are " + list_names(names) : "; did you mean '" + suggestion + "'?");
}

/// The methods of an endpoint that give a p-value, in the endpoint's order.
std::vector<std::string> tested_methods(const EndpointAnalysis& analysis) {
  std::vector<std::string> names;
  for (const auto& m : analysis.methods) {
    const MethodSchema* schema = find_method_schema(m);
    if (schema != nullptr && schema->has_test) names.push_back(m);
  }
  return names;
}

bool external_control_method(const std::string& method) {
  const MethodSchema* schema = find_method_schema(method);
  return schema != nullptr && schema->needs == MethodSchema::Needs::kExternalControl;
}

/// "hypothesis 2 (os/welch/high_dose)", numbered from 1 as a reader counts them.
std::string hypothesis_label(const TrialSpec& spec, const std::vector<MultiplicityHypothesis>& hypotheses,
                             std::size_t i) {
  std::string text = "hypothesis " + std::to_string(i + 1);
  if (i < hypotheses.size()) {
    const auto& h = hypotheses[i];
    text += " (" + spec.endpoints[h.endpoint].name + "/" + h.method + "/" + spec.arms[h.arm].name + ")";
  }
  return text;
}

/// One entry of `hypotheses`; nullopt after a located error (or a name an earlier section
/// dropped).
std::optional<MultiplicityHypothesis> read_hypothesis(ReadContext& ctx, const Located& item, const TrialSpec& spec,
                                                      bool methods_ok) {
  if (!item.node.IsMap()) {
    ctx.reader.error(item, "expected a hypothesis {endpoint: <endpoint>, arm: <arm>, method: <method>}, got " +
                               describe_node(item.node));
    return std::nullopt;
  }
  if (!ctx.reader.expect_mapping(item, {"endpoint", "arm", "method"})) return std::nullopt;
  bool ok = true;
  MultiplicityHypothesis h;
  std::vector<std::string> endpoint_names;
  for (const auto& e : spec.endpoints) endpoint_names.push_back(e.name);
  std::optional<std::size_t> endpoint;
  if (!Reader::has(item, "endpoint")) {
    ctx.reader.missing(item, "endpoint", "an endpoint name");
    ok = false;
  } else if (auto name = ctx.reader.string(item.child("endpoint"), "an endpoint name")) {
    const auto found = std::find(endpoint_names.begin(), endpoint_names.end(), *name);
    if (found == endpoint_names.end()) {
      if (methods_ok) ctx.reader.error(item.child("endpoint"), unknown(ctx.reader, "endpoint", *name, endpoint_names, "endpoints"));
      ok = false;
    } else {
      endpoint = static_cast<std::size_t>(found - endpoint_names.begin());
    }
  } else {
    ok = false;
  }
  if (!Reader::has(item, "arm")) {
    ctx.reader.missing(item, "arm", "a treatment arm's name");
    ok = false;
  } else if (auto name = ctx.reader.string(item.child("arm"), "a treatment arm's name")) {
    const auto arm_names = spec.arm_names();
    const auto found = std::find(arm_names.begin(), arm_names.end(), *name);
    if (found == arm_names.end()) {
      if (ctx.earlier.arms_ok) ctx.reader.error(item.child("arm"), unknown(ctx.reader, "arm", *name, arm_names, "arms"));
      ok = false;
    } else if (static_cast<std::size_t>(found - arm_names.begin()) == spec.control_arm) {
      ctx.reader.error(item.child("arm"), "'" + *name +
                                              "' is the control arm: a hypothesis compares a treatment arm with it");
      ok = false;
    } else {
      h.arm = static_cast<std::size_t>(found - arm_names.begin());
    }
  } else {
    ok = false;
  }
  if (!endpoint) {
    if (Reader::has(item, "method")) ctx.reader.string(item.child("method"), "a method name");
    return std::nullopt;
  }
  h.endpoint = *endpoint;
  const EndpointAnalysis& analysis = spec.analysis.endpoints[h.endpoint];
  const std::string& endpoint_name = spec.endpoints[h.endpoint].name;
  const auto tested = tested_methods(analysis);
  const std::string choices = tested.empty() ? "it has none"
                                             : "its methods with a test are " + join_alternatives(tested);
  if (Reader::has(item, "method")) {
    const Located at = item.child("method");
    const auto name = ctx.reader.string(at, "a method name");
    if (!name) return std::nullopt;
    const bool listed = std::find(analysis.methods.begin(), analysis.methods.end(), *name) != analysis.methods.end();
    const MethodSchema* schema = find_method_schema(*name);
    if (!listed) {
      if (!methods_ok) return std::nullopt;
      if (schema == nullptr) {
        const std::string suggestion = ctx.reader.suggest(*name, tested);
        ctx.reader.error(at, "unknown method '" + *name + "'" +
                                 (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") + " (endpoint '" +
                                 endpoint_name + "': " + choices + ")");
      } else {
        ctx.reader.error(at, "method '" + *name + "' is not a method of endpoint '" + endpoint_name +
                                 "' (add it to analysis.endpoints." + endpoint_name + ".methods; " + choices + ")");
      }
      return std::nullopt;
    }
    if (schema == nullptr || !schema->has_test) {
      ctx.reader.error(at, "method '" + *name + "' gives no p-value, so it tests no hypothesis (endpoint '" +
                               endpoint_name + "': " + choices + ")");
      return std::nullopt;
    }
    h.method = *name;
  } else {
    if (analysis.methods.empty()) return std::nullopt;  // the methods' own error is reported
    const std::string& primary = analysis.methods.front();
    const MethodSchema* schema = find_method_schema(primary);
    if (schema == nullptr || !schema->has_test) {
      ctx.reader.error(item, "the primary method of endpoint '" + endpoint_name + "', " + primary +
                                 ", gives no p-value: name the method (" + choices + ")");
      return std::nullopt;
    }
    h.method = primary;
  }
  if (!ok) return std::nullopt;
  if (external_control_method(h.method) && spec.analysis.external_control &&
      h.arm != spec.analysis.external_control->treatment_arm) {
    ctx.reader.error(Reader::has(item, "method") ? item.child("method") : item.child("arm"),
                     "method '" + h.method + "' compares only arm '" +
                         spec.arms[spec.analysis.external_control->treatment_arm].name +
                         "' (analysis.external_control.treatment) with its external control");
    return std::nullopt;
  }
  return h;
}

/// The default hypotheses: the primary method of the first endpoint, each treatment arm
/// against the control arm (only the external-control arm for psm and iptw).
bool default_hypotheses(ReadContext& ctx, const Located& at, const TrialSpec& spec,
                        std::vector<MultiplicityHypothesis>& out) {
  if (spec.endpoints.empty() || spec.analysis.endpoints.empty() || spec.analysis.endpoints[0].methods.empty()) {
    return false;
  }
  const std::string& primary = spec.analysis.endpoints[0].methods.front();
  const MethodSchema* schema = find_method_schema(primary);
  if (schema == nullptr || !schema->has_test) {
    const auto tested = tested_methods(spec.analysis.endpoints[0]);
    ctx.reader.error(at, "the default hypotheses are the primary method of the first endpoint ('" +
                             spec.endpoints[0].name + "'), " + primary +
                             ", for each treatment arm, but it gives no p-value: list the hypotheses" +
                             (tested.empty() ? "" : " (its methods with a test are " + join_alternatives(tested) + ")"));
    return false;
  }
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    if (a == spec.control_arm) continue;
    if (external_control_method(primary) && spec.analysis.external_control &&
        a != spec.analysis.external_control->treatment_arm) {
      continue;
    }
    out.push_back({0, a, primary});
  }
  return !out.empty();
}

/// A list of numbers at `at` (`what` for messages); nullopt after an error in an entry.
std::optional<std::vector<double>> numbers(ReadContext& ctx, const Located& at, const std::string& what,
                                           const std::string& expected) {
  if (!ctx.reader.expect_sequence(at, what)) return std::nullopt;
  if (!ctx.within_limit(at, kMaxHypotheses, what)) return std::nullopt;
  std::vector<double> out;
  bool ok = true;
  for (std::size_t i = 0; i < at.node.size(); ++i) {
    if (auto v = ctx.reader.number(at.element(i), expected)) {
      out.push_back(*v);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

/// The located error of a GraphError over `weights` (at) and `transitions` (at).
void report_graph_error(ReadContext& ctx, const stats::GraphError& error, const Located& weights,
                        const Located& transitions, const TrialSpec& spec,
                        const std::vector<MultiplicityHypothesis>& hypotheses, std::size_t m) {
  using Kind = stats::GraphError::Kind;
  const std::size_t row = error.row(), column = error.column();
  const auto label = [&](std::size_t i) { return hypothesis_label(spec, hypotheses, i); };
  const auto entry = [&]() { return transitions.element(row).element(column); };
  const auto value = [](const Located& at) { return excerpt(at.node.Scalar()); };
  switch (error.kind()) {
    case Kind::kEmpty: ctx.reader.error(weights, "expected at least one weight"); return;
    case Kind::kShape:
      if (row == stats::GraphError::kNone) {
        ctx.reader.error(transitions, "expected a " + std::to_string(m) + " x " + std::to_string(m) +
                                          " transition matrix, one row per hypothesis, got " +
                                          std::to_string(transitions.node.size()) + " rows");
      } else {
        ctx.reader.error(transitions.element(row), "expected " + std::to_string(m) + " entries in the row of " +
                                                       label(row) + ", one per hypothesis, got " +
                                                       std::to_string(transitions.element(row).node.size()));
      }
      return;
    case Kind::kWeightNotFinite:
    case Kind::kWeightNegative:
      ctx.reader.error(weights.element(row), "the weight of " + label(row) + " must be >= 0, got " +
                                                 value(weights.element(row)));
      return;
    case Kind::kWeightsSumAboveOne: {
      double sum = 0.0;
      for (std::size_t i = 0; i < weights.node.size(); ++i) sum += weights.element(i).node.as<double>();
      ctx.reader.error(weights, "the weights of a graphical procedure must sum to at most 1 (a share of alpha "
                                "each), these sum to " + format_number(sum));
      return;
    }
    case Kind::kTransitionNotFinite:
    case Kind::kTransitionNegative:
      ctx.reader.error(entry(), "the transition from " + label(row) + " to " + label(column) +
                                    " must be >= 0, got " + value(entry()));
      return;
    case Kind::kDiagonalNonzero:
      ctx.reader.error(entry(), "the transition from " + label(row) + " to itself must be 0, got " + value(entry()));
      return;
    case Kind::kRowSumAboveOne: {
      double sum = 0.0;
      const Located r = transitions.element(row);
      for (std::size_t j = 0; j < r.node.size(); ++j) sum += r.element(j).node.as<double>();
      ctx.reader.error(r, "the transitions from " + label(row) +
                              " must sum to at most 1 (they share out its level once it is rejected), these sum to " +
                              format_number(sum));
      return;
    }
  }
}

}  // namespace

void read_multiplicity(ReadContext& ctx, const Located& at, TrialSpec& spec, bool methods_ok) {
  if (!ctx.reader.expect_mapping(at, {"procedure", "hypotheses", "weights", "transitions"})) return;
  // An endpoint the endpoints section (or the model's outputs) dropped is not unknown here.
  for (const auto& d : ctx.diagnostics.items()) {
    if (d.key_path.rfind("endpoints", 0) == 0 || d.key_path.rfind("model", 0) == 0) methods_ok = false;
  }
  const std::size_t errors_before = ctx.diagnostics.size();
  MultiplicitySpec out;
  std::optional<MultiplicitySpec::Procedure> procedure;
  std::vector<std::string> procedure_names;
  for (const auto& [name, p] : procedures()) procedure_names.push_back(name);
  if (!Reader::has(at, "procedure")) {
    ctx.reader.missing(at, "procedure", join_alternatives(procedure_names));
  } else if (auto name = ctx.reader.string(at.child("procedure"), join_alternatives(procedure_names))) {
    for (const auto& [n, p] : procedures()) {
      if (n == *name) procedure = p;
    }
    if (!procedure) {
      const std::string suggestion = ctx.reader.suggest(*name, procedure_names);
      ctx.reader.error(at.child("procedure"), "unknown procedure '" + *name + "'" +
                                                  (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                                                  " (procedures: " + join_alternatives(procedure_names) + ")");
    }
  }

  // The hypotheses; `hypotheses_ok` when every one was read (m is then known).
  bool hypotheses_ok = true;
  if (Reader::has(at, "hypotheses")) {
    const Located list = at.child("hypotheses");
    if (ctx.reader.expect_sequence(list, "hypotheses") && ctx.within_limit(list, kMaxHypotheses, "hypotheses")) {
      if (list.node.size() == 0) {
        ctx.reader.error(list, "expected at least one hypothesis");
        hypotheses_ok = false;
      }
      for (std::size_t i = 0; i < list.node.size(); ++i) {
        const Located item = list.element(i);
        const auto h = read_hypothesis(ctx, item, spec, methods_ok);
        if (!h) {
          hypotheses_ok = false;
          continue;
        }
        const auto same = std::find_if(out.hypotheses.begin(), out.hypotheses.end(), [&](const auto& o) {
          return o.endpoint == h->endpoint && o.arm == h->arm && o.method == h->method;
        });
        if (same != out.hypotheses.end()) {
          ctx.reader.error(item, "hypothesis " + spec.endpoints[h->endpoint].name + "/" + h->method + "/" +
                                     spec.arms[h->arm].name + " listed twice");
          hypotheses_ok = false;
          continue;
        }
        out.hypotheses.push_back(*h);
      }
    } else {
      hypotheses_ok = false;
    }
  } else {
    hypotheses_ok = default_hypotheses(ctx, at, spec, out.hypotheses);
  }
  const std::size_t m = out.hypotheses.size();
  const bool graphical = procedure == MultiplicitySpec::Procedure::kGraphical;

  // Weights.
  const Located weights_at = at.child("weights");
  std::optional<std::vector<double>> weights;
  if (Reader::has(at, "weights")) {
    if (procedure == MultiplicitySpec::Procedure::kHochberg || procedure == MultiplicitySpec::Procedure::kDunnett) {
      ctx.reader.error(weights_at.at_key(), to_string(*procedure) + std::string(" takes no weights (an equally "
                                            "weighted test); use holm or graphical for weighted hypotheses"));
    } else {
      weights = numbers(ctx, weights_at, "weights", "a weight >= 0");
    }
  } else if (graphical) {
    ctx.reader.missing(at, "weights", "the initial weights of the hypotheses, each >= 0, summing to at most 1");
  }
  if (weights && hypotheses_ok && procedure && weights->size() != m) {
    ctx.reader.error(weights_at, "expected " + std::to_string(m) + " weights, one per hypothesis, got " +
                                     std::to_string(weights->size()));
    weights.reset();
  }
  if (weights && procedure && !graphical) {
    // Bonferroni and Holm: each >= 0 and the sum exactly 1 (the whole of alpha is spent).
    bool ok = true;
    double sum = 0.0;
    for (std::size_t i = 0; i < weights->size(); ++i) {
      sum += (*weights)[i];
      if ((*weights)[i] < 0.0) {
        ctx.reader.error(weights_at.element(i),
                         "the weight of " + hypothesis_label(spec, out.hypotheses, i) + " must be >= 0, got " +
                             excerpt(weights_at.element(i).node.Scalar()));
        ok = false;
      }
    }
    if (ok && std::abs(sum - 1.0) > kSumTolerance) {
      ctx.reader.error(weights_at, std::string("the weights of ") + to_string(*procedure) +
                                       " must sum to 1 (each hypothesis is tested at its weight times alpha), these "
                                       "sum to " + format_number(sum));
    }
  }

  // Transitions.
  const Located transitions_at = at.child("transitions");
  std::optional<std::vector<std::vector<double>>> transitions;
  if (Reader::has(at, "transitions")) {
    if (procedure && !graphical) {
      ctx.reader.error(transitions_at.at_key(), std::string("transitions apply to the graphical procedure only, not ") +
                                                    to_string(*procedure));
    } else if (ctx.reader.expect_sequence(transitions_at, "rows of the transition matrix") &&
               ctx.within_limit(transitions_at, kMaxHypotheses, "rows")) {
      transitions.emplace();
      for (std::size_t i = 0; i < transitions_at.node.size(); ++i) {
        auto row = numbers(ctx, transitions_at.element(i), "transitions", "a transition weight >= 0");
        if (!row) {
          transitions.reset();
          break;
        }
        transitions->push_back(std::move(*row));
      }
    }
  } else if (graphical) {
    ctx.reader.missing(at, "transitions", "the m x m transition matrix of the graph");
  }
  if (graphical && hypotheses_ok) {
    // The weights alone (with no edge), then the edges with the weights if they are valid
    // (else with none): at most one error about each.
    const std::size_t errors_before_weights = ctx.diagnostics.size();
    const std::vector<std::vector<double>> no_edges(m, std::vector<double>(m, 0.0));
    if (weights) {
      try {
        stats::validate_graph({*weights, no_edges});
      } catch (const stats::GraphError& e) {
        report_graph_error(ctx, e, weights_at, transitions_at, spec, out.hypotheses, m);
      }
    }
    const bool weights_valid = weights && ctx.diagnostics.size() == errors_before_weights;
    if (transitions) {
      try {
        stats::validate_graph({weights_valid ? *weights : std::vector<double>(m, 0.0), *transitions});
      } catch (const stats::GraphError& e) {
        report_graph_error(ctx, e, weights_at, transitions_at, spec, out.hypotheses, m);
      }
    }
  }
  if (procedure == MultiplicitySpec::Procedure::kDunnett && hypotheses_ok && m > 0) {
    // Many-to-one: the comparisons share the control arm, on one endpoint and method, so
    // their z statistics are jointly normal with the correlation the arm sizes give.
    for (std::size_t k = 1; k < m; ++k) {
      const auto& first = out.hypotheses.front();
      const auto& h = out.hypotheses[k];
      if (h.endpoint != first.endpoint || h.method != first.method) {
        ctx.reader.error(at.child("procedure"),
                         "dunnett compares several arms with the shared control on one endpoint and method; "
                         "hypothesis " + std::to_string(k + 1) + " (" + spec.endpoints[h.endpoint].name + "/" +
                             h.method + ") differs from hypothesis 1 (" + spec.endpoints[first.endpoint].name + "/" +
                             first.method + ")");
        break;
      }
    }
  }
  for (const auto& endpoint : spec.endpoints) {
    if (endpoint.name == "multiplicity") {
      ctx.reader.error(at.at_key(), "an endpoint named 'multiplicity' would share its result group "
                                    "(/replicates/multiplicity) with this section's series: rename the endpoint");
    }
  }
  if (ctx.diagnostics.size() != errors_before || !procedure || !hypotheses_ok) return;
  out.procedure = *procedure;
  if (weights) out.weights = std::move(*weights);
  if (transitions) out.transitions = std::move(*transitions);
  spec.analysis.multiplicity = std::move(out);
}

}  // namespace silico::spec::detail

namespace silico::spec {

const char* to_string(MultiplicitySpec::Procedure procedure) {
  for (const auto& [name, p] : detail::procedures()) {
    if (p == procedure) return name.c_str();
  }
  return "unknown";
}

}  // namespace silico::spec
