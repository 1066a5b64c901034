// silico: command-line entry point. Subcommands: run, check, summarize, design, merge, verify,
// report.
// Exit codes: 0 success, 1 internal error, 2 bad input (spec, options, refused output),
// 3 run stopped by SIGTERM/SIGUSR1 after a checkpoint (continue with --resume).

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/summary.hpp"
#include "core/error.hpp"
#include "core/output_file.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "io/merge.hpp"
#include "io/result_reader.hpp"
#include "parallel/design.hpp"
#include "parallel/run.hpp"
#include "report/report.hpp"
#include "report/verify.hpp"
#include "silico/version.hpp"
#include "spec/spec.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage = R"(silico - in-silico clinical trials on virtual patients

usage: silico <command> [options]

commands:
  run SPEC -o OUT.h5     simulate the trial in SPEC (under mpirun for several ranks)
  check SPEC             validate SPEC and report every problem, write nothing
  summarize OUT.h5       effects, CIs and the true effect from a result file
  design SPEC            smallest trial size reaching a target power, by simulation
  merge PART.h5... -o OUT.h5
                         join the parts of a replicate study written by run --replicates
  report OUT.h5 -o REPORT.html [--verify VERIFY.json]
                         the validation report of a run: one HTML file with charts
  verify [-o VERIFY.json]
                         run the code-verification suite (closed forms, published
                         results, known answers); exit 1 if a case fails

  silico <command> --help   options of one command
  silico --version          version and git commit

exit codes: 0 success, 1 internal error or a failed verification case, 2 bad input, 3 run stopped by a signal after a
checkpoint (continue it with silico run ... --resume)
)";

void print_help(const std::string& usage, const po::options_description& options) {
  std::cout << usage << "\n" << options << "\n";
}

std::string command_line(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) text += ' ';
    text += argv[i];
  }
  return text;
}

/// Parses options after the subcommand; returns false if --help was printed.
bool parse(int argc, char** argv, const std::string& usage, po::options_description& options,
           const po::positional_options_description& positional, po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
  if (vm.count("help")) {
    print_help(usage, options);
    return false;
  }
  po::notify(vm);
  return true;
}

/// More threads than this is a typing error, not a machine (and oneTBB would try).
constexpr int kMaxThreads = 4096;
constexpr std::uint64_t kMaxBlockPatients = std::uint64_t{1} << 24;

void check_threads(int threads) {
  if (threads < 0 || threads > kMaxThreads) {
    throw silico::UserError("--threads must be from 0 (the cores this rank may use) to " + std::to_string(kMaxThreads));
  }
}

