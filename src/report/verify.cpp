#include "report/verify.hpp"

#include <Random123/philox.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <utility>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>

#include "core/text.hpp"
#include "report/reference_data.hpp"
#include "rng/stream.hpp"
#include "sim/analysis.hpp"
#include "sim/simulate.hpp"
#include "silico/version.hpp"
#include "spec/spec.hpp"
#include "stats/adjusted_logrank.hpp"
#include "stats/design.hpp"
#include "stats/estimates.hpp"
#include "stats/multiple_imputation.hpp"
#include "stats/principal_score.hpp"
#include "stats/regression.hpp"
#include "stats/standardization.hpp"
#include "stats/survival.hpp"
#include "stats/survival_source.hpp"
#include "stats/survival_sweep.hpp"
#include "stats/weighted_cox.hpp"

namespace silico::report {

const char* comparison_name(Comparison comparison) {
  switch (comparison) {
    case Comparison::kAbsolute: return "absolute";
    case Comparison::kRelative: return "relative";
    case Comparison::kAtMost: return "at_most";
    case Comparison::kAtLeast: return "at_least";
  }
  return "";
}

void judge(VerificationCase& c) {
  const double d = std::fabs(c.observed - c.expected);
  switch (c.comparison) {
    case Comparison::kAbsolute: c.passed = d <= c.tolerance; break;
    case Comparison::kRelative: c.passed = d <= c.tolerance * std::fabs(c.expected); break;
    case Comparison::kAtMost: c.passed = c.observed <= c.tolerance; break;
    case Comparison::kAtLeast: c.passed = c.observed >= c.tolerance; break;
  }
}

namespace {

using Cases = std::vector<VerificationCase>;

void add(Cases& cases, std::string id, std::string area, std::string check, double expected, std::string source,
         double observed, double tolerance, Comparison comparison) {
  VerificationCase c{std::move(id), std::move(area), std::move(check), expected, std::move(source),
                     observed, tolerance, comparison, false};
  judge(c);
  cases.push_back(std::move(c));
}

// ------------------------------------------------------------------ models and solvers

/// A population PK trial of `model` solved by `solver` at relative tolerance `rtol`: two
/// arms (50 and 200 mg daily for 10 days, oral, lag 0.5 h), CL, KA log-normal.
std::string pk_spec(const std::string& model, const std::string& solver, double rtol) {
  const bool two = model == "pk_2cmt";
  std::ostringstream s;
  s << "schema_version: 1\n"
       "trial: {name: verify_pk, seed: 17, patients: 100, follow_up: 10}\n"
       "cohort:\n  covariates:\n    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}\n"
       "arms:\n"
       "  - {name: low, control: true, regimen: {dose_mg: 50, interval_h: 24, doses: 10, route: oral}}\n"
       "  - {name: high, regimen: {dose_mg: 200, interval_h: 24, doses: 10, route: oral}}\n"
       "model:\n  name: "
    << model
    << "\n  parameters:\n"
       "    CL: {typical: 5, covariates: {weight: {power: 0.75, reference: 70}}}\n"
    << (two ? "    V1: 50\n    Q: 10\n    V2: 100\n" : "    V: 50\n")
    << "    KA: 0.8\n    F: 0.7\n    lag_h: 0.5\n"
       "    omega: {variables: [CL, KA], matrix: [[0.09, 0.02], [0.02, 0.16]]}\n"
       "    solver: "
    << solver << "\n";
  if (solver != "closed_form") s << "    rtol: " << rtol << "\n";
  s << "    exposure_start_h: 216\n    exposure_end_h: 240\n"
       "endpoints:\n  - {name: auc, output: auc}\n  - {name: cmax, output: cmax}\n  - {name: cmin, output: cmin}\n";
  return s.str();
}

sim::Block simulate_spec(const std::string& text) {
  const auto spec = spec::parse_spec(text, "verify.yaml");
  sim::Block block;
  sim::Simulator(spec, false, false).simulate(0, 0, spec.trial.patients, block);
  return block;
}

/// Largest relative difference of AUC, Cmax and Cmin (both arms, every patient).
double max_relative_difference(const sim::Block& exact, const sim::Block& numeric) {
  double worst = 0.0;
  for (std::size_t e = 0; e < exact.endpoints.size(); ++e) {
    for (std::size_t arm = 0; arm < exact.endpoints[e].potential_value.size(); ++arm) {
      for (std::size_t i = 0; i < exact.count; ++i) {
        const double x = exact.endpoints[e].potential_value[arm][i];
        const double y = numeric.endpoints[e].potential_value[arm][i];
        const double d = std::fabs(y - x) / std::fabs(x);
        worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(worst, d);
      }
    }
  }
  return worst;
}

void model_cases(Cases& cases) {
  for (const std::string model : {"pk_1cmt", "pk_2cmt"}) {
    const sim::Block exact = simulate_spec(pk_spec(model, "closed_form", 0));
    for (const std::string solver : {"dopri5", "cvode_bdf"}) {
      const double error = max_relative_difference(exact, simulate_spec(pk_spec(model, solver, 1e-8)));
      add(cases, "models/" + model + "_" + solver, "models",
          model + " solved by " + solver + " at rtol 1e-8: largest relative difference of steady-state AUC, "
                  "Cmax and Cmin from the closed-form superposition, 100 patients x 2 arms x 10 oral doses",
          0.0, "closed form (sums of exponentials, Gibaldi & Perrier 1982, ch. 1-2)", error, 1e-5,
          Comparison::kAtMost);
    }
  }

  // Weibull proportional hazards: the control arm's event times, without covariate effects,
  // censoring or dropout, have median scale * ln(2)^(1/shape). The sample median of n draws
  // has SE 1 / (2 f(m) sqrt(n)); 4 SE leaves a false alarm once in 15,000 runs.
  const std::string weibull =
      "schema_version: 1\ntrial: {name: verify_weibull, seed: 5, patients: 20000, follow_up: 1000}\n"
      "cohort:\n  covariates:\n    age: {distribution: normal, mean: 60, sd: 10}\n"
      "arms: [{name: control, control: true}, {name: treatment}]\n"
      "model:\n  name: weibull_ph\n  parameters: {shape: 1.5, scale: 12, hazard_ratio: {treatment: 0.7}}\n"
      "endpoints: [{name: os}]\n";
  const sim::Block block = simulate_spec(weibull);
  std::vector<double> times = block.endpoints[0].potential_value[0];
  std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2), times.end());
  const double shape = 1.5, scale = 12.0;
  const double median = scale * std::pow(std::log(2.0), 1.0 / shape);
  const double density = shape / scale * std::pow(median / scale, shape - 1) * 0.5;  // f(m) = h(m) S(m)
  const double se = 1.0 / (2.0 * density * std::sqrt(static_cast<double>(times.size())));
  add(cases, "models/weibull_ph_median", "models",
      "weibull_ph control-arm event times (shape 1.5, scale 12, 20,000 patients, no censoring): sample median",
      median, "closed form scale * ln(2)^(1/shape); tolerance 4 SE of a sample median, 1/(2 f(m) sqrt(n))",
      times[times.size() / 2], 4.0 * se, Comparison::kAbsolute);
}

