/// ipcw_switching: the hazard ratio had no control patient switched to the experimental
/// treatment (ICH E9(R1) hypothetical strategy for treatment switching) by inverse
/// probability of censoring weighting (Robins & Finkelstein 2000; Latimer et al. 2018):
/// a control patient who switches is censored at the switch; one who progresses without
/// switching (and so could have switched) stands from progression on for those like them
/// who did, with weight 1 / (1 - p(x)), p(x) the probability of switching at progression
/// given [1, covariates] from a logistic regression on the control patients who progressed;
/// then a Cox model of the arm alone on the weighted counting-process rows
/// (stats/weighted_cox.hpp, Breslow ties), with the robust SE clustered by patient.
///
/// Unbiased for the marginal hazard ratio without switching when switching at progression
/// depends only on the covariates listed (no unmeasured confounding) and the logistic
/// model holds, as survival_switching simulates it. Everything is as known at the data cut:
/// patients who had entered, survival censored at the cut, a progression or a switch known
/// once it has happened. The rows are held in memory (a few numbers a patient), as rpsft's.

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "sim/data_cut.hpp"
#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "stats/estimates.hpp"
#include "stats/regression.hpp"
#include "stats/weighted_cox.hpp"

namespace silico::sim {
namespace {

class IpcwSwitching final : public AnalysisMethod {
 public:
  explicit IpcwSwitching(Comparison& c)
      : c_(c),
        switching_(c.analysis().event_endpoints.at("switching")),
        progression_(c.analysis().event_endpoints.at("progression")),
        endpoint_(c.endpoint_index()),
        p_(1 + c.analysis().covariates.size()) {}

