// The survival model against closed forms, one case per baseline hazard. Patients come
// from the real cohort and simulator. Stochastic bounds are 4 standard errors at
// n = 10^5 patients (fixed seeds make each outcome repeatable). Deterministic identities
// between baselines are checked to 1e-12 relative (rounding alone: differences seen are
// below 1e-15), and through a cumulative hazard and its inverse to 1e-9.
//
// Closed-form medians of each baseline (S0(m) = 1/2), used below as H0^-1(ln 2):
//   exponential  ln 2 / rate
//   Weibull      scale (ln 2)^(1/shape)                 Wikipedia, "Weibull distribution"
//   Gompertz     ln(1 + shape ln 2 / rate) / shape      Wikipedia, "Gompertz distribution":
//                (1/b) ln[(-1/eta) ln(1/2) + 1] with b = shape, eta = rate / shape, which is
//                flexsurv's Gompertz (h = rate e^(shape t)) rewritten
//   log-logistic scale                                  flexsurv ?Llogis; Wikipedia,
//                                                       "Log-logistic distribution"
//   piecewise    t_j + (ln 2 - H0(t_j)) / rate_(j+1) in the piece where H0 reaches ln 2
// Under proportional hazards with ratio h, S = S0^h, so the median is H0^-1(ln 2 / h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace {

constexpr std::uint64_t kPatients = 100'000;
const double kN = static_cast<double>(kPatients);
constexpr double kHugeFollowUp = 1e9;

/// One baseline: its YAML parameters and, written out independently of the model, its
/// cumulative hazard H0, hazard h0 and the inverse of H0 (infinity past H0's supremum).
struct Case {
  std::string name;
  std::string parameters;  // YAML flow-mapping members
  std::function<double(double)> cumulative, hazard, inverse;
  bool cure = false;  // H0 is bounded: some patients never have the event
  int seed = 0;       // set by cases(): one seed per case
};

std::vector<Case> cases() {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Case> c;
  c.push_back({"exponential", "baseline: exponential, rate: 0.1", [](double t) { return 0.1 * t; },
               [](double) { return 0.1; }, [](double y) { return y / 0.1; }});
  c.push_back({"weibull", "baseline: weibull, shape: 1.5, scale: 10",
               [](double t) { return std::pow(t / 10.0, 1.5); },
               [](double t) { return 1.5 / 10.0 * std::pow(t / 10.0, 0.5); },
               [](double y) { return 10.0 * std::pow(y, 1.0 / 1.5); }});
  // Gompertz, h0 = b e^(a t): increasing (a = 0.1) and decreasing with a cure fraction
  // (a = -0.2: H0(inf) = b / -a = 1.5, so S0(inf) = e^-1.5).
  for (const double a : {0.1, -0.2}) {
    const double b = a > 0 ? 0.05 : 0.3;
    c.push_back({a > 0 ? "gompertz" : "gompertz_cure",
                 "baseline: gompertz, rate: " + std::to_string(b) + ", shape: " + std::to_string(a),
                 [a, b](double t) { return b / a * (std::exp(a * t) - 1.0); },
                 [a, b](double t) { return b * std::exp(a * t); },
                 [a, b, inf](double y) {
                   return 1.0 + a * y / b > 0.0 ? std::log(1.0 + a * y / b) / a : inf;
                 },
                 a < 0});
  }
  c.push_back({"loglogistic", "baseline: loglogistic, shape: 2, scale: 8",
               [](double t) { return std::log(1.0 + (t / 8.0) * (t / 8.0)); },
               [](double t) { return 2.0 / 8.0 * (t / 8.0) / (1.0 + (t / 8.0) * (t / 8.0)); },
               [](double y) { return 8.0 * std::sqrt(std::exp(y) - 1.0); }});
  // Pieces [0,2), [2,5), [5,10), [10,inf); H0 at the breaks: 0.1, 0.55, 0.95.
  const std::vector<double> starts = {0, 2, 5, 10}, rates = {0.05, 0.15, 0.08, 0.03},
                            at_start = {0, 0.1, 0.55, 0.95};
  const auto piece_of_time = [starts](double t) {
    return static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), t) -
                                    starts.begin() - 1);
  };
  c.push_back({"piecewise_exponential",
               "baseline: piecewise_exponential, breaks_1: 2, breaks_2: 5, breaks_3: 10, "
               "rate_1: 0.05, rate_2: 0.15, rate_3: 0.08, rate_4: 0.03",
               [=](double t) {
                 const auto j = piece_of_time(t);
                 return at_start[j] + rates[j] * (t - starts[j]);
               },
               [=](double t) { return rates[piece_of_time(t)]; },
               [=](double y) {
                 const auto j = static_cast<std::size_t>(
                     std::upper_bound(at_start.begin(), at_start.end(), y) - at_start.begin() - 1);
                 return starts[j] + (y - at_start[j]) / rates[j];
               }});
  for (std::size_t i = 0; i < c.size(); ++i) c[i].seed = 101 + static_cast<int>(i);
  return c;
}

