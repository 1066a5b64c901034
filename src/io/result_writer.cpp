#include "io/result_writer.hpp"

#include "core/error.hpp"
#include "io/h5file.hpp"
#include "silico/version.hpp"

namespace silico::io {

namespace {
// 2^17 doubles = 1 MiB per chunk: large enough for efficient parallel I/O, small
// enough that a reader of one replicate does not pull in much more than it needs.
constexpr std::uint64_t kChunkColumns = std::uint64_t{1} << 17;

const char* distribution_name(spec::Distribution d) {
  switch (d) {
    case spec::Distribution::kNormal: return "normal";
    case spec::Distribution::kTruncatedNormal: return "truncated_normal";
    case spec::Distribution::kLognormal: return "lognormal";
    case spec::Distribution::kUniform: return "uniform";
    case spec::Distribution::kBernoulli: return "bernoulli";
    case spec::Distribution::kCategorical: return "categorical";
  }
  return "";
}
}  // namespace

struct ResultWriter::Impl {
  h5::Handle file;
  h5::Handle patient_id, arm, attempts;
  std::vector<h5::Handle> covariates;
  std::vector<bool> covariate_is_categorical;
  struct Endpoint {
    h5::Handle observed_value, observed_event;
    std::vector<h5::Handle> potential_value, potential_event;
    bool time_to_event = false;
  };
  std::vector<Endpoint> endpoints;
  std::vector<std::int32_t> scratch_codes;
  std::uint64_t enrolled = 0;  ///< replicates x patients
};

ResultWriter::ResultWriter(MPI_Comm comm, const std::string& path, const spec::TrialSpec& spec,
                           const RunInfo& info)
    : impl_(std::make_unique<Impl>()) {
  h5::quiet_errors();
  auto& f = impl_->file;
  f = h5::create_parallel(path, comm);
  const std::uint64_t rows = spec.trial.replicates;
  const std::uint64_t columns = spec.trial.patients;
  impl_->enrolled = rows * columns;
  const auto matrix = [&](const std::string& p, hid_t type) {
    return h5::create_matrix(f, p, type, rows, columns, kChunkColumns);
  };

  h5::write_attribute(f, "format_version", std::int64_t{kFormatVersion});
  h5::write_attribute(f, "silico_version", std::string(kVersion));
  h5::write_attribute(f, "git_commit", std::string(kGitCommit));
  h5::write_attribute(f, "spec_yaml", spec.source_text);
  h5::write_attribute(f, "spec_file", spec.source_file);
  h5::write_attribute(f, "seed", spec.trial.seed);
  h5::write_attribute(f, "created_utc", info.created_utc);
  h5::write_attribute(f, "mpi_ranks", std::int64_t{info.mpi_ranks});
  h5::write_attribute(f, "threads", std::int64_t{info.threads});
  h5::write_attribute(f, "command_line", info.command_line);
  h5::write_attribute(f, "status", std::string("incomplete"));
  h5::write_attribute(f, "trial_name", spec.trial.name);
  h5::write_attribute(f, "replicates", spec.trial.replicates);
  h5::write_attribute(f, "patients", spec.trial.patients);
  h5::write_attribute(f, "arm_names", spec.arm_names());
  h5::write_attribute(f, "control_arm", spec.arms[spec.control_arm].name);
  h5::write_attribute(f, "model", spec.model.name);
  h5::write_attribute(f, "time_unit", spec.trial.time_unit);
  h5::write_attribute(f, "follow_up", spec.trial.follow_up);
  h5::write_attribute(f, "alpha", spec.analysis.alpha);
  h5::write_attribute(f, "rmst_horizon", spec.analysis.rmst_horizon);
  std::vector<std::string> endpoint_names;
  for (const auto& e : spec.endpoints) endpoint_names.push_back(e.name);
  h5::write_attribute(f, "endpoint_names", endpoint_names);

  h5::Handle cohort = h5::create_group(f, "/cohort");
  if (!spec.cohort.source_text.empty()) {
    h5::write_attribute(cohort, "cohort_file", spec.cohort.source_file);
    h5::write_attribute(cohort, "cohort_yaml", spec.cohort.source_text);
  }
  impl_->patient_id = matrix("/cohort/patient_id", H5T_STD_U64LE);
  impl_->arm = matrix("/cohort/arm", H5T_STD_I32LE);
  impl_->attempts = matrix("/cohort/screening_attempts", H5T_STD_U32LE);
  for (const auto& c : spec.cohort.covariates) {
    const bool categorical = c.is_categorical();
    auto dataset = matrix("/cohort/covariates/" + c.name, categorical ? H5T_STD_I32LE : H5T_IEEE_F64LE);
    h5::write_attribute(dataset, "distribution", std::string(distribution_name(c.distribution)));
    if (!c.unit.empty()) h5::write_attribute(dataset, "unit", c.unit);
    if (categorical) h5::write_attribute(dataset, "levels", c.levels);
    impl_->covariates.push_back(std::move(dataset));
    impl_->covariate_is_categorical.push_back(categorical);
  }

  for (const auto& e : spec.endpoints) {
    Impl::Endpoint out;
    out.time_to_event = e.type == models::OutputType::kTimeToEvent;
    const std::string base = "/outcomes/" + e.name;
    h5::Handle group = h5::create_group(f, base);
    h5::write_attribute(group, "type", std::string(models::to_string(e.type)));
    h5::write_attribute(group, "model_output", spec.model.factory->outputs[e.output].name);
    if (out.time_to_event) h5::write_attribute(group, "time_unit", spec.trial.time_unit);
    const auto make = [&](const std::string& where, h5::Handle& value, h5::Handle& event) {
      if (out.time_to_event) {
        value = matrix(where + "/time", H5T_IEEE_F64LE);
        event = matrix(where + "/event", H5T_STD_I8LE);
      } else {
        value = matrix(where, H5T_IEEE_F64LE);
      }
    };
    make(base + "/observed", out.observed_value, out.observed_event);
    out.potential_value.resize(spec.arms.size());
    out.potential_event.resize(spec.arms.size());
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      make(base + "/potential/" + spec.arms[a].name, out.potential_value[a], out.potential_event[a]);
    }
    impl_->endpoints.push_back(std::move(out));
  }
}

