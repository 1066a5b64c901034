#include "io/result_reader.hpp"

#include <algorithm>

#include <limits>

#include "core/error.hpp"
#include "io/h5file.hpp"
#include "silico/version.hpp"

namespace silico::io {

struct ResultReader::Impl {
  h5::Handle file;
};

ResultReader::ResultReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::quiet_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw UserError("'" + path + "' is not a readable HDF5 file");
  }
  impl_->file = h5::open_readonly(path);
  const hid_t f = impl_->file;
  if (!h5::has_attribute(f, "format_version")) {
    throw UserError("'" + path + "' is not a silico result file (no format_version attribute)");
  }
  auto& m = metadata_;
  m.format_version = h5::read_int_attribute(f, "format_version");
  if (m.format_version != kFormatVersion) {
    throw UserError("'" + path + "' has format_version " + std::to_string(m.format_version) +
                    "; this silico reads format_version " + std::to_string(kFormatVersion));
  }
  m.status = h5::read_string_attribute(f, "status");
  if (m.status != "complete") {
    throw UserError("'" + path + "' is not complete (status = " + m.status + ")");
  }
  m.silico_version = h5::read_string_attribute(f, "silico_version");
  m.trial_name = h5::read_string_attribute(f, "trial_name");
  m.seed = h5::read_uint_attribute(f, "seed");
  m.replicates = h5::read_uint_attribute(f, "replicates");
  m.first_replicate = h5::read_uint_attribute(f, "first_replicate");
  m.study_replicates = h5::read_uint_attribute(f, "study_replicates");
  m.patients = h5::read_uint_attribute(f, "patients");
  m.arm_names = h5::read_strings_attribute(f, "arm_names");
  m.control_arm = h5::read_string_attribute(f, "control_arm");
  m.endpoint_names = h5::read_strings_attribute(f, "endpoint_names");
  m.time_unit = h5::read_string_attribute(f, "time_unit");
  m.follow_up = h5::read_double_attribute(f, "follow_up");
  m.alpha = h5::read_double_attribute(f, "alpha");
  m.rmst_horizon = h5::read_double_attribute(f, "rmst_horizon");
  h5::Handle cohort = h5::open_group(f, "/cohort");
  m.acceptance_rate = h5::read_double_attribute(cohort, "acceptance_rate");
}

ResultReader::~ResultReader() = default;

bool ResultReader::is_time_to_event(const std::string& endpoint) const {
  h5::Handle group = h5::open_group(impl_->file, "/outcomes/" + endpoint);
  return h5::read_string_attribute(group, "type") == "time_to_event";
}

std::vector<std::int32_t> ResultReader::arms(std::uint64_t replicate, std::uint64_t count) const {
  std::vector<std::int32_t> values(std::min(count, metadata_.patients));
  h5::Handle d = h5::open_dataset(impl_->file, "/cohort/arm");
  h5::read_row_segment(d, H5T_NATIVE_INT32, replicate, 0, values.size(), values.data());
  return values;
}

std::map<std::string, std::vector<double>> ResultReader::series() const {
  std::map<std::string, std::vector<double>> out;
  if (!h5::exists(impl_->file, "/replicates")) return out;
  h5::Handle group = h5::open_group(impl_->file, "/replicates");
  for (const auto& path : h5::dataset_paths(group)) {
    h5::Handle d = h5::open_dataset(group, path);
    out[path] = h5::read_vector(d);
  }
  return out;
}

std::string ResultReader::series_attribute(const std::string& group, const std::string& name) const {
  const std::string path = "/replicates/" + group;
  if (!h5::exists(impl_->file, path)) return "";
  h5::Handle g = h5::open_group(impl_->file, path);
  return h5::has_attribute(g, name) ? h5::read_string_attribute(g, name) : "";
}

std::vector<double> ResultReader::covariate(const std::string& name, std::uint64_t replicate,
                                            std::uint64_t count) const {
  std::vector<double> values(std::min(count, metadata_.patients));
  h5::Handle d = h5::open_dataset(impl_->file, "/cohort/covariates/" + name);
  h5::read_row_segment(d, H5T_NATIVE_DOUBLE, replicate, 0, values.size(), values.data());
  return values;
}

std::vector<std::string> ResultReader::trajectory_names() const {
  if (!h5::exists(impl_->file, "/trajectories")) return {};
  h5::Handle group = h5::open_group(impl_->file, "/trajectories");
  return h5::member_names(group);
}