/// `seed`: the cases use different seeds, so that their stochastic checks are independent
/// (with one seed every baseline would transform the same draws).
std::string survival_spec(const std::string& parameters, double hazard_ratio, double follow_up,
                          const std::string& extra = "", int seed = 2024) {
  return "schema_version: 1\n"
         "trial: {name: s, seed: " +
         std::to_string(seed) + ", patients: 100000, follow_up: " + std::to_string(follow_up) +
         "}\n"
         "cohort:\n  covariates:\n    x: {distribution: normal, mean: 0, sd: 1}\n"
         "arms: [{name: control, control: true}, {name: treatment}]\n"
         "model:\n  name: survival\n  parameters: {" +
         parameters + ", hazard_ratio: {treatment: " + std::to_string(hazard_ratio) + "}" + extra +
         "}\n"
         "endpoints: [{name: os}]\n";
}

silico::sim::Block simulate(const std::string& yaml) {
  const auto spec = silico::spec::parse_spec(yaml, "s.yaml");
  silico::sim::Block block;
  silico::sim::Simulator(spec).simulate(0, 0, spec.trial.patients, block);
  return block;
}

double sample_median(std::vector<double> x) {
  std::nth_element(x.begin(), x.begin() + static_cast<long>(x.size() / 2), x.end());
  return x[x.size() / 2];
}

double fraction(const std::vector<std::int8_t>& flags) {
  return std::accumulate(flags.begin(), flags.end(), 0.0) / static_cast<double>(flags.size());
}

double binomial_se(double p, double n) { return std::sqrt(p * (1.0 - p) / n); }

TEST(SurvivalModel, MedianOfEachArmMatchesTheClosedForm) {
  const double hr = 0.6;
  for (const auto& c : cases()) {
    const auto block = simulate(survival_spec(c.parameters, hr, kHugeFollowUp, "", c.seed));
    const auto& e = block.endpoints[0];
    for (int arm = 0; arm < 2; ++arm) {
      const double h = arm == 0 ? 1.0 : hr;
      const double median = c.inverse(std::log(2.0) / h);
      // SE of a sample median: 1 / (2 f(m) sqrt(n)), f(m) = h h0(m) S(m) = h h0(m) / 2.
      const double density = h * c.hazard(median) * 0.5;
      const double se = 1.0 / (2.0 * density * std::sqrt(kN));
      // Patients censored at the huge follow-up (cure) sort above the median: it is unchanged.
      EXPECT_NEAR(sample_median(e.potential_value[arm]), median, 4.0 * se)
          << c.name << " arm " << arm;
      if (c.cure) {
        // Never an event: S(inf) = exp(-h H0(inf)).
        const double p = std::exp(-h * c.cumulative(kHugeFollowUp));
        EXPECT_NEAR(1.0 - fraction(e.potential_event[arm]), p, 4.0 * binomial_se(p, kN)) << c.name;
      } else {
        for (auto event : e.potential_event[arm]) ASSERT_EQ(event, 1) << c.name;
      }
    }
  }
}

TEST(SurvivalModel, EventFractionByFollowUpMatchesTheClosedForm) {
  const double hr = 0.6, follow_up = 8.0;  // S0(8) is 0.3 to 0.55 in every case
  for (const auto& c : cases()) {
    const auto block = simulate(survival_spec(c.parameters, hr, follow_up, "", c.seed));
    const auto& e = block.endpoints[0];
    for (int arm = 0; arm < 2; ++arm) {
      const double h = arm == 0 ? 1.0 : hr;
      const double p = 1.0 - std::exp(-h * c.cumulative(follow_up));
      EXPECT_NEAR(fraction(e.potential_event[arm]), p, 4.0 * binomial_se(p, kN))
          << c.name << " arm " << arm;
      for (std::size_t i = 0; i < kPatients; ++i) {
        if (e.potential_event[arm][i]) {
          ASSERT_LE(e.potential_value[arm][i], follow_up) << c.name;
        } else {
          ASSERT_EQ(e.potential_value[arm][i], follow_up) << c.name;
        }
      }
    }
  }
}

