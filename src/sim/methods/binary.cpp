/// risk_difference, risk_ratio and odds_ratio: the 2x2 table of responders of the treated
/// and control arms, against the same measure of the arms' mean potential outcomes.

#include "sim/estimand.hpp"
#include "sim/method.hpp"

namespace silico::sim {
namespace {

enum class Measure { kRiskDifference, kRiskRatio, kOddsRatio };

/// The risk difference with its Wald CI and p; where the Wald SE is 0 (every patient of
/// both arms a responder or none, e.g. 10/10 vs 0/10) that test cannot decide, and the
/// Miettinen-Nurminen score test and interval are used instead, so a certain outcome is
/// decided (p = 1.3e-5 for 10/10 vs 0/10, 1 for 0/10 vs 0/10). `score` says which.
stats::Estimate decided_risk_difference(const stats::TwoByTwo& t, double alpha, bool* score = nullptr) {
  const stats::Estimate wald = stats::risk_difference(t, alpha);
  const bool use_score = wald.se == 0.0 && t.treated_n > 0 && t.control_n > 0;
  if (score) *score = use_score;
  return use_score ? stats::risk_difference_score(t, alpha) : wald;
}

template <Measure kMeasure>
class Binary final : public AnalysisMethod {
 public:
  explicit Binary(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const ArmSummary& treated = c_.arm_summary(c_.treated_arm());
    const ArmSummary& control = c_.arm_summary(c_.spec().control_arm);
    const stats::TwoByTwo t{treated.responders, treated.n, control.responders, control.n};
    const double pt = potential_rate(c_, c_.treated_arm());
    const double pc = potential_rate(c_, c_.spec().control_arm);
    const double alpha = c_.alpha();
    if constexpr (kMeasure == Measure::kRiskDifference) {
      bool score = false;
      push_estimate(out, prefix, decided_risk_difference(t, alpha, &score), pt - pc);
      out.push_back({prefix + "/score_method", score ? 1.0 : 0.0});
      out.push_back({prefix + "/chi_square_p", stats::chi_square_p(t)});
      out.push_back({prefix + "/fisher_p", stats::fisher_exact_p(t)});
    } else if constexpr (kMeasure == Measure::kRiskRatio) {
      push_estimate(out, prefix, stats::risk_ratio(t, alpha), pt / pc);
    } else {
      push_estimate(out, prefix, stats::odds_ratio(t, alpha), (pt / (1 - pt)) / (pc / (1 - pc)));
    }
  }

 private:
  Comparison& c_;
};

/// The risk difference on the first patients: their 2x2 table.
class RiskDifferenceInterim final : public InterimAccumulator {
 public:
  explicit RiskDifferenceInterim(const Comparison&) {}
  void add(const MethodRow& r) override {
    if (r.treated) {
      ++table_.treated_n;
      table_.treated_events += r.y != 0.0;
    } else {
      ++table_.control_n;
      table_.control_events += r.y != 0.0;
    }
  }
  stats::Estimate estimate(double alpha) const override { return decided_risk_difference(table_, alpha); }

 private:
  stats::TwoByTwo table_;
};

}  // namespace

using models::OutputType;
SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "risk_difference", .endpoint_types = {OutputType::kBinary}, .default_order = 0,
               .interim = true},
    .measure = "risk_difference",
    .create = &make_method<Binary<Measure::kRiskDifference>>,
    .interim_accumulator = &make_interim<RiskDifferenceInterim>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in response probabilities (arm - control)";
    }})
SILICO_REGISTER_METHOD(MethodEntry{.schema = {.name = "risk_ratio", .endpoint_types = {OutputType::kBinary}},
                                   .measure = "risk_ratio",
                                   .create = &make_method<Binary<Measure::kRiskRatio>>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "ratio of response probabilities (arm / control)";
    }})
SILICO_REGISTER_METHOD(MethodEntry{.schema = {.name = "odds_ratio", .endpoint_types = {OutputType::kBinary}},
                                   .measure = "odds_ratio",
                                   .create = &make_method<Binary<Measure::kOddsRatio>>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "marginal odds ratio of response (arm / control)";
    }})
}  // namespace silico::sim