  void collect(const MethodRow& r) override {
    const auto& own = r.block.endpoints[endpoint_];
    const auto& sw = r.block.endpoints[switching_];
    const auto& pr = r.block.endpoints[progression_];
    rows_.push_back({r.block.entry_time.empty() ? 0.0 : r.block.entry_time[r.i], r.y, own.observed_event[r.i],
                     sw.observed_value[r.i], sw.observed_event[r.i], pr.observed_value[r.i], pr.observed_event[r.i],
                     r.treated, r.block.first + r.i});
    x_.push_back(1.0);
    for (const std::size_t j : c_.analysis().covariates) x_.push_back(r.block.covariates[j][r.i]);
  }

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const double cut = c_.calendar_cut();
    // The patients as known at the cut, and the control patients who progressed by then.
    struct Known {
      std::size_t row;
      double time, progression;
      std::int8_t event;
      bool progressed, switched;
    };
    std::vector<Known> known;
    std::vector<std::size_t> progressed_controls;
    std::vector<std::int8_t> switched_flags;
    std::uint64_t switchers = 0;
    for (std::size_t k = 0; k < rows_.size(); ++k) {
      const Row& row = rows_[k];
      const auto at_cut = outcome_at_cut(row.entry, row.time, row.event, cut);
      if (!at_cut) continue;  // entered after the cut
      const bool progressed = row.progressed != 0 && row.entry + row.progression_time <= cut &&
                              row.progression_time < at_cut->time;
      const bool switched = !row.treated && progressed && row.switched != 0 && row.entry + row.switch_time <= cut;
      known.push_back({k, at_cut->time, row.progression_time, at_cut->event, progressed, switched});
      if (!row.treated && progressed) {
        progressed_controls.push_back(k);
        switched_flags.push_back(switched ? 1 : 0);
        switchers += switched;
      }
    }
    stats::Estimate e = kNoEstimate;
    double max_weight = kNaN;
    const auto p = static_cast<Eigen::Index>(p_);
    Eigen::VectorXd switch_beta;
    // Without a switcher every weight is 1, and with only switchers no row is weighted:
    // the switching model is fitted only when some progressed control patients switched
    // and some did not (otherwise its intercept runs off to infinity).
    const bool model_needed = switchers > 0 && switchers < progressed_controls.size();
    bool weights_ok = !model_needed;
    if (model_needed) {
      Eigen::MatrixXd x(static_cast<Eigen::Index>(progressed_controls.size()), p);
      for (std::size_t k = 0; k < progressed_controls.size(); ++k) {
        for (Eigen::Index j = 0; j < p; ++j) {
          x(static_cast<Eigen::Index>(k), j) = x_[progressed_controls[k] * p_ + static_cast<std::size_t>(j)];
        }
      }
      const stats::LogisticFit fit = stats::logistic(x, switched_flags);
      weights_ok = fit.converged;
      switch_beta = fit.beta;
    }
    if (weights_ok) {
      stats::WeightedCoxRows cox;
      cox.x.resize(static_cast<Eigen::Index>(2 * known.size()), 1);
      std::size_t m = 0;
      const auto push = [&](double start, double stop, std::int8_t event, double weight, std::uint64_t id, bool treated) {
        if (!(stop > start)) return;  // no time at risk: no row
        cox.start.push_back(start);
        cox.stop.push_back(stop);
        cox.event.push_back(event);
        cox.weight.push_back(weight);
        cox.cluster.push_back(id);
        cox.x(static_cast<Eigen::Index>(m++), 0) = treated ? 1.0 : 0.0;
      };
      for (const Known& k : known) {
        const Row& row = rows_[k.row];
        if (!(k.time > 0.0)) continue;  // no follow-up at the cut: no row
        if (row.treated || !k.progressed) {
          push(0.0, k.time, k.event, 1.0, row.id, row.treated);
        } else if (k.switched) {
          push(0.0, row.switch_time, 0, 1.0, row.id, false);  // censored at the switch
        } else {
          // 1 / (1 - p) with p = logistic(eta) is exactly 1 + exp(eta); 1 without a model.
          double weight = 1.0;
          if (model_needed) {
            const Eigen::Map<const Eigen::VectorXd> xi(x_.data() + k.row * p_, p);
            weight = 1.0 + std::exp(xi.dot(switch_beta));
          }
          if (!std::isfinite(weight)) {
            weights_ok = false;
            break;
          }
          max_weight = std::isnan(max_weight) ? weight : std::max(max_weight, weight);
          push(0.0, k.progression, 0, 1.0, row.id, false);
          push(k.progression, k.time, k.event, weight, row.id, false);
        }
      }
      cox.x.conservativeResize(static_cast<Eigen::Index>(m), 1);
      const auto fit = weights_ok ? stats::weighted_cox_fit(cox) : stats::WeightedCoxFit{};
      if (fit.converged) {
        const double beta = fit.beta(0), se = std::sqrt(fit.robust_covariance(0, 0));
        const double z = stats::normal_two_sided_z(c_.alpha());
        e.effect = std::exp(beta);
        e.se = se;
        e.ci_low = std::exp(beta - z * se);
        e.ci_high = std::exp(beta + z * se);
        e.p = 2.0 * boost::math::cdf(boost::math::normal(), -std::abs(beta / se));
      }
    }
    push_estimate(out, prefix, e, c_.true_hazard_ratio());
    push_truth_without_cut(out, prefix, c_, Comparison::HazardRatioTruth::kMarginal);
    push_truth_with_dropout(out, prefix, c_, Comparison::HazardRatioTruth::kMarginal);
    out.push_back({prefix + "/switchers", static_cast<double>(switchers)});
    out.push_back({prefix + "/max_weight", max_weight});
  }

 private:
  struct Row {
    double entry, time;
    std::int8_t event;
    double switch_time;
    std::int8_t switched;
    double progression_time;
    std::int8_t progressed;
    bool treated;
    std::uint64_t id;
  };

  Comparison& c_;
  std::size_t switching_, progression_, endpoint_, p_;
  std::vector<Row> rows_;
  std::vector<double> x_;  ///< rows of [1, covariates]
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "ipcw_switching",
               .endpoint_types = {models::OutputType::kTimeToEvent},
               .options = {"covariates"},
               .intercurrent_event = "switching",
               .strategy = "hypothetical",
               .reads_events = {"progression"}},
    .measure = "hazard_ratio",
    .create = &make_method<IpcwSwitching>,
    .estimand = [](const spec::TrialSpec& spec, const spec::EndpointAnalysis& a) -> std::string {
      return "marginal hazard ratio (arm / control) had no control patient switched, by inverse probability of "
             "censoring weighting (switchers censored at the switch; switching at progression modelled on " +
             (a.covariates.empty() ? std::string("nothing") : covariate_names(spec, a.covariates)) + ")";
    }})

}  // namespace silico::sim
