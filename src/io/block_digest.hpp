#pragma once
/// @file
/// @brief A digest of the per-patient data of a result file, block by block, so a resumed
/// run can check that what its checkpoint says was written is still there, bit for bit.
/// The writer adds up the digest of every block it writes (ResultWriter::write_block);
/// the checkpoint stores the sum over the committed blocks; a resume reads those blocks
/// back and must get the same sum (io/partial_check.hpp). A sum of per-block values is
/// independent of which rank wrote which block and in what order.
///
/// A block's value: for each per-patient dataset, a 64-bit hash of the bytes of the
/// block's segment in the dataset's native type, keyed by the dataset's path; these are
/// added up, keyed by the block's place (replicate row, first patient, count) and mixed.
/// Not cryptographic: it finds damage (flipped bits, torn or lost writes), not forgery.

#include <cstddef>
#include <cstdint>
#include <string>

namespace silico::io {

/// 64-bit hash of `size` bytes (word at a time; equal inputs, equal hashes on any host
/// of the same byte order).
std::uint64_t bytes_hash(const void* data, std::size_t size);

/// The contribution of one dataset's segment to its block's value.
std::uint64_t segment_digest(const std::string& dataset_path, const void* data, std::size_t size);

/// The contribution of a whole block (the sum of its segments' digests) to the file's.
std::uint64_t block_digest(std::uint64_t row, std::uint64_t first, std::uint64_t count, std::uint64_t segments);

}  // namespace silico::io
