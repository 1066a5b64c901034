#include "io/result_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "io/block_digest.hpp"
#include "io/h5file.hpp"
#include "sim/prognostic.hpp"
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
  h5::Handle patient_id, arm, attempts, failed;
  h5::Handle entry;  ///< with trial.accrual only
  std::vector<h5::Handle> covariates;
  std::vector<bool> covariate_is_categorical;
  std::vector<h5::Handle> parameters;  ///< /cohort/parameters/<name>, the model's order
  struct Endpoint {
    h5::Handle observed_value, observed_event;
    std::vector<h5::Handle> potential_value, potential_event;
    bool time_to_event = false;
    bool binary = false;  ///< stored as int8 0/1
    /// PROCOVA: /outcomes/<endpoint>/prognostic_score and the model that gives it; both
    /// empty unless one of the endpoint's methods is procova.
    h5::Handle prognostic_score;
    std::vector<double> prognostic_coefficients;
  };
  std::vector<h5::Handle> series;
  std::vector<h5::Handle> trajectories;
  std::vector<std::uint64_t> trajectory_points, trajectory_offsets;
  std::uint64_t trajectory_stride = 0;
  std::vector<std::int8_t> scratch_flags;
  std::vector<double> scratch_values;
  std::vector<Endpoint> endpoints;
  std::vector<std::int32_t> scratch_codes;
  std::uint64_t enrolled = 0;  ///< replicates x patients
  std::uint64_t patients = 0;
  std::uint64_t first_replicate = 0;  ///< the study replicate in row 0
  std::uint64_t written_digest = 0;   ///< since the last take_written_digest()
  std::vector<double> packed;         ///< one trajectory's points of a block, for its digest
  std::vector<double> patient_covariates;  ///< one patient's, for a prognostic score
};

namespace {

/// /procova: the historical cohort PROCOVA's prognostic models are fitted on, and each
/// model's coefficients, so that anyone can refit the model and recompute every score.
/// Rank 0 writes the values; the calls are collective.
void write_procova(hid_t f, MPI_Comm comm, const spec::TrialSpec& spec, const sim::PrognosticModels& models) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const auto& historical = *spec.analysis.procova;
  h5::Handle group = h5::create_group(f, "/procova");
  h5::write_attribute(group, "patients", historical.patients);
  h5::write_attribute(group, "seed", historical.seed);
  h5::write_attribute(group, "description",
                      std::string("PROCOVA's historical cohort (its own seed, replicate 0, every patient under the "
                                  "control arm) and, per endpoint analysed by procova, the OLS prognostic model "
                                  "fitted on it (Schuler et al. 2021)"));
  const std::uint64_t n = historical.patients;
  const std::uint64_t mine = rank == 0 ? n : 0;
  h5::create_group(f, "/procova/covariates");
  const auto& covariates = spec.cohort.covariates;
  std::vector<std::int32_t> codes;
  for (std::size_t j = 0; j < covariates.size(); ++j) {
    const std::string at = "/procova/covariates/" + covariates[j].name;
    const auto& values = models.covariates[j];
    if (covariates[j].is_categorical()) {
      h5::Handle d = h5::create_vector(f, at, H5T_STD_I32LE, n);
      codes.assign(values.begin(), values.end());
      h5::write_segment(d, H5T_NATIVE_INT32, 0, mine, codes.data());
      h5::write_attribute(d, "levels", covariates[j].levels);
    } else {
      h5::Handle d = h5::create_vector(f, at, H5T_IEEE_F64LE, n);
      h5::write_segment(d, H5T_NATIVE_DOUBLE, 0, mine, values.data());
    }
  }
  h5::create_group(f, "/procova/outcomes");
  h5::create_group(f, "/procova/coefficients");
  std::vector<std::string> terms = {"intercept"};
  for (const auto& c : covariates) terms.push_back(c.name);
  for (std::size_t e = 0; e < spec.endpoints.size(); ++e) {
    const auto& b = models.coefficients[e];
    if (b.empty()) continue;
    const auto& endpoint = spec.endpoints[e];
    h5::Handle y = h5::create_vector(f, "/procova/outcomes/" + endpoint.name, H5T_IEEE_F64LE, n);
    h5::write_segment(y, H5T_NATIVE_DOUBLE, 0, mine, models.outcomes[endpoint.output].data());
    h5::write_attribute(y, "model_output", spec.model.factory->outputs[endpoint.output].name);
    h5::write_attribute(y, "arm", spec.arms[spec.control_arm].name);
    h5::Handle coefficients =
        h5::create_vector(f, "/procova/coefficients/" + endpoint.name, H5T_IEEE_F64LE, b.size());
    h5::write_segment(coefficients, H5T_NATIVE_DOUBLE, 0, rank == 0 ? b.size() : 0, b.data());
    h5::write_attribute(coefficients, "terms", terms);
    h5::write_attribute(coefficients, "description",
                        std::string("OLS of /procova/outcomes/" + endpoint.name +
                                    " on an intercept and every covariate (categorical ones as their level "
                                    "codes), in the order of the attribute terms"));
  }
}

}  // namespace

