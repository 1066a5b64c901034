#include <stdexcept>

#include "sim/method.hpp"

namespace silico::sim {

namespace {
// Function-local static: safe to use from other translation units' static initialisers.
std::vector<MethodEntry>& registry() {
  static std::vector<MethodEntry> entries;
  return entries;
}
}  // namespace

bool detail::register_method(MethodEntry entry) {
  for (const auto& e : registry()) {
    if (e.name() == entry.name())
      throw std::logic_error("analysis method registered twice: " + entry.name());
  }
  if (entry.schema.interim && entry.interim_accumulator == nullptr && entry.estimate_at_cut == nullptr &&
      entry.tests_at_cut == nullptr) {
    throw std::logic_error("analysis method " + entry.name() + " may be a group-sequential primary method "
                           "but has no interim hook");
  }
  if (entry.estimand == nullptr) {
    throw std::logic_error("analysis method " + entry.name() + " does not say what it estimates (estimand)");
  }
  spec::register_method_schema(entry.schema);
  registry().push_back(std::move(entry));
  return true;
}

const MethodEntry& method_entry(const std::string& name) {
  for (const auto& e : registry()) {
    if (e.name() == name) return e;
  }
  throw std::logic_error("internal error: analysis method '" + name +
                         "' is not registered (is its file in sim/methods/ linked whole?)");
}

void push_estimate(std::vector<Series>& out, const std::string& prefix, const stats::Estimate& e,
                   double truth) {
  out.push_back({prefix + "/effect", e.effect});
  out.push_back({prefix + "/se", e.se});
  out.push_back({prefix + "/ci_low", e.ci_low});
  out.push_back({prefix + "/ci_high", e.ci_high});
  out.push_back({prefix + "/p", e.p});
  out.push_back({prefix + "/true_effect", truth});
}

double potential_rate(const Comparison& c, std::size_t arm) {
  const auto valid = static_cast<double>(c.valid_count());
  return valid == 0 ? kNaN : c.arm_summary(arm).potential_sum / valid;
}

void push_truth_without_cut(std::vector<Series>& out, const std::string& prefix, Comparison& c,
                            Comparison::HazardRatioTruth which) {
  if (c.has_data_cut()) out.push_back({prefix + "/true_effect_without_cut", c.true_hazard_ratio_without_cut(which)});
}

void push_truth_with_dropout(std::vector<Series>& out, const std::string& prefix, Comparison& c,
                             Comparison::HazardRatioTruth which) {
  if (c.has_dropout()) out.push_back({prefix + "/true_effect_with_dropout", c.true_hazard_ratio_with_dropout(which)});
}

}  // namespace silico::sim
