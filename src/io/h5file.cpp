#include "io/h5file.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

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

namespace {

herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* data) {
  if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(data) = error->desc;
  return 0;
}

/// What the library says went wrong, innermost first ("addr overflow, ..." for a
/// truncated file): the context our message lacks. Empty if the stack is.
std::string library_says() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &text);
  return text.empty() ? "" : " (" + text + ")";
}

}  // namespace

Handle check(hid_t id, const std::string& what) {
  if (id < 0) throw Error("HDF5: cannot " + what + library_says());
  return Handle(id);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error("HDF5: cannot " + what + library_says());
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
  // A name longer than this is a damaged size, not a name.
  constexpr ssize_t kMaxName = 65536;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const auto order = H5_ITER_INC;
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, order, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0 || size > kMaxName) {
      throw Error("HDF5: cannot read the name of member " + std::to_string(i) + library_says());
    }
    std::string name(static_cast<std::size_t>(size), '\0');
    check(static_cast<herr_t>(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, order, i, name.data(),
                                                 name.size() + 1, H5P_DEFAULT) < 0 ? -1 : 0),
          "read the name of member " + std::to_string(i));
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

void check_number_type(hid_t type, const std::string& what) {
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT)
    throw Error("HDF5: " + what + " is not numeric");
  const std::size_t size = H5Tget_size(type);
  const bool usual =
      size == 4 || size == 8 || (type_class == H5T_INTEGER && (size == 1 || size == 2));
  const std::size_t precision = H5Tget_precision(type);
  const int offset = H5Tget_offset(type);
  if (!usual || precision == 0 || offset < 0 ||
      precision + static_cast<std::size_t>(offset) > 8 * size) {
    throw Error("HDF5: " + what + " has a damaged element type (" + std::to_string(size) +
                " bytes, " + std::to_string(precision) + " bits at bit " + std::to_string(offset) +
                ")");
  }
}

namespace {
/// The element type of `dataset`, as check_number_type() requires before a read converts it.
void check_dataset_numbers(hid_t dataset) {
  Handle type = check(H5Dget_type(dataset), "read the type of the dataset");
  check_number_type(type, "the dataset");
}
}  // namespace

std::vector<double> read_vector(hid_t dataset) {
  check_dataset_numbers(dataset);
  const auto dims = shape(dataset);
  if (dims.size() != 1) throw Error("HDF5: expected a 1-D dataset");
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
  if (rank < 0 || rank > H5S_MAX_RANK) throw Error("HDF5: cannot read the rank of a dataspace" + library_says());
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0) {
    throw Error("HDF5: cannot read the dimensions of a dataspace" + library_says());
  }
  return {dims.begin(), dims.end()};
}

void read_row(hid_t dataset, hid_t memory_type, std::uint64_t row, void* data) {
  const auto dims = shape(dataset);
  if (dims.size() != 2) throw Error("HDF5: not a matrix");
  read_row_segment(dataset, memory_type, row, 0, dims[1], data);
}

void read_row_segment(hid_t dataset, hid_t memory_type, std::uint64_t row, std::uint64_t first,
                      std::uint64_t count, void* data) {
  const auto dims = shape(dataset);
  if (dims.size() != 2 || row >= dims[0] || first > dims[1] || count > dims[1] - first) {
    throw Error("HDF5: row segment out of range");
  }
  if (count == 0) return;
  check_dataset_numbers(dataset);
  Handle file_space = check(H5Dget_space(dataset), "get dataspace");
  const hsize_t start[2] = {row, first};
  const hsize_t block[2] = {1, count};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
        "select row");
  const hsize_t memory_dims[1] = {count};
  Handle memory_space = check(H5Screate_simple(1, memory_dims, nullptr), "create memory space");
  check(H5Dread(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, data), "read row");
}

