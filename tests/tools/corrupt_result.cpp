// corrupt_result IN.h5 OUTDIR [all|semantic]: writes a deterministic corpus of damaged
// copies of a valid silico result file into OUTDIR, one file per case, named
// NNN-<kind>-<what>.h5, for the reader fuzz test (tests/integration/fuzz_result_reader.sh),
// and prints how many. corrupt_result IN.h5 OUT.h5 case=NAME writes one semantic case
// (tests/integration/damaged_results.sh).
//
// Kinds: byte flips (fixed-seed) in the superblock, in every object header and anywhere
// in the file; truncations; zeroed ranges; and semantic damage made through the HDF5 C
// API, which the byte-level cases rarely reach: attributes rewritten with the wrong type,
// shape or range, datasets replaced by ones of the wrong shape or type, values out of
// range, objects removed or linked in a loop. Every case is the same on every machine:
// std::mt19937_64's output is fixed by the standard, and only its raw output is used.

#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/h5file.hpp"

namespace fs = std::filesystem;
namespace h5 = silico::io::h5;

namespace {

using Bytes = std::vector<char>;

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

struct Corpus {
  std::string source;
  fs::path dir;
  int next = 0;
  /// One named semantic case only, written to `only_output` (the regression tests).
  std::string only, only_output;
  bool found = false;

  std::string name(const std::string& kind) {
    char prefix[16];
    std::snprintf(prefix, sizeof(prefix), "%03d-", next++);
    return (dir / (prefix + kind + ".h5")).string();
  }
  void bytes(const std::string& kind, const Bytes& b) { write_bytes(name(kind), b); }
  /// The path to write case `kind` to, or empty when only another case is wanted.
  std::string target(const std::string& kind) {
    if (only.empty()) return name(kind);
    if (kind != only) return "";
    found = true;
    return only_output;
  }
  /// A copy of the source changed through the HDF5 API by `edit` (given the open file).
  void edit(const std::string& kind, const std::function<void(hid_t)>& change) {
    const std::string path = target(kind);
    if (path.empty()) return;
    fs::copy_file(source, path, fs::copy_options::overwrite_existing);
    h5::Handle f = h5::check(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open " + path);
    change(f);
  }
  /// A copy of the source with its bytes changed by `change`.
  void damage(const std::string& kind, const std::function<void(Bytes&)>& change) {
    const std::string path = target(kind);
    if (path.empty()) return;
    Bytes b = read_bytes(source);
    change(b);
    write_bytes(path, b);
  }
};

/// Address and header size of every object, the root first.
struct Header {
  std::string path;
  std::uint64_t address = 0, size = 0;
};

herr_t collect_header(hid_t, const char* name, const H5O_info_t* info, void* data) {
  static_cast<std::vector<Header>*>(data)->push_back({name, info->addr, info->hdr.space.total});
  return 0;
}

std::vector<Header> headers(const std::string& path) {
  h5::Handle f = h5::open_readonly(path);
  std::vector<Header> out;
  h5::check(H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, collect_header, &out), "visit objects");
  return out;
}

// --- semantic edits -----------------------------------------------------------------

void drop_attribute(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) > 0) h5::check(H5Adelete(object, name.c_str()), "delete " + name);
}

