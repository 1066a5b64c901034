// The spec's `analysis` section: alpha, the methods per endpoint and their options
// (covariates, strata, RMST horizon, landmarks, data cut, group-sequential looks), and
// the second populations some methods need (procova's historical cohort, the external
// control of psm and iptw).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "spec/limits.hpp"
#include "spec/method_schema.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

std::vector<std::string> methods_for(models::OutputType type) {
  std::vector<std::string> names;
  for (const MethodSchema* m : method_schemas_for(type)) names.push_back(m->name);
  return names;
}

std::vector<std::string> default_methods(models::OutputType type) {
  std::vector<std::string> names;
  for (const MethodSchema* m : method_schemas_for(type)) {
    if (m->default_order >= 0) names.push_back(m->name);
  }
  return names;
}

/// A list of covariate names -> indices; `discrete_only` (strata) admits only
/// categorical and bernoulli covariates.
std::vector<std::size_t> covariate_list(ReadContext& ctx, const Located& at, const TrialSpec& spec,
                                        bool discrete_only) {
  std::vector<std::size_t> indices;
  std::set<std::size_t> listed;
  if (!ctx.reader.expect_sequence(at, "covariate names")) return indices;
  const auto names = spec.cohort.covariate_names();
  for (std::size_t i = 0; i < at.node.size(); ++i) {
    const Located item = at.element(i);
    const auto name = ctx.reader.string(item, "a covariate name");
    if (!name) continue;
    const auto found = ctx.earlier.covariate_index.find(*name);
    if (found == ctx.earlier.covariate_index.end()) {
      if (!ctx.earlier.cohort_ok) continue;
      const std::string suggestion = ctx.reader.suggest(*name, names);
      ctx.reader.error(item, "unknown covariate '" + *name + "'" +
                                 (suggestion.empty() ? "; covariates are " + detail::list_names(names)
                                                     : "; did you mean '" + suggestion + "'?"));
      continue;
    }
    const auto index = found->second;
    const auto distribution = spec.cohort.covariates[index].distribution;
    if (discrete_only && distribution != Distribution::kCategorical &&
        distribution != Distribution::kBernoulli) {
      ctx.reader.error(item, "strata must be categorical or bernoulli covariates; '" + *name +
                                 "' is continuous");
      continue;
    }
    if (!listed.insert(index).second) {
      ctx.reader.error(item, "covariate '" + *name + "' listed twice");
      continue;
    }
    indices.push_back(index);
  }
  return indices;
}

/// `rmst_horizon` of `at` into `out`: > 0 and at most the end of follow-up.
void read_rmst_horizon(ReadContext& ctx, const Located& at, const TrialSpec& spec, double& out) {
  const auto v = ctx.reader.number_in(at, "rmst_horizon", true, 0.0, kInf, true,
                                      "an RMST horizon > 0, at most trial.follow_up");
  if (!v) return;
  if (spec.trial.follow_up > 0.0 && *v > spec.trial.follow_up) {
    std::ostringstream message;
    message << "expected an RMST horizon at most trial.follow_up (" << spec.trial.follow_up << "), got " << *v;
    ctx.reader.error(at.child("rmst_horizon"), message.str());
    return;
  }
  out = *v;
}

const char* const kDataCutForms =
    "{events: d}, {events: d, arm: <arm>}, {time: T}, {after_last_patient: m}, {first: [cut, cut]} "
    "or {last: [cut, cut]}";

/// `events: d` of a data cut (or `data_cut_events: d`): 1 <= d <= trial.patients.
std::optional<std::uint64_t> read_cut_events(ReadContext& ctx, const Located& at, const TrialSpec& spec) {
  const auto v = ctx.reader.unsigned_integer(at, "a number of events >= 1");
  if (!v) return std::nullopt;
  if (*v < 1 || (spec.trial.patients > 0 && *v > spec.trial.patients)) {
    ctx.reader.error(at, "expected a number of events between 1 and trial.patients, got " + std::to_string(*v));
    return std::nullopt;
  }
  return v;
}

