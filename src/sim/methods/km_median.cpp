/// km_median: difference of the arms' Kaplan-Meier medians (no standard error), against
/// the difference of the potential outcomes' medians.

#include <algorithm>

#include "sim/estimand.hpp"
#include "sim/method.hpp"

namespace silico::sim {
namespace {

/// Sample median of a group's times censored at `cut`, NaN unless more than half of them
/// are events by then (the median of potential outcomes, censored only at the cut).
double potential_median(const stats::SurvivalSource& rows, std::int8_t group, std::uint64_t n,
                        double cut) {
  if (n == 0) return kNaN;
  const std::uint64_t low = (n - 1) / 2, high = n / 2;
  std::uint64_t seen = 0, events = 0;
  double low_value = kNaN, high_value = kNaN;
  rows.forward([&](std::span<const stats::SurvivalRow> batch) {
    for (const auto& r : batch) {
      if (r.group != group) continue;
      const double t = std::min(r.time, cut);
      if (seen == low) low_value = t;
      if (seen == high) high_value = t;
      ++seen;
      events += r.event && r.time <= cut;
    }
  });
  if (2 * events <= n) return kNaN;
  return 0.5 * (low_value + high_value);
}

class KmMedian final : public AnalysisMethod {
 public:
  explicit KmMedian(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const auto treated = c_.km(c_.treated_arm()).median.median;
    const auto controls = c_.km(c_.spec().control_arm).median.median;
    stats::Estimate e = kNoEstimate;
    if (treated && controls) e.effect = *treated - *controls;
    // Potential outcomes are censored only at the cut: the median is defined when
    // more than half of the patients have the event.
    const std::uint64_t valid = c_.potential_count();
    const double cut = c_.cut_time();
    push_estimate(out, prefix, e,
                  potential_median(c_.potential_rows(), 1, valid, cut) -
                      potential_median(c_.potential_rows(), 0, valid, cut));
  }

 private:
  Comparison& c_;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "km_median", .endpoint_types = {models::OutputType::kTimeToEvent}, .has_test = false},
    .measure = "median_difference",
    .create = &make_method<KmMedian>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in median survival time (arm - control)";
    }})

}  // namespace silico::sim
