#include "io/h5file.hpp"

#include <cstring>
#include <stdexcept>

namespace silico::io::h5 {

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
  }
  id_ = H5I_INVALID_HID;
}

Handle check(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("HDF5: cannot " + what);
  return Handle(id);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: cannot " + what);
}

void quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle create_parallel(const std::string& path, MPI_Comm comm) {
  Handle fapl = check(H5Pcreate(H5P_FILE_ACCESS), "create file access list");
  check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "select the MPI-IO driver");
  // Metadata written collectively: fewer small independent writes on parallel file systems.
  check(H5Pset_coll_metadata_write(fapl, true), "enable collective metadata writes");
  // Exclusive: a file (or a symbolic link planted) at that name is never written through.
  return check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl), "create '" + path + "' (a new file)");
}

Handle open_parallel(const std::string& path, MPI_Comm comm) {
  Handle fapl = check(H5Pcreate(H5P_FILE_ACCESS), "create file access list");
  check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "select the MPI-IO driver");
  check(H5Pset_coll_metadata_write(fapl, true), "enable collective metadata writes");
  return check(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl), "open '" + path + "' to continue writing it");
}

void flush(hid_t file) { check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush the file"); }

Handle open_readonly(const std::string& path) {
  return check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
               "open '" + path + "' (is it an HDF5 file?)");
}

Handle create_group(hid_t file, const std::string& path) {
  Handle lcpl = check(H5Pcreate(H5P_LINK_CREATE), "create link list");
  check(H5Pset_create_intermediate_group(lcpl, 1), "set intermediate groups");
  return check(H5Gcreate2(file, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT),
               "create group " + path);
}

Handle open_group(hid_t file, const std::string& path) {
  return check(H5Gopen2(file, path.c_str(), H5P_DEFAULT), "open group " + path);
}

Handle open_dataset(hid_t file, const std::string& path) {
  return check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open dataset " + path);
}

std::string object_name(hid_t object) {
  const ssize_t size = H5Iget_name(object, nullptr, 0);
  if (size < 0) throw std::runtime_error("HDF5: cannot get the name of an object");
  std::string name(static_cast<std::size_t>(size), '\0');
  H5Iget_name(object, name.data(), name.size() + 1);
  return name;
}

bool exists(hid_t file, const std::string& path) {
  // H5Lexists needs every parent to exist, so walk the path one level at a time.
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (prefix.empty() || prefix == "/") continue;
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

std::vector<std::string> member_names(hid_t group) {
  H5G_info_t info;
  check(H5Gget_info(group, &info), "read group info");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const auto order = H5_ITER_INC;
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, order, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(size), '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, order, i, name.data(), name.size() + 1,
                       H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

namespace {
// Uncompressed: every chunk is allocated when the dataset is created, so later writes
// change raw data only, never the file's metadata, and a run killed between checkpoints
// leaves a file whose structure is intact (the resume rewrites the unfinished blocks). No
// fill value is written: the run writes every element. Compressed: a chunk's size is
// known only once written, so each write also updates the chunk index; parallel HDF5
// does this inside the collective write, and the checkpoint's flush makes it durable.
void set_storage(hid_t dcpl, const std::string& path, int gzip_level) {
  if (gzip_level > 0) {
    check(H5Pset_deflate(dcpl, static_cast<unsigned>(gzip_level)), "set gzip compression of " + path);
    return;
  }
  check(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), "set early allocation of " + path);
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "set no fill of " + path);
}
}  // namespace

Handle create_vector(hid_t file, const std::string& path, hid_t type, std::uint64_t size) {
  const hsize_t dims[1] = {size};
  Handle space = check(H5Screate_simple(1, dims, nullptr), "create dataspace for " + path);
  Handle lcpl = check(H5Pcreate(H5P_LINK_CREATE), "create link list");
  check(H5Pset_create_intermediate_group(lcpl, 1), "set intermediate groups");
  return check(H5Dcreate2(file, path.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT),
               "create dataset " + path);
}

