// The validation report: every section of the credibility framework is there, in order,
// with what the inputs say; the document fetches nothing; text is escaped; the summaries
// over replicates are right on hand-made series; the verification JSON reads back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <string>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "report/report.hpp"
#include "report/studies.hpp"

namespace silico::report {
namespace {

ReportInputs inputs() {
  ReportInputs in;
  in.result_file = "trial.h5";
  in.trial_name = "nsclc <os> & more";
  in.silico_version = "0.1.0";
  in.git_commit = "abc123";
  in.spec_yaml = "schema_version: 1\ntrial: {name: x}\n";
  in.time_unit = "months";
  in.patients = 6;
  in.replicates = 4;
  in.arms = {"control", "treatment"};
  in.control_arm = "control";
  in.spec.model_name = "weibull_ph";
  in.spec.arms = {{"control", "control: true"}, {"treatment", "ratio: 2, regimen: {dose_mg: 5}"}};
  in.spec.model_parameters = {{"shape", "1.2"}, {"hazard_ratio.treatment", "0.75"}};
  in.spec.report = {"Does drug X prolong OS?", "Phase 3 sizing", "medium", "high"};
  in.arm_of_patient = {0, 1, 0, 1, 0, 1};
  in.covariates = {{"age", "years", {}, false, {50, 60, 70, 80, 60, 70}},
                   {"ecog", "", {"0", "1"}, false, {0, 1, 1, 1, 0, 0}}};
  in.endpoints = {{"os", "time_to_event", {1, 2, 3, 4, 5, 6}, {1, 1, 0, 1, 1, 0}}};
  // Four replicates; the truth is 0.75 throughout. CIs: replicate 3 misses it.
  in.series = {{"os/cox/treatment/effect", {0.7, 0.8, 0.75, 0.9}},
               {"os/cox/treatment/ci_low", {0.6, 0.7, 0.65, 0.8}},
               {"os/cox/treatment/ci_high", {0.8, 0.9, 0.85, 1.0}},
               {"os/cox/treatment/true_effect", {0.75, 0.75, 0.75, 0.75}}};
  in.measures = {{"os/cox", "hazard_ratio"}};
  return in;
}

TEST(Report, SectionsInTheOrderOfTheFramework) {
  const std::string html = render_report(inputs());
  std::size_t at = 0;
  for (const char* heading : {"1. Question of interest", "2. Trial design", "3. Model description",
                              "4. Code verification", "5. Calculation verification", "6. Validation",
                              "7. Uncertainty quantification", "8. Results", "9. Reproducibility"}) {
    const auto found = html.find(heading, at);
    ASSERT_NE(found, std::string::npos) << heading;
    at = found;
  }
  EXPECT_EQ(html.rfind("</html>"), html.size() - 8);
}

TEST(Report, FetchesNothingAndEscapesText) {
  const std::string html = render_report(inputs());
  // The only URL is the SVG namespace, an identifier that is never fetched.
  const std::regex url(R"((https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,})");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(it->str(), "http://www.w3.org") << "external reference";
  }
  for (const char* tag : {"<script", "<link", "<img", "<iframe", "@import", "url("}) {
    EXPECT_EQ(html.find(tag), std::string::npos) << tag;
  }
  EXPECT_NE(html.find("nsclc &lt;os&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(html.find("nsclc <os>"), std::string::npos);
}

TEST(Report, ContextModelRiskAndParameters) {
  const std::string html = render_report(inputs());
  EXPECT_NE(html.find("Does drug X prolong OS?"), std::string::npos);
  EXPECT_NE(html.find("<code>ratio: 2, regimen: {dose_mg: 5}</code>"), std::string::npos);
  EXPECT_NE(html.find("<b>high</b>"), std::string::npos);  // medium + high = 3
  EXPECT_NE(html.find("hazard_ratio.treatment"), std::string::npos);
  // Sources by parameter name; the uncited ones are counted.
  EXPECT_NE(html.find("2 of 2 parameter values cite no source"), std::string::npos);
  ReportInputs cited = inputs();
  cited.spec.model_sources = {{"hazard_ratio", "Trial X (2019)"}};
  const std::string with = render_report(cited);
  EXPECT_NE(with.find("<td>Trial X (2019)</td>"), std::string::npos);
  EXPECT_NE(with.find("1 of 2 parameter values cite no source"), std::string::npos);
  EXPECT_EQ(model_risk("low", "low"), "low");
  EXPECT_EQ(model_risk("low", "medium"), "low");
  EXPECT_EQ(model_risk("medium", "medium"), "medium");
  EXPECT_EQ(model_risk("low", "high"), "medium");
  EXPECT_EQ(model_risk("high", "high"), "high");
  EXPECT_EQ(model_risk("", "high"), "");
}

/// Section 3 of `html`.
std::string model_section(const std::string& html) {
  const auto start = html.find("<h2>3. Model description</h2>");
  return html.substr(start, html.find("<h2>4.", start) - start);
}

TEST(Report, ModelEquationsByName) {
  const std::string section = model_section(render_report(inputs()));
  EXPECT_NE(section.find("<p>Model <code>weibull_ph</code>: time to event, Weibull baseline hazard with "
                         "proportional covariate and arm effects."),
            std::string::npos);
  const auto block = section.find("<pre class=\"equations\">");
  ASSERT_NE(block, std::string::npos);
  const auto hazard =
      section.find("\nhazard      h(t | x, a) = (shape / scale) (t / scale)^(shape - 1) exp(eta_a(x))\n", block);
  EXPECT_NE(hazard, std::string::npos);
  EXPECT_LT(hazard, section.find("</pre>", block));
  // The parameter table and the pointer to the full description are still there.
  EXPECT_NE(section.find("is in <code>docs/models.md</code> of silico 0.1.0"), std::string::npos);
  EXPECT_NE(section.find("<code>hazard_ratio.treatment</code>"), std::string::npos);
  // Text a model writes with < or & is escaped inside the block.
  ReportInputs survival = inputs();
  survival.spec.model_name = "survival";
  const std::string escaped = model_section(render_report(survival));
  EXPECT_NE(escaped.find("T_a = T0 if T0 &lt;= d or HR_a = 1"), std::string::npos);
}

TEST(Report, AModelThisBuildDoesNotHaveIsSaidToBeUnknown) {
  ReportInputs in = inputs();
  in.spec.model_name = "lognormal_aft";
  const std::string section = model_section(render_report(in));
  EXPECT_NE(section.find("<p>Model <code>lognormal_aft</code> is not a model of this build of silico, so its "
                         "equations are not stated here.</p>"),
            std::string::npos);
  EXPECT_EQ(section.find("<pre"), std::string::npos);
  EXPECT_NE(section.find("<code>docs/models.md</code>"), std::string::npos);
}

TEST(Report, BetweenPatientVariabilityFromOmega) {
  ReportInputs in = inputs();
  EXPECT_EQ(render_report(in).find("Between-patient variability"), std::string::npos);  // no omega
  in.spec.model_name = "pk_1cmt";
  // CV = sqrt(exp(w^2) - 1): 0.3069, 0.2020, 0.4166 and, below 10 %, 0.0447.
  in.spec.omegas = {{"omega", {"CL", "V", "EC50", "KA"}, {0.09, 0.04, 0.16, 0.002}}};
  EXPECT_NE(model_section(render_report(in))
                .find("<p>Between-patient variability (<code>omega</code>): log-normal random effects on "
                      "<code>CL</code>, <code>V</code>, <code>EC50</code>, <code>KA</code> with variances 0.09, "
                      "0.04, 0.16, 0.002 on the log scale, so coefficients of variation 31 %, 20 %, 42 %, 4.5 % "
                      "(CV = &radic;(exp(&omega;&sup2;) &minus; 1)); the model's other population parameters have "
                      "no random effect.</p>"),
            std::string::npos);
}

TEST(Report, ReplicateSummariesCoverageAndBaseline) {
  const std::string html = render_report(inputs());
  // Hazard ratios on the log scale, as summarize's: mean of log 0.7, 0.8, 0.75, 0.9 =
  // -0.24321; bias against log 0.75: 0.04447; 3 of 4 intervals hold 0.75 (replicate 4:
  // [0.8, 1.0]); coverage SE sqrt(0.75 * 0.25 / 4) = 21.65 %.
  EXPECT_NE(html.find(">-0.2432<"), std::string::npos);
  EXPECT_NE(html.find(">0.0445<"), std::string::npos);
  EXPECT_NE(html.find("<td>hazard_ratio (log)</td>"), std::string::npos);
  EXPECT_NE(html.find("75 % &plusmn; 22"), std::string::npos);
  // Table 1: control = patients 0, 2, 4: age 50, 70, 60 -> mean 60 (SD 10); ecog = 1: 1 of 3.
  EXPECT_NE(html.find(">60 (10)<"), std::string::npos);
  EXPECT_NE(html.find(">1 (33.3)<"), std::string::npos);
  // A histogram per estimate, a KM chart, a forest plot: inline SVG.
  EXPECT_GE(std::count(html.begin(), html.end(), '\n'), 10);
  std::size_t svgs = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 3u);
}

TEST(Report, VerificationJsonReadsBack) {
  std::vector<VerificationCase> cases{
      {"a/b", "models", "a \"check\"\nline", 1.5, "R", 1.25, 0.5, Comparison::kAbsolute, true},
      {"c/d", "rng", "p", 0, "x", std::nan(""), 1e-4, Comparison::kAtLeast, false}};
  const auto back = parse_verification_json(verification_json(cases), "v.json");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].check, cases[0].check);
  EXPECT_EQ(back[0].expected, 1.5);
  EXPECT_EQ(back[0].observed, 1.25);
  EXPECT_TRUE(back[0].passed);
  EXPECT_TRUE(std::isnan(back[1].observed));
  EXPECT_EQ(back[1].comparison, Comparison::kAtLeast);
  EXPECT_FALSE(back[1].passed);
  try {
    parse_verification_json("{\"cases\": [\n  {\"id\": 3,}\n]}", "v.json");
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("v.json:2:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_verification_json("[]", "v.json"), UserError);
}

TEST(Report, ValidationAgainstObservedOutcomesOfPatients) {
  ReportInputs in = inputs();
  spec::ObservedOutcomes observed;
  observed.file = "cohorts/obs.csv";
  observed.value = {2, 4};
  observed.event = {1, 1};  // observed S = 1/2 from 2, 0 from 4
  in.spec.validation = {{"os", "control", "distribution", 0.0, 0.7, "registry A", observed},
                        {"os", "treatment", "distribution", 0.0, 0.3, "registry A", observed}};
  in.observed_checksums[0] = "00ff";
  const std::string html = render_report(in);
  // Control (times 1, 3+, 5): S = 2/3 from 1, 0 from 5; compared up to 4, the end of the
  // observed follow-up: gaps 1/3 at 1, 1/6 at 2, 2/3 at 4. D = 0.667 <= 0.7: pass.
  EXPECT_NE(html.find("<td class=\"n\">0.667</td><td class=\"n\">1.24</td><td class=\"n\">0.7</td><td><span "
                      "class=\"pass\">pass"),
            std::string::npos);
  // Treatment (times 2, 4, 6+): S = 2/3 from 2, 1/3 from 4: gaps 1/6 and 1/3 > 0.3: FAIL.
  EXPECT_NE(html.find("<td class=\"n\">0.333</td><td class=\"n\">1.24</td><td class=\"n\">0.3</td><td><span "
                      "class=\"fail\">FAIL"),
            std::string::npos);
  EXPECT_NE(html.find("1 of 2 targets"), std::string::npos);
  // S is 1/2 exactly from 2 to 4: the median is the midpoint, as R gives it.
  EXPECT_NE(html.find("2 events; median 3 (2, NR)"), std::string::npos);
  EXPECT_NE(html.find("data-series=\"observed\""), std::string::npos);  // the overlay chart
  EXPECT_NE(html.find("<code>cohorts/obs.csv</code>, SHA-256 <code>00ff</code>"), std::string::npos);
}

TEST(Report, SaysWhenThePerPatientSectionsShowASample) {
  ReportInputs in = inputs();
  EXPECT_EQ(render_report(in).find("its first"), std::string::npos);
  in.patients = 60;  // the columns hold the first 6 (silico report --max-patients 6)
  EXPECT_NE(render_report(in).find("replicate 0 (its first 6 of 60 patients)"), std::string::npos);
}

TEST(Report, AppendixNamesTheRunShapeAndTheCohortFile) {
  ReportInputs in = inputs();
  in.mpi_ranks = 4;
  in.threads = 2;
  in.cohort_file = "/data/cohorts/adults.yaml";
  in.cohort_yaml = "covariates: {}\n";
  const std::string html = render_report(in);
  EXPECT_NE(html.find("<th>MPI ranks \u00d7 threads</th><td>4 &times; 2</td>"), std::string::npos);
  EXPECT_EQ(html.find("&amp;times;"), std::string::npos);  // an entity escaped twice
  EXPECT_NE(html.find("<code>/data/cohorts/adults.yaml</code>, SHA-256"), std::string::npos);
}

TEST(Report, ValidationTargetsAgainstTheReplicateMean) {
  ReportInputs in = inputs();
  in.series["os/arms/control/median"] = {10.0, 11.0, 12.0, 11.0};  // mean 11, MC SE 0.41
  in.series["os/arms/treatment/median"] = {14.0, 14.0, 14.0, 14.0};
  in.spec.validation = {{"os", "control", "median", 11.5, 1.0, "trial A", {}},
                        {"os", "treatment", "median", 12.0, 1.0, "trial B", {}}};
  const std::string html = render_report(in);
  EXPECT_NE(html.find("1 of 2 targets"), std::string::npos);
  EXPECT_NE(html.find(">-0.5<"), std::string::npos);  // 11 - 11.5, within 1: pass
  EXPECT_NE(html.find(">2<"), std::string::npos);     // 14 - 12, beyond 1: FAIL
  EXPECT_NE(html.find("trial B"), std::string::npos);
  EXPECT_EQ(html.find("No validation data was given"), std::string::npos);
}

TEST(Report, ASummaryOverFewerReplicatesSaysHowMany) {
  // A landmark that the data cut of replicates 2 and 4 did not reach: its mean is over the
  // other two, (0.6 + 0.7) / 2 = 0.65, and the row says "2 of 4"; the estimate row with a
  // value in every replicate says "4".
  ReportInputs in = inputs();
  in.series["os/arms/control/survival_at_24"] = {0.6, std::nan(""), 0.7, std::nan("")};
  in.spec.validation = {{"os", "control", "survival_at_24", 0.62, 0.1, "trial A", {}}};
  const std::string html = render_report(in);
  EXPECT_NE(html.find(">0.65 &plusmn; 0.05</td><td class=\"n\">2 of 4<"), std::string::npos);
  EXPECT_NE(html.find("<td>hazard_ratio (log)</td><td class=\"n\">4<"), std::string::npos);
}

TEST(Report, KaplanMeierChartShowsTheDataAsCut) {
  // Times 1..6, events at 1, 2, 4, 5; a cut at 3.5 leaves the events at 1 and 2 and
  // censors the rest there: the chart is drawn to the cut and marks it.
  ReportInputs in = inputs();
  in.series["os/data_cut_time"] = {3.5, 4.0, 3.0, 5.0};
  in.series["os/data_cut_events"] = {2, 2, 2, 2};
  in.spec.data_cuts["os"] = "{events: 2}";
  const std::string html = render_report(in);
  EXPECT_NE(html.find("Data as analysed at the data cut (3.5 months)"), std::string::npos);
  EXPECT_NE(html.find(">data cut<"), std::string::npos);
  // The trial-design section: the rule, 4 of 4 replicates reached the cut, median (3.5 + 4) / 2.
  EXPECT_NE(html.find("<code>{events: 2}</code>; reached in 4 of 4 replicates, at 3.75 months (median; range 3 "
                      "to 5); events 2 (median; range 2 to 2)"),
            std::string::npos);
  EXPECT_NE(html.find("<th>what an estimate at a data cut targets</th><td>the effect among the patients who had "
                      "entered by the cut"),
            std::string::npos);
  in.series["os/data_cut_time"] = {std::nan(""), 4.0, 3.0, 5.0};
  const std::string missed = render_report(in);
  EXPECT_NE(missed.find("data cut was not reached in this replicate"), std::string::npos);
  EXPECT_NE(missed.find("reached in 3 of 4 replicates, at 4 months (median; range 3 to 5)"), std::string::npos);
}

/// The numbers at risk under the Kaplan-Meier chart.
std::string at_risk_table(const std::string& html) {
  const auto from = html.find("Number at risk");
  return from == std::string::npos ? "" : html.substr(from, html.find("</svg>", from) - from);
}

TEST(Report, KaplanMeierChartWithEntryTimesLeavesOutWhoEnteredAfterTheCut) {
  // Patients 4 and 5 (one per arm) enter at 4, after the cut at 3.5: each arm has 2 patients
  // at risk at time 0, not 3. The others entered at 0, so the mark is at 3.5 - 0.
  ReportInputs in = inputs();
  in.series["os/data_cut_time"] = {3.5, 4.0, 3.0, 5.0};
  const std::string all = at_risk_table(render_report(in));
  EXPECT_NE(all.find(">3<"), std::string::npos);
  in.entry_time = {0, 0, 0, 0, 4, 4};
  in.spec.accrual = "{duration: 4}";
  in.series["accrual_end"] = {4, 4, 3.9, 3.8};
  const std::string html = render_report(in);
  EXPECT_NE(html.find("Data as analysed at the data cut, 3.5 months after the trial opened: patients who entered "
                      "later are left out"),
            std::string::npos);
  const std::string cut = at_risk_table(html);
  EXPECT_NE(cut.find(">2<"), std::string::npos);
  EXPECT_EQ(cut.find(">3<"), std::string::npos);
  EXPECT_NE(html.find("<code>{duration: 4}</code>; the last patient entered at 3.95 months (median; range 3.8 to 4)"),
            std::string::npos);
}

TEST(Report, TrajectoriesBecomeASpaghettiChartPerVariable) {
  ReportInputs in = inputs();
  TrajectoryColumn t{"concentration", "mg/L", {0, 1, 2}, {}};
  for (int i = 0; i < 6; ++i) t.courses.push_back({0.0, 1.0 + i, 0.5 + i});
  in.trajectories.push_back(t);
  const std::string html = render_report(in);
  EXPECT_NE(html.find("concentration over time by arm (first 6 patients"), std::string::npos);
  EXPECT_NE(html.find("concentration (mg/L)"), std::string::npos);
  // One series per arm: 3 patients each (arms alternate in inputs()).
  EXPECT_NE(html.find("data-series=\"control\""), std::string::npos);
}

TEST(Report, DesignJsonBecomesAPowerCurve) {
  const std::string text = R"({
  "endpoint": "y", "target_power": 0.8, "replicates": 200,
  "required": [{"patients": 300, "method": "welch", "treatment": "t", "power": 0.81, "mcse": 0.02}],
  "curve": [
    {"patients": 100, "method": "welch", "treatment": "t", "power": 0.3, "mcse": 0.03},
    {"patients": 100, "method": "ancova", "treatment": "t", "power": 0.4, "mcse": 0.03},
    {"patients": 300, "method": "welch", "treatment": "t", "power": 0.81, "mcse": 0.02}
  ]
})";
  const auto curve = parse_design_json(text, "d.json");
  EXPECT_EQ(curve.endpoint, "y");
  EXPECT_EQ(curve.replicates, 200u);
  ASSERT_EQ(curve.points.size(), 3u);
  EXPECT_EQ(curve.points[2].patients, 300u);
  EXPECT_EQ(curve.points[1].method, "ancova");
  ReportInputs in = inputs();
  in.power_curve = curve;
  const std::string html = render_report(in);
  EXPECT_NE(html.find("Power by trial size, endpoint y (200 replicate trials per size)"), std::string::npos);
  EXPECT_NE(html.find("data-series=\"welch / t\""), std::string::npos);
  EXPECT_NE(html.find("data-series=\"ancova / t\""), std::string::npos);
  EXPECT_THROW(parse_design_json(R"({"endpoint": "y"})", "d.json"), UserError);
  EXPECT_TRUE(curve.spec_sha256.empty());  // an older design JSON
  // Sizes on a log axis: ticks at 1, 2 and 5 per decade (100, 200, 500 cover 100..300).
  const auto chart = html.substr(html.find("Power by trial size"));
  for (const char* tick : {">100</text>", ">200</text>", ">500</text>"}) {
    EXPECT_NE(chart.find(tick), std::string::npos) << tick;
  }
  EXPECT_EQ(chart.find(">150</text>"), std::string::npos);  // a linear axis's step
  EXPECT_NE(html.find("patients on a log scale"), std::string::npos);
}

