#include "parallel/run.hpp"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <tbb/task_arena.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "core/text.hpp"
#include "io/result_writer.hpp"
#include "io/survival_spill.hpp"
#include "parallel/checkpoint.hpp"
#include "parallel/collective.hpp"
#include "parallel/partition.hpp"
#include "sim/analysis.hpp"
#include "sim/simulate.hpp"
#include "silico/version.hpp"

namespace silico::parallel {

namespace fs = std::filesystem;

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

namespace {

class Progress {
 public:
  Progress(bool enabled, std::uint64_t total)
      : enabled_(enabled), total_(total), tty_(isatty(STDERR_FILENO) == 1),
        start_(std::chrono::steady_clock::now()), last_(start_) {}

  void update(std::uint64_t done, const char* what = "patients") {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since_last = std::chrono::duration<double>(now - last_).count();
    // In place on a terminal; a plain line at most every 10 s in a batch log.
    if (done < total_ && since_last < (tty_ ? 0.2 : 10.0)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    std::fprintf(stderr, "%s%s %llu/%llu (%.0f%%), %.3g/s, ETA %.0f s%s", tty_ ? "\r" : "", what,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                 100.0 * static_cast<double>(done) / static_cast<double>(total_), rate, eta,
                 tty_ ? (done == total_ ? "\n" : "") : "\n");
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::uint64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

// Stop signals: the handler only records the signal; the run checks it between rounds.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void record_stop_signal(int signal) { g_stop_signal = signal; }

/// SIGTERM (the batch system's walltime, `scancel`) and SIGUSR1 (`sbatch
/// --signal=B:USR1@120`) for the lifetime of a run, restoring the previous handlers.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction action {};
    action.sa_handler = record_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, &old_term_);
    sigaction(SIGUSR1, &action, &old_usr1_);
  }
  ~StopSignals() {
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGUSR1, &old_usr1_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// Collective: the signal any rank received (0 if none), the same on every rank.
  static int received(const MpiContext& mpi) {
    const int mine = g_stop_signal;
    int any = 0;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, mpi.comm());
    return any;
  }

 private:
  struct sigaction old_term_ {};
  struct sigaction old_usr1_ {};
};

/// The order in which patients are simulated: blocks of `block` patients, replicate by
/// replicate; round j gives block j * ranks + rank to each rank. It depends on the block
/// size only, not on the ranks, so a resumed run may use other ranks.
struct BlockPlan {
  Range replicates;
  std::uint64_t patients = 0;
  std::uint64_t block = 0;
  std::uint64_t per_replicate() const { return (patients + block - 1) / block; }
  std::uint64_t total() const { return replicates.count * per_replicate(); }
  /// Block g: its replicate and patient range.
  void locate(std::uint64_t g, std::uint64_t& replicate, std::uint64_t& first, std::uint64_t& count) const {
    replicate = replicates.first + g / per_replicate();
    first = (g % per_replicate()) * block;
    count = std::min(block, patients - first);
  }
};

std::string signal_name(int signal) { return signal == SIGUSR1 ? "SIGUSR1" : signal == SIGTERM ? "SIGTERM" : "a signal"; }

/// What a stopped run tells its user, on rank 0.
[[noreturn]] void stop(int signal, const RunOptions& options, const std::string& progress) {
  throw RunInterrupted("stopped by " + signal_name(signal) + " after a checkpoint (" + progress +
                       "); continue with: silico run SPEC -o " + options.output + " --resume");
}


// Set when a collective call on the result file failed on some rank (see RunFailure::abort_all).
bool g_file_failed = false;

/// collectively() for calls on the result file: a failure marks the file's state unknown.
template <typename Work>
void file_collectively(const MpiContext& mpi, Work&& work) {
  try {
    collectively(mpi, std::forward<Work>(work));
  } catch (const RunFailure&) {
    g_file_failed = true;
    throw;
  }
}

/// Lines of `joined` ("a\nb\n") as a list.
std::vector<std::string> split_lines(const std::string& joined) {
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = joined.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(joined.substr(start, end - start));
  }
  return lines;
}

/// Rank 0 receives every rank's row (empty from ranks with nothing), in rank order.
std::vector<std::vector<double>> gather_rows(const MpiContext& mpi, const std::vector<double>& mine) {
  const int length = static_cast<int>(mine.size());
  std::vector<int> lengths(mpi.is_root() ? static_cast<std::size_t>(mpi.size()) : 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, mpi.comm());
  std::vector<int> offsets(lengths.size());
  int total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = total;
    total += lengths[r];
  }
  std::vector<double> all(static_cast<std::size_t>(total));
  MPI_Gatherv(mine.data(), length, MPI_DOUBLE, all.data(), lengths.data(), offsets.data(), MPI_DOUBLE, 0,
              mpi.comm());
  std::vector<std::vector<double>> rows;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    if (lengths[r] > 0) rows.emplace_back(all.begin() + offsets[r], all.begin() + offsets[r] + lengths[r]);
  }
  return rows;
}