/// survival (exponential baseline, rate 0.1, hazard ratio 0.5 from a delay of 4) and
/// linear_change, against their closed forms.
void more_model_cases(Cases& cases) {
  {
    const double rate = 0.1, hr = 0.5, delay = 4.0;
    const std::string text =
        "schema_version: 1\ntrial: {name: verify_delay, seed: 11, patients: 20000, follow_up: 100000}\n"
        "cohort:\n  covariates:\n    age: {distribution: normal, mean: 60, sd: 10}\n"
        "arms: [{name: control, control: true}, {name: treatment}]\n"
        "model:\n  name: survival\n  parameters: {baseline: exponential, rate: 0.1, hazard_ratio: {treatment: 0.5},\n"
        "    effect_delay: 4}\n"
        "endpoints: [{name: os}]\n";
    const sim::Block block = simulate_spec(text);
    const auto& control = block.endpoints[0].potential_value[0];
    const auto& treated = block.endpoints[0].potential_value[1];
    const auto n = static_cast<double>(treated.size());
    // S_1(t) = exp(-rate t) up to the delay, then exp(-rate d - HR rate (t - d)); rate d < ln 2,
    // so the median is past the delay. Its density there is HR rate S = HR rate / 2.
    const double median = delay + (std::log(2.0) - rate * delay) / (hr * rate);
    std::vector<double> times = treated;
    std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2), times.end());
    add(cases, "models/survival_delay_median", "models",
        "survival, exponential baseline (rate 0.1) with hazard ratio 0.5 from a delay of 4: sample median of "
        "20,000 treated-arm event times (no censoring)",
        median, "closed form d + (ln 2 - rate d) / (HR rate); tolerance 4 SE of a sample median, 1/(2 f(m) sqrt(n))",
        times[times.size() / 2], 4.0 / (2.0 * (hr * rate * 0.5) * std::sqrt(n)), Comparison::kAbsolute);
    // Before the delay the arms share the hazard, so a patient whose event comes first has
    // the same time under both: a share 1 - exp(-rate d) of the patients.
    double same = 0.0;
    for (std::size_t i = 0; i < treated.size(); ++i) same += treated[i] == control[i];
    const double p = 1.0 - std::exp(-rate * delay);
    add(cases, "models/survival_delay_shared_times", "models",
        "survival with a delay of 4: share of patients whose event time is the same under both arms (the event "
        "comes before the effect starts)",
        p, "closed form P(T0 <= d) = 1 - exp(-rate d); tolerance 4 binomial SE", same / n, 4.0 * std::sqrt(p * (1 - p) / n),
        Comparison::kAbsolute);
  }
  {
    const std::string text =
        "schema_version: 1\ntrial: {name: verify_linear, seed: 12, patients: 20000, follow_up: 12}\n"
        "cohort:\n  covariates:\n    x: {distribution: normal, mean: 0, sd: 1}\n"
        "arms: [{name: control, control: true}, {name: treatment}]\n"
        "model:\n  name: linear_change\n  parameters: {intercept: 5, covariate_effects: {x: 2.0},\n"
        "    arm_effect: {treatment: 1.5}, residual_sd: 3}\n"
        "endpoints: [{name: y}]\n";
    const sim::Block block = simulate_spec(text);
    const auto& control = block.endpoints[0].potential_value[0];
    const auto& treated = block.endpoints[0].potential_value[1];
    double worst = 0.0, sum = 0.0;
    for (std::size_t i = 0; i < treated.size(); ++i) {
      const double d = std::fabs(treated[i] - control[i] - 1.5);
      worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(worst, d);
      sum += control[i];
    }
    const auto n = static_cast<double>(control.size());
    add(cases, "models/linear_change_effect", "models",
        "linear_change (arm effect 1.5): largest |Y_treatment - Y_control - 1.5| over 20,000 patients' potential "
        "outcomes",
        0.0, "closed form: one residual shared by the arms, so the outcomes differ by the arm effect exactly "
             "(bound: rounding of numbers near 10)",
        worst, 1e-12, Comparison::kAtMost);
    add(cases, "models/linear_change_mean", "models",
        "linear_change (intercept 5, 2 x with x ~ N(0, 1), residual SD 3): mean control-arm outcome of 20,000 "
        "patients",
        5.0, "closed form E Y = intercept; tolerance 4 SE, sqrt(2^2 + 3^2) / sqrt(n)", sum / n,
        4.0 * std::sqrt(13.0 / n), Comparison::kAbsolute);
  }
}

/// Slope of log10(error) on log10(rtol) by least squares.
double log_slope(const std::vector<double>& tolerances, const std::vector<double>& errors) {
  double mx = 0, my = 0;
  const auto n = static_cast<double>(errors.size());
  for (std::size_t i = 0; i < errors.size(); ++i) {
    mx += std::log10(tolerances[i]) / n;
    my += std::log10(errors[i]) / n;
  }
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const double dx = std::log10(tolerances[i]) - mx;
    sxy += dx * (std::log10(errors[i]) - my);
    sxx += dx * dx;
  }
  return sxy / sxx;
}

