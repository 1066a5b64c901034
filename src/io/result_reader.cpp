#include "io/result_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"
#include "io/h5file.hpp"
#include "io/result_checks.hpp"

namespace silico::io {

struct ResultReader::Impl {
  std::string path;
  h5::Handle file;
  std::map<std::string, bool> time_to_event;  ///< per endpoint, from its checked `type`

  /// `read()`, with an HDF5 failure reported as a damaged file, naming `object`.
  template <class Read>
  auto guard(const std::string& object, Read&& read) const {
    return reading(path, object, std::forward<Read>(read));
  }
};

ResultReader::ResultReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::quiet_errors();
  impl_->path = path;
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw UserError("'" + path + "' is not a readable HDF5 file");
  }
  impl_->file = impl_->guard("the file", [&] {
    return h5::check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open it");
  });
  const hid_t f = impl_->file;
  // Everything is checked here, before any caller sees a value: afterwards every read is
  // within the shapes the metadata promise.
  metadata_ = read_checked_metadata(f, path);
  check_layout(f, path, metadata_);
  for (const auto& e : metadata_.endpoint_names) {
    impl_->time_to_event[e] = impl_->guard("/outcomes/" + e, [&] {
      return h5::read_string_attribute(h5::open_group(f, "/outcomes/" + e), "type") == "time_to_event";
    });
  }
}

ResultReader::~ResultReader() = default;

const std::string& ResultReader::path() const { return impl_->path; }

bool ResultReader::is_time_to_event(const std::string& endpoint) const {
  const auto found = impl_->time_to_event.find(endpoint);
  if (found == impl_->time_to_event.end()) throw std::invalid_argument("no endpoint '" + endpoint + "'");
  return found->second;
}

std::vector<std::int32_t> ResultReader::arms(std::uint64_t replicate, std::uint64_t count) const {
  std::vector<std::int32_t> values(std::min(count, metadata_.patients));
  impl_->guard("/cohort/arm", [&] {
    h5::Handle d = h5::open_dataset(impl_->file, "/cohort/arm");
    h5::read_row_segment(d, H5T_NATIVE_INT32, replicate, 0, values.size(), values.data());
  });
  // Callers index arm_names with these.
  const auto arms = static_cast<std::int64_t>(metadata_.arm_names.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 0 || values[i] >= arms) {
      damaged(impl_->path, "/cohort/arm has arm " + std::to_string(values[i]) + " for patient " + std::to_string(i) +
                               " of row " + std::to_string(replicate) + "; the trial has " + std::to_string(arms) +
                               " arms");
    }
  }
  return values;
}

std::vector<double> ResultReader::entry_times(std::uint64_t replicate, std::uint64_t count) const {
  if (!h5::exists(impl_->file, "/cohort/entry_time")) return {};
  std::vector<double> values(std::min(count, metadata_.patients));
  impl_->guard("/cohort/entry_time", [&] {
    h5::Handle d = h5::open_dataset(impl_->file, "/cohort/entry_time");
    h5::read_row_segment(d, H5T_NATIVE_DOUBLE, replicate, 0, values.size(), values.data());
  });
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!(std::isfinite(values[i]) && values[i] >= 0.0)) {
      damaged(impl_->path, "/cohort/entry_time is " + std::to_string(values[i]) + " for patient " + std::to_string(i) +
                               " of row " + std::to_string(replicate) + ", not a time >= 0");
    }
  }
  return values;
}

std::map<std::string, std::vector<double>> ResultReader::series() const {
  std::map<std::string, std::vector<double>> out;
  if (!h5::exists(impl_->file, "/replicates")) return out;
  const auto paths =
      impl_->guard("/replicates", [&] { return h5::dataset_paths(h5::open_group(impl_->file, "/replicates")); });
  for (const auto& path : paths) {
    auto values = impl_->guard("/replicates/" + path, [&] {
      return h5::read_vector(h5::open_dataset(impl_->file, "/replicates/" + path));
    });
    // Checked when opened; checked again here because callers index each by replicate.
    if (values.size() != metadata_.replicates) {
      damaged(impl_->path, "series /replicates/" + path + " has " + std::to_string(values.size()) +
                               " values, not one per replicate (" + std::to_string(metadata_.replicates) + ")");
    }
    out[path] = std::move(values);
  }
  return out;
}

