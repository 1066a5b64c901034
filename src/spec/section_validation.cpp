// The spec's `validation` section: observed values (summary targets) or observed
// outcome files (distribution targets) the simulated trial is compared with.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/csv.hpp"
#include "core/text.hpp"
#include "spec/limits.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

/// observed_file (and time_unit) of a file target, not yet read.
bool read_observed_file_entry(ReadContext& ctx, const Located& at, ValidationTarget& target) {
  bool ok = true;
  for (const char* key : {"quantity", "observed"}) {
    if (Reader::has(at, key)) {
      ctx.reader.error(at.child(key).at_key(), std::string("'") + key +
                                                   "' cannot stand beside 'observed_file': a file target compares "
                                                   "whole distributions");
      ok = false;
    }
  }
  ObservedOutcomes outcomes;
  if (auto v = ctx.reader.string(at.child("observed_file"), "a path to a CSV file of observed outcomes")) {
    outcomes.file = *v;
  } else {
    ok = false;
  }
  if (Reader::has(at, "time_unit")) {
    const Located unit = at.child("time_unit");
    if (auto v = ctx.reader.string(unit, "days, weeks, months or years")) {
      const auto& units = time_units();
      if (std::none_of(units.begin(), units.end(), [&](const auto& u) { return u.first == *v; })) {
        ctx.reader.error(unit, "unknown time unit '" + *v + "'; expected days, weeks, months or years");
        ok = false;
      }
      outcomes.time_unit = *v;
    } else {
      ok = false;
    }
  }
  target.observed_outcomes = std::move(outcomes);
  return ok;
}

/// Reads a file target's CSV: columns time and event (0/1) for a time-to-event endpoint,
/// value for a continuous one, value 0/1 for a binary one; times converted to the
/// trial's time_unit.
bool load_observed(ReadContext& ctx, const Located& at, const TrialSpec& spec,
                   ValidationTarget& target) {
  auto& outcomes = *target.observed_outcomes;
  const Located file_at = at.child("observed_file");
  const auto path = ctx.read_included(file_at, outcomes.file, "observed file", outcomes.text);
  if (!path) return false;
  outcomes.path = *path;
  const auto table =
      parse_numeric_csv(outcomes.text, *path, file_at.path, ctx.diagnostics, detail::kMaxObservedRecords);
  if (!table) return false;
  const auto& endpoint = *std::find_if(spec.endpoints.begin(), spec.endpoints.end(),
                                       [&](const EndpointSpec& e) { return e.name == target.endpoint; });
  const bool time_to_event = endpoint.type == models::OutputType::kTimeToEvent;
  const bool binary = endpoint.type == models::OutputType::kBinary;
  if (!time_to_event && !outcomes.time_unit.empty()) {
    ctx.reader.error(at.child("time_unit").at_key(), "time_unit applies to the time column of a time-to-event "
                                                     "endpoint; '" + target.endpoint + "' is " +
                                                     models::to_string(endpoint.type));
    return false;
  }
  const std::vector<std::string> needed =
      time_to_event ? std::vector<std::string>{"time", "event"} : std::vector<std::string>{"value"};
  const auto csv_error = [&](int line, int column, const std::string& message) {
    ctx.diagnostics.add(SourceLocation{*path, line, column}, file_at.path, message);
  };
  std::vector<std::size_t> index;
  for (const auto& name : needed) {
    const auto c = table->find(name);
    if (!c) {
      // The file's own names, a few and short: it need not be the user's file.
      std::string columns;
      for (std::size_t k = 0; k < table->columns.size() && k < 20; ++k) {
        columns += (k == 0 ? "" : ", ") + excerpt(table->columns[k], 30);
      }
      if (table->columns.size() > 20) columns += ", ... (" + std::to_string(table->columns.size()) + " columns)";
      csv_error(1, 1, "no column '" + name + "' (the file has: " + columns + "); endpoint '" + target.endpoint +
                          "' (" + models::to_string(endpoint.type) + ") needs " +
                          (time_to_event ? "time and event (1 = event, 0 = censored)"
                                         : binary ? "value (0 or 1)" : "value"));
      return false;
    }
    index.push_back(*c);
  }
  if (table->records() == 0) {
    csv_error(1, 1, "no observed outcomes: the file has a header row only");
    return false;
  }
  const std::size_t before = ctx.diagnostics.size();
  const double scale = time_to_event && !outcomes.time_unit.empty()
                           ? days_per_time_unit(outcomes.time_unit) / days_per_time_unit(spec.trial.time_unit)
                           : 1.0;
  std::size_t events = 0;
  for (std::size_t r = 0; r < table->records(); ++r) {
    const double v = table->values[index[0]][r];
    if (time_to_event) {
      const double e = table->values[index[1]][r];
      if (v < 0.0) {
        csv_error(table->lines[r], table->cell_columns[index[0]][r], "time " + format_number(v) + " is negative");
      }
      if (e != 0.0 && e != 1.0) {
        csv_error(table->lines[r], table->cell_columns[index[1]][r],
                  "event must be 1 (event) or 0 (censored), got " + format_number(e));
      }
      outcomes.value.push_back(v * scale);
      outcomes.event.push_back(static_cast<std::int8_t>(e == 1.0));
      events += e == 1.0;
    } else {
      if (binary && v != 0.0 && v != 1.0) {
        csv_error(table->lines[r], table->cell_columns[index[0]][r], "value must be 0 or 1, got " + format_number(v));
      }
      outcomes.value.push_back(v);
    }
  }
  if (ctx.diagnostics.size() > before) return false;
  if (time_to_event && events == 0) {
    csv_error(1, 1, "no events among the " + std::to_string(table->records()) +
                        " observed patients: the survival curve cannot be compared");
    return false;
  }
  if (time_to_event && outcomes.time_unit.empty()) outcomes.time_unit = spec.trial.time_unit;
  return true;
}