TEST(Report, CodeVerificationSaysWhichOfTheRunsModelsAndMethodsHaveACase) {
  ReportInputs in = inputs();
  in.spec.model_name = "survival";
  in.spec.model_parameters = {{"baseline", "exponential"}, {"effect_delay", "4"}};
  in.method_order = {{"os", {"rmst", "cox", "procova"}}};
  in.measures = {{"os/cox", "hazard_ratio"}, {"os/rmst", "rmst_difference"}, {"os/procova", "mean_difference"}};
  in.series["os/cox/treatment/gs_look_1_time"] = {1, 1, 1, 1};
  in.verification_given = true;
  in.verification = {
      {"models/survival_delay_median", "models", "c", 1, "s", 1, 0.1, Comparison::kAbsolute, true},
      {"estimators/rmst", "estimators", "c", 1, "s", 1, 0.1, Comparison::kAbsolute, true},
      {"estimators/cox_efron_coef", "estimators", "c", 1, "s", 1, 0.1, Comparison::kAbsolute, true},
      {"rng/uniformity", "rng", "c", 0.5, "s", 0.6, 1e-4, Comparison::kAtLeast, true}};
  const std::string html = render_report(in);
  const auto at = html.find("What this run used, and its cases");
  ASSERT_NE(at, std::string::npos);
  const std::string part = html.substr(at, html.find("<h2>5.") - at);
  EXPECT_NE(part.find("<tr><td>model <code>survival</code></td><td><code>models/survival_delay_median</code>"),
            std::string::npos) << part;
  EXPECT_NE(part.find("<tr><td>method <code>rmst</code></td><td><code>estimators/rmst</code>"), std::string::npos);
  // In the spec's order: rmst (primary), cox, procova.
  EXPECT_LT(part.find("method <code>rmst</code>"), part.find("method <code>cox</code>"));
  EXPECT_LT(part.find("method <code>cox</code>"), part.find("method <code>procova</code>"));
  EXPECT_NE(part.find("Not covered by a verification case: method <code>procova</code>, group-sequential efficacy "
                      "boundaries."),
            std::string::npos) << part;
  // A PK model's PD part is not what the PK cases verify.
  in.spec.model_name = "pk_1cmt";
  in.spec.model_parameters = {{"pd", "idr_inhibit_production"}, {"solver", "dopri5"}};
  in.verification.push_back({"models/pk_1cmt_dopri5", "models", "c", 0, "s", 0, 1e-5, Comparison::kAtMost, true});
  const std::string pk = render_report(in);
  EXPECT_NE(pk.find("<tr><td>model <code>pk_1cmt</code></td><td><code>models/pk_1cmt_dopri5</code>"), std::string::npos);
  EXPECT_NE(pk.find("<tr><td>ODE solver <code>dopri5</code></td><td><code>models/pk_1cmt_dopri5</code>"),
            std::string::npos);
  EXPECT_NE(pk.find("Not covered by a verification case: PD model <code>pd: idr_inhibit_production</code>"),
            std::string::npos);
  in.spec.model_name = "survival";
  in.spec.model_parameters = {};
  // With every one covered, it says so rather than listing nothing.
  in.method_order = {{"os", {"cox"}}};
  in.measures = {{"os/cox", "hazard_ratio"}};
  in.series.erase("os/cox/treatment/gs_look_1_time");
  EXPECT_NE(render_report(in).find("Every model, solver and method this run used has at least one verification case"),
            std::string::npos);
}

