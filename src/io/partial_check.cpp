#include "io/partial_check.hpp"

#include <algorithm>
#include <functional>
#include <vector>

#include "core/error.hpp"
#include "io/block_digest.hpp"
#include "io/h5file.hpp"

namespace silico::io {

namespace {

/// One per-patient dataset, open, with what reading a block of it needs.
struct PatientDataset {
  std::string path;
  h5::Handle dataset;
  h5::Handle type;                    ///< native form of the file type
  std::vector<hsize_t> dims;
  std::size_t bytes_per_patient = 0;  ///< element size times any points dimension
};

std::vector<PatientDataset> patient_datasets(hid_t file, const WrittenBlocks& written,
                                             const std::function<void(const std::string&)>& damaged) {
  std::vector<PatientDataset> found;
  for (const std::string group : {"/cohort", "/outcomes", "/trajectories"}) {
    if (!h5::exists(file, group)) {
      if (group == "/trajectories") continue;
      damaged("it has no " + group);
    }
    std::vector<std::string> names;
    try {
      h5::Handle g = h5::open_group(file, group);
      names = h5::dataset_paths(g);
    } catch (const std::exception&) {
      damaged("the group " + group + " cannot be read");
    }
    for (const auto& name : names) {
      PatientDataset d;
      d.path = group + "/" + name;
      d.dataset = h5::Handle(H5Dopen2(file, d.path.c_str(), H5P_DEFAULT));
      if (d.dataset.get() < 0) damaged(d.path + " cannot be opened");
      h5::Handle space(H5Dget_space(d.dataset));
      const int rank = space.get() < 0 ? -1 : H5Sget_simple_extent_ndims(space);
      if (rank < 1 || rank > 3) damaged(d.path + " has an unexpected shape");
      d.dims.resize(static_cast<std::size_t>(rank));
      H5Sget_simple_extent_dims(space, d.dims.data(), nullptr);
      // Per-patient data only; small tables (arm names, levels) are written at creation.
      if (rank < 2 || d.dims[0] != written.replicates || d.dims[1] != written.patients) continue;
      h5::Handle stored(H5Dget_type(d.dataset));
      d.type = h5::Handle(stored.get() < 0 ? -1 : H5Tget_native_type(stored, H5T_DIR_ASCEND));
      if (d.type.get() < 0) damaged(d.path + " has an unreadable type");
      d.bytes_per_patient = H5Tget_size(d.type);
      if (rank == 3) d.bytes_per_patient *= static_cast<std::size_t>(d.dims[2]);
      found.push_back(std::move(d));
    }
  }
  return found;
}

/// Patients [first, first + count) of row `row`, every point of a third dimension.
void read_segment(const PatientDataset& d, std::uint64_t row, std::uint64_t first, std::uint64_t count,
                  std::vector<unsigned char>& buffer) {
  std::vector<hsize_t> start(d.dims.size(), 0), extent(d.dims);
  start[0] = row;
  start[1] = first;
  extent[0] = 1;
  extent[1] = count;
  h5::Handle file_space = h5::check(H5Dget_space(d.dataset), "get dataspace");
  h5::check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr),
            "select a segment");
  hsize_t elements = 1;
  for (const hsize_t e : extent) elements *= e;
  h5::Handle memory_space = h5::check(H5Screate_simple(1, &elements, nullptr), "create memory space");
  buffer.resize(static_cast<std::size_t>(count) * d.bytes_per_patient);
  h5::check(H5Dread(d.dataset, d.type, memory_space, file_space, H5P_DEFAULT, buffer.data()), "read");
}

}  // namespace

void verify_written(const std::string& path, const WrittenBlocks& written) {
  h5::quiet_errors();
  const auto damaged = [&](const std::string& what) {
    throw UserError("cannot resume: the partial result file '" + path + "' does not hold what its checkpoint says (" +
                    what + "); start again with --force");
  };
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (file.get() < 0) damaged("it cannot be opened as HDF5");
  const auto datasets = patient_datasets(file, written, damaged);
  if (datasets.empty() && written.blocks_done > 0) damaged("it has no per-patient datasets");
  const std::uint64_t per_replicate =
      written.patients / written.block_patients + (written.patients % written.block_patients != 0 ? 1 : 0);
  std::vector<unsigned char> buffer;
  std::uint64_t digest = 0;
  for (std::uint64_t g = 0; g < written.blocks_done; ++g) {
    const std::uint64_t row = g / per_replicate;
    const std::uint64_t first = (g % per_replicate) * written.block_patients;
    const std::uint64_t count = std::min(written.block_patients, written.patients - first);
    std::uint64_t segments = 0;
    for (const auto& d : datasets) {
      try {
        read_segment(d, row, first, count, buffer);
      } catch (const std::exception&) {
        damaged(d.path + " cannot be read at replicate row " + std::to_string(row));
      }
      segments += segment_digest(d.path, buffer.data(), buffer.size());
    }
    digest += block_digest(row, first, count, segments);
  }
  if (digest != written.digest) damaged("the digest of its " + std::to_string(written.blocks_done) + " written blocks differs");
}

}  // namespace silico::io
