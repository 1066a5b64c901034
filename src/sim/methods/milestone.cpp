/// milestone: the difference in Kaplan-Meier survival at a fixed milestone time tau,
/// S_1(tau) - S_0(tau) (treatment - control; simtrial's and gsDesign2's milestone test),
/// on the observed data censored at the data cut (stats::survival_difference_sweep): SE
/// from the two arms' Greenwood variances, Wald CI at analysis.alpha, two-sided p of
/// effect/SE. tau is the parameter `time` (required), in the endpoint's time unit.
///
/// NaN, with no estimate made up: when tau is after the data cut (the analyses' horizon,
/// Comparison::cut_time(): no one has been followed that long at the cut), or after an
/// arm's last observed time while its curve is above 0 (no one at risk at tau). The true
/// value is the same difference over the comparison's patients' potential outcomes: per
/// arm, the share without the event by tau (potential outcomes are censored only at
/// trial.follow_up >= tau, so that share is known for every patient).

#include "sim/estimand.hpp"
#include "sim/method.hpp"

namespace silico::sim {
namespace {

/// Share of a group's rows without an event at or before tau, NaN for an empty group.
double share_surviving(const stats::SurvivalSource& rows, std::int8_t group, double tau) {
  return group_mean(rows, group, [tau](const stats::SurvivalRow& r) {
    return r.event != 0 && r.time <= tau ? 0.0 : 1.0;
  });
}

class Milestone final : public AnalysisMethod {
 public:
  explicit Milestone(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const double tau = c_.analysis().method_parameters.at("milestone").at("time").at(0);
    const auto e = stats::survival_difference_sweep(c_.observed_rows(), tau, c_.alpha(), c_.cut_time());
    const double truth =
        share_surviving(c_.potential_rows(), 1, tau) - share_surviving(c_.potential_rows(), 0, tau);
    push_estimate(out, prefix, e, truth);
    out.push_back({prefix + "/milestone_time", tau});
  }

 private:
  Comparison& c_;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "milestone",
               .endpoint_types = {models::OutputType::kTimeToEvent},
               .parameters = {{.key = "time",
                               .kind = spec::MethodParameter::Kind::kTime,
                               .required = true,
                               .description = "the milestone time tau at which the arms' survival is compared, "
                                              "in (0, trial.follow_up], in the endpoint's time unit"}}},
    .measure = "survival_difference",
    .create = &make_method<Milestone>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in the probability of surviving the milestone time (arm - control)";
    }})

}  // namespace silico::sim
