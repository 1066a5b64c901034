#include "parallel/partition.hpp"

#include <stdexcept>

namespace silico::parallel {

Range partition(std::uint64_t items, int parts, int part) {
  if (parts < 1 || part < 0 || part >= parts) throw std::invalid_argument("bad partition");
  const auto k = static_cast<std::uint64_t>(parts);
  const auto p = static_cast<std::uint64_t>(part);
  const std::uint64_t base = items / k;
  const std::uint64_t extra = items % k;
  return {p * base + (p < extra ? p : extra), base + (p < extra ? 1 : 0)};
}

std::uint64_t rounds(std::uint64_t items, int parts, std::uint64_t block) {
  const std::uint64_t largest = partition(items, parts, 0).count;
  return (largest + block - 1) / block;
}

}  // namespace silico::parallel