ResultWriter::ResultWriter(MPI_Comm comm, const std::string& path, const spec::TrialSpec& spec,
                           const RunInfo& info, Mode mode)
    : impl_(std::make_unique<Impl>()) {
  h5::quiet_errors();
  auto& f = impl_->file;
  const bool resume = mode == Mode::kResume;
  f = resume ? h5::open_parallel(path, comm) : h5::create_parallel(path, comm);
  // On resume every group and dataset exists with its attributes: open, do not create.
  const auto attribute = [&](hid_t object, const std::string& name, const auto& value) {
    if (!resume) h5::write_attribute(object, name, value);
  };
  const auto group = [&](const std::string& p) { return resume ? h5::open_group(f, p) : h5::create_group(f, p); };
  const std::uint64_t rows = info.replicate_count;
  const std::uint64_t columns = spec.trial.patients;
  impl_->first_replicate = info.first_replicate;
  impl_->enrolled = rows * columns;
  impl_->patients = columns;
  const auto matrix = [&](const std::string& p, hid_t type) {
    return resume ? h5::open_dataset(f, p)
                  : h5::create_matrix(f, p, type, rows, columns, kChunkColumns, spec.output.gzip_level);
  };

  attribute(f, "format_version", std::int64_t{kFormatVersion});
  attribute(f, "silico_version", std::string(kVersion));
  attribute(f, "git_commit", std::string(kGitCommit));
  attribute(f, "spec_yaml", spec.source_text);
  attribute(f, "spec_file", spec.source_file);
  attribute(f, "seed", spec.trial.seed);
  attribute(f, "created_utc", info.created_utc);
  attribute(f, "mpi_ranks", std::int64_t{info.mpi_ranks});
  attribute(f, "threads", std::int64_t{info.threads});
  attribute(f, "command_line", info.command_line);
  attribute(f, "status", std::string("incomplete"));
  attribute(f, "trial_name", spec.trial.name);
  attribute(f, "replicates", rows);
  attribute(f, "first_replicate", info.first_replicate);
  attribute(f, "study_replicates", spec.trial.replicates);
  attribute(f, "patients", spec.trial.patients);
  attribute(f, "arm_names", spec.arm_names());
  attribute(f, "control_arm", spec.arms[spec.control_arm].name);
  attribute(f, "model", spec.model.name);
  attribute(f, "time_unit", spec.trial.time_unit);
  attribute(f, "follow_up", spec.trial.follow_up);
  attribute(f, "alpha", spec.analysis.alpha);
  attribute(f, "rmst_horizon", spec.analysis.rmst_horizon);
  std::vector<std::string> endpoint_names;
  for (const auto& e : spec.endpoints) endpoint_names.push_back(e.name);
  attribute(f, "endpoint_names", endpoint_names);

  // Every cohort file the spec includes, so that the spec can be read again from the
  // result file alone (silico report re-simulates it).
  if (!spec.included_files.empty()) {
    std::vector<std::string> names, texts;
    for (const auto& [name, text] : spec.included_files) {
      names.push_back(name);
      texts.push_back(text);
    }
    attribute(f, "included_files", names);
    attribute(f, "included_texts", texts);
  }

  h5::Handle cohort = group("/cohort");
  if (!spec.cohort.source_text.empty()) {
    attribute(cohort, "cohort_file", spec.cohort.source_file);
    attribute(cohort, "cohort_yaml", spec.cohort.source_text);
  }
  impl_->patient_id = matrix("/cohort/patient_id", H5T_STD_U64LE);
  impl_->arm = matrix("/cohort/arm", H5T_STD_I32LE);
  impl_->attempts = matrix("/cohort/screening_attempts", H5T_STD_U32LE);
  impl_->failed = matrix("/cohort/model_failed", H5T_STD_I8LE);
  attribute(impl_->failed, "description",
                      std::string("1 where the model failed numerically for the patient: its outcomes are "
                                  "NaN (binary: 0) and the analyses leave it out"));
  if (spec.trial.accrual) {
    impl_->entry = matrix("/cohort/entry_time", H5T_IEEE_F64LE);
    attribute(impl_->entry, "time_unit", spec.trial.time_unit);
    attribute(impl_->entry, "description",
              std::string("calendar time of the patient's entry, from the opening of the trial (trial.accrual); "
                          "time to event is measured from it"));
  }
  for (const auto& c : spec.cohort.covariates) {
    const bool categorical = c.is_categorical();
    auto dataset = matrix("/cohort/covariates/" + c.name, categorical ? H5T_STD_I32LE : H5T_IEEE_F64LE);
    attribute(dataset, "distribution", std::string(distribution_name(c.distribution)));
    if (!c.unit.empty()) attribute(dataset, "unit", c.unit);
    if (categorical) attribute(dataset, "levels", c.levels);
    impl_->covariates.push_back(std::move(dataset));
    impl_->covariate_is_categorical.push_back(categorical);
  }
  // The model's individual parameters and etas, so a patient can be solved again without
  // the random streams; a model without any has no /cohort/parameters.
  for (const auto& name : spec.model.instance->individual_parameter_names()) {
    auto dataset = matrix("/cohort/parameters/" + name, H5T_IEEE_F64LE);
    const bool eta = name.rfind("eta_", 0) == 0;
    attribute(dataset, "description",
              eta ? "the patient's random effect on " + name.substr(4) + ": " + name.substr(4) +
                        " = typical value x covariate factors x exp(" + name + "); NaN where the model failed"
                  : "the patient's " + name + " after the population model (typical value, covariate factors "
                        "and eta), in the model's unit; NaN where the model failed");
    impl_->parameters.push_back(std::move(dataset));
  }

  std::uint64_t offset = 0;
  for (const auto& t : spec.model.instance->trajectories()) {
    const std::uint64_t points = t.times_days.size();
    // Chunks of about 1 MiB: whole time courses of as many patients as fit.
    auto dataset = resume ? h5::open_dataset(f, "/trajectories/" + t.name)
                          : h5::create_cube(f, "/trajectories/" + t.name, H5T_IEEE_F64LE, rows, columns, points,
                                            std::max<std::uint64_t>(1, kChunkColumns / points), spec.output.gzip_level);
    attribute(dataset, "unit", t.unit);
    attribute(dataset, "arm", std::string("assigned"));
    if (!t.prediction_of.empty()) attribute(dataset, "prediction_of", t.prediction_of);
    if (!resume) {
      const hsize_t dims[1] = {points};
      h5::Handle space = h5::check(H5Screate_simple(1, dims, nullptr), "create times space");
      h5::Handle times = h5::check(H5Acreate2(dataset, "times", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                                   "create attribute times");
      h5::check(H5Awrite(times, H5T_NATIVE_DOUBLE, t.times_days.data()), "write attribute times");
    }
    // Observation times are in days for every model, whatever the trial's time_unit.
    attribute(dataset, "time_unit", std::string("days"));
    impl_->trajectories.push_back(std::move(dataset));
    impl_->trajectory_points.push_back(points);
    impl_->trajectory_offsets.push_back(offset);
    offset += points;
  }
  impl_->trajectory_stride = offset;

  // The same on every rank: the historical cohort is simulated from its own seed.
  const sim::PrognosticModels prognostic = sim::fit_prognostic_models(spec);
  if (!resume && spec.analysis.procova && !prognostic.empty()) write_procova(f, comm, spec, prognostic);
  for (std::size_t k = 0; k < spec.endpoints.size(); ++k) {
    const auto& e = spec.endpoints[k];
    Impl::Endpoint out;
    out.time_to_event = e.type == models::OutputType::kTimeToEvent;
    out.binary = e.type == models::OutputType::kBinary;
    const std::string base = "/outcomes/" + e.name;
    h5::Handle endpoint_group = group(base);
    attribute(endpoint_group, "type", std::string(models::to_string(e.type)));
    attribute(endpoint_group, "model_output", spec.model.factory->outputs[e.output].name);
    if (e.responder) {
      attribute(endpoint_group, "responder", std::string(e.responder->below ? "below" : "above"));
      attribute(endpoint_group, "threshold", e.responder->threshold);
    }
    if (out.time_to_event) attribute(endpoint_group, "time_unit", spec.trial.time_unit);
    const auto make = [&](const std::string& where, h5::Handle& value, h5::Handle& event) {
      if (out.time_to_event) {
        value = matrix(where + "/time", H5T_IEEE_F64LE);
        event = matrix(where + "/event", H5T_STD_I8LE);
      } else {
        value = matrix(where, out.binary ? H5T_STD_I8LE : H5T_IEEE_F64LE);
      }
    };
    make(base + "/observed", out.observed_value, out.observed_event);
    out.potential_value.resize(spec.arms.size());
    out.potential_event.resize(spec.arms.size());
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      make(base + "/potential/" + spec.arms[a].name, out.potential_value[a], out.potential_event[a]);
    }
    if (!prognostic.coefficients[k].empty()) {
      out.prognostic_coefficients = prognostic.coefficients[k];
      out.prognostic_score = matrix(base + "/prognostic_score", H5T_IEEE_F64LE);
      attribute(out.prognostic_score, "description",
                std::string("the patient's PROCOVA prognostic score: the model /procova/coefficients/" + e.name +
                            " applied to the patient's covariates (its predicted outcome under the control arm)"));
    }
    impl_->endpoints.push_back(std::move(out));
  }

  // Observed outcomes of the file targets, so that the report and any reader find them in
  // the result itself. Rank 0 writes the values; the calls are collective.
  if (!resume) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    for (std::size_t k = 0; k < spec.validation.size(); ++k) {
      const auto& target = spec.validation[k];
      if (!target.from_file()) continue;
      const auto& outcomes = *target.observed_outcomes;
      const std::string base = "/validation/target_" + std::to_string(k);
      h5::Handle target_group = group(base);
      attribute(target_group, "endpoint", target.endpoint);
      attribute(target_group, "arm", target.arm);
      attribute(target_group, "observed_file", outcomes.file);
      attribute(target_group, "sha256", sha256_hex(outcomes.text));
      attribute(target_group, "source", target.source);
      attribute(target_group, "tolerance", target.tolerance);
      const std::uint64_t n = outcomes.value.size();
      const std::uint64_t mine = rank == 0 ? n : 0;
      const bool time_to_event = !outcomes.event.empty();
      h5::Handle value = h5::create_vector(f, base + (time_to_event ? "/time" : "/value"), H5T_IEEE_F64LE, n);
      h5::write_segment(value, H5T_NATIVE_DOUBLE, 0, mine, outcomes.value.data());
      if (time_to_event) {
        attribute(value, "time_unit", spec.trial.time_unit);
        h5::Handle event = h5::create_vector(f, base + "/event", H5T_STD_I8LE, n);
        h5::write_segment(event, H5T_NATIVE_INT8, 0, mine, outcomes.event.data());
      }
    }
  }
}