ResultWriter::~ResultWriter() = default;

void ResultWriter::write_block(const sim::Block& b) {
  const auto write = [&](hid_t dataset, hid_t type, const void* data) {
    h5::write_row_segment(dataset, type, b.replicate, b.first, b.count, data);
  };
  write(impl_->patient_id, H5T_NATIVE_UINT64, b.patient_id.data());
  write(impl_->arm, H5T_NATIVE_INT32, b.arm.data());
  write(impl_->attempts, H5T_NATIVE_UINT32, b.screening_attempts.data());
  for (std::size_t j = 0; j < impl_->covariates.size(); ++j) {
    if (impl_->covariate_is_categorical[j]) {
      auto& codes = impl_->scratch_codes;
      codes.assign(b.count, 0);
      for (std::size_t i = 0; i < b.count; ++i) codes[i] = static_cast<std::int32_t>(b.covariates[j][i]);
      write(impl_->covariates[j], H5T_NATIVE_INT32, codes.data());
    } else {
      write(impl_->covariates[j], H5T_NATIVE_DOUBLE, b.count ? b.covariates[j].data() : nullptr);
    }
  }
  for (std::size_t e = 0; e < impl_->endpoints.size(); ++e) {
    const auto& out = impl_->endpoints[e];
    const auto& columns = b.endpoints[e];
    write(out.observed_value, H5T_NATIVE_DOUBLE, columns.observed_value.data());
    if (out.time_to_event) write(out.observed_event, H5T_NATIVE_INT8, columns.observed_event.data());
    for (std::size_t a = 0; a < out.potential_value.size(); ++a) {
      write(out.potential_value[a], H5T_NATIVE_DOUBLE, columns.potential_value[a].data());
      if (out.time_to_event) {
        write(out.potential_event[a], H5T_NATIVE_INT8, columns.potential_event[a].data());
      }
    }
  }
}

void ResultWriter::finish(std::uint64_t candidates_drawn) {
  auto& f = impl_->file;
  {
    // Attributes are metadata: every rank writes the same values.
    h5::Handle cohort = h5::open_group(f, "/cohort");
    h5::write_attribute(cohort, "candidates_drawn", candidates_drawn);
    h5::write_attribute(cohort, "acceptance_rate",
                        static_cast<double>(impl_->enrolled) / static_cast<double>(candidates_drawn));
  }
  h5::check(H5Adelete(f, "status"), "replace attribute status");
  h5::write_attribute(f, "status", std::string("complete"));
  impl_->covariates.clear();
  impl_->endpoints.clear();
  impl_->patient_id.reset();
  impl_->arm.reset();
  impl_->attempts.reset();
  f.reset();
}

}  // namespace silico::io