/// The endpoint and arm a target names exist.
bool check_validation_names(ReadContext& ctx, const Located& at, const TrialSpec& spec,
                            const ValidationTarget& target) {
  if (std::none_of(spec.endpoints.begin(), spec.endpoints.end(),
                   [&](const EndpointSpec& e) { return e.name == target.endpoint; })) {
    std::vector<std::string> names;
    for (const auto& endpoint : spec.endpoints) names.push_back(endpoint.name);
    ctx.reader.error(at.child("endpoint"), "unknown endpoint '" + target.endpoint + "' (endpoints: " +
                                               detail::list_names(names) + ")");
    return false;
  }
  const auto arms = spec.arm_names();
  if (std::find(arms.begin(), arms.end(), target.arm) == arms.end()) {
    ctx.reader.error(at.child("arm"), "unknown arm '" + target.arm + "' (arms: " + detail::list_names(arms) + ")");
    return false;
  }
  return true;
}

bool check_validation_target(ReadContext& ctx, const Located& at, const TrialSpec& spec,
                             const ValidationTarget& target) {
  if (!check_validation_names(ctx, at, spec, target)) return false;
  std::size_t e = 0;
  while (spec.endpoints[e].name != target.endpoint) ++e;
  const auto type = spec.endpoints[e].type;
  const std::string& q = target.quantity;
  bool known = false;
  std::string allowed;
  if (type == models::OutputType::kTimeToEvent) {
    allowed = "median or survival_at_<t> for a landmark t of analysis.endpoints." + target.endpoint + ".landmarks";
    const std::string prefix = "survival_at_";
    if (q == "median") {
      known = true;
    } else if (q.compare(0, prefix.size(), prefix) == 0 && e < spec.analysis.endpoints.size()) {
      for (double t : spec.analysis.endpoints[e].landmarks) {
        char text[32];
        const auto r = std::to_chars(text, text + sizeof(text), t);
        known = known || q == prefix + std::string(text, r.ptr);
      }
    }
  } else if (type == models::OutputType::kBinary) {
    allowed = "rate for a binary endpoint";
    known = q == "rate";
  } else {
    allowed = "mean or sd for a continuous endpoint";
    known = q == "mean" || q == "sd";
  }
  if (!known) ctx.reader.error(at.child("quantity"), "quantity '" + q + "' is not simulated; expected " + allowed);
  return known;
}

}  // namespace