std::string ResultReader::series_attribute(const std::string& group, const std::string& name) const {
  const std::string path = "/replicates/" + group;
  if (!h5::exists(impl_->file, path)) return "";
  return impl_->guard("attribute " + name + " of " + path, [&] {
    h5::Handle g = h5::open_group(impl_->file, path);
    return h5::has_attribute(g, name) ? h5::read_string_attribute(g, name) : std::string();
  });
}

std::vector<double> ResultReader::covariate(const std::string& name, std::uint64_t replicate,
                                            std::uint64_t count) const {
  std::vector<double> values(std::min(count, metadata_.patients));
  const std::string path = "/cohort/covariates/" + name;
  impl_->guard(path, [&] {
    h5::Handle d = h5::open_dataset(impl_->file, path);
    h5::read_row_segment(d, H5T_NATIVE_DOUBLE, replicate, 0, values.size(), values.data());
  });
  return values;
}

std::vector<std::string> ResultReader::trajectory_names() const {
  if (!h5::exists(impl_->file, "/trajectories")) return {};
  return impl_->guard("/trajectories",
                      [&] { return h5::member_names(h5::open_group(impl_->file, "/trajectories")); });
}

Trajectories ResultReader::trajectories(const std::string& name, std::uint64_t replicate, std::uint64_t first,
                                        std::uint64_t count) const {
  return impl_->guard("/trajectories/" + name, [&] {
    h5::Handle d = h5::open_dataset(impl_->file, "/trajectories/" + name);
    Trajectories t;
    t.times_days = h5::read_doubles_attribute(d, "times");
    t.unit = h5::has_attribute(d, "unit") ? h5::read_string_attribute(d, "unit") : "";
    const std::uint64_t patients = metadata_.patients;
    first = std::min(first, patients);
    t.values = h5::read_cube_rows(d, replicate, first, std::min(count, patients - first));
    return t;
  });
}

std::vector<std::string> ResultReader::covariate_names() const {
  if (!h5::exists(impl_->file, "/cohort/covariates")) return {};
  return impl_->guard("/cohort/covariates",
                      [&] { return h5::member_names(h5::open_group(impl_->file, "/cohort/covariates")); });
}

std::vector<std::string> ResultReader::parameter_names() const {
  if (!h5::exists(impl_->file, "/cohort/parameters")) return {};
  return impl_->guard("/cohort/parameters",
                      [&] { return h5::member_names(h5::open_group(impl_->file, "/cohort/parameters")); });
}

std::vector<double> ResultReader::parameter(const std::string& name, std::uint64_t replicate,
                                            std::uint64_t count) const {
  const std::string path = "/cohort/parameters/" + name;
  if (!h5::exists(impl_->file, "/cohort/parameters") || !h5::exists(impl_->file, path)) {
    throw UserError("'" + impl_->path + "' has no individual parameter '" + name + "'");
  }
  std::vector<double> values(std::min(count, metadata_.patients));
  impl_->guard(path, [&] {
    h5::read_row_segment(h5::open_dataset(impl_->file, path), H5T_NATIVE_DOUBLE, replicate, 0, values.size(),
                         values.data());
  });
  // NaN marks a patient whose model failed, and only such a patient.
  std::vector<std::int8_t> failed(values.size(), 0);
  if (h5::exists(impl_->file, "/cohort/model_failed")) {
    impl_->guard("/cohort/model_failed", [&] {
      h5::read_row_segment(h5::open_dataset(impl_->file, "/cohort/model_failed"), H5T_NATIVE_INT8, replicate, 0,
                           failed.size(), failed.data());
    });
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (failed[i] == 1 ? !std::isnan(values[i]) : !std::isfinite(values[i])) {
      damaged(impl_->path, path + " is " + std::to_string(values[i]) + " for patient " + std::to_string(i) +
                               " of row " + std::to_string(replicate) +
                               (failed[i] == 1 ? ", whose model failed (NaN expected)" : ", not a finite number"));
    }
  }
  return values;
}