TEST(Report, ADesignOfAnotherSpecIsRefused) {
  const std::string spec = "schema_version: 1\ntrial: {name: a, seed: 1}\n";
  const std::string other = "schema_version: 1\ntrial: {name: a, seed: 2}\n";
  const auto design = [](const std::string& identity) {
    return parse_design_json(R"({)" + identity + R"("endpoint": "y", "target_power": 0.8, "replicates": 200,
      "curve": [{"patients": 100, "method": "welch", "treatment": "t", "power": 0.3, "mcse": 0.03}]})",
                             "d.json");
  };
  const PowerCurve mine = design(R"("spec_sha256": ")" + sha256_hex(spec) +
                                 R"(", "spec_file": "a.yaml", "trial": "a", "seed": 1, )");
  EXPECT_EQ(mine.spec_sha256, sha256_hex(spec));
  EXPECT_EQ(mine.spec_file, "a.yaml");
  EXPECT_NO_THROW(check_design_spec(mine, "d.json", spec, "a.yaml", "a", "out.h5"));
  // The same trial name and file, another seed: another spec, and the message names both.
  try {
    check_design_spec(mine, "d.json", other, "b.yaml", "a", "out.h5");
    ADD_FAILURE() << "a design of another spec was accepted";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'d.json' was written for another spec: spec 'a.yaml' (trial 'a', SHA-256 " + sha256_hex(spec)),
              std::string::npos) << what;
    EXPECT_NE(what.find("'out.h5' was run from spec 'b.yaml' (trial 'a', SHA-256 " + sha256_hex(other)),
              std::string::npos) << what;
  }
  try {
    check_design_spec(design(""), "old.json", spec, "a.yaml", "a", "out.h5");
    ADD_FAILURE() << "a design that names no spec was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("no spec_sha256"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("re-run silico design --json"), std::string::npos) << e.what();
  }
  EXPECT_THROW(design(R"("spec_sha256": 5, )"), UserError);
}

