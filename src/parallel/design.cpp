#include "parallel/design.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "parallel/collective.hpp"
#include "parallel/partition.hpp"
#include "parallel/run.hpp"
#include "sim/analysis.hpp"

namespace silico::parallel {

std::uint64_t scaled_cut_events(std::uint64_t spec_events, std::uint64_t spec_patients, std::uint64_t patients) {
  if (spec_events == 0 || spec_patients == 0) return spec_events;
  const double scaled = std::round(static_cast<double>(spec_events) * static_cast<double>(patients) /
                                   static_cast<double>(spec_patients));
  return std::min(patients, std::max<std::uint64_t>(1, static_cast<std::uint64_t>(scaled)));
}

spec::DataCut scaled_cut(const spec::DataCut& cut, std::uint64_t spec_patients, std::uint64_t patients) {
  spec::DataCut scaled = cut;
  if (cut.kind == spec::DataCut::Kind::kEvents) scaled.events = scaled_cut_events(cut.events, spec_patients, patients);
  for (auto& c : scaled.either) c = scaled_cut(c, spec_patients, patients);
  return scaled;
}

namespace {

/// Rejection counts of the primary endpoint's methods at one size, summed over ranks.
/// Integer sums, so the result does not depend on the number of ranks.
std::vector<std::uint64_t> count_rejections(const MpiContext& mpi, const spec::TrialSpec& base,
                                            std::uint64_t patients, std::uint64_t replicates,
                                            tbb::task_arena& arena,
                                            const std::vector<std::string>& p_paths) {
  spec::TrialSpec spec = base;
  spec.trial.patients = patients;
  for (auto& analysis : spec.analysis.endpoints) {
    analysis.data_cut = scaled_cut(analysis.data_cut, base.trial.patients, patients);
  }
  const sim::Simulator simulator(spec, false);
  std::unique_ptr<sim::TrialAnalysis> analysis_holder;
  collectively(mpi, [&] { analysis_holder = std::make_unique<sim::TrialAnalysis>(spec); });
  const sim::TrialAnalysis& analysis = *analysis_holder;
  const Range mine = partition(replicates, mpi.size(), mpi.rank());
  std::vector<unsigned long long> local(p_paths.size(), 0), global(p_paths.size(), 0);
  collectively(mpi, [&] {
    sim::Block block;
    for (std::uint64_t r = mine.first; r < mine.first + mine.count; ++r) {
      arena.execute([&] { simulator.simulate(r, 0, patients, block); });
      for (const auto& s : analysis.analyze(block)) {
        for (std::size_t k = 0; k < p_paths.size(); ++k) {
          if (s.path == p_paths[k] && s.value < spec.analysis.alpha) ++local[k];
        }
      }
    }
  });
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(local.size()), MPI_UNSIGNED_LONG_LONG,
                MPI_SUM, mpi.comm());
  return {global.begin(), global.end()};
}

}  // namespace