ResultWriter::~ResultWriter() = default;

void ResultWriter::write_block(const sim::Block& b) {
  // Every rank makes the same sequence of collective writes even when one of its writes
  // fails (a full disk on one rank's aggregator): stopping at the first failure would
  // leave the other ranks waiting inside the next collective write. The first error is
  // thrown once all writes are made, and the ranks then agree to stop.
  std::string failure;
  const auto attempt = [&](auto&& write_one) {
    try {
      write_one();
    } catch (const std::exception& e) {
      if (failure.empty()) failure = e.what();
    }
  };
  // The block's digest: every segment as the file holds it (the memory types below are
  // the native forms of the file types, so a resume reading them back gets these bytes).
  std::uint64_t segments = 0;
  const auto add = [&](hid_t dataset, const void* data, std::size_t bytes) {
    if (b.count > 0) segments += segment_digest(h5::object_name(dataset), data, bytes);
  };
  for (std::size_t k = 0; k < impl_->trajectories.size(); ++k) {
    attempt([&] { write_trajectory(b, k); });
    auto& packed = impl_->packed;
    const std::uint64_t points = impl_->trajectory_points[k];
    packed.resize(b.count * points);
    for (std::size_t i = 0; i < b.count; ++i) {
      const double* from = b.trajectory.data() + i * impl_->trajectory_stride + impl_->trajectory_offsets[k];
      std::copy(from, from + points, packed.begin() + static_cast<std::ptrdiff_t>(i * points));
    }
    add(impl_->trajectories[k], packed.data(), packed.size() * sizeof(double));
  }
  const auto write = [&](hid_t dataset, hid_t type, const void* data) {
    attempt([&] {
      h5::write_row_segment(dataset, type, b.replicate - impl_->first_replicate, b.first, b.count, data);
    });
    add(dataset, data, b.count * H5Tget_size(type));
  };
  write(impl_->patient_id, H5T_NATIVE_UINT64, b.patient_id.data());
  write(impl_->arm, H5T_NATIVE_INT32, b.arm.data());
  write(impl_->attempts, H5T_NATIVE_UINT32, b.screening_attempts.data());
  write(impl_->failed, H5T_NATIVE_INT8, b.model_failed.data());
  if (impl_->entry.get() != H5I_INVALID_HID) write(impl_->entry, H5T_NATIVE_DOUBLE, b.entry_time.data());
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
  for (std::size_t j = 0; j < impl_->parameters.size(); ++j) {
    write(impl_->parameters[j], H5T_NATIVE_DOUBLE, b.count ? b.parameters[j].data() : nullptr);
  }
  for (std::size_t e = 0; e < impl_->endpoints.size(); ++e) {
    const auto& out = impl_->endpoints[e];
    const auto& columns = b.endpoints[e];
    if (!out.prognostic_coefficients.empty()) {
      auto& scores = impl_->scratch_values;
      auto& x = impl_->patient_covariates;
      scores.assign(b.count, 0.0);
      x.resize(b.covariates.size());
      for (std::size_t i = 0; i < b.count; ++i) {
        for (std::size_t j = 0; j < x.size(); ++j) x[j] = b.covariates[j][i];
        scores[i] = sim::prognostic_score(out.prognostic_coefficients, x);
      }
      write(out.prognostic_score, H5T_NATIVE_DOUBLE, scores.data());
    }
    if (out.binary) {
      const auto flags = [&](const std::vector<double>& v) {
        auto& f = impl_->scratch_flags;
        f.assign(b.count, 0);
        // 0/1; a patient whose model failed (NaN) is stored as 0 and flagged in model_failed.
        for (std::size_t i = 0; i < b.count; ++i) f[i] = v[i] == 1.0 ? 1 : 0;
        return f.data();
      };
      write(out.observed_value, H5T_NATIVE_INT8, flags(columns.observed_value));
      for (std::size_t a = 0; a < out.potential_value.size(); ++a) {
        write(out.potential_value[a], H5T_NATIVE_INT8, flags(columns.potential_value[a]));
      }
      continue;
    }
    write(out.observed_value, H5T_NATIVE_DOUBLE, columns.observed_value.data());
    if (out.time_to_event) write(out.observed_event, H5T_NATIVE_INT8, columns.observed_event.data());
    for (std::size_t a = 0; a < out.potential_value.size(); ++a) {
      write(out.potential_value[a], H5T_NATIVE_DOUBLE, columns.potential_value[a].data());
      if (out.time_to_event) {
        write(out.potential_event[a], H5T_NATIVE_INT8, columns.potential_event[a].data());
      }
    }
  }
  if (b.count > 0) impl_->written_digest += block_digest(b.replicate - impl_->first_replicate, b.first, b.count, segments);
  if (!failure.empty()) throw std::runtime_error(failure);
}

