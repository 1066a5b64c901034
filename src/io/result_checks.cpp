#include "io/result_checks.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "silico/version.hpp"

namespace silico::io {

void damaged(const std::string& path, const std::string& what) {
  throw UserError("'" + path + "' is damaged or not a silico result file: " + what);
}

namespace {

std::string dims_text(const std::vector<std::uint64_t>& dims) {
  std::string text = "[";
  for (std::size_t k = 0; k < dims.size(); ++k) text += (k ? ", " : "") + std::to_string(dims[k]);
  return text + "]";
}

/// Names that become parts of HDF5 paths (/outcomes/<endpoint>/potential/<arm>): a '/' or
/// a "." would lead elsewhere in the file.
void check_names(const std::string& path, const std::string& attribute, const std::vector<std::string>& names) {
  if (names.empty()) damaged(path, "attribute " + attribute + " lists no names");
  std::set<std::string> seen;
  for (const auto& n : names) {
    if (n.empty() || n == "." || n == ".." || n.find('/') != std::string::npos || n.size() > 1024) {
      damaged(path, "attribute " + attribute + " has a name that cannot be one: '" + n.substr(0, 64) + "'");
    }
    if (!seen.insert(n).second) damaged(path, "attribute " + attribute + " names '" + n + "' twice");
  }
}

struct DatasetInfo {
  std::vector<std::uint64_t> dims;
  H5T_class_t type_class = H5T_NO_CLASS;
};

/// The shape and element class of a dataset; a number's type must also have a size the
/// readers can convert from (h5::check_number_type), so a damaged one is found here.
DatasetInfo describe(hid_t file, const std::string& object) {
  h5::Handle d = h5::open_dataset(file, object);
  h5::Handle type = h5::check(H5Dget_type(d), "read the type of " + object);
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class == H5T_INTEGER || type_class == H5T_FLOAT)
    h5::check_number_type(type, "dataset " + object);
  return {h5::shape(d), type_class};
}

enum class Kind { kFloat, kInteger, kNumber };

bool is_kind(H5T_class_t c, Kind kind) {
  switch (kind) {
    case Kind::kFloat: return c == H5T_FLOAT;
    case Kind::kInteger: return c == H5T_INTEGER;
    case Kind::kNumber: return c == H5T_FLOAT || c == H5T_INTEGER;
  }
  return false;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kFloat: return "floating-point";
    case Kind::kInteger: return "integer";
    case Kind::kNumber: return "numeric";
  }
  return "";
}

/// The dataset at `object` exists, is of `kind` and has `dims` (`what` names them).
void expect_dataset(hid_t file, const std::string& path, const std::string& object, Kind kind,
                    const std::vector<std::uint64_t>& dims, const std::string& what) {
  if (!h5::exists(file, object)) damaged(path, "it has no dataset " + object);
  const DatasetInfo d = reading(path, object, [&] { return describe(file, object); });
  if (!is_kind(d.type_class, kind)) damaged(path, "dataset " + object + " is not " + kind_name(kind));
  if (d.dims != dims) {
    damaged(path, "dataset " + object + " is " + dims_text(d.dims) + ", not " + what + " = " + dims_text(dims));
  }
}

