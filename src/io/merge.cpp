#include "io/merge.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "core/output_file.hpp"
#include "core/output_lock.hpp"
#include "core/text.hpp"
#include "io/h5file.hpp"
#include "io/result_checks.hpp"

namespace silico::io {

namespace fs = std::filesystem;

namespace {

// Attributes that describe one run of a part rather than the study. They are rewritten
// for the merged file, so they are neither compared between parts nor copied.
const std::set<std::string> kRewrittenRoot = {"command_line", "created_utc",  "mpi_ranks",
                                              "threads",      "replicates",   "first_replicate",
                                              "status",       "wall_seconds", "merged_parts"};
const std::set<std::string> kRewrittenCohort = {"candidates_drawn", "acceptance_rate"};

bool rewritten(const std::string& object, const std::string& attribute) {
  if (object == "/") return kRewrittenRoot.count(attribute) > 0;
  if (object == "/cohort") return kRewrittenCohort.count(attribute) > 0;
  return false;
}

// spec_file is the spec's path as typed for that part's run: parts of one study may have
// been started from different folders. It is copied from the first part, not compared.
bool compared(const std::string& object, const std::string& attribute) {
  return !rewritten(object, attribute) && !(object == "/" && attribute == "spec_file");
}

// Datasets with one row per replicate, stacked by the merge; the others (the observed
// outcomes of validation targets, PROCOVA's historical cohort and models) are the same in
// every part and copied once.
bool per_replicate(const std::string& path) {
  return path.rfind("/validation/", 0) != 0 && path.rfind("/procova/", 0) != 0;
}

// Deeper than any silico file; stops a file whose groups link to each other in a loop.
constexpr int kMaxDepth = 32;

std::string in_quotes(const std::string& path) { return "'" + path + "'"; }

std::string replicates_text(std::uint64_t first, std::uint64_t last) {
  return first == last ? "replicate " + std::to_string(first)
                       : "replicates " + std::to_string(first) + "-" + std::to_string(last);
}

std::string span_text(std::uint64_t first, std::uint64_t last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
}

std::string dims_text(const std::vector<std::uint64_t>& dims) {
  std::string text = "[";
  for (std::size_t k = 0; k < dims.size(); ++k) text += (k ? ", " : "") + std::to_string(dims[k]);
  return text + "]";
}

std::string child_path(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

/// Element types whose values are plain bytes: copied without conversion, compared by bytes.
bool plain_bytes(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
    case H5T_FLOAT:
    case H5T_ENUM:
    case H5T_BITFIELD:
    case H5T_OPAQUE:
      return true;
    case H5T_STRING:
      return H5Tis_variable_str(type) <= 0;
    default:
      return false;
  }
}

bool variable_string(hid_t type) {
  return H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0;
}

struct Attribute {
  std::string name;
  h5::Handle type;    ///< a transient copy, valid after the file is closed
  std::string value;  ///< the shape and the values: strings, or the raw bytes
};

/// A group or dataset of a result file.
struct Object {
  std::string path;  ///< absolute; "/" for the root group
  bool dataset = false;
  h5::Handle type;  ///< datasets: element type (transient copy)
  std::vector<std::uint64_t> dims;
  std::vector<Attribute> attributes;  ///< in name order
};

herr_t collect_attribute(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

// A name no silico object has an attribute of (H5Aexists below looks at every attribute).
constexpr const char* kNoSuchAttribute = "\x01 silico: no such attribute";

std::vector<std::string> attribute_names(hid_t object, const std::string& where) {
  // libhdf5 1.10 (1.10.8 here) lists attributes from a table it builds by decoding every
  // attribute message of the object header; when one does not decode (a damaged type
  // size makes its data larger than the message), the table's error path releases entries
  // it never set, and the file's later close crashes (H5A__close, from H5Fclose). Looking
  // for an attribute by name decodes the same messages one by one and fails cleanly, so
  // every message is decoded that way first: H5Aexists of a name the object does not have
  // visits them all.
  const htri_t probe = H5Aexists(object, kNoSuchAttribute);
  if (probe < 0)
    throw h5::Error("the attributes of " + where + " cannot be decoded (a damaged object header)");
  if (probe > 0) throw h5::Error(where + " has an attribute no silico file has");
  std::vector<std::string> names;
  hsize_t index = 0;
  h5::check(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute, &names),
            "list attributes");
  return names;
}

Attribute read_attribute(hid_t object, const std::string& where, const std::string& name) {
  h5::Handle attribute =
      h5::check(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  Attribute out;
  out.name = name;
  h5::Handle file_type = h5::check(H5Aget_type(attribute), "get type of " + name);
  out.type = h5::check(H5Tcopy(file_type), "copy type of " + name);
  h5::Handle space = h5::check(H5Aget_space(attribute), "get space of " + name);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  for (hsize_t d : dims) out.value += std::to_string(d) + ",";
  out.value += ";";
  if (H5Tget_class(out.type) == H5T_STRING) {
    for (const auto& s : h5::read_strings_attribute(object, name)) {
      out.value += std::to_string(s.size()) + ":" + s;
    }
  } else if (plain_bytes(out.type)) {
    const auto points =
        static_cast<std::size_t>(std::max<hssize_t>(0, H5Sget_simple_extent_npoints(space)));
    std::string bytes(H5Tget_size(out.type) * points, '\0');
    if (!bytes.empty())
      h5::check(H5Aread(attribute, out.type, bytes.data()), "read attribute " + name);
    out.value += bytes;
  } else {
    throw h5::Error("attribute " + name + " of " + where + " has a type merge cannot copy");
  }
  return out;
}

std::vector<Attribute> read_attributes(hid_t object, const std::string& where) {
  std::vector<Attribute> out;
  for (const auto& name : attribute_names(object, where))
    out.push_back(read_attribute(object, where, name));
  return out;
}

/// The merged dataset is created with the part's creation properties: properties of a
/// damaged part that H5Dcreate refuses (chunks that do not fit its dimensions, a space
/// allocation or fill time that is none of HDF5's) are the part's fault, found before
/// anything is written.
void check_creation(hid_t dataset, const std::string& path,
                    const std::vector<std::uint64_t>& dims) {
  h5::Handle dcpl = h5::check(H5Dget_create_plist(dataset), "get creation list of " + path);
  H5D_alloc_time_t alloc_time = H5D_ALLOC_TIME_ERROR;
  if (H5Pget_alloc_time(dcpl, &alloc_time) < 0 ||
      (alloc_time != H5D_ALLOC_TIME_EARLY && alloc_time != H5D_ALLOC_TIME_LATE &&
       alloc_time != H5D_ALLOC_TIME_INCR)) {
    throw h5::Error("dataset " + path + " has no valid space allocation time");
  }
  H5D_fill_time_t fill_time = H5D_FILL_TIME_ERROR;
  if (H5Pget_fill_time(dcpl, &fill_time) < 0 ||
      (fill_time != H5D_FILL_TIME_ALLOC && fill_time != H5D_FILL_TIME_NEVER &&
       fill_time != H5D_FILL_TIME_IFSET)) {
    throw h5::Error("dataset " + path + " has no valid fill time");
  }
  if (H5Pget_layout(dcpl) != H5D_CHUNKED) return;
  hsize_t chunk[H5S_MAX_RANK];
  const int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk);
  bool fits = rank == static_cast<int>(dims.size());
  for (int k = 0; fits && k < rank; ++k) fits = chunk[k] >= 1 && chunk[k] <= std::max<std::uint64_t>(1, dims[k]);
  if (!fits) throw h5::Error("dataset " + path + " has chunks that do not fit its dimensions");
}

/// Every group and dataset below `group`, depth first, members in name order, `group` first.
void walk(hid_t group, const std::string& path, int depth, std::vector<Object>& out) {
  if (depth > kMaxDepth)
    throw h5::Error("groups nested deeper than " + std::to_string(kMaxDepth) + " at " + path);
  Object self;
  self.path = path;
  self.attributes = read_attributes(group, path);
  out.push_back(std::move(self));
  for (const auto& name : h5::member_names(group)) {
    const std::string child = child_path(path, name);
    H5L_info_t link;
    h5::check(H5Lget_info(group, name.c_str(), &link, H5P_DEFAULT), "read link " + child);
    if (link.type != H5L_TYPE_HARD) throw h5::Error(child + " is a soft or external link");
    h5::Handle object = h5::check(H5Oopen(group, name.c_str(), H5P_DEFAULT), "open " + child);
    const H5I_type_t kind = H5Iget_type(object);
    if (kind == H5I_GROUP) {
      walk(object, child, depth + 1, out);
    } else if (kind == H5I_DATASET) {
      Object d;
      d.path = child;
      d.dataset = true;
      h5::Handle type = h5::check(H5Dget_type(object), "get type of " + child);
      d.type = h5::check(H5Tcopy(type), "copy type of " + child);
      if (!plain_bytes(d.type))
        throw h5::Error("dataset " + child + " has a type merge cannot copy");
      // Its rows are read in this type: a damaged size would read past the chunks.
      const H5T_class_t type_class = H5Tget_class(d.type);
      if (type_class == H5T_INTEGER || type_class == H5T_FLOAT)
        h5::check_number_type(d.type, "dataset " + child);
      d.dims = h5::shape(object);
      check_creation(object, child, d.dims);
      d.attributes = read_attributes(object, child);
      out.push_back(std::move(d));
    } else {
      throw h5::Error(child + " is neither a group nor a dataset");
    }
  }
}

/// What identifies a study, and where a part sits in it.
struct Part {
  std::string path;
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  std::uint64_t candidates = 0;
  std::optional<double> wall_seconds;  ///< absent in files of builds before it was recorded
  std::uint64_t study = 0;
  std::uint64_t patients = 0;
  std::uint64_t seed = 0;
  std::string silico_version;
  std::string git_commit;
  std::string spec_yaml;
  std::vector<Object> layout;
};

Part inspect(const std::string& path);

/// libhdf5 1.10 trusts the global-heap object index of a variable-length string attribute
/// (H5HG_read only asserts it is in range; a release build reads past the heap collection):
/// a damaged attribute message crashes the reading process, and merge reads every attribute
/// of every object. So each part's attributes are read first in a child process, which has
/// nothing open for writing; a part that kills it is refused as damaged. A child that
/// throws, or a fork that fails, leaves the reading (and its error) to this process.
void inspect_in_child(const std::string& path) {
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0) return;
  if (child == 0) {
    int code = 0;
    try {
      inspect(path);
    } catch (...) {
      code = 1;
    }
    ::_exit(code);  // no atexit handlers: nothing of this process is flushed or closed twice
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return;
  }
  if (WIFSIGNALED(status)) {
    damaged(path, "reading its attributes crashes libhdf5 (signal " + std::to_string(WTERMSIG(status)) +
                      "): an attribute's data is damaged");
  }
}

Part inspect(const std::string& path) {
  if (!fs::exists(path)) throw UserError("part " + in_quotes(path) + " does not exist");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw UserError("part " + in_quotes(path) + " is not a readable HDF5 file");
  }
  Part p;
  p.path = path;
  try {
    h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (file.get() < 0) {
      throw UserError("part " + in_quotes(path) +
                      " cannot be opened as HDF5 (damaged or still being written?)");
    }
    // The checks of every reader: format_version, status, the root attributes' types and
    // ranges, and the shapes of the datasets against replicates and patients.
    const ResultMetadata m = read_checked_metadata(file, path);
    check_layout(file, path, m);
    p.silico_version = m.silico_version;
    p.seed = m.seed;
    p.patients = m.patients;
    p.study = m.study_replicates;
    p.first = m.first_replicate;
    p.count = m.replicates;
    p.git_commit = h5::read_string_attribute(file, "git_commit");
    p.spec_yaml = h5::read_string_attribute(file, "spec_yaml");
    {
      h5::Handle cohort = h5::open_group(file, "/cohort");
      p.candidates = h5::read_uint_attribute(cohort, "candidates_drawn");
    }
    // Every enrolled patient is an accepted candidate: fewer candidates would make the
    // merged acceptance rate above 1 (or infinite).
    std::uint64_t enrolled = 0;
    if (__builtin_mul_overflow(p.count, p.patients, &enrolled) || p.candidates < enrolled) {
      damaged(path, "/cohort says it drew " + std::to_string(p.candidates) + " candidates for " +
                        std::to_string(p.count) + " x " + std::to_string(p.patients) + " patients");
    }
    if (h5::has_attribute(file, "wall_seconds"))
      p.wall_seconds = h5::read_double_attribute(file, "wall_seconds");
    h5::Handle root = h5::open_group(file, "/");
    walk(root, "/", 0, p.layout);
  } catch (const h5::Error& e) {
    throw UserError("part " + in_quotes(path) + " cannot be read as a silico result: " + e.what());
  }
  for (const auto& o : p.layout) {
    if (!o.dataset || !per_replicate(o.path)) continue;
    if (o.dims.empty() || o.dims[0] != p.count) {
      throw UserError("part " + in_quotes(path) + ": dataset " + o.path + " is " +
                      dims_text(o.dims) + ", but the file holds " + std::to_string(p.count) +
                      " replicate(s): every dataset must have one row per replicate");
    }
  }
  return p;
}