TEST(Report, EndpointsMethodsAndArmsInTheSpecsOrder) {
  // The spec lists pfs before os, os's primary method is logrank, and the arms are
  // placebo, low, high: every alphabetical order (of the series map) is wrong here.
  ReportInputs in = inputs();
  in.arms = {"placebo", "low", "high"};
  in.control_arm = "placebo";
  in.endpoints = {{"pfs", "time_to_event", {1, 2, 3, 4, 5, 6}, {1, 1, 0, 1, 1, 0}},
                  {"os", "time_to_event", {1, 2, 3, 4, 5, 6}, {1, 1, 0, 1, 1, 0}}};
  in.endpoint_order = {"pfs", "os"};
  in.method_order = {{"os", {"logrank", "cox"}}, {"pfs", {"rmst", "cox"}}};
  in.series.clear();
  for (const std::string endpoint : {"os", "pfs"}) {
    for (const std::string method : {"cox", "logrank", "rmst"}) {
      if (endpoint == "os" && method == "rmst") continue;
      if (endpoint == "pfs" && method == "logrank") continue;
      for (const std::string arm : {"high", "low"}) {
        const std::string p = endpoint + "/" + method + "/" + arm + "/";
        in.series[p + "effect"] = {0.7, 0.8, 0.75, 0.9};
        in.series[p + "ci_low"] = {0.6, 0.7, 0.65, 0.8};
        in.series[p + "ci_high"] = {0.8, 0.9, 0.85, 1.0};
        in.series[p + "true_effect"] = {0.75, 0.75, 0.75, 0.75};
      }
      in.measures[endpoint + "/" + method] = method == "rmst" ? "rmst_difference" : "hazard_ratio";
    }
  }
  in.series["os/data_cut_time"] = {3, 3, 3, 3};
  in.series["pfs/data_cut_time"] = {2, 2, 2, 2};
  for (const std::string k : {"2", "10"}) {
    in.series["os/logrank/low/gs_look_" + k + "_time"] = {1, 1, 1, 1};
  }
  const std::string html = render_report(in);
  const std::vector<std::string> expected = {"pfs/rmst/low", "pfs/rmst/high", "pfs/cox/low", "pfs/cox/high",
                                             "os/logrank/low", "os/logrank/high", "os/cox/low", "os/cox/high"};
  const auto in_order = [&](const std::string& before, const std::string& after, std::size_t from = 0) {
    const auto a = html.find(before, from), b = html.find(after, from);
    EXPECT_NE(a, std::string::npos) << before;
    EXPECT_NE(b, std::string::npos) << after;
    EXPECT_LT(a, b) << before << " should come before " << after;
  };
  // The uncertainty table, the histograms and the forest plots.
  const auto table = html.find("<h2>7.");
  const auto forest = html.find("<h2>8.");
  for (std::size_t i = 1; i < expected.size(); ++i) {
    in_order("<tr><td>" + expected[i - 1] + "</td>", "<tr><td>" + expected[i] + "</td>", table);
    in_order("Replicate distribution: " + expected[i - 1] + "<", "Replicate distribution: " + expected[i] + "<", table);
    if (i != 2 && i != 6) {  // rmst rows are in their own (difference) plot
      in_order("data-series=\"" + expected[i - 1] + "\"", "data-series=\"" + expected[i] + "\"", forest);
    }
  }
  // The primary estimate's measure (pfs rmst: a difference) is the first forest plot.
  in_order("Estimates (rmst_difference)", "Estimates (hazard_ratio)", forest);
  in_order("data cut, pfs", "data cut, os");
  in_order("look 2, os/logrank/low", "look 10, os/logrank/low");
  in_order("placebo (control), low, high", "Baseline");
}