namespace {

/// The object at `path` (group or dataset), or an invalid handle when there is none.
h5::Handle open_object(hid_t file, const std::string& path) {
  if (path != "/" && !h5::exists(file, path)) return h5::Handle();
  return h5::check(H5Oopen(file, path.c_str(), H5P_DEFAULT), "open " + path);
}

}  // namespace

bool ResultReader::has_attribute(const std::string& object, const std::string& name) const {
  return impl_->guard(object, [&] {
    h5::Handle o = open_object(impl_->file, object);
    return o.get() >= 0 && h5::has_attribute(o, name);
  });
}

std::string ResultReader::string_attribute(const std::string& object, const std::string& name) const {
  return impl_->guard("attribute " + name + " of " + object, [&] {
    h5::Handle o = open_object(impl_->file, object);
    return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_string_attribute(o, name) : std::string();
  });
}

std::vector<std::string> ResultReader::strings_attribute(const std::string& object, const std::string& name) const {
  return impl_->guard("attribute " + name + " of " + object, [&] {
    h5::Handle o = open_object(impl_->file, object);
    return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_strings_attribute(o, name)
                                                      : std::vector<std::string>{};
  });
}

std::int64_t ResultReader::integer_attribute(const std::string& object, const std::string& name) const {
  return impl_->guard("attribute " + name + " of " + object, [&] {
    h5::Handle o = open_object(impl_->file, object);
    return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_int_attribute(o, name) : std::int64_t{0};
  });
}

double ResultReader::double_attribute(const std::string& object, const std::string& name) const {
  return impl_->guard("attribute " + name + " of " + object, [&] {
    h5::Handle o = open_object(impl_->file, object);
    return o.get() >= 0 && h5::has_attribute(o, name) ? h5::read_double_attribute(o, name)
                                                      : std::numeric_limits<double>::quiet_NaN();
  });
}

Outcomes ResultReader::read_outcomes(const std::string& path, bool time_to_event, std::uint64_t replicate,
                                     std::uint64_t count) const {
  Outcomes out;
  const std::uint64_t n = std::min(count, metadata_.patients);
  out.value.resize(n);
  if (!time_to_event) {
    impl_->guard(path, [&] {
      h5::read_row_segment(h5::open_dataset(impl_->file, path), H5T_NATIVE_DOUBLE, replicate, 0, n, out.value.data());
    });
    return out;
  }
  out.event.resize(n);
  impl_->guard(path + "/time", [&] {
    h5::read_row_segment(h5::open_dataset(impl_->file, path + "/time"), H5T_NATIVE_DOUBLE, replicate, 0, n,
                         out.value.data());
  });
  impl_->guard(path + "/event", [&] {
    h5::read_row_segment(h5::open_dataset(impl_->file, path + "/event"), H5T_NATIVE_INT8, replicate, 0, n,
                         out.event.data());
  });
  check_events(path + "/event", out.event);
  // Times are >= 0, or NaN for a patient whose model failed.
  for (std::size_t i = 0; i < n; ++i) {
    const double t = out.value[i];
    if (!std::isnan(t) && !(t >= 0.0 && std::isfinite(t))) {
      damaged(impl_->path, path + "/time has " + std::to_string(t) + " for patient " + std::to_string(i) +
                               ", not a time >= 0");
    }
  }
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
  const auto vector = [&](const std::string& path) {
    return impl_->guard(path, [&] { return h5::read_vector(h5::open_dataset(impl_->file, path)); });
  };
  Outcomes out;
  if (h5::exists(impl_->file, base + "/time")) {
    out.value = vector(base + "/time");
    for (double e : vector(base + "/event")) out.event.push_back(static_cast<std::int8_t>(e == 1.0));
    if (out.event.size() != out.value.size()) damaged(impl_->path, base + "/event and /time differ in length");
  } else {
    out.value = vector(base + "/value");
  }
  return out;
}

void ResultReader::check_events(const std::string& path, const std::vector<std::int8_t>& events) const {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i] != 0 && events[i] != 1) {
      damaged(impl_->path, path + " has " + std::to_string(events[i]) + " for patient " + std::to_string(i) +
                               ", not 1 (event) or 0 (censored)");
    }
  }
}

}  // namespace silico::io