void check_outcomes(hid_t file, const std::string& path, const ResultMetadata& m) {
  const std::vector<std::uint64_t> matrix = {m.replicates, m.patients};
  const std::string what = "[replicates, patients]";
  for (const auto& e : m.endpoint_names) {
    const std::string base = "/outcomes/" + e;
    if (!h5::exists(file, base)) damaged(path, "it has no " + base + " for endpoint '" + e + "'");
    const std::string type = reading(path, "attribute type of " + base, [&] {
      return h5::read_string_attribute(h5::open_group(file, base), "type");
    });
    if (type != "continuous" && type != "binary" && type != "time_to_event") {
      damaged(path, base + " has type '" + type.substr(0, 64) + "', not continuous, binary or time_to_event");
    }
    const auto expect = [&](const std::string& at) {
      if (type == "time_to_event") {
        expect_dataset(file, path, at + "/time", Kind::kFloat, matrix, what);
        expect_dataset(file, path, at + "/event", Kind::kInteger, matrix, what);
      } else {
        expect_dataset(file, path, at, type == "binary" ? Kind::kInteger : Kind::kFloat, matrix, what);
      }
    };
    expect(base + "/observed");
    for (const auto& arm : m.arm_names) expect(base + "/potential/" + arm);
    if (h5::exists(file, base + "/prognostic_score")) {
      expect_dataset(file, path, base + "/prognostic_score", Kind::kFloat, matrix, what);
    }
  }
}

void check_cohort(hid_t file, const std::string& path, const ResultMetadata& m) {
  const std::vector<std::uint64_t> matrix = {m.replicates, m.patients};
  const std::string what = "[replicates, patients]";
  expect_dataset(file, path, "/cohort/arm", Kind::kInteger, matrix, what);
  if (h5::exists(file, "/cohort/entry_time")) {
    expect_dataset(file, path, "/cohort/entry_time", Kind::kFloat, matrix, what);
  }
  // Individual parameters: float64 per patient, from models that have them.
  if (h5::exists(file, "/cohort/parameters")) {
    const auto names = reading(path, "/cohort/parameters",
                               [&] { return h5::member_names(h5::open_group(file, "/cohort/parameters")); });
    for (const auto& name : names) {
      expect_dataset(file, path, "/cohort/parameters/" + name, Kind::kFloat, matrix, what);
    }
  }
  if (!h5::exists(file, "/cohort/covariates")) return;
  const auto names = reading(path, "/cohort/covariates",
                             [&] { return h5::member_names(h5::open_group(file, "/cohort/covariates")); });
  for (const auto& name : names) {
    expect_dataset(file, path, "/cohort/covariates/" + name, Kind::kNumber, matrix, what);
  }
}

void check_trajectories(hid_t file, const std::string& path, const ResultMetadata& m) {
  if (!h5::exists(file, "/trajectories")) return;
  const auto names =
      reading(path, "/trajectories", [&] { return h5::member_names(h5::open_group(file, "/trajectories")); });
  for (const auto& name : names) {
    const std::string object = "/trajectories/" + name;
    const DatasetInfo d = reading(path, object, [&] { return describe(file, object); });
    if (d.type_class != H5T_FLOAT) damaged(path, "dataset " + object + " is not floating-point");
    if (d.dims.size() != 3 || d.dims[0] != m.replicates || d.dims[1] != m.patients) {
      damaged(path, "dataset " + object + " is " + dims_text(d.dims) + ", not [replicates, patients, times] = [" +
                        std::to_string(m.replicates) + ", " + std::to_string(m.patients) + ", T]");
    }
    const auto times = reading(path, "attribute times of " + object, [&] {
      return h5::read_doubles_attribute(h5::open_dataset(file, object), "times");
    });
    if (times.size() != d.dims[2]) {
      damaged(path, "dataset " + object + " has " + std::to_string(d.dims[2]) + " time points but " +
                        std::to_string(times.size()) + " times");
    }
    for (double t : times) {
      if (!std::isfinite(t)) damaged(path, "attribute times of " + object + " has a time that is not finite");
    }
  }
}