std::uint64_t ResultWriter::take_written_digest() {
  const std::uint64_t digest = impl_->written_digest;
  impl_->written_digest = 0;
  return digest;
}

void ResultWriter::write_trajectory(const sim::Block& b, std::size_t k) {
  h5::write_cube_segment(impl_->trajectories[k], b.replicate - impl_->first_replicate, b.first, b.count,
                         impl_->trajectory_points[k], impl_->trajectory_stride, impl_->trajectory_offsets[k],
                         b.count ? b.trajectory.data() : nullptr);
}

void ResultWriter::flush() { h5::flush(impl_->file); }

void ResultWriter::create_series(const std::vector<std::string>& paths,
                                 const std::vector<sim::SeriesAttribute>& attributes) {
  auto& f = impl_->file;
  // A run killed while finishing may have created them already; its resume opens them.
  const bool exist = h5::exists(f, "/replicates");
  if (!exist) h5::create_group(f, "/replicates");
  const std::uint64_t replicates = impl_->enrolled / impl_->patients;
  const hsize_t dims[1] = {replicates};
  for (const auto& path : paths) {
    if (exist && h5::exists(f, "/replicates/" + path)) {
      impl_->series.push_back(h5::open_dataset(f, "/replicates/" + path));
      continue;
    }
    h5::Handle space = h5::check(H5Screate_simple(1, dims, nullptr), "create series space");
    h5::Handle lcpl = h5::check(H5Pcreate(H5P_LINK_CREATE), "create link list");
    h5::check(H5Pset_create_intermediate_group(lcpl, 1), "set intermediate groups");
    const std::string full = "/replicates/" + path;
    impl_->series.push_back(h5::check(
        H5Dcreate2(f, full.c_str(), H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT),
        "create dataset " + full));
  }
  for (const auto& a : attributes) {
    h5::Handle group = h5::open_group(f, "/replicates/" + a.group);
    // Fixed-length: these texts are read by every reader (h5file.hpp says why).
    if (!h5::has_attribute(group, a.name)) h5::write_fixed_string_attribute(group, a.name, a.value);
  }
}

