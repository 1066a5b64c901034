#pragma once
/// @file
/// @brief Before a resumed run trusts the part of its result file written so far, it reads
/// that part back and compares its digest (io/block_digest.hpp) with the one its
/// checkpoint committed, so a flipped bit, a torn or lost write, or a chunk index pointing
/// at the wrong place is found here rather than carried into a "complete" file.

#include <cstdint>
#include <string>

namespace silico::io {

/// The committed part of a run's partial result file: blocks [0, blocks_done) of the
/// block order of `silico run` (replicate row by row, `block_patients` at a time).
struct WrittenBlocks {
  std::uint64_t replicates = 0;  ///< rows of the per-patient datasets
  std::uint64_t patients = 0;    ///< their columns
  std::uint64_t block_patients = 1;
  std::uint64_t blocks_done = 0;
  std::uint64_t digest = 0;  ///< the sum of block_digest() the checkpoint recorded
};

/// Reads, on one process, the committed blocks of every per-patient dataset of `path`
/// (/cohort, /outcomes, /trajectories: first dimension the replicates, second the
/// patients). Throws UserError saying what is wrong if the file cannot be read, a shape
/// is not the run's, or the digest differs from the committed one.
void verify_written(const std::string& path, const WrittenBlocks& written);

}  // namespace silico::io
