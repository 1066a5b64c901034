// The spec's `schema_version`, `trial`, `output` and `report` sections: settings of the
// trial as a whole, none of which refers to another section.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "spec/limits.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

constexpr std::uint64_t kMaxReplicates = 1'000'000;

/// A number for a message, six significant digits ("1826.25", "0.01").
std::string shown(double x) {
  std::ostringstream text;
  text << x;
  return text.str();
}

/// kMaxAccrualYears in the trial's time unit.
double max_accrual(const TrialSettings& trial) {
  return kMaxAccrualYears * 365.25 / days_per_time_unit(trial.time_unit);
}

/// A list of `{rate, duration}` pieces (gsDesign2's enroll_rate / fail_rate convention):
/// every rate >= 0, every piece but the last with a duration > 0; the last may give one,
/// but its rate continues for ever (its duration is stored as infinite). Nullopt after
/// located errors.
std::optional<std::vector<RatePiece>> read_rate_pieces(ReadContext& ctx, const Located& at,
                                                       const std::string& what) {
  if (!ctx.reader.expect_sequence(at, what + " {rate, duration}")) return std::nullopt;
  if (!ctx.within_limit(at, kMaxRatePieces, what)) return std::nullopt;
  if (at.node.size() == 0) {
    ctx.reader.error(at, "expected at least one piece {rate, duration}");
    return std::nullopt;
  }
  const std::size_t errors_before = ctx.diagnostics.size();
  std::vector<RatePiece> pieces;
  for (std::size_t i = 0; i < at.node.size(); ++i) {
    const Located item = at.element(i);
    if (!ctx.reader.expect_mapping(item, {"rate", "duration"})) continue;
    const bool last = i + 1 == at.node.size();
    RatePiece piece;
    if (auto v = ctx.reader.number_in(item, "rate", true, 0.0, kInf, false, "a rate >= 0 per time unit")) {
      piece.rate = *v;
    }
    const std::string expected = last ? "a duration > 0 in time_unit (the last rate continues after it)"
                                      : "a duration > 0 in time_unit; every piece but the last needs one";
    if (auto v = ctx.reader.number_in(item, "duration", !last, 0.0, kInf, true, expected)) {
      if (!last) piece.duration = *v;
    }
    pieces.push_back(piece);
  }
  if (ctx.diagnostics.size() > errors_before) return std::nullopt;
  return pieces;
}

/// The expected calendar time at which the cumulative rate reaches `n` (the last rate > 0).
double expected_time_to(const std::vector<RatePiece>& rates, double n) {
  double time = 0.0, count = 0.0;
  for (std::size_t i = 0; i + 1 < rates.size(); ++i) {
    const double in_piece = rates[i].rate * rates[i].duration;
    if (count + in_piece >= n) return time + (n - count) / rates[i].rate;
    count += in_piece;
    time += rates[i].duration;
  }
  return time + (n - count) / rates.back().rate;
}

/// trial.accrual: `{rates: [{rate, duration}, ..., {rate}]}` or `{duration, ramp_up}`.
void read_accrual(ReadContext& ctx, const Located& at, TrialSettings& trial) {
  if (!ctx.reader.expect_mapping(at, {"rates", "duration", "ramp_up"})) return;
  const bool rates = Reader::has(at, "rates");
  const bool duration = Reader::has(at, "duration");
  const std::string forms = "accrual: {rates: [{rate, duration}, ..., {rate}]} or accrual: {duration, ramp_up}";
  if (rates && duration) {
    ctx.reader.error(at, "give either rates or duration, not both (" + forms + ")");
    return;
  }
  if (!rates && !duration) {
    if (Reader::has(at, "ramp_up")) {
      ctx.reader.missing(at, "duration", "the accrual period > 0 in time_unit, which ramp_up is part of");
    } else {
      ctx.reader.error(at, "expected enrolment rates or an accrual duration (" + forms + ")");
    }
    return;
  }
  const double limit = max_accrual(trial);
  const std::string limit_text = shown(kMaxAccrualYears) + " years (" + shown(limit) + " " + trial.time_unit + ")";
  Accrual accrual;
  if (rates) {
    accrual.kind = Accrual::Kind::kRates;
    if (Reader::has(at, "ramp_up")) {
      ctx.reader.error(at.child("ramp_up").at_key(), "ramp_up applies to accrual: {duration, ramp_up} only");
      return;
    }
    const Located list = at.child("rates");
    auto pieces = read_rate_pieces(ctx, list, "enrolment rates");
    if (!pieces) return;
    if (pieces->back().rate == 0.0) {
      ctx.reader.error(list.element(pieces->size() - 1).child("rate"),
                       "accrual never reaches " + (trial.patients > 0 ? std::to_string(trial.patients) : std::string("N")) +
                           " patients: the last rate is 0 (it continues until every patient has entered)");
      return;
    }
    if (trial.patients > 0) {
      const double expected = expected_time_to(*pieces, static_cast<double>(trial.patients));
      if (!(expected <= limit)) {
        ctx.reader.error(list, "these rates take " + shown(expected) + " " + trial.time_unit + " (" +
                                   shown(expected * days_per_time_unit(trial.time_unit) / 365.25) +
                                   " years) on average to enrol trial.patients (" + std::to_string(trial.patients) +
                                   "); accrual may last at most " + limit_text);
        return;
      }
    }
    accrual.rates = std::move(*pieces);
  } else {
    accrual.kind = Accrual::Kind::kDuration;
    const auto d = ctx.reader.number_in(at, "duration", true, 0.0, limit, true,
                                        "an accrual duration > 0 in time_unit, at most " + limit_text);
    if (!d) return;
    accrual.duration = *d;
    if (Reader::has(at, "ramp_up")) {
      const auto r = ctx.reader.number_in(at, "ramp_up", false, 0.0, accrual.duration, false,
                                          "a ramp-up from 0 to duration (" + format_number(accrual.duration) + ")");
      if (!r) return;
      accrual.ramp_up = *r;
    }
  }
  trial.accrual = std::move(accrual);
}