/// One data cut (`data_cut` of an endpoint, or one of the two of first/last at `depth`
/// first/last cuts deep); nullopt after located errors.
std::optional<DataCut> read_data_cut(ReadContext& ctx, const Located& at, const TrialSpec& spec,
                                     std::size_t depth) {
  if (!at.node.IsMap()) {
    ctx.reader.error(at, std::string("expected a data cut, one of ") + kDataCutForms + ", got " +
                             describe_node(at.node));
    return std::nullopt;
  }
  if (!ctx.reader.expect_mapping(at, {"events", "arm", "time", "after_last_patient", "first", "last"})) {
    return std::nullopt;
  }
  const std::size_t errors_before = ctx.diagnostics.size();
  std::vector<std::string> given;
  for (const char* key : {"events", "time", "after_last_patient", "first", "last"}) {
    if (Reader::has(at, key)) given.emplace_back(key);
  }
  if (given.size() != 1) {
    std::string keys;
    for (std::size_t i = 0; i < given.size(); ++i) {
      keys += (i == 0 ? "" : i + 1 == given.size() ? " and " : ", ") + given[i];
    }
    ctx.reader.error(at, (given.empty() ? std::string("expected one data cut: ")
                                        : "expected one data cut, got " + keys + " (combine two with first or last): ") +
                             kDataCutForms);
    return std::nullopt;
  }
  const std::string& form = given.front();
  if (Reader::has(at, "arm") && form != "events") {
    ctx.reader.error(at.child("arm").at_key(), "'arm' applies to an events cut only, {events: d, arm: <arm>}");
  }
  DataCut cut;
  if (form == "events") {
    cut.kind = DataCut::Kind::kEvents;
    if (auto v = read_cut_events(ctx, at.child("events"), spec)) cut.events = *v;
    if (Reader::has(at, "arm")) {
      const Located arm = at.child("arm");
      if (auto name = ctx.reader.string(arm, "an arm name")) {
        const auto arm_names = spec.arm_names();
        const auto found = std::find(arm_names.begin(), arm_names.end(), *name);
        if (found == arm_names.end()) {
          // Not reported when the arms section failed: the name may be of an arm it dropped.
          if (ctx.earlier.arms_ok) {
            const std::string suggestion = ctx.reader.suggest(*name, arm_names);
            ctx.reader.error(arm, "unknown arm '" + *name + "'" +
                                      (suggestion.empty() ? "; arms are " + detail::list_names(arm_names)
                                                          : "; did you mean '" + suggestion + "'?"));
          }
        } else {
          const auto a = static_cast<std::size_t>(found - arm_names.begin());
          cut.events_arm = a;
          std::uint64_t ratio_sum = 0;
          for (const auto& x : spec.arms) ratio_sum += x.ratio;
          const std::uint64_t n = spec.trial.patients, ratio = spec.arms[a].ratio;
          // round(n * ratio / ratio_sum), halves up; n <= 2^40 and ratio <= 1000 keep it exact.
          const std::uint64_t share = (2 * n * ratio + ratio_sum) / (2 * ratio_sum);
          if (n > 0 && cut.events > share) {
            ctx.reader.error(at.child("events"),
                             "expected at most " + std::to_string(share) + " events of arm '" + *name +
                                 "', its expected number of patients round(trial.patients * ratio / sum of "
                                 "ratios); " + std::to_string(cut.events) +
                                 " would be a cut that can never happen (or only when randomization gives the "
                                 "arm more than its share)");
          }
        }
      }
    }
  } else if (form == "time") {
    cut.kind = DataCut::Kind::kTime;
    if (auto v = ctx.reader.number_in(at, "time", true, 0.0, kInf, true,
                                      "a calendar time > 0 in time_unit, from the trial's opening")) {
      cut.time = *v;
    }
  } else if (form == "after_last_patient") {
    cut.kind = DataCut::Kind::kAfterLastPatient;
    if (auto v = ctx.reader.number_in(at, "after_last_patient", true, 0.0, kInf, true,
                                      "a minimum follow-up > 0 in time_unit after the last patient's entry")) {
      if (spec.trial.follow_up > 0.0 && *v > spec.trial.follow_up) {
        ctx.reader.error(at.child("after_last_patient"),
                         "expected at most trial.follow_up, got " + format_number(*v) +
                             ": a minimum follow-up longer than the follow-up (trial.follow_up = " +
                             format_number(spec.trial.follow_up) + ") is never reached");
      } else {
        cut.time = *v;
      }
    }
  } else {
    cut.kind = form == "first" ? DataCut::Kind::kFirst : DataCut::Kind::kLast;
    const Located two = at.child(form);
    if (depth >= kMaxDataCutDepth) {
      ctx.reader.error(two.at_key(), "first and last cuts nest at most " + std::to_string(kMaxDataCutDepth) +
                                         " deep");
      return std::nullopt;
    }
    if (!ctx.reader.expect_sequence(two, "two data cuts")) return std::nullopt;
    if (two.node.size() != 2) {
      ctx.reader.error(two, "expected exactly two data cuts, got " + std::to_string(two.node.size()));
      return std::nullopt;
    }
    for (std::size_t i = 0; i < 2; ++i) {
      if (auto inner = read_data_cut(ctx, two.element(i), spec, depth + 1)) cut.either.push_back(std::move(*inner));
    }
  }
  if (ctx.diagnostics.size() > errors_before) return std::nullopt;
  return cut;
}

