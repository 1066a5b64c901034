/// principal_score: the principal-stratum strategy for death on a continuous endpoint, the
/// survivor average causal effect (the effect in the patients who would be alive at the
/// final visit under either arm compared), by principal score weighting (Ding & Lu 2017;
/// stats/principal_score.hpp). The principal scores are the probabilities of surviving to
/// the end of follow-up given [1, covariates] in each arm, from complementary log-log
/// regressions of death (from the endpoint that records it); the control survivors' mean is
/// compared with the treated survivors' mean weighted by e_0(x) / e_1(x).
///
/// Consistent under monotonicity (the treated arm causes no death the control arm would
/// not) and principal ignorability (death depends on the covariates and the arm only), as
/// chronic_mortality simulates them when the treated arm's death_rate is not above the
/// control's, and when the score model holds (a constant hazard of death, proportional in
/// the covariates, makes the complementary log-log model exact). The SE is the standard
/// deviation of the estimate over `bootstrap` resamples of the patients within each arm,
/// the score models refitted in each (Ding & Lu use the bootstrap too); CI and p normal.
/// Resample b draws from the stream (seed, replicate, no patient, bootstrap, b), so results
/// do not depend on ranks, threads or block size. A patient lost to follow-up before the
/// final visit without a recorded death (trial.dropout) is left out: whether they survived
/// is unknown (unbiased when that loss is unrelated to the outcome). The rows are held in
/// memory.

#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "rng/stream.hpp"
#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "stats/estimates.hpp"
#include "stats/principal_score.hpp"

namespace silico::sim {
namespace {

class PrincipalScore final : public AnalysisMethod {
 public:
  explicit PrincipalScore(Comparison& c)
      : c_(c),
        death_(c.analysis().event_endpoints.at("death")),
        resamples_(static_cast<std::size_t>(c.analysis().method_parameters.at("principal_score").at("bootstrap").at(0))),
        p_(1 + c.analysis().covariates.size()) {}

  void collect(const MethodRow& r) override {
    replicate_ = r.block.replicate;
    // A patient lost to follow-up (trial.dropout) before the final visit without a death
    // recorded: alive or not at the end is unknown, so the patient is left out.
    const auto& death = r.block.endpoints[death_];
    const bool died = death.observed_event[r.i] != 0;
    if (!died && death.observed_value[r.i] < c_.spec().trial.follow_up) {
      ++unknown_;
      return;
    }
    treated_.push_back(r.treated ? 1 : 0);
    died_.push_back(died ? 1 : 0);
    y_.push_back(r.y);
    x_.push_back(1.0);
    for (const std::size_t j : c_.analysis().covariates) x_.push_back(r.block.covariates[j][r.i]);
  }

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const std::size_t n = y_.size();
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = i;
    const stats::PrincipalScoreEstimate point = estimate(all);
    stats::Estimate e = kNoEstimate;
    if (std::isfinite(point.effect)) {
      e.effect = point.effect;
      e.se = bootstrap_se();
      const double z = stats::normal_two_sided_z(c_.alpha());
      e.ci_low = e.effect - z * e.se;
      e.ci_high = e.effect + z * e.se;
      e.p = 2.0 * boost::math::cdf(boost::math::normal(), -std::abs(e.effect / e.se));
    }
    push_estimate(out, prefix, e, c_.true_mean_difference());
    std::uint64_t survivors = 0;
    for (const std::int8_t d : died_) survivors += d == 0;
    out.push_back({prefix + "/survivors", static_cast<double>(survivors)});
    out.push_back({prefix + "/always_survivor_share", point.always_survivor_share});
    out.push_back({prefix + "/unknown_status", static_cast<double>(unknown_)});
    out.push_back({prefix + "/bootstrap_failed", static_cast<double>(bootstrap_failed_)});
  }

 private:
  /// The estimate from the rows `rows` (indices into the held rows, repeats allowed).
  stats::PrincipalScoreEstimate estimate(const std::vector<std::size_t>& rows) const {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(p_));
    Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
    std::vector<std::int8_t> treated(rows.size()), died(rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::size_t i = rows[k];
      for (std::size_t j = 0; j < p_; ++j) x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j)) = x_[i * p_ + j];
      y(static_cast<Eigen::Index>(k)) = y_[i];
      treated[k] = treated_[i];
      died[k] = died_[i];
    }
    return stats::principal_score_weighting(x, treated, died, y);
  }

  /// The SD of the estimate over the resamples (each arm resampled to its own size); NaN
  /// when fewer than half the resamples give an estimate.
  double bootstrap_se() {
    std::vector<std::size_t> arm[2];
    for (std::size_t i = 0; i < treated_.size(); ++i) arm[treated_[i]].push_back(i);
    double sum = 0.0, squares = 0.0;
    std::size_t defined = 0;
    std::vector<std::size_t> rows;
    for (std::size_t b = 0; b < resamples_; ++b) {
      rng::Stream s({c_.spec().trial.seed, replicate_, rng::kNotAPatient, rng::Purpose::kBootstrap, b});
      rows.clear();
      for (const auto& members : arm) {
        for (std::size_t k = 0; k < members.size(); ++k) {
          const auto pick = static_cast<std::size_t>(s.uniform() * static_cast<double>(members.size()));
          rows.push_back(members[std::min(pick, members.size() - 1)]);
        }
      }
      const double effect = estimate(rows).effect;
      if (!std::isfinite(effect)) {
        ++bootstrap_failed_;  // reported: dropping such resamples narrows the SE
        continue;
      }
      sum += effect;
      squares += effect * effect;
      ++defined;
    }
    if (2 * defined < resamples_ || defined < 2) return kNaN;
    const double mean = sum / static_cast<double>(defined);
    return std::sqrt(std::max(0.0, (squares - static_cast<double>(defined) * mean * mean) /
                                       static_cast<double>(defined - 1)));
  }

  Comparison& c_;
  std::size_t death_;
  std::size_t resamples_;
  std::size_t p_;
  std::uint64_t replicate_ = 0;
  std::uint64_t unknown_ = 0, bootstrap_failed_ = 0;
  std::vector<std::int8_t> treated_, died_;
  std::vector<double> y_, x_;  ///< x_: rows of [1, covariates]
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "principal_score",
               .endpoint_types = {models::OutputType::kContinuous},
               .options = {"covariates"},
               .intercurrent_event = "death",
               .strategy = "principal_stratum",
               .parameters = {{.key = "bootstrap",
                               .kind = spec::MethodParameter::Kind::kCount,
                               .min = 20,
                               .max = 10000,
                               .default_value = {200},
                               .description = "the number of bootstrap resamples its SE is computed from"}}},
    .measure = "mean_difference",
    .create = &make_method<PrincipalScore>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "difference in means (arm - control) in the patients who would survive to the final visit under "
             "either arm (survivor average causal effect), by principal score weighting on " +
             (a.covariates.empty() ? std::string("nothing") : covariate_names(spec, a.covariates));
    }})

}  // namespace silico::sim
