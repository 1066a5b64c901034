#include "sim/randomization.hpp"

#include "rng/stream.hpp"

namespace silico::sim {

namespace {
__extension__ typedef unsigned __int128 uint128;  // GCC/Clang extension, exact 64x64 product
}

namespace {

/// randomization_block() into `sequence`, reusing its storage.
void fill_block(const std::vector<spec::Arm>& arms, std::uint32_t block_size, std::uint64_t seed,
                std::uint64_t replicate, std::uint64_t block, std::vector<std::int32_t>& sequence) {
  std::uint32_t ratio_sum = 0;
  for (const auto& arm : arms) ratio_sum += arm.ratio;
  const std::uint32_t copies = block_size / ratio_sum;
  sequence.clear();
  for (std::size_t a = 0; a < arms.size(); ++a) {
    sequence.insert(sequence.end(), static_cast<std::size_t>(arms[a].ratio) * copies,
                    static_cast<std::int32_t>(a));
  }
  rng::Stream stream({seed, replicate, block, rng::Purpose::kRandomization, 0});
  for (std::size_t i = sequence.size(); i > 1; --i) {
    // Multiply-shift maps 64 random bits onto [0, i); the bias is below 2^-40 for any
    // block size a spec allows.
    const auto j = static_cast<std::size_t>(
        (static_cast<uint128>(stream.next_u64()) * i) >> 64);
    std::swap(sequence[i - 1], sequence[j]);
  }
}

}  // namespace

std::vector<std::int32_t> randomization_block(const std::vector<spec::Arm>& arms,
                                              std::uint32_t block_size, std::uint64_t seed,
                                              std::uint64_t replicate, std::uint64_t block) {
  std::vector<std::int32_t> sequence;
  fill_block(arms, block_size, seed, replicate, block, sequence);
  return sequence;
}

void assign_arms(const std::vector<spec::Arm>& arms, std::uint32_t block_size, std::uint64_t seed,
                 std::uint64_t replicate, std::uint64_t first, std::span<std::int32_t> arms_out) {
  std::uint64_t patient = first;
  const std::uint64_t end = first + arms_out.size();
  std::vector<std::int32_t> sequence;  // one buffer for every block, not one per block
  sequence.reserve(block_size);
  while (patient < end) {
    const std::uint64_t block = patient / block_size;
    fill_block(arms, block_size, seed, replicate, block, sequence);
    const std::uint64_t block_end = std::min(end, (block + 1) * block_size);
    for (; patient < block_end; ++patient) {
      arms_out[patient - first] = sequence[patient - block * block_size];
    }
  }
}

}  // namespace silico::sim
