// The trial in calendar time (sim/calendar, sim/data_cut): entry times that do not depend
// on how patients are split, enrolment counts and expected events that match their rates
// and closed forms within sampling error, and analyses at a calendar cut that equal an
// independent re-analysis of the rows as known at the cut.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "rng/stream.hpp"
#include "sim/analysis.hpp"
#include "sim/calendar.hpp"
#include "sim/data_cut.hpp"
#include "spec/spec.hpp"
#include "stats/expected_events.hpp"
#include "stats/estimates.hpp"
#include "stats/survival.hpp"
#include "stats/survival_source.hpp"

namespace {

using silico::spec::Accrual;
using silico::spec::RatePiece;
constexpr double kInf = std::numeric_limits<double>::infinity();

Accrual rates(std::vector<RatePiece> pieces) {
  Accrual a;
  a.kind = Accrual::Kind::kRates;
  a.rates = std::move(pieces);
  return a;
}

Accrual over(double duration, double ramp_up) {
  Accrual a;
  a.kind = Accrual::Kind::kDuration;
  a.duration = duration;
  a.ramp_up = ramp_up;
  return a;
}

std::vector<double> entries(const Accrual& accrual, std::uint64_t n, std::uint64_t replicate,
                            std::uint64_t block = 0) {
  const silico::sim::AccrualSchedule schedule(accrual, n, 11);
  std::vector<double> out(n);
  if (block == 0) block = n;
  for (std::uint64_t first = 0; first < n; first += block) {
    const std::uint64_t count = std::min(block, n - first);
    schedule.entry_times(replicate, first, std::span<double>(out).subspan(first, count));
  }
  return out;
}

TEST(Calendar, EntryTimesDoNotDependOnTheBlockSplit) {
  // 5,000 patients span five chunks of 1,024; blocks that start and end inside chunks.
  for (const Accrual& accrual : {rates({{20, 30}, {80, kInf}}), over(24, 6)}) {
    const auto whole = entries(accrual, 5000, 3);
    for (std::uint64_t block : {1, 7, 1000, 1024, 3000}) EXPECT_EQ(entries(accrual, 5000, 3, block), whole);
    EXPECT_TRUE(std::is_sorted(whole.begin(), whole.end()));
    EXPECT_GT(whole.front(), 0.0);
  }
  // Another replicate is another trial.
  EXPECT_NE(entries(over(24, 6), 5000, 4), entries(over(24, 6), 5000, 3));
}

TEST(Calendar, EnrolmentCountsFollowThePiecewiseRates) {
  // Poisson arrivals at 100 per unit on [0, 20), then 400: by time t the count is
  // Poisson with mean 100 min(t, 20) + 400 max(t - 20, 0) until all 20,000 have entered
  // (about t = 65). Each interval's mean count over R replicates is within 4 SE of its
  // expectation (SE = sqrt(mean / R), the Poisson variance).
  const Accrual accrual = rates({{100, 20}, {400, kInf}});
  const std::uint64_t n = 20000, replicates = 40;
  const std::vector<double> edges = {0, 5, 10, 15, 20, 25, 30, 40, 50, 60};
  std::vector<double> mean(edges.size() - 1, 0.0);
  for (std::uint64_t r = 0; r < replicates; ++r) {
    const auto e = entries(accrual, n, r);
    for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
      const auto count = std::count_if(e.begin(), e.end(), [&](double t) { return t >= edges[k] && t < edges[k + 1]; });
      mean[k] += static_cast<double>(count) / replicates;
    }
  }
  for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
    const double expected = silico::sim::cumulative_rate(accrual.rates, edges[k + 1]) -
                            silico::sim::cumulative_rate(accrual.rates, edges[k]);
    EXPECT_NEAR(mean[k], expected, 4 * std::sqrt(expected / replicates)) << "interval " << edges[k];
  }
}