TEST(Report, LargeKaplanMeierCurvesAreThinnedButCountAtRiskExactly) {
  // 6,000 patients with distinct times: thousands of steps, far more than are drawn.
  ReportInputs in = inputs();
  const std::size_t n = 6000;
  in.arm_of_patient.assign(n, 0);
  EndpointColumn os{"os", "time_to_event", {}, {}};
  std::uint64_t state = 7;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = (static_cast<double>(state >> 11) + 0.5) * 0x1.0p-53;
    in.arm_of_patient[i] = static_cast<std::int32_t>(i % 2);
    os.value.push_back(-10.0 * std::log(u));
    os.event.push_back(i % 5 == 0 ? 0 : 1);
  }
  in.endpoints = {os};
  in.covariates.clear();
  const std::string html = render_report(in);
  const auto km = html.find("Kaplan-Meier estimate of os");
  ASSERT_NE(km, std::string::npos);
  const std::string chart = html.substr(km, html.find("</svg>", km) - km);
  EXPECT_LT(chart.size(), 200'000u);  // the full staircase of 6,000 steps with bands is ~500 kB
  std::vector<double> ticks;
  std::vector<std::string> at_risk;
  const std::regex tick(R"re(class="tick-label x"[^>]*>([^<]*)<)re"), risk(R"re(class="at-risk"[^>]*>([^<]*)<)re");
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), tick); it != std::sregex_iterator(); ++it) {
    ticks.push_back(std::stod((*it)[1]));
  }
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), risk); it != std::sregex_iterator(); ++it) {
    at_risk.push_back((*it)[1]);
  }
  ASSERT_EQ(at_risk.size(), 2 * ticks.size());  // control row, then treatment row
  for (std::size_t arm = 0; arm < 2; ++arm) {
    for (std::size_t k = 0; k < ticks.size(); ++k) {
      std::size_t count = 0;
      for (std::size_t i = arm; i < n; i += 2) count += os.value[i] >= ticks[k];
      EXPECT_EQ(at_risk[arm * ticks.size() + k], std::to_string(count)) << "arm " << arm << " at " << ticks[k];
    }
  }
}

TEST(Report, SaysWhatIsMissingInsteadOfInventingIt) {
  ReportInputs in = inputs();
  in.spec.report = {};
  in.replicates = 1;
  for (auto& [path, values] : in.series) values.resize(1);
  const std::string html = render_report(in);
  EXPECT_NE(html.find("Not assessed"), std::string::npos);
  EXPECT_NE(html.find("No verification results were given"), std::string::npos);
  EXPECT_NE(html.find("No validation data was given"), std::string::npos);
  EXPECT_NE(html.find("One replicate trial"), std::string::npos);
}

/// The cell of the appendix row `label`.
std::string appendix_row(const std::string& html, const std::string& label) {
  const std::string head = "<tr><th>" + label + "</th><td>";
  const auto at = html.find(head, html.find("9. Reproducibility"));
  if (at == std::string::npos) return "(no row " + label + ")";
  const auto start = at + head.size();
  return html.substr(start, html.find("</td>", start) - start);
}

TEST(Report, AppendixShowsTheRunTime) {
  ReportInputs in = inputs();
  in.wall_seconds = 37.3;
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "37.3 s");
  in.wall_seconds = 0.4;
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "0.4 s");
  in.wall_seconds = 125.4;
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "2 min 05 s (125 s)");
  in.wall_seconds = 3725.0;
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "1 h 02 min 05 s (3725 s)");
  in.wall_seconds = 59.97;  // rounds up to a whole minute, not to "60 s"
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "1 min 00 s (60 s)");
}