/// /procova: 1-D datasets, the historical cohort's all of one length, each model's
/// coefficients one per term.
void check_procova(hid_t file, const std::string& path) {
  if (!h5::exists(file, "/procova")) return;
  const auto one_dimensional = [&](const std::string& object, Kind kind) {
    const DatasetInfo d = reading(path, object, [&] { return describe(file, object); });
    if (!is_kind(d.type_class, kind) || d.dims.size() != 1) {
      damaged(path, "dataset " + object + " is not a 1-D " + kind_name(kind) + " array");
    }
    return d.dims[0];
  };
  const auto members = [&](const std::string& group) {
    if (!h5::exists(file, group)) damaged(path, "it has no group " + group);
    return reading(path, group, [&] { return h5::member_names(h5::open_group(file, group)); });
  };
  std::optional<std::uint64_t> patients;
  const auto same_length = [&](const std::string& object, std::uint64_t n) {
    if (patients && *patients != n) damaged(path, "dataset " + object + " differs in length from the other /procova data");
    patients = n;
  };
  for (const auto& name : members("/procova/covariates")) {
    const std::string object = "/procova/covariates/" + name;
    same_length(object, one_dimensional(object, Kind::kNumber));
  }
  const auto covariates = members("/procova/covariates").size();
  const auto outcomes = members("/procova/outcomes");
  for (const auto& name : outcomes) {
    const std::string object = "/procova/outcomes/" + name;
    same_length(object, one_dimensional(object, Kind::kFloat));
  }
  for (const auto& name : members("/procova/coefficients")) {
    const std::string object = "/procova/coefficients/" + name;
    if (std::find(outcomes.begin(), outcomes.end(), name) == outcomes.end()) {
      damaged(path, "dataset " + object + " has no /procova/outcomes/" + name + " it was fitted on");
    }
    const auto n = one_dimensional(object, Kind::kFloat);
    if (n != covariates + 1) {
      damaged(path, "dataset " + object + " has " + std::to_string(n) + " coefficients for " +
                        std::to_string(covariates) + " covariates (expected an intercept and one each)");
    }
    const auto terms = reading(path, "attribute terms of " + object, [&] {
      return h5::read_strings_attribute(h5::open_dataset(file, object), "terms");
    });
    if (terms.size() != n) {
      damaged(path, "dataset " + object + " has " + std::to_string(n) + " coefficients but " +
                        std::to_string(terms.size()) + " terms");
    }
  }
}

void check_series(hid_t file, const std::string& path, const ResultMetadata& m) {
  if (!h5::exists(file, "/replicates")) return;
  const auto series =
      reading(path, "/replicates", [&] { return h5::dataset_paths(h5::open_group(file, "/replicates")); });
  for (const auto& s : series) {
    expect_dataset(file, path, "/replicates/" + s, Kind::kFloat, {m.replicates}, "[replicates]");
  }
}

void check_validation(hid_t file, const std::string& path) {
  if (!h5::exists(file, "/validation")) return;
  const auto targets =
      reading(path, "/validation", [&] { return h5::member_names(h5::open_group(file, "/validation")); });
  for (const auto& target : targets) {
    const std::string base = "/validation/" + target;
    const auto one_dimensional = [&](const std::string& object, Kind kind) {
      if (!h5::exists(file, object)) damaged(path, "it has no dataset " + object);
      const DatasetInfo d = reading(path, object, [&] { return describe(file, object); });
      if (!is_kind(d.type_class, kind) || d.dims.size() != 1) {
        damaged(path, "dataset " + object + " is not a 1-D " + kind_name(kind) + " array");
      }
      return d.dims[0];
    };
    if (h5::exists(file, base + "/time")) {
      const auto n = one_dimensional(base + "/time", Kind::kFloat);
      if (one_dimensional(base + "/event", Kind::kInteger) != n) {
        damaged(path, base + "/event and " + base + "/time differ in length");
      }
    } else {
      one_dimensional(base + "/value", Kind::kNumber);
    }
  }
}

}  // namespace