void solver_cases(Cases& cases) {
  const sim::Block exact = simulate_spec(pk_spec("pk_2cmt", "closed_form", 0));
  const std::vector<double> tolerances{1e-4, 1e-5, 1e-6, 1e-7, 1e-8};
  for (const std::string solver : {"dopri5", "cvode_bdf"}) {
    std::vector<double> errors;
    for (double rtol : tolerances) {
      errors.push_back(max_relative_difference(exact, simulate_spec(pk_spec("pk_2cmt", solver, rtol))));
    }
    // An error-per-step controller with local extrapolation makes the global error
    // proportional to the tolerance (Hairer, Norsett & Wanner 1993, Solving ODEs I,
    // sec. II.4): the slope of log error on log tolerance is 1.
    add(cases, "solvers/" + solver + "_convergence", "solvers",
        solver + " on pk_2cmt: slope of log10(largest relative error vs the closed form) on log10(rtol), "
                 "rtol 1e-4 ... 1e-8",
        1.0, "tolerance proportionality of error-controlled integrators (Hairer, Norsett & Wanner 1993, II.4)",
        log_slope(tolerances, errors), 0.35, Comparison::kAbsolute);
    add(cases, "solvers/" + solver + "_tight", "solvers",
        solver + " on pk_2cmt at rtol 1e-8: largest relative error vs the closed form", 0.0,
        "closed form; bound 1e-5 as for the model cases", errors.back(), 1e-5, Comparison::kAtMost);
  }
}

// ------------------------------------------------------------------ estimators

void estimator_cases(Cases& cases) {
  using namespace reference;
  {
    const auto e = stats::welch(kSleepGroup1, kSleepGroup2, 0.05);
    add(cases, "estimators/welch_t", "estimators", "Welch t statistic, R sleep data, group 1 - group 2", -1.8608,
        "R t.test(extra ~ group, data = sleep): t = -1.8608", e.effect / e.se, 5e-5, Comparison::kAbsolute);
    add(cases, "estimators/welch_p", "estimators", "Welch two-sided p, R sleep data", 0.07939,
        "R t.test(extra ~ group, data = sleep): p-value = 0.07939", e.p, 5e-6, Comparison::kAbsolute);
  }
  {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(kCarsSpeed.size()), 2);
    for (std::size_t i = 0; i < kCarsSpeed.size(); ++i) x.row(static_cast<Eigen::Index>(i)) << 1.0, kCarsSpeed[i];
    const auto fit = stats::ols(x, Eigen::Map<const Eigen::VectorXd>(kCarsDist.data(), static_cast<Eigen::Index>(kCarsDist.size())));
    add(cases, "estimators/ols_slope", "estimators", "OLS slope of dist on speed, R cars data", 3.9324,
        "R summary(lm(dist ~ speed, data = cars)): 3.9324", fit.beta(1), 5e-5, Comparison::kAbsolute);
    add(cases, "estimators/ols_slope_se", "estimators", "OLS slope standard error, R cars data", 0.4155,
        "R summary(lm(dist ~ speed, data = cars)): 0.4155", fit.se_model(1), 5e-5, Comparison::kAbsolute);
  }
  {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(kMtcarsWeight.size()), 2);
    for (std::size_t i = 0; i < kMtcarsWeight.size(); ++i) x.row(static_cast<Eigen::Index>(i)) << 1.0, kMtcarsWeight[i];
    const auto fit = stats::logistic(x, kMtcarsManual);
    add(cases, "estimators/logistic_slope", "estimators", "logistic regression slope of am on wt, R mtcars data",
        -4.024, "R summary(glm(am ~ wt, family = binomial, data = mtcars)): -4.024", fit.beta(1), 5e-4,
        Comparison::kAbsolute);
  }
  const stats::SurvivalData maintained{kAmlMaintainedTime, kAmlMaintainedEvent};
  const stats::SurvivalData nonmaintained{kAmlNonmaintainedTime, kAmlNonmaintainedEvent};
  {
    const auto km = stats::kaplan_meier(maintained);
    const auto point = stats::survival_at(km, 12.0, 0.05);
    add(cases, "estimators/km_survival", "estimators", "Kaplan-Meier survival at 12 weeks, R aml maintained arm",
        0.909, "R survival tests/doaml.Rout.save, summary(survfit): 0.909", point.survival, 5e-4,
        Comparison::kAbsolute);
    add(cases, "estimators/km_greenwood_se", "estimators", "Greenwood standard error at 12 weeks, aml maintained",
        0.0867, "R survival tests/doaml.Rout.save: std.err 0.0867", point.se, 5e-5, Comparison::kAbsolute);
  }
  {
    const auto e = stats::logrank(maintained, nonmaintained, 0.05);
    const double v = 1.0 / (e.se * e.se);
    const double o_minus_e = std::log(e.effect) * v;
    add(cases, "estimators/logrank_chisq", "estimators", "log-rank chi-square, R aml data", 3.4,
        "R survdiff(Surv(time, status) ~ x, data = aml): Chisq = 3.4 (printed to 1 decimal)",
        o_minus_e * o_minus_e / v, 0.05, Comparison::kAbsolute);
  }
  {
    std::vector<double> time = kAmlMaintainedTime;
    time.insert(time.end(), kAmlNonmaintainedTime.begin(), kAmlNonmaintainedTime.end());
    std::vector<std::int8_t> event = kAmlMaintainedEvent;
    event.insert(event.end(), kAmlNonmaintainedEvent.begin(), kAmlNonmaintainedEvent.end());
    Eigen::MatrixXd x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(time.size()), 1);
    x.bottomRows(static_cast<Eigen::Index>(kAmlNonmaintainedTime.size())).setOnes();
    const auto fit = stats::cox_fit(time, event, x);
    add(cases, "estimators/cox_efron_coef", "estimators", "Cox log hazard ratio (Efron ties), R aml data",
        0.9155, "R coxph(Surv(time, status) ~ x, data = aml): coef 0.9155", fit.beta(0), 5e-5,
        Comparison::kAbsolute);
    add(cases, "estimators/cox_efron_se", "estimators", "Cox standard error (Efron ties), R aml data", 0.5119,
        "R coxph(Surv(time, status) ~ x, data = aml): se(coef) 0.5119", std::sqrt(fit.covariance(0, 0)), 5e-5,
        Comparison::kAbsolute);
  }
}