DesignResult design_trial(const MpiContext& mpi, const spec::TrialSpec& spec, const DesignOptions& options) {
  DesignResult result;
  result.target_power = options.target_power;
  result.replicates = options.replicates > 0 ? options.replicates : std::max<std::uint64_t>(spec.trial.replicates, 200);
  const auto& endpoint = spec.endpoints.front();
  const auto& analysis = spec.analysis.endpoints.front();
  result.endpoint = endpoint.name;

  // The p-value series of every (method, treatment) of the primary endpoint.
  std::vector<std::string> p_paths, methods, treatments;
  for (auto m : analysis.methods) {
    if (m == spec::Method::kKmMedian) continue;  // no test
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      if (a == spec.control_arm) continue;
      methods.push_back(spec::method_name(m));
      treatments.push_back(spec.arms[a].name);
      p_paths.push_back(endpoint.name + "/" + methods.back() + "/" + treatments.back() + "/p");
    }
  }
  if (p_paths.empty()) throw UserError("the primary endpoint has no method with a test to power");

  tbb::task_arena arena(options.threads > 0 ? options.threads : available_cores());
  const std::uint64_t block = spec.trial.randomization_block;
  std::map<std::uint64_t, std::vector<double>> power;  // size -> power per path
  const auto evaluate = [&](std::uint64_t patients) -> const std::vector<double>& {
    auto found = power.find(patients);
    if (found != power.end()) return found->second;
    const auto counts = count_rejections(mpi, spec, patients, result.replicates, arena, p_paths);
    std::vector<double> values;
    for (auto c : counts) values.push_back(static_cast<double>(c) / static_cast<double>(result.replicates));
    if (mpi.is_root() && !options.quiet) {
      std::fprintf(stderr, "design: %llu patients:", static_cast<unsigned long long>(patients));
      for (std::size_t k = 0; k < values.size(); ++k) std::fprintf(stderr, " %s %.3f", methods[k].c_str(), values[k]);
      std::fprintf(stderr, "\n");
    }
    return power.emplace(patients, std::move(values)).first->second;
  };
  const auto reached = [&](std::uint64_t patients, std::size_t k) {
    return evaluate(patients)[k] >= options.target_power;
  };

  // Double from the spec's size until every method reaches the target (or the cap), then
  // bisect each method's bracket on multiples of the randomization block.
  const auto round_up = [&](std::uint64_t n) { return std::max(block, (n + block - 1) / block * block); };
  // Never beyond --max-patients: the largest block multiple within it (at least one block).
  const std::uint64_t cap = std::max(block, options.max_patients / block * block);
  std::uint64_t high = std::min(cap, round_up(std::max<std::uint64_t>(spec.trial.patients / 4, 2 * block)));
  while (true) {
    bool all = true;
    for (std::size_t k = 0; k < p_paths.size(); ++k) all = all && reached(high, k);
    if (all || high >= cap) break;
    high = std::min(cap, round_up(2 * high));
  }
  const auto mcse = [&](double power) {
    return std::sqrt(power * (1 - power) / static_cast<double>(result.replicates));
  };
  const auto events = [&](std::uint64_t patients) {
    const auto& cut = analysis.data_cut;
    return cut.kind == spec::DataCut::Kind::kEvents ? scaled_cut_events(cut.events, spec.trial.patients, patients) : 0;
  };
  for (std::size_t k = 0; k < p_paths.size(); ++k) {
    PowerPoint point{0, methods[k], treatments[k], 0.0, 0.0, 0, true};
    // This method's own bracket among the sizes evaluated so far: the smallest size
    // reaching the target, and the largest size below it that does not.
    std::uint64_t lo = 0, hi = 0;
    for (const auto& [patients, values] : power) {
      if (values[k] >= options.target_power) {
        hi = patients;
        break;
      }
      lo = patients;
    }
    if (hi > 0) {
      while (hi - lo > block) {
        const std::uint64_t mid = round_up(lo + (hi - lo) / 2);
        if (mid >= hi || mid <= lo) break;
        if (reached(mid, k)) hi = mid; else lo = mid;
      }
      point.patients = hi;
      point.power = evaluate(hi)[k];
    } else {
      // Out of reach: the best size seen (the smallest, on ties), never a size of 0.
      point.reached = false;
      point.power = -1.0;
      for (const auto& [patients, values] : power) {
        if (values[k] > point.power) {
          point.power = values[k];
          point.patients = patients;
        }
      }
      if (mpi.is_root()) {
        std::fprintf(stderr,
                     "design: warning: %s (%s vs control) does not reach power %.3g within --max-patients "
                     "%llu; the largest power seen is %.3f at %llu patients\n",
                     methods[k].c_str(), treatments[k].c_str(), options.target_power,
                     static_cast<unsigned long long>(cap), point.power,
                     static_cast<unsigned long long>(point.patients));
      }
    }
    point.mcse = mcse(point.power);
    point.data_cut_events = events(point.patients);
    result.required.push_back(point);
  }
  for (const auto& [patients, values] : power) {
    for (std::size_t k = 0; k < values.size(); ++k) {
      result.curve.push_back({patients, methods[k], treatments[k], values[k], mcse(values[k]), events(patients), true});
    }
  }
  return result;
}

}  // namespace silico::parallel