/// One arm's (or every arm's) dropout: a hazard >= 0, or a list of pieces.
std::optional<std::vector<RatePiece>> read_dropout_pieces(ReadContext& ctx, const Located& at) {
  if (at.node.IsSequence()) return read_rate_pieces(ctx, at, "dropout rates");
  if (at.node.IsScalar()) {
    if (auto v = ctx.reader.number(at, "a dropout hazard >= 0 per time unit, or a list of {rate, duration}")) {
      if (*v < 0.0) {
        ctx.reader.error(at, "expected a dropout hazard >= 0 per time unit, got " + excerpt(at.node.Scalar()));
        return std::nullopt;
      }
      return std::vector<RatePiece>{RatePiece{*v}};
    }
    return std::nullopt;
  }
  ctx.reader.error(at, "expected a dropout hazard >= 0 per time unit or a list of {rate, duration}, got " +
                           describe_node(at.node));
  return std::nullopt;
}

/// trial.dropout: numbers are checked here, arm names by resolve_dropout.
void read_dropout(ReadContext& ctx, const Located& at) {
  Earlier::PendingDropout pending;
  pending.at = at;
  const std::size_t errors_before = ctx.diagnostics.size();
  if (at.node.IsMap()) {
    pending.per_arm = true;
    if (ctx.reader.expect_mapping(at, {}) && ctx.within_limit(at, kMaxArms, "arms")) {
      for (const auto& [name, node] : ctx.reader.members(at)) {
        auto pieces = read_dropout_pieces(ctx, node);
        pending.names.emplace_back(name, node);
        pending.pieces.push_back(pieces ? std::move(*pieces) : std::vector<RatePiece>{});
      }
    }
  } else if (at.node.IsScalar() || at.node.IsSequence()) {
    if (auto pieces = read_dropout_pieces(ctx, at)) pending.all = std::move(*pieces);
  } else {
    ctx.reader.error(at, "expected a dropout hazard, a list of {rate, duration}, or a mapping of arm names "
                         "to either, got " + describe_node(at.node));
  }
  pending.ok = ctx.diagnostics.size() == errors_before;
  ctx.earlier.dropout = std::move(pending);
}

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
                                      "follow_up", "randomization_block", "accrual", "dropout"})) {
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
  if (Reader::has(at, "accrual")) read_accrual(ctx, at.child("accrual"), trial);
  if (Reader::has(at, "dropout")) read_dropout(ctx, at.child("dropout"));
}

void resolve_dropout(ReadContext& ctx, TrialSpec& spec) {
  if (!ctx.earlier.dropout) return;
  const auto& pending = *ctx.earlier.dropout;
  bool ok = pending.ok;
  std::vector<std::vector<RatePiece>> dropout(spec.arms.size());
  if (pending.per_arm) {
    const auto arm_names = spec.arm_names();
    for (std::size_t i = 0; i < pending.names.size(); ++i) {
      const auto& [name, node] = pending.names[i];
      const auto found = std::find(arm_names.begin(), arm_names.end(), name);
      if (found == arm_names.end()) {
        ok = false;
        if (!ctx.earlier.arms_ok) continue;
        const std::string suggestion = ctx.reader.suggest(name, arm_names);
        ctx.reader.error(node.at_key(), "unknown arm '" + name + "'" +
                                            (suggestion.empty() ? "; arms are " + list_names(arm_names)
                                                                : "; did you mean '" + suggestion + "'?"));
        continue;
      }
      dropout[static_cast<std::size_t>(found - arm_names.begin())] = pending.pieces[i];
    }
  } else {
    for (auto& arm : dropout) arm = pending.all;
  }
  const auto& numbers = spec.model.parameters.numbers;
  const auto rate = numbers.find("dropout_rate");
  if (rate != numbers.end() && rate->second > 0.0) {
    ctx.reader.error(pending.at, "give dropout once: trial.dropout or the model's dropout_rate "
                                 "(model.parameters.dropout_rate is " + format_number(rate->second) + ")");
    ok = false;
  }
  if (ok) spec.trial.dropout = std::move(dropout);
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
