/// @file
/// @brief Unit tests for the calendar-time keys of the spec: trial.accrual, trial.dropout
/// and each time-to-event endpoint's data_cut. Valid forms are read to the exact values;
/// every error is reported at its file, line, column and key path.
///
/// Each YAML text starts right after R"( so that its first key is on line 1; columns are
/// 1-based, counted by hand from the text and noted where not obvious.

#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "spec/spec.hpp"
#include "spec_diagnostics.hpp"

namespace silico::spec {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using testing::dump;
using testing::errors_of;
using testing::has_diagnostic;

constexpr const char* kWeibull = "{name: weibull_ph, parameters: {shape: 1, scale: 10}}";

/// A valid spec with `trial_line` as line 7 (inside the trial mapping, indented by two),
/// the model on line 14, the endpoint os on line 16 and `tail` from line 17.
std::string calendar_spec(const std::string& trial_line, const std::string& tail = "",
                          const std::string& model = kWeibull) {
  return R"(schema_version: 1
trial:
  name: t
  seed: 1
  patients: 100
  follow_up: 12
)" + trial_line + R"(
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true}
  - {name: treatment}
model: )" + model + R"(
endpoints:
  - {name: os}
)" + tail;
}

/// calendar_spec with os analysed with `data_cut_line` as line 20 (indented by six).
std::string with_cut(const std::string& data_cut_line, const std::string& more = "") {
  return calendar_spec("  replicates: 1", "analysis:\n  endpoints:\n    os:\n" + data_cut_line + "\n" + more);
}

void expect_piece(const RatePiece& piece, double rate, double duration) {
  EXPECT_EQ(piece.rate, rate);
  EXPECT_EQ(piece.duration, duration);
}

// ---------------------------------------------------------------- trial.accrual

TEST(SpecCalendarValid, NoCalendarKeysMeansEveryoneEntersAtZero) {
  const TrialSpec spec = parse_spec(calendar_spec("  replicates: 1"), "spec.yaml");
  EXPECT_FALSE(spec.trial.accrual.has_value());
  EXPECT_TRUE(spec.trial.dropout.empty());
  ASSERT_EQ(spec.analysis.endpoints.size(), 1u);
  EXPECT_EQ(spec.analysis.endpoints[0].data_cut.kind, DataCut::Kind::kNone);
  EXPECT_FALSE(spec.analysis.endpoints[0].data_cut.present());
}

TEST(SpecCalendarValid, AccrualRatesArePiecesAndTheLastContinues) {
  const TrialSpec spec =
      parse_spec(calendar_spec("  accrual: {rates: [{rate: 5, duration: 6}, {rate: 20}]}"), "spec.yaml");
  ASSERT_TRUE(spec.trial.accrual.has_value());
  const Accrual& a = *spec.trial.accrual;
  EXPECT_EQ(a.kind, Accrual::Kind::kRates);
  ASSERT_EQ(a.rates.size(), 2u);
  expect_piece(a.rates[0], 5.0, 6.0);
  expect_piece(a.rates[1], 20.0, kInf);
  EXPECT_EQ(a.duration, 0.0);
  EXPECT_EQ(a.ramp_up, 0.0);

  // A duration on the last piece is accepted, but the last rate continues after it.
  const TrialSpec last = parse_spec(
      calendar_spec("  accrual: {rates: [{rate: 5, duration: 6}, {rate: 20, duration: 3}]}"), "spec.yaml");
  ASSERT_EQ(last.trial.accrual->rates.size(), 2u);
  expect_piece(last.trial.accrual->rates[1], 20.0, kInf);

  // A zero rate before the last (a pause in enrolment) is allowed.
  const TrialSpec pause =
      parse_spec(calendar_spec("  accrual: {rates: [{rate: 0, duration: 2}, {rate: 10}]}"), "spec.yaml");
  ASSERT_EQ(pause.trial.accrual->rates.size(), 2u);
  expect_piece(pause.trial.accrual->rates[0], 0.0, 2.0);
  expect_piece(pause.trial.accrual->rates[1], 10.0, kInf);
}

