/// rmst: difference in restricted mean survival time up to the horizon (or the data cut,
/// if earlier), against the same difference of the potential outcomes.

#include <algorithm>

#include "sim/estimand.hpp"
#include "sim/method.hpp"

namespace silico::sim {
namespace {

/// Mean of min(time, tau) over a group's rows.
double restricted_mean(const stats::SurvivalSource& rows, std::int8_t group, double tau) {
  return group_mean(rows, group, [tau](const stats::SurvivalRow& r) { return std::min(r.time, tau); });
}

class Rmst final : public AnalysisMethod {
 public:
  explicit Rmst(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const double cut = c_.cut_time();
    const double tau = std::min(c_.analysis().rmst_horizon, cut);
    const auto e = stats::rmst_difference_sweep(c_.observed_rows(), tau, c_.alpha(), cut);
    const double truth =
        restricted_mean(c_.potential_rows(), 1, tau) - restricted_mean(c_.potential_rows(), 0, tau);
    push_estimate(out, prefix, e, truth);
    out.push_back({prefix + "/horizon", tau});
  }

 private:
  Comparison& c_;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{.schema = {.name = "rmst",
                                              .endpoint_types = {models::OutputType::kTimeToEvent},
                                              .default_order = 1,
                                              .options = {"rmst_horizon"}},
                                   .measure = "rmst_difference",
                                   .create = &make_method<Rmst>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in restricted mean survival time up to the horizon (arm - control)";
    }})

}  // namespace silico::sim