/// Replicate analyses in rounds: round j gives replicate analysed + rank to each rank,
/// which re-simulates it block by block (a replicate's patients are spread over every rank,
/// and simulating is cheaper than gathering or reading them back), spilling its survival
/// rows to sorted runs in the scratch directory. Rank 0 gathers the round's rows in
/// replicate order, appends them to the analysis file and checkpoints; the series are
/// written to the result file at the end.
template <typename CheckpointFn>
void analyze_replicates(const MpiContext& mpi, const spec::TrialSpec& spec, tbb::task_arena& arena,
                        io::ResultWriter& writer, const CheckpointPaths& files, Checkpoint& state,
                        CheckpointFn&& checkpoint, const RunOptions& options) {
  std::unique_ptr<sim::TrialAnalysis> analysis;
  collectively(mpi, [&] { analysis = std::make_unique<sim::TrialAnalysis>(spec); });
  const Range replicates{state.first_replicate, state.replicate_count};
  std::vector<std::string> paths;        // the series, the same for every replicate
  std::vector<std::vector<double>> rows;  // rank 0: every analysed replicate, in order
  collectively(mpi, [&] {
    if (mpi.is_root()) read_analysis_rows(files.analysis, state.replicates_analysed, paths, rows);
  });
  std::string reference;
  for (const auto& p : paths) reference += p + "\n";
  reference = broadcast(mpi.comm(), reference);

  const sim::Simulator simulator(spec, false, false);
  sim::Block block;
  const std::uint64_t patients = spec.trial.patients;
  const std::uint64_t block_patients = std::min<std::uint64_t>(options.block_patients, std::max<std::uint64_t>(patients, 1));
  const fs::path scratch = options.scratch.empty() ? fs::absolute(options.output).parent_path() : fs::path(options.scratch);
  const auto buffers = [&](std::size_t covariates) -> std::unique_ptr<stats::SurvivalBuffer> {
    return std::make_unique<io::SurvivalSpill>(scratch, covariates, block_patients);
  };
  Progress progress(mpi.is_root() && !options.quiet && replicates.count > 1, replicates.count);
  const auto ranks = static_cast<std::uint64_t>(mpi.size());
  while (state.replicates_analysed < replicates.count) {
    const std::uint64_t mine = state.replicates_analysed + static_cast<std::uint64_t>(mpi.rank());
    std::vector<double> values;
    std::string names;
    collectively(mpi, [&] {
      if (mine >= replicates.count) return;
      const std::uint64_t replicate = replicates.first + mine;
      const auto walk = [&](const std::function<void(const sim::Block&)>& visit) {
        // A single replicate's analysis can take minutes: rank 0 shows each walk over it.
        Progress read(mpi.is_root() && !options.quiet && replicates.count == 1, patients);
        for (std::uint64_t first = 0; first < patients; first += block_patients) {
          const std::uint64_t count = std::min(block_patients, patients - first);
          arena.execute([&] { simulator.simulate(replicate, first, count, block); });
          visit(block);
          read.update(first + count, "analysis: patients read");
        }
      };
      for (const auto& series : analysis->analyze(walk, replicate, buffers)) {
        names += series.path + "\n";
        values.push_back(series.value);
      }
    });
    // Rank 0 analysed the first replicate of the round: its series are the reference.
    if (reference.empty()) reference = broadcast(mpi.comm(), names);
    collectively(mpi, [&] {
      if (mine < replicates.count && names != reference) {
        throw std::logic_error("analysis series differ between replicates");
      }
    });
    if (paths.empty()) paths = split_lines(reference);
    const auto round = gather_rows(mpi, values);
    collectively(mpi, [&] {
      if (!mpi.is_root()) return;
      append_analysis_rows(files.analysis, paths, round);
      rows.insert(rows.end(), round.begin(), round.end());
    });
    state.replicates_analysed = std::min(replicates.count, state.replicates_analysed + ranks);
    checkpoint();
    progress.update(state.replicates_analysed, "replicates analysed");
    if (const int signal = StopSignals::received(mpi); signal != 0 && state.replicates_analysed < replicates.count) {
      stop(signal, options,
           "all patients written; " + std::to_string(state.replicates_analysed) + " of " +
               std::to_string(replicates.count) + " replicates analysed");
    }
  }
  if (paths.empty()) paths = split_lines(reference);
  file_collectively(mpi, [&] { writer.create_series(paths, analysis->attributes()); });
  file_collectively(mpi, [&] {
    writer.write_series(replicates.first, mpi.is_root() ? replicates.count : 0,
                        mpi.is_root() ? rows : std::vector<std::vector<double>>{});
  });
}

}  // namespace