/// A whole-number option within [min, max]. Unsigned options need the upper bound:
/// program_options reads "-1" into an unsigned as 2^64 - 1.
void check_count(std::uint64_t value, const std::string& option, std::uint64_t min, std::uint64_t max) {
  if (value < min || value > max) {
    throw silico::UserError(option + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
}

/// `--force`: replace an existing output (every command that writes a file has it).
void add_force(po::options_description& options) {
  options.add_options()("force,f", "replace the output file if it exists (never an input of the command)");
}

constexpr const char* kAllowIncludeOutside =
    "let the spec read cohort includes and observed files anywhere (by default only files in "
    "the spec's folder or the project's cohorts/ folder, or below them, symbolic links "
    "resolved, are read)";

/// The SPEC argument, read with its includes confined unless --allow-include-outside.
silico::spec::TrialSpec load_spec_argument(const po::variables_map& vm) {
  silico::spec::SpecFiles files;
  files.allow_include_outside = vm.count("allow-include-outside") > 0;
  return silico::spec::load_spec(vm["spec"].as<std::string>(), files);
}

int command_check(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()("spec", po::value<std::string>()->required(), "trial spec (YAML)")
      ("allow-include-outside", kAllowIncludeOutside);
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map vm;
  if (!parse(argc, argv, "usage: silico check SPEC\n\nValidate a trial spec; print every problem "
                         "with file:line:column and exit 2 if there is any.",
             options, positional, vm)) {
    return silico::kExitOk;
  }
  const auto spec = load_spec_argument(vm);
  std::cout << vm["spec"].as<std::string>() << ": ok (" << spec.trial.patients << " patients x "
            << spec.trial.replicates << " replicate(s), " << spec.arms.size() << " arms, model "
            << spec.model.name << ", " << spec.cohort.covariates.size() << " covariates, "
            << spec.cohort.criteria.size() << " criteria";
  if (!spec.validation.empty()) {
    std::size_t observed = 0;
    for (const auto& target : spec.validation) observed += target.from_file() ? target.observed_outcomes->value.size() : 0;
    std::cout << ", " << spec.validation.size() << " validation target(s)";
    if (observed > 0) std::cout << " with " << observed << " observed patients";
  }
  std::cout << ")\n";
  return silico::kExitOk;
}

int command_run(int argc, char** argv, int full_argc, char** full_argv,
                const silico::parallel::MpiContext& mpi) {
  po::options_description options("options");
  int threads = 0;
  std::uint64_t block = 65536;
  double checkpoint_interval = 300.0;
  std::string replicate_range;
  std::string scratch;
  options.add_options()
      ("spec", po::value<std::string>()->required(), "trial spec (YAML)")
      ("output,o", po::value<std::string>()->required(), "result file to write (HDF5)")
      ("threads,t", po::value<int>(&threads)->default_value(0),
       "threads per MPI rank; 0 = the cores this rank may use")
      ("force,f", "replace OUT.h5 if it exists (only once the new run has succeeded); "
       "start again even if an interrupted run of OUT.h5 could be resumed")
      ("resume", "continue an interrupted run of OUT.h5 from its checkpoint (OUT.h5.checkpoint); "
       "without one, start from the beginning. The spec, seed and silico version must be the ones "
       "of the interrupted run")
      ("block-patients", po::value<std::uint64_t>(&block)->default_value(65536),
       "patients per block: what one rank simulates and writes per round, the unit of "
       "checkpointing, and what the analysis reads of a replicate at a time (memory per rank "
       "grows with it, not with the number of patients), at most 16777216. A resumed run keeps "
       "the block size it started with")
      ("checkpoint-interval", po::value<double>(&checkpoint_interval)->default_value(300, "300"),
       "longest time in seconds between two checkpoints (0 = after every round). A stop signal, "
       "the end of the patients and the end of the analyses checkpoint too. Each checkpoint "
       "costs a flush, an fsync and a rename: a few per hour spare a parallel file system")
      ("scratch", po::value<std::string>(&scratch),
       "directory for the analysis phase's temporary sorted runs of survival rows (unnamed "
       "files, gone when the run ends, however it ends); default: the directory of OUT.h5. "
       "Node-local disk such as $TMPDIR is fastest")
      ("replicates", po::value<std::string>(&replicate_range),
       "FIRST:COUNT - simulate only the study's replicates FIRST .. FIRST+COUNT-1 (0-based), "
       "one part of a replicate study split over a job array; join the parts with silico merge")
      ("allow-include-outside", kAllowIncludeOutside)
      ("quiet,q", "no progress output");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map vm;
  if (!parse(argc, argv,
             "usage: [mpirun -np K] silico run SPEC -o OUT.h5 [options]\n\n"
             "Simulate every virtual patient under every arm and write one HDF5 file.\n"
             "The file is written as OUT.h5.partial and renamed on success; OUT.h5.lock keeps a\n"
             "second run off the same output. The run is checkpointed at most every\n"
             "--checkpoint-interval seconds; SIGTERM or SIGUSR1 stops it after a checkpoint at\n"
             "the end of the current round with exit code 3, and --resume continues it.",
             options, positional, vm)) {
    return silico::kExitOk;
  }
  check_threads(threads);
  check_count(block, "--block-patients", 1, kMaxBlockPatients);
  if (!(checkpoint_interval >= 0.0 && checkpoint_interval <= 1e9)) {
    throw silico::UserError("--checkpoint-interval must be a number of seconds from 0 to 1e9");
  }
  if (vm["output"].as<std::string>().empty()) throw silico::UserError("-o needs a file name");
  if (!scratch.empty() && !std::filesystem::is_directory(scratch)) {
    throw silico::UserError("--scratch: " + scratch + " is not a directory");
  }

  const auto spec = load_spec_argument(vm);
  silico::parallel::RunOptions run;
  run.output = vm["output"].as<std::string>();
  run.force = vm.count("force") > 0;
  run.resume = vm.count("resume") > 0;
  run.threads = threads;
  run.block_patients = block;
  run.checkpoint_seconds = checkpoint_interval;
  run.quiet = vm.count("quiet") > 0;
  run.scratch = scratch;
  run.command_line = command_line(full_argc, full_argv);
  if (!replicate_range.empty()) {
    // FIRST:COUNT, both whole numbers, COUNT >= 1.
    const auto colon = replicate_range.find(':');
    const auto whole = [](const std::string& text) {
      return !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
    };
    const std::string first = colon == std::string::npos ? "" : replicate_range.substr(0, colon);
    const std::string count = colon == std::string::npos ? "" : replicate_range.substr(colon + 1);
    if (!whole(first) || !whole(count) || std::stoull(count) == 0) {
      throw silico::UserError("--replicates expects FIRST:COUNT with whole numbers and COUNT >= 1, e.g. 0:100; got '" +
                              replicate_range + "'");
    }
    run.first_replicate = std::stoull(first);
    run.replicate_count = std::stoull(count);
  }
  const auto result = silico::parallel::run_trial(mpi, spec, run);
  if (mpi.is_root() && result.model_failures > 0) {
    std::fprintf(stderr,
                 "silico run: warning: the model failed for %llu patient(s); they are flagged in "
                 "/cohort/model_failed and left out of the analyses\n",
                 static_cast<unsigned long long>(result.model_failures));
  }
  if (mpi.is_root() && !run.quiet) {
    std::fprintf(stderr,
                 "wrote %s: %llu patients x %llu replicate(s) on %d rank(s) x %d thread(s) in "
                 "%.2f s; screening acceptance %.1f%%\n",
                 run.output.c_str(), static_cast<unsigned long long>(spec.trial.patients),
                 static_cast<unsigned long long>(run.replicate_count > 0 ? run.replicate_count
                                                                        : spec.trial.replicates - run.first_replicate),
                 mpi.size(), result.threads,
                 result.seconds, 100.0 * result.acceptance_rate);
  }
  return silico::kExitOk;
}


int command_design(int argc, char** argv, const silico::parallel::MpiContext& mpi) {
  po::options_description options("options");
  silico::parallel::DesignOptions design;
  options.add_options()
      ("spec", po::value<std::string>()->required(), "trial spec (YAML)")
      ("target-power", po::value<double>(&design.target_power)->default_value(0.8, "0.8"), "power to reach, in (0, 1)")
      ("replicates", po::value<std::uint64_t>(&design.replicates)->default_value(0),
       "replicate trials per evaluated size; 0 = trial.replicates, at least 200")
      ("over", po::value<std::string>()->default_value("patients"),
       "what to vary: patients (an events cut scales with them; with trial.accrual rates, so does the "
       "accrual duration) or events (of the primary endpoint's events cut, at the spec's patients)")
      ("max-patients", po::value<std::uint64_t>(&design.max_patients)->default_value(100000),
       "largest trial size tried")
      ("threads,t", po::value<int>(&design.threads)->default_value(0), "threads per MPI rank; 0 = the cores this rank may use")
      ("json", po::value<std::string>(), "also write the result as JSON to this file")
      ("allow-include-outside", kAllowIncludeOutside)
      ("quiet,q", "no progress lines");
  add_force(options);
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map vm;
  if (!parse(argc, argv,
             "usage: [mpirun -np K] silico design SPEC [--target-power 0.8] [--over patients|events]\n"
             "                     [--json FILE]\n\n"
             "For each method of the primary endpoint (the first in the spec), the smallest\n"
             "total number of randomized patients (or, with --over events, events at the data\n"
             "cut) whose simulated power reaches the target, with the expected calendar time,\n"
             "events and patients of the cut at each size. Each size is simulated with the\n"
             "same seed, so the curve is smooth in the size.",
             options, positional, vm)) {
    return silico::kExitOk;
  }
  if (!(design.target_power > 0.0 && design.target_power < 1.0)) {
    throw silico::UserError("--target-power must be in (0, 1)");
  }
  design.quiet = vm.count("quiet") > 0;
  const std::string over = vm["over"].as<std::string>();
  if (over == "events") {
    design.over = silico::parallel::DesignOver::kEvents;
  } else if (over != "patients") {
    throw silico::UserError("--over must be patients or events, got '" + over + "'");
  }
  check_threads(design.threads);
  // Bounded so that a negative number, which program_options wraps to 2^64 - 1, is refused.
  check_count(design.replicates, "--replicates", 0, 10'000'000);
  check_count(design.max_patients, "--max-patients", 1, 1'000'000'000);
  const bool force = vm.count("force") > 0;
  // Refused before the search, not after minutes of it.
  if (vm.count("json")) silico::check_output(vm["json"].as<std::string>(), "--json", force, {vm["spec"].as<std::string>()});
  const auto spec = load_spec_argument(vm);
  const auto result = silico::parallel::design_trial(mpi, spec, design);
  if (!mpi.is_root()) return silico::kExitOk;
  std::ostringstream text, json;
  const bool by_events = result.over == silico::parallel::DesignOver::kEvents;
  const auto size_of = [&](const silico::parallel::PowerPoint& p) {
    return static_cast<unsigned long long>(by_events ? p.data_cut_events : p.patients);
  };
  // What the replicates realised at the cut (and of accrual) at a point, or "".
  const auto realised = [&](const silico::parallel::PowerPoint& p) {
    std::ostringstream o;
    o.precision(4);
    if (std::isfinite(p.cut_reached)) {
      o << "cut";
      if (p.data_cut_events > 0) o << " at " << p.data_cut_events << " events";
      if (std::isfinite(p.cut_time)) o << " at " << p.cut_time << " " << spec.trial.time_unit << " on average";
      if (p.cut_reached < 1.0) o << " (reached in " << 100.0 * p.cut_reached << " % of replicates)";
      if (p.data_cut_events == 0) o << ", " << p.cut_events << " events";
      o << ", " << p.cut_patients << " patients entered";
    }
    if (std::isfinite(p.accrual_end)) {
      o << (o.tellp() > 0 ? "; " : "") << "accrual " << p.accrual_end << " " << spec.trial.time_unit;
    }
    return o.str();
  };
  text << "design for endpoint " << result.endpoint << ": target power " << result.target_power << ", "
       << result.replicates << " replicate trials per size, alpha " << spec.analysis.alpha << "\n";
  text << (by_events ? "  required events at the data cut (" + std::to_string(spec.trial.patients) + " patients):\n"
                     : std::string("  required total patients (randomized, all arms):\n"));
  for (const auto& p : result.required) {
    char line[256];
    if (p.reached) {
      std::snprintf(line, sizeof(line), "    %-16s %-12s %8llu   power %.3f (MCSE %.3f)%s", p.method.c_str(),
                    p.treatment.c_str(), size_of(p), p.power, p.mcse,
                    p.adjustment == "none" ? "" : (" after " + p.adjustment).c_str());
    } else {
      std::snprintf(line, sizeof(line), "    %-16s %-12s  not reached (largest power %.3f at %llu %s)",
                    p.method.c_str(), p.treatment.c_str(), p.power, size_of(p), by_events ? "events" : "patients");
    }
    text << line;
    const std::string cut = realised(p);
    if (!cut.empty()) text << "  [" << cut << "]";
    text << "\n";
  }
  text << "  power curve:\n";
  for (const auto& p : result.curve) {
    char line[256];
    std::snprintf(line, sizeof(line), "    %8llu  %-16s %-12s %.3f", size_of(p), p.method.c_str(), p.treatment.c_str(),
                  p.power);
    text << line;
    const std::string cut = realised(p);
    if (!cut.empty()) text << "  (" << cut << ")";
    text << "\n";
  }
  std::cout << text.str();
  if (vm.count("json")) {
    const auto entry = [](const silico::parallel::PowerPoint& p, bool required) {
      std::ostringstream o;
      o.precision(17);
      o << "{\"patients\": " << p.patients << ", \"method\": " << silico::json_string(p.method)
        << ", \"treatment\": " << silico::json_string(p.treatment)
        << ", \"adjustment\": " << silico::json_string(p.adjustment) << ", \"power\": " << p.power
        << ", \"mcse\": " << p.mcse;
      if (p.data_cut_events > 0) o << ", \"data_cut_events\": " << p.data_cut_events;
      if (std::isfinite(p.cut_reached)) {
        o << ", \"cut_reached\": " << p.cut_reached << ", \"cut_time\": ";
        if (std::isfinite(p.cut_time)) o << p.cut_time; else o << "null";
        o << ", \"cut_events\": " << p.cut_events << ", \"cut_patients\": " << p.cut_patients;
      }
      if (std::isfinite(p.accrual_end)) o << ", \"accrual_end\": " << p.accrual_end;
      if (required) o << ", \"reached\": " << (p.reached ? "true" : "false");
      o << "}";
      return o.str();
    };
    // What identifies the spec, so that silico report --design refuses a design of another:
    // the SHA-256 of its text as read (silico run stores the same text as spec_yaml).
    json << "{\n  \"spec_sha256\": \"" << silico::sha256_hex(spec.source_text) << "\",\n  \"spec_file\": "
         << silico::json_string(vm["spec"].as<std::string>()) << ",\n  \"trial\": " << silico::json_string(spec.trial.name)
         << ",\n  \"seed\": " << spec.trial.seed << ",";
    json << "\n  \"endpoint\": " << silico::json_string(result.endpoint) << ",\n  \"over\": \"" << (by_events ? "events" : "patients")
         << "\",\n  \"target_power\": " << result.target_power
         << ",\n  \"replicates\": " << result.replicates << ",\n  \"required\": [";
    for (std::size_t i = 0; i < result.required.size(); ++i) json << (i ? ", " : "") << "\n    " << entry(result.required[i], true);
    json << "\n  ],\n  \"curve\": [";
    for (std::size_t i = 0; i < result.curve.size(); ++i) json << (i ? ", " : "") << "\n    " << entry(result.curve[i], false);
    json << "\n  ]\n}\n";
    silico::write_file_atomically(vm["json"].as<std::string>(), json.str(), force);
  }
  return silico::kExitOk;
}

int command_summarize(int argc, char** argv) {
  po::options_description options("options");
  std::uint64_t replicate = 0;
  options.add_options()
      ("results", po::value<std::string>()->required(), "result file (HDF5) written by silico run")
      ("json", po::value<std::string>(), "also write the summary as JSON to this file")
      ("replicate", po::value<std::uint64_t>(&replicate),
       "replicate trial to summarize (0-based study number; default: the file's first)");
  add_force(options);
  po::positional_options_description positional;
  positional.add("results", 1);
  po::variables_map vm;
  if (!parse(argc, argv,
             "usage: silico summarize OUT.h5 [--replicate R] [--json FILE]\n\n"
             "Per-arm statistics, treatment effects with CIs and p-values, and the true\n"
             "sample effect from the digital twins' potential outcomes.",
             options, positional, vm)) {
    return silico::kExitOk;
  }
  const bool force = vm.count("force") > 0;
  if (vm.count("json")) {
    silico::check_output(vm["json"].as<std::string>(), "--json", force, {vm["results"].as<std::string>()});
  }
  const silico::io::ResultReader results(vm["results"].as<std::string>());
  const auto& m = results.metadata();
  if (!vm.count("replicate")) replicate = m.first_replicate;
  if (replicate < m.first_replicate || replicate - m.first_replicate >= m.replicates) {
    throw silico::UserError("--replicate " + std::to_string(replicate) + " is out of range; the file holds replicate(s) " +
                            std::to_string(m.first_replicate) + " to " +
                            std::to_string(m.first_replicate + m.replicates - 1));
  }
  const auto summary = silico::cli::summarize(results, replicate);
  std::cout << silico::cli::format_text(summary);
  if (vm.count("json")) {
    silico::write_file_atomically(vm["json"].as<std::string>(), silico::cli::format_json(summary), force);
  }
  return silico::kExitOk;
}

int command_merge(int argc, char** argv, int full_argc, char** full_argv) {
  po::options_description options("options");
  std::uint64_t buffer_mib = 64;
  options.add_options()
      ("parts", po::value<std::vector<std::string>>(),
       "part files written by silico run --replicates FIRST:COUNT, in any order")
      ("output,o", po::value<std::string>()->required(), "merged result file to write (HDF5)")
      ("force,f", "replace OUT.h5 if it exists (only once the merge has succeeded)")
      ("buffer-mib", po::value<std::uint64_t>(&buffer_mib)->default_value(64),
       "largest block of a dataset copied at once, in MiB (bounds the memory used)")
      ("quiet,q", "no progress output");
  po::positional_options_description positional;
  positional.add("parts", -1);
  po::variables_map vm;
  if (!parse(argc, argv,
             "usage: silico merge PART.h5 [PART.h5 ...] -o OUT.h5 [options]\n\n"
             "Join the parts of a replicate study, each written by silico run --replicates\n"
             "FIRST:COUNT, into the file a run of the whole study writes. Every part is checked\n"
             "first (same spec, seed and build; each replicate in exactly one part); the file is\n"
             "written as OUT.h5.partial and renamed on success. One process: no mpirun.",
             options, positional, vm)) {
    return silico::kExitOk;
  }
  if (!vm.count("parts")) throw silico::UserError("no parts given (see silico merge --help)");
  if (buffer_mib < 1 || buffer_mib > (std::uint64_t{1} << 20)) {
    throw silico::UserError("--buffer-mib must be between 1 and 1048576");
  }
  // Several processes would all write the same output: refuse an MPI launch.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && std::atoi(value) > 1) {
      throw silico::UserError("silico merge runs as one process, but this is one of " + std::string(value) +
                              " (mpirun or srun); start it on its own");
    }
  }
  const auto start = std::chrono::steady_clock::now();
  silico::io::MergeOptions merge;
  merge.output = vm["output"].as<std::string>();
  merge.force = vm.count("force") > 0;
  merge.command_line = command_line(full_argc, full_argv);
  merge.buffer_bytes = buffer_mib << 20;
  const bool quiet = vm.count("quiet") > 0;
  if (!quiet) merge.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  const auto result = silico::io::merge_parts(vm["parts"].as<std::vector<std::string>>(), merge);
  if (!quiet) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr,
                 "wrote %s: %llu patients x %llu replicate(s) from %llu part(s) in %.2f s; screening "
                 "acceptance %.1f%%\n",
                 merge.output.c_str(), static_cast<unsigned long long>(result.patients),
                 static_cast<unsigned long long>(result.replicates),
                 static_cast<unsigned long long>(result.parts), seconds, 100.0 * result.acceptance_rate);
  }
  return silico::kExitOk;
}

