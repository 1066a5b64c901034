/// Reference-based multiple imputation (Carpenter, Roger & Kenward 2013; rbmi), the
/// treatment-policy strategy for discontinuation on a continuous endpoint when what
/// happens after discontinuation is not observed. ANCOVA of [1, treated, covariates] on
/// each completed data set, pooled by Rubin's rules. Two assumptions about a patient who
/// stops:
///
/// jump_to_reference (rbmi's "JR"): the patient's outcome, in either arm, is imputed as a
/// control patient's with the same covariates, from the normal linear model [1, covariates]
/// of the control patients who completed on treatment. Unbiased for the treatment-policy
/// effect when a treated patient who stops loses the whole effect at once; conservative
/// (biased towards 0) when the effect persists.
///
/// copy_increments_in_reference (rbmi's "CIR"): the patient keeps the difference from the
/// reference arm accrued up to stopping, and from then on changes as the reference arm
/// does. With one final visit at T = follow_up, the accrued difference is that of
/// completers at T scaled by D / T (D: the time of stopping): the effect is assumed to
/// accrue linearly in time on treatment. The imputation model is the normal linear model
/// [treated, 1, covariates] of every patient who completed on treatment; a stopped
/// patient's imputed mean is its [1, covariates] part plus, on the treated arm, the
/// treatment coefficient times D / T. Unbiased when the effect accrued on treatment
/// persists after stopping (no waning); anti-conservative when it is lost.
///
/// Both: the trial records everyone's outcome, so the method hides the outcomes after
/// discontinuation itself; no one may take rescue, and discontinuation must depend on the
/// covariates alone, for the imputation model to hold. Rubin's variance is known to exceed
/// the estimator's sampling variance under reference-based imputation (Seaman, White &
/// Leacy 2014), so coverage is above nominal.

#include <boost/math/distributions/chi_squared.hpp>

#include "rng/stream.hpp"
#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "sim/methods/chunked_ols.hpp"
#include "stats/multiple_imputation.hpp"

namespace silico::sim {
namespace {

enum class Reference { kJump, kCopyIncrements };

constexpr const char* method_name(Reference kind) {
  return kind == Reference::kJump ? "jump_to_reference" : "copy_increments_in_reference";
}

template <Reference kind>
class ReferenceImputation final : public AnalysisMethod {
 public:
  /// Coefficients of the imputation model: [1, covariates] (jump), [treated, 1, covariates]
  /// (copy increments), the tail of row_ either way.
  static constexpr std::size_t kLeading = kind == Reference::kJump ? 1 : 2;

  explicit ReferenceImputation(Comparison& c)
      : c_(c),
        discontinuation_(c.analysis().event_endpoints.at("discontinuation")),
        imputations_(static_cast<std::size_t>(
            c.analysis().method_parameters.at(method_name(kind)).at("imputations").at(0))),
        covariates_(c.analysis().covariates.size()),
        reference_(static_cast<Eigen::Index>(kLeading + covariates_)),
        row_(2 + covariates_) {}

  /// Walk 1: the imputation model, from the patients who completed on treatment: the
  /// control arm's (jump), both arms' (copy increments).
  void collect(const MethodRow& r) override {
    replicate_ = r.block.replicate;
    if (discontinued(r) || (kind == Reference::kJump && r.treated)) return;
    fill_row(r);
    reference_.add(std::span<const double>(row_).subspan(2 - kLeading), r.y);
    ++reference_rows_;
  }

  /// The imputation model's parameters, one posterior draw per imputation.
  void end_collect() override {
    const std::size_t p = kLeading + covariates_;
    if (reference_rows_ <= p) return;
    const stats::OlsFit& fit = reference_.fit();
    if (!fit.se_model.allFinite()) return;
    const Eigen::MatrixXd root = reference_.xtx_inverse_root();
    const double df = static_cast<double>(reference_rows_ - p);
    const double rss = fit.residual_variance * df;
    const boost::math::chi_squared chi_square(df);
    for (std::size_t m = 0; m < imputations_; ++m) {
      rng::Stream s({c_.spec().trial.seed, replicate_, rng::kNotAPatient, rng::Purpose::kImputation, m});
      Eigen::VectorXd z(static_cast<Eigen::Index>(p));
      for (Eigen::Index j = 0; j < z.size(); ++j) z(j) = s.normal();
      draws_.push_back(stats::draw_regression_posterior(fit.beta, root, rss, z, boost::math::quantile(chi_square, s.uniform())));
    }
    completed_.assign(imputations_, ChunkedOls(static_cast<Eigen::Index>(2 + covariates_)));
  }

  bool needs_second_walk() const override { return true; }

