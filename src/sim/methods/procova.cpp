/// procova (Schuler et al. 2021): ANCOVA on a prognostic score fitted on a historical
/// cohort (TrialAnalysis fits it once per trial), against the unadjusted fit of the same
/// rows, with the score-outcome correlation among controls.

#include <cmath>

#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "sim/methods/chunked_ols.hpp"
#include "sim/prognostic.hpp"

namespace silico::sim {
namespace {

/// Running means and centred co-moments of (x, y) pairs (Welford), for a correlation.
class RunningCorrelation {
 public:
  void add(double x, double y) {
    ++n_;
    const double dx = x - mx_, dy = y - my_;
    mx_ += dx / static_cast<double>(n_);
    my_ += dy / static_cast<double>(n_);
    cxy_ += dx * (y - my_);
    cxx_ += dx * (x - mx_);
    cyy_ += dy * (y - my_);
  }
  double correlation() const { return n_ == 0 ? kNaN : cxy_ / std::sqrt(cxx_ * cyy_); }

 private:
  std::size_t n_ = 0;
  double mx_ = 0.0, my_ = 0.0, cxy_ = 0.0, cxx_ = 0.0, cyy_ = 0.0;
};

class Procova final : public AnalysisMethod {
 public:
  explicit Procova(Comparison& c) : c_(c), adjusted_(3), unadjusted_(2) {}

  void collect(const MethodRow& r) override {
    covariates_.resize(r.block.covariates.size());
    for (std::size_t j = 0; j < covariates_.size(); ++j) covariates_[j] = r.block.covariates[j][r.i];
    const double score = prognostic_score(c_.prognostic(), covariates_);
    const double row[3] = {1.0, r.treated ? 1.0 : 0.0, score};
    adjusted_.add(row, r.y);
    unadjusted_.add(std::span<const double>(row, 2), r.y);
    if (!r.treated) control_score_outcome_.add(score, r.y);
  }

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const auto& adjusted = adjusted_.fit();
    const auto& unadjusted = unadjusted_.fit();
    const auto e = stats::ols_coefficient(adjusted, 1, c_.alpha(), false);
    push_estimate(out, prefix, e, c_.true_mean_difference());
    const double se_unadjusted = unadjusted.se_model(1);
    const double rho = control_score_outcome_.correlation();
    out.push_back({prefix + "/se_unadjusted", se_unadjusted});
    out.push_back(
        {prefix + "/variance_reduction", 1.0 - (e.se * e.se) / (se_unadjusted * se_unadjusted)});
    out.push_back({prefix + "/correlation", rho});
    // Schuler et al. (2021): the unadjusted trial needs n / (1 - rho^2) patients for the
    // power of the adjusted one.
    out.push_back({prefix + "/equivalent_unadjusted_n",
                   static_cast<double>(c_.patients()) / (1.0 - rho * rho)});
  }

 private:
  Comparison& c_;
  ChunkedOls adjusted_, unadjusted_;
  RunningCorrelation control_score_outcome_;
  std::vector<double> covariates_;  ///< one patient's, reused
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{.schema = {.name = "procova",
                                              .endpoint_types = {models::OutputType::kContinuous},
                                              .needs = spec::MethodSchema::Needs::kHistoricalCohort},
                                   .measure = "mean_difference",
                                   .create = &make_method<Procova>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in means (arm - control); the prognostic score sharpens the estimate of the same difference";
    }})

}  // namespace silico::sim