TEST(Calendar, EntriesOverADurationFollowTheRampUp) {
  // All N within [0, 24]; intensity t/6 on [0, 6), then 1: F(t) = t^2/12, then 3 + (t - 6),
  // F(24) = 21. Bin counts are multinomial: each within 4 sd of N p.
  const std::uint64_t n = 20000;
  const auto e = entries(over(24, 6), n, 0);
  EXPECT_LE(e.back(), 24.0);
  const auto cdf = [](double t) { return (t < 6 ? t * t / 12 : 3 + (t - 6)) / 21; };
  for (double a : {0.0, 2.0, 4.0, 6.0, 12.0, 18.0}) {
    const double b = a < 6 ? a + 2 : a + 6;
    const double p = cdf(b) - cdf(a);
    const auto count = std::count_if(e.begin(), e.end(), [&](double t) { return t >= a && t < b; });
    EXPECT_NEAR(static_cast<double>(count), n * p, 4 * std::sqrt(n * p * (1 - p))) << "bin " << a;
  }
}

/// Events by calendar time T of N patients entering by `accrual`, with exponential event
/// times (rate lambda) and exponential dropout (eta), each followed at most `follow_up`.
double mean_events(const Accrual& accrual, std::uint64_t n, double lambda, double eta, double follow_up, double t,
                   std::uint64_t replicates) {
  double total = 0.0;
  const std::vector<RatePiece> dropout = {{eta, kInf}};
  for (std::uint64_t r = 0; r < replicates; ++r) {
    const auto e = entries(accrual, n, r);
    for (std::uint64_t i = 0; i < n; ++i) {
      silico::rng::Stream stream({11, r, i, silico::rng::Purpose::kTest, 0});
      const double event = -std::log(stream.uniform()) / lambda;
      const double censor = std::min(follow_up, silico::sim::dropout_time(dropout, 11, r, i));
      total += event <= censor && e[i] + event <= t;
    }
  }
  return total / static_cast<double>(replicates);
}

TEST(Calendar, EventsByACalendarTimeMatchTheExpectedEventsClosedForm) {
  // stats::expected_events is gsDesign2's expected_event() (its tests compare with the
  // values gsDesign2 prints). Simulated patients entering by each accrual form, with the
  // event and dropout rates below, have on average that many events by T; the SE of the
  // mean over R replicates is at most sqrt(E / R) (a count of independent rare-ish events:
  // Poisson for Poisson arrivals, below binomial for a fixed N).
  const double lambda = std::numbers::ln2 / 10, eta = 0.01, follow_up = 24;
  const std::uint64_t replicates = 30;
  using silico::stats::PiecewiseRate;
  const PiecewiseRate failure = PiecewiseRate::constant(lambda), dropout = PiecewiseRate::constant(eta);
  {
    // Uniform over 12 months: the rate N / 12, then 0.
    const std::uint64_t n = 3000;
    const PiecewiseRate enrolment{{n / 12.0, 0.0}, {12.0, kInf}};
    for (double t : {6.0, 18.0, 40.0}) {
      const double expected = silico::stats::expected_events(enrolment, failure, dropout, t, follow_up);
      EXPECT_NEAR(mean_events(over(12, 0), n, lambda, eta, follow_up, t, replicates), expected,
                  4 * std::sqrt(expected / replicates)) << "T = " << t;
    }
  }
  {
    // Piecewise Poisson enrolment, 100 then 300 per month; N = 10,000 is not reached by
    // T = 30 (7,000 expected), so the rates hold throughout.
    const PiecewiseRate enrolment{{100, 300}, {10, kInf}};
    for (double t : {8.0, 30.0}) {
      const double expected = silico::stats::expected_events(enrolment, failure, dropout, t, follow_up);
      EXPECT_NEAR(mean_events(rates({{100, 10}, {300, kInf}}), 10000, lambda, eta, follow_up, t, replicates),
                  expected, 4 * std::sqrt(expected / replicates)) << "T = " << t;
    }
  }
}

TEST(Calendar, OutcomeAtCutKeepsWhatWasKnown) {
  using silico::sim::outcome_at_cut;
  EXPECT_FALSE(outcome_at_cut(10, 1, 1, 9));  // entered after the cut
  const auto seen = outcome_at_cut(2, 3, 1, 5);  // event at calendar 5 = the cut: known
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->time, 3);
  EXPECT_EQ(seen->event, 1);
  const auto later = outcome_at_cut(2, 7, 1, 5);  // event after the cut: censored at 3
  ASSERT_TRUE(later);
  EXPECT_EQ(later->time, 3);
  EXPECT_EQ(later->event, 0);
  const auto dropped = outcome_at_cut(2, 1, 0, 5);  // censored (dropout) before the cut
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->time, 1);
  EXPECT_EQ(dropped->event, 0);
}