/// Replaces attribute `name` of `object` by one of `type` over `space` holding `data`.
void put_attribute(hid_t file, const std::string& object, const std::string& name, hid_t type, hid_t space,
                   const void* data) {
  h5::Handle o = h5::check(H5Oopen(file, object.c_str(), H5P_DEFAULT), "open " + object);
  drop_attribute(o, name);
  h5::Handle a = h5::check(H5Acreate2(o, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "create " + name);
  if (data) h5::check(H5Awrite(a, type, data), "write " + name);
}

template <class T>
void put_value(hid_t file, const std::string& object, const std::string& name, T value) {
  h5::Handle o = h5::check(H5Oopen(file, object.c_str(), H5P_DEFAULT), "open " + object);
  drop_attribute(o, name);
  h5::write_attribute(o, name, value);
}

void put_ints(hid_t file, const std::string& object, const std::string& name, std::vector<std::int64_t> values) {
  const hsize_t dims[1] = {values.size()};
  h5::Handle space = h5::check(H5Screate_simple(1, dims, nullptr), "space");
  put_attribute(file, object, name, H5T_NATIVE_INT64, space, values.data());
}

/// A string-array attribute with no elements.
void put_no_strings(hid_t file, const std::string& object, const std::string& name) {
  h5::Handle type = h5::check(H5Tcopy(H5T_C_S1), "string type");
  h5::check(H5Tset_size(type, H5T_VARIABLE), "string size");
  const hsize_t dims[1] = {0};
  h5::Handle space = h5::check(H5Screate_simple(1, dims, nullptr), "space");
  put_attribute(file, object, name, type, space, nullptr);
}

/// A fixed-length string attribute of `size` bytes with no terminating NUL.
void put_fixed_string(hid_t file, const std::string& object, const std::string& name, std::size_t size, char fill) {
  h5::Handle type = h5::check(H5Tcopy(H5T_C_S1), "string type");
  h5::check(H5Tset_size(type, size), "string size");
  h5::check(H5Tset_strpad(type, H5T_STR_NULLPAD), "string pad");
  h5::Handle space = h5::check(H5Screate(H5S_SCALAR), "scalar");
  const std::string text(size, fill);
  put_attribute(file, object, name, type, space, text.data());
}

/// An attribute with a null dataspace (no elements at all).
void put_null(hid_t file, const std::string& object, const std::string& name, hid_t type) {
  h5::Handle space = h5::check(H5Screate(H5S_NULL), "null space");
  put_attribute(file, object, name, type, space, nullptr);
}

std::vector<double> read_all(hid_t file, const std::string& path) {
  h5::Handle d = h5::open_dataset(file, path);
  h5::Handle space = h5::check(H5Dget_space(d), "space");
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!values.empty()) h5::check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read");
  return values;
}

/// Replaces the dataset at `path` by one of `type` and `dims`, filled from `values`
/// (repeated or cut to fit).
void replace_dataset(hid_t file, const std::string& path, hid_t type, const std::vector<hsize_t>& dims,
                     std::vector<double> values) {
  h5::check(H5Ldelete(file, path.c_str(), H5P_DEFAULT), "delete " + path);
  h5::Handle space = h5::check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "space");
  h5::Handle d = h5::check(H5Dcreate2(file, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           "create " + path);
  hsize_t n = 1;
  for (hsize_t k : dims) n *= k;
  if (n == 0) return;
  if (values.empty()) values.push_back(1.0);
  std::vector<double> fill(n);
  for (hsize_t i = 0; i < n; ++i) fill[i] = values[i % values.size()];
  h5::check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, fill.data()), "write " + path);
}

/// Sets every element of the dataset at `path` to `value` (converted to its type).
void fill_dataset(hid_t file, const std::string& path, double value) {
  auto values = read_all(file, path);
  for (double& v : values) v = value;
  h5::Handle d = h5::open_dataset(file, path);
  h5::check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write " + path);
}

std::uint64_t uint_attribute(hid_t file, const char* name) { return h5::read_uint_attribute(file, name); }

/// The first dataset of a series under /replicates whose path ends with `suffix`.
std::string series_ending(hid_t file, const std::string& suffix) {
  h5::Handle g = h5::open_group(file, "/replicates");
  for (const auto& p : h5::dataset_paths(g)) {
    if (p.size() >= suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return "/replicates/" + p;
    }
  }
  throw std::runtime_error("no series ending in " + suffix);
}

