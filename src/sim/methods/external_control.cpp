/// psm and iptw: a single-arm trial (patients of the external-control arm) against the
/// external cohort, simulated under the control arm with the cohort's own seed, by
/// nearest-neighbour matching on the propensity logit (psm) or ATT weights (iptw). The
/// cohort and the propensity fit are the endpoint's (shared by both); the trial's treated
/// patients are walked (counts in analysis.hpp). Every sum runs in the order of the former
/// [treated; external] arrays, so the results are bitwise theirs.

#include <cmath>
#include <functional>

#include "sim/estimand.hpp"
#include "sim/method.hpp"

namespace silico::sim {
namespace {

template <bool kMatching>
class External final : public AnalysisMethod {
 public:
  explicit External(Comparison& c) : c_(c) {}
  void emit(const std::string& prefix, std::vector<Series>& out) override;

 private:
  Comparison& c_;
};

template <bool kMatching>
void External<kMatching>::emit(const std::string& prefix, std::vector<Series>& out) {
  const spec::TrialSpec& spec = c_.spec();
  const double alpha = c_.alpha();
  const auto& ext = *spec.analysis.external_control;
  const ExternalCohort& cohort = c_.external_cohort();
  const std::size_t p = ext.covariates.size();
  const stats::LogisticFit& fit = c_.propensity();
  if (!fit.converged) {
    // Separation or a singular design: no propensity score to match or weight on.
    push_estimate(out, prefix, kNoEstimate, kNaN);
    out.push_back({prefix + "/treated", kNaN});
    for (std::size_t c : ext.covariates) {
      const std::string& name = spec.cohort.covariates[c].name;
      out.push_back({prefix + "/smd_before_" + name, kNaN});
      out.push_back({prefix + "/smd_after_" + name, kNaN});
    }
    return;
  }
  const auto logit = [&](std::span<const double> covariates) {
    // Summed in column order, as the former matrix-vector product did (no FMA: the
    // build sets -ffp-contract=off).
    double s = 0.0;
    s += 1.0 * fit.beta(0);
    for (std::size_t j = 0; j < p; ++j)
      s += covariates[j] * fit.beta(static_cast<Eigen::Index>(j + 1));
    return s;
  };
  const std::size_t n_ext = cohort.outcome.size();
  std::vector<double> control_logit(n_ext), row(p);
  for (std::size_t k = 0; k < n_ext; ++k) {
    for (std::size_t j = 0; j < p; ++j)
      row[j] = cohort.x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j + 1));
    control_logit[k] = logit(row);
  }

  // Treated side, over walks of the buffer: outcome (weights 0/1 for matching, 1 for
  // weighting), each covariate unweighted and weighted; two passes (means, then squared
  // deviations) as the span functions take them.
  stats::GroupMoments outcome_t;
  std::vector<stats::GroupMoments> before_t(p), after_t(p);
  std::vector<double> control_w;
  double truth = 0.0;
  std::uint64_t truth_count = 0;  // trial patients the estimate is about
  const auto treated_walk = [&](const std::function<void(std::span<const double>)>& visit) {
    c_.external_treated().forward([&](std::span<const stats::SurvivalRow> batch) {
      for (const auto& r : batch) visit(r.x);
    });
  };
  const auto first = [&](std::span<const double> x, double w) {
    outcome_t.add(x[p], w);
    for (std::size_t j = 0; j < p; ++j) {
      before_t[j].add(x[j]);
      after_t[j].add(x[j], w);
    }
    if (w > 0.0) {
      truth += x[p + 1];
      ++truth_count;
    }
  };
  const auto second = [&](std::span<const double> x, double w) {
    outcome_t.add_second(x[p], w);
    for (std::size_t j = 0; j < p; ++j) {
      before_t[j].add_second(x[j]);
      after_t[j].add_second(x[j], w);
    }
  };
  const auto end_first = [&] {
    outcome_t.end_first_pass();
    for (std::size_t j = 0; j < p; ++j) {
      before_t[j].end_first_pass();
      after_t[j].end_first_pass();
    }
  };