/// The tests for non-proportional hazards and the milestone difference on R's aml data,
/// maintained (group 1) against nonmaintained (group 0). References: R 4.2.2, survival
/// 3.5-3, mvtnorm 1.1-3 (Debian 12). The MaxCombo p is R's pmvnorm on the two FH
/// statistics and their correlation, computed by hand in R from survfit's pooled curve (the
/// same hand computation reproduces survdiff's chi-squares for rho = 0 and 1 to 1e-12).
void non_proportional_hazards_cases(Cases& cases) {
  using namespace reference;
  std::vector<double> time = kAmlMaintainedTime;
  time.insert(time.end(), kAmlNonmaintainedTime.begin(), kAmlNonmaintainedTime.end());
  std::vector<std::int8_t> event = kAmlMaintainedEvent;
  event.insert(event.end(), kAmlNonmaintainedEvent.begin(), kAmlNonmaintainedEvent.end());
  std::vector<std::int8_t> group(time.size(), 0);
  std::fill(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(kAmlMaintainedTime.size()), 1);
  const stats::InMemorySurvival rows(time, event, 0, {}, {}, group);
  const auto fh = stats::fh_logrank_sweep(rows, 1.0, 0.0, 0.025);
  add(cases, "estimators/fh_chisq", "estimators", "Fleming-Harrington FH(1, 0) chi-square, R aml data", 2.77927954475,
      "R survdiff(Surv(time, status) ~ x, data = aml, rho = 1)$chisq = 2.77927954475", fh.z * fh.z, 1e-9,
      Comparison::kAbsolute);
  const std::pair<double, double> pairs[] = {{0.0, 0.0}, {1.0, 0.0}};
  const auto combo = stats::maxcombo_sweep(rows, pairs, 0.025);
  add(cases, "estimators/maxcombo_p", "estimators", "MaxCombo of FH(0,0) and FH(1,0), one-sided p, R aml data",
      0.0428756462162,
      "R: 1 - pmvnorm(upper = c(m, m), corr) with m = max(-z) = 1.84292937981, correlation 0.937021324962",
      combo.p, 1e-9, Comparison::kAbsolute);
  const auto milestone = stats::survival_difference_sweep(rows, 20.0, 0.05);
  add(cases, "estimators/milestone_difference", "estimators",
      "Kaplan-Meier survival difference at 20 weeks, aml maintained - nonmaintained", 0.132575757576,
      "R summary(survfit(Surv(time, status) ~ x, data = aml), times = 20): 0.715909090909 - 0.583333333333",
      milestone.effect, 1e-9, Comparison::kAbsolute);
  add(cases, "estimators/milestone_se", "estimators", "Greenwood SE of that difference, aml", 0.199401438386,
      "R: sqrt(sum(summary(...)$std.err^2)), std.err 0.139664970557 and 0.142318760638", milestone.se, 1e-9,
      Comparison::kAbsolute);
}

/// The covariate-adjusted marginal estimators and the pooling of multiple imputation.
void adjusted_estimator_cases(Cases& cases) {
  {
    Eigen::MatrixXd age(static_cast<Eigen::Index>(std::size(reference::kLungComplete)), 1);
    std::vector<double> time;
    std::vector<std::int8_t> event, ecog1;
    for (const auto& r : reference::kLungComplete) {
      age(static_cast<Eigen::Index>(time.size()), 0) = r.age;
      time.push_back(r.time);
      event.push_back(static_cast<std::int8_t>(r.status));
      ecog1.push_back(static_cast<std::int8_t>(r.ecog1));
    }
    const auto fit = stats::adjusted_logrank(time, event, ecog1, age);
    const std::string source =
        "RobinCar 1.0.0 robin_surv(Surv(time, status) ~ age, treatment = ecog ~ 1) on na.omit(lung), as quoted by "
        "RobinCar2's tests (its estimate from uniroot at tolerance 1.2e-4)";
    add(cases, "estimators/adjusted_logrank_estimate", "estimators",
        "covariate-adjusted log hazard ratio (Ye et al. 2023), lung, ph.ecog 1 vs other, adjusted for age",
        -0.07914235, source, fit.log_hazard_ratio, 2e-4, Comparison::kAbsolute);
    add(cases, "estimators/adjusted_logrank_test", "estimators",
        "covariate-adjusted log-rank statistic, the same data", -0.4309439, source, fit.z, 1e-5,
        Comparison::kRelative);
  }
  {
    // 24 patients, x strongly prognostic (tests/unit/test_standardization.cpp quotes the R code).
    const std::vector<std::int8_t> y = {0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1};
    const std::vector<double> x = {-1.2, -0.4, 0.3,  -2.0, 1.5, 0.8, -0.7, 2.1,  0.1,  1.1, -1.6, 0.4,
                                   -0.9, 0.2,  -1.8, 1.0,  -0.3, -2.2, 0.6, -0.5, 1.7, -1.1, 0.9, 0.0};
    Eigen::MatrixXd design(24, 3);
    for (int i = 0; i < 24; ++i) design.row(i) << 1.0, i >= 12 ? 1.0 : 0.0, x[static_cast<std::size_t>(i)];
    const auto s = stats::standardize(design, y, 0.05);
    add(cases, "estimators/standardized_odds_ratio", "estimators",
        "marginal odds ratio by standardization of a logistic regression, 24 patients", 1.84554553479074,
        "R glm(y ~ treated + x, binomial), mean predictions with treated set to 1 and 0", s.odds_ratio.effect, 1e-8,
        Comparison::kRelative);
    add(cases, "estimators/standardized_odds_ratio_se", "estimators", "its delta-method SE of the log odds ratio",
        0.405112918819336, "R, the same fit: gradient of the log odds of the mean predictions times the inverse information",
        s.odds_ratio.se, 1e-8, Comparison::kRelative);
  }
  {
    const std::vector<double> estimates = {1.2, 0.9, 1.5, 1.1, 1.3}, variances = {0.04, 0.05, 0.045, 0.038, 0.052};
    const auto pooled = stats::rubin_pool(estimates, variances, 100.0 - 3.0, 0.05);
    add(cases, "estimators/rubin_pool_df", "estimators",
        "Rubin's rules, Barnard-Rubin degrees of freedom, 5 imputations, complete-data df 97", 9.418097754293264,
        "R mice::pool.scalar(Q, U, n = 100, k = 3)$df (mice 3.15.0)", pooled.df, 1e-10, Comparison::kRelative);
  }
}