/// Differences between the study identity of `p` and that of `ref`, one line each.
std::vector<std::string> identity_differences(const Part& ref, const Part& p) {
  std::vector<std::string> out;
  if (p.silico_version != ref.silico_version) {
    out.push_back("written by silico " + p.silico_version + ", not " + ref.silico_version);
  } else if (p.git_commit != ref.git_commit) {
    out.push_back("written by silico built from git commit " + p.git_commit + ", not " +
                  ref.git_commit);
  }
  if (p.spec_yaml != ref.spec_yaml) out.push_back("run from a different spec (spec_yaml differs)");
  if (p.seed != ref.seed)
    out.push_back("seed " + std::to_string(p.seed) + ", not " + std::to_string(ref.seed));
  if (p.patients != ref.patients) {
    out.push_back(std::to_string(p.patients) + " patients, not " + std::to_string(ref.patients));
  }
  if (p.study != ref.study) {
    out.push_back("a study of " + std::to_string(p.study) + " replicates, not " +
                  std::to_string(ref.study));
  }
  return out;
}

/// Differences in groups, datasets and their attributes, one line each.
std::vector<std::string> layout_differences(const Part& ref, const Part& p) {
  std::vector<std::string> out;
  std::map<std::string, const Object*> theirs;
  for (const auto& o : p.layout) theirs[o.path] = &o;
  std::set<std::string> ours;
  for (const auto& a : ref.layout) {
    ours.insert(a.path);
    const auto found = theirs.find(a.path);
    if (found == theirs.end()) {
      out.push_back("has no " + a.path);
      continue;
    }
    const Object& b = *found->second;
    if (a.dataset != b.dataset) {
      out.push_back(a.path + " is a " + (b.dataset ? "dataset" : "group") + ", not a " +
                    (a.dataset ? "dataset" : "group"));
      continue;
    }
    if (a.dataset) {
      if (H5Tequal(a.type, b.type) <= 0) out.push_back(a.path + " has a different element type");
      // The observed outcomes must match whole (their sha256 attribute is compared too).
      const std::size_t from = per_replicate(a.path) ? 1 : 0;
      const bool same_shape = a.dims.size() == b.dims.size() && !a.dims.empty() &&
                              std::equal(a.dims.begin() + from, a.dims.end(), b.dims.begin() + from);
      if (!same_shape) {
        out.push_back(a.path + " is " + dims_text(b.dims) + " here and " + dims_text(a.dims) +
                      " there; only the first axis, the replicates, may differ");
      }
    }
    std::map<std::string, const Attribute*> attributes;
    for (const auto& x : b.attributes) attributes[x.name] = &x;
    for (const auto& x : a.attributes) {
      if (!compared(a.path, x.name)) continue;
      const auto y = attributes.find(x.name);
      if (y == attributes.end()) {
        out.push_back(a.path + " has no attribute " + x.name);
      } else if (H5Tequal(x.type, y->second->type) <= 0 || x.value != y->second->value) {
        out.push_back("attribute " + x.name + " of " + a.path + " differs");
      }
    }
    for (const auto& y : b.attributes) {
      if (!compared(a.path, y.name)) continue;
      const bool shared = std::any_of(a.attributes.begin(), a.attributes.end(),
                                      [&](const Attribute& x) { return x.name == y.name; });
      if (!shared) out.push_back(a.path + " has an extra attribute " + y.name);
    }
  }
  for (const auto& b : p.layout) {
    if (!ours.count(b.path))
      out.push_back("has an extra " + std::string(b.dataset ? "dataset " : "group ") + b.path);
  }
  return out;
}

