/// standardized_odds_ratio: the marginal odds ratio of a binary endpoint adjusted for the
/// endpoint's covariates by standardization (g-computation; FDA 2023 guidance "Adjusting
/// for Covariates in Randomized Clinical Trials for Drugs and Biological Products"): the
/// logistic regression of response on [1, treated, covariates] over the two arms'
/// patients, its predictions for every one of them under each arm averaged into the
/// marginal risks, and their odds ratio, with the delta-method SE of Ge et al. (2011)
/// (stats/standardization.cpp). It targets the same marginal odds ratio as odds_ratio,
/// and is compared with the same truth; the coefficient of treated (the conditional odds
/// ratio, which non-collapsibility sets apart from it) is an extra.
///
/// Newton-Raphson takes one walk of the rows per step, more than the analysis's two walks
/// of the blocks, so the rows go to a buffer of the run (spilled to disk beyond its
/// budget), walked as the propensity fit of psm and iptw walks its treated patients:
/// x = [covariates..., response], in patient order.

#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "stats/standardization.hpp"

namespace silico::sim {
namespace {

class StandardizedOddsRatio final : public AnalysisMethod {
 public:
  explicit StandardizedOddsRatio(Comparison& c)
      : c_(c), k_(c.analysis().covariates.size()), rows_(c.row_buffer(k_ + 1)), row_(k_ + 1) {}

  void collect(const MethodRow& r) override {
    const auto& covariates = c_.analysis().covariates;
    for (std::size_t j = 0; j < k_; ++j) row_[j] = r.block.covariates[covariates[j]][r.i];
    row_[k_] = r.y != 0.0 ? 1.0 : 0.0;
    // Time 0 and no event for all: the survival order is the patient order.
    rows_->push(
        {0.0, r.block.first + r.i, 0, 0, static_cast<std::int8_t>(r.treated ? 1 : 0), row_});
  }
  void end_collect() override { rows_->finish(); }

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const auto p = static_cast<Eigen::Index>(k_ + 2);
    Eigen::MatrixXd x;
    std::vector<std::int8_t> y;
    const auto s = stats::standardize(
        [&](const stats::LogisticRowVisitor& visit) {
          rows_->forward([&](std::span<const stats::SurvivalRow> batch) {
            x.resize(static_cast<Eigen::Index>(batch.size()), p);
            y.resize(batch.size());
            for (std::size_t r = 0; r < batch.size(); ++r) {
              const auto i = static_cast<Eigen::Index>(r);
              x(i, 0) = 1.0;
              x(i, 1) = batch[r].group;
              for (std::size_t j = 0; j < k_; ++j)
                x(i, static_cast<Eigen::Index>(j + 2)) = batch[r].x[j];
              y[r] = batch[r].x[k_] != 0.0 ? 1 : 0;
            }
            visit(x, y);
          });
        },
        p, c_.alpha());
    // The truth of odds_ratio: the marginal odds ratio of every patient's potential outcomes.
    const double pt = potential_rate(c_, c_.treated_arm());
    const double pc = potential_rate(c_, c_.spec().control_arm);
    push_estimate(out, prefix, s.odds_ratio, (pt / (1 - pt)) / (pc / (1 - pc)));
    out.push_back({prefix + "/risk_treatment", s.risk_treatment});
    out.push_back({prefix + "/risk_control", s.risk_control});
    out.push_back({prefix + "/risk_difference", s.risk_difference.effect});
    out.push_back({prefix + "/se_risk_difference", s.risk_difference.se});
    out.push_back({prefix + "/conditional_odds_ratio", s.conditional_odds_ratio});
  }

 private:
  Comparison& c_;
  std::size_t k_;  ///< covariates
  std::unique_ptr<stats::SurvivalBuffer> rows_;
  std::vector<double> row_;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "standardized_odds_ratio",
               .endpoint_types = {models::OutputType::kBinary},
               .options = {"covariates"}},
    .measure = "odds_ratio",
    .create = &make_method<StandardizedOddsRatio>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "marginal odds ratio of response (arm / control), standardized over the trial's "
             "covariate distribution" +
             (a.covariates.empty() ? std::string(" (no covariates: the unadjusted odds ratio)")
                                   : ", adjusted for " + covariate_names(spec, a.covariates));
    }})

}  // namespace silico::sim