Handle create_matrix(hid_t file, const std::string& path, hid_t type, std::uint64_t rows,
                     std::uint64_t columns, std::uint64_t chunk_columns, int gzip_level) {
  const hsize_t dims[2] = {rows, columns};
  Handle space = check(H5Screate_simple(2, dims, nullptr), "create dataspace for " + path);
  Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), "create dataset list");
  const hsize_t chunk[2] = {1, std::max<hsize_t>(1, std::min<hsize_t>(columns, chunk_columns))};
  check(H5Pset_chunk(dcpl, 2, chunk), "set chunking of " + path);
  set_storage(dcpl, path, gzip_level);
  Handle lcpl = check(H5Pcreate(H5P_LINK_CREATE), "create link list");
  check(H5Pset_create_intermediate_group(lcpl, 1), "set intermediate groups");
  return check(H5Dcreate2(file, path.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT),
               "create dataset " + path);
}

void write_row_segment(hid_t dataset, hid_t memory_type, std::uint64_t row, std::uint64_t first,
                       std::uint64_t count, const void* data) {
  Handle file_space = check(H5Dget_space(dataset), "get dataspace");
  const hsize_t memory_dims[1] = {std::max<hsize_t>(count, 1)};
  Handle memory_space = check(H5Screate_simple(1, memory_dims, nullptr), "create memory space");
  if (count == 0) {
    check(H5Sselect_none(file_space), "select nothing");
    check(H5Sselect_none(memory_space), "select nothing");
  } else {
    const hsize_t start[2] = {row, first};
    const hsize_t block[2] = {1, count};
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
          "select hyperslab");
  }
  Handle dxpl = check(H5Pcreate(H5P_DATASET_XFER), "create transfer list");
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "select collective transfer");
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, dxpl, data), "write dataset");
}

Handle create_cube(hid_t file, const std::string& path, hid_t type, std::uint64_t rows,
                   std::uint64_t columns, std::uint64_t points, std::uint64_t chunk_columns, int gzip_level) {
  const hsize_t dims[3] = {rows, columns, points};
  Handle space = check(H5Screate_simple(3, dims, nullptr), "create dataspace for " + path);
  Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), "create dataset list");
  const hsize_t chunk[3] = {1, std::max<hsize_t>(1, std::min<hsize_t>(columns, chunk_columns)), points};
  check(H5Pset_chunk(dcpl, 3, chunk), "set chunking of " + path);
  set_storage(dcpl, path, gzip_level);
  Handle lcpl = check(H5Pcreate(H5P_LINK_CREATE), "create link list");
  check(H5Pset_create_intermediate_group(lcpl, 1), "set intermediate groups");
  return check(H5Dcreate2(file, path.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT),
               "create dataset " + path);
}

void write_cube_segment(hid_t dataset, std::uint64_t row, std::uint64_t first, std::uint64_t count,
                        std::uint64_t points, std::uint64_t stride, std::uint64_t offset,
                        const double* data) {
  Handle file_space = check(H5Dget_space(dataset), "get dataspace");
  const hsize_t memory_dims[2] = {std::max<hsize_t>(count, 1), std::max<hsize_t>(stride, 1)};
  Handle memory_space = check(H5Screate_simple(2, memory_dims, nullptr), "create memory space");
  if (count == 0) {
    check(H5Sselect_none(file_space), "select nothing");
    check(H5Sselect_none(memory_space), "select nothing");
  } else {
    const hsize_t start[3] = {row, first, 0};
    const hsize_t block[3] = {1, count, points};
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr), "select cube");
    const hsize_t memory_start[2] = {0, offset};
    const hsize_t memory_block[2] = {count, points};
    check(H5Sselect_hyperslab(memory_space, H5S_SELECT_SET, memory_start, nullptr, memory_block, nullptr),
          "select memory");
  }
  Handle dxpl = check(H5Pcreate(H5P_DATASET_XFER), "create transfer list");
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "select collective transfer");
  check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory_space, file_space, dxpl, data), "write trajectory");
}

