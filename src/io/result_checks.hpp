#pragma once
// Internal to io/: the checks a result file passes before anything in it is used, shared
// by ResultReader (summarize, report) and merge (its parts). A file that fails one is
// damaged or not a silico result: every failure is a UserError naming the file and what
// is wrong in it, never an internal error, and nothing is read out of bounds afterwards.

#include <hdf5.h>

#include <string>

#include "core/error.hpp"
#include "io/h5file.hpp"
#include "io/result_reader.hpp"

namespace silico::io {

/// Throws UserError("'<path>' is damaged or not a silico result file: <what>").
[[noreturn]] void damaged(const std::string& path, const std::string& what);

/// Runs `read`, turning an h5::Error (a failed HDF5 call, or an object of the wrong type or
/// shape) into a UserError naming the file and `object`. Other exceptions pass unchanged:
/// they are programming errors.
template <class Read>
auto reading(const std::string& path, const std::string& object, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const h5::Error& e) {
    damaged(path, "cannot read " + object + ": " + e.what());
  }
}

/// The root attributes (and /cohort's acceptance_rate), each checked for its type, shape
/// and range: format_version this build reads, status complete, patients >= 1,
/// 1 <= replicates, first_replicate + replicates <= study_replicates, arm and endpoint names
/// non-empty, distinct and usable as HDF5 names, control_arm one of the arms, alpha in
/// (0, 1), follow_up > 0, rmst_horizon >= 0, acceptance_rate in (0, 1].
ResultMetadata read_checked_metadata(hid_t file, const std::string& path);

/// Checks the shape and element class of every dataset the readers use against `m`:
/// /cohort (its covariates and individual parameters too) and /outcomes [replicates,
/// patients], the parameters floating-point; /trajectories [replicates, patients, T]
/// with T finite `times`; /replicates [replicates] of floats; each /validation target's
/// datasets of one length. Each endpoint's `type` is one the format knows.
void check_layout(hid_t file, const std::string& path, const ResultMetadata& m);

}  // namespace silico::io
