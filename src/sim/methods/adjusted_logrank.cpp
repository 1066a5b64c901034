/// adjusted_logrank: the covariate-adjusted log-rank test and hazard ratio of Ye, Shao, Yi
/// & Zhao (2023; stats/adjusted_logrank.hpp). Unlike an adjusted Cox model, whose hazard
/// ratio is conditional on the covariates (non-collapsible, and of a model that may not
/// hold), it estimates the marginal hazard ratio, the estimand of the unadjusted log-rank
/// and Cox analyses, using the covariates only to reduce its variance: covariate
/// adjustment for the marginal estimand as the FDA's 2023 guidance on adjusting for
/// covariates describes it. Everything as known at the data cut; the rows (a patient's
/// time, event, arm and covariates) are held in memory, as a Cox fit's sorted rows are.

#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "stats/adjusted_logrank.hpp"

namespace silico::sim {
namespace {

class AdjustedLogrank final : public AnalysisMethod {
 public:
  explicit AdjustedLogrank(Comparison& c) : c_(c) {}

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const stats::SurvivalSource& rows = c_.observed_rows();
    const double cut = c_.cut_time();
    const std::size_t p = rows.covariates() - 1;  // x = [treated, adjustment set]
    std::vector<double> time, x;
    std::vector<std::int8_t> event, treated;
    rows.forward([&](std::span<const stats::SurvivalRow> batch) {
      for (const auto& r : batch) {
        const bool after_cut = r.time > cut;
        time.push_back(after_cut ? cut : r.time);
        event.push_back(after_cut ? std::int8_t{0} : r.event);
        treated.push_back(static_cast<std::int8_t>(r.x[0] != 0.0 ? 1 : 0));
        x.insert(x.end(), r.x.begin() + 1, r.x.end());
      }
    });
    Eigen::MatrixXd covariates(static_cast<Eigen::Index>(time.size()), static_cast<Eigen::Index>(p));
    for (std::size_t i = 0; i < time.size(); ++i) {
      for (std::size_t j = 0; j < p; ++j) covariates(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = x[i * p + j];
    }
    const stats::AdjustedLogrankFit fit = stats::adjusted_logrank(time, event, treated, covariates);

    stats::Estimate e = kNoEstimate;
    if (std::isfinite(fit.log_hazard_ratio) && std::isfinite(fit.se)) {
      const double q = boost::math::quantile(boost::math::complement(boost::math::normal(), c_.alpha() / 2.0));
      e = {std::exp(fit.log_hazard_ratio), fit.se, std::exp(fit.log_hazard_ratio - q * fit.se),
           std::exp(fit.log_hazard_ratio + q * fit.se), fit.p};
    }
    push_estimate(out, prefix, e, c_.true_hazard_ratio());
    push_truth_without_cut(out, prefix, c_, Comparison::HazardRatioTruth::kMarginal);
    out.push_back({prefix + "/z", fit.z});
    out.push_back({prefix + "/unadjusted_effect", std::exp(fit.unadjusted_log_hazard_ratio)});
    out.push_back({prefix + "/se_unadjusted", fit.unadjusted_se});
    out.push_back({prefix + "/variance_reduction", 1.0 - (fit.se * fit.se) / (fit.unadjusted_se * fit.unadjusted_se)});
  }

 private:
  Comparison& c_;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "adjusted_logrank",
               .endpoint_types = {models::OutputType::kTimeToEvent},
               .options = {"covariates"}},
    .measure = "hazard_ratio",
    .create = &make_method<AdjustedLogrank>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "marginal hazard ratio (arm / control), with its variance reduced by adjusting for " +
             (a.covariates.empty() ? std::string("nothing") : covariate_names(spec, a.covariates)) +
             " (Ye et al. 2023)";
    }})

}  // namespace silico::sim