/// Every potential and observed outcome of `a` equals that of `b` to 1e-12 relative.
void expect_same_outcomes(const silico::sim::Block& a, const silico::sim::Block& b,
                          const std::string& what) {
  const auto &x = a.endpoints[0], &y = b.endpoints[0];
  for (int arm = 0; arm < 2; ++arm) {
    for (std::size_t i = 0; i < kPatients; ++i) {
      const double u = x.potential_value[arm][i], v = y.potential_value[arm][i];
      ASSERT_NEAR(u, v, 1e-12 * std::abs(v)) << what << " arm " << arm << " patient " << i;
      ASSERT_EQ(x.potential_event[arm][i], y.potential_event[arm][i]) << what;
    }
  }
  for (std::size_t i = 0; i < kPatients; ++i) {
    ASSERT_NEAR(x.observed_value[i], y.observed_value[i], 1e-12 * std::abs(y.observed_value[i]))
        << what;
    ASSERT_EQ(x.observed_event[i], y.observed_event[i]) << what;
  }
}

TEST(SurvivalModel, ExponentialEqualsWeibullShapeOneGompertzShapeZeroAndEqualPieces) {
  // Same seed, covariate effect, hazard ratio and dropout; the same draws give the same times.
  const std::string common = ", log_hazard_ratios: {x: 0.3}, dropout_rate: 0.05";
  const double hr = 0.6, follow_up = 12.0;
  const auto exponential =
      simulate(survival_spec("baseline: exponential, rate: 0.1", hr, follow_up, common));
  expect_same_outcomes(
      simulate(survival_spec("baseline: weibull, shape: 1, scale: 10", hr, follow_up, common)),
      exponential, "weibull shape 1");
  expect_same_outcomes(
      simulate(survival_spec("baseline: gompertz, rate: 0.1, shape: 0", hr, follow_up, common)),
      exponential, "gompertz shape 0");
  expect_same_outcomes(
      simulate(
          survival_spec("baseline: piecewise_exponential, breaks_1: 2, breaks_2: 5, breaks_3: 10, "
                        "rate_1: 0.1, rate_2: 0.1, rate_3: 0.1, rate_4: 0.1",
                        hr, follow_up, common)),
      exponential, "piecewise with equal rates");
  // And the weibull_ph model with shape 1, which draws E from the same stream.
  std::string weibull_ph = survival_spec("shape: 1, scale: 10", hr, follow_up, common);
  weibull_ph.replace(weibull_ph.find("name: survival"), 14, "name: weibull_ph");
  expect_same_outcomes(simulate(weibull_ph), exponential, "weibull_ph shape 1");
}

TEST(SurvivalModel, DelayedEffectKeepsEarlyEventsAndScalesTheHazardAfterTheDelay) {
  const double hr = 0.5, d = 3.0;
  for (const auto& c : cases()) {
    const auto block = simulate(survival_spec(c.parameters, hr, kHugeFollowUp,
                                              ", effect_delay: " + std::to_string(d), c.seed));
    const auto& e = block.endpoints[0];
    const auto &control = e.potential_value[0], &treated = e.potential_value[1];
    std::size_t early = 0;
    for (std::size_t i = 0; i < kPatients; ++i) {
      if (control[i] < d) {
        ++early;
        ASSERT_EQ(treated[i], control[i]) << c.name << " patient " << i;  // bit for bit
      } else if (e.potential_event[0][i] && e.potential_event[1][i]) {
        // Common random numbers: H0(d) + hr (H0(T_treated) - H0(d)) = H0(T_control).
        const double lhs = c.cumulative(d) + hr * (c.cumulative(treated[i]) - c.cumulative(d));
        const double rhs = c.cumulative(control[i]);
        ASSERT_NEAR(lhs, rhs, 1e-9 * (1.0 + rhs)) << c.name << " patient " << i;
        ASSERT_GT(treated[i], control[i]) << c.name;
      }
    }
    EXPECT_GT(early, kPatients / 10) << c.name;  // the identity above was exercised
    // S(2d) = exp(-H0(2d)) under control, exp(-(H0(d) + hr (H0(2d) - H0(d)))) under treatment.
    for (int arm = 0; arm < 2; ++arm) {
      const double h = arm == 0 ? 1.0 : hr;
      const double s = std::exp(-(c.cumulative(d) + h * (c.cumulative(2 * d) - c.cumulative(d))));
      const auto& times = e.potential_value[arm];
      const double surviving =
          static_cast<double>(
              std::count_if(times.begin(), times.end(), [&](double t) { return t > 2 * d; })) /
          kN;
      EXPECT_NEAR(surviving, s, 4.0 * binomial_se(s, kN)) << c.name << " arm " << arm;
    }
  }
}