/// Each endpoint key that some method reads (its schema's options) is an error on an
/// endpoint none of whose methods reads it: it would be silently ignored.
void check_options_used(ReadContext& ctx, const Located& at, const EndpointAnalysis& analysis) {
  std::vector<std::string> options;  // every method's, in the order first declared
  for (const MethodSchema* m : method_schemas()) {
    for (const auto& o : m->options) {
      if (std::find(options.begin(), options.end(), o) == options.end()) options.push_back(o);
    }
  }
  for (const auto& option : options) {
    if (!Reader::has(at, option)) continue;
    bool used = false;
    for (const auto& name : analysis.methods) {
      const MethodSchema* m = find_method_schema(name);
      used = used || (m != nullptr && m->reads(option));
    }
    if (used) continue;
    std::vector<std::string> readers;
    for (const MethodSchema* m : method_schemas()) {
      if (m->reads(option)) readers.push_back(m->name);
    }
    ctx.reader.error(at.child(option).at_key(), "'" + option + "' is used by " + join_all(readers) +
                                                    "; no method of this endpoint uses it");
  }
}

/// The methods that have parameters (each configured by a key named after it), by name.
std::vector<const MethodSchema*> methods_with_parameters() {
  std::vector<const MethodSchema*> out;
  for (const MethodSchema* m : method_schemas()) {
    if (!m->parameters.empty()) out.push_back(m);
  }
  return out;
}

/// The values a parameter admits: [min, max], or for a time (0, follow_up] (> 0 when
/// trial.follow_up is not known, after an error there).
std::string range_text(const MethodParameter& p, double follow_up) {
  if (p.kind == MethodParameter::Kind::kTime) {
    return follow_up > 0.0 ? "(0, " + format_number(follow_up) + "] (at most trial.follow_up)" : "(0, inf)";
  }
  const std::string range = "[" + format_number(p.min) + ", " + format_number(p.max) + "]";
  return p.kind == MethodParameter::Kind::kCount ? range + " (a whole number)" : range;
}

/// One number of a parameter, in range_text(); `what` names it in the message.
std::optional<double> parameter_number(ReadContext& ctx, const Located& at, const MethodParameter& p,
                                       const std::string& what, double follow_up) {
  const auto v = ctx.reader.number(at, what + " in " + range_text(p, follow_up));
  if (!v) return std::nullopt;
  const bool in_range = p.kind == MethodParameter::Kind::kTime
                            ? *v > 0.0 && (follow_up > 0.0 ? *v <= follow_up : std::isfinite(*v))
                            : *v >= p.min && *v <= p.max &&
                                  (p.kind != MethodParameter::Kind::kCount || *v == std::floor(*v));
  if (!in_range) {
    ctx.reader.error(at, "expected " + what + " in " + range_text(p, follow_up) + ", got " +
                             excerpt(at.node.Scalar()));
    return std::nullopt;
  }
  return v;
}