TEST(SpecCalendarValid, AccrualDurationWithOptionalRampUp) {
  const TrialSpec ramp = parse_spec(calendar_spec("  accrual: {duration: 24, ramp_up: 6}"), "spec.yaml");
  ASSERT_TRUE(ramp.trial.accrual.has_value());
  EXPECT_EQ(ramp.trial.accrual->kind, Accrual::Kind::kDuration);
  EXPECT_EQ(ramp.trial.accrual->duration, 24.0);
  EXPECT_EQ(ramp.trial.accrual->ramp_up, 6.0);
  EXPECT_TRUE(ramp.trial.accrual->rates.empty());

  const TrialSpec uniform = parse_spec(calendar_spec("  accrual: {duration: 24}"), "spec.yaml");
  EXPECT_EQ(uniform.trial.accrual->kind, Accrual::Kind::kDuration);
  EXPECT_EQ(uniform.trial.accrual->duration, 24.0);
  EXPECT_EQ(uniform.trial.accrual->ramp_up, 0.0);

  const TrialSpec whole = parse_spec(calendar_spec("  accrual: {duration: 24, ramp_up: 24}"), "spec.yaml");
  EXPECT_EQ(whole.trial.accrual->ramp_up, 24.0);

  // 100 years is 1200 months: the longest accrual.
  const TrialSpec longest = parse_spec(calendar_spec("  accrual: {duration: 1200}"), "spec.yaml");
  EXPECT_EQ(longest.trial.accrual->duration, 1200.0);
}

TEST(SpecCalendarAccrual, LastRateZeroNeverReachesThePatients) {
  // `{rate: 0}` of the second piece: '[' at column 20, the second '{' at 45, its 0 at 52.
  const auto errors = errors_of(calendar_spec("  accrual: {rates: [{rate: 5, duration: 6}, {rate: 0}]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.accrual.rates[1].rate", 7, 52,
                             {"accrual never reaches 100 patients: the last rate is 0"}));
}

TEST(SpecCalendarAccrual, ExpectedDurationOverOneHundredYears) {
  // 100 patients at 0.05 a month take 2000 months on average, 166.667 years.
  const auto errors = errors_of(calendar_spec("  accrual: {rates: [{rate: 0.05}]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.accrual.rates", 7, 20,
                             {"2000 months (166.667 years) on average to enrol trial.patients (100)",
                              "at most 100 years (1200 months)"}));
  // The expected time accumulates over the pieces: 30 patients in 6 months, then 70 at
  // 0.05 a month take 1400 more.
  const auto pieces = errors_of(calendar_spec("  accrual: {rates: [{rate: 5, duration: 6}, {rate: 0.05}]}"));
  ASSERT_EQ(pieces.size(), 1u) << dump(pieces);
  EXPECT_TRUE(has_diagnostic(pieces, "trial.accrual.rates", 7, 20, {"take 1406 months"}));
  // 0.1 a month: 1000 months, within the limit.
  EXPECT_NO_THROW(parse_spec(calendar_spec("  accrual: {rates: [{rate: 0.1}]}"), "spec.yaml"));
}

TEST(SpecCalendarAccrual, LimitIsInTheTrialsTimeUnit) {
  // Two trial lines: time_unit on line 7, accrual on line 8 (the value at column 23).
  const TrialSpec days = parse_spec(calendar_spec("  time_unit: days\n  accrual: {duration: 36525}"), "spec.yaml");
  EXPECT_EQ(days.trial.accrual->duration, 36525.0);
  const auto errors = errors_of(calendar_spec("  time_unit: days\n  accrual: {duration: 36526}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.accrual.duration", 8, 23,
                             {"at most 100 years (36525 days), got 36526"}));
}

TEST(SpecCalendarAccrual, PiecesAreCheckedOneByOne) {
  // Every piece but the last needs a duration: reported at the piece (column 21).
  const auto missing = errors_of(calendar_spec("  accrual: {rates: [{rate: 5}, {rate: 20}]}"));
  ASSERT_EQ(missing.size(), 1u) << dump(missing);
  EXPECT_TRUE(has_diagnostic(missing, "trial.accrual.rates[0].duration", 7, 21,
                             {"missing required key 'duration'", "every piece but the last needs one"}));
  const auto negative = errors_of(calendar_spec("  accrual: {rates: [{rate: -1, duration: 2}, {rate: 3}]}"));
  ASSERT_EQ(negative.size(), 1u) << dump(negative);
  EXPECT_TRUE(has_diagnostic(negative, "trial.accrual.rates[0].rate", 7, 28,
                             {"expected a rate >= 0 per time unit, got -1"}));
  const auto zero = errors_of(calendar_spec("  accrual: {rates: [{rate: 1, duration: 0}, {rate: 3}]}"));
  ASSERT_EQ(zero.size(), 1u) << dump(zero);
  EXPECT_TRUE(has_diagnostic(zero, "trial.accrual.rates[0].duration", 7, 41,
                             {"expected a duration > 0 in time_unit", "got 0"}));
  const auto infinite = errors_of(calendar_spec("  accrual: {rates: [{rate: .inf, duration: 1}, {rate: 3}]}"));
  ASSERT_EQ(infinite.size(), 1u) << dump(infinite);
  EXPECT_TRUE(has_diagnostic(infinite, "trial.accrual.rates[0].rate", 7, 28, {"expected a rate >= 0"}));
  const auto unknown = errors_of(calendar_spec("  accrual: {rates: [{rate: 1, durration: 2}, {rate: 3}]}"));
  EXPECT_TRUE(has_diagnostic(unknown, "trial.accrual.rates[0].durration", 7, 31,
                             {"unknown key 'durration'; did you mean 'duration'?"}));
  const auto empty = errors_of(calendar_spec("  accrual: {rates: []}"));
  ASSERT_EQ(empty.size(), 1u) << dump(empty);
  EXPECT_TRUE(has_diagnostic(empty, "trial.accrual.rates", 7, 20, {"expected at least one piece"}));
  const auto scalar = errors_of(calendar_spec("  accrual: {rates: 5}"));
  ASSERT_EQ(scalar.size(), 1u) << dump(scalar);
  EXPECT_TRUE(has_diagnostic(scalar, "trial.accrual.rates", 7, 20,
                             {"expected a list of enrolment rates {rate, duration}, got \"5\""}));
}

