#pragma once
/// @file
/// @brief Contiguous split of N items over K ranks: the first N mod K ranks get one more.

#include <cstdint>

namespace silico::parallel {

struct Range {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

Range partition(std::uint64_t items, int parts, int part);

/// Number of rounds of at most `block` items needed by the largest part.
std::uint64_t rounds(std::uint64_t items, int parts, std::uint64_t block);

}  // namespace silico::parallel