/// The estimators of intercurrent-event strategies: the weighted counting-process Cox of
/// ipcw_switching and the principal score weighting of principal_score.
void intercurrent_estimator_cases(Cases& cases) {
  {
    // 15 patients in 20 rows (tests/unit/test_weighted_cox.cpp quotes the R code).
    stats::WeightedCoxRows r;
    r.cluster = {1, 2, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11, 12, 13, 13, 14, 15};
    r.start = {0, 0, 3, 0, 0, 2.5, 0, 0, 0, 4, 0, 0, 0, 1.5, 0, 0, 0, 5, 0, 0};
    r.stop = {5, 3, 8, 2, 2.5, 6, 7, 4, 4, 9, 3.5, 6.5, 1.5, 5.5, 8, 2.2, 5, 7.5, 4.5, 10};
    r.event = {1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0};
    r.weight = {1, 1, 1.8, 1, 1, 2.2, 1, 1, 1, 1.5, 1, 1, 1, 1.3, 1, 1, 1, 2.0, 1, 1};
    const double arm[] = {1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1};
    const double z[] = {0.3, -1.1, -1.1, 0.8, 0.1, 0.1, -0.4, 1.2, -0.9, -0.9, 0.5, 0.0, 1.5, 1.5, -0.2, 0.7, -1.3, -1.3, 0.4, -0.6};
    r.x.resize(20, 2);
    for (int i = 0; i < 20; ++i) r.x.row(i) << arm[i], z[i];
    const auto fit = stats::weighted_cox_fit(r);
    const std::string source = "R survival 3.5.3 coxph(Surv(start, stop, event) ~ arm + z, weights = w, cluster = id, "
                               "ties = \"breslow\")";
    add(cases, "estimators/weighted_cox_beta", "estimators",
        "Cox log hazard ratio of weighted counting-process rows (start, stop], 15 patients in 20 rows",
        -0.269922796816404, source, fit.beta(0), 1e-8, Comparison::kRelative);
    add(cases, "estimators/weighted_cox_robust_se", "estimators", "its robust SE clustered by patient",
        0.670902208751318, source + ", sqrt(diag(vcov(f)))", std::sqrt(fit.robust_covariance(0, 0)), 1e-8,
        Comparison::kRelative);
  }
  {
    // 30 patients (tests/unit/test_principal_score.cpp quotes the R code).
    const std::vector<double> x = {-1.2, -0.8, -0.5, -0.3, 0.0, 0.2, 0.4, 0.7,  0.9, 1.3, -1.0, -0.6, -0.2, 0.1, 0.3,
                                   0.5,  0.8,  1.1,  1.4,  1.7, -1.5, -0.9, -0.4, 0.0, 0.6, 1.0,  1.2,  1.6,  -0.7, 0.35};
    const std::vector<std::int8_t> died = {0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0,
                                           0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0};
    const std::vector<double> y = {2.1,  1.7,  0.0,  1.0,  0.4,  0.0, 0.3,  0.0,  0.0,  0.0,  1.9,  1.2, 0.8,  0.0,  0.2,
                                   -1.1, -1.6, 0.0,  -2.3, 0.0,  -0.2, -0.5, -0.9, -1.2, -1.8, 0.0, -2.6, 0.0, -0.6, -1.4};
    std::vector<std::int8_t> treated(30);
    Eigen::MatrixXd design(30, 2);
    for (std::size_t i = 0; i < 30; ++i) {
      treated[i] = i >= 15 ? 1 : 0;
      design.row(static_cast<Eigen::Index>(i)) << 1.0, x[i];
    }
    const auto e = stats::principal_score_weighting(design, treated, died,
                                                    Eigen::Map<const Eigen::VectorXd>(y.data(), 30));
    add(cases, "estimators/principal_score", "estimators",
        "survivor average causal effect by principal score weighting (complementary log-log scores), 30 patients",
        -1.88187383654324,
        "R glm(died ~ x, binomial(link = \"cloglog\")) per arm, weighted mean of the treated survivors minus the "
        "control survivors' mean",
        e.effect, 1e-8, Comparison::kRelative);
  }
}