TEST(Report, MergedRunTimeIsTheSumOverTheParts) {
  ReportInputs in = inputs();
  in.wall_seconds = 90.0;
  in.merged_parts = 3;
  EXPECT_EQ(appendix_row(render_report(in), "run time"),
            "1 min 30 s (90 s), the sum over the 3 parts' runs (compute time: parts may have run at the same time)");
  in.merged_parts = 1;
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "1 min 30 s (90 s), that of the one part merged");
}

TEST(Report, RunTimeOfAnOlderFileIsNotRecorded) {
  ReportInputs in = inputs();
  ASSERT_FALSE(in.wall_seconds);
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "not recorded (file written by an older silico)");
  in.merged_parts = 2;
  EXPECT_EQ(appendix_row(render_report(in), "run time"), "not recorded (a part was written by an older silico)");
}

const char* kPk = R"(schema_version: 1
trial: {name: pk, seed: 17, patients: 60, follow_up: 10}
cohort:
  covariates:
    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}
arms:
  - {name: low, control: true, regimen: {dose_mg: 50, interval_h: 24, doses: 5, route: oral}}
  - {name: high, regimen: {dose_mg: 200, interval_h: 24, doses: 5, route: oral}}
model:
  name: pk_1cmt
  parameters:
    CL: {typical: 5, covariates: {weight: {power: 0.75, reference: 70}}}
    V: 50
    KA: 0.8
    omega: {variables: [CL], matrix: [[0.09]]}
    solver: SOLVER
    exposure_start_h: 96
    exposure_end_h: 120
endpoints:
  - {name: auc, output: auc}
)";

std::string pk(const std::string& solver) {
  std::string text = kPk;
  text.replace(text.find("SOLVER"), 6, solver);
  return text;
}

TEST(ReportStudies, TighterToleranceChangesAnOdeSolutionBelowItsTolerance) {
  std::vector<std::pair<std::size_t, std::string>> told;
  const auto check = calculation_verification(
      pk("dopri5"), "pk.yaml", 0, 40, {},
      [&](std::size_t done, std::size_t total, const std::string& next) {
        EXPECT_EQ(total, 2u);
        told.emplace_back(done, next);
      });
  ASSERT_TRUE(check.applicable) << check.reason;
  // Progress before each of the two simulations and at the end.
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[0], (std::pair<std::size_t, std::string>{0, "40 patients of replicate 0 at the run's tolerances"}));
  EXPECT_EQ(told[1].first, 1u);
  EXPECT_EQ(told[2], (std::pair<std::size_t, std::string>{2, ""}));
  EXPECT_EQ(check.endpoint, "auc");
  EXPECT_EQ(check.patients, 40u);
  EXPECT_EQ(check.rtol, 1e-8);  // the schema's default
  // Against the closed form the default tolerance is good to ~1e-8 (silico verify), so
  // tightening it tenfold moves the AUC by about that, never by more than 1e-5.
  EXPECT_GT(check.max_relative_change, 0.0);
  EXPECT_LT(check.max_relative_change, 1e-5);
  EXPECT_LE(check.mean_relative_change, check.max_relative_change);
  const auto closed = calculation_verification(pk("closed_form"), "pk.yaml", 0, 40);
  EXPECT_FALSE(closed.applicable);
  EXPECT_NE(closed.reason.find("closed form"), std::string::npos);
}

TEST(ReportStudies, SensitivityMovesTheEstimateWithTheEffectParameter) {
  const std::string text = R"(schema_version: 1
trial: {name: s, seed: 3, patients: 4000, follow_up: 60}
cohort:
  covariates:
    age: {distribution: normal, mean: 60, sd: 10}
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: weibull_ph
  parameters:
    shape: 1.2
    scale: 16
    hazard_ratio: {treatment: 0.7}
    log_hazard_ratios: {age: {per_unit: 0.02, reference: 60}}
endpoints: [{name: os}]
analysis:
  endpoints:
    os: {methods: [cox]}
)";
  std::vector<std::size_t> done_told;
  std::vector<std::string> next_told;
  const auto study = sensitivity(text, "s.yaml", 0.1, 3000, {},
                                 [&](std::size_t done, std::size_t total, const std::string& next) {
                                   EXPECT_EQ(total, 9u);  // the baseline and 4 parameters x 2
                                   done_told.push_back(done);
                                   next_told.push_back(next);
                                 });
  EXPECT_EQ(done_told, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(next_told.front(), "the spec's values, 3000 patients");
  EXPECT_NE(std::find(next_told.begin(), next_told.end(), "hazard_ratio.treatment +10 %, 3000 patients"),
            next_told.end());
  EXPECT_EQ(next_told.back(), "");
  EXPECT_EQ(study.estimate, "os/cox/treatment/effect");
  EXPECT_EQ(study.patients, 3000u);
  std::set<std::string> names;
  for (const auto& r : study.rows) names.insert(r.parameter);
  // Covariate reference values are centring constants, not parameters: left out.
  EXPECT_EQ(names, (std::set<std::string>{"shape", "scale", "hazard_ratio.treatment", "log_hazard_ratios.age.per_unit"}));
  for (const auto& r : study.rows) {
    if (r.parameter != "hazard_ratio.treatment") continue;
    // Same patients in every variant: the estimated log HR moves with the true one, by
    // log(0.9) and log(1.1). Independent trials of 3,000 patients would differ by about
    // 0.04 * sqrt(2) in log HR; with common random numbers the change is far steadier, so
    // 0.03 (under one SE of a single estimate) is a bound a broken perturbation misses
    // (a parameter left unchanged moves the estimate by 0, off by ~0.1).
    EXPECT_LT(r.low, study.baseline);
    EXPECT_GT(r.high, study.baseline);
    EXPECT_NEAR(std::log(r.low / study.baseline), std::log(0.9), 0.03);
    EXPECT_NEAR(std::log(r.high / study.baseline), std::log(1.1), 0.03);
  }
}