void write_segment(hid_t dataset, hid_t memory_type, std::uint64_t first, std::uint64_t count,
                   const void* data) {
  Handle file_space = check(H5Dget_space(dataset), "get dataspace");
  const hsize_t memory_dims[1] = {std::max<hsize_t>(count, 1)};
  Handle memory_space = check(H5Screate_simple(1, memory_dims, nullptr), "create memory space");
  if (count == 0) {
    check(H5Sselect_none(file_space), "select nothing");
    check(H5Sselect_none(memory_space), "select nothing");
  } else {
    const hsize_t start[1] = {first};
    const hsize_t block[1] = {count};
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
          "select hyperslab");
  }
  Handle dxpl = check(H5Pcreate(H5P_DATASET_XFER), "create transfer list");
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "select collective transfer");
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, dxpl, data), "write dataset");
}

std::vector<double> read_vector(hid_t dataset) {
  const auto dims = shape(dataset);
  if (dims.size() != 1) throw std::runtime_error("HDF5: expected a 1-D dataset");
  std::vector<double> values(dims[0]);
  if (!values.empty()) {
    check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "read dataset");
  }
  return values;
}

namespace {
herr_t collect_dataset(hid_t, const char* name, const H5O_info_t* info, void* data) {
  if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> dataset_paths(hid_t group) {
  std::vector<std::string> paths;
  check(H5Ovisit(group, H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &paths), "list datasets");
  return paths;
}

std::vector<std::uint64_t> shape(hid_t dataset) {
  Handle space = check(H5Dget_space(dataset), "get dataspace");
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

void read_row(hid_t dataset, hid_t memory_type, std::uint64_t row, void* data) {
  const auto dims = shape(dataset);
  if (dims.size() != 2) throw std::runtime_error("HDF5: not a matrix");
  read_row_segment(dataset, memory_type, row, 0, dims[1], data);
}

void read_row_segment(hid_t dataset, hid_t memory_type, std::uint64_t row, std::uint64_t first,
                      std::uint64_t count, void* data) {
  const auto dims = shape(dataset);
  if (dims.size() != 2 || row >= dims[0] || first > dims[1] || count > dims[1] - first) {
    throw std::runtime_error("HDF5: row segment out of range");
  }
  if (count == 0) return;
  Handle file_space = check(H5Dget_space(dataset), "get dataspace");
  const hsize_t start[2] = {row, first};
  const hsize_t block[2] = {1, count};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
        "select row");
  const hsize_t memory_dims[1] = {count};
  Handle memory_space = check(H5Screate_simple(1, memory_dims, nullptr), "create memory space");
  check(H5Dread(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, data), "read row");
}

std::vector<double> read_doubles_attribute(hid_t object, const std::string& name) {
  Handle attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  Handle space = check(H5Aget_space(attribute), "get attribute space");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) throw std::runtime_error("HDF5: attribute " + name + " has no size");
  std::vector<double> values(static_cast<std::size_t>(n));
  if (!values.empty()) check(H5Aread(attribute, H5T_NATIVE_DOUBLE, values.data()), "read attribute " + name);
  return values;
}

std::vector<double> read_cube_rows(hid_t dataset, std::uint64_t row, std::uint64_t first, std::uint64_t count) {
  const auto dims = shape(dataset);
  if (dims.size() != 3 || row >= dims[0] || first + count > dims[1]) throw std::runtime_error("HDF5: cube rows out of range");
  std::vector<double> values(count * dims[2]);
  if (values.empty()) return values;
  Handle file_space = check(H5Dget_space(dataset), "get dataspace");
  const hsize_t start[3] = {row, first, 0};
  const hsize_t block[3] = {1, count, dims[2]};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr), "select cube rows");
  const hsize_t memory_dims[1] = {values.size()};
  Handle memory_space = check(H5Screate_simple(1, memory_dims, nullptr), "create memory space");
  check(H5Dread(dataset, H5T_NATIVE_DOUBLE, memory_space, file_space, H5P_DEFAULT, values.data()), "read cube rows");
  return values;
}

