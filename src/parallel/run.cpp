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
#include <optional>

#include "core/fault_injection.hpp"
#include "core/output_file.hpp"
#include "core/output_lock.hpp"
#include "core/text.hpp"
#include "io/result_writer.hpp"
#include "io/survival_spill.hpp"
#include "parallel/checkpoint.hpp"
#include "parallel/collective.hpp"
#include "parallel/partition.hpp"
#include "parallel/round_control.hpp"
#include "parallel/run_files.hpp"
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

/// Ends the run on every rank after its checkpoint, saying how to continue it.
[[noreturn]] void stop(const RoundDecision& decision, const RunOptions& options, const spec::TrialSpec& spec,
                       const std::string& progress) {
  throw RunInterrupted("stopped by " + decision.reason() + " after a checkpoint (" + progress +
                       "); continue with: " + resume_command(options, spec));
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
/// replicate order; when a checkpoint is due it writes the rows since the last one to the
/// analysis file and commits. The series are written to the result file at the end.
template <typename CheckpointFn>
void analyze_replicates(const MpiContext& mpi, const spec::TrialSpec& spec, tbb::task_arena& arena,
                        io::ResultWriter& writer, const CheckpointPaths& files, Checkpoint& state,
                        CheckpointFn&& checkpoint, RoundControl& control, const RunOptions& options) {
  std::unique_ptr<sim::TrialAnalysis> analysis;
  collectively(mpi, [&] { analysis = std::make_unique<sim::TrialAnalysis>(spec); });
  const Range replicates{state.first_replicate, state.replicate_count};
  std::vector<std::string> paths;        // the series, the same for every replicate
  std::vector<std::vector<double>> rows;  // rank 0: every analysed replicate, in order
  collectively(mpi, [&] {
    if (mpi.is_root()) read_analysis_rows(files.analysis, state, paths, rows);
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
  std::vector<std::vector<double>> uncommitted;  // rank 0: rows since the last checkpoint
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
    if (mpi.is_root()) {
      rows.insert(rows.end(), round.begin(), round.end());
      uncommitted.insert(uncommitted.end(), round.begin(), round.end());
    }
    const std::uint64_t analysed = std::min(replicates.count, state.replicates_analysed + ranks);
    const RoundDecision decision = control.poll(mpi);
    if (decision.checkpoint_due || analysed == replicates.count) {
      collectively(mpi, [&] {
        if (!mpi.is_root()) return;
        write_analysis_rows(files.analysis, paths, uncommitted, state);
        uncommitted.clear();
        fault_point("analysis_written");
      });
      state.replicates_analysed = analysed;
      checkpoint();
      control.checkpointed();
    } else {
      state.replicates_analysed = analysed;
    }
    progress.update(state.replicates_analysed, "replicates analysed");
    if (decision.stop() && state.replicates_analysed < replicates.count) {
      stop(decision, options, spec,
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

RunSummary run_trial(const MpiContext& mpi, const spec::TrialSpec& spec, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const CheckpointPaths files(options.output);

  const std::uint64_t study = spec.trial.replicates;
  if (options.first_replicate >= study || options.replicate_count > study - options.first_replicate) {
    throw UserError("--replicates " + std::to_string(options.first_replicate) + ":" +
                    std::to_string(options.replicate_count) + " is outside the study's " + std::to_string(study) +
                    " replicate(s) (0-based FIRST, COUNT <= " + std::to_string(study) + " - FIRST)");
  }
  if (options.block_patients < 1) throw UserError("--block-patients must be at least 1");
  Checkpoint wanted;
  wanted.silico_version = kVersion;
  wanted.format_version = kFormatVersion;
  wanted.spec_fingerprint = spec_fingerprint(spec);
  wanted.seed = spec.trial.seed;
  wanted.first_replicate = options.first_replicate;
  wanted.replicate_count = options.replicate_count > 0 ? options.replicate_count : study - options.first_replicate;
  wanted.block_patients = options.block_patients;

  // Rank 0 takes the output's lock for the whole run, then decides (the only rank that
  // looks at the files) and every rank agrees: a refusal comes before any work and
  // touches nothing, so nothing is lost.
  std::optional<OutputLock> lock;
  std::string refusal;
  RunStart begin;
  if (mpi.is_root()) {
    try {
      check_output(options.output, "-o", true);  // a name in a folder that exists, before the lock beside it
      lock.emplace(options.output);
      begin = decide_run_start(spec, options, wanted, files);
    } catch (const UserError& e) {
      refusal = e.what();
    }
  }
  refusal = broadcast(mpi.comm(), refusal);
  if (!refusal.empty()) throw UserError(refusal);
  if (mpi.is_root() && !begin.notice.empty() && !options.quiet) {
    std::fprintf(stderr, "silico run: %s\n", begin.notice.c_str());
  }
  const std::string checkpoint_text = broadcast(mpi.comm(), begin.checkpoint_text);
  const bool resuming = !checkpoint_text.empty();
  Checkpoint state = resuming ? Checkpoint::from_text(checkpoint_text, files.state) : wanted;
  // A fresh start (or --force): an older attempt's files must not describe the new run.
  if (!resuming && mpi.is_root()) clear_run_files(files);
  if (resuming && mpi.is_root()) remove_stale_temporaries(files);

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
  RoundControl control(options.checkpoint_seconds);
  g_file_failed = false;
  std::unique_ptr<io::ResultWriter> writer;
  // A failed run keeps a committed checkpoint for --resume; rank 0 says so.
  const auto leave_files = [&]() {
    if (!mpi.is_root()) return;
    const std::string hint = leave_failed_run(files, options, spec);
    if (!hint.empty()) std::fprintf(stderr, "silico run: %s\n", hint.c_str());
  };
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
    // Collective. The commit point of the protocol in checkpoint.hpp: the HDF5 file is
    // flushed and the analysis rows written before it is called.
    const auto checkpoint = [&] {
      state.candidates_drawn = sum(mpi.comm(), candidates);
      state.model_failures = sum(mpi.comm(), failures);
      // Sums of per-block digests wrap modulo 2^64 alike on every rank count.
      const std::uint64_t written = sum(mpi.comm(), writer->take_written_digest());
      if (mpi.is_root()) state.data_digest += written;
      if (mpi.is_root()) {
        candidates = state.candidates_drawn;
        failures = state.model_failures;
        state.seconds_spent = seconds_so_far();
      } else {
        candidates = failures = 0;
      }
      collectively(mpi, [&] {
        if (!mpi.is_root()) return;
        commit_checkpoint(files.state, state);
        fault_point("checkpoint_committed");
      });
    };

    // Patients: rounds of one block per rank, one collective write per round; a flush
    // and a checkpoint when one is due (--checkpoint-interval), on a stop signal and
    // after the last round.
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
        file_collectively(mpi, [&] { writer->write_block(block); });
        state.blocks_done = std::min(total_blocks, state.blocks_done + ranks);
        const RoundDecision decision = control.poll(mpi);
        if (decision.checkpoint_due || state.blocks_done == total_blocks) {
          file_collectively(mpi, [&] {
            writer->flush();
            fault_point("patients_flushed");
          });
          checkpoint();
          control.checkpointed();
        }
        // Blocks are in patient order, so done blocks map to patients exactly.
        std::uint64_t done_replicate = 0, done_first = 0, done_count = 0;
        if (state.blocks_done < total_blocks) plan.locate(state.blocks_done, done_replicate, done_first, done_count);
        progress.update(state.blocks_done >= total_blocks
                            ? plan.patients * replicates.count
                            : (done_replicate - replicates.first) * plan.patients + done_first);
        if (decision.stop() && state.blocks_done < total_blocks) {
          stop(decision, options, spec,
               std::to_string(state.blocks_done) + " of " + std::to_string(total_blocks) + " patient blocks written");
        }
      }
    }

    analyze_replicates(mpi, spec, arena, *writer, files, state, checkpoint, control, options);
    summary.candidates_drawn = sum(mpi.comm(), candidates);
    summary.model_failures = sum(mpi.comm(), failures);
    // Every rank writes the attribute, so every rank needs rank 0's value.
    const double wall_seconds = broadcast(mpi.comm(), mpi.is_root() ? seconds_so_far() : 0.0);
    file_collectively(mpi, [&] { writer->finish(summary.candidates_drawn, wall_seconds); });
    writer.reset();
    summary.acceptance_rate = static_cast<double>(plan.patients * replicates.count) /
                              static_cast<double>(summary.candidates_drawn);
    // Publish: never over a file that appeared during the run, unless --force. The
    // checkpoint stays until the output is in place, so a kill in between resumes.
    collectively(mpi, [&] {
      if (!mpi.is_root()) return;
      fault_point("partial_finished");
      if (options.force) {
        fs::rename(files.partial, options.output);
      } else {
        try {
          rename_no_replace(files.partial, options.output);
        } catch (const UserError& e) {
          throw UserError(std::string(e.what()) + "; the finished run stays in " + files.partial +
                          " with its checkpoint: move '" + options.output + "' away and run " +
                          resume_command(options, spec) + " to put it in place");
        }
      }
      sync_parent_folder(options.output);
      fault_point("output_published");
      std::error_code ignored;
      fs::remove(files.state, ignored);
      fs::remove(files.analysis, ignored);
    });
  } catch (const RunInterrupted&) {
    writer.reset();  // closes the partial file; it and the checkpoint stay for --resume
    throw;
  } catch (const RunFailure& failure) {
    // After a failed collective call on the file, closing it (collective too) may never
    // return on some rank, and on one rank a close that fails (a full disk) leaves HDF5
    // holding a half-closed file that MPI_Finalize then crashes on: leave it open and let
    // the caller end every rank with MPI_Abort.
    const bool abandon = g_file_failed;
    if (abandon) {
      (void)writer.release();  // never closed: the process ends by MPI_Abort
    } else {
      writer.reset();
    }
    leave_files();
    if (abandon) throw RunFailure(failure.exit_code(), failure.failed_here(), failure.what(), true);
    throw;
  } catch (...) {
    writer.reset();
    leave_files();
    throw;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace silico::parallel
