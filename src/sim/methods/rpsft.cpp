/// rpsft: the hazard ratio had no control patient switched to the experimental treatment
/// (ICH E9(R1) hypothetical strategy for treatment switching), by the rank-preserving
/// structural failure time model (stats/rpsft.hpp). Listed only on an endpoint with
/// `intercurrent_events: {switching: hypothetical}`, whose true effect is the marginal
/// hazard ratio of the potential outcomes without switching; it reads each patient's
/// switching time from the endpoint that records it (EndpointAnalysis::event_endpoints).
///
/// Everything is as known at the data cut: the patients who had entered, their survival
/// and their switching censored at the cut (a switch is known once it has happened), and
/// the administrative censoring time of recensoring min(follow_up, cut - entry). The rows
/// are held in memory (five numbers a patient): trials are thousands, not millions.

#include <algorithm>

#include "sim/data_cut.hpp"
#include "sim/estimand.hpp"
#include "sim/method.hpp"
#include "stats/rpsft.hpp"

namespace silico::sim {
namespace {

class Rpsft final : public AnalysisMethod {
 public:
  explicit Rpsft(Comparison& c)
      : c_(c), switching_(c.analysis().event_endpoints.at("switching")), endpoint_(c.endpoint_index()) {}

  void collect(const MethodRow& r) override {
    const auto& own = r.block.endpoints[endpoint_];
    const auto& sw = r.block.endpoints[switching_];
    rows_.push_back({r.block.entry_time.empty() ? 0.0 : r.block.entry_time[r.i], r.y, own.observed_event[r.i],
                     sw.observed_value[r.i], sw.observed_event[r.i], r.treated});
  }

  void emit(const std::string& prefix, std::vector<Series>& out) override {
    const double cut = c_.calendar_cut(), follow_up = c_.spec().trial.follow_up;
    stats::RpsftData d;
    std::uint64_t switchers = 0;
    for (const Row& row : rows_) {
      const auto known = outcome_at_cut(row.entry, row.time, row.event, cut);
      if (!known) continue;  // entered after the cut
      const bool switched = !row.treated && row.switched != 0 && row.entry + row.switch_time <= cut &&
                            row.switch_time <= known->time;
      switchers += switched;
      d.time.push_back(known->time);
      d.event.push_back(known->event);
      d.on_treatment.push_back(row.treated ? known->time : switched ? known->time - row.switch_time : 0.0);
      d.censor_time.push_back(std::max(known->time, std::min(follow_up, cut - row.entry)));
      d.treated.push_back(row.treated ? 1 : 0);
    }
    const auto fit = stats::rpsft_fit(d, c_.alpha());
    push_estimate(out, prefix, fit.hazard_ratio, c_.true_hazard_ratio());
    push_truth_without_cut(out, prefix, c_, Comparison::HazardRatioTruth::kMarginal);
    push_truth_with_dropout(out, prefix, c_, Comparison::HazardRatioTruth::kMarginal);
    out.push_back({prefix + "/psi", fit.psi});
    out.push_back({prefix + "/itt_p", fit.itt_p});
    out.push_back({prefix + "/switchers", static_cast<double>(switchers)});
  }

 private:
  struct Row {
    double entry, time;
    std::int8_t event;
    double switch_time;
    std::int8_t switched;
    bool treated;
  };

  Comparison& c_;
  std::size_t switching_, endpoint_;
  std::vector<Row> rows_;
};

}  // namespace

SILICO_REGISTER_METHOD(MethodEntry{
    .schema = {.name = "rpsft",
               .endpoint_types = {models::OutputType::kTimeToEvent},
               .intercurrent_event = "switching",
               .strategy = "hypothetical"},
    .measure = "hazard_ratio",
    .create = &make_method<Rpsft>,
    .estimand = [](const spec::TrialSpec&, const spec::EndpointAnalysis&) -> std::string {
      return "marginal hazard ratio (arm / control) had no control patient switched, by the rank-preserving "
             "structural failure time model (one time ratio for the arm's treatment, taken or switched to)";
    }})

}  // namespace silico::sim