namespace {

/// Rank 0 removes the partial file and the checkpoint of a run that failed.
void remove_run_files(const MpiContext& mpi, const CheckpointPaths& files) {
  if (!mpi.is_root()) return;
  std::error_code ignored;
  // Only a regular file: a folder of that name is the user's, not ours.
  if (fs::is_regular_file(files.partial, ignored)) fs::remove(files.partial, ignored);
  fs::remove(files.state, ignored);
  fs::remove(files.analysis, ignored);
}

}  // namespace

RunSummary run_trial(const MpiContext& mpi, const spec::TrialSpec& spec, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const CheckpointPaths files(options.output);

  const std::uint64_t study = spec.trial.replicates;
  if (options.first_replicate >= study || options.replicate_count > study - options.first_replicate) {
    throw UserError("--replicates " + std::to_string(options.first_replicate) + ":" +
                    std::to_string(options.replicate_count) + " is outside the study's " + std::to_string(study) +
                    " replicate(s) (0-based FIRST, COUNT <= " + std::to_string(study) + " - FIRST)");
  }
  Checkpoint wanted;
  wanted.silico_version = kVersion;
  wanted.format_version = kFormatVersion;
  wanted.spec_fingerprint = spec_fingerprint(spec);
  wanted.seed = spec.trial.seed;
  wanted.first_replicate = options.first_replicate;
  wanted.replicate_count = options.replicate_count > 0 ? options.replicate_count : study - options.first_replicate;
  wanted.block_patients = options.block_patients;

  // Decide on rank 0 (the only one that looks at the files), then agree: refuse before
  // any work if the output exists or a checkpoint would be lost, so nothing is lost.
  std::string refusal, notice, checkpoint_text;
  if (mpi.is_root()) {
    try {
      const fs::path out(options.output);
      const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
      const bool have_checkpoint = fs::exists(files.state);
      if (fs::exists(out) && !options.force) {
        refusal = "output '" + options.output + "' already exists" +
                  (options.resume ? " (the run is complete: nothing to resume)" : "; use --force to replace it");
      } else if (fs::is_directory(out)) {
        refusal = "output '" + options.output + "' is a directory";
      } else if (!fs::is_directory(dir)) {
        refusal = "output folder '" + dir.string() + "' does not exist";
      } else if (have_checkpoint && !options.resume && !options.force) {
        refusal = "an interrupted run of '" + options.output + "' can be continued (" + files.state +
                  "): add --resume to continue it, or --force to start again";
      } else if (options.resume && have_checkpoint) {
        checkpoint_text = read_file(files.state);
        const auto found = Checkpoint::from_text(checkpoint_text, files.state);
        const std::string why = resume_mismatch(found, wanted);
        if (!why.empty()) {
          refusal = "cannot resume from " + files.state + ": " + why +
                    "; run the original spec, or start again with --force (the checkpoint is then discarded)";
        } else if (!fs::exists(files.partial)) {
          refusal = "cannot resume: " + files.partial + " is missing; start again with --force";
        }
      } else if (options.resume) {
        notice = "no checkpoint of '" + options.output + "' found: starting from the beginning";
      }
    } catch (const UserError& e) {
      refusal = e.what();
    }
  }
  refusal = broadcast(mpi.comm(), refusal);
  if (!refusal.empty()) throw UserError(refusal);
  notice = broadcast(mpi.comm(), notice);
  if (mpi.is_root() && !notice.empty() && !options.quiet) std::fprintf(stderr, "silico run: %s\n", notice.c_str());
  checkpoint_text = broadcast(mpi.comm(), checkpoint_text);
  const bool resuming = !checkpoint_text.empty();
  Checkpoint state = resuming ? Checkpoint::from_text(checkpoint_text, files.state) : wanted;
  if (!resuming && mpi.is_root()) {
    // A fresh start (or --force): an older checkpoint must not describe the new file.
    std::error_code ignored;
    fs::remove(files.state, ignored);
    fs::remove(files.analysis, ignored);
  }

  const Range replicates{state.first_replicate, state.replicate_count};
  const BlockPlan plan{replicates, spec.trial.patients, state.block_patients};
  if (resuming && mpi.is_root() && !options.quiet) {
    std::fprintf(stderr, "silico run: resuming from %s: %llu of %llu patient blocks written, %llu of %llu replicates analysed\n",
                 files.state.c_str(), static_cast<unsigned long long>(state.blocks_done),
                 static_cast<unsigned long long>(plan.total()), static_cast<unsigned long long>(state.replicates_analysed),
                 static_cast<unsigned long long>(replicates.count));
  }
  RunSummary summary;
  summary.threads = options.threads > 0 ? options.threads : available_cores();
  io::RunInfo info;
  info.created_utc = broadcast(mpi.comm(), utc_now());
  info.command_line = broadcast(mpi.comm(), options.command_line);
  info.mpi_ranks = mpi.size();
  info.threads = summary.threads;
  info.first_replicate = replicates.first;
  info.replicate_count = replicates.count;

  // Wall time: rank 0's clock, over this attempt plus what earlier attempts of a resumed
  // run spent up to their last checkpoint.
  const double earlier_seconds = state.seconds_spent;
  const auto seconds_so_far = [&] {
    return earlier_seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  const StopSignals signals;
  g_file_failed = false;
  std::unique_ptr<io::ResultWriter> writer;
  try {
    file_collectively(mpi, [&] {
      writer = std::make_unique<io::ResultWriter>(mpi.comm(), files.partial, spec, info,
                                                  resuming ? io::ResultWriter::Mode::kResume
                                                           : io::ResultWriter::Mode::kCreate);
    });
    tbb::task_arena arena(summary.threads);
    // Totals over all ranks live on rank 0 (the checkpoint's, then this run's).
    std::uint64_t candidates = mpi.is_root() ? state.candidates_drawn : 0;
    std::uint64_t failures = mpi.is_root() ? state.model_failures : 0;
    const auto checkpoint = [&] {
      state.candidates_drawn = sum(mpi.comm(), candidates);
      state.model_failures = sum(mpi.comm(), failures);
      if (mpi.is_root()) {
        candidates = state.candidates_drawn;
        failures = state.model_failures;
        state.seconds_spent = seconds_so_far();
      } else {
        candidates = failures = 0;
      }
      collectively(mpi, [&] {
        if (mpi.is_root()) replace_file(files.state, state.to_text());
      });
    };

    // Patients: rounds of one block per rank, one collective write per round, a flush
    // and a checkpoint after each.
    {
      const sim::Simulator simulator(spec);
      sim::Block block;
      const std::uint64_t ranks = static_cast<std::uint64_t>(mpi.size());
      const std::uint64_t total_blocks = plan.total();
      Progress progress(mpi.is_root() && !options.quiet, plan.patients * replicates.count);
      while (state.blocks_done < total_blocks) {
        const std::uint64_t g = state.blocks_done + static_cast<std::uint64_t>(mpi.rank());
        std::uint64_t replicate = replicates.first, first = 0, count = 0;
        if (g < total_blocks) plan.locate(g, replicate, first, count);
        collectively(mpi, [&] {
          arena.execute([&] { simulator.simulate(replicate, first, count, block); });
        });
        for (std::uint32_t a : block.screening_attempts) candidates += a;
        for (std::int8_t f : block.model_failed) failures += static_cast<std::uint64_t>(f);
        file_collectively(mpi, [&] {
          // The flush is collective: every rank makes it, even one whose write failed.
          std::exception_ptr failed_write;
          try {
            writer->write_block(block);
          } catch (...) {
            failed_write = std::current_exception();
          }
          writer->flush();
          if (failed_write) std::rethrow_exception(failed_write);
        });
        state.blocks_done = std::min(total_blocks, state.blocks_done + ranks);
        checkpoint();
        // Blocks are in patient order, so done blocks map to patients exactly.
        std::uint64_t done_replicate = 0, done_first = 0, done_count = 0;
        if (state.blocks_done < total_blocks) plan.locate(state.blocks_done, done_replicate, done_first, done_count);
        progress.update(state.blocks_done >= total_blocks
                            ? plan.patients * replicates.count
                            : (done_replicate - replicates.first) * plan.patients + done_first);
        if (const int signal = StopSignals::received(mpi)) {
          stop(signal, options,
               std::to_string(state.blocks_done) + " of " + std::to_string(total_blocks) + " patient blocks written");
        }
      }
    }

    analyze_replicates(mpi, spec, arena, *writer, files, state, checkpoint, options);
    summary.candidates_drawn = sum(mpi.comm(), candidates);
    summary.model_failures = sum(mpi.comm(), failures);
    // Every rank writes the attribute, so every rank needs rank 0's value.
    const double wall_seconds = broadcast(mpi.comm(), mpi.is_root() ? seconds_so_far() : 0.0);
    file_collectively(mpi, [&] { writer->finish(summary.candidates_drawn, wall_seconds); });
    writer.reset();
    summary.acceptance_rate = static_cast<double>(plan.patients * replicates.count) /
                              static_cast<double>(summary.candidates_drawn);
    collectively(mpi, [&] {
      if (mpi.is_root()) {
        fs::rename(files.partial, options.output);
        std::error_code ignored;
        fs::remove(files.state, ignored);
        fs::remove(files.analysis, ignored);
      }
    });
  } catch (const RunInterrupted&) {
    writer.reset();  // closes the partial file; it and the checkpoint stay for --resume
    throw;
  } catch (const RunFailure& failure) {
    // After a failed collective call on the file, closing it (collective too) may never
    // return on some rank: leave it open and let the caller abort every rank.
    const bool abandon = g_file_failed && mpi.size() > 1;
    if (abandon) {
      (void)writer.release();  // never closed: the process ends by MPI_Abort
    } else {
      writer.reset();
    }
    remove_run_files(mpi, files);
    if (abandon) throw RunFailure(failure.exit_code(), failure.failed_here(), failure.what(), true);
    throw;
  } catch (...) {
    writer.reset();
    remove_run_files(mpi, files);
    throw;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace silico::parallel