/// `[[rho, gamma], ...]`: 1 ... p.max_count pairs, flattened; nullopt after located errors.
std::optional<std::vector<double>> rho_gamma_pairs(ReadContext& ctx, const Located& at, const MethodParameter& p) {
  if (!ctx.reader.expect_sequence(at, "[rho, gamma] pairs")) return std::nullopt;
  if (at.node.size() == 0 || at.node.size() > p.max_count) {
    ctx.reader.error(at, "expected 1 to " + std::to_string(p.max_count) + " [rho, gamma] pairs, got " +
                             std::to_string(at.node.size()));
    return std::nullopt;
  }
  const std::size_t errors_before = ctx.diagnostics.size();
  std::vector<double> values;
  std::set<std::pair<double, double>> seen;
  for (std::size_t i = 0; i < at.node.size(); ++i) {
    const Located pair = at.element(i);
    if (!pair.node.IsSequence() || pair.node.size() != 2) {
      ctx.reader.error(pair, "expected a pair [rho, gamma], got " + describe_node(pair.node) +
                                 (pair.node.IsSequence() ? " of " + std::to_string(pair.node.size()) + " numbers" : ""));
      continue;
    }
    const auto rho = parameter_number(ctx, pair.element(0), p, "rho", 0.0);
    const auto gamma = parameter_number(ctx, pair.element(1), p, "gamma", 0.0);
    if (!rho || !gamma) continue;
    if (!seen.insert({*rho, *gamma}).second) {
      ctx.reader.error(pair, "[" + format_number(*rho) + ", " + format_number(*gamma) + "] listed twice");
      continue;
    }
    values.push_back(*rho);
    values.push_back(*gamma);
  }
  if (ctx.diagnostics.size() > errors_before) return std::nullopt;
  return values;
}

/// The keys named after a method with parameters (`fh: {rho: 0, gamma: 1}`): each only
/// with its method among the endpoint's methods, and its parameters as the schema says;
/// a listed method with a required parameter needs its key.
/// Not after an error in the methods (`methods_ok`): the method may be the one in error.
void read_method_parameters(ReadContext& ctx, const Located& at, const TrialSpec& spec, bool methods_ok,
                            EndpointAnalysis& analysis) {
  for (const MethodSchema* m : methods_with_parameters()) {
    const bool listed = std::find(analysis.methods.begin(), analysis.methods.end(), m->name) != analysis.methods.end();
    if (!Reader::has(at, m->name)) {
      std::vector<std::string> required;
      std::string form;
      for (const auto& p : m->parameters) {
        if (!p.required) continue;
        required.push_back(p.key);
        form += (form.empty() ? "" : ", ") + p.key + ": ...";
      }
      if (listed && methods_ok && !required.empty()) {
        ctx.reader.missing(at, m->name,
                           "{" + form + "}: the parameters of method '" + m->name + "', which has no default for " +
                               join_all(required));
      }
      continue;
    }
    const Located config = at.child(m->name);
    if (!listed) {
      if (methods_ok) {
        ctx.reader.error(config.at_key(), "'" + m->name + "' sets the parameters of method '" + m->name +
                                              "', which is not among this endpoint's methods");
      }
      continue;
    }
    std::vector<std::string> keys;
    for (const auto& p : m->parameters) keys.push_back(p.key);
    if (!ctx.reader.expect_mapping(config, keys)) continue;
    auto& values = analysis.method_parameters[m->name];
    for (const auto& p : m->parameters) {
      if (!Reader::has(config, p.key)) {
        if (p.required) ctx.reader.missing(config, p.key, p.description);
        continue;
      }
      const Located item = config.child(p.key);
      if (p.kind != MethodParameter::Kind::kRhoGammaPairs) {
        if (auto v = parameter_number(ctx, item, p, p.key, spec.trial.follow_up)) values[p.key] = {*v};
      } else if (auto v = rho_gamma_pairs(ctx, item, p)) {
        values[p.key] = std::move(*v);
      }
    }
  }
}