TEST(SpecCalendarAccrual, AtMostOneHundredPieces) {
  std::string rates;
  for (int i = 0; i < 101; ++i) rates += (i == 0 ? "" : ", ") + std::string("{rate: 10, duration: 1}");
  const auto errors = errors_of(calendar_spec("  accrual: {rates: [" + rates + "]}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.accrual.rates", 7, 20, {"expected at most 100 enrolment rates, got 101"}));
  rates.resize(rates.size() - std::string(", {rate: 10, duration: 1}").size());
  const TrialSpec hundred = parse_spec(calendar_spec("  accrual: {rates: [" + rates + "]}"), "spec.yaml");
  EXPECT_EQ(hundred.trial.accrual->rates.size(), 100u);
}

TEST(SpecCalendarAccrual, ExactlyOneForm) {
  const auto both = errors_of(calendar_spec("  accrual: {rates: [{rate: 5}], duration: 24}"));
  ASSERT_EQ(both.size(), 1u) << dump(both);
  EXPECT_TRUE(has_diagnostic(both, "trial.accrual", 7, 12, {"give either rates or duration, not both"}));
  const auto neither = errors_of(calendar_spec("  accrual: {}"));
  ASSERT_EQ(neither.size(), 1u) << dump(neither);
  EXPECT_TRUE(has_diagnostic(neither, "trial.accrual", 7, 12,
                             {"expected enrolment rates or an accrual duration",
                              "accrual: {rates: [{rate, duration}, ..., {rate}]} or accrual: {duration, ramp_up}"}));
  // ramp_up alone: the duration it belongs to is missing.
  const auto ramp_only = errors_of(calendar_spec("  accrual: {ramp_up: 3}"));
  ASSERT_EQ(ramp_only.size(), 1u) << dump(ramp_only);
  EXPECT_TRUE(has_diagnostic(ramp_only, "trial.accrual.duration", 7, 12, {"missing required key 'duration'"}));
  // ramp_up with rates: at its key, column 33.
  const auto ramp_rates = errors_of(calendar_spec("  accrual: {rates: [{rate: 5}], ramp_up: 2}"));
  ASSERT_EQ(ramp_rates.size(), 1u) << dump(ramp_rates);
  EXPECT_TRUE(has_diagnostic(ramp_rates, "trial.accrual.ramp_up", 7, 33,
                             {"ramp_up applies to accrual: {duration, ramp_up} only"}));
  const auto unknown = errors_of(calendar_spec("  accrual: {duration: 24, rampup: 6}"));
  ASSERT_EQ(unknown.size(), 1u) << dump(unknown);
  EXPECT_TRUE(has_diagnostic(unknown, "trial.accrual.rampup", 7, 27, {"unknown key 'rampup'; did you mean 'ramp_up'?"}));
  const auto far = errors_of(calendar_spec("  accrual: {duration: 24, enrolment: 6}"));
  ASSERT_EQ(far.size(), 1u) << dump(far);
  EXPECT_TRUE(has_diagnostic(far, "trial.accrual.enrolment", 7, 27,
                             {"unknown key 'enrolment'; expected one of rates, duration or ramp_up"}));
  const auto scalar = errors_of(calendar_spec("  accrual: 24"));
  ASSERT_EQ(scalar.size(), 1u) << dump(scalar);
  EXPECT_TRUE(has_diagnostic(scalar, "trial.accrual", 7, 12, {"expected a mapping of keys, got \"24\""}));
}