namespace {
Handle utf8_string_type() {
  Handle type = check(H5Tcopy(H5T_C_S1), "copy string type");
  check(H5Tset_size(type, H5T_VARIABLE), "set string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8");
  return type;
}

void write_scalar(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                  const void* value) {
  Handle space = check(H5Screate(H5S_SCALAR), "create scalar space");
  Handle attribute = check(H5Acreate2(object, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT),
                           "create attribute " + name);
  check(H5Awrite(attribute, memory_type, value), "write attribute " + name);
}
}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  const char* text = value.c_str();
  write_scalar(object, name, type, type, &text);
}

void write_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values) {
  Handle type = utf8_string_type();
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  const hsize_t dims[1] = {values.size()};
  Handle space = check(H5Screate_simple(1, dims, nullptr), "create attribute space");
  Handle attribute = check(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                           "create attribute " + name);
  check(H5Awrite(attribute, type, pointers.data()), "write attribute " + name);
}

void write_attribute(hid_t object, const std::string& name, std::uint64_t value) {
  write_scalar(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_attribute(hid_t object, const std::string& name, double value) {
  write_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

bool has_attribute(hid_t object, const std::string& name) {
  return H5Aexists(object, name.c_str()) > 0;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  const auto values = read_strings_attribute(object, name);
  if (values.size() != 1) throw std::runtime_error("HDF5: attribute " + name + " is not one string");
  return values.front();
}

std::vector<std::string> read_strings_attribute(hid_t object, const std::string& name) {
  Handle attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  Handle file_type = check(H5Aget_type(attribute), "get type of " + name);
  if (H5Tget_class(file_type) != H5T_STRING) {
    throw std::runtime_error("HDF5: attribute " + name + " is not a string");
  }
  Handle space = check(H5Aget_space(attribute), "get space of " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<std::string> values;
  if (H5Tis_variable_str(file_type) > 0) {
    Handle type = utf8_string_type();
    std::vector<char*> pointers(static_cast<std::size_t>(n), nullptr);
    check(H5Aread(attribute, type, pointers.data()), "read attribute " + name);
    for (char* p : pointers) values.emplace_back(p ? p : "");
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, pointers.data());
  } else {
    // Fixed-length strings, as other tools may write them.
    const std::size_t size = H5Tget_size(file_type);
    std::vector<char> buffer(size * static_cast<std::size_t>(n) + 1, '\0');
    check(H5Aread(attribute, file_type, buffer.data()), "read attribute " + name);
    for (hssize_t i = 0; i < n; ++i) {
      const char* start = buffer.data() + static_cast<std::size_t>(i) * size;
      values.emplace_back(start, ::strnlen(start, size));
    }
  }
  return values;
}

std::int64_t read_int_attribute(hid_t object, const std::string& name) {
  Handle attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  std::int64_t value = 0;
  check(H5Aread(attribute, H5T_NATIVE_INT64, &value), "read attribute " + name);
  return value;
}

std::uint64_t read_uint_attribute(hid_t object, const std::string& name) {
  Handle attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  std::uint64_t value = 0;
  check(H5Aread(attribute, H5T_NATIVE_UINT64, &value), "read attribute " + name);
  return value;
}

double read_double_attribute(hid_t object, const std::string& name) {
  Handle attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  double value = 0.0;
  check(H5Aread(attribute, H5T_NATIVE_DOUBLE, &value), "read attribute " + name);
  return value;
}

}  // namespace silico::io::h5