/// A method that handles an intercurrent event by a strategy: the endpoint's estimand must
/// take that strategy for the event, and an endpoint must record the event.
bool check_intercurrent_method(ReadContext& ctx, const Located& item, const TrialSpec& spec,
                               const EndpointSpec& endpoint, const MethodSchema& method, EndpointAnalysis& analysis) {
  const std::string& event = method.intercurrent_event;
  if (event.empty() || !spec.model.factory) return true;  // no model: its own error is reported
  // An event the endpoint does not name takes the treatment-policy strategy.
  const auto taken = endpoint.intercurrent_events.find(event);
  const std::string strategy = taken == endpoint.intercurrent_events.end() ? "treatment_policy" : taken->second;
  if (strategy != method.strategy) {
    const std::string where = method.strategy == "treatment_policy"
                                  ? "an endpoint that gives '" + event + "' no other strategy"
                                  : "an endpoint with intercurrent_events: {" + event + ": " + method.strategy + "}";
    ctx.reader.error(item, "method '" + method.name + "' estimates the " + method.strategy + " strategy for '" +
                               event + "': list it on " + where + ", whose true effect is of that estimand");
    return false;
  }
  bool ok = true;
  std::vector<std::string> needed = {event};
  needed.insert(needed.end(), method.reads_events.begin(), method.reads_events.end());
  for (const auto& read : needed) {
    bool found = false;
    for (std::size_t k = 0; k < spec.endpoints.size() && !found; ++k) {
      const auto& output = spec.model.factory->outputs[spec.endpoints[k].output];
      if (output.records_event == read && !spec.endpoints[k].responder) {
        analysis.event_endpoints[read] = k;
        found = true;
      }
    }
    if (found) continue;
    std::string outputs;
    for (const auto& o : spec.model.factory->outputs) {
      if (o.records_event == read) outputs += (outputs.empty() ? "'" : ", '") + o.name + "'";
    }
    ctx.reader.error(item, "method '" + method.name + "' needs the time of each patient's '" + read +
                               "': add an endpoint with output " + (outputs.empty() ? "recording it" : outputs));
    ok = false;
  }
  return ok;
}