TEST(SpecCalendarAccrual, DurationAndRampUpRanges) {
  for (const std::string d : {"0", "-1", "1201"}) {
    SCOPED_TRACE("duration: " + d);
    const auto errors = errors_of(calendar_spec("  accrual: {duration: " + d + "}"));
    ASSERT_EQ(errors.size(), 1u) << dump(errors);
    EXPECT_TRUE(has_diagnostic(errors, "trial.accrual.duration", 7, 23,
                               {"expected an accrual duration > 0 in time_unit, at most 100 years (1200 months), got " + d}));
  }
  // ramp_up's value at column 36.
  for (const std::string r : {"-1", "30"}) {
    SCOPED_TRACE("ramp_up: " + r);
    const auto errors = errors_of(calendar_spec("  accrual: {duration: 24, ramp_up: " + r + "}"));
    ASSERT_EQ(errors.size(), 1u) << dump(errors);
    EXPECT_TRUE(has_diagnostic(errors, "trial.accrual.ramp_up", 7, 36,
                               {"expected a ramp-up from 0 to duration (24), got " + r}));
  }
}

// ---------------------------------------------------------------- trial.dropout

TEST(SpecCalendarValid, DropoutOneRateForEveryArm) {
  const TrialSpec spec = parse_spec(calendar_spec("  dropout: 0.01"), "spec.yaml");
  ASSERT_EQ(spec.trial.dropout.size(), 2u);
  for (const auto& arm : spec.trial.dropout) {
    ASSERT_EQ(arm.size(), 1u);
    expect_piece(arm[0], 0.01, kInf);
  }
}

TEST(SpecCalendarValid, DropoutPiecesForEveryArm) {
  const TrialSpec spec = parse_spec(calendar_spec("  dropout: [{rate: 0.01, duration: 12}, {rate: 0}]"), "spec.yaml");
  ASSERT_EQ(spec.trial.dropout.size(), 2u);
  for (const auto& arm : spec.trial.dropout) {
    ASSERT_EQ(arm.size(), 2u);
    expect_piece(arm[0], 0.01, 12.0);
    expect_piece(arm[1], 0.0, kInf);  // the last dropout rate may be 0
  }
}

TEST(SpecCalendarValid, DropoutPerArmIndexedLikeTheArms) {
  // Named out of order: indexed like spec.arms (control first).
  const TrialSpec spec = parse_spec(
      calendar_spec("  dropout: {treatment: 0.02, control: [{rate: 0.01, duration: 6}, {rate: 0.03}]}"), "spec.yaml");
  ASSERT_EQ(spec.trial.dropout.size(), 2u);
  ASSERT_EQ(spec.trial.dropout[0].size(), 2u);
  expect_piece(spec.trial.dropout[0][0], 0.01, 6.0);
  expect_piece(spec.trial.dropout[0][1], 0.03, kInf);
  ASSERT_EQ(spec.trial.dropout[1].size(), 1u);
  expect_piece(spec.trial.dropout[1][0], 0.02, kInf);

  // An arm not named gets no dropout.
  const TrialSpec one = parse_spec(calendar_spec("  dropout: {treatment: 0.02}"), "spec.yaml");
  ASSERT_EQ(one.trial.dropout.size(), 2u);
  EXPECT_TRUE(one.trial.dropout[0].empty());
  ASSERT_EQ(one.trial.dropout[1].size(), 1u);
  expect_piece(one.trial.dropout[1][0], 0.02, kInf);
}

TEST(SpecCalendarDropout, UnknownArmSuggestsClosest) {
  // Keys at column 13 (`treatmnt`) and 29 (`placebo`).
  const auto errors = errors_of(calendar_spec("  dropout: {treatmnt: 0.02, placebo: 0.01}"));
  ASSERT_EQ(errors.size(), 2u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.dropout.treatmnt", 7, 13,
                             {"unknown arm 'treatmnt'", "did you mean 'treatment'?"}));
  EXPECT_TRUE(has_diagnostic(errors, "trial.dropout.placebo", 7, 29,
                             {"unknown arm 'placebo'; arms are control or treatment"}));
}