int command_verify(int argc, char** argv) {
  po::options_description options("options");
  options.add_options()
      ("output,o", po::value<std::string>(), "also write the cases as JSON to this file (for silico report --verify)")
      ("quiet,q", "print only the closing line and the failed cases");
  add_force(options);
  po::positional_options_description positional;
  po::variables_map vm;
  if (!parse(argc, argv,
             "usage: silico verify [-o VERIFY.json]\n\n"
             "Code verification on this machine: each model against its closed form, the ODE\n"
             "solvers' convergence as the tolerance tightens, the estimators on published data\n"
             "sets, the random streams against known answers and for independence, and the\n"
             "split of the work over ranks and blocks. Each case prints what is checked, the\n"
             "observed value and its bound. Exit code 1 if any case fails.",
             options, positional, vm)) {
    return silico::kExitOk;
  }
  const bool quiet = vm.count("quiet") > 0;
  const bool force = vm.count("force") > 0;
  if (vm.count("output")) silico::check_output(vm["output"].as<std::string>(), "-o", force);
  const auto print = [](const silico::report::VerificationCase& c) {
    using silico::report::Comparison;
    char bound[64];
    switch (c.comparison) {
      case Comparison::kAtMost: std::snprintf(bound, sizeof(bound), "<= %.4g", c.tolerance); break;
      case Comparison::kAtLeast: std::snprintf(bound, sizeof(bound), ">= %.4g", c.tolerance); break;
      case Comparison::kAbsolute: std::snprintf(bound, sizeof(bound), "%.6g +- %.2g", c.expected, c.tolerance); break;
      case Comparison::kRelative:
        std::snprintf(bound, sizeof(bound), "%.6g +- %.2g rel.", c.expected, c.tolerance);
        break;
    }
    std::printf("%-4s %-40s %-13.6g %s\n", c.passed ? "ok" : "FAIL", c.id.c_str(), c.observed, bound);
    std::fflush(stdout);
  };
  const auto cases = silico::report::run_verification([&](const silico::report::VerificationCase& c) {
    if (!quiet || !c.passed) print(c);
  });
  std::size_t failed = 0;
  for (const auto& c : cases) failed += !c.passed;
  if (vm.count("output")) {
    silico::write_file_atomically(vm["output"].as<std::string>(), silico::report::verification_json(cases), force);
  }
  std::printf("silico verify: %zu cases, %zu passed, %zu failed\n", cases.size(), cases.size() - failed, failed);
  return failed == 0 ? silico::kExitOk : silico::kExitInternal;
}