TEST(SurvivalModel, DropoutCensorsObservedOutcomesAtTheCompetingRiskRate) {
  // Exponential event rate r competing with dropout rate q, follow-up F:
  // P(observed event) = r / (r + q) * (1 - exp(-(r + q) F)).
  const double rate = 0.1, hr = 0.6, follow_up = 12.0, dropout = 0.05;
  const auto block = simulate(
      survival_spec("baseline: exponential, rate: 0.1", hr, follow_up, ", dropout_rate: 0.05"));
  const auto& e = block.endpoints[0];
  for (int arm = 0; arm < 2; ++arm) {
    const double r = (arm == 0 ? 1.0 : hr) * rate;
    const double p = r / (r + dropout) * (1.0 - std::exp(-(r + dropout) * follow_up));
    double events = 0, n = 0;
    for (std::size_t i = 0; i < kPatients; ++i) {
      if (block.arm[i] != arm) continue;
      n += 1;
      events += e.observed_event[i];
      ASSERT_LE(e.observed_value[i], e.potential_value[arm][i]);
    }
    EXPECT_NEAR(events / n, p, 4.0 * binomial_se(p, n)) << "arm " << arm;
  }
}

/// The one diagnostic of a rejected spec whose model.parameters block starts on line 10.
silico::Diagnostic rejected(const std::string& parameters) {
  const std::string yaml =
      "schema_version: 1\n"
      "trial: {name: s, seed: 1, patients: 100, follow_up: 12}\n"
      "cohort:\n"
      "  covariates:\n"
      "    x: {distribution: normal, mean: 0, sd: 1}\n"
      "arms: [{name: control, control: true}, {name: treatment}]\n"
      "model:\n"
      "  name: survival\n"
      "  parameters:\n" +
      parameters + "endpoints: [{name: os}]\n";
  try {
    silico::spec::parse_spec(yaml, "bad.yaml");
  } catch (const silico::SpecError& e) {
    const auto& items = e.diagnostics().items();
    EXPECT_EQ(items.size(), 1u) << e.what();
    if (!items.empty()) return items.front();
  }
  ADD_FAILURE() << "expected a SpecError for:\n" << parameters;
  return {};
}

TEST(SurvivalModel, InconsistentBaselineParametersAreLocatedErrors) {
  struct Bad {
    std::string parameters;
    std::vector<std::string> message_parts;
  };
  const std::vector<Bad> bad = {
      {"    baseline: piecewise_exponential\n    breaks_1: 5\n    breaks_2: 3\n"
       "    rate_1: 0.1\n    rate_2: 0.2\n    rate_3: 0.3\n",
       {"baseline 'piecewise_exponential': breaks must increase, but breaks_2 = 3 is not > "
        "breaks_1 = 5"}},
      {"    baseline: piecewise_exponential\n    breaks_1: 5\n    rate_1: 0.1\n",
       {"2 pieces need rate_1..rate_2, but rate_2 is not given"}},
      {"    baseline: piecewise_exponential\n    rate_1: 0.1\n    rate_2: 0.2\n",
       {"rate_2 is given, but piece 2 would start at breaks_1, which is not given (1 piece)"}},
      {"    baseline: piecewise_exponential\n    breaks_2: 5\n    rate_1: 0.1\n",
       {"breaks_2 is given without breaks_1; breaks are numbered from 1 without gaps"}},
      {"    baseline: piecewise_exponential\n    rate_1: 0\n", {"every rate is 0"}},
      {"    baseline: piecewise_exponential\n    rate_1: 0.1\n    shape: 2\n",
       {"'shape' is not a parameter of baseline 'piecewise_exponential'"}},
      {"    baseline: weibull\n    shape: -1\n",
       {"baseline 'weibull' needs shape > 0, got -1", "baseline 'weibull' needs 'scale'"}},
      {"    baseline: exponential\n    rate: 0.1\n    rate_1: 0.1\n",
       {"'rate_1' is not a parameter of baseline 'exponential'"}},
      {"    baseline: loglogistic\n    scale: 3\n", {"baseline 'loglogistic' needs 'shape'"}},
  };
  for (const auto& b : bad) {
    const auto d = rejected(b.parameters);
    EXPECT_EQ(d.key_path, "model.parameters") << b.parameters;
    // A block mapping is located at its first key: line 10, column 5.
    EXPECT_EQ(d.where.file, "bad.yaml");
    EXPECT_EQ(d.where.line, 10) << d.format();
    EXPECT_EQ(d.format().rfind("bad.yaml:10:5: ", 0), 0u) << d.format();
    for (const auto& part : b.message_parts) {
      EXPECT_NE(d.message.find(part), std::string::npos)
          << "lacks \"" << part << "\": " << d.format();
    }
  }
}

TEST(SurvivalModel, NegativeBreakIsRejectedAtItsValue) {
  // Ranges the schema enforces, reported at the value itself (line 11 here).
  const auto d = rejected(
      "    baseline: piecewise_exponential\n    breaks_1: -2\n    rate_1: 0.1\n    rate_2: 0.1\n");
  EXPECT_EQ(d.key_path, "model.parameters.breaks_1");
  EXPECT_EQ(d.where.line, 11) << d.format();
}

}  // namespace
