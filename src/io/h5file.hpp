#pragma once
// Internal to io/: a thin RAII layer over the HDF5 C API. Every failed call throws
// h5::Error with what was being done, so no caller checks return codes. The attribute
// readers check an attribute's class, size and dataspace before reading it, so that a
// damaged or foreign file gives an h5::Error, never a read past a buffer.

#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace silico::io::h5 {

/// A failed HDF5 call, or an object that does not have the type or shape asked for.
/// Readers of input files turn it into a UserError naming the file; writers let it
/// through as an internal error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Largest string attribute read, in bytes (a spec with its cohort files is far smaller),
/// and most elements of any attribute: a damaged size cannot make us allocate gigabytes.
inline constexpr std::size_t kMaxStringBytes = std::size_t{64} << 20;
inline constexpr std::uint64_t kMaxAttributeElements = std::uint64_t{1} << 20;

/// Owns one HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: reads like the C API it wraps
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Throws h5::Error("HDF5: cannot <what> (<innermost HDF5 message>)") if id < 0; returns a
/// Handle owning id.
Handle check(hid_t id, const std::string& what);
void check(herr_t status, const std::string& what);

/// Silences HDF5's own error printing; our exceptions carry the context instead.
void quiet_errors();

Handle create_parallel(const std::string& path, MPI_Comm comm);
/// Collective: opens an existing file for writing with the MPI-IO driver.
Handle open_parallel(const std::string& path, MPI_Comm comm);
/// Collective: writes everything the library holds for the file to it.
void flush(hid_t file);
Handle open_readonly(const std::string& path);

/// Create a group, and any missing parents, at an absolute path.
Handle create_group(hid_t file, const std::string& path);
Handle open_group(hid_t file, const std::string& path);
Handle open_dataset(hid_t file, const std::string& path);
bool exists(hid_t file, const std::string& path);
/// The absolute path of an open object, e.g. "/cohort/arm".
std::string object_name(hid_t object);
/// Names of the members of a group, in alphabetical order.
std::vector<std::string> member_names(hid_t group);

/// A chunked [rows, columns] dataset; chunks are one row by up to `chunk_columns`;
/// deflate-compressed at `gzip_level` (1-9) unless it is 0.
Handle create_matrix(hid_t file, const std::string& path, hid_t type, std::uint64_t rows,
                     std::uint64_t columns, std::uint64_t chunk_columns, int gzip_level = 0);

/// A contiguous 1-D dataset of `size` elements (small tables written once).
Handle create_vector(hid_t file, const std::string& path, hid_t type, std::uint64_t size);

/// Collective write of `count` values into row `row` starting at column `first`.
/// Every rank of the file's communicator must call it; a rank with nothing to write
/// passes count = 0.
void write_row_segment(hid_t dataset, hid_t memory_type, std::uint64_t row, std::uint64_t first,
                       std::uint64_t count, const void* data);

/// A chunked [rows, columns, points] dataset; chunks are one row by `chunk_columns` by all points.
Handle create_cube(hid_t file, const std::string& path, hid_t type, std::uint64_t rows,
                   std::uint64_t columns, std::uint64_t points, std::uint64_t chunk_columns, int gzip_level = 0);

/// Collective write into row `row`, columns [first, first + count), all points, from a
/// row-major [count][stride] buffer whose columns [offset, offset + points) hold the data.
void write_cube_segment(hid_t dataset, std::uint64_t row, std::uint64_t first, std::uint64_t count,
                        std::uint64_t points, std::uint64_t stride, std::uint64_t offset,
                        const double* data);

/// Collective write of `count` values of a 1-D dataset starting at `first` (count may be 0).
void write_segment(hid_t dataset, hid_t memory_type, std::uint64_t first, std::uint64_t count,
                   const void* data);

/// Throws h5::Error unless `type` is an integer of 1, 2, 4 or 8 bytes or a floating-point
/// number of 4 or 8 bytes whose precision and bit offset lie within its size. libhdf5 1.10
/// trusts a stored type's size when it converts: a damaged size (a float64 whose header
/// says 8200 bytes) makes H5Dread copy past the chunk it read. read_vector, read_row,
/// read_row_segment and read_cube_rows check it before they read; `what` names the object.
void check_number_type(hid_t type, const std::string& what);

/// Read a whole 1-D dataset as doubles.
std::vector<double> read_vector(hid_t dataset);

/// Paths of all datasets below a group, relative to it, in alphabetical order.
std::vector<std::string> dataset_paths(hid_t group);

/// Dimensions of a dataset (at most 32, as HDF5 allows).
std::vector<std::uint64_t> shape(hid_t dataset);
/// Read a whole row of a 2-D dataset, converting to `memory_type`.
void read_row(hid_t dataset, hid_t memory_type, std::uint64_t row, void* data);
/// Columns [first, first + count) of row `row` of a 2-D dataset.
void read_row_segment(hid_t dataset, hid_t memory_type, std::uint64_t row, std::uint64_t first,
                      std::uint64_t count, void* data);
/// Elements [row, first .. first+count, all] of a 3-D dataset, as count x points doubles.
std::vector<double> read_cube_rows(hid_t dataset, std::uint64_t row, std::uint64_t first, std::uint64_t count);

void write_attribute(hid_t object, const std::string& name, const std::string& value);
/// A fixed-length UTF-8 string attribute (the text in the object header, not in the
/// global heap): libhdf5 1.10 can crash reading a variable-length string whose global-heap
/// reference is damaged, a fixed-length one it reads as plain bytes. read_string_attribute()
/// reads both.
void write_fixed_string_attribute(hid_t object, const std::string& name, const std::string& value);
void write_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values);
void write_attribute(hid_t object, const std::string& name, std::uint64_t value);
void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, double value);

bool has_attribute(hid_t object, const std::string& name);
/// The readers below throw h5::Error unless the attribute has the class asked for and
/// holds exactly the elements its type and dataspace say (checked with
/// H5Aget_storage_size before H5Aread); strings are at most kMaxStringBytes long.
std::string read_string_attribute(hid_t object, const std::string& name);
std::vector<std::string> read_strings_attribute(hid_t object, const std::string& name);
/// One integer (scalar or one element); read_uint_attribute refuses a negative one.
std::int64_t read_int_attribute(hid_t object, const std::string& name);
std::uint64_t read_uint_attribute(hid_t object, const std::string& name);
/// One number, integer or floating-point.
double read_double_attribute(hid_t object, const std::string& name);
/// A 1-D numeric attribute (e.g. a trajectory's times).
std::vector<double> read_doubles_attribute(hid_t object, const std::string& name);

}  // namespace silico::io::h5
