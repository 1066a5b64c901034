/// logrank and cox: the hazard ratio of the observed survival data (stratified log-rank;
/// Cox with Efron ties on [treated, adjustment set]), censored at the data cut, against
/// the true value of the same estimand from the sample's potential outcomes (the same
/// analysis of the stacked potential outcomes). An adjusted or stratified estimand is
/// conditional, and differs from the marginal hazard ratio (non-collapsibility), which is
/// then stored too, as true_marginal_effect.

#include "sim/estimand.hpp"
#include "sim/method.hpp"

namespace silico::sim {

std::pair<stats::Estimate, stats::CoxFit> cox_estimate(const stats::SurvivalSource& rows,
                                                       double alpha, double cut) {
  auto fit = stats::cox_fit(rows, stats::Ties::kEfron, 30, 1e-9, cut);
  const auto e = fit.converged ? stats::cox_hazard_ratio(fit, 0, alpha) : kNoEstimate;
  return {e, std::move(fit)};
}

namespace {

class Logrank final : public AnalysisMethod {
 public:
  explicit Logrank(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    push_estimate(out, prefix, stats::logrank_sweep(c_.observed_rows(), c_.alpha(), c_.cut_time()),
                  c_.true_logrank_hazard_ratio());
    push_truth_without_cut(out, prefix, c_, Comparison::HazardRatioTruth::kLogrank);
    push_truth_with_dropout(out, prefix, c_, Comparison::HazardRatioTruth::kLogrank);
    if (!c_.analysis().strata.empty()) {
      out.push_back({prefix + "/true_marginal_effect", c_.true_hazard_ratio()});
    }
  }

 private:
  Comparison& c_;
};

class Cox final : public AnalysisMethod {
 public:
  explicit Cox(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const auto [e, fit] = cox_estimate(c_.observed_rows(), c_.alpha(), c_.cut_time());
    push_estimate(out, prefix, e, c_.true_cox_hazard_ratio());
    push_truth_without_cut(out, prefix, c_, Comparison::HazardRatioTruth::kCox);
    push_truth_with_dropout(out, prefix, c_, Comparison::HazardRatioTruth::kCox);
    out.push_back({prefix + "/lr_p", fit.converged ? fit.lr_p : kNaN});
    out.push_back({prefix + "/score_p", fit.score_p});
    const auto& a = c_.analysis();
    if (!a.covariates.empty() || !a.strata.empty()) {
      out.push_back({prefix + "/true_marginal_effect", c_.true_hazard_ratio()});
    }
  }

 private:
  Comparison& c_;
};

/// The interim looks' estimates on rows censored at a look's cut.
stats::Estimate logrank_at_cut(const stats::SurvivalSource& rows, double alpha, double cut) {
  return stats::logrank_sweep(rows, alpha, cut);
}
stats::Estimate cox_at_cut(const stats::SurvivalSource& rows, double alpha, double cut) {
  return cox_estimate(rows, alpha, cut).first;
}

}  // namespace

using models::OutputType;
SILICO_REGISTER_METHOD(MethodEntry{.schema = {.name = "logrank",
                                              .endpoint_types = {OutputType::kTimeToEvent},
                                              .default_order = 0,
                                              .options = {"strata"},
                                              .interim = true},
                                   .measure = "hazard_ratio",
                                   .create = &make_method<Logrank>,
                                   .estimate_at_cut = &logrank_at_cut,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return a.strata.empty() ? "marginal hazard ratio (arm / control)" : "hazard ratio within strata of " + covariate_names(spec, a.strata) + " (arm / control)";
    }})
SILICO_REGISTER_METHOD(MethodEntry{.schema = {.name = "cox",
                                              .endpoint_types = {OutputType::kTimeToEvent},
                                              .options = {"covariates", "strata"},
                                              .interim = true},
                                   .measure = "hazard_ratio",
                                   .create = &make_method<Cox>,
                                   .estimate_at_cut = &cox_at_cut,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      if (a.covariates.empty() && a.strata.empty()) return "marginal hazard ratio (arm / control)";
      std::string out = "hazard ratio (arm / control) conditional on " + (a.covariates.empty() ? std::string("the strata") : covariate_names(spec, a.covariates));
      if (!a.strata.empty()) out += " within strata of " + covariate_names(spec, a.strata);
      return out;
    }})

}  // namespace silico::sim