const char* kTrial = R"(schema_version: 1
trial: {name: a, seed: 3, patients: 3000, follow_up: 60}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters: {shape: 1, scale: 20, hazard_ratio: {treatment: 0.7}}
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {methods: [logrank, cox], data_cut_events: 600,
         group_sequential: {looks: [0.5, 1]}}
)";

TEST(Calendar, AnalysisAtACalendarCutEqualsTheRowsKnownAtIt) {
  auto spec = silico::spec::parse_spec(kTrial, "a.yaml");
  spec.trial.accrual = rates({{50, 12}, {150, kInf}});
  spec.trial.dropout = {{{0.01, kInf}}, {{0.02, kInf}}};
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  const silico::sim::TrialAnalysis analysis(spec);
  std::map<std::string, double> r;
  for (const auto& s : analysis.analyze(block)) r[s.path] = s.value;

  // Independently: the 600th smallest entry + time among observed events is the cut.
  const auto& os = block.endpoints[0];
  std::vector<double> calendar;
  for (std::size_t i = 0; i < block.count; ++i) {
    if (os.observed_event[i]) calendar.push_back(block.entry_time[i] + os.observed_value[i]);
  }
  std::sort(calendar.begin(), calendar.end());
  const double cut = calendar[599];
  EXPECT_EQ(r.at("os/data_cut_time"), cut);
  silico::stats::SurvivalData arm[2];
  for (std::size_t i = 0; i < block.count; ++i) {
    const double e = block.entry_time[i], t = os.observed_value[i];
    if (e > cut) continue;
    const bool known = e + t <= cut;
    arm[block.arm[i]].time.push_back(known ? t : std::min(t, cut - e));
    arm[block.arm[i]].event.push_back(known ? os.observed_event[i] : 0);
  }
  EXPECT_EQ(r.at("os/data_cut_patients"), static_cast<double>(arm[0].time.size() + arm[1].time.size()));
  EXPECT_EQ(r.at("os/data_cut_events"), 600.0);
  const auto logrank = silico::stats::logrank(arm[1], arm[0], 0.05);
  EXPECT_NEAR(r.at("os/logrank/treatment/effect"), logrank.effect, 1e-12);
  EXPECT_NEAR(r.at("os/logrank/treatment/p"), logrank.p, 1e-12);
  // Patients enrolled after the cut are not in the analysis.
  EXPECT_LT(r.at("os/data_cut_patients"), 3000.0);
  // The interim look at half the events is at the 300th event of the comparison.
  EXPECT_EQ(r.at("os/logrank/treatment/gs_look_1_time"), calendar[299]);
  EXPECT_EQ(r.at("os/logrank/treatment/gs_look_1_events"), 300.0);
  EXPECT_EQ(r.at("os/logrank/treatment/gs_look_2_time"), cut);

  // The same series when the replicate is walked in blocks.
  std::map<std::string, double> walked;
  const silico::sim::Simulator simulator(spec, false, false);
  const auto walk = [&](const std::function<void(const silico::sim::Block&)>& visit) {
    silico::sim::Block b;
    for (std::uint64_t first = 0; first < 3000; first += 700) {
      simulator.simulate(0, first, std::min<std::uint64_t>(700, 3000 - first), b);
      visit(b);
    }
  };
  for (const auto& s : analysis.analyze(walk, 0, [](std::size_t covariates) {
         return std::make_unique<silico::stats::InMemorySurvivalBuffer>(covariates);
       })) {
    walked[s.path] = s.value;
  }
  for (const auto& [path, value] : r) {
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(walked.at(path))) << path;
    } else {
      EXPECT_EQ(walked.at(path), value) << path;
    }
  }
}

}  // namespace

