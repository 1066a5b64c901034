#include "parallel/run.hpp"

#include <sched.h>
#include <unistd.h>

#include <tbb/task_arena.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "io/result_writer.hpp"
#include "parallel/collective.hpp"
#include "parallel/partition.hpp"
#include "sim/analysis.hpp"
#include "sim/simulate.hpp"

namespace silico::parallel {

namespace fs = std::filesystem;

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

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

/// Each rank analyses a contiguous range of whole replicates (re-simulated here: a
/// replicate's patients are spread over all ranks, and simulating is cheaper than
/// gathering them), then all ranks write the per-replicate series collectively.
void analyze_replicates(const MpiContext& mpi, const spec::TrialSpec& spec, tbb::task_arena& arena,
                        io::ResultWriter& writer, Range replicates, bool quiet) {
  std::unique_ptr<sim::TrialAnalysis> analysis;
  collectively(mpi, [&] { analysis = std::make_unique<sim::TrialAnalysis>(spec); });
  Range mine = partition(replicates.count, mpi.size(), mpi.rank());
  mine.first += replicates.first;
  std::vector<std::string> paths;
  std::vector<std::vector<double>> values;
  Progress progress(mpi.is_root() && !quiet && replicates.count > 1, mine.count);
  collectively(mpi, [&] {
    const sim::Simulator simulator(spec, false);
    sim::Block block;
    for (std::uint64_t r = mine.first; r < mine.first + mine.count; ++r) {
      arena.execute([&] { simulator.simulate(r, 0, spec.trial.patients, block); });
      const auto series = analysis->analyze(block);
      if (paths.empty()) {
        for (const auto& s : series) paths.push_back(s.path);
      }
      if (series.size() != paths.size()) throw std::logic_error("analysis series differ between replicates");
      std::vector<double> row;
      row.reserve(series.size());
      for (std::size_t k = 0; k < series.size(); ++k) {
        if (series[k].path != paths[k]) throw std::logic_error("analysis series differ between replicates");
        row.push_back(series[k].value);
      }
      values.push_back(std::move(row));
      progress.update(r - mine.first + 1, "replicates analysed");
    }
  });
  // Rank 0 always holds the first replicate, so its names are the reference for every rank.
  std::string joined;
  for (const auto& p : paths) joined += p + "\n";
  joined = broadcast(mpi.comm(), joined);
  std::vector<std::string> reference;
  for (std::size_t start = 0, end; (end = joined.find('\n', start)) != std::string::npos; start = end + 1) {
    reference.push_back(joined.substr(start, end - start));
  }
  collectively(mpi, [&] {
    if (mine.count > 0 && paths != reference) throw std::logic_error("analysis series differ between ranks");
    writer.create_series(reference, analysis->attributes());
  });
  collectively(mpi, [&] { writer.write_series(mine.first, mine.count, values); });
}

}  // namespace

RunSummary run_trial(const MpiContext& mpi, const spec::TrialSpec& spec, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string partial = options.output + ".partial";

  // Refuse before any work if the output exists, so nothing of the user's is lost.
  std::string refusal;
  if (mpi.is_root()) {
    const fs::path out(options.output);
    const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
    if (fs::exists(out) && !options.force) {
      refusal = "output '" + options.output + "' already exists; use --force to replace it";
    } else if (fs::is_directory(out)) {
      refusal = "output '" + options.output + "' is a directory";
    } else if (!fs::is_directory(dir)) {
      refusal = "output folder '" + dir.string() + "' does not exist";
    }
  }
  refusal = broadcast(mpi.comm(), refusal);
  if (!refusal.empty()) throw UserError(refusal);

  const std::uint64_t study = spec.trial.replicates;
  if (options.first_replicate >= study || options.replicate_count > study - options.first_replicate) {
    throw UserError("--replicates " + std::to_string(options.first_replicate) + ":" +
                    std::to_string(options.replicate_count) + " is outside the study's " + std::to_string(study) +
                    " replicate(s) (0-based FIRST, COUNT <= " + std::to_string(study) + " - FIRST)");
  }
  const Range replicates{options.first_replicate,
                         options.replicate_count > 0 ? options.replicate_count : study - options.first_replicate};

  RunSummary summary;
  summary.threads = options.threads > 0 ? options.threads : available_cores();
  io::RunInfo info;
  info.created_utc = broadcast(mpi.comm(), utc_now());
  info.command_line = broadcast(mpi.comm(), options.command_line);
  info.mpi_ranks = mpi.size();
  info.threads = summary.threads;
  info.first_replicate = replicates.first;
  info.replicate_count = replicates.count;

  std::unique_ptr<io::ResultWriter> writer;
  try {
    collectively(mpi, [&] {
      writer = std::make_unique<io::ResultWriter>(mpi.comm(), partial, spec, info);
    });
    tbb::task_arena arena(summary.threads);
    const sim::Simulator simulator(spec);
    sim::Block block;
    const std::uint64_t patients = spec.trial.patients;
    const Range mine = partition(patients, mpi.size(), mpi.rank());
    const std::uint64_t n_rounds = rounds(patients, mpi.size(), options.block_patients);
    const std::uint64_t total = patients * replicates.count;
    Progress progress(mpi.is_root() && !options.quiet, total);
    std::uint64_t candidates = 0;
    std::uint64_t failures = 0;
    for (std::uint64_t replicate = replicates.first; replicate < replicates.first + replicates.count; ++replicate) {
      for (std::uint64_t round = 0; round < n_rounds; ++round) {
        const std::uint64_t offset = std::min(mine.count, round * options.block_patients);
        const std::uint64_t count = std::min(mine.count - offset, options.block_patients);
        collectively(mpi, [&] {
          arena.execute([&] { simulator.simulate(replicate, mine.first + offset, count, block); });
        });
        for (std::uint32_t a : block.screening_attempts) candidates += a;
        for (std::int8_t f : block.model_failed) failures += static_cast<std::uint64_t>(f);
        collectively(mpi, [&] { writer->write_block(block); });
        // Rank 0 has the most patients per round, so its count is a fair global estimate.
        progress.update(std::min(total, ((replicate - replicates.first) * patients) +
                                            (offset + count) * static_cast<std::uint64_t>(mpi.size())));
      }
    }
    analyze_replicates(mpi, spec, arena, *writer, replicates, options.quiet);
    summary.candidates_drawn = sum(mpi.comm(), candidates);
    summary.model_failures = sum(mpi.comm(), failures);
    collectively(mpi, [&] { writer->finish(summary.candidates_drawn); });
    writer.reset();
    summary.acceptance_rate = static_cast<double>(total) /
                              static_cast<double>(summary.candidates_drawn);
    collectively(mpi, [&] {
      if (mpi.is_root()) fs::rename(partial, options.output);
    });
  } catch (...) {
    writer.reset();
    if (mpi.is_root()) {
      std::error_code ignored;
      fs::remove(partial, ignored);
    }
    throw;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace silico::parallel
