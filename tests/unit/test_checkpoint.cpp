// The checkpoint text of an interrupted run: every field reads back as written, the time
// spent exactly (a resumed run adds to it), and a damaged file is refused by name.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "parallel/checkpoint.hpp"

namespace silico::parallel {
namespace {

Checkpoint example() {
  Checkpoint c;
  c.silico_version = "0.1.0";
  c.format_version = 2;
  c.spec_fingerprint = "0123456789abcdef";
  c.seed = 4242;
  c.first_replicate = 3;
  c.replicate_count = 5;
  c.block_patients = 65536;
  c.blocks_done = 17;
  c.replicates_analysed = 2;
  c.candidates_drawn = 123456789012ULL;
  c.model_failures = 7;
  c.seconds_spent = 0.1 + 0.2;  // 0.30000000000000004: needs all 17 digits
  return c;
}

/// `text` without its line starting with `key: `.
std::string without_line(std::string text, const std::string& key) {
  const auto at = text.find("\n" + key + ": ");
  const auto end = text.find('\n', at + 1);
  return text.erase(at, end - at);
}

TEST(Checkpoint, EveryFieldReadsBackAsWritten) {
  const Checkpoint c = example();
  const Checkpoint back = Checkpoint::from_text(c.to_text(), "x.checkpoint");
  EXPECT_EQ(back.silico_version, c.silico_version);
  EXPECT_EQ(back.format_version, c.format_version);
  EXPECT_EQ(back.spec_fingerprint, c.spec_fingerprint);
  EXPECT_EQ(back.seed, c.seed);
  EXPECT_EQ(back.first_replicate, c.first_replicate);
  EXPECT_EQ(back.replicate_count, c.replicate_count);
  EXPECT_EQ(back.block_patients, c.block_patients);
  EXPECT_EQ(back.blocks_done, c.blocks_done);
  EXPECT_EQ(back.replicates_analysed, c.replicates_analysed);
  EXPECT_EQ(back.candidates_drawn, c.candidates_drawn);
  EXPECT_EQ(back.model_failures, c.model_failures);
  EXPECT_EQ(back.seconds_spent, c.seconds_spent);  // exact: no tolerance
  EXPECT_EQ(back.to_text(), c.to_text());
}

TEST(Checkpoint, SecondsSpentRoundTripsExactly) {
  Checkpoint c = example();
  for (const double seconds : {0.0, 5e-324, 1.0 / 3.0, 37.3, 86400.0 * 365.25 + 0.123456789012345,
                               std::numeric_limits<double>::max()}) {
    c.seconds_spent = seconds;
    EXPECT_EQ(Checkpoint::from_text(c.to_text(), "x.checkpoint").seconds_spent, seconds) << seconds;
  }
}

TEST(Checkpoint, OlderCheckpointWithoutTimeReadsAsNoTimeSpent) {
  const std::string text = without_line(example().to_text(), "seconds_spent");
  ASSERT_EQ(text.find("seconds_spent"), std::string::npos);
  const Checkpoint back = Checkpoint::from_text(text, "x.checkpoint");
  EXPECT_EQ(back.seconds_spent, 0.0);
  EXPECT_EQ(back.blocks_done, example().blocks_done);
}

TEST(Checkpoint, DamagedTimeIsRefusedByName) {
  const std::string text = without_line(example().to_text(), "seconds_spent");
  for (const char* bad : {"", "abc", "12s", "-1", "nan", "inf"}) {
    try {
      Checkpoint::from_text(text + "seconds_spent: " + bad + "\n", "x.checkpoint");
      ADD_FAILURE() << "accepted seconds_spent '" << bad << "'";
    } catch (const UserError& e) {
      EXPECT_STREQ(e.what(), "'x.checkpoint' has a bad seconds_spent: it is damaged") << bad;
    }
  }
}

TEST(Checkpoint, MissingFieldIsRefusedByName) {
  try {
    Checkpoint::from_text(without_line(example().to_text(), "blocks_done"), "x.checkpoint");
    ADD_FAILURE() << "accepted a checkpoint without blocks_done";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "'x.checkpoint' has no blocks_done: it is damaged");
  }
}

TEST(SpecFingerprint, CoversTheObservedOutcomes) {
  // A resumed run must not mix two versions of the file it is validated against.
  spec::TrialSpec spec;
  spec.source_text = "the spec";
  spec::ValidationTarget target;
  target.observed_outcomes = spec::ObservedOutcomes{};
  target.observed_outcomes->text = "time,event\n1,1\n";
  spec.validation.push_back(target);
  const std::string before = spec_fingerprint(spec);
  spec.validation[0].observed_outcomes->text = "time,event\n1,0\n";
  EXPECT_NE(spec_fingerprint(spec), before);
  spec.validation[0].observed_outcomes->text = "time,event\n1,1\n";
  EXPECT_EQ(spec_fingerprint(spec), before);
}

}  // namespace
}  // namespace silico::parallel
