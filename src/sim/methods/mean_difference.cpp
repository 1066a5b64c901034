/// welch and ancova: the difference in means of the observed values, unadjusted (Welch's
/// t from the per-arm moments) or adjusted for the endpoint's covariates (OLS of
/// [1, treated, covariates], with an HC3 robust error that takes a second walk).

#include <optional>

#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "sim/methods/chunked_ols.hpp"

namespace silico::sim {
namespace {

class Welch final : public AnalysisMethod {
 public:
  explicit Welch(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const std::size_t control = c_.spec().control_arm;
    push_estimate(out, prefix,
                  stats::welch(c_.arm_summary(c_.treated_arm()).moments.result(),
                               c_.arm_summary(control).moments.result(), c_.alpha()),
                  c_.true_mean_difference());
  }

 private:
  Comparison& c_;
};

/// Welch's t on the first patients: the arms' running moments.
class WelchInterim final : public InterimAccumulator {
 public:
  explicit WelchInterim(const Comparison&) {}
  void add(const MethodRow& r) override { (r.treated ? treated_ : control_).add(r.y); }
  stats::Estimate estimate(double alpha) const override {
    return stats::welch(treated_.result(), control_.result(), alpha);
  }

 private:
  stats::RunningMoments treated_, control_;
};

/// [1, treated, covariates] of a row, as ANCOVA regresses on.
std::span<const double> ancova_row(const Comparison& c, const MethodRow& r, std::vector<double>& row) {
  const auto& covariates = c.analysis().covariates;
  row[0] = 1.0;
  row[1] = r.treated ? 1.0 : 0.0;
  for (std::size_t j = 0; j < covariates.size(); ++j) row[2 + j] = r.block.covariates[covariates[j]][r.i];
  return row;
}

class Ancova final : public AnalysisMethod {
 public:
  explicit Ancova(Comparison& c)
      : c_(c),
        ols_(static_cast<Eigen::Index>(2 + c.analysis().covariates.size())),
        row_(2 + c.analysis().covariates.size()) {}
  void collect(const MethodRow& r) override { ols_.add(row(r), r.y); }
  void end_collect() override { ols_.fit(); }
  bool needs_second_walk() const override { return true; }
  void revisit(const MethodRow& r) override { ols_.add(row(r), r.y); }
  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const auto& fit = ols_.fit_with_hc3();
    push_estimate(out, prefix, stats::ols_coefficient(fit, 1, c_.alpha(), false),
                  c_.true_mean_difference());
    const auto robust = stats::ols_coefficient(fit, 1, c_.alpha(), true);
    out.push_back({prefix + "/se_hc3", robust.se});
    out.push_back({prefix + "/p_hc3", robust.p});
  }

 private:
  std::span<const double> row(const MethodRow& r) { return ancova_row(c_, r, row_); }
  Comparison& c_;
  ChunkedOls ols_;
  std::vector<double> row_;
};

/// ANCOVA on the first patients: the same OLS, a fresh copy fitted at each look (fit()
/// ends its first pass).
class AncovaInterim final : public InterimAccumulator {
 public:
  explicit AncovaInterim(const Comparison& c)
      : c_(c), ols_(static_cast<Eigen::Index>(2 + c.analysis().covariates.size())),
        row_(2 + c.analysis().covariates.size()) {}
  void add(const MethodRow& r) override { ols_.add(ancova_row(c_, r, row_), r.y); }
  stats::Estimate estimate(double alpha) const override {
    ChunkedOls copy = ols_;
    return stats::ols_coefficient(copy.fit(), 1, alpha, false);
  }

 private:
  const Comparison& c_;
  ChunkedOls ols_;
  std::vector<double> row_;
};

}  // namespace

using models::OutputType;
SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "welch", .endpoint_types = {OutputType::kContinuous}, .default_order = 0, .interim = true},
    .measure = "mean_difference",
    .create = &make_method<Welch>,
    .interim_accumulator = &make_interim<WelchInterim>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in means (arm - control)";
    }})
SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "ancova", .endpoint_types = {OutputType::kContinuous}, .options = {"covariates"},
               .interim = true},
    .measure = "mean_difference",
    .create = &make_method<Ancova>,
    .interim_accumulator = &make_interim<AncovaInterim>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "difference in means (arm - control); the adjustment" + (a.covariates.empty() ? std::string() : " for " + covariate_names(spec, a.covariates)) + " sharpens the estimate of the same difference when the effect does not depend on the covariates";
    }})
}  // namespace silico::sim
