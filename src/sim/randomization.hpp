#pragma once
/// @file
/// @brief Permuted-block randomization, deterministic from the seed.
///
/// Patients 0..N-1 fall in consecutive blocks of `block_size`; each block holds every
/// arm ratio * block_size / sum(ratios) times, shuffled by Fisher-Yates with the stream
/// (seed, replicate, block index, randomization). A patient's arm depends only on its
/// block, so any split of patients across ranks gives the same assignment.

#include <cstdint>
#include <span>
#include <vector>

#include "spec/spec.hpp"

namespace silico::sim {

/// Arm index of each patient in [first, first + arms.size()).
void assign_arms(const std::vector<spec::Arm>& arms, std::uint32_t block_size, std::uint64_t seed,
                 std::uint64_t replicate, std::uint64_t first, std::span<std::int32_t> arms_out);

/// The shuffled arm sequence of one randomization block.
std::vector<std::int32_t> randomization_block(const std::vector<spec::Arm>& arms,
                                              std::uint32_t block_size, std::uint64_t seed,
                                              std::uint64_t replicate, std::uint64_t block);

}  // namespace silico::sim
