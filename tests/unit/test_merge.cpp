// The slabs silico merge copies: as large as the memory budget allows, never larger
// (except that one element is always copied), and whole rows whenever they fit.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "io/merge.hpp"

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
