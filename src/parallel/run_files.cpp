#include "parallel/run_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "core/error.hpp"
#include "core/output_file.hpp"
#include "io/partial_check.hpp"

namespace silico::parallel {

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

/// Removes `path` if it is a regular file; anything else of that name is not ours.
void remove_regular_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(path.c_str());
}

/// Every file the spec was read from: the run may not write over any of them.
std::vector<std::string> spec_inputs(const spec::TrialSpec& spec) {
  std::vector<std::string> inputs{spec.source_file, spec.cohort.source_file};
  if (spec.analysis.procova) inputs.push_back(spec.analysis.procova->cohort.source_file);
  if (spec.analysis.external_control) inputs.push_back(spec.analysis.external_control->cohort.source_file);
  for (const auto& target : spec.validation) {
    if (target.from_file()) inputs.push_back(target.observed_outcomes->path);
  }
  return inputs;
}

/// Verifies everything a resume would trust; throws UserError on the first problem.
void verify_checkpoint(const spec::TrialSpec& spec, const Checkpoint& found, const Checkpoint& wanted,
                       const CheckpointPaths& files) {
  const std::string why = resume_mismatch(found, wanted);
  if (!why.empty()) {
    throw UserError("cannot resume from " + files.state + ": " + why +
                    "; run the original spec, or start again with --force (the checkpoint is then discarded)");
  }
  const std::uint64_t patients = spec.trial.patients;
  found.check_ranges(patients, files.state);
  if (!exists(files.partial)) throw UserError("cannot resume: " + files.partial + " is missing; start again with --force");
  std::vector<std::string> paths;
  std::vector<std::vector<double>> rows;
  read_analysis_rows(files.analysis, found, paths, rows);
  io::WrittenBlocks written;
  written.replicates = found.replicate_count;
  written.patients = patients;
  written.block_patients = found.block_patients;
  written.blocks_done = found.blocks_done;
  written.digest = found.data_digest;
  io::verify_written(files.partial, written);
}

}  // namespace

std::string resume_command(const RunOptions& options, const spec::TrialSpec& spec) {
  std::string command = "silico run " + spec.source_file + " -o " + options.output;
  if (options.replicate_count > 0 || options.first_replicate > 0) {
    command += " --replicates " + std::to_string(options.first_replicate) + ":" +
               std::to_string(options.replicate_count > 0 ? options.replicate_count
                                                          : spec.trial.replicates - options.first_replicate);
  }
  return command + " --resume";
}

RunStart decide_run_start(const spec::TrialSpec& spec, const RunOptions& options, const Checkpoint& wanted,
                          const CheckpointPaths& files) {
  RunStart start;
  const bool have_checkpoint = exists(files.state);
  if (options.resume && exists(options.output) && !options.force) {
    throw UserError("output '" + options.output + "' already exists (the run is complete: nothing to resume)");
  }
  check_output(options.output, "-o", options.force, spec_inputs(spec));
  refuse_unless_regular_file(files.partial, "the partial result file");
  refuse_unless_regular_file(files.state, "the checkpoint");
  refuse_unless_regular_file(files.analysis, "the analysis file");
  if (have_checkpoint && !options.resume && !options.force) {
    throw UserError("an interrupted run of '" + options.output + "' can be continued (" + files.state +
                    "): add --resume to continue it, or --force to start again");
  }
  if (options.resume && have_checkpoint) {
    start.checkpoint_text = read_checkpoint_text(files.state);
    verify_checkpoint(spec, Checkpoint::from_text(start.checkpoint_text, files.state), wanted, files);
  } else if (options.resume) {
    start.notice = "no checkpoint of '" + options.output + "' found: starting from the beginning";
  }
  return start;
}

void remove_stale_temporaries(const CheckpointPaths& files) {
  // A run killed between writing a new checkpoint and renaming it leaves it under a
  // unique name (core/output_file.hpp); under the lock, nobody else writes such names.
  const std::filesystem::path state(files.state);
  const std::filesystem::path folder = state.has_parent_path() ? state.parent_path() : std::filesystem::path(".");
  const std::string prefix = state.filename().string() + ".partial-";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0) {
      remove_regular_file(entry.path().string());
    }
  }
}

void clear_run_files(const CheckpointPaths& files) {
  remove_stale_temporaries(files);
  remove_regular_file(files.state);
  remove_regular_file(files.analysis);
  remove_regular_file(files.partial);
}

std::string leave_failed_run(const CheckpointPaths& files, const RunOptions& options, const spec::TrialSpec& spec) {
  if (exists(files.state)) {
    return "the work up to the last checkpoint is kept: once the cause is fixed, continue with " +
           resume_command(options, spec) + " (or start again with --force)";
  }
  remove_regular_file(files.partial);
  remove_regular_file(files.analysis);
  return "";
}

}  // namespace silico::parallel