void read_endpoint_analysis(ReadContext& ctx, const Located& at, const TrialSpec& spec,
                            const EndpointSpec& endpoint, EndpointAnalysis& analysis) {
  std::vector<std::string> keys = {"methods",  "covariates", "strata",          "rmst_horizon",
                                   "landmarks", "data_cut",  "data_cut_events", "group_sequential"};
  for (const MethodSchema* m : methods_with_parameters()) keys.push_back(m->name);
  if (!ctx.reader.expect_mapping(at, keys)) return;
  const bool tte = endpoint.type == models::OutputType::kTimeToEvent;
  const std::size_t errors_before_methods = ctx.diagnostics.size();
  if (Reader::has(at, "methods")) {
    const Located methods = at.child("methods");
    const auto allowed = methods_for(endpoint.type);
    if (ctx.reader.expect_sequence(methods, "analysis methods")) {
      if (methods.node.size() == 0) ctx.reader.error(methods, "expected at least one method");
      analysis.methods.clear();
      for (std::size_t i = 0; i < methods.node.size(); ++i) {
        const Located item = methods.element(i);
        const auto name = ctx.reader.string(item, "a method name");
        if (!name) continue;
        if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
          const bool known = find_method_schema(*name) != nullptr;
          const std::string suggestion = ctx.reader.suggest(*name, allowed);
          ctx.reader.error(item, (known ? "method '" + *name + "' does not apply to " +
                                              std::string(models::to_string(endpoint.type)) +
                                              " endpoints"
                                        : "unknown method '" + *name + "'" +
                                              (suggestion.empty() ? ""
                                                                  : "; did you mean '" + suggestion + "'?")) +
                                     " (methods for this endpoint: " + join_alternatives(allowed) + ")");
          continue;
        }
        if (std::find(analysis.methods.begin(), analysis.methods.end(), *name) != analysis.methods.end()) {
          ctx.reader.error(item, "method '" + *name + "' listed twice");
        } else if (check_intercurrent_method(ctx, item, spec, endpoint, *find_method_schema(*name), analysis)) {
          analysis.methods.push_back(*name);
        }
      }
    }
  }
  const bool methods_ok = ctx.diagnostics.size() == errors_before_methods;
  if (Reader::has(at, "covariates")) analysis.covariates = covariate_list(ctx, at.child("covariates"), spec, false);
  if (Reader::has(at, "strata")) analysis.strata = covariate_list(ctx, at.child("strata"), spec, true);
  const auto tte_only = [&](const char* key) {
    if (Reader::has(at, key) && !tte) {
      ctx.reader.error(at.child(key).at_key(),
                       std::string("'") + key + "' applies to time-to-event endpoints only");
      return false;
    }
    return Reader::has(at, key);
  };
  if (tte_only("rmst_horizon")) read_rmst_horizon(ctx, at, spec, analysis.rmst_horizon);
  if (tte_only("landmarks")) {
    const Located landmarks = at.child("landmarks");
    if (ctx.reader.expect_sequence(landmarks, "landmark times") &&
        ctx.within_limit(landmarks, detail::kMaxLandmarks, "landmarks")) {
      std::set<double> seen;
      for (std::size_t i = 0; i < landmarks.node.size(); ++i) {
        const Located item = landmarks.element(i);
        if (auto v = ctx.reader.number(item, "a landmark time > 0")) {
          if (*v <= 0.0 || (spec.trial.follow_up > 0.0 && *v > spec.trial.follow_up)) {
            ctx.reader.error(item, "expected a landmark time in (0, follow_up], got " + excerpt(item.node.Scalar()));
          } else if (!seen.insert(*v).second) {
            // Each landmark names its own result (survival_at_<t>): twice would be one name twice.
            ctx.reader.error(item, "landmark " + format_number(*v) + " listed twice");
          } else {
            analysis.landmarks.push_back(*v);
          }
        }
      }
    }
  }
  // Not after an error in the methods: the method that uses the key may be the one in error.
  if (methods_ok) check_options_used(ctx, at, analysis);
  read_method_parameters(ctx, at, spec, methods_ok, analysis);
  if (Reader::has(at, "group_sequential")) {
    read_group_sequential(ctx, at.child("group_sequential"), spec, endpoint.type, analysis);
  }
  if (tte_only("data_cut")) {
    if (Reader::has(at, "data_cut_events")) {
      ctx.reader.error(at.child("data_cut").at_key(),
                       "give data_cut or data_cut_events (its shorthand for data_cut: {events: d}), not both");
    } else if (auto cut = read_data_cut(ctx, at.child("data_cut"), spec, 0)) {
      analysis.data_cut = std::move(*cut);
    }
  }
  if (tte_only("data_cut_events") && !Reader::has(at, "data_cut")) {
    if (auto v = read_cut_events(ctx, at.child("data_cut_events"), spec)) {
      analysis.data_cut.kind = DataCut::Kind::kEvents;
      analysis.data_cut.events = *v;
    }
  }
}