std::string join_differences(const std::vector<std::string>& lines) {
  // A wholly different file could list hundreds; the first few say enough.
  constexpr std::size_t kShown = 8;
  std::string text;
  for (std::size_t i = 0; i < std::min(lines.size(), kShown); ++i) text += "\n  " + lines[i];
  if (lines.size() > kShown)
    text += "\n  ... and " + std::to_string(lines.size() - kShown) + " more";
  return text;
}

/// Gaps and overlaps of the parts (sorted by first replicate) over [0, study), one line each.
std::vector<std::string> coverage_problems(const std::vector<const Part*>& sorted,
                                           std::uint64_t study) {
  std::vector<std::string> out;
  std::uint64_t next = 0;      // first replicate no part seen so far holds
  const Part* last = nullptr;  // the part that reaches furthest so far
  for (const Part* p : sorted) {
    const std::uint64_t end = p->first + p->count;
    if (p->first > next) {
      out.push_back(
          replicates_text(next, p->first - 1) + " missing: no part holds " +
          (p->first - next == 1 ? "it" : "them") +
          (last ? " (" + in_quotes(last->path) + " ends at " + std::to_string(next - 1) + ", "
                : " (") +
          in_quotes(p->path) + " starts at " + std::to_string(p->first) + ")");
    } else if (p->first < next) {
      out.push_back(replicates_text(p->first, std::min(end, next) - 1) + " in both " +
                    in_quotes(last->path) + " (" +
                    span_text(last->first, last->first + last->count - 1) + ") and " +
                    in_quotes(p->path) + " (" + span_text(p->first, end - 1) + ")");
    }
    if (end > next || last == nullptr) {
      next = std::max(next, end);
      last = p;
    }
  }
  if (next < study) {
    out.push_back(replicates_text(next, study - 1) + " missing: no part holds " +
                  (study - next == 1 ? "it" : "them") + " (" + in_quotes(last->path) + " ends at " +
                  std::to_string(next - 1) + "; the study has " + std::to_string(study) +
                  " replicates)");
  }
  return out;
}