int command_report(int argc, char** argv) {
  po::options_description options("options");
  double change = 0.1;
  std::uint64_t study_patients = 5000;
  std::uint64_t max_patients = 1'000'000;
  options.add_options()
      ("results", po::value<std::string>()->required(), "result file (HDF5) written by silico run")
      ("output,o", po::value<std::string>()->required(), "report to write (HTML, one self-contained file)")
      ("verify", po::value<std::string>(), "the JSON of silico verify -o, shown as the code-verification section")
      ("design", po::value<std::string>(), "the JSON of silico design --json, shown as a power curve")
      ("change", po::value<double>(&change)->default_value(0.1, "0.1"),
       "relative change of each model parameter in the sensitivity study (0.1 = +-10 %)")
      ("study-patients", po::value<std::uint64_t>(&study_patients)->default_value(5000),
       "patients of the report's own simulations (sensitivity; a tenth of it for the tolerance check)")
      ("max-patients", po::value<std::uint64_t>(&max_patients)->default_value(1'000'000),
       "patients of the reported replicate read for the baseline table, Kaplan-Meier curves and the "
       "comparison with observed outcomes (the first ones; about 100 bytes each)")
      ("quiet,q", "no progress lines on standard error");
  add_force(options);
  po::positional_options_description positional;
  positional.add("results", 1);
  po::variables_map vm;
  if (!parse(argc, argv,
             "usage: silico report OUT.h5 -o REPORT.html [--verify VERIFY.json] [--design DESIGN.json]\n\n"
             "A regulatory-style validation report of a trial run: context of use and model\n"
             "risk, design, model, code verification, uncertainty over the replicates, results\n"
             "(baseline table, Kaplan-Meier curves, forest and balance plots) and a\n"
             "reproducibility appendix. One HTML file with inline SVG charts: it fetches\n"
             "nothing, opens in any browser and prints to PDF. The report re-runs the spec\n"
             "stored in OUT.h5, with the cohort files stored beside it, for its calculation\n"
             "verification and sensitivity study: it needs OUT.h5 only. Those simulations\n"
             "can take minutes (an ODE model): each step is shown on standard error as\n"
             "'silico report: sensitivity 3/29: CL +10 %, 5000 patients (12 s)'; -q for none.",
             options, positional, vm)) {
    return silico::kExitOk;
  }
  namespace report = silico::report;
  const bool force = vm.count("force") > 0;
  const bool quiet = vm.count("quiet") > 0;
  // Progress on standard error, one line a step, with the time since the report started.
  const auto started = std::chrono::steady_clock::now();
  const auto say = [&](const std::string& line) {
    if (quiet) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "silico report: %s (%.0f s)\n", line.c_str(), elapsed);
    std::fflush(stderr);
  };
  const auto study_progress = [&](const std::string& study) -> report::StudyProgress {
    return [&say, study](std::size_t done, std::size_t total, const std::string& next) {
      say(study + " " + std::to_string(done) + "/" + std::to_string(total) + (next.empty() ? ": done" : ": " + next));
    };
  };
  {
    std::vector<std::string> inputs{vm["results"].as<std::string>()};
    for (const char* option : {"verify", "design"}) {
      if (vm.count(option)) inputs.push_back(vm[option].as<std::string>());
    }
    silico::check_output(vm["output"].as<std::string>(), "-o", force, inputs);
  }
  // Read the verification first: a bad file is the user's to fix before anything else.
  const auto read_text = [](const std::string& file) {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) throw silico::UserError("cannot read '" + file + "'");
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  };
  std::vector<report::VerificationCase> verification;
  if (vm.count("verify")) {
    verification = report::parse_verification_json(read_text(vm["verify"].as<std::string>()), vm["verify"].as<std::string>());
  }
  std::optional<report::PowerCurve> power_curve;
  if (vm.count("design")) {
    power_curve = report::parse_design_json(read_text(vm["design"].as<std::string>()), vm["design"].as<std::string>());
  }
  const std::string path = vm["results"].as<std::string>();
  const silico::io::ResultReader results(path);
  const auto& m = results.metadata();
  report::ReportInputs in;
  in.result_file = path;
  in.trial_name = m.trial_name;
  in.silico_version = m.silico_version;
  in.git_commit = results.string_attribute("/", "git_commit");
  in.created_utc = results.string_attribute("/", "created_utc");
  in.command_line = results.string_attribute("/", "command_line");
  in.spec_file = results.string_attribute("/", "spec_file");
  in.spec_yaml = results.string_attribute("/", "spec_yaml");
  // A design of another spec would put another trial's power curve in this report.
  if (power_curve) {
    report::check_design_spec(*power_curve, vm["design"].as<std::string>(), in.spec_yaml, in.spec_file, in.trial_name,
                              path);
  }
  in.cohort_file = results.string_attribute("/cohort", "cohort_file");
  in.cohort_yaml = results.string_attribute("/cohort", "cohort_yaml");
  in.time_unit = m.time_unit;
  in.seed = m.seed;
  in.patients = m.patients;
  in.replicates = m.replicates;
  in.first_replicate = m.first_replicate;
  in.mpi_ranks = results.integer_attribute("/", "mpi_ranks");
  in.threads = results.integer_attribute("/", "threads");
  if (results.has_attribute("/", "wall_seconds")) in.wall_seconds = results.double_attribute("/", "wall_seconds");
  in.merged_parts = static_cast<std::uint64_t>(results.integer_attribute("/", "merged_parts"));
  in.follow_up = m.follow_up;
  in.alpha = m.alpha;
  in.acceptance_rate = m.acceptance_rate;
  in.arms = m.arm_names;
  in.control_arm = m.control_arm;
  try {
    in.spec = silico::spec::read_stored_spec(in.spec_yaml, in.spec_file);
  } catch (const silico::SpecError& e) {
    // The spec text comes from the result file, not from disk: name the file it is in.
    std::string diagnostics = e.diagnostics().format();
    while (!diagnostics.empty() && diagnostics.back() == '\n') diagnostics.pop_back();
    throw silico::UserError("'" + path + "' is damaged or not a silico result file: the spec stored in it " +
                            "(spec_yaml) does not read:\n" + diagnostics);
  }
  for (std::size_t k = 0; k < in.spec.validation.size(); ++k) {
    auto& target = in.spec.validation[k];
    if (!target.from_file()) continue;
    if (auto outcomes = results.validation_outcomes(k)) {
      target.observed_outcomes->value = std::move(outcomes->value);
      target.observed_outcomes->event = std::move(outcomes->event);
      in.observed_checksums[k] = results.string_attribute("/validation/target_" + std::to_string(k), "sha256");
    }
  }
  // The per-patient sections describe the first patients of the replicate, which are a
  // random sample of it: memory stays bounded however large the trial.
  check_count(max_patients, "--max-patients", 1, 1'000'000'000);
  const std::uint64_t shown = std::min(m.patients, max_patients);
  say("reading " + std::to_string(shown) + " patients of replicate " + std::to_string(m.first_replicate) + " and " +
      std::to_string(m.replicates) + " replicates' analyses from '" + path + "'");
  in.arm_of_patient = results.arms(0, shown);
  in.entry_time = results.entry_times(0, shown);
  for (const auto& name : results.covariate_names()) {
    const std::string object = "/cohort/covariates/" + name;
    report::CovariateColumn c;
    c.name = name;
    c.unit = results.string_attribute(object, "unit");
    c.levels = results.strings_attribute(object, "levels");
    c.binary = results.string_attribute(object, "distribution") == "bernoulli";
    c.values = results.covariate(name, 0, shown);
    in.covariates.push_back(std::move(c));
  }
  for (const auto& name : m.endpoint_names) {
    report::EndpointColumn e;
    e.name = name;
    e.type = results.string_attribute("/outcomes/" + name, "type");
    auto observed = results.observed(name, 0, shown);
    e.value = std::move(observed.value);
    e.event = std::move(observed.event);
    in.endpoints.push_back(std::move(e));
  }
  // Courses of the first patients only: a trial of millions of patients with hundreds of
  // time points would not fit, and a chart shows 50 per arm.
  constexpr std::uint64_t kTrajectoryPatients = 2000;
  for (const auto& name : results.trajectory_names()) {
    auto t = results.trajectories(name, 0, 0, kTrajectoryPatients);
    report::TrajectoryColumn column;
    column.name = name;
    column.unit = t.unit;
    column.times_days = t.times_days;
    const std::size_t points = t.times_days.size();
    for (std::size_t i = 0; points > 0 && (i + 1) * points <= t.values.size(); ++i) {
      column.courses.emplace_back(t.values.begin() + static_cast<std::ptrdiff_t>(i * points),
                                  t.values.begin() + static_cast<std::ptrdiff_t>((i + 1) * points));
    }
    in.trajectories.push_back(std::move(column));
  }
  in.series = results.series();
  // The spec's order for tables and plots: endpoints as listed, each one's methods with the
  // primary first (the attribute the analysis writes), arms as in arm_names.
  in.endpoint_order = m.endpoint_names;
  for (const auto& name : m.endpoint_names) {
    const std::string methods = results.series_attribute(name, "methods");
    std::vector<std::string>& order = in.method_order[name];
    for (std::size_t at = 0; at < methods.size();) {
      const auto comma = std::min(methods.find(',', at), methods.size());
      if (comma > at) order.push_back(methods.substr(at, comma - at));
      at = comma + 1;
    }
  }
  for (const auto& [series_path, values] : in.series) {
    const auto slash = series_path.find('/');
    const auto second = series_path.find('/', slash + 1);
    if (slash == std::string::npos || second == std::string::npos) continue;
    const std::string group = series_path.substr(0, second);
    if (in.measures.count(group)) continue;
    const std::string measure = results.series_attribute(group, "measure");
    if (!measure.empty()) in.measures[group] = measure;
    for (const char* attribute : {"population", "variable", "intercurrent_events", "summary"}) {
      const std::string text = results.series_attribute(group, std::string("estimand_") + attribute);
      if (!text.empty()) in.estimands[group][attribute] = text;
    }
  }
  // The operating characteristics summarize computes: group-sequential designs and
  // multiplicity over the replicates.
  if (m.replicates > 1) {
    auto summary = silico::cli::summarize(results, m.first_replicate);
    for (auto& e : summary.endpoints) {
      if (!e.group_sequential.empty()) in.group_sequential.push_back({e.name, std::move(e.group_sequential)});
    }
    in.multiplicity = std::move(summary.multiplicity);
  }
  in.power_curve = std::move(power_curve);
  in.verification = std::move(verification);
  in.verification_given = vm.count("verify") > 0;
  if (!(change > 0.0 && change < 1.0)) throw silico::UserError("--change must be in (0, 1)");
  check_count(study_patients, "--study-patients", 1, 10'000'000);
  // The report's own simulations need the spec as it was run, cohort includes included:
  // the result file stores their texts. A file from an older silico does not, and its
  // includes are looked for on disk; when they cannot be read, the report says why
  // instead of stopping.
  silico::spec::SpecFiles files;
  files.read_observed_outcomes = false;
  files.use_stored = results.has_attribute("/", "included_files");
  if (files.use_stored) {
    const auto names = results.strings_attribute("/", "included_files");
    const auto texts = results.strings_attribute("/", "included_texts");
    for (std::size_t k = 0; k < names.size() && k < texts.size(); ++k) files.included_files[names[k]] = texts[k];
  }
  const auto why = [&](const std::exception& e) {
    return std::string(e.what()) +
           (files.use_stored ? std::string(" (the spec and its cohort files are re-read from the result file)")
                             : " (the spec is re-read from the result file and its includes from disk: run silico "
                               "report from the directory the run was started in)");
  };
  try {
    in.calculation = report::calculation_verification(in.spec_yaml, in.spec_file, m.first_replicate,
                                                      std::max<std::uint64_t>(study_patients / 10, 1), files,
                                                      study_progress("calculation verification"));
  } catch (const std::exception& e) {
    in.calculation_error = why(e);
  }
  try {
    in.sensitivity =
        report::sensitivity(in.spec_yaml, in.spec_file, change, study_patients, files, study_progress("sensitivity"));
  } catch (const std::exception& e) {
    in.sensitivity_error = why(e);
  }
  say("writing '" + vm["output"].as<std::string>() + "'");
  silico::write_file_atomically(vm["output"].as<std::string>(), report::render_report(in), force);
  say("done");
  return silico::kExitOk;
}

