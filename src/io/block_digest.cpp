#include "io/block_digest.hpp"

#include <cstring>

namespace silico::io {

namespace {

/// The finaliser of SplitMix64 (Steele, Lea & Flood 2014): every input bit affects
/// every output bit.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

std::uint64_t bytes_hash(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ size;
  std::size_t k = 0;
  for (; k + 8 <= size; k += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + k, 8);
    // Multiplying by an odd constant is a bijection, so no single-word change cancels.
    h = (h ^ mix(word + k)) * 0xff51afd7ed558ccdULL;
  }
  std::uint64_t tail = 0;
  if (k < size) std::memcpy(&tail, bytes + k, size - k);
  return mix(h ^ mix(tail + size));
}

std::uint64_t segment_digest(const std::string& dataset_path, const void* data, std::size_t size) {
  return mix(bytes_hash(dataset_path.data(), dataset_path.size()) ^ bytes_hash(data, size));
}

std::uint64_t block_digest(std::uint64_t row, std::uint64_t first, std::uint64_t count, std::uint64_t segments) {
  return mix(mix(mix(row) ^ first) ^ count ^ mix(segments));
}

}  // namespace silico::io