namespace {

TEST(Calendar, TrialDropoutCensorsTheObservedOutcomeOfItsArmOnly) {
  // Events are rare (Weibull scale 10^6 months), so an observed time before the end of
  // follow-up (10) is a dropout. In the control arm, dropout at 0.05 a month censors a
  // share 1 - exp(-0.5) = 0.3935 of patients before 10; the treatment arm has no dropout.
  // 4 binomial SEs with 1,000 patients per arm: 0.062. Potential outcomes never see it.
  const std::string text = R"(schema_version: 1
trial: {name: d, seed: 5, patients: 2000, follow_up: 10, dropout: {control: 0.05}}
cohort:
  covariates:
    x: {distribution: normal, mean: 0, sd: 1}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters: {shape: 1, scale: 1000000, hazard_ratio: {treatment: 1.0}}
endpoints: [{name: os}]
)";
  const auto spec = silico::spec::parse_spec(text, "d.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  const auto& os = block.endpoints[0];
  double dropped[2] = {0, 0}, n[2] = {0, 0};
  for (std::size_t i = 0; i < block.count; ++i) {
    const auto arm = static_cast<std::size_t>(block.arm[i]);
    n[arm] += 1;
    dropped[arm] += os.observed_event[i] == 0 && os.observed_value[i] < 10;
    for (std::size_t a = 0; a < 2; ++a) {
      // No event by 10 under either arm: censored at the end of follow-up, never earlier.
      EXPECT_TRUE(os.potential_event[a][i] == 1 || os.potential_value[a][i] == 10.0) << i;
    }
  }
  EXPECT_NEAR(dropped[0] / n[0], 1 - std::exp(-0.5), 4 * std::sqrt(0.3935 * 0.6065 / n[0]));
  EXPECT_EQ(dropped[1], 0.0);
}

}  // namespace

// With entry times and an adjustment set, the Cox estimate's truth is the same adjusted
// model on the stacked potential outcomes of the patients entered by the cut, each cut as
// its observed outcome is (at the cut minus its entry); the marginal one is stored beside it.
TEST(Calendar, AdjustedCoxTruthIsOfThePotentialOutcomesAsKnownAtTheCut) {
  std::string text = kTrial;
  text.replace(text.find("hazard_ratio: {treatment: 0.7}}"), 31,
               "hazard_ratio: {treatment: 0.7}, log_hazard_ratios: {age: {per_unit: 0.1, reference: 60}}}");
  text.replace(text.find("methods: [logrank, cox],"), 24, "methods: [logrank, cox], covariates: [age],");
  auto spec = silico::spec::parse_spec(text, "a.yaml");
  spec.trial.accrual = rates({{50, 12}, {150, kInf}});
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  std::map<std::string, double> r;
  for (const auto& s : silico::sim::TrialAnalysis(spec).analyze(block)) r[s.path] = s.value;

  const double cut = r.at("os/data_cut_time");
  ASSERT_TRUE(std::isfinite(cut));
  const auto& os = block.endpoints[0];
  std::vector<double> time, x, marginal_x;
  std::vector<std::int8_t> event;
  for (std::size_t i = 0; i < block.count; ++i) {
    const double e = block.entry_time[i];
    if (e > cut) continue;
    for (const std::size_t arm : {1u, 0u}) {
      const double t = os.potential_value[arm][i];
      const bool known = e + t <= cut;
      time.push_back(known ? t : std::min(t, cut - e));
      event.push_back(known ? os.potential_event[arm][i] : 0);
      x.insert(x.end(), {arm == 1 ? 1.0 : 0.0, block.covariates[0][i]});
      marginal_x.push_back(arm == 1 ? 1.0 : 0.0);
    }
  }
  const auto hazard_ratio = [&](std::size_t columns, const std::vector<double>& design) {
    const silico::stats::InMemorySurvival rows(time, event, columns, design);
    return std::exp(silico::stats::cox_fit(rows).beta(0));
  };
  const double conditional = hazard_ratio(2, x), marginal = hazard_ratio(1, marginal_x);
  EXPECT_DOUBLE_EQ(r.at("os/cox/treatment/true_effect"), conditional);
  EXPECT_DOUBLE_EQ(r.at("os/cox/treatment/true_marginal_effect"), marginal);
  EXPECT_DOUBLE_EQ(r.at("os/logrank/treatment/true_effect"), marginal);
  EXPECT_LT(conditional, marginal);  // non-collapsibility: further from 1
}