/// validation: [{endpoint, arm, quantity, observed, tolerance, source}, ...] (summary
/// targets) or [{endpoint, arm, observed_file, time_unit, tolerance, source}, ...] (file
/// targets). With `check_names`, endpoint, arm and quantity must exist in the spec:
/// quantity median or survival_at_<a landmark> for a time-to-event endpoint, mean or sd
/// for a continuous one, rate for a binary one; and the observed file is read.
void read_validation(ReadContext& ctx, const Located& top, TrialSpec& spec, bool check_names) {
  if (!Reader::has(top, "validation")) return;
  const Located list = top.child("validation");
  if (!ctx.reader.expect_sequence(list, "validation targets")) return;
  if (!ctx.within_limit(list, detail::kMaxValidationTargets, "validation targets")) return;
  for (std::size_t i = 0; i < list.node.size(); ++i) {
    const Located at = list.element(i);
    if (!ctx.reader.expect_mapping(at, {"endpoint", "arm", "quantity", "observed", "observed_file", "time_unit",
                                        "tolerance", "source"})) {
      continue;
    }
    const bool from_file = Reader::has(at, "observed_file");
    ValidationTarget target;
    bool ok = true;
    std::vector<std::tuple<const char*, std::string*, const char*>> required = {
        {"endpoint", &target.endpoint, "an endpoint name"}, {"arm", &target.arm, "an arm name"}};
    if (!from_file) {
      required.emplace_back("quantity", &target.quantity, "median, survival_at_<landmark>, mean, sd or rate");
    }
    for (const auto& [key, field, expected] : required) {
      if (!Reader::has(at, key)) {
        ctx.reader.missing(at, key, expected);
        ok = false;
      } else if (auto v = ctx.reader.string(at.child(key), expected)) {
        *field = *v;
      } else {
        ok = false;
      }
    }
    if (Reader::has(at, "source")) {
      if (auto v = ctx.reader.string(at.child("source"), "where the observed value comes from")) target.source = *v;
    }
    if (from_file) {
      // The distance between two distribution functions is in [0, 1].
      const auto tolerance = ctx.reader.number_in(at, "tolerance", true, 0.0, 1.0, false,
                                                  "the largest acceptable distance between the simulated and "
                                                  "observed distributions, in [0, 1]");
      ok = read_observed_file_entry(ctx, at, target) && ok;
      if (!ok || !tolerance) continue;
      target.quantity = "distribution";
      target.tolerance = *tolerance;
      if (check_names && !check_validation_names(ctx, at, spec, target)) continue;
      if (check_names && ctx.files.read_observed_outcomes && !load_observed(ctx, at, spec, target)) continue;
      spec.validation.push_back(std::move(target));
      continue;
    }
    if (Reader::has(at, "time_unit")) {
      ctx.reader.error(at.child("time_unit").at_key(), "time_unit is the unit of an observed_file's time column; "
                                                       "a summary target is in the trial's time_unit");
      ok = false;
    }
    const auto observed = ctx.reader.number_in(at, "observed", true, -kInf, kInf, false, "the observed value");
    const auto tolerance =
        ctx.reader.number_in(at, "tolerance", true, 0.0, kInf, true, "the largest acceptable |simulated - observed|");
    if (!ok || !observed || !tolerance) continue;
    target.observed = *observed;
    target.tolerance = *tolerance;
    if (check_names && !check_validation_target(ctx, at, spec, target)) continue;
    spec.validation.push_back(std::move(target));
  }
}

/// The `report` and `validation` sections alone, from a spec whose other sections are
/// not needed (names are not checked against endpoints and arms: the run did that).
void read_report_only(ReadContext& ctx, const YAML::Node& root, StoredSpec& stored) {
  const Located top{root, ctx.file, "", std::nullopt};
  read_report(ctx, top, stored.report);
  TrialSpec spec;
  read_validation(ctx, top, spec, false);
  stored.validation = std::move(spec.validation);
}

}  // namespace silico::spec::detail