  /// Walk 2: every patient into each completed data set, imputed after discontinuation
  /// (the patient's own stream: one normal per imputation).
  void revisit(const MethodRow& r) override {
    if (draws_.empty()) return;
    fill_row(r);
    ++rows_;
    if (!discontinued(r)) {
      for (auto& ols : completed_) ols.add(row_, r.y);
      return;
    }
    ++imputed_;
    const Eigen::Map<const Eigen::VectorXd> x(row_.data() + 1, static_cast<Eigen::Index>(1 + covariates_));
    // The share of the follow-up the patient was treated for: the accrued effect's (CIR).
    const double accrued =
        r.treated ? std::min(1.0, r.block.endpoints[discontinuation_].observed_value[r.i] / c_.spec().trial.follow_up)
                  : 0.0;
    rng::Stream s({c_.spec().trial.seed, replicate_, r.block.first + r.i, rng::Purpose::kImputation, 0});
    for (std::size_t m = 0; m < imputations_; ++m) {
      const auto& beta = draws_[m].beta;
      const double mean = kind == Reference::kJump ? beta.dot(x) : beta.tail(x.size()).dot(x) + beta(0) * accrued;
      const double y = mean + draws_[m].sigma * s.normal();
      completed_[m].add(row_, y);
    }
  }

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    stats::Estimate e = kNoEstimate;
    stats::PooledEstimate pooled{kNoEstimate, kNaN, kNaN, kNaN, kNaN};
    const std::size_t p = 2 + covariates_;
    if (!draws_.empty() && rows_ > p) {
      std::vector<double> estimates, variances;
      for (auto& ols : completed_) {
        const stats::OlsFit& fit = ols.fit();
        estimates.push_back(fit.beta(0));
        variances.push_back(fit.se_model(0) * fit.se_model(0));
      }
      pooled = stats::rubin_pool(estimates, variances, static_cast<double>(rows_ - p), c_.alpha());
      e = pooled.estimate;
    }
    push_estimate(out, prefix, e, c_.true_mean_difference());
    out.push_back({prefix + "/imputed", static_cast<double>(imputed_)});
    out.push_back({prefix + "/missing_information", pooled.missing_information});
    out.push_back({prefix + "/df", pooled.df});
  }

 private:
  bool discontinued(const MethodRow& r) const {
    return r.block.endpoints[discontinuation_].observed_event[r.i] != 0;
  }
  /// row_ = [treated, 1, covariates]: the ANCOVA's row, whose tail [1, covariates] is the
  /// reference model's.
  void fill_row(const MethodRow& r) {
    const auto& covariates = c_.analysis().covariates;
    row_[1] = 1.0;
    row_[0] = r.treated ? 1.0 : 0.0;
    for (std::size_t j = 0; j < covariates_; ++j) row_[2 + j] = r.block.covariates[covariates[j]][r.i];
  }

  Comparison& c_;
  std::size_t discontinuation_;
  std::size_t imputations_;
  std::size_t covariates_;
  ChunkedOls reference_;
  std::vector<double> row_;
  std::uint64_t replicate_ = 0;
  std::uint64_t reference_rows_ = 0, rows_ = 0, imputed_ = 0;
  std::vector<stats::RegressionDraw> draws_;
  std::vector<ChunkedOls> completed_;
};

spec::MethodSchema reference_schema(Reference kind) {
  return {.name = method_name(kind),
          .endpoint_types = {models::OutputType::kContinuous},
          .options = {"covariates"},
          .intercurrent_event = "discontinuation",
          .strategy = "treatment_policy",
          .parameters = {{.key = "imputations",
                          .kind = spec::MethodParameter::Kind::kCount,
                          .min = 2,
                          .max = 1000,
                          .default_value = {50},
                          .description = "the number of imputed data sets M pooled by Rubin's rules"}}};
}

std::string given(const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) {
  return a.covariates.empty() ? std::string("nothing") : covariate_names(spec, a.covariates);
}

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = reference_schema(Reference::kJump),
    .measure = "mean_difference",
    .create = &make_method<ReferenceImputation<Reference::kJump>>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "difference in means (arm - control) whatever happened after discontinuation, with the outcomes "
             "after it imputed as the control arm's given " +
             given(spec, a) + " (jump to reference), adjusted for the same";
    }})

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = reference_schema(Reference::kCopyIncrements),
    .measure = "mean_difference",
    .create = &make_method<ReferenceImputation<Reference::kCopyIncrements>>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "difference in means (arm - control) whatever happened after discontinuation, with the outcomes "
             "after it imputed as keeping the difference from the control arm accrued on treatment (linear in "
             "time) given " +
             given(spec, a) + " (copy increments in reference), adjusted for the same";
    }})

}  // namespace silico::sim