std::vector<double> read_cube_rows(hid_t dataset, std::uint64_t row, std::uint64_t first, std::uint64_t count) {
  const auto dims = shape(dataset);
  if (dims.size() != 3 || row >= dims[0] || first > dims[1] || count > dims[1] - first) {
    throw Error("HDF5: cube rows out of range");
  }
  std::vector<double> values(count * dims[2]);
  if (values.empty()) return values;
  check_dataset_numbers(dataset);
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

void write_fixed_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  Handle type = check(H5Tcopy(H5T_C_S1), "copy string type");
  check(H5Tset_size(type, std::max<std::size_t>(1, value.size())), "set string size");
  check(H5Tset_strpad(type, H5T_STR_NULLPAD), "set string padding");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8");
  std::string padded = value;
  padded.resize(std::max<std::size_t>(1, value.size()), '\0');
  write_scalar(object, name, type, type, padded.data());
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

namespace {

// libhdf5 1.10 (1.10.8 here) loops forever when it deserializes a global heap collection
// holding a free-space object of length 0, as a zeroed range of a damaged file makes
// (H5HG__cache_heap_deserialize never advances). Variable-length strings live in such
// heaps, and the API cannot check one before reading it, so such a read runs under a
// deadline: on a real file it takes microseconds; one that has not returned after
// kHeapReadSeconds ends the process with exit code 2 (bad input), saying which attribute
// of which file. No cleanup is skipped that matters: readers have written nothing.
constexpr unsigned kHeapReadSeconds = 5;
char heap_read_message[1024];
std::size_t heap_read_message_length = 0;

extern "C" void heap_read_expired(int) {
  const ssize_t ignored = ::write(STDERR_FILENO, heap_read_message, heap_read_message_length);
  (void)ignored;
  ::_exit(2);
}

class HeapReadDeadline {
 public:
  HeapReadDeadline(hid_t object, const std::string& name) {
    char file[512] = "";
    if (H5Fget_name(object, file, sizeof(file)) < 0) file[0] = '\0';
    const std::string text = "silico: error: '" + std::string(file) + "' is damaged or not a silico result file: " +
                             "reading attribute " + name + " did not finish in " + std::to_string(kHeapReadSeconds) +
                             " s (libhdf5 1.10 loops on a damaged global heap)\n";
    heap_read_message_length = std::min(text.size(), sizeof(heap_read_message));
    std::memcpy(heap_read_message, text.data(), heap_read_message_length);
    struct sigaction action {};
    action.sa_handler = heap_read_expired;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, &previous_);
    ::alarm(kHeapReadSeconds);
  }
  ~HeapReadDeadline() {
    ::alarm(0);
    sigaction(SIGALRM, &previous_, nullptr);
  }
  HeapReadDeadline(const HeapReadDeadline&) = delete;
  HeapReadDeadline& operator=(const HeapReadDeadline&) = delete;

 private:
  struct sigaction previous_ {};
};

/// An open attribute whose dataspace and stored size have been checked: `points` elements
/// (0 for a null dataspace, 1 for a scalar) of `type_class`, `type_size` bytes each.
struct CheckedAttribute {
  Handle attribute, type, space;
  H5T_class_t type_class = H5T_NO_CLASS;
  std::size_t type_size = 0;
  bool variable = false;  ///< variable-length: the elements live in the file's heap
  std::size_t points = 0;
};

CheckedAttribute open_checked(hid_t object, const std::string& name) {
  CheckedAttribute a;
  a.attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  a.type = check(H5Aget_type(a.attribute), "read the type of attribute " + name);
  a.type_class = H5Tget_class(a.type);
  a.type_size = H5Tget_size(a.type);
  if (a.type_class == H5T_NO_CLASS || a.type_size == 0) throw Error("HDF5: attribute " + name + " has a damaged type");
  a.variable = a.type_class == H5T_VLEN || (a.type_class == H5T_STRING && H5Tis_variable_str(a.type) > 0);
  a.space = check(H5Aget_space(a.attribute), "read the dataspace of attribute " + name);
  const H5S_class_t space_class = H5Sget_simple_extent_type(a.space);
  if (space_class == H5S_NULL) return a;
  const hssize_t points = H5Sget_simple_extent_npoints(a.space);
  if ((space_class != H5S_SCALAR && space_class != H5S_SIMPLE) || points < 0 ||
      static_cast<std::uint64_t>(points) > kMaxAttributeElements) {
    throw Error("HDF5: attribute " + name + " has a damaged dataspace");
  }
  a.points = static_cast<std::size_t>(points);
  // A fixed-size value must fill its storage exactly; a variable-length one stores
  // references to the heap, checked as they are read.
  if (!a.variable) {
    if (a.type_size > kMaxStringBytes) throw Error("HDF5: attribute " + name + " has a damaged type size");
    const hsize_t stored = H5Aget_storage_size(a.attribute);
    if (stored != static_cast<hsize_t>(a.type_size) * a.points) {
      throw Error("HDF5: attribute " + name + " stores " + std::to_string(stored) + " bytes for " +
                  std::to_string(a.points) + " element(s) of " + std::to_string(a.type_size) + " bytes");
    }
  }
  return a;
}

/// The one number of a numeric attribute, converted to `memory_type`.
template <class T>
T read_one(hid_t object, const std::string& name, hid_t memory_type, bool floating_allowed) {
  CheckedAttribute a = open_checked(object, name);
  const bool numeric = a.type_class == H5T_INTEGER || (floating_allowed && a.type_class == H5T_FLOAT);
  if (!numeric) {
    throw Error("HDF5: attribute " + name + " is not " + (floating_allowed ? "a number" : "an integer"));
  }
  if (a.points != 1) {
    throw Error("HDF5: attribute " + name + " holds " + std::to_string(a.points) + " values, not one");
  }
  T value{};
  check(H5Aread(a.attribute, memory_type, &value), "read attribute " + name);
  return value;
}

}  // namespace