TEST(SpecCalendarDropout, RatesAndPiecesAreChecked) {
  const auto negative = errors_of(calendar_spec("  dropout: -0.1"));
  ASSERT_EQ(negative.size(), 1u) << dump(negative);
  EXPECT_TRUE(has_diagnostic(negative, "trial.dropout", 7, 12, {"expected a dropout hazard >= 0 per time unit, got -0.1"}));
  const auto text = errors_of(calendar_spec("  dropout: high"));
  ASSERT_EQ(text.size(), 1u) << dump(text);
  EXPECT_TRUE(has_diagnostic(text, "trial.dropout", 7, 12,
                             {"expected a dropout hazard >= 0 per time unit, or a list of {rate, duration}, got \"high\""}));
  // Per arm: `control: [` puts the first piece at column 23.
  const auto missing = errors_of(calendar_spec("  dropout: {control: [{rate: 0.01}, {rate: 0.02}]}"));
  ASSERT_EQ(missing.size(), 1u) << dump(missing);
  EXPECT_TRUE(has_diagnostic(missing, "trial.dropout.control[0].duration", 7, 23, {"missing required key 'duration'"}));
  // Per arm, a mapping is neither a rate nor pieces (column 22).
  const auto nested = errors_of(calendar_spec("  dropout: {control: {rate: 0.01}}"));
  ASSERT_EQ(nested.size(), 1u) << dump(nested);
  EXPECT_TRUE(has_diagnostic(nested, "trial.dropout.control", 7, 22,
                             {"expected a dropout hazard >= 0 per time unit or a list of {rate, duration}, got a mapping"}));
  std::string pieces;
  for (int i = 0; i < 101; ++i) pieces += (i == 0 ? "" : ", ") + std::string("{rate: 0.01, duration: 1}");
  const auto many = errors_of(calendar_spec("  dropout: [" + pieces + "]"));
  ASSERT_EQ(many.size(), 1u) << dump(many);
  EXPECT_TRUE(has_diagnostic(many, "trial.dropout", 7, 12, {"expected at most 100 dropout rates, got 101"}));
}

TEST(SpecCalendarDropout, GivenOnceNotAlsoAsTheModelsDropoutRate) {
  const auto errors = errors_of(
      calendar_spec("  dropout: 0.01", "", "{name: weibull_ph, parameters: {shape: 1, scale: 10, dropout_rate: 0.02}}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.dropout", 7, 12,
                             {"give dropout once: trial.dropout or the model's dropout_rate",
                              "model.parameters.dropout_rate is 0.02"}));
  // A dropout_rate of 0 is no dropout: no conflict.
  const TrialSpec zero = parse_spec(
      calendar_spec("  dropout: 0.01", "", "{name: weibull_ph, parameters: {shape: 1, scale: 10, dropout_rate: 0}}"),
      "spec.yaml");
  ASSERT_EQ(zero.trial.dropout.size(), 2u);
  expect_piece(zero.trial.dropout[1][0], 0.01, kInf);
}

// ---------------------------------------------------------------- data_cut
// with_cut puts `data_cut:` on line 20 at column 7; `      data_cut: {` its first key at 18.

TEST(SpecCalendarValid, DataCutEvents) {
  const TrialSpec spec = parse_spec(with_cut("      data_cut: {events: 50}"), "spec.yaml");
  const DataCut& cut = spec.analysis.endpoints[0].data_cut;
  EXPECT_EQ(cut.kind, DataCut::Kind::kEvents);
  EXPECT_EQ(cut.events, 50u);
  EXPECT_FALSE(cut.events_arm.has_value());
  EXPECT_TRUE(cut.either.empty());

  const TrialSpec arm = parse_spec(with_cut("      data_cut: {events: 50, arm: control}"), "spec.yaml");
  const DataCut& control = arm.analysis.endpoints[0].data_cut;
  EXPECT_EQ(control.kind, DataCut::Kind::kEvents);
  EXPECT_EQ(control.events, 50u);
  ASSERT_TRUE(control.events_arm.has_value());
  EXPECT_EQ(*control.events_arm, 0u);

  // The shorthand reads the same.
  const TrialSpec shorthand = parse_spec(with_cut("      data_cut_events: 50"), "spec.yaml");
  EXPECT_EQ(shorthand.analysis.endpoints[0].data_cut.kind, DataCut::Kind::kEvents);
  EXPECT_EQ(shorthand.analysis.endpoints[0].data_cut.events, 50u);
  EXPECT_FALSE(shorthand.analysis.endpoints[0].data_cut.events_arm.has_value());
}

TEST(SpecCalendarValid, DataCutTimeAndAfterLastPatient) {
  const TrialSpec time = parse_spec(with_cut("      data_cut: {time: 30.5}"), "spec.yaml");
  EXPECT_EQ(time.analysis.endpoints[0].data_cut.kind, DataCut::Kind::kTime);
  EXPECT_EQ(time.analysis.endpoints[0].data_cut.time, 30.5);
  const TrialSpec after = parse_spec(with_cut("      data_cut: {after_last_patient: 12}"), "spec.yaml");
  EXPECT_EQ(after.analysis.endpoints[0].data_cut.kind, DataCut::Kind::kAfterLastPatient);
  EXPECT_EQ(after.analysis.endpoints[0].data_cut.time, 12.0);  // at most follow_up (12)
}

