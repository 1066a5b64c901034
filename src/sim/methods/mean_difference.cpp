/// welch and ancova: the difference in means of the observed values, unadjusted (Welch's
/// t from the per-arm moments) or adjusted for the endpoint's covariates (OLS of
/// [1, treated, covariates], with an HC3 robust error that takes a second walk).

#include <optional>

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
  std::span<const double> row(const MethodRow& r) {
    const auto& covariates = c_.analysis().covariates;
    row_[0] = 1.0;
    row_[1] = r.treated ? 1.0 : 0.0;
    for (std::size_t j = 0; j < covariates.size(); ++j)
      row_[2 + j] = r.block.covariates[covariates[j]][r.i];
    return row_;
  }
  Comparison& c_;
  ChunkedOls ols_;
  std::vector<double> row_;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{"welch", "mean_difference", &make_method<Welch>})
SILICO_REGISTER_METHOD(MethodEntry{"ancova", "mean_difference", &make_method<Ancova>})

}  // namespace silico::sim