/// RMST, the binary methods and the group-sequential boundaries the analyses use.
void more_estimator_cases(Cases& cases) {
  using namespace reference;
  const stats::SurvivalData maintained{kAmlMaintainedTime, kAmlMaintainedEvent};
  const stats::SurvivalData nonmaintained{kAmlNonmaintainedTime, kAmlNonmaintainedEvent};
  {
    // The Kaplan-Meier steps of aml by hand: maintained 1, 10/11, 9/11 (x 7/8 at 18, ...).
    const auto km = stats::kaplan_meier(maintained);
    const auto median = stats::km_median(km);
    add(cases, "estimators/km_median", "estimators", "Kaplan-Meier median, R aml maintained arm", 31.0,
        "hand: S falls to 0.491 at 31 weeks (R survfit(Surv(time, status) ~ x, data = aml): median 31)",
        median ? *median : std::numeric_limits<double>::quiet_NaN(), 0.0, Comparison::kAbsolute);
    const auto r = stats::rmst(km, 30.0);
    add(cases, "estimators/rmst", "estimators", "restricted mean survival time to 30 weeks, aml maintained arm",
        2165.0 / 88.0, "hand: area under the Kaplan-Meier steps, 2165/88 (as survRM2::rmst2)", r.rmst, 1e-9,
        Comparison::kAbsolute);
    add(cases, "estimators/rmst_variance", "estimators", "variance of the RMST to 30 weeks, aml maintained arm",
        3646325.0 / 681472.0, "hand, exact rational 3646325/681472 (survRM2::rmst2's variance)", r.variance, 1e-9,
        Comparison::kAbsolute);
    const auto e = stats::rmst_difference(maintained, nonmaintained, 30.0, 0.05);
    add(cases, "estimators/rmst_difference", "estimators", "RMST difference to 30 weeks, aml maintained - nonmaintained",
        2165.0 / 88.0 - 709.0 / 36.0, "hand: 2165/88 - 709/36", e.effect, 1e-9, Comparison::kAbsolute);
  }
  // A 2x2 table: treated 12 of 40, control 6 of 45.
  const stats::TwoByTwo hand{12, 40, 6, 45};
  const double z = 1.959963984540054;  // z_0.975
  {
    const auto e = stats::risk_difference(hand, 0.05);
    const double se = std::sqrt(0.3 * 0.7 / 40.0 + (2.0 / 15.0) * (13.0 / 15.0) / 45.0);
    add(cases, "estimators/risk_difference_wald", "estimators",
        "risk difference, Wald 95 % lower limit, 12/40 vs 6/45", 1.0 / 6.0 - z * se,
        "closed form p1 - p0 - z sqrt(p1 q1/n1 + p0 q0/n0)", e.ci_low, 1e-12, Comparison::kAbsolute);
  }
  {
    // Newcombe (1998), Stat Med 17:873-890, Table II, method 6 (Miettinen-Nurminen), all
    // eight examples to 4 decimals, as quoted in tests/unit/test_regression.cpp.
    struct Row {
      stats::TwoByTwo t;
      double low, high;
    };
    constexpr Row kRows[] = {{{56, 70, 48, 80}, 0.0528, 0.3382}, {{9, 10, 3, 10}, 0.1700, 0.8406},
                             {{6, 7, 2, 7}, 0.0342, 0.8534},     {{5, 56, 0, 29}, -0.0326, 0.1933},
                             {{0, 10, 0, 20}, -0.1658, 0.2844},  {{0, 10, 0, 10}, -0.2879, 0.2879},
                             {{10, 10, 0, 20}, 0.7156, 1.0},     {{10, 10, 0, 10}, 0.6636, 1.0}};
    double worst = 0.0;
    for (const Row& row : kRows) {
      const auto e = stats::risk_difference_score(row.t, 0.05);
      for (const double d : {std::fabs(e.ci_low - row.low), std::fabs(e.ci_high - row.high)}) {
        worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(worst, d);
      }
    }
    add(cases, "estimators/risk_difference_score", "estimators",
        "Miettinen-Nurminen score 95 % interval of a risk difference: largest deviation of its limits over "
        "Newcombe's eight examples (incl. 0/10 vs 0/10 and 10/10 vs 0/10)",
        0.0, "Newcombe (1998) Stat Med 17:873, Table II, method 6, to 4 decimals", worst, 0.5e-4,
        Comparison::kAtMost);
  }
  {
    const auto e = stats::risk_ratio(hand, 0.05);
    const double se = std::sqrt(1.0 / 12 - 1.0 / 40 + 1.0 / 6 - 1.0 / 45);
    add(cases, "estimators/risk_ratio", "estimators", "risk ratio, Katz 95 % upper limit, 12/40 vs 6/45",
        2.25 * std::exp(z * se), "closed form RR exp(z sqrt(1/a - 1/n1 + 1/c - 1/n0))", e.ci_high, 1e-9,
        Comparison::kRelative);
  }
  {
    const auto e = stats::odds_ratio(hand, 0.05);
    const double se = std::sqrt(1.0 / 12 + 1.0 / 28 + 1.0 / 6 + 1.0 / 39);
    add(cases, "estimators/odds_ratio", "estimators", "odds ratio, Woolf 95 % upper limit, 12/40 vs 6/45",
        12.0 * 39.0 / (28.0 * 6.0) * std::exp(z * se), "closed form OR exp(z sqrt(1/a + 1/b + 1/c + 1/d))", e.ci_high,
        1e-9, Comparison::kRelative);
  }
  {
    // Five equal looks, two-sided alpha 0.05, each tail spending the one-sided function at
    // alpha/2 (R ldbounds' convention).
    const std::vector<double> looks{0.2, 0.4, 0.6, 0.8, 1.0};
    const auto deviation = [&](stats::Spending spending, const std::vector<double>& want) {
      const auto got = stats::efficacy_boundaries(spending, 0.05, looks);
      double worst = got.size() == want.size() ? 0.0 : std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < got.size() && k < want.size(); ++k) {
        const double d = std::fabs(got[k] - want[k]);
        worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(worst, d);
      }
      return worst;
    };
    add(cases, "estimators/group_sequential_obrien_fleming", "estimators",
        "Lan-DeMets O'Brien-Fleming-type boundaries, 5 equal looks, two-sided 0.05: largest deviation",
        0.0, "4.877, 3.357, 2.680, 2.290, 2.031 (DeMets & Lan 1994, Stat Med 13:1341, computed with ld98)",
        deviation(stats::Spending::kOBrienFleming, {4.877, 3.357, 2.680, 2.290, 2.031}), 5e-4, Comparison::kAtMost);
    add(cases, "estimators/group_sequential_pocock", "estimators",
        "Lan-DeMets Pocock-type boundaries, 5 equal looks, two-sided 0.05: largest deviation", 0.0,
        "2.438, 2.427, 2.410, 2.397, 2.386 (DeMets & Lan 1994, computed with ld98)",
        deviation(stats::Spending::kPocock, {2.438, 2.427, 2.410, 2.397, 2.386}), 5e-4, Comparison::kAtMost);
    // Look 1 alone is a closed form: c_1 = z at a(t_1) / 2 with a(t) = 4 - 4 Phi(z_{alpha/4} / sqrt t).
    const boost::math::normal normal;
    const double a1 = 4.0 * boost::math::cdf(boost::math::complement(
                                normal, boost::math::quantile(boost::math::complement(normal, 0.0125)) / std::sqrt(0.2)));
    add(cases, "estimators/group_sequential_first_look", "estimators",
        "O'Brien-Fleming-type boundary at the first of 5 equal looks, two-sided 0.05", 
        boost::math::quantile(boost::math::complement(normal, a1 / 2.0)),
        "closed form Phi^-1(1 - a(0.2)/2), a(t) = 4 - 4 Phi(z_0.0125 / sqrt t)",
        stats::efficacy_boundaries(stats::Spending::kOBrienFleming, 0.05, looks).front(), 1e-8, Comparison::kAbsolute);
  }
  non_proportional_hazards_cases(cases);
}

// ------------------------------------------------------------------ random streams

