// The validation report: every section of the credibility framework is there, in order,
// with what the inputs say; the document fetches nothing; text is escaped; the summaries
// over replicates are right on hand-made series; the verification JSON reads back.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>

#include "core/error.hpp"
#include "report/report.hpp"

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
  EXPECT_NE(html.find("<b>high</b>"), std::string::npos);  // medium + high = 3
  EXPECT_NE(html.find("hazard_ratio.treatment"), std::string::npos);
  EXPECT_EQ(model_risk("low", "low"), "low");
  EXPECT_EQ(model_risk("low", "medium"), "low");
  EXPECT_EQ(model_risk("medium", "medium"), "medium");
  EXPECT_EQ(model_risk("low", "high"), "medium");
  EXPECT_EQ(model_risk("high", "high"), "high");
  EXPECT_EQ(model_risk("", "high"), "");
}

TEST(Report, ReplicateSummariesCoverageAndBaseline) {
  const std::string html = render_report(inputs());
  // Mean of 0.7, 0.8, 0.75, 0.9 = 0.7875; bias 0.0375; 3 of 4 intervals hold 0.75
  // (replicate 4: [0.8, 1.0]); coverage SE sqrt(0.75 * 0.25 / 4) = 21.65 %.
  EXPECT_NE(html.find(">0.7875<"), std::string::npos);
  EXPECT_NE(html.find(">0.0375<"), std::string::npos);
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

}  // namespace
}  // namespace silico::report