Trajectories ResultReader::trajectories(const std::string& name, std::uint64_t replicate, std::uint64_t first,
                                        std::uint64_t count) const {
  h5::Handle d = h5::open_dataset(impl_->file, "/trajectories/" + name);
  Trajectories t;
  t.times_days = h5::read_doubles_attribute(d, "times");
  t.unit = h5::has_attribute(d, "unit") ? h5::read_string_attribute(d, "unit") : "";
  const std::uint64_t patients = metadata_.patients;
  first = std::min(first, patients);
  t.values = h5::read_cube_rows(d, replicate, first, std::min(count, patients - first));
  return t;
}

std::vector<std::string> ResultReader::covariate_names() const {
  h5::Handle group = h5::open_group(impl_->file, "/cohort/covariates");
  return h5::member_names(group);
}

namespace {

/// The object at `path` (group or dataset), or an invalid handle when there is none.
h5::Handle open_object(hid_t file, const std::string& path) {
  if (path != "/" && !h5::exists(file, path)) return h5::Handle();
  return h5::check(H5Oopen(file, path.c_str(), H5P_DEFAULT), "open " + path);
}

}  // namespace

bool ResultReader::has_attribute(const std::string& object, const std::string& name) const {
  h5::Handle o = open_object(impl_->file, object);
  return o.get() >= 0 && h5::has_attribute(o, name);
}

std::string ResultReader::string_attribute(const std::string& object, const std::string& name) const {
  h5::Handle o = open_object(impl_->file, object);
  return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_string_attribute(o, name) : "";
}

std::vector<std::string> ResultReader::strings_attribute(const std::string& object, const std::string& name) const {
  h5::Handle o = open_object(impl_->file, object);
  return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_strings_attribute(o, name) : std::vector<std::string>{};
}

std::int64_t ResultReader::integer_attribute(const std::string& object, const std::string& name) const {
  h5::Handle o = open_object(impl_->file, object);
  return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_int_attribute(o, name) : 0;
}

double ResultReader::double_attribute(const std::string& object, const std::string& name) const {
  h5::Handle o = open_object(impl_->file, object);
  return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_double_attribute(o, name)
                                                    : std::numeric_limits<double>::quiet_NaN();
}

Outcomes ResultReader::read_outcomes(const std::string& path, bool time_to_event, std::uint64_t replicate,
                                     std::uint64_t count) const {
  Outcomes out;
  const std::uint64_t n = std::min(count, metadata_.patients);
  out.value.resize(n);
  if (!time_to_event) {
    h5::Handle d = h5::open_dataset(impl_->file, path);
    h5::read_row_segment(d, H5T_NATIVE_DOUBLE, replicate, 0, n, out.value.data());
    return out;
  }
  out.event.resize(n);
  h5::Handle time = h5::open_dataset(impl_->file, path + "/time");
  h5::read_row_segment(time, H5T_NATIVE_DOUBLE, replicate, 0, n, out.value.data());
  h5::Handle event = h5::open_dataset(impl_->file, path + "/event");
  h5::read_row_segment(event, H5T_NATIVE_INT8, replicate, 0, n, out.event.data());
  return out;
}

Outcomes ResultReader::observed(const std::string& endpoint, std::uint64_t replicate, std::uint64_t count) const {
  return read_outcomes("/outcomes/" + endpoint + "/observed", is_time_to_event(endpoint), replicate, count);
}

Outcomes ResultReader::potential(const std::string& endpoint, const std::string& arm,
                                 std::uint64_t replicate) const {
  return read_outcomes("/outcomes/" + endpoint + "/potential/" + arm, is_time_to_event(endpoint),
                       replicate);
}

std::optional<Outcomes> ResultReader::validation_outcomes(std::size_t index) const {
  const std::string base = "/validation/target_" + std::to_string(index);
  if (!h5::exists(impl_->file, "/validation") || !h5::exists(impl_->file, base)) return std::nullopt;
  Outcomes out;
  if (h5::exists(impl_->file, base + "/time")) {
    out.value = h5::read_vector(h5::open_dataset(impl_->file, base + "/time"));
    for (double e : h5::read_vector(h5::open_dataset(impl_->file, base + "/event"))) {
      out.event.push_back(static_cast<std::int8_t>(e == 1.0));
    }
  } else {
    out.value = h5::read_vector(h5::open_dataset(impl_->file, base + "/value"));
  }
  return out;
}

}  // namespace silico::io
