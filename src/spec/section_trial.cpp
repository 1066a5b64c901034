// The spec's `schema_version`, `trial`, `output` and `report` sections: settings of the
// trial as a whole, none of which refers to another section.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

constexpr std::uint64_t kMaxReplicates = 1'000'000;

}  // namespace

void read_schema_version(ReadContext& ctx, const Located& top) {
  if (!Reader::has(top, "schema_version")) {
    ctx.reader.missing(top, "schema_version", "the spec format version, 1");
    return;
  }
  const Located at = top.child("schema_version");
  const auto version = ctx.reader.unsigned_integer(at, "schema version 1");
  if (version && *version != 1) {
    ctx.reader.error(at, "unsupported schema_version " + std::to_string(*version) +
                             "; this silico reads schema_version 1");
  }
}

void read_trial(ReadContext& ctx, const Located& top, TrialSettings& trial) {
  if (!Reader::has(top, "trial")) {
    ctx.reader.missing(top, "trial", "a mapping with name, seed, patients, follow_up");
    return;
  }
  const Located at = top.child("trial");
  if (!ctx.reader.expect_mapping(at, {"name", "seed", "patients", "replicates", "time_unit",
                                      "follow_up", "randomization_block"})) {
    return;
  }
  if (Reader::has(at, "name")) {
    const Located name = at.child("name");
    if (auto v = ctx.reader.string(name, "a trial name")) {
      if (ctx.short_name(name, *v, "a trial name")) trial.name = *v;
    }
  } else {
    ctx.reader.missing(at, "name", "a trial name");
  }
  if (auto v = ctx.required_unsigned(at, "seed", "an unsigned 64-bit integer seed")) trial.seed = *v;
  if (auto v = ctx.required_unsigned(at, "patients", "the number of randomized patients, >= 2")) {
    if (*v < 2 || *v > kMaxPatients) {
      ctx.reader.error(at.child("patients"), "expected a number of patients between 2 and 2^40, got " +
                                                 std::to_string(*v));
    } else {
      trial.patients = *v;
    }
  }
  if (Reader::has(at, "replicates")) {
    const Located r = at.child("replicates");
    if (auto v = ctx.reader.unsigned_integer(r, "a number of replicate trials >= 1")) {
      if (*v < 1 || *v > kMaxReplicates) {
        ctx.reader.error(r, "expected a number of replicate trials between 1 and 1000000, got " +
                                std::to_string(*v));
      } else {
        trial.replicates = *v;
      }
    }
  }
  if (Reader::has(at, "time_unit")) {
    const Located u = at.child("time_unit");
    if (auto v = ctx.reader.string(u, "days, weeks, months or years")) {
      std::vector<std::string> units;
      for (const auto& unit : time_units()) units.push_back(unit.first);
      if (std::find(units.begin(), units.end(), *v) == units.end()) {
        const std::string suggestion = ctx.reader.suggest(*v, units);
        ctx.reader.error(u, "unknown time unit '" + *v + "'" +
                                (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                                " (expected days, weeks, months or years)");
      } else {
        trial.time_unit = *v;
      }
    }
  }
  if (auto v = ctx.reader.number_in(at, "follow_up", true, 0.0, kInf, true,
                                    "the end of follow-up, a number > 0 in time_unit")) {
    trial.follow_up = *v;
  }
  if (Reader::has(at, "randomization_block")) {
    const Located b = at.child("randomization_block");
    if (auto v = ctx.reader.unsigned_integer(b, "a permuted-block size >= 1")) {
      if (*v < 1 || *v > 1'000'000) {
        ctx.reader.error(b, "expected a permuted-block size between 1 and 1000000, got " +
                                std::to_string(*v));
      } else {
        trial.randomization_block = static_cast<std::uint32_t>(*v);
        ctx.earlier.block_location = b;
      }
    }
  }
}

/// output: {compression: none | gzip, gzip_level: 1-9 (default 4)}
void read_output(ReadContext& ctx, const Located& top, OutputSpec& output) {
  if (!Reader::has(top, "output")) return;
  const Located at = top.child("output");
  if (!ctx.reader.expect_mapping(at, {"compression", "gzip_level"})) return;
  bool gzip = false;
  if (Reader::has(at, "compression")) {
    const Located c = at.child("compression");
    if (auto v = ctx.reader.string(c, "none or gzip")) {
      if (*v == "gzip") {
        gzip = true;
      } else if (*v != "none") {
        ctx.reader.error(c, "unknown compression '" + *v + "' (expected none or gzip)");
      }
    }
  }
  int level = 4;
  if (Reader::has(at, "gzip_level")) {
    const Located l = at.child("gzip_level");
    if (!gzip) {
      ctx.reader.error(l, "gzip_level needs compression: gzip");
    } else if (auto v = ctx.reader.unsigned_integer(l, "a gzip level from 1 (fastest) to 9 (smallest)")) {
      if (*v < 1 || *v > 9) {
        ctx.reader.error(l, "expected a gzip level from 1 (fastest) to 9 (smallest), got " + std::to_string(*v));
      } else {
        level = static_cast<int>(*v);
      }
    }
  }
  output.gzip_level = gzip ? level : 0;
}

/// report: {question_of_interest: text, context_of_use: text, model_influence: level,
/// decision_consequence: level}, level one of low, medium, high; all optional.
void read_report(ReadContext& ctx, const Located& top, ReportSpec& report) {
  if (!Reader::has(top, "report")) return;
  const Located at = top.child("report");
  if (!ctx.reader.expect_mapping(at, {"question_of_interest", "context_of_use", "model_influence",
                                      "decision_consequence"})) {
    return;
  }
  for (const auto& [key, field] : {std::pair{"question_of_interest", &report.question_of_interest},
                                   std::pair{"context_of_use", &report.context_of_use}}) {
    if (!Reader::has(at, key)) continue;
    if (auto v = ctx.reader.string(at.child(key), "free text")) *field = *v;
  }
  for (const auto& [key, field] : {std::pair{"model_influence", &report.model_influence},
                                   std::pair{"decision_consequence", &report.decision_consequence}}) {
    if (!Reader::has(at, key)) continue;
    const Located level = at.child(key);
    if (auto v = ctx.reader.string(level, "low, medium or high")) {
      if (*v == "low" || *v == "medium" || *v == "high") {
        *field = *v;
      } else {
        ctx.reader.error(level, "expected low, medium or high, got '" + *v + "'");
      }
    }
  }
}

}  // namespace silico::spec::detail