TEST(SpecCalendarValid, DataCutFirstAndLastNest) {
  const TrialSpec spec = parse_spec(
      with_cut("      data_cut: {last: [{after_last_patient: 6}, {first: [{events: 40, arm: treatment}, {time: 40}]}]}"),
      "spec.yaml");
  const DataCut& cut = spec.analysis.endpoints[0].data_cut;
  EXPECT_EQ(cut.kind, DataCut::Kind::kLast);
  ASSERT_EQ(cut.either.size(), 2u);
  EXPECT_EQ(cut.either[0].kind, DataCut::Kind::kAfterLastPatient);
  EXPECT_EQ(cut.either[0].time, 6.0);
  const DataCut& first = cut.either[1];
  EXPECT_EQ(first.kind, DataCut::Kind::kFirst);
  ASSERT_EQ(first.either.size(), 2u);
  EXPECT_EQ(first.either[0].kind, DataCut::Kind::kEvents);
  EXPECT_EQ(first.either[0].events, 40u);
  EXPECT_EQ(first.either[0].events_arm, std::optional<std::size_t>(1));
  EXPECT_EQ(first.either[1].kind, DataCut::Kind::kTime);
  EXPECT_EQ(first.either[1].time, 40.0);

  // Three first/last deep is the most.
  const TrialSpec deep = parse_spec(
      with_cut("      data_cut: {first: [{first: [{first: [{time: 1}, {time: 2}]}, {time: 3}]}, {time: 4}]}"), "spec.yaml");
  const DataCut& d = deep.analysis.endpoints[0].data_cut;
  ASSERT_EQ(d.either.size(), 2u);
  ASSERT_EQ(d.either[0].either.size(), 2u);
  ASSERT_EQ(d.either[0].either[0].either.size(), 2u);
  EXPECT_EQ(d.either[0].either[0].either[1].time, 2.0);
  EXPECT_EQ(d.either[1].time, 4.0);
}

TEST(SpecCalendarDataCut, EventsBetweenOneAndThePatients) {
  for (const std::string d : {"0", "101"}) {
    SCOPED_TRACE("events: " + d);
    const auto errors = errors_of(with_cut("      data_cut: {events: " + d + "}"));
    ASSERT_EQ(errors.size(), 1u) << dump(errors);
    EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.data_cut.events", 20, 26,
                               {"expected a number of events between 1 and trial.patients, got " + d}));
  }
  const auto shorthand = errors_of(with_cut("      data_cut_events: 101"));
  ASSERT_EQ(shorthand.size(), 1u) << dump(shorthand);
  EXPECT_TRUE(has_diagnostic(shorthand, "analysis.endpoints.os.data_cut_events", 20, 24,
                             {"expected a number of events between 1 and trial.patients, got 101"}));
}

TEST(SpecCalendarDataCut, EventsOfAnArmAtMostItsExpectedShare) {
  // 100 patients 1:1: the control arm expects 50.
  const auto errors = errors_of(with_cut("      data_cut: {events: 51, arm: control}"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.data_cut.events", 20, 26,
                             {"expected at most 50 events of arm 'control'", "a cut that can never happen"}));
  // Unknown arm: its value at column 35.
  const auto unknown = errors_of(with_cut("      data_cut: {events: 40, arm: contrl}"));
  ASSERT_EQ(unknown.size(), 1u) << dump(unknown);
  EXPECT_TRUE(has_diagnostic(unknown, "analysis.endpoints.os.data_cut.arm", 20, 35,
                             {"unknown arm 'contrl'; did you mean 'control'?"}));
  // `arm` with another form: at its key, column 28.
  const auto time = errors_of(with_cut("      data_cut: {time: 30, arm: control}"));
  ASSERT_EQ(time.size(), 1u) << dump(time);
  EXPECT_TRUE(has_diagnostic(time, "analysis.endpoints.os.data_cut.arm", 20, 28,
                             {"'arm' applies to an events cut only"}));
}

