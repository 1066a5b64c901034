// The checkpoint text of an interrupted run: every field reads back as written, the time
// spent exactly (a resumed run adds to it), and a damaged file is refused by name; every
// progress number is range-checked; the analysis rows are committed by length and hash,
// so rows a killed run wrote after its last commit are overwritten, never read.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
  c.analysis_bytes = 1234;
  c.analysis_hash = 0xfedcba9876543210ULL;
  c.data_digest = 0x0123456789abcdefULL;
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
  EXPECT_EQ(back.analysis_bytes, c.analysis_bytes);
  EXPECT_EQ(back.analysis_hash, c.analysis_hash);
  EXPECT_EQ(back.data_digest, c.data_digest);
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

// Issue 12, defect 3: "blocks_done: -1" used to wrap to 2^64-1 and a block size of 0
// divided by zero on resume.
TEST(Checkpoint, NegativeNumberIsRefusedNotWrapped) {
  const std::string text = without_line(example().to_text(), "blocks_done");
  for (const char* bad : {"-1", "+1", " 1", "1 ", "18446744073709551616", "0x10"}) {
    EXPECT_THROW(Checkpoint::from_text(text + "blocks_done: " + bad + "\n", "x.checkpoint"), UserError) << bad;
  }
}

Checkpoint progress(std::uint64_t block, std::uint64_t blocks_done, std::uint64_t analysed) {
  Checkpoint c = example();
  c.first_replicate = 0;
  c.replicate_count = 3;
  c.block_patients = block;
  c.blocks_done = blocks_done;
  c.replicates_analysed = analysed;
  c.analysis_bytes = analysed > 0 ? 100 : 0;
  c.candidates_drawn = 1'000'000;
  c.model_failures = 0;
  return c;
}

std::string range_error(const Checkpoint& c, std::uint64_t patients) {
  try {
    c.check_ranges(patients, "x.checkpoint");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(Checkpoint, ProgressOutsideTheRunIsRefused) {
  // 1,000 patients in blocks of 300: 4 blocks per replicate, 12 in all.
  EXPECT_EQ(blocks_per_replicate(1000, 300), 4u);
  EXPECT_EQ(blocks_per_replicate(1000, 1000), 1u);
  EXPECT_EQ(blocks_per_replicate(1000, 5000), 1u);
  EXPECT_EQ(range_error(progress(300, 12, 3), 1000), "");
  EXPECT_EQ(range_error(progress(300, 7, 0), 1000), "");
  EXPECT_NE(range_error(progress(0, 0, 0), 1000).find("block_patients is 0"), std::string::npos);
  EXPECT_NE(range_error(progress(300, 13, 0), 1000).find("more than the run's 12 blocks"), std::string::npos);
  EXPECT_NE(range_error(progress(300, 12, 4), 1000).find("more than the run's 3 replicates"), std::string::npos);
  EXPECT_NE(range_error(progress(300, 11, 1), 1000).find("before every patient was written"), std::string::npos);
  Checkpoint few = progress(300, 5, 0);  // 1,300 patients written: 1,000 + 300
  few.candidates_drawn = 1299;
  EXPECT_NE(range_error(few, 1000).find("fewer screening candidates"), std::string::npos);
  few.candidates_drawn = 1300;
  few.model_failures = 1301;
  EXPECT_NE(range_error(few, 1000).find("more model failures"), std::string::npos);
  Checkpoint no_rows = progress(300, 12, 2);
  no_rows.analysis_bytes = 0;
  EXPECT_NE(range_error(no_rows, 1000).find("analysis_bytes"), std::string::npos);
}

class AnalysisRows : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / ("silico-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder_);
    path_ = (folder_ / "out.h5.analysis").string();
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::filesystem::path folder_;
  std::string path_;
  const std::vector<std::string> paths_{"os/logrank/z", "os/cox/hr"};
};

// Issue 12, defect 1: rows appended before a kill, but after the last checkpoint, were
// kept, so the next rows landed after them and replicate k's analysis was read as k+1's.
TEST_F(AnalysisRows, RowsPastTheCommittedEndAreOverwrittenOnResume) {
  Checkpoint c = example();
  c.analysis_bytes = 0;
  c.analysis_hash = Checkpoint::kAnalysisHashStart;
  write_analysis_rows(path_, paths_, {{1.0, 2.0}, {3.0, 4.0}}, c);
  c.replicates_analysed = 2;
  const Checkpoint committed = c;
  // A round the killed run wrote but never committed.
  Checkpoint lost = c;
  write_analysis_rows(path_, paths_, {{99.0, 99.0}}, lost);
  // The resume writes its round at the committed end.
  Checkpoint resumed = committed;
  write_analysis_rows(path_, paths_, {{5.0, 6.0}}, resumed);
  resumed.replicates_analysed = 3;
  std::vector<std::string> names;
  std::vector<std::vector<double>> rows;
  read_analysis_rows(path_, resumed, names, rows);
  EXPECT_EQ(names, paths_);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2], (std::vector<double>{5.0, 6.0}));
  EXPECT_EQ(std::filesystem::file_size(path_), resumed.analysis_bytes);
}

TEST_F(AnalysisRows, FlippedBitIsFoundByTheHash) {
  Checkpoint c = example();
  c.analysis_bytes = 0;
  c.analysis_hash = Checkpoint::kAnalysisHashStart;
  write_analysis_rows(path_, paths_, {{1.0, 2.0}, {3.0, 4.0}}, c);
  c.replicates_analysed = 2;
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(c.analysis_bytes - 3));
    file.put('\x40');
  }
  std::vector<std::string> names;
  std::vector<std::vector<double>> rows;
  EXPECT_THROW(read_analysis_rows(path_, c, names, rows), UserError);
  // And a file shorter than committed.
  std::filesystem::resize_file(path_, c.analysis_bytes - 8);
  EXPECT_THROW(read_analysis_rows(path_, c, names, rows), UserError);
}

// Issue 12, defect 5: writes followed a symbolic link planted at a working file's name.
TEST_F(AnalysisRows, SymbolicLinkIsNeverWrittenThrough) {
  const std::string target = (folder_ / "victim").string();
  { std::ofstream(target) << "precious"; }
  std::filesystem::create_symlink(target, path_);
  Checkpoint c = example();
  c.analysis_bytes = 0;
  EXPECT_THROW(write_analysis_rows(path_, paths_, {{1.0, 2.0}}, c), UserError);
  std::ifstream in(target);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "precious");
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
