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
#include "sim/multiplicity.hpp"
#include "spec/method_schema.hpp"

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

/// Fixed-point scale of the summed cut times: integer sums do not depend on the order in
/// which ranks add them, so the expected times are the same for any number of ranks.
constexpr double kTimeScale = 1 << 20;

/// What the replicates at one size give, summed over ranks.
struct SizeCounts {
  std::vector<std::uint64_t> rejections;  ///< per p-value path
  std::uint64_t cuts_reached = 0;
  std::int64_t cut_time = 0;      ///< sum over the replicates that reached the cut, x kTimeScale
  std::uint64_t cut_events = 0, cut_patients = 0;  ///< sums over every replicate
  std::int64_t accrual_end = 0;   ///< sum, x kTimeScale
};

/// The spec at one point of the search: `size` patients (an events cut scaled with them)
/// or, searching over events, the primary endpoint's events cut at `size`.
spec::TrialSpec spec_at(const spec::TrialSpec& base, DesignOver over, std::uint64_t size) {
  spec::TrialSpec spec = base;
  if (over == DesignOver::kEvents) {
    spec.analysis.endpoints.front().data_cut.events = size;
    return spec;
  }
  spec.trial.patients = size;
  for (auto& analysis : spec.analysis.endpoints) {
    analysis.data_cut = scaled_cut(analysis.data_cut, base.trial.patients, size);
  }
  return spec;
}

SizeCounts count_rejections(const MpiContext& mpi, const spec::TrialSpec& base, DesignOver over, std::uint64_t size,
                            std::uint64_t replicates, tbb::task_arena& arena,
                            const std::vector<std::string>& p_paths) {
  const spec::TrialSpec spec = spec_at(base, over, size);
  const std::string endpoint = spec.endpoints.front().name;
  const sim::Simulator simulator(spec, false);
  std::unique_ptr<sim::TrialAnalysis> analysis_holder;
  collectively(mpi, [&] { analysis_holder = std::make_unique<sim::TrialAnalysis>(spec); });
  const sim::TrialAnalysis& analysis = *analysis_holder;
  const Range mine = partition(replicates, mpi.size(), mpi.rank());
  std::vector<long long> local(p_paths.size() + 5, 0), global(local.size(), 0);
  const std::size_t base_index = p_paths.size();
  const auto fixed = [](double t) { return static_cast<long long>(std::llround(t * kTimeScale)); };
  collectively(mpi, [&] {
    sim::Block block;
    for (std::uint64_t r = mine.first; r < mine.first + mine.count; ++r) {
      arena.execute([&] { simulator.simulate(r, 0, spec.trial.patients, block); });
      for (const auto& s : analysis.analyze(block)) {
        for (std::size_t k = 0; k < p_paths.size(); ++k) {
          if (s.path != p_paths[k]) continue;
          // A p-value rejects below alpha; a multiplicity decision (`.../reject`) is 0 or 1.
          const bool decision = p_paths[k].size() > 7 && p_paths[k].compare(p_paths[k].size() - 7, 7, "/reject") == 0;
          if (decision ? s.value == 1.0 : s.value < spec.analysis.alpha) ++local[k];
        }
        if (s.path == endpoint + "/data_cut_time" && std::isfinite(s.value)) {
          ++local[base_index];
          local[base_index + 1] += fixed(s.value);
        }
        if (s.path == endpoint + "/data_cut_events") local[base_index + 2] += std::llround(s.value);
        if (s.path == endpoint + "/data_cut_patients") local[base_index + 3] += std::llround(s.value);
        if (s.path == "accrual_end") local[base_index + 4] += fixed(s.value);
      }
    }
  });
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(local.size()), MPI_LONG_LONG, MPI_SUM, mpi.comm());
  SizeCounts counts;
  for (std::size_t k = 0; k < p_paths.size(); ++k) counts.rejections.push_back(static_cast<std::uint64_t>(global[k]));
  counts.cuts_reached = static_cast<std::uint64_t>(global[base_index]);
  counts.cut_time = global[base_index + 1];
  counts.cut_events = static_cast<std::uint64_t>(global[base_index + 2]);
  counts.cut_patients = static_cast<std::uint64_t>(global[base_index + 3]);
  counts.accrual_end = global[base_index + 4];
  return counts;
}

}  // namespace