void rng_cases(Cases& cases) {
  // Known-answer vectors of Philox4x64-10 published with Random123 (kat_vectors): counter
  // and key from the hexadecimal digits of pi, and all zeros.
  using Philox = r123::Philox4x64;
  const auto mismatches = [](Philox::ctr_type ctr, Philox::key_type key, std::array<std::uint64_t, 4> want) {
    const auto got = Philox()(ctr, key);
    double wrong = 0;
    for (int i = 0; i < 4; ++i) wrong += got.v[i] != want[static_cast<std::size_t>(i)];
    return wrong;
  };
  add(cases, "rng/philox_kat_pi", "rng", "Philox4x64-10 output words that differ from the known answer (pi digits)",
      0, "Random123 kat_vectors: philox4x64 10 243f6a8885a308d3 ... -> a528f45403e61d95 38c72dbd566e9788 ...",
      mismatches({{0x243f6a8885a308d3, 0x13198a2e03707344, 0xa4093822299f31d0, 0x082efa98ec4e6c89}},
                 {{0x452821e638d01377, 0xbe5466cf34e90c6c}},
                 {0xa528f45403e61d95, 0x38c72dbd566e9788, 0xa5a1610e72fd18b5, 0x57bd43b5e52b7fe6}),
      0, Comparison::kAtMost);
  add(cases, "rng/philox_kat_zero", "rng", "Philox4x64-10 output words that differ from the known answer (zeros)", 0,
      "Random123 kat_vectors: philox4x64 10 0 ... 0 -> 16554d9eca36314c db20fe9d672d0fdc ...",
      mismatches({{0, 0, 0, 0}}, {{0, 0}},
                 {0x16554d9eca36314c, 0xdb20fe9d672d0fdc, 0xd7e772cee186176b, 0x7e68b68aec7ba23b}),
      0, Comparison::kAtMost);

  // Uniformity of one stream: 10^6 draws in 1,000 equal bins, Pearson chi-square (999 df).
  // The stream is fixed, so the p-value is too; below 1e-4 would mean a broken transform.
  {
    rng::Stream stream({20261124, 0, 0, rng::Purpose::kTest, 0});
    std::vector<double> bins(1000, 0.0);
    const int n = 1'000'000;
    for (int i = 0; i < n; ++i) bins[static_cast<std::size_t>(stream.uniform() * 1000.0)] += 1.0;
    double chi2 = 0.0;
    for (double b : bins) chi2 += (b - n / 1000.0) * (b - n / 1000.0) / (n / 1000.0);
    const double p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(999), chi2));
    add(cases, "rng/uniformity", "rng", "p-value of the chi-square test of 10^6 uniforms in 1,000 bins (999 df)",
        0.5, "uniform(0,1) by construction; a p-value below 1e-4 fails", p, 1e-4, Comparison::kAtLeast);
  }
  // Independence of streams keyed by neighbouring patients, and by purposes of one patient:
  // the correlation of 10^5 pairs of first draws has SE 1/sqrt(n); 4 SE is the bound.
  const int n = 100'000;
  const auto correlation = [&](auto key_a, auto key_b) {
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < n; ++i) {
      const double a = rng::Stream(key_a(static_cast<std::uint64_t>(i))).uniform();
      const double b = rng::Stream(key_b(static_cast<std::uint64_t>(i))).uniform();
      sa += a;
      sb += b;
      saa += a * a;
      sbb += b * b;
      sab += a * b;
    }
    const double cov = sab / n - (sa / n) * (sb / n);
    return std::fabs(cov / std::sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n))));
  };
  const double bound = 4.0 / std::sqrt(static_cast<double>(n));
  add(cases, "rng/neighbour_patients", "rng", "|correlation| of the first draws of patients i and i+1, 10^5 pairs", 0,
      "independent streams; bound 4/sqrt(n)",
      correlation([](std::uint64_t i) { return rng::StreamKey{7, 0, 2 * i, rng::Purpose::kCovariates, 0}; },
                  [](std::uint64_t i) { return rng::StreamKey{7, 0, 2 * i + 1, rng::Purpose::kCovariates, 0}; }),
      bound, Comparison::kAtMost);
  add(cases, "rng/purposes", "rng", "|correlation| of one patient's covariate and event-time draws, 10^5 patients", 0,
      "independent streams; bound 4/sqrt(n)",
      correlation([](std::uint64_t i) { return rng::StreamKey{7, 0, i, rng::Purpose::kCovariates, 0}; },
                  [](std::uint64_t i) { return rng::StreamKey{7, 0, i, rng::Purpose::kEventTime, 0}; }),
      bound, Comparison::kAtMost);
  add(cases, "rng/replicates", "rng", "|correlation| of one patient's draws in replicates 0 and 1, 10^5 patients", 0,
      "independent streams; bound 4/sqrt(n)",
      correlation([](std::uint64_t i) { return rng::StreamKey{7, 0, i, rng::Purpose::kEventTime, 0}; },
                  [](std::uint64_t i) { return rng::StreamKey{7, 1, i, rng::Purpose::kEventTime, 0}; }),
      bound, Comparison::kAtMost);
}

// ------------------------------------------------------------------ decomposition

/// Values of every column of a block, in a fixed order, to compare two splits bitwise.
std::vector<double> flatten(const sim::Block& b) {
  std::vector<double> out;
  for (auto a : b.arm) out.push_back(a);
  for (const auto& c : b.covariates) out.insert(out.end(), c.begin(), c.end());
  for (const auto& e : b.endpoints) {
    out.insert(out.end(), e.observed_value.begin(), e.observed_value.end());
    for (auto v : e.observed_event) out.push_back(v);
    for (const auto& p : e.potential_value) out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

double differing(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double count = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool same = a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]));
    count += !same;
  }
  return count;
}