ResultMetadata read_checked_metadata(hid_t f, const std::string& path) {
  if (!h5::has_attribute(f, "format_version")) {
    throw UserError("'" + path + "' is not a silico result file (no format_version attribute)");
  }
  ResultMetadata m;
  const auto attribute = [&](const char* name, auto read) {
    if (!h5::has_attribute(f, name)) damaged(path, std::string("it has no root attribute ") + name);
    return reading(path, std::string("root attribute ") + name, [&] { return read(f, name); });
  };
  m.format_version = attribute("format_version", h5::read_int_attribute);
  if (m.format_version != kFormatVersion) {
    throw UserError("'" + path + "' has format_version " + std::to_string(m.format_version) +
                    "; this silico reads format_version " + std::to_string(kFormatVersion));
  }
  m.status = attribute("status", h5::read_string_attribute);
  if (m.status != "complete") {
    throw UserError("'" + path + "' is not complete (status = " + m.status.substr(0, 64) + ")");
  }
  m.silico_version = attribute("silico_version", h5::read_string_attribute);
  m.trial_name = attribute("trial_name", h5::read_string_attribute);
  m.seed = attribute("seed", h5::read_uint_attribute);
  m.replicates = attribute("replicates", h5::read_uint_attribute);
  m.first_replicate = attribute("first_replicate", h5::read_uint_attribute);
  m.study_replicates = attribute("study_replicates", h5::read_uint_attribute);
  m.patients = attribute("patients", h5::read_uint_attribute);
  m.arm_names = attribute("arm_names", h5::read_strings_attribute);
  m.control_arm = attribute("control_arm", h5::read_string_attribute);
  m.endpoint_names = attribute("endpoint_names", h5::read_strings_attribute);
  m.time_unit = attribute("time_unit", h5::read_string_attribute);
  m.follow_up = attribute("follow_up", h5::read_double_attribute);
  m.alpha = attribute("alpha", h5::read_double_attribute);
  m.rmst_horizon = attribute("rmst_horizon", h5::read_double_attribute);
  if (!h5::exists(f, "/cohort")) damaged(path, "it has no /cohort group");
  if (!reading(path, "/cohort", [&] { return h5::has_attribute(h5::open_group(f, "/cohort"), "acceptance_rate"); })) {
    damaged(path, "/cohort has no attribute acceptance_rate");
  }
  m.acceptance_rate = reading(path, "attribute acceptance_rate of /cohort", [&] {
    return h5::read_double_attribute(h5::open_group(f, "/cohort"), "acceptance_rate");
  });

  if (m.patients < 1) damaged(path, "patients is 0");
  if (m.replicates < 1) damaged(path, "replicates is 0");
  if (m.first_replicate >= m.study_replicates || m.replicates > m.study_replicates - m.first_replicate) {
    damaged(path, "it says it holds replicates " + std::to_string(m.first_replicate) + " to " +
                      std::to_string(m.first_replicate) + " + " + std::to_string(m.replicates) +
                      " - 1 of a study of " + std::to_string(m.study_replicates));
  }
  check_names(path, "arm_names", m.arm_names);
  check_names(path, "endpoint_names", m.endpoint_names);
  if (std::find(m.arm_names.begin(), m.arm_names.end(), m.control_arm) == m.arm_names.end()) {
    damaged(path, "control_arm '" + m.control_arm.substr(0, 64) + "' is not one of arm_names");
  }
  if (!(m.alpha > 0.0 && m.alpha < 1.0)) damaged(path, "alpha is not in (0, 1)");
  if (!(std::isfinite(m.follow_up) && m.follow_up > 0.0)) damaged(path, "follow_up is not a number > 0");
  if (!(std::isfinite(m.rmst_horizon) && m.rmst_horizon >= 0.0)) damaged(path, "rmst_horizon is not a number >= 0");
  if (!(m.acceptance_rate > 0.0 && m.acceptance_rate <= 1.0)) {
    damaged(path, "acceptance_rate of /cohort is not in (0, 1]");
  }
  return m;
}

void check_layout(hid_t file, const std::string& path, const ResultMetadata& m) {
  check_cohort(file, path, m);
  check_outcomes(file, path, m);
  check_trajectories(file, path, m);
  check_series(file, path, m);
  check_validation(file, path);
  check_procova(file, path);
}

}  // namespace silico::io