DesignResult design_trial(const MpiContext& mpi, const spec::TrialSpec& spec, const DesignOptions& options) {
  DesignResult result;
  result.target_power = options.target_power;
  result.replicates = options.replicates > 0 ? options.replicates : std::max<std::uint64_t>(spec.trial.replicates, 200);
  const auto& endpoint = spec.endpoints.front();
  const auto& analysis = spec.analysis.endpoints.front();
  result.endpoint = endpoint.name;

  // The decision of every (method, treatment) of the primary endpoint: its p-value series,
  // or, for a hypothesis of analysis.multiplicity, that procedure's decision.
  std::vector<std::string> p_paths, methods, treatments, adjustments;
  for (const auto& m : analysis.methods) {
    if (!spec::find_method_schema(m)->has_test) continue;  // no p-value (km_median)
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      if (a == spec.control_arm) continue;
      methods.push_back(m);
      treatments.push_back(spec.arms[a].name);
      p_paths.push_back(endpoint.name + "/" + methods.back() + "/" + treatments.back() + "/p");
      adjustments.push_back("none");
      if (!spec.analysis.multiplicity) continue;
      const auto& hypotheses = spec.analysis.multiplicity->hypotheses;
      for (std::size_t k = 0; k < hypotheses.size(); ++k) {
        if (hypotheses[k].endpoint == 0 && hypotheses[k].method == m && hypotheses[k].arm == a) {
          p_paths.back() = "multiplicity/" + sim::multiplicity_name(spec, k) + "/reject";
          adjustments.back() = spec::to_string(spec.analysis.multiplicity->procedure);
        }
      }
    }
  }
  if (p_paths.empty()) throw UserError("the primary endpoint has no method with a test to power");

  const bool by_events = options.over == DesignOver::kEvents;
  if (by_events && analysis.data_cut.kind != spec::DataCut::Kind::kEvents) {
    throw UserError("design --over events needs the primary endpoint's data_cut to be a number of events "
                    "(data_cut: {events: d} or data_cut_events: d)");
  }
  result.over = options.over;
  tbb::task_arena arena(options.threads > 0 ? options.threads : available_cores());
  // Sizes are patients in multiples of the randomization block, or events one by one.
  const std::uint64_t step = by_events ? 1 : spec.trial.randomization_block;
  const char* unit = by_events ? "events" : "patients";
  std::map<std::uint64_t, std::vector<double>> power;  // size -> power per path
  std::map<std::uint64_t, SizeCounts> counts_at;
  const auto evaluate = [&](std::uint64_t size) -> const std::vector<double>& {
    auto found = power.find(size);
    if (found != power.end()) return found->second;
    const auto counts = count_rejections(mpi, spec, options.over, size, result.replicates, arena, p_paths);
    std::vector<double> values;
    for (auto c : counts.rejections) values.push_back(static_cast<double>(c) / static_cast<double>(result.replicates));
    if (mpi.is_root() && !options.quiet) {
      std::fprintf(stderr, "design: %llu %s:", static_cast<unsigned long long>(size), unit);
      for (std::size_t k = 0; k < values.size(); ++k) {
        std::fprintf(stderr, " %s (%s) %.3f", methods[k].c_str(), treatments[k].c_str(), values[k]);
      }
      std::fprintf(stderr, "\n");
    }
    counts_at.emplace(size, counts);
    return power.emplace(size, std::move(values)).first->second;
  };
  const auto reached = [&](std::uint64_t size, std::size_t k) { return evaluate(size)[k] >= options.target_power; };

  // Double from a quarter of the spec's size until every method reaches the target (or the
  // cap), then bisect each method's bracket on multiples of the step.
  const auto round_up = [&](std::uint64_t n) { return std::max(step, (n + step - 1) / step * step); };
  // Never beyond --max-patients (the largest block multiple within it, at least one
  // block), nor, searching over events, beyond the patients.
  const std::uint64_t cap = by_events ? spec.trial.patients : std::max(step, options.max_patients / step * step);
  const std::uint64_t start = by_events ? analysis.data_cut.events : spec.trial.patients;
  std::uint64_t high = std::min(cap, round_up(std::max<std::uint64_t>(start / 4, 2 * step)));
  while (true) {
    bool all = true;
    for (std::size_t k = 0; k < p_paths.size(); ++k) all = all && reached(high, k);
    if (all || high >= cap) break;
    high = std::min(cap, round_up(2 * high));
  }
  const auto mcse = [&](double power) {
    return std::sqrt(power * (1 - power) / static_cast<double>(result.replicates));
  };
  // A point of the curve at `size`: the trial's patients and events cut there, and what
  // the replicates realised at the cut.
  const auto point_at = [&](std::uint64_t size, std::size_t k, double value) {
    PowerPoint point;
    point.method = methods[k];
    point.treatment = treatments[k];
    point.adjustment = adjustments[k];
    point.power = value;
    point.mcse = mcse(value);
    const spec::TrialSpec at = spec_at(spec, options.over, size);
    point.patients = at.trial.patients;
    const auto& cut = at.analysis.endpoints.front().data_cut;
    point.data_cut_events = cut.kind == spec::DataCut::Kind::kEvents ? cut.events : 0;
    const SizeCounts& c = counts_at.at(size);
    const auto n = static_cast<double>(result.replicates);
    if (cut.present()) {
      point.cut_reached = static_cast<double>(c.cuts_reached) / n;
      if (c.cuts_reached > 0) {
        point.cut_time = static_cast<double>(c.cut_time) / kTimeScale / static_cast<double>(c.cuts_reached);
      }
      point.cut_events = static_cast<double>(c.cut_events) / n;
      point.cut_patients = static_cast<double>(c.cut_patients) / n;
    }
    if (spec.trial.accrual) point.accrual_end = static_cast<double>(c.accrual_end) / kTimeScale / n;
    return point;
  };
  for (std::size_t k = 0; k < p_paths.size(); ++k) {
    // This method's own bracket among the sizes evaluated so far: the smallest size
    // reaching the target, and the largest size below it that does not.
    std::uint64_t lo = 0, hi = 0;
    for (const auto& [size, values] : power) {
      if (values[k] >= options.target_power) {
        hi = size;
        break;
      }
      lo = size;
    }
    PowerPoint point;
    if (hi > 0) {
      while (hi - lo > step) {
        const std::uint64_t mid = round_up(lo + (hi - lo) / 2);
        if (mid >= hi || mid <= lo) break;
        if (reached(mid, k)) hi = mid; else lo = mid;
      }
      point = point_at(hi, k, evaluate(hi)[k]);
    } else {
      // Out of reach: the best size seen (the smallest, on ties), never a size of 0.
      double best = -1.0;
      std::uint64_t best_size = 0;
      for (const auto& [size, values] : power) {
        if (values[k] > best) {
          best = values[k];
          best_size = size;
        }
      }
      point = point_at(best_size, k, best);
      point.reached = false;
      if (mpi.is_root()) {
        std::fprintf(stderr,
                     "design: warning: %s (%s vs control) does not reach power %.3g within %llu %s%s; the "
                     "largest power seen is %.3f at %llu %s\n",
                     methods[k].c_str(), treatments[k].c_str(), options.target_power,
                     static_cast<unsigned long long>(cap), unit, by_events ? " (every patient)" : " (--max-patients)",
                     best, static_cast<unsigned long long>(best_size), unit);
      }
    }
    result.required.push_back(point);
  }
  for (const auto& [size, values] : power) {
    for (std::size_t k = 0; k < values.size(); ++k) result.curve.push_back(point_at(size, k, values[k]));
  }
  return result;
}

}  // namespace silico::parallel