/// `{patients, seed, cohort}` of a second population; the cohort defaults to the trial's.
bool read_population(ReadContext& ctx, const Located& at, const TrialSpec& spec, CohortSpec& cohort,
                     std::uint64_t& patients, std::uint64_t& seed,
                     const std::vector<std::string>& extra_keys) {
  std::vector<std::string> allowed = {"patients", "seed", "cohort"};
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  if (!ctx.reader.expect_mapping(at, allowed)) return false;
  bool ok = true;
  if (auto v = ctx.required_unsigned(at, "patients", "a number of patients >= 10")) {
    if (*v < 10 || *v > kMaxPatients) {
      ctx.reader.error(at.child("patients"), "expected a number of patients between 10 and 2^40, got " +
                                                 std::to_string(*v));
      ok = false;
    } else {
      patients = *v;
    }
  } else {
    ok = false;
  }
  if (auto v = ctx.required_unsigned(at, "seed", "an unsigned 64-bit seed, different from trial.seed")) {
    seed = *v;
    if (seed == spec.trial.seed) {
      ctx.reader.error(at.child("seed"), "must differ from trial.seed, so the cohort is independent of the trial");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (!Reader::has(at, "cohort")) {
    cohort = spec.cohort;
    return ok && ctx.earlier.cohort_ok;
  }
  const std::size_t errors_before = ctx.diagnostics.size();
  if (!read_cohort_section(ctx, at, cohort)) return false;
  // The model's covariate effects refer to covariates by position: same names, same order.
  const auto expected = spec.cohort.covariate_names();
  if (ctx.earlier.cohort_ok && cohort.covariate_names() != expected) {
    std::string names;
    for (const auto& n : expected) names += (names.empty() ? "" : ", ") + n;
    ctx.reader.error(at.child("cohort"), "expected the same covariates as the trial cohort, in the same order (" +
                                             names + ")");
  }
  return ok && ctx.diagnostics.size() == errors_before;
}

void read_external_control(ReadContext& ctx, const Located& at, TrialSpec& spec) {
  ExternalControl external;
  if (!read_population(ctx, at, spec, external.cohort, external.patients, external.seed,
                            {"treatment", "covariates", "match_k", "caliper_sd"})) {
    return;
  }
  bool ok = true;
  const auto arm_names = spec.arm_names();
  if (!Reader::has(at, "treatment")) {
    ctx.reader.missing(at, "treatment", "the arm whose patients form the single-arm trial");
    ok = false;
  } else if (auto v = ctx.reader.string(at.child("treatment"), "an arm name")) {
    const auto found = std::find(arm_names.begin(), arm_names.end(), *v);
    if (found == arm_names.end() || static_cast<std::size_t>(found - arm_names.begin()) == spec.control_arm) {
      ctx.reader.error(at.child("treatment"), "expected a treatment arm (" + detail::list_names(arm_names) +
                                                  ", not the control), got '" + *v + "'");
      ok = false;
    } else {
      external.treatment_arm = static_cast<std::size_t>(found - arm_names.begin());
    }
  } else {
    ok = false;
  }
  if (Reader::has(at, "covariates")) {
    external.covariates = covariate_list(ctx, at.child("covariates"), spec, false);
  } else {
    for (std::size_t j = 0; j < spec.cohort.covariates.size(); ++j) external.covariates.push_back(j);
  }
  if (Reader::has(at, "match_k")) {
    if (auto v = ctx.reader.unsigned_integer(at.child("match_k"), "controls per treated patient, 1 to 10")) {
      if (*v < 1 || *v > 10) {
        ctx.reader.error(at.child("match_k"), "expected 1 to 10 controls per treated patient, got " +
                                                  std::to_string(*v));
        ok = false;
      } else {
        external.match_k = static_cast<int>(*v);
      }
    }
  }
  if (auto v = ctx.reader.number_in(at, "caliper_sd", false, 0.0, kInf, true,
                                    "a caliper > 0 in SDs of the logit propensity score")) {
    external.caliper_sd = *v;
  }
  if (ok) spec.analysis.external_control = external;
}

}  // namespace

void read_analysis(ReadContext& ctx, const Located& top, TrialSpec& spec) {
  auto& analysis = spec.analysis;
  analysis.rmst_horizon = spec.trial.follow_up;
  const Located at = top.child("analysis");
  const bool present = Reader::has(top, "analysis");
  if (present && !ctx.reader.expect_mapping(at, {"alpha", "rmst_horizon", "endpoints", "procova",
                                                 "external_control", "multiplicity"})) {
    return;
  }
  const std::size_t errors_before_endpoints = ctx.diagnostics.size();
  if (present) {
    if (auto v = ctx.reader.number_in(at, "alpha", false, 0.0, 0.5, true,
                                      "a two-sided significance level in (0, 0.5]")) {
      analysis.alpha = *v;
    }
    if (Reader::has(at, "rmst_horizon")) read_rmst_horizon(ctx, at, spec, analysis.rmst_horizon);
  }
  analysis.endpoints.resize(spec.endpoints.size());
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e) {
    analysis.endpoints[e].methods = default_methods(spec.endpoints[e].type);
    analysis.endpoints[e].rmst_horizon = analysis.rmst_horizon;
  }
  if (present && Reader::has(at, "endpoints")) {
    const Located endpoints = at.child("endpoints");
    if (ctx.reader.expect_mapping(endpoints, {})) {
      for (const auto& [name, node] : ctx.reader.members(endpoints)) {
        std::size_t e = 0;
        while (e < spec.endpoints.size() && spec.endpoints[e].name != name) ++e;
        if (e == spec.endpoints.size()) {
          std::vector<std::string> names;
          for (const auto& endpoint : spec.endpoints) names.push_back(endpoint.name);
          const std::string suggestion = ctx.reader.suggest(name, names);
          ctx.reader.error(node.at_key(), "unknown endpoint '" + name + "'" +
                                              (suggestion.empty() ? "; endpoints are " + detail::list_names(names)
                                                                  : "; did you mean '" + suggestion + "'?"));
          continue;
        }
        read_endpoint_analysis(ctx, node, spec, spec.endpoints[e], analysis.endpoints[e]);
      }
    }
  }
  const bool endpoint_methods_ok = ctx.diagnostics.size() == errors_before_endpoints;
  // Every parameter of every listed method, at its default unless the spec set it.
  for (auto& a : analysis.endpoints) {
    for (const auto& name : a.methods) {
      const MethodSchema* m = find_method_schema(name);
      if (m == nullptr) continue;
      for (const auto& p : m->parameters) {
        if (!p.required) a.method_parameters[name].try_emplace(p.key, p.default_value);
      }
    }
  }
  // The methods in use that need a second population, by what they need.
  const auto users = [&](MethodSchema::Needs needs) {
    std::vector<std::string> names;
    for (const MethodSchema* m : method_schemas()) {
      if (m->needs != needs) continue;
      for (const auto& a : analysis.endpoints) {
        if (std::find(a.methods.begin(), a.methods.end(), m->name) != a.methods.end()) {
          names.push_back(m->name);
          break;
        }
      }
    }
    return names;
  };
  const auto quoted = [](const std::vector<std::string>& names) {
    std::vector<std::string> q;
    for (const auto& n : names) q.push_back("'" + n + "'");
    return (names.size() == 1 ? "method " : "methods ") + join_all(q);
  };
  if (present && Reader::has(at, "procova")) {
    const Located procova = at.child("procova");
    if (ctx.reader.expect_mapping(procova, {"historical"})) {
      if (!Reader::has(procova, "historical")) {
        ctx.reader.missing(procova, "historical", "{patients, seed, cohort} of the historical cohort");
      } else {
        HistoricalCohort historical;
        if (read_population(ctx, procova.child("historical"), spec, historical.cohort, historical.patients,
                                 historical.seed, {})) {
          analysis.procova = historical;
        }
      }
    }
  } else if (const auto names = users(MethodSchema::Needs::kHistoricalCohort); !names.empty()) {
    ctx.reader.error(present ? at : top, quoted(names) + (names.size() == 1 ? " needs" : " need") +
                                             " analysis.procova.historical: the cohort its prognostic model is "
                                             "fitted on");
  }
  if (present && Reader::has(at, "external_control")) {
    read_external_control(ctx, at.child("external_control"), spec);
  } else if (const auto names = users(MethodSchema::Needs::kExternalControl); !names.empty()) {
    ctx.reader.error(present ? at : top, quoted(names) + (names.size() == 1 ? " needs" : " need") +
                                             " analysis.external_control");
  }
  // After external_control: a hypothesis of psm or iptw is about its treatment arm only.
  if (present && Reader::has(at, "multiplicity")) {
    read_multiplicity(ctx, at.child("multiplicity"), spec, endpoint_methods_ok);
  }
}

}  // namespace silico::spec::detail