TEST(SpecCalendarDataCut, ExpectedShareFollowsTheRatios) {
  // Ratios 2:1 of 100 patients: round(66.67) = 67 for control, round(33.33) = 33 for treatment.
  const std::string yaml = R"(schema_version: 1
trial: {name: t, seed: 1, patients: 100, follow_up: 12, randomization_block: 3}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms:
  - {name: control, control: true, ratio: 2}
  - {name: treatment}
model: {name: weibull_ph, parameters: {shape: 1, scale: 10}}
endpoints:
  - {name: os}
analysis:
  endpoints:
    os: {data_cut: {events: EVENTS, arm: ARM}}
)";
  const auto spec_of = [&](const std::string& events, const std::string& arm) {
    std::string text = yaml;
    text.replace(text.find("EVENTS"), 6, events);
    text.replace(text.find("ARM"), 3, arm);
    return text;
  };
  EXPECT_NO_THROW(parse_spec(spec_of("67", "control"), "spec.yaml"));
  EXPECT_NO_THROW(parse_spec(spec_of("33", "treatment"), "spec.yaml"));
  // `    os: {data_cut: {events: ` puts the number at column 29 of line 14.
  const auto control = errors_of(spec_of("68", "control"));
  ASSERT_EQ(control.size(), 1u) << dump(control);
  EXPECT_TRUE(has_diagnostic(control, "analysis.endpoints.os.data_cut.events", 14, 29,
                             {"expected at most 67 events of arm 'control'"}));
  const auto treatment = errors_of(spec_of("34", "treatment"));
  ASSERT_EQ(treatment.size(), 1u) << dump(treatment);
  EXPECT_TRUE(has_diagnostic(treatment, "analysis.endpoints.os.data_cut.events", 14, 29,
                             {"expected at most 33 events of arm 'treatment'"}));
}

TEST(SpecCalendarDataCut, TimeAndMinimumFollowUpRanges) {
  const auto time = errors_of(with_cut("      data_cut: {time: 0}"));
  ASSERT_EQ(time.size(), 1u) << dump(time);
  EXPECT_TRUE(has_diagnostic(time, "analysis.endpoints.os.data_cut.time", 20, 24,
                             {"expected a calendar time > 0 in time_unit", "got 0"}));
  // `after_last_patient: ` puts the value at column 38.
  const auto longer = errors_of(with_cut("      data_cut: {after_last_patient: 13}"));
  ASSERT_EQ(longer.size(), 1u) << dump(longer);
  EXPECT_TRUE(has_diagnostic(longer, "analysis.endpoints.os.data_cut.after_last_patient", 20, 38,
                             {"a minimum follow-up longer than the follow-up (trial.follow_up = 12)"}));
  const auto zero = errors_of(with_cut("      data_cut: {after_last_patient: 0}"));
  ASSERT_EQ(zero.size(), 1u) << dump(zero);
  EXPECT_TRUE(has_diagnostic(zero, "analysis.endpoints.os.data_cut.after_last_patient", 20, 38,
                             {"expected a minimum follow-up > 0", "got 0"}));
}

TEST(SpecCalendarDataCut, ExactlyOneFormPerCut) {
  const auto none = errors_of(with_cut("      data_cut: {}"));
  ASSERT_EQ(none.size(), 1u) << dump(none);
  EXPECT_TRUE(has_diagnostic(none, "analysis.endpoints.os.data_cut", 20, 17,
                             {"expected one data cut: {events: d}, {events: d, arm: <arm>}, {time: T}, "
                              "{after_last_patient: m}, {first: [cut, cut]} or {last: [cut, cut]}"}));
  const auto several = errors_of(with_cut("      data_cut: {events: 50, time: 30}"));
  ASSERT_EQ(several.size(), 1u) << dump(several);
  EXPECT_TRUE(has_diagnostic(several, "analysis.endpoints.os.data_cut", 20, 17,
                             {"expected one data cut, got events and time (combine two with first or last)"}));
  const auto scalar = errors_of(with_cut("      data_cut: 50"));
  ASSERT_EQ(scalar.size(), 1u) << dump(scalar);
  EXPECT_TRUE(has_diagnostic(scalar, "analysis.endpoints.os.data_cut", 20, 17,
                             {"expected a data cut, one of {events: d}", "got \"50\""}));
  // A misspelt key: unknown, and then no cut is given.
  const auto misspelt = errors_of(with_cut("      data_cut: {evnts: 50}"));
  ASSERT_EQ(misspelt.size(), 2u) << dump(misspelt);
  EXPECT_TRUE(has_diagnostic(misspelt, "analysis.endpoints.os.data_cut.evnts", 20, 18,
                             {"unknown key 'evnts'; did you mean 'events'?"}));
  EXPECT_TRUE(has_diagnostic(misspelt, "analysis.endpoints.os.data_cut", 20, 17, {"expected one data cut"}));
}