// The group-sequential section from a constructed row: the bounds on every scale, the
// looks' events, patients and time, and the cumulative crossing simulated (with MCSE),
// under H0 and under the truth; a chart of the bounds on the Z scale.
TEST(Report, GroupSequentialSectionShowsBothScalesAndCrossingProbabilities) {
  ReportInputs in = inputs();
  EXPECT_EQ(render_report(in).find("Group-sequential design"), std::string::npos);
  stats::GroupSequentialRow g;
  g.method = "logrank";
  g.treatment = "treatment";
  g.measure = "hazard_ratio";
  g.spending = "obrien_fleming";
  g.sided = "one";
  g.alpha = 0.025;
  g.benefit = "lower";
  g.looks = {0.5, 1.0};
  g.boundaries = {2.9626, 1.9686};
  g.nominal_p = {0.00153, 0.0245};
  g.futility_spending = "hsd(-2)";
  g.futility_boundaries = {0.4488, 1.9686};
  g.hazard_ratio_boundaries = {0.5874, 0.7776};
  g.futility_hazard_ratio_boundaries = {0.9226, 0.7776};
  g.rejection_rate = 0.774;
  g.rejection_rate_mcse = 0.0094;
  g.expected_information = 193.5;
  g.expected_information_mcse = 1.0;
  g.look_events = {124, 247};
  g.look_patients = {400, 400};
  g.look_time = {5.261, 13.74};
  g.expected_events_at_stop = 193.47;
  g.expected_patients_at_stop = 400;
  g.expected_time_at_stop = 9.763;
  g.efficacy_crossing = {0.162, 0.774};
  g.efficacy_crossing_mcse = {0.0082, 0.0094};
  g.futility_crossing = {0.053, 0.053};
  g.futility_crossing_mcse = {0.005, 0.005};
  g.null_efficacy_crossing = {0.00153, 0.0243};
  g.null_futility_crossing = {0.673, 0.673};
  g.truth_efficacy_crossing = {0.168, 0.777};
  g.truth_futility_crossing = {0.0601, 0.0601};
  g.truth_effect = 0.6979;
  g.truth_drift = 2.826;
  in.group_sequential.push_back({"os", {g}});
  const std::string html = render_report(in);
  const auto section = html.find("<h3>Group-sequential design</h3>");
  ASSERT_NE(section, std::string::npos);
  EXPECT_GT(section, html.find("8. Results"));
  EXPECT_LT(section, html.find("9. Reproducibility"));
  const std::string part = html.substr(section, html.find("9. Reproducibility") - section);
  EXPECT_NE(part.find("One-sided design at alpha 0.025 (benefit: lower)"), std::string::npos);
  EXPECT_NE(part.find("futility hsd(-2), non-binding"), std::string::npos);
  EXPECT_NE(part.find("hazard_ratio 0.6979"), std::string::npos);
  EXPECT_NE(part.find("drift 2.826"), std::string::npos);
  // Look 1: information, events, patients, time, efficacy Z, nominal p (1 - Phi(2.9626) =
  // 0.001525), HR bound, futility Z and HR bound, then efficacy simulated / H0 / truth and
  // futility simulated / H0 / truth.
  const auto cells = [](std::initializer_list<const char*> values) {
    std::string row;
    for (const char* v : values) row += std::string("<td class=\"n\">") + v + "</td>";
    return row;
  };
  EXPECT_NE(part.find("<tr><td class=\"n\">1</td>" +
                      cells({"0.5", "124", "400", "5.261", "2.963", "0.00153", "0.5874", "0.4488", "0.9226",
                             "0.162 &plusmn; 0.0082", "0.00153", "0.168", "0.053 &plusmn; 0.005", "0.673", "0.0601"})),
            std::string::npos)
      << part;
  EXPECT_NE(part.find(cells({"0.774 &plusmn; 0.0094", "0.0243", "0.777"})), std::string::npos);
  // The chart: efficacy and futility bounds on the Z scale.
  EXPECT_NE(part.find("data-series=\"efficacy bound\""), std::string::npos);
  EXPECT_NE(part.find("data-series=\"futility bound\""), std::string::npos);
  // Without a mapping of the measure to a drift the truth columns are dashes and say why.
  g.measure = "risk_difference";
  g.truth_efficacy_crossing.clear();
  g.truth_futility_crossing.clear();
  in.group_sequential = {{"os", {g}}};
  const std::string other = render_report(in);
  EXPECT_NE(other.find("No analytic probabilities under the simulated truth"), std::string::npos);
  // Looks at calendar times and a maximum of tests say what their bounds are.
  g.look_times = {6};
  g.planned_looks = {0.5, 1.0};
  g.max_statistic = true;
  in.group_sequential = {{"os", {g}}};
  const std::string calendar = render_report(in);
  EXPECT_NE(calendar.find("held at calendar time 6 months, each replicate's bounds recomputed"), std::string::npos);
  EXPECT_NE(calendar.find("information below are the means over the replicates"), std::string::npos);
  EXPECT_NE(calendar.find("Each replicate solved its own bounds from its tests' covariance"), std::string::npos);
}

// The estimands table: one row per analysis in the spec's order, its five attributes.
TEST(Report, EstimandsTableNamesWhatEachAnalysisEstimates) {
  ReportInputs in = inputs();
  EXPECT_EQ(render_report(in).find("<h3>Estimands</h3>"), std::string::npos);
  in.estimands["os/cox"] = {{"summary", "hazard ratio (arm / control) conditional on age"},
                            {"population", "the randomized patients"},
                            {"variable", "os (time_to_event, months)"},
                            {"intercurrent_events", "none simulated"}};
  const std::string html = render_report(in);
  const auto table = html.find("<h3>Estimands</h3>");
  ASSERT_NE(table, std::string::npos);
  EXPECT_NE(html.find("<tr><td>os/cox</td><td>hazard ratio (arm / control) conditional on age</td><td>the randomized "
                      "patients</td><td>os (time_to_event, months)</td><td>none simulated</td></tr>",
                      table),
            std::string::npos);
}