void decomposition_cases(Cases& cases) {
  const std::string text =
      "schema_version: 1\ntrial: {name: verify_split, seed: 99, patients: 3001, follow_up: 36}\n"
      "cohort:\n  covariates:\n    age: {distribution: normal, mean: 63, sd: 9}\n"
      "    ecog: {distribution: categorical, levels: [\"0\", \"1\"], probabilities: [0.6, 0.4]}\n"
      "arms: [{name: control, control: true}, {name: treatment}]\n"
      "model:\n  name: weibull_ph\n  parameters:\n    shape: 1.2\n    scale: 16\n    hazard_ratio: {treatment: 0.75}\n"
      "    log_hazard_ratios: {age: {per_unit: 0.015, reference: 63}, ecog: 0.45}\n    dropout_rate: 0.01\n"
      "endpoints: [{name: os}]\n"
      "analysis:\n  endpoints:\n    os: {methods: [cox, logrank, rmst, km_median], covariates: [age], strata: [ecog],\n"
      "         landmarks: [12]}\n";
  const auto spec = spec::parse_spec(text, "verify.yaml");
  const sim::Simulator simulator(spec, false, false);
  const std::uint64_t n = spec.trial.patients;
  sim::Block whole;
  simulator.simulate(3, 0, n, whole);

  // As 2 ranks split it: the first half on rank 0, the rest on rank 1, then joined.
  sim::Block first, second;
  simulator.simulate(3, 0, n / 2, first);
  simulator.simulate(3, n / 2, n - n / 2, second);
  std::vector<double> split;
  {
    // Join column by column so the order matches flatten(whole).
    sim::Block joined = first;
    joined.count = n;
    const auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(joined.arm, second.arm);
    for (std::size_t j = 0; j < joined.covariates.size(); ++j) append(joined.covariates[j], second.covariates[j]);
    for (std::size_t e = 0; e < joined.endpoints.size(); ++e) {
      append(joined.endpoints[e].observed_value, second.endpoints[e].observed_value);
      append(joined.endpoints[e].observed_event, second.endpoints[e].observed_event);
      for (std::size_t a = 0; a < joined.endpoints[e].potential_value.size(); ++a) {
        append(joined.endpoints[e].potential_value[a], second.endpoints[e].potential_value[a]);
      }
    }
    split = flatten(joined);
  }
  add(cases, "decomposition/patients_1_vs_2_ranks", "decomposition",
      "patient values (arm, covariates, observed and potential outcomes) that differ between one piece and the "
      "two halves 2 ranks simulate, 3,001 patients",
      0, "counter-based streams keyed by (seed, replicate, patient, purpose): bitwise equality",
      differing(flatten(whole), split), 0, Comparison::kAtMost);

  // The analysis of the replicate whole, and read as 2 ranks would hand it over block by block.
  const sim::TrialAnalysis analysis(spec);
  std::vector<double> reference, walked;
  for (const auto& s : analysis.analyze(whole)) reference.push_back(s.value);
  const auto by_halves = analysis.analyze(
      [&](const std::function<void(const sim::Block&)>& visit) {
        visit(first);
        visit(second);
      },
      3, [](std::size_t covariates) { return std::make_unique<stats::InMemorySurvivalBuffer>(covariates); });
  for (const auto& s : by_halves) walked.push_back(s.value);
  add(cases, "decomposition/analysis_1_vs_2_blocks", "decomposition",
      "analysis values (Cox, log-rank, RMST, KM medians and their truths) that differ between the replicate "
      "analysed whole and read in two blocks",
      0, "sums taken in patient order or a total time order: bitwise equality", differing(reference, walked), 0,
      Comparison::kAtMost);
}

}  // namespace

std::vector<std::string> case_covers(const std::string& id) {
  const auto starts = [&](const char* prefix) { return id.rfind(prefix, 0) == 0; };
  for (const char* model : {"pk_1cmt", "pk_2cmt"}) {
    for (const char* solver : {"dopri5", "cvode_bdf"}) {
      if (id == std::string("models/") + model + "_" + solver) {
        return {std::string("model:") + model, std::string("solver:") + solver};
      }
    }
  }
  // Rubin's rules pool both reference-based imputations.
  if (id.rfind("estimators/rubin_pool_", 0) == 0) {
    return {"method:jump_to_reference", "method:copy_increments_in_reference"};
  }
  static const std::pair<const char*, const char*> kByPrefix[] = {
      {"models/weibull_ph_", "model:weibull_ph"},
      {"models/survival_", "model:survival"},
      {"models/linear_change_", "model:linear_change"},
      {"solvers/dopri5_", "solver:dopri5"},
      {"solvers/cvode_bdf_", "solver:cvode_bdf"},
      {"estimators/welch_", "method:welch"},
      {"estimators/ols_", "method:ancova"},  // ancova is least squares on arm and covariates
      {"estimators/km_median", "method:km_median"},
      {"estimators/logrank_", "method:logrank"},
      {"estimators/cox_", "method:cox"},
      {"estimators/rmst", "method:rmst"},
      {"estimators/risk_difference_", "method:risk_difference"},
      {"estimators/risk_ratio", "method:risk_ratio"},
      {"estimators/odds_ratio", "method:odds_ratio"},
      {"estimators/group_sequential_", "group_sequential"},
      {"estimators/fh_", "method:fh"},
      {"estimators/maxcombo_", "method:maxcombo"},
      {"estimators/milestone_", "method:milestone"},
      {"estimators/adjusted_logrank_", "method:adjusted_logrank"},
      {"estimators/standardized_odds_ratio", "method:standardized_odds_ratio"},
      {"estimators/weighted_cox_", "method:ipcw_switching"},
      {"estimators/principal_score", "method:principal_score"},
  };
  for (const auto& [prefix, covers] : kByPrefix) {
    if (starts(prefix)) return {covers};
  }
  return {};
}

std::vector<VerificationCase> run_verification(const std::function<void(const VerificationCase&)>& progress) {
  Cases cases;
  const auto run = [&](void (*area)(Cases&)) {
    const std::size_t before = cases.size();
    area(cases);
    if (progress) {
      for (std::size_t i = before; i < cases.size(); ++i) progress(cases[i]);
    }
  };
  run(model_cases);
  run(more_model_cases);
  run(solver_cases);
  run(estimator_cases);
  run(more_estimator_cases);
  run(adjusted_estimator_cases);
  run(intercurrent_estimator_cases);
  run(rng_cases);
  run(decomposition_cases);
  return cases;
}

std::string verification_json(const std::vector<VerificationCase>& cases) {
  std::ostringstream out;
  std::size_t failed = 0;
  for (const auto& c : cases) failed += !c.passed;
  out << "{\n  \"silico_version\": " << json_string(kVersion) << ",\n  \"git_commit\": " << json_string(kGitCommit)
      << ",\n  \"passed\": " << cases.size() - failed << ",\n  \"failed\": " << failed << ",\n  \"cases\": [";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    out << (i ? "," : "") << "\n    {\"id\": " << json_string(c.id) << ", \"area\": " << json_string(c.area)
        << ", \"check\": " << json_string(c.check) << ", \"expected\": " << json_number(c.expected)
        << ", \"source\": " << json_string(c.source) << ", \"observed\": " << json_number(c.observed)
        << ", \"tolerance\": " << json_number(c.tolerance)
        << ", \"comparison\": " << json_string(comparison_name(c.comparison))
        << ", \"passed\": " << (c.passed ? "true" : "false") << "}";
  }
  out << "\n  ]\n}\n";
  return out.str();
}

}  // namespace silico::report