TEST(SpecCalendarDataCut, FirstAndLastTakeTwoCuts) {
  // `{first: [` puts the list at column 25.
  const auto one = errors_of(with_cut("      data_cut: {first: [{events: 50}]}"));
  ASSERT_EQ(one.size(), 1u) << dump(one);
  EXPECT_TRUE(has_diagnostic(one, "analysis.endpoints.os.data_cut.first", 20, 25,
                             {"expected exactly two data cuts, got 1"}));
  const auto scalar = errors_of(with_cut("      data_cut: {first: 50}"));
  ASSERT_EQ(scalar.size(), 1u) << dump(scalar);
  EXPECT_TRUE(has_diagnostic(scalar, "analysis.endpoints.os.data_cut.first", 20, 25,
                             {"expected a list of two data cuts, got \"50\""}));
  // An error inside is at its own place: the second cut's time at column 44.
  const auto inner = errors_of(with_cut("      data_cut: {last: [{time: 30}, {time: -1}]}"));
  ASSERT_EQ(inner.size(), 1u) << dump(inner);
  EXPECT_TRUE(has_diagnostic(inner, "analysis.endpoints.os.data_cut.last[1].time", 20, 44,
                             {"expected a calendar time > 0"}));
  // A fourth first inside three: at its key, column 45.
  const auto deep = errors_of(with_cut(
      "      data_cut: {first: [{first: [{first: [{first: [{time: 1}, {time: 2}]}, {time: 3}]}, {time: 4}]}, {time: 5}]}"));
  ASSERT_EQ(deep.size(), 1u) << dump(deep);
  EXPECT_TRUE(has_diagnostic(deep, "analysis.endpoints.os.data_cut.first[0].first[0].first[0].first", 20, 45,
                             {"first and last cuts nest at most 3 deep"}));
}

TEST(SpecCalendarDataCut, NotBothDataCutAndItsShorthand) {
  const auto errors = errors_of(with_cut("      data_cut: {time: 30}", "      data_cut_events: 50\n"));
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.data_cut", 20, 7,
                             {"give data_cut or data_cut_events (its shorthand for data_cut: {events: d}), not both"}));
}

TEST(SpecCalendarDataCut, TimeToEventEndpointsOnly) {
  // A continuous endpoint: `data_cut` at its key on line 20, column 7.
  const std::string yaml = calendar_spec(
      "  replicates: 1", "analysis:\n  endpoints:\n    change:\n      data_cut: {time: 30}\n",
      "{name: linear_change, parameters: {intercept: 0, arm_effect: {treatment: 1}, residual_sd: 1}}");
  std::string text = yaml;
  text.replace(text.find("  - {name: os}"), 14, "  - {name: change}");
  const auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.change.data_cut", 20, 7,
                             {"'data_cut' applies to time-to-event endpoints only"}));
}

TEST(SpecCalendarAll, ErrorsOfEveryKeyAreReportedTogether) {
  const auto errors = errors_of(calendar_spec(
      "  accrual: {duration: 0}\n  dropout: {placebo: 0.01}",
      "analysis:\n  endpoints:\n    os:\n      data_cut: {time: 0}\n"));
  ASSERT_EQ(errors.size(), 3u) << dump(errors);
  EXPECT_TRUE(has_diagnostic(errors, "trial.accrual.duration", 7, 23, {"expected an accrual duration > 0"}));
  EXPECT_TRUE(has_diagnostic(errors, "trial.dropout.placebo", 8, 13, {"unknown arm 'placebo'"}));
  EXPECT_TRUE(has_diagnostic(errors, "analysis.endpoints.os.data_cut.time", 21, 24, {"expected a calendar time > 0"}));
}

}  // namespace
}  // namespace silico::spec

namespace {

TEST(SpecCalendarStored, TheReportReadsTheRulesAsWritten) {
  // The report shows the accrual, dropout and cut rules in flow style, whatever style the
  // spec wrote them in; data_cut_events reads as the events cut it stands for.
  const std::string text =
      "trial:\n  accrual:\n    duration: 24\n    ramp_up: 6\n  dropout: {control: 0.01}\n"
      "analysis:\n  endpoints:\n    os: {data_cut: {last: [{events: 300}, {time: 36}]}}\n"
      "    pfs: {data_cut_events: 200}\n    orr: {methods: [risk_difference]}\n";
  const auto stored = silico::spec::read_stored_spec(text, "spec.yaml");
  EXPECT_EQ(stored.accrual, "{duration: 24, ramp_up: 6}");
  EXPECT_EQ(stored.dropout, "{control: 0.01}");
  EXPECT_EQ(stored.data_cuts.at("os"), "{last: [{events: 300}, {time: 36}]}");
  EXPECT_EQ(stored.data_cuts.at("pfs"), "{events: 200}");
  EXPECT_EQ(stored.data_cuts.count("orr"), 0u);
  EXPECT_TRUE(silico::spec::read_stored_spec("trial: {name: x}\n", "spec.yaml").accrual.empty());
}

}  // namespace