int world_rank() {
  int initialised = 0;
  int finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  int rank = 0;
  if (initialised && !finalised) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    std::cout << kUsage;
    return argc < 2 ? silico::kExitUserError : silico::kExitOk;
  }
  const std::string command = argv[1];
  if (command == "--version" || command == "version") {
    std::cout << "silico " << silico::kVersion << " (" << silico::kGitCommit << ")\n";
    return silico::kExitOk;
  }
  // Options start after the subcommand name.
  const int sub_argc = argc - 1;
  char** sub_argv = argv + 1;
  // MPI lives for the whole of main so that error reporting below still knows the rank.
  std::optional<silico::parallel::MpiContext> mpi;
  try {
    if (command == "run") {
      mpi.emplace(argc, argv);
      return command_run(sub_argc, sub_argv, argc, argv, *mpi);
    }
    if (command == "design") {
      mpi.emplace(argc, argv);
      return command_design(sub_argc, sub_argv, *mpi);
    }
    if (command == "check") return command_check(sub_argc, sub_argv);
    if (command == "summarize") return command_summarize(sub_argc, sub_argv);
    if (command == "merge") return command_merge(sub_argc, sub_argv, argc, argv);
    if (command == "verify") return command_verify(sub_argc, sub_argv);
    if (command == "report") return command_report(sub_argc, sub_argv);
    std::cerr << "silico: unknown command '" << command << "'\n\n" << kUsage;
    return silico::kExitUserError;
  } catch (const po::error& e) {
    std::cerr << "silico " << command << ": " << e.what() << " (see silico " << command
              << " --help)\n";
    return silico::kExitUserError;
  } catch (const silico::parallel::RunInterrupted& e) {
    if (world_rank() == 0) std::cerr << "silico " << command << ": " << e.what() << "\n";
    return silico::kExitInterrupted;
  } catch (const silico::parallel::RunFailure& e) {
    if (e.failed_here()) std::cerr << "silico " << command << ": error: " << e.what() << "\n";
    if (e.abort_all()) {
      // The result file cannot be closed safely on every rank; every rank has printed
      // its error and the partial file is removed: end all ranks now.
      std::cerr.flush();
      if (world_rank() == 0) {
        std::cerr << "silico " << command << ": stopping every rank (MPI_Abort) after a failed write\n";
      }
      std::cerr.flush();
      MPI_Barrier(MPI_COMM_WORLD);
      MPI_Abort(MPI_COMM_WORLD, e.exit_code());
    }
    return e.exit_code();
  } catch (const silico::SpecError& e) {
    // Every rank read the same spec: print once.
    if (world_rank() == 0) {
      std::cerr << e.what() << e.diagnostics().size() << " error(s); nothing was written\n";
    }
    return silico::kExitUserError;
  } catch (const silico::UserError& e) {
    // Errors outside RunFailure are raised identically on every rank: print once.
    if (world_rank() == 0) std::cerr << "silico " << command << ": error: " << e.what() << "\n";
    return silico::kExitUserError;
  } catch (const std::exception& e) {
    std::cerr << "silico " << command << ": internal error: " << e.what() << "\n";
    return silico::kExitInternal;
  }
}
