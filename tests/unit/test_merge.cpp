// The slabs silico merge copies: as large as the memory budget allows, never larger
// (except that one element is always copied), and whole rows whenever they fit. The
// merged file's run time: the sum of the parts', or none if a part has none.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/h5file.hpp"
#include "io/merge.hpp"
#include "silico/version.hpp"

using silico::io::slab_shape;
using Dims = std::vector<std::uint64_t>;

namespace {
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
}

TEST(SlabShape, WholeDatasetWhenItFits) {
  EXPECT_EQ(slab_shape({6, 200}, 8, 64 * kMiB), (Dims{6, 200}));
  EXPECT_EQ(slab_shape({2000}, 8, 64 * kMiB), (Dims{2000}));
}

TEST(SlabShape, WholeRowsUpToTheBudget) {
  // 10,000 rows of 100,000 doubles (800 kB each): 83 rows fit in 64 MiB.
  EXPECT_EQ(slab_shape({10000, 100000}, 8, 64 * kMiB), (Dims{83, 100000}));
  // A [R] series of doubles: 100 values in 800 bytes.
  EXPECT_EQ(slab_shape({1000}, 8, 800), (Dims{100}));
}

TEST(SlabShape, SplitsARowLargerThanTheBudget) {
  // A trajectory row of 1200 patients x 113 times is 1,084,800 bytes > 1 MiB: the slab
  // holds whole courses of floor(1 MiB / (113 * 8)) = 1159 patients.
  EXPECT_EQ(slab_shape({3, 1200, 113}, 8, kMiB), (Dims{1, 1159, 113}));
  // A single course longer than the budget is split along the times.
  EXPECT_EQ(slab_shape({2, 10, 1000}, 8, 4000), (Dims{1, 1, 500}));
}

TEST(SlabShape, NeverLessThanOneElementNorMoreThanTheBudget) {
  EXPECT_EQ(slab_shape({4}, 8, 4), (Dims{1}));
  EXPECT_EQ(slab_shape({0, 5}, 8, kMiB), (Dims{1, 5}));
  for (std::uint64_t budget : {8u, 100u, 4096u, 1000000u}) {
    const Dims dims{7, 333, 17};
    const auto slab = slab_shape(dims, 8, budget);
    std::uint64_t bytes = 8;
    for (std::size_t k = 0; k < dims.size(); ++k) {
      EXPECT_GE(slab[k], 1u);
      EXPECT_LE(slab[k], dims[k]);
      bytes *= slab[k];
    }
    EXPECT_LE(bytes, budget) << "budget " << budget;
  }
}

namespace {

namespace h5 = silico::io::h5;

/// A minimal complete part: the attributes and datasets every reader checks (one
/// continuous endpoint, two arms), replicates [first, first + count) of a study of 3 with
/// 2 patients.
void write_part(const std::string& path, std::uint64_t first, std::uint64_t count,
                std::optional<double> wall_seconds) {
  h5::Handle f =
      h5::check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create " + path);
  h5::write_attribute(f, "format_version", std::int64_t{silico::kFormatVersion});
  h5::write_attribute(f, "status", std::string("complete"));
  h5::write_attribute(f, "silico_version", std::string("test"));
  h5::write_attribute(f, "git_commit", std::string("test"));
  h5::write_attribute(f, "spec_yaml", std::string("trial: {}"));
  h5::write_attribute(f, "trial_name", std::string("test"));
  h5::write_attribute(f, "seed", std::uint64_t{1});
  h5::write_attribute(f, "patients", std::uint64_t{2});
  h5::write_attribute(f, "study_replicates", std::uint64_t{3});
  h5::write_attribute(f, "first_replicate", first);
  h5::write_attribute(f, "replicates", count);
  h5::write_attribute(f, "arm_names", std::vector<std::string>{"control", "treatment"});
  h5::write_attribute(f, "control_arm", std::string("control"));
  h5::write_attribute(f, "endpoint_names", std::vector<std::string>{"score"});
  h5::write_attribute(f, "time_unit", std::string("days"));
  h5::write_attribute(f, "follow_up", 1.0);
  h5::write_attribute(f, "alpha", 0.05);
  h5::write_attribute(f, "rmst_horizon", 1.0);
  if (wall_seconds) h5::write_attribute(f, "wall_seconds", *wall_seconds);
  h5::Handle cohort = h5::create_group(f, "/cohort");
  h5::write_attribute(cohort, "candidates_drawn", 2 * count);
  h5::write_attribute(cohort, "acceptance_rate", 1.0);
  h5::create_matrix(f, "/cohort/arm", H5T_STD_I32LE, count, 2, 2);
  h5::Handle outcome = h5::create_group(f, "/outcomes/score");
  h5::write_attribute(outcome, "type", std::string("continuous"));
  for (const char* p : {"/outcomes/score/observed", "/outcomes/score/potential/control",
                        "/outcomes/score/potential/treatment"}) {
    h5::create_matrix(f, p, H5T_IEEE_F64LE, count, 2, 2);
  }
}

class MergeRunTime : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name =
        (std::filesystem::temp_directory_path() / "silico-merge-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(name.data()), nullptr);
    dir_ = name;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  /// Merges the parts into out.h5; its wall_seconds (if any) and merged_parts.
  std::optional<double> merge(const std::vector<std::string>& parts, std::uint64_t& merged_parts) {
    silico::io::MergeOptions options;
    options.output = path("out.h5");
    options.force = true;
    const auto summary = silico::io::merge_parts(parts, options);
    h5::Handle f = h5::open_readonly(options.output);
    merged_parts = h5::read_uint_attribute(f, "merged_parts");
    std::optional<double> written;
    if (h5::has_attribute(f, "wall_seconds"))
      written = h5::read_double_attribute(f, "wall_seconds");
    EXPECT_EQ(written, summary.wall_seconds);
    return written;
  }

  std::filesystem::path dir_;
};

TEST_F(MergeRunTime, SumOfThePartsInReplicateOrder) {
  write_part(path("a.h5"), 0, 1, 0.1);
  write_part(path("b.h5"), 1, 1, 0.2);
  write_part(path("c.h5"), 2, 1, 2.3);
  std::uint64_t parts = 0;
  // Named in any order, added in replicate order: (0.1 + 0.2) + 2.3 = 2.5999999999999996,
  // where the order named, (2.3 + 0.1) + 0.2, would give 2.6.
  const auto seconds = merge({path("c.h5"), path("a.h5"), path("b.h5")}, parts);
  ASSERT_TRUE(seconds);
  ASSERT_NE((0.1 + 0.2) + 2.3, (2.3 + 0.1) + 0.2);
  EXPECT_EQ(*seconds, (0.1 + 0.2) + 2.3);
  EXPECT_EQ(parts, 3u);
}

TEST_F(MergeRunTime, NoneWhenAPartHasNone) {
  write_part(path("a.h5"), 0, 2, 5.0);
  write_part(path("old.h5"), 2, 1, std::nullopt);  // written before wall_seconds existed
  std::uint64_t parts = 0;
  EXPECT_FALSE(merge({path("a.h5"), path("old.h5")}, parts));
  EXPECT_EQ(parts, 2u);
}

}  // namespace
