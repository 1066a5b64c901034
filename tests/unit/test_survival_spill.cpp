// SurvivalSpill must walk exactly as InMemorySurvival does over the same rows, whatever
// the memory budget, and leave nothing on disk.

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "io/survival_spill.hpp"
#include "stats/survival_source.hpp"

namespace fs = std::filesystem;
using silico::io::SurvivalSpill;
using silico::stats::InMemorySurvival;
using silico::stats::SurvivalRow;
using silico::stats::SurvivalSource;

namespace {

// A fresh empty directory, removed with whatever is left in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string name = (fs::temp_directory_path() / "silico-spill-test-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A row copied out of a visit, since its x is valid only during the visit.
struct Copied {
  double time;
  std::uint64_t row;
  std::int32_t stratum;
  std::int8_t event;
  std::int8_t group;
  std::vector<double> x;
  bool operator==(const Copied&) const = default;
};

std::vector<Copied> walk(const SurvivalSource& source, bool reverse) {
  std::vector<Copied> rows;
  const auto visit = [&](std::span<const SurvivalRow> batch) {
    EXPECT_FALSE(batch.empty());
    for (const SurvivalRow& r : batch) {
      rows.push_back({r.time, r.row, r.stratum, r.event, r.group, {r.x.begin(), r.x.end()}});
    }
  };
  if (reverse) {
    source.backward(visit);
  } else {
    source.forward(visit);
  }
  return rows;
}

struct Data {
  std::size_t covariates;
  std::vector<double> time;
  std::vector<std::int8_t> event;
  std::vector<double> x;
  std::vector<std::int32_t> stratum;
  std::vector<std::int8_t> group;
};

// Times on a grid of quarters in [0, 10), so about n/40 rows share each time, with events
// and censorings mixed at the same time.
Data random_rows(std::size_t n, std::size_t covariates, std::uint64_t seed) {
  std::mt19937_64 bits(seed);
  const auto uniform = [&] { return static_cast<double>(bits() >> 11) * 0x1p-53; };
  Data d{covariates, {}, {}, {}, {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    d.time.push_back(std::floor(uniform() * 40.0) / 4.0);
    d.event.push_back(static_cast<std::int8_t>(bits() & 1));
    d.stratum.push_back(static_cast<std::int32_t>(bits() % 3));
    d.group.push_back(static_cast<std::int8_t>(bits() % 3));
    for (std::size_t j = 0; j < covariates; ++j) d.x.push_back(uniform() * 2.0 - 1.0);
  }
  return d;
}

// Pushes the rows in a shuffled order, numbered by their position in `d`.
void push_shuffled(SurvivalSpill& spill, const Data& d, std::uint64_t seed) {
  std::vector<std::size_t> order(d.time.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  for (const std::size_t i : order) {
    SurvivalRow row{
        d.time[i],    i,
        d.stratum[i], d.event[i],
        d.group[i],   std::span<const double>(d.x.data() + i * d.covariates, d.covariates)};
    spill.push(row);
  }
}

InMemorySurvival in_memory(const Data& d) {
  return InMemorySurvival(d.time, d.event, d.covariates, d.x, d.stratum, d.group);
}

SurvivalRow plain_row(double time, std::uint64_t row, std::int8_t event = 1) {
  return SurvivalRow{time, row, 0, event, 0, {}};
}

}  // namespace

// (covariates, memory_rows); memory_rows 0 stands for n + 5, more than all the rows.
class SpillMatchesMemory : public ::testing::TestWithParam<std::tuple<std::size_t, std::size_t>> {};

TEST_P(SpillMatchesMemory, ForwardAndBackwardRowByRow) {
  // More than one 4096-row batch, and runs read in several chunks at memory_rows 1000.
  constexpr std::size_t kRows = 5000;
  const auto [covariates, memory_param] = GetParam();
  const std::size_t memory_rows = memory_param == 0 ? kRows + 5 : memory_param;
  const Data d = random_rows(kRows, covariates, 20240611 + covariates);
  const InMemorySurvival reference = in_memory(d);
  const std::vector<Copied> expected_forward = walk(reference, false);
  const std::vector<Copied> expected_backward = walk(reference, true);
  ASSERT_EQ(expected_forward.size(), kRows);

  ScratchDir dir;
  {
    SurvivalSpill spill(dir.path(), covariates, memory_rows);
    push_shuffled(spill, d, 7 + memory_rows);
    spill.finish();
    EXPECT_EQ(spill.size(), kRows);
    EXPECT_EQ(spill.covariates(), covariates);
    const std::size_t expected_runs =
        memory_rows >= kRows ? 0 : (kRows + memory_rows - 1) / memory_rows;
    EXPECT_EQ(spill.runs(), expected_runs);

    // Compared as a whole first, so a failure reports one row rather than thousands.
    const std::vector<Copied> forward = walk(spill, false);
    const std::vector<Copied> backward = walk(spill, true);
    ASSERT_EQ(forward.size(), kRows);
    ASSERT_EQ(backward.size(), kRows);
    for (std::size_t i = 0; i < kRows; ++i) {
      ASSERT_EQ(forward[i], expected_forward[i]) << "forward row " << i;
      ASSERT_EQ(backward[i], expected_backward[i]) << "backward row " << i;
    }
    // The file has no name, even while it is in use.
    EXPECT_TRUE(fs::is_empty(dir.path()));
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

INSTANTIATE_TEST_SUITE_P(CovariatesAndBudgets, SpillMatchesMemory,
                         ::testing::Combine(::testing::Values(std::size_t{0}, std::size_t{1},
                                                              std::size_t{3}),
                                            ::testing::Values(std::size_t{1}, std::size_t{7},
                                                              std::size_t{1000}, std::size_t{0})));

TEST(SurvivalSpill, RepeatedWalksAreTheSame) {
  const Data d = random_rows(3000, 2, 99);
  ScratchDir dir;
  SurvivalSpill spill(dir.path(), 2, 100);
  push_shuffled(spill, d, 5);
  spill.finish();
  ASSERT_EQ(spill.runs(), 30u);
  const std::vector<Copied> forward = walk(spill, false);
  const std::vector<Copied> backward = walk(spill, true);
  for (int repeat = 0; repeat < 3; ++repeat) {
    EXPECT_EQ(walk(spill, false), forward);
    EXPECT_EQ(walk(spill, true), backward);
  }
  std::vector<Copied> reversed(backward.rbegin(), backward.rend());
  EXPECT_EQ(reversed, forward);
}

TEST(SurvivalSpill, EmptySpillWalksNothing) {
  ScratchDir dir;
  SurvivalSpill spill(dir.path(), 3, 10);
  spill.finish();
  EXPECT_EQ(spill.size(), 0u);
  EXPECT_EQ(spill.runs(), 0u);
  int visits = 0;
  spill.forward([&](std::span<const SurvivalRow>) { ++visits; });
  spill.backward([&](std::span<const SurvivalRow>) { ++visits; });
  EXPECT_EQ(visits, 0);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(SurvivalSpill, RowsThatFitCreateNoRun) {
  // Exactly memory_rows rows: a spill happens only when one more row arrives.
  ScratchDir dir;
  SurvivalSpill spill(dir.path(), 0, 4);
  for (std::uint64_t i = 0; i < 4; ++i) spill.push(plain_row(4.0 - static_cast<double>(i), i));
  spill.finish();
  EXPECT_EQ(spill.runs(), 0u);
  EXPECT_TRUE(fs::is_empty(dir.path()));
  const std::vector<Copied> forward = walk(spill, false);
  ASSERT_EQ(forward.size(), 4u);
  EXPECT_EQ(forward.front().time, 1.0);
  EXPECT_EQ(forward.back().time, 4.0);
}

TEST(SurvivalSpill, TiesPutEventsFirstThenRowNumbers) {
  ScratchDir dir;
  SurvivalSpill spill(dir.path(), 0, 1);
  spill.push(plain_row(2.0, 5, 0));
  spill.push(plain_row(2.0, 9, 1));
  spill.push(plain_row(2.0, 1, 0));
  spill.push(plain_row(2.0, 3, 1));
  spill.push(plain_row(1.0, 8, 0));
  spill.finish();
  EXPECT_EQ(spill.runs(), 5u);
  std::vector<std::uint64_t> order;
  for (const Copied& r : walk(spill, false)) order.push_back(r.row);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{8, 3, 9, 1, 5}));
}

TEST(SurvivalSpill, MissingDirectoryFailsAtTheFirstSpill) {
  ScratchDir dir;
  const fs::path missing = dir.path() / "does-not-exist";
  SurvivalSpill spill(missing, 0, 2);
  spill.push(plain_row(1.0, 0));
  spill.push(plain_row(2.0, 1));
  try {
    spill.push(plain_row(3.0, 2));
    FAIL() << "a spill into a missing directory did not throw";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
}

TEST(SurvivalSpill, RejectsMalformedRowsAndMisuse) {
  ScratchDir dir;
  EXPECT_THROW(SurvivalSpill(dir.path(), 1, 0), std::invalid_argument);
  SurvivalSpill spill(dir.path(), 2, 10);
  const std::vector<double> one = {1.0};
  EXPECT_THROW(spill.push({1.0, 0, 0, 1, 0, one}), std::invalid_argument);
  const std::vector<double> two = {1.0, 2.0};
  EXPECT_THROW(spill.push({std::nan(""), 0, 0, 1, 0, two}), std::invalid_argument);
  EXPECT_THROW(spill.push({-1.0, 0, 0, 1, 0, two}), std::invalid_argument);
  EXPECT_THROW(spill.forward([](std::span<const SurvivalRow>) {}), std::logic_error);
  spill.push({1.0, 0, 0, 1, 0, two});
  spill.finish();
  EXPECT_THROW(spill.push({1.0, 1, 0, 1, 0, two}), std::logic_error);
}

TEST(SurvivalSpill, DuplicateRowsAreRejected) {
  ScratchDir dir;
  {
    // In one buffer: found when it is sorted.
    SurvivalSpill spill(dir.path(), 0, 10);
    spill.push(plain_row(1.0, 4));
    spill.push(plain_row(1.0, 4));
    EXPECT_THROW(spill.finish(), std::invalid_argument);
  }
  {
    // In two runs: found by the merge.
    SurvivalSpill spill(dir.path(), 0, 1);
    spill.push(plain_row(1.0, 4));
    spill.push(plain_row(1.0, 4));
    spill.finish();
    EXPECT_THROW(spill.forward([](std::span<const SurvivalRow>) {}), std::invalid_argument);
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(SurvivalSpill, FailedWriteNamesTheDirectoryAndTheReason) {
  // A file size limit makes pwrite fail as a full disk would, without filling one: EFBIG
  // instead of ENOSPC, through the same path. SIGXFSZ would otherwise end the process.
  ScratchDir dir;
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 1000;  // bytes: room for a few 22-byte records, not for 200
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  {
    SurvivalSpill spill(dir.path(), 0, 100);
    try {
      for (std::uint64_t i = 0; i < 300; ++i) spill.push(plain_row(1.0, i));
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);
  EXPECT_NE(message.find(dir.path().string()), std::string::npos) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}