void ResultWriter::write_series(std::uint64_t first_replicate, std::uint64_t count,
                                const std::vector<std::vector<double>>& values) {
  // values[r][k]: replicate first_replicate + r, series k.
  auto& scratch = impl_->scratch_values;
  for (std::size_t k = 0; k < impl_->series.size(); ++k) {
    scratch.assign(count, 0.0);
    for (std::uint64_t r = 0; r < count; ++r) scratch[r] = values[r][k];
    h5::write_segment(impl_->series[k], H5T_NATIVE_DOUBLE, first_replicate - impl_->first_replicate, count,
                      scratch.data());
  }
}

void ResultWriter::finish(std::uint64_t candidates_drawn, double wall_seconds) {
  auto& f = impl_->file;
  {
    // Attributes are metadata: every rank writes the same values.
    h5::Handle cohort = h5::open_group(f, "/cohort");
    // A run killed while finishing may have written them already.
    for (const char* name : {"candidates_drawn", "acceptance_rate"}) {
      if (h5::has_attribute(cohort, name)) h5::check(H5Adelete(cohort, name), std::string("replace attribute ") + name);
    }
    h5::write_attribute(cohort, "candidates_drawn", candidates_drawn);
    h5::write_attribute(cohort, "acceptance_rate",
                        static_cast<double>(impl_->enrolled) / static_cast<double>(candidates_drawn));
  }
  if (h5::has_attribute(f, "wall_seconds")) h5::check(H5Adelete(f, "wall_seconds"), "replace attribute wall_seconds");
  h5::write_attribute(f, "wall_seconds", wall_seconds);
  h5::check(H5Adelete(f, "status"), "replace attribute status");
  h5::write_attribute(f, "status", std::string("complete"));
  impl_->covariates.clear();
  impl_->parameters.clear();
  impl_->endpoints.clear();
  impl_->series.clear();
  impl_->trajectories.clear();
  impl_->patient_id.reset();
  impl_->arm.reset();
  impl_->attempts.reset();
  impl_->failed.reset();
  f.reset();
}

}  // namespace silico::io