  if constexpr (kMatching) {
    double caliper = std::numeric_limits<double>::infinity();
    if (!std::isinf(ext.caliper_sd)) {
      // Pooled SD of the logits: treated over two walks, controls in memory.
      stats::GroupMoments t, c;
      treated_walk([&](std::span<const double> x) { t.add(logit(x)); });
      t.end_first_pass();
      treated_walk([&](std::span<const double> x) { t.add_second(logit(x)); });
      for (double v : control_logit) c.add(v);
      c.end_first_pass();
      for (double v : control_logit) c.add_second(v);
      caliper = stats::matching_caliper(ext.caliper_sd, t.summary().variance, c.summary().variance);
    }
    // The matching is replayed for the second pass rather than stored per patient: a
    // treated patient's weight is 1 when matched, else 0.
    control_w.assign(n_ext, 0.0);
    for (int pass = 0; pass < 2; ++pass) {
      stats::NearestMatcher matcher(control_logit, ext.match_k, caliper);
      treated_walk([&](std::span<const double> x) {
        const auto& matched = matcher.match(logit(x));
        const double w = matched.empty() ? 0.0 : 1.0;
        if (pass == 1) return second(x, w);
        first(x, w);
        for (std::size_t c : matched) control_w[c] += 1.0 / static_cast<double>(matched.size());
      });
      if (pass == 0) end_first();
    }
  } else {
    std::vector<double> ps(n_ext);
    for (std::size_t k = 0; k < n_ext; ++k) ps[k] = 1.0 / (1.0 + std::exp(-control_logit[k]));
    control_w = stats::att_control_weights(ps, c_.external_treated_count());
    treated_walk([&](std::span<const double> x) { first(x, 1.0); });
    end_first();
    treated_walk([&](std::span<const double> x) { second(x, 1.0); });
  }

  // Control side, in memory.
  const auto summary = [&](const auto& value, const std::vector<double>* w) {
    stats::GroupMoments m;
    for (std::size_t k = 0; k < n_ext; ++k) m.add(value(k), w ? (*w)[k] : 1.0);
    m.end_first_pass();
    for (std::size_t k = 0; k < n_ext; ++k) m.add_second(value(k), w ? (*w)[k] : 1.0);
    return m.summary();
  };
  const auto e = stats::weighted_mean_difference(
      outcome_t.summary(), summary([&](std::size_t k) { return cohort.outcome[k]; }, &control_w),
      alpha);
  truth = truth_count == 0 ? kNaN : truth / static_cast<double>(truth_count);
  push_estimate(out, prefix, e, truth);
  out.push_back({prefix + "/treated", static_cast<double>(truth_count)});
  for (std::size_t j = 0; j < p; ++j) {
    const auto column = [&](std::size_t k) {
      return cohort.x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j + 1));
    };
    const std::string& name = spec.cohort.covariates[ext.covariates[j]].name;
    out.push_back(
        {prefix + "/smd_before_" + name,
         stats::standardized_mean_difference(before_t[j].summary(), summary(column, nullptr))});
    out.push_back(
        {prefix + "/smd_after_" + name,
         stats::standardized_mean_difference(after_t[j].summary(), summary(column, &control_w))});
  }
}

}  // namespace

using models::OutputType;
using Needs = spec::MethodSchema::Needs;
SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "psm", .endpoint_types = {OutputType::kContinuous}, .needs = Needs::kExternalControl},
    .measure = "mean_difference",
    .create = &make_method<External<true>>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in means among the treated (arm - control)";
    }})
SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "iptw", .endpoint_types = {OutputType::kContinuous}, .needs = Needs::kExternalControl},
    .measure = "mean_difference",
    .create = &make_method<External<false>>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "difference in means among the treated (arm - control)";
    }})
}  // namespace silico::sim
