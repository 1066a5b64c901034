/// completers_ancova: the hypothetical strategy for discontinuation on a continuous
/// endpoint (ICH E9(R1)): the outcome had every patient stayed on the assigned treatment.
/// ANCOVA of [1, treated, covariates] on the patients who completed on treatment (no
/// discontinuation recorded by the endpoint that records it), the others' outcomes after
/// discontinuation being irrelevant to the estimand. Unbiased when discontinuation depends
/// only on the adjustment covariates and the arm (missing at random given them) and the
/// outcome is linear in them; listed only on an endpoint with
/// `intercurrent_events: {discontinuation: hypothetical}`, whose true effect is the mean
/// difference of the potential outcomes without discontinuation. The point estimate is
/// the one multiple imputation under the same regression model converges to.

#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "sim/methods/chunked_ols.hpp"

namespace silico::sim {
namespace {

class CompletersAncova final : public AnalysisMethod {
 public:
  explicit CompletersAncova(Comparison& c)
      : c_(c),
        discontinuation_(c.analysis().event_endpoints.at("discontinuation")),
        ols_(static_cast<Eigen::Index>(2 + c.analysis().covariates.size())),
        row_(2 + c.analysis().covariates.size()) {}

  void collect(const MethodRow& r) override {
    if (r.block.endpoints[discontinuation_].observed_event[r.i] != 0) return;
    ++completers_;
    const auto& covariates = c_.analysis().covariates;
    row_[0] = 1.0;
    row_[1] = r.treated ? 1.0 : 0.0;
    for (std::size_t j = 0; j < covariates.size(); ++j) row_[2 + j] = r.block.covariates[covariates[j]][r.i];
    ols_.add(row_, r.y);
  }

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const auto e = completers_ > row_.size() ? stats::ols_coefficient(ols_.fit(), 1, c_.alpha(), false) : kNoEstimate;
    push_estimate(out, prefix, e, c_.true_mean_difference());
    out.push_back({prefix + "/completers", static_cast<double>(completers_)});
  }

 private:
  Comparison& c_;
  std::size_t discontinuation_;
  ChunkedOls ols_;
  std::vector<double> row_;
  std::uint64_t completers_ = 0;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "completers_ancova",
               .endpoint_types = {models::OutputType::kContinuous},
               .options = {"covariates"},
               .intercurrent_event = "discontinuation",
               .strategy = "hypothetical"},
    .measure = "mean_difference",
    .create = &make_method<CompletersAncova>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "difference in means (arm - control) had every patient stayed on the assigned treatment, from the "
             "patients who did, adjusted for " +
             (a.covariates.empty() ? std::string("nothing") : covariate_names(spec, a.covariates)) +
             " (unbiased when discontinuation depends on those alone)";
    }})

}  // namespace silico::sim