// With intercurrent events simulated, section 7 scores each strategy's analyses against
// their own truths: hand-made series of 4 replicates. Treatment policy (ancova on chg):
// effects 1, 2, 1.5, 3 against truth 1.5: bias 0.375, MCSE SD/2 = 0.4270; CIs effect +- 1
// miss 1.5 once: coverage 0.75 +- sqrt(0.75 * 0.25 / 4) = 0.2165; p < 0.05 three times.
// Hypothetical (completers_ancova on chg_hyp): effects 2, 2.25, 1.75, 2 against 2: bias 0
// (MCSE 0.1021), coverage 1, power 1. An endpoint
// with no event simulated (os/cox) is not in it.
TEST(Report, IntercurrentEventStrategiesScoredAgainstTheirOwnTruths) {
  ReportInputs in = inputs();
  EXPECT_EQ(render_report(in).find("Intercurrent events: each strategy"), std::string::npos);
  const auto add = [&](const std::string& prefix, std::vector<double> effect, double truth, std::vector<double> p) {
    std::vector<double> low, high;
    for (const double e : effect) {
      low.push_back(e - 1.0);
      high.push_back(e + 1.0);
    }
    in.series[prefix + "/effect"] = effect;
    in.series[prefix + "/se"] = {0.5, 0.5, 0.5, 0.5};
    in.series[prefix + "/ci_low"] = low;
    in.series[prefix + "/ci_high"] = high;
    in.series[prefix + "/p"] = p;
    in.series[prefix + "/true_effect"] = std::vector<double>(4, truth);
  };
  add("chg/ancova/treatment", {1.0, 2.0, 1.5, 3.0}, 1.5, {0.01, 0.2, 0.03, 0.001});
  add("chg_hyp/completers_ancova/treatment", {2.0, 2.25, 1.75, 2.0}, 2.0, {0.001, 0.001, 0.001, 0.001});
  in.measures["chg/ancova"] = "mean_difference";
  in.measures["chg_hyp/completers_ancova"] = "mean_difference";
  in.estimands["chg/ancova"] = {{"intercurrent_events", "discontinuation (stops): treatment policy"}};
  in.estimands["chg_hyp/completers_ancova"] = {{"intercurrent_events", "discontinuation (stops): hypothetical"}};
  in.estimands["os/cox"] = {{"intercurrent_events", "none simulated: every patient stays on the assigned arm"}};
  in.endpoint_order = {"os", "chg", "chg_hyp"};
  const std::string html = render_report(in);
  const auto section = html.find("<h3>Intercurrent events: each strategy against its own truth</h3>");
  ASSERT_NE(section, std::string::npos);
  const auto tp = html.find("<h4>discontinuation (stops): treatment policy</h4>", section);
  const auto hyp = html.find("<h4>discontinuation (stops): hypothetical</h4>", section);
  ASSERT_NE(tp, std::string::npos);
  ASSERT_NE(hyp, std::string::npos);
  EXPECT_LT(tp, hyp);  // the spec's order of endpoints
  EXPECT_NE(html.find("<td>chg</td><td>ancova</td><td>treatment</td><td>mean_difference</td><td class=\"n\">4</td>"
                      "<td class=\"n\">1.5</td><td class=\"n\">0.375 &plusmn; 0.43</td><td class=\"n\">0.75 "
                      "&plusmn; 0.22</td><td class=\"n\">0.75 &plusmn; 0.22</td>",
                      tp),
            std::string::npos);
  EXPECT_NE(html.find("<td>chg_hyp</td><td>completers_ancova</td><td>treatment</td><td>mean_difference</td>"
                      "<td class=\"n\">4</td><td class=\"n\">2</td><td class=\"n\">0 &plusmn; 0.1</td>"
                      "<td class=\"n\">1 &plusmn; 0</td><td class=\"n\">1 &plusmn; 0</td>",
                      hyp),
            std::string::npos);
  EXPECT_EQ(html.find("<td>os</td><td>cox</td>", section), std::string::npos);
  // One chart of the biases per strategy.
  EXPECT_NE(html.find("Bias against the strategy", section), std::string::npos);
}

// The multiplicity section: per hypothesis weight, true-null flag, power after the
// procedure and unadjusted with MCSE; any, all and FWER.
TEST(Report, MultiplicitySectionPerHypothesisWithFwer) {
  ReportInputs in = inputs();
  EXPECT_EQ(render_report(in).find("<h3>Multiplicity</h3>"), std::string::npos);
  stats::MultiplicitySummary mu;
  mu.procedure = "holm";
  mu.replicates = 400;
  mu.alpha = 0.05;
  stats::MultiplicityHypothesisRow a{"1_os_cox_low", "os", "cox", "low", 0.5, true, {0.02, 0.007}, {0.045, 0.0104}};
  stats::MultiplicityHypothesisRow b{"2_os_cox_high", "os", "cox", "high", 0.5, false, {0.81, 0.0196}, {0.85, 0.0179}};
  mu.hypotheses = {a, b};
  mu.true_nulls = 1;
  mu.adjusted.any = {0.815, 0.0194};
  mu.adjusted.all = {0.015, 0.0061};
  mu.adjusted.fwer = {0.02, 0.007};
  mu.unadjusted.any = {0.86, 0.0173};
  mu.unadjusted.all = {0.035, 0.0092};
  mu.unadjusted.fwer = {0.045, 0.0104};
  in.multiplicity = mu;
  const std::string html = render_report(in);
  const auto section = html.find("<h3>Multiplicity</h3>");
  ASSERT_NE(section, std::string::npos);
  const std::string part = html.substr(section, html.find("9. Reproducibility") - section);
  EXPECT_NE(part.find("holm over 2 hypotheses at familywise alpha 0.05"), std::string::npos);
  EXPECT_NE(part.find("<td>1_os_cox_low</td><td>os</td><td>cox</td><td>low</td><td class=\"n\">0.5</td><td>yes</td>"
                      "<td class=\"n\">0.02 &plusmn; 0.007</td><td class=\"n\">0.045 &plusmn; 0.01</td>"),
            std::string::npos)
      << part;
  EXPECT_NE(part.find("<td>no</td><td class=\"n\">0.81 &plusmn; 0.02</td>"), std::string::npos);
  EXPECT_NE(part.find("any hypothesis rejected</th><td class=\"n\">0.815 &plusmn; 0.019</td>"), std::string::npos);
  EXPECT_NE(part.find("familywise error rate (over the 1 true null hypotheses)</th><td class=\"n\">0.02 &plusmn; "
                      "0.007</td><td class=\"n\">0.045 &plusmn; 0.01</td>"),
            std::string::npos);
  mu.true_nulls = 0;
  in.multiplicity = mu;
  EXPECT_NE(render_report(in).find("No hypothesis is a true null"), std::string::npos);
}

// A test without an estimand (measure "test": fh, maxcombo) shows its statistic and p, not
// empty effect cells: the replicate table gives the statistic's distribution and the share
// of p < alpha, and the results a table of the tests instead of a forest row.
TEST(Report, TestOnlyMethodsShowStatisticAndP) {
  ReportInputs in = inputs();
  const double nan = std::nan("");
  for (const char* field : {"effect", "ci_low", "ci_high", "true_effect", "se"}) {
    in.series[std::string("os/fh/treatment/") + field] = {nan, nan, nan, nan};
  }
  in.series["os/fh/treatment/p"] = {0.01, 0.2, 0.03, nan};
  in.series["os/fh/treatment/z"] = {-2.5, -1.2, -2.1, nan};
  in.measures["os/fh"] = "test";
  const std::string html = render_report(in);
  // Mean z of -2.5, -1.2, -2.1 = -1.933; 2 of the 3 finite p below 0.05: 66.7 % +- 27.
  EXPECT_NE(html.find("<td>os/fh/treatment</td><td>test (z)</td>"), std::string::npos) << html;
  EXPECT_NE(html.find(">-1.933<"), std::string::npos);
  EXPECT_NE(html.find("no estimand: p &lt; 0.05 in 66.7 % &plusmn; 27 of 3 replicates"), std::string::npos);
  EXPECT_NE(html.find("Tests without an estimand, replicate 0"), std::string::npos);
  EXPECT_NE(html.find("<td>os/fh/treatment</td><td>z</td><td class=\"n\">-2.5</td><td class=\"n\">0.01</td>"),
            std::string::npos);
  EXPECT_EQ(html.find("Estimates (test)"), std::string::npos);  // no empty forest plot
  EXPECT_NE(html.find("Replicate distribution: os/fh/treatment"), std::string::npos);
}

}  // namespace
}  // namespace silico::report