void copy_attribute(hid_t from, hid_t to, const std::string& name) {
  h5::Handle attribute =
      h5::check(H5Aopen(from, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  h5::Handle type = h5::check(H5Aget_type(attribute), "get type of " + name);
  h5::Handle space = h5::check(H5Aget_space(attribute), "get space of " + name);
  h5::Handle copy = h5::check(H5Acreate2(to, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                              "create attribute " + name);
  const auto points =
      static_cast<std::size_t>(std::max<hssize_t>(0, H5Sget_simple_extent_npoints(space)));
  if (points == 0) return;
  // In the file's own type: no conversion; variable-length strings arrive as char*.
  std::vector<unsigned char> buffer(H5Tget_size(type) * points);
  h5::check(H5Aread(attribute, type, buffer.data()), "read attribute " + name);
  const herr_t written = H5Awrite(copy, type, buffer.data());
  if (variable_string(type)) H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer.data());
  h5::check(written, "write attribute " + name);
}

void copy_attributes(hid_t from, hid_t to, const Object& object) {
  for (const auto& a : object.attributes) {
    if (!rewritten(object.path, a.name)) copy_attribute(from, to, a.name);
  }
}

/// Creates every group and dataset of `layout` in `out`, with the first axis of each
/// dataset `rows` long, and their attributes except those rewritten for the merge.
void create_layout(hid_t source, hid_t out, const std::vector<Object>& layout, std::uint64_t rows) {
  for (const auto& o : layout) {
    if (o.path == "/") {
      h5::Handle from = h5::open_group(source, "/");
      h5::Handle to = h5::open_group(out, "/");
      copy_attributes(from, to, o);
    } else if (!o.dataset) {
      h5::Handle from = h5::open_group(source, o.path);
      h5::Handle gcpl = h5::check(H5Gget_create_plist(from), "get creation list of " + o.path);
      h5::Handle to = h5::check(H5Gcreate2(out, o.path.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT),
                                "create group " + o.path);
      copy_attributes(from, to, o);
    } else {
      h5::Handle from = h5::open_dataset(source, o.path);
      // The same type and creation properties (chunking, filters, fill value).
      h5::Handle dcpl = h5::check(H5Dget_create_plist(from), "get creation list of " + o.path);
      h5::Handle type = h5::check(H5Dget_type(from), "get type of " + o.path);
      h5::Handle from_space = h5::check(H5Dget_space(from), "get dataspace of " + o.path);
      std::vector<hsize_t> dims(o.dims.begin(), o.dims.end());
      std::vector<hsize_t> max_dims(dims.size());
      H5Sget_simple_extent_dims(from_space, nullptr, max_dims.data());
      if (per_replicate(o.path)) dims[0] = rows;
      for (std::size_t k = 0; k < dims.size(); ++k) {
        if (max_dims[k] != H5S_UNLIMITED) max_dims[k] = dims[k];
      }
      h5::Handle space =
          h5::check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.data()),
                    "create dataspace for " + o.path);
      h5::Handle to =
          h5::check(H5Dcreate2(out, o.path.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                    "create dataset " + o.path);
      copy_attributes(from, to, o);
    }
  }
}

/// Copies all of `from` (a dataset of the part `source`) into `to` starting at row
/// `first_row`, one slab at a time. A failed read is the part's damage (a UserError); a
/// failed write is ours.
void copy_rows(hid_t from, hid_t to, std::uint64_t first_row, std::uint64_t budget,
               std::vector<unsigned char>& buffer, const std::string& path, const std::string& source) {
  const auto dims = reading(source, path, [&] { return h5::shape(from); });
  if (std::find(dims.begin(), dims.end(), std::uint64_t{0}) != dims.end()) return;
  h5::Handle type = reading(source, path, [&] { return h5::check(H5Dget_type(from), "get type of " + path); });
  const std::size_t element = H5Tget_size(type);
  const auto slab = slab_shape(dims, element, budget);
  std::size_t slab_elements = 1;
  for (auto s : slab) slab_elements *= s;
  buffer.resize(slab_elements * element);
  const std::size_t n = dims.size();
  std::vector<hsize_t> start(n, 0), count(n), out_start(n);
  h5::Handle from_space = h5::check(H5Dget_space(from), "get dataspace of " + path);
  h5::Handle to_space = h5::check(H5Dget_space(to), "get dataspace of " + path);
  while (true) {
    for (std::size_t k = 0; k < n; ++k) count[k] = std::min<hsize_t>(slab[k], dims[k] - start[k]);
    out_start = start;
    out_start[0] += first_row;
    h5::Handle memory = h5::check(H5Screate_simple(static_cast<int>(n), count.data(), nullptr),
                                  "create memory space");
    h5::check(H5Sselect_hyperslab(from_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                  nullptr),
              "select slab of " + path);
    h5::check(H5Sselect_hyperslab(to_space, H5S_SELECT_SET, out_start.data(), nullptr, count.data(),
                                  nullptr),
              "select slab of " + path);
    // Read and written in the file's own type: the bytes are copied unchanged.
    reading(source, path, [&] {
      h5::check(H5Dread(from, type, memory, from_space, H5P_DEFAULT, buffer.data()), "read " + path);
    });
    h5::check(H5Dwrite(to, type, memory, to_space, H5P_DEFAULT, buffer.data()), "write " + path);
    // Next slab: odometer order, the last dimension fastest.
    std::size_t k = n;
    while (k > 0) {
      --k;
      start[k] += slab[k];
      if (start[k] < dims[k]) break;
      start[k] = 0;
      if (k == 0) return;
    }
  }
}

void refuse_output(const std::string& output, bool force, const std::vector<std::string>& parts) {
  const fs::path out(output);
  check_output(output, "-o", force, parts);
  const auto same = [](const fs::path& a, const fs::path& b) {
    return fs::weakly_canonical(a) == fs::weakly_canonical(b);
  };
  for (const auto& p : parts) {
    if (same(p, out) || same(p, output + ".partial")) {
      throw UserError("output " + in_quotes(output) + " would overwrite the part " + in_quotes(p));
    }
  }
}

}  // namespace