void semantic_cases(Corpus& c) {
  const std::string R = "/";
  // Root attributes: wrong type, shape or range.
  c.edit("format_version-99", [&](hid_t f) { put_value(f, R, "format_version", std::int64_t{99}); });
  c.edit("format_version-string", [&](hid_t f) { put_value(f, R, "format_version", std::string("2")); });
  c.edit("format_version-array", [&](hid_t f) { put_ints(f, R, "format_version", {2, 2, 2, 2, 2}); });
  c.edit("format_version-null", [&](hid_t f) { put_null(f, R, "format_version", H5T_STD_I64LE); });
  c.edit("format_version-missing", [&](hid_t f) { drop_attribute(f, "format_version"); });
  c.edit("status-incomplete", [&](hid_t f) { put_value(f, R, "status", std::string("incomplete")); });
  c.edit("status-int", [&](hid_t f) { put_value(f, R, "status", std::int64_t{1}); });
  c.edit("status-fixed-unterminated", [&](hid_t f) { put_fixed_string(f, R, "status", 8, 'c'); });
  c.edit("trial_name-huge-fixed", [&](hid_t f) { put_fixed_string(f, R, "trial_name", 60000, 'x'); });
  c.edit("trial_name-array", [&](hid_t f) { put_value(f, R, "trial_name", std::vector<std::string>{"a", "b"}); });
  c.edit("patients-zero", [&](hid_t f) { put_value(f, R, "patients", std::uint64_t{0}); });
  c.edit("patients-plus-one", [&](hid_t f) { put_value(f, R, "patients", uint_attribute(f, "patients") + 1); });
  c.edit("patients-huge", [&](hid_t f) { put_value(f, R, "patients", std::uint64_t{1} << 62); });
  c.edit("patients-negative", [&](hid_t f) { put_value(f, R, "patients", std::int64_t{-5}); });
  c.edit("patients-double", [&](hid_t f) { put_value(f, R, "patients", 2.5e30); });
  c.edit("patients-string", [&](hid_t f) { put_value(f, R, "patients", std::string("many")); });
  c.edit("patients-array", [&](hid_t f) { put_ints(f, R, "patients", {40, 40, 40}); });
  c.edit("replicates-zero", [&](hid_t f) { put_value(f, R, "replicates", std::uint64_t{0}); });
  c.edit("replicates-plus-one", [&](hid_t f) { put_value(f, R, "replicates", uint_attribute(f, "replicates") + 1); });
  c.edit("replicates-huge", [&](hid_t f) { put_value(f, R, "replicates", ~std::uint64_t{0}); });
  c.edit("first_replicate-huge", [&](hid_t f) { put_value(f, R, "first_replicate", ~std::uint64_t{0} - 1); });
  c.edit("study_replicates-zero", [&](hid_t f) { put_value(f, R, "study_replicates", std::uint64_t{0}); });
  c.edit("arm_names-empty", [&](hid_t f) { put_no_strings(f, R, "arm_names"); });
  c.edit("arm_names-one", [&](hid_t f) { put_value(f, R, "arm_names", std::vector<std::string>{"control"}); });
  c.edit("arm_names-duplicate", [&](hid_t f) {
    put_value(f, R, "arm_names", std::vector<std::string>{"control", "control"});
  });
  c.edit("arm_names-int", [&](hid_t f) { put_ints(f, R, "arm_names", {0, 1}); });
  c.edit("arm_names-fixed-unterminated", [&](hid_t f) { put_fixed_string(f, R, "arm_names", 7, 'c'); });
  c.edit("arm_names-slash", [&](hid_t f) {
    put_value(f, R, "arm_names", std::vector<std::string>{"control", "../cohort"});
  });
  c.edit("control_arm-unknown", [&](hid_t f) { put_value(f, R, "control_arm", std::string("placebo")); });
  c.edit("endpoint_names-unknown", [&](hid_t f) { put_value(f, R, "endpoint_names", std::vector<std::string>{"zz"}); });
  c.edit("endpoint_names-empty", [&](hid_t f) { put_no_strings(f, R, "endpoint_names"); });
  c.edit("endpoint_names-empty-string", [&](hid_t f) {
    put_value(f, R, "endpoint_names", std::vector<std::string>{""});
  });
  c.edit("alpha-nan", [&](hid_t f) { put_value(f, R, "alpha", std::nan("")); });
  c.edit("alpha-two", [&](hid_t f) { put_value(f, R, "alpha", 2.0); });
  c.edit("alpha-string", [&](hid_t f) { put_value(f, R, "alpha", std::string("0.05")); });
  c.edit("follow_up-negative", [&](hid_t f) { put_value(f, R, "follow_up", -1.0); });
  c.edit("rmst_horizon-inf", [&](hid_t f) { put_value(f, R, "rmst_horizon", HUGE_VAL); });
  c.edit("time_unit-int", [&](hid_t f) { put_value(f, R, "time_unit", std::int64_t{7}); });
  c.edit("spec_yaml-garbage", [&](hid_t f) { put_value(f, R, "spec_yaml", std::string("trial: [unclosed\n{{")); });
  c.edit("spec_yaml-int", [&](hid_t f) { put_value(f, R, "spec_yaml", std::int64_t{3}); });
  c.edit("mpi_ranks-string", [&](hid_t f) { put_value(f, R, "mpi_ranks", std::string("two")); });
  c.edit("wall_seconds-array", [&](hid_t f) { put_ints(f, R, "wall_seconds", {1, 2, 3, 4, 5, 6, 7, 8}); });
  c.edit("acceptance_rate-zero", [&](hid_t f) { put_value(f, "/cohort", "acceptance_rate", 0.0); });
  c.edit("acceptance_rate-array", [&](hid_t f) { put_ints(f, "/cohort", "acceptance_rate", {1, 1}); });
  c.edit("candidates_drawn-zero", [&](hid_t f) { put_value(f, "/cohort", "candidates_drawn", std::uint64_t{0}); });
  c.edit("included_texts-short", [&](hid_t f) {
    if (H5Aexists(f, "included_files") > 0) put_no_strings(f, R, "included_texts");
  });

  // Per-patient datasets: wrong shape, type or values.
  const auto rows = [](hid_t f) { return static_cast<hsize_t>(h5::read_uint_attribute(f, "replicates")); };
  const auto cols = [](hid_t f) { return static_cast<hsize_t>(h5::read_uint_attribute(f, "patients")); };
  c.edit("arm-short-row", [&](hid_t f) {
    replace_dataset(f, "/cohort/arm", H5T_STD_I32LE, {rows(f), cols(f) - 1}, {0, 1});
  });
  c.edit("arm-missing-replicate", [&](hid_t f) {
    replace_dataset(f, "/cohort/arm", H5T_STD_I32LE, {rows(f) - 1, cols(f)}, {0, 1});
  });
  c.edit("arm-1d", [&](hid_t f) { replace_dataset(f, "/cohort/arm", H5T_STD_I32LE, {cols(f)}, {0, 1}); });
  c.edit("arm-empty", [&](hid_t f) { replace_dataset(f, "/cohort/arm", H5T_STD_I32LE, {0, 0}, {}); });
  c.edit("arm-string", [&](hid_t f) {
    h5::check(H5Ldelete(f, "/cohort/arm", H5P_DEFAULT), "delete");
    h5::Handle type = h5::check(H5Tcopy(H5T_C_S1), "type");
    H5Tset_size(type, 4);
    const hsize_t dims[2] = {rows(f), cols(f)};
    h5::Handle space = h5::check(H5Screate_simple(2, dims, nullptr), "space");
    h5::check(H5Dcreate2(f, "/cohort/arm", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create");
  });
  c.edit("arm-index-7", [&](hid_t f) { fill_dataset(f, "/cohort/arm", 7); });
  c.edit("arm-index-negative", [&](hid_t f) { fill_dataset(f, "/cohort/arm", -1); });
  c.edit("arm-missing", [&](hid_t f) { h5::check(H5Ldelete(f, "/cohort/arm", H5P_DEFAULT), "delete"); });
  c.edit("cohort-missing", [&](hid_t f) { h5::check(H5Ldelete(f, "/cohort", H5P_DEFAULT), "delete"); });
  c.edit("outcomes-missing", [&](hid_t f) { h5::check(H5Ldelete(f, "/outcomes", H5P_DEFAULT), "delete"); });
  c.edit("event-values-7", [&](hid_t f) {
    const auto names = h5::read_strings_attribute(f, "endpoint_names");
    for (const auto& e : names) {
      if (h5::exists(f, "/outcomes/" + e + "/observed/event")) fill_dataset(f, "/outcomes/" + e + "/observed/event", 7);
    }
  });
  c.edit("outcome-short", [&](hid_t f) {
    const auto e = h5::read_strings_attribute(f, "endpoint_names").back();
    const std::string p = "/outcomes/" + e + (h5::exists(f, "/outcomes/" + e + "/observed/time") ? "/observed/time" : "/observed");
    replace_dataset(f, p, H5T_IEEE_F64LE, {rows(f), 2}, {1.0});
  });
  c.edit("outcome-type-unknown", [&](hid_t f) {
    const auto e = h5::read_strings_attribute(f, "endpoint_names").front();
    put_value(f, "/outcomes/" + e, "type", std::string("ordinal"));
  });
  c.edit("covariate-3d", [&](hid_t f) {
    h5::Handle g = h5::open_group(f, "/cohort/covariates");
    const auto name = h5::member_names(g).front();
    replace_dataset(f, "/cohort/covariates/" + name, H5T_IEEE_F64LE, {rows(f), cols(f), 2}, {1.0});
  });
  c.edit("covariate-levels-int", [&](hid_t f) {
    h5::Handle g = h5::open_group(f, "/cohort/covariates");
    for (const auto& name : h5::member_names(g)) put_ints(f, "/cohort/covariates/" + name, "levels", {1, 2});
  });

  // Individual parameters (when the base file's model has them): short, integer, 3-D,
  // non-finite (named without "nan"/"inf": the test greps the output, which names the
  // file), a group where a dataset should be.
  const auto parameters = [&](const std::string& name, auto damage) {
    c.edit(name, [&, damage](hid_t f) {
      if (!h5::exists(f, "/cohort/parameters")) return;
      h5::Handle g = h5::open_group(f, "/cohort/parameters");
      damage(f, "/cohort/parameters/" + h5::member_names(g).front());
    });
  };
  parameters("parameter-short", [&](hid_t f, const std::string& p) {
    replace_dataset(f, p, H5T_IEEE_F64LE, {rows(f), cols(f) - 1}, {1.0});
  });
  parameters("parameter-int", [&](hid_t f, const std::string& p) {
    replace_dataset(f, p, H5T_STD_I32LE, {rows(f), cols(f)}, {1.0});
  });
  parameters("parameter-3d", [&](hid_t f, const std::string& p) {
    replace_dataset(f, p, H5T_IEEE_F64LE, {rows(f), cols(f), 2}, {1.0});
  });
  parameters("parameter-not-a-number", [&](hid_t f, const std::string& p) { fill_dataset(f, p, std::nan("")); });
  parameters("parameter-huge", [&](hid_t f, const std::string& p) { fill_dataset(f, p, HUGE_VAL); });
  parameters("parameter-group", [&](hid_t f, const std::string& p) {
    h5::check(H5Ldelete(f, p.c_str(), H5P_DEFAULT), "delete " + p);
    h5::create_group(f, p);
  });

  // Series under /replicates: shorter than `replicates`, empty, 2-D, missing, wrong type.
  c.edit("series-short", [&](hid_t f) {
    const auto p = series_ending(f, "/effect");
    auto v = read_all(f, p);
    v.pop_back();
    replace_dataset(f, p, H5T_IEEE_F64LE, {v.size()}, v);
  });
  c.edit("series-all-short", [&](hid_t f) {
    h5::Handle g = h5::open_group(f, "/replicates");
    for (const auto& p : h5::dataset_paths(g)) replace_dataset(f, "/replicates/" + p, H5T_IEEE_F64LE, {1}, {0.5});
  });
  c.edit("series-empty", [&](hid_t f) {
    replace_dataset(f, series_ending(f, "/effect"), H5T_IEEE_F64LE, {0}, {});
  });
  c.edit("series-all-empty", [&](hid_t f) {
    h5::Handle g = h5::open_group(f, "/replicates");
    for (const auto& p : h5::dataset_paths(g)) replace_dataset(f, "/replicates/" + p, H5T_IEEE_F64LE, {0}, {});
  });
  c.edit("series-2d", [&](hid_t f) { replace_dataset(f, series_ending(f, "/p"), H5T_IEEE_F64LE, {rows(f), 2}, {0.5}); });
  c.edit("series-long", [&](hid_t f) { replace_dataset(f, series_ending(f, "/se"), H5T_IEEE_F64LE, {rows(f) + 5}, {0.5}); });
  c.edit("series-int", [&](hid_t f) { replace_dataset(f, series_ending(f, "/ci_low"), H5T_STD_I8LE, {rows(f)}, {1}); });
  c.edit("series-se-missing", [&](hid_t f) {
    h5::check(H5Ldelete(f, series_ending(f, "/se").c_str(), H5P_DEFAULT), "delete");
  });
  c.edit("series-true-effect-missing", [&](hid_t f) {
    h5::check(H5Ldelete(f, series_ending(f, "/true_effect").c_str(), H5P_DEFAULT), "delete");
  });
  c.edit("series-group-loop", [&](hid_t f) {
    const auto e = h5::read_strings_attribute(f, "endpoint_names").front();
    h5::check(H5Lcreate_hard(f, "/replicates", f, ("/replicates/" + e + "/loop").c_str(), H5P_DEFAULT,
                             H5P_DEFAULT),
              "link");
  });
  c.edit("series-soft-link", [&](hid_t f) {
    h5::check(H5Lcreate_soft("/nowhere", f, "/replicates/dangling", H5P_DEFAULT, H5P_DEFAULT), "link");
  });
  c.edit("series-external-link", [&](hid_t f) {
    h5::check(H5Lcreate_external("missing.h5", "/x", f, "/replicates/external", H5P_DEFAULT, H5P_DEFAULT), "link");
  });
  c.edit("methods-garbage", [&](hid_t f) {
    const auto e = h5::read_strings_attribute(f, "endpoint_names").front();
    put_value(f, "/replicates/" + e, "methods", std::string(",,logrank,,nothing,"));
  });
  c.edit("methods-int", [&](hid_t f) {
    const auto e = h5::read_strings_attribute(f, "endpoint_names").front();
    put_value(f, "/replicates/" + e, "methods", std::int64_t{4});
  });
  c.edit("measure-int", [&](hid_t f) {
    const auto p = series_ending(f, "/effect");
    const auto group = p.substr(0, p.rfind('/', p.rfind('/') - 1));
    put_value(f, group, "measure", std::int64_t{1});
  });
  // Group-sequential attributes (when the base file has them).
  const auto gs = [&](const std::string& kind, const std::string& name, const std::string& value) {
    c.edit(kind, [&](hid_t f) {
      const auto p = series_ending(f, "/effect");
      const auto group = p.substr(0, p.rfind('/', p.rfind('/') - 1));
      h5::Handle o = h5::check(H5Oopen(f, group.c_str(), H5P_DEFAULT), "open");
      if (H5Aexists(o, "gs_looks") > 0) put_value(f, group, name, value);
    });
  };
  gs("gs_looks-garbage", "gs_looks", "0.5,abc,1");
  gs("gs_looks-long", "gs_looks", "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1");
  gs("gs_boundaries-short", "gs_boundaries", "2.9");
  gs("gs_looks-empty", "gs_looks", "");
  gs("gs_looks-huge", "gs_looks", "1e400,nan,-inf");

  // Trajectories and validation targets (when the base file has them).
  c.edit("trajectory-times-short", [&](hid_t f) {
    if (!h5::exists(f, "/trajectories")) return;
    h5::Handle g = h5::open_group(f, "/trajectories");
    for (const auto& name : h5::member_names(g)) {
      const double t[2] = {0.0, 1.0};
      const hsize_t dims[1] = {2};
      h5::Handle space = h5::check(H5Screate_simple(1, dims, nullptr), "space");
      put_attribute(f, "/trajectories/" + name, "times", H5T_NATIVE_DOUBLE, space, t);
    }
  });
  c.edit("trajectory-times-string", [&](hid_t f) {
    if (!h5::exists(f, "/trajectories")) return;
    h5::Handle g = h5::open_group(f, "/trajectories");
    for (const auto& name : h5::member_names(g)) put_value(f, "/trajectories/" + name, "times", std::string("0,1"));
  });
  c.edit("trajectory-2d", [&](hid_t f) {
    if (!h5::exists(f, "/trajectories")) return;
    h5::Handle g = h5::open_group(f, "/trajectories");
    for (const auto& name : h5::member_names(g)) {
      replace_dataset(f, "/trajectories/" + name, H5T_IEEE_F64LE, {rows(f), cols(f)}, {1.0});
    }
  });
  c.edit("validation-event-short", [&](hid_t f) {
    if (!h5::exists(f, "/validation/target_0/event")) return;
    replace_dataset(f, "/validation/target_0/event", H5T_STD_I8LE, {3}, {1.0});
  });
  // The object header of a series zeroed: HDF5 itself fails to open it.
  c.damage("series-header-zeroed", [&](Bytes& b) {
    for (const auto& h : headers(c.source)) {
      if (h.path.rfind("replicates/", 0) != 0 || h.path.size() < 7 || h.path.compare(h.path.size() - 7, 7, "/effect")) {
        continue;
      }
      for (std::uint64_t i = h.address; i < std::min<std::uint64_t>(b.size(), h.address + 48); ++i) b[i] = 0;
      return;
    }
    throw std::runtime_error("no effect series");
  });
  c.edit("validation-time-2d", [&](hid_t f) {
    if (!h5::exists(f, "/validation/target_0/time")) return;
    replace_dataset(f, "/validation/target_0/time", H5T_IEEE_F64LE, {3, 3}, {1.0});
  });
}

// --- byte-level damage --------------------------------------------------------------

void byte_cases(Corpus& c, const Bytes& original) {
  std::mt19937_64 random(20240611);
  const auto pick = [&](std::uint64_t n) { return n == 0 ? 0 : random() % n; };
  const std::uint64_t size = original.size();

  // The superblock (the first 96 bytes of a version 0 superblock, fewer of later ones):
  // every third byte, all bits flipped.
  for (std::uint64_t k = 0; k < 96 && k < size; k += 3) {
    Bytes b = original;
    b[k] = static_cast<char>(~b[k]);
    c.bytes("superblock-" + std::to_string(k), b);
  }
  // Object headers (where the attribute, dataspace and datatype messages are): a random
  // bit of a random header, a run of one overwritten with random bytes, its start zeroed.
  std::vector<Header> objects;
  for (const auto& h : headers(c.source)) {
    if (h.address < size && h.size > 0) objects.push_back(h);
  }
  const auto header_byte = [&] {
    const Header& h = objects[pick(objects.size())];
    return h.address + pick(std::min(h.size, size - h.address));
  };
  for (int k = 0; k < 70 && !objects.empty(); ++k) {
    Bytes b = original;
    const std::uint64_t at = header_byte();
    b[at] = static_cast<char>(b[at] ^ (1 << pick(8)));
    c.bytes("header-flip-" + std::to_string(at), b);
  }
  for (int k = 0; k < 20 && !objects.empty(); ++k) {
    Bytes b = original;
    const std::uint64_t at = header_byte();
    for (std::uint64_t i = at; i < std::min(size, at + 16); ++i) b[i] = static_cast<char>(random());
    c.bytes("header-scramble-" + std::to_string(at), b);
  }
  for (int k = 0; k < 10 && !objects.empty(); ++k) {
    Bytes b = original;
    const std::uint64_t at = objects[pick(objects.size())].address;
    for (std::uint64_t i = at; i < std::min(size, at + 48); ++i) b[i] = 0;
    c.bytes("zeroed-header-" + std::to_string(at), b);
  }
  // Anywhere: single bytes, and eight bytes at once.
  for (int k = 0; k < 40; ++k) {
    Bytes b = original;
    const std::uint64_t at = pick(size);
    b[at] = static_cast<char>(~b[at]);
    c.bytes("flip-" + std::to_string(at), b);
  }
  for (int k = 0; k < 12; ++k) {
    Bytes b = original;
    for (int i = 0; i < 8; ++i) {
      const std::uint64_t at = pick(size);
      b[at] = static_cast<char>(random());
    }
    c.bytes("flip8-" + std::to_string(k), b);
  }
  // Truncations, from nothing to one byte short.
  for (std::uint64_t length : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{8}, std::uint64_t{64},
                               std::uint64_t{512}, std::uint64_t{2048}, size / 8, size / 4, size / 3, size / 2,
                               2 * size / 3, 3 * size / 4, 7 * size / 8, size - 4096, size - 512, size - 1}) {
    if (length >= size) continue;
    c.bytes("truncated-" + std::to_string(length), Bytes(original.begin(), original.begin() + static_cast<long>(length)));
  }
  // Zeroed ranges anywhere.
  for (int k = 0; k < 8; ++k) {
    Bytes b = original;
    const std::uint64_t at = pick(size);
    const std::uint64_t length = 1 + pick(4096);
    for (std::uint64_t i = at; i < std::min(size, at + length); ++i) b[i] = 0;
    c.bytes("zeroed-" + std::to_string(at) + "+" + std::to_string(length), b);
  }
  // Not HDF5 at all, and HDF5 but not silico.
  c.bytes("text", Bytes{'t', 'r', 'i', 'a', 'l', ':', '\n'});
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc == 4 ? argv[3] : "all";
  const bool one = which.rfind("case=", 0) == 0;
  if ((argc != 3 && argc != 4) || (which != "all" && which != "semantic" && !one)) {
    std::fprintf(stderr, "usage: corrupt_result IN.h5 OUTDIR [all|semantic]\n"
                         "       corrupt_result IN.h5 OUT.h5 case=NAME   (one semantic case, e.g. series-short)\n");
    return 2;
  }
  try {
    h5::quiet_errors();
    if (one) {
      Corpus c{argv[1], "", 0, which.substr(5), argv[2], false};
      semantic_cases(c);
      if (!c.found) throw std::runtime_error("no case " + c.only);
      return 0;
    }
    Corpus c{argv[1], argv[2], 0, "", "", false};
    fs::create_directories(c.dir);
    if (which == "all") byte_cases(c, read_bytes(c.source));
    if (which == "all") {
      const std::string path = c.name("foreign");
      h5::Handle f = h5::check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create");
      h5::Handle g = h5::create_group(f, "/data");
      h5::write_attribute(f, "title", std::string("someone else's file"));
    }
    semantic_cases(c);
    std::printf("%d\n", c.next);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "corrupt_result: %s\n", e.what());
    return 1;
  }
  return 0;
}