std::vector<double> read_doubles_attribute(hid_t object, const std::string& name) {
  CheckedAttribute a = open_checked(object, name);
  if (a.type_class != H5T_INTEGER && a.type_class != H5T_FLOAT) {
    throw Error("HDF5: attribute " + name + " is not numeric");
  }
  if (H5Sget_simple_extent_ndims(a.space) > 1) throw Error("HDF5: attribute " + name + " is not 1-D");
  std::vector<double> values(a.points);
  if (!values.empty()) check(H5Aread(a.attribute, H5T_NATIVE_DOUBLE, values.data()), "read attribute " + name);
  return values;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  const auto values = read_strings_attribute(object, name);
  if (values.size() != 1) throw Error("HDF5: attribute " + name + " is not one string");
  return values.front();
}

std::vector<std::string> read_strings_attribute(hid_t object, const std::string& name) {
  CheckedAttribute a = open_checked(object, name);
  if (a.type_class != H5T_STRING) throw Error("HDF5: attribute " + name + " is not a string");
  std::vector<std::string> values;
  const auto too_long = [&] {
    return Error("HDF5: attribute " + name + " is longer than " + std::to_string(kMaxStringBytes >> 20) + " MiB");
  };
  if (a.variable) {
    // Read in the file's own character set: HDF5 does not convert between ASCII and UTF-8.
    Handle memory = check(H5Tget_native_type(a.type, H5T_DIR_DEFAULT), "get memory type of " + name);
    std::vector<char*> pointers(a.points, nullptr);
    if (!pointers.empty()) {
      HeapReadDeadline deadline(object, name);
      check(H5Aread(a.attribute, memory, pointers.data()), "read attribute " + name);
    }
    std::size_t total = 0;
    for (char* p : pointers) {
      const std::size_t length = p ? ::strnlen(p, kMaxStringBytes + 1) : 0;
      total += length;
      if (total > kMaxStringBytes) break;
      values.emplace_back(p ? p : "", length);
    }
    if (!pointers.empty()) H5Dvlen_reclaim(memory, a.space, H5P_DEFAULT, pointers.data());
    if (total > kMaxStringBytes) throw too_long();
  } else {
    // Fixed-length strings, as other tools may write them, NUL-padded or not.
    const std::size_t size = a.type_size;
    if (a.points > 0 && size > kMaxStringBytes / a.points) throw too_long();
    std::vector<char> buffer(size * a.points);
    if (!buffer.empty()) check(H5Aread(a.attribute, a.type, buffer.data()), "read attribute " + name);
    for (std::size_t i = 0; i < a.points; ++i) {
      const char* start = buffer.data() + i * size;
      values.emplace_back(start, ::strnlen(start, size));
    }
  }
  return values;
}

std::int64_t read_int_attribute(hid_t object, const std::string& name) {
  return read_one<std::int64_t>(object, name, H5T_NATIVE_INT64, false);
}

std::uint64_t read_uint_attribute(hid_t object, const std::string& name) {
  {
    // Read a signed integer as signed: a negative count is an error, not 0 (which is
    // what HDF5's conversion to unsigned would make of it).
    Handle attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
    Handle type = check(H5Aget_type(attribute), "read the type of attribute " + name);
    if (H5Tget_class(type) == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2) {
      const std::int64_t value = read_one<std::int64_t>(object, name, H5T_NATIVE_INT64, false);
      if (value < 0) throw Error("HDF5: attribute " + name + " is negative (" + std::to_string(value) + ")");
      return static_cast<std::uint64_t>(value);
    }
  }
  return read_one<std::uint64_t>(object, name, H5T_NATIVE_UINT64, false);
}

double read_double_attribute(hid_t object, const std::string& name) {
  return read_one<double>(object, name, H5T_NATIVE_DOUBLE, true);
}

}  // namespace silico::io::h5