std::vector<std::uint64_t> slab_shape(const std::vector<std::uint64_t>& dims,
                                      std::uint64_t element_bytes, std::uint64_t budget_bytes) {
  std::vector<std::uint64_t> slab(dims.size(), 1);
  std::uint64_t inner =
      std::max<std::uint64_t>(1, element_bytes);  // bytes of one block of the dims below k
  for (std::size_t k = dims.size(); k > 0; --k) {
    const std::uint64_t d = dims[k - 1];
    if (d <= budget_bytes / inner) {
      slab[k - 1] = std::max<std::uint64_t>(1, d);
      inner *= std::max<std::uint64_t>(1, d);
    } else {
      slab[k - 1] = std::max<std::uint64_t>(1, budget_bytes / inner);
      break;
    }
  }
  return slab;
}

MergeSummary merge_parts(const std::vector<std::string>& paths, const MergeOptions& options) {
  h5::quiet_errors();
  if (paths.empty()) throw UserError("no parts to merge");
  refuse_output(options.output, options.force, paths);
  {
    std::set<fs::path> seen;
    for (const auto& p : paths) {
      if (fs::exists(p) && !seen.insert(fs::weakly_canonical(p)).second) {
        throw UserError("part " + in_quotes(p) + " is named twice");
      }
    }
  }

  // Everything is checked before the output is created.
  std::vector<Part> parts;
  parts.reserve(paths.size());
  for (const auto& path : paths) {
    inspect_in_child(path);
    Part p = inspect(path);
    if (!parts.empty()) {
      const Part& ref = parts.front();
      auto differences = identity_differences(ref, p);
      if (!differences.empty()) {
        throw UserError("part " + in_quotes(p.path) + " is not part of the same study as " +
                        in_quotes(ref.path) + ": it was" + join_differences(differences));
      }
      differences = layout_differences(ref, p);
      if (!differences.empty()) {
        throw UserError("part " + in_quotes(p.path) + " does not have the layout of " +
                        in_quotes(ref.path) + ": it" + join_differences(differences));
      }
      p.layout.clear();  // the first part's layout is the reference
    }
    parts.push_back(std::move(p));
  }
  std::vector<const Part*> sorted;
  for (const auto& p : parts) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Part* a, const Part* b) { return a->first < b->first; });
  const Part& ref = parts.front();
  const auto problems = coverage_problems(sorted, ref.study);
  if (!problems.empty()) {
    throw UserError("the parts do not hold each of the study's " + std::to_string(ref.study) +
                    " replicates exactly once:" + join_differences(problems));
  }

  MergeSummary summary;
  summary.parts = parts.size();
  summary.replicates = ref.study;
  summary.patients = ref.patients;
  for (const auto& p : parts) summary.candidates_drawn += p.candidates;
  // Total compute time: the parts' wall times added in replicate order (so the sum does
  // not depend on the order the parts are named), unknown if any part lacks one.
  summary.wall_seconds = 0.0;
  for (const Part* p : sorted) {
    if (!p->wall_seconds) {
      summary.wall_seconds.reset();
      break;
    }
    *summary.wall_seconds += *p->wall_seconds;
  }
  for (const auto& o : ref.layout) summary.datasets += o.dataset ? 1 : 0;
  const std::uint64_t enrolled = ref.study * ref.patients;
  summary.acceptance_rate =
      static_cast<double>(enrolled) / static_cast<double>(summary.candidates_drawn);

  const std::string partial = options.output + ".partial";
  // One writer per output: a second merge (or a run) on it is refused while this lives.
  const OutputLock lock(options.output);
  refuse_unless_regular_file(partial, "the partial merged file");
  ::unlink(partial.c_str());  // a regular file of an earlier merge: ours, under the lock
  try {
    h5::Handle out;
    {
      h5::Handle source = h5::open_readonly(ref.path);
      h5::Handle fcpl = h5::check(H5Fget_create_plist(source), "get creation list of " + ref.path);
      out = h5::check(H5Fcreate(partial.c_str(), H5F_ACC_EXCL, fcpl, H5P_DEFAULT),
                      "create " + in_quotes(partial) + " (a new file)");
      create_layout(source, out, ref.layout, ref.study);
      h5::write_attribute(out, "status", std::string("incomplete"));
      h5::write_attribute(out, "replicates", ref.study);
      h5::write_attribute(out, "first_replicate", std::uint64_t{0});
      h5::write_attribute(out, "created_utc", utc_now());
      h5::write_attribute(out, "command_line", options.command_line);
      h5::write_attribute(out, "mpi_ranks", std::int64_t{1});
      h5::write_attribute(out, "threads", std::int64_t{1});
      h5::write_attribute(out, "merged_parts", static_cast<std::uint64_t>(parts.size()));
      if (summary.wall_seconds) h5::write_attribute(out, "wall_seconds", *summary.wall_seconds);
    }
    std::vector<unsigned char> buffer;
    for (const Part* p : sorted) {
      if (options.progress) {
        options.progress("merge: " + p->path + ": " +
                         replicates_text(p->first, p->first + p->count - 1));
      }
      h5::Handle source = reading(p->path, "the file", [&] { return h5::open_readonly(p->path); });
      for (const auto& o : ref.layout) {
        if (!o.dataset) continue;
        const bool stacked = per_replicate(o.path);
        if (!stacked && p != sorted.front()) continue;
        h5::Handle from = reading(p->path, o.path, [&] { return h5::open_dataset(source, o.path); });
        h5::Handle to = h5::open_dataset(out, o.path);
        copy_rows(from, to, stacked ? p->first : 0, options.buffer_bytes, buffer, o.path, p->path);
      }
    }
    {
      h5::Handle cohort = h5::open_group(out, "/cohort");
      h5::write_attribute(cohort, "candidates_drawn", summary.candidates_drawn);
      h5::write_attribute(cohort, "acceptance_rate", summary.acceptance_rate);
    }
    h5::check(H5Adelete(out, "status"), "replace attribute status");
    h5::write_attribute(out, "status", std::string("complete"));
    // Flushed first so that a failure to write (a full disk) is reported, not lost in close.
    h5::check(H5Fflush(out, H5F_SCOPE_GLOBAL), "flush " + in_quotes(partial));
    out.reset();
    if (options.force) {
      fs::rename(partial, options.output);
    } else {
      rename_no_replace(partial, options.output);
    }
    sync_parent_folder(options.output);
  } catch (...) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw;
  }
  return summary;
}

}  // namespace silico::io
