// silico verify: every case passes on a correct build, each states its source, and the
// JSON has what the report reads. The judge itself is checked on hand-made cases, so a
// case that should fail does fail.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "report/verify.hpp"

namespace silico::report {
namespace {

TEST(Verify, EveryCasePassesAndCitesItsSource) {
  const auto cases = run_verification();
  ASSERT_GE(cases.size(), 20u);
  std::set<std::string> ids, areas;
  for (const auto& c : cases) {
    EXPECT_TRUE(c.passed) << c.id << ": observed " << c.observed << ", expected " << c.expected << ", tolerance "
                          << c.tolerance;
    EXPECT_FALSE(c.source.empty()) << c.id;
    EXPECT_FALSE(c.check.empty()) << c.id;
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate id " << c.id;
    areas.insert(c.area);
  }
  EXPECT_EQ(areas, (std::set<std::string>{"models", "solvers", "estimators", "rng", "decomposition"}));
}

TEST(Verify, CasesCoverTheModelsMethodsAndBoundariesARunUses) {
  std::set<std::string> covered;
  for (const auto& c : run_verification()) {
    for (const auto& token : case_covers(c.id)) covered.insert(token);
  }
  for (const char* token :
       {"model:pk_1cmt", "model:pk_2cmt", "model:weibull_ph", "model:survival", "model:linear_change", "solver:dopri5",
        "solver:cvode_bdf", "method:welch", "method:ancova", "method:cox", "method:logrank", "method:km_median",
        "method:rmst", "method:risk_difference", "method:risk_ratio", "method:odds_ratio", "group_sequential",
        "method:fh", "method:maxcombo", "method:milestone"}) {
    EXPECT_TRUE(covered.count(token)) << token << " has no verification case";
  }
  // Not claimed: no case checks these.
  for (const char* token : {"model:tgi", "model:disease_progression", "method:procova", "method:iptw", "method:psm"}) {
    EXPECT_FALSE(covered.count(token)) << token;
  }
  EXPECT_TRUE(case_covers("rng/uniformity").empty());
  EXPECT_EQ(case_covers("estimators/risk_difference_score"), std::vector<std::string>{"method:risk_difference"});
}

TEST(Verify, JudgeFailsWhatIsOutsideItsBoundAndNaN) {
  VerificationCase c{"x", "models", "check", 1.0, "source", 1.2, 0.1, Comparison::kAbsolute, true};
  judge(c);
  EXPECT_FALSE(c.passed);
  c.observed = 1.05;
  judge(c);
  EXPECT_TRUE(c.passed);
  c.comparison = Comparison::kRelative;
  c.expected = 100;
  c.observed = 111;
  judge(c);
  EXPECT_FALSE(c.passed);  // 11 > 0.1 * 100
  c.observed = 109;
  judge(c);
  EXPECT_TRUE(c.passed);
  c.comparison = Comparison::kAtMost;
  c.tolerance = 0;
  c.observed = 1;  // one differing value
  judge(c);
  EXPECT_FALSE(c.passed);
  c.comparison = Comparison::kAtLeast;
  c.tolerance = 1e-4;
  c.observed = 1e-6;  // a p-value far in the tail
  judge(c);
  EXPECT_FALSE(c.passed);
  for (Comparison k : {Comparison::kAbsolute, Comparison::kRelative, Comparison::kAtMost, Comparison::kAtLeast}) {
    c.comparison = k;
    c.observed = std::numeric_limits<double>::quiet_NaN();
    judge(c);
    EXPECT_FALSE(c.passed) << comparison_name(k);
  }
}

TEST(Verify, JsonListsEveryCaseWithItsVerdict) {
  std::vector<VerificationCase> cases{
      {"a/one", "models", "a \"quoted\" check", 1.0, "closed form", 1.0, 0.0, Comparison::kAbsolute, true},
      {"b/two", "rng", "p", 0.5, "uniform", std::numeric_limits<double>::quiet_NaN(), 1e-4, Comparison::kAtLeast,
       false}};
  const std::string json = verification_json(cases);
  EXPECT_NE(json.find("\"passed\": 1,"), std::string::npos);
  EXPECT_NE(json.find("\"failed\": 1,"), std::string::npos);
  EXPECT_NE(json.find("\"id\": \"a/one\""), std::string::npos);
  EXPECT_NE(json.find("a \\\"quoted\\\" check"), std::string::npos);
  EXPECT_NE(json.find("\"observed\": null"), std::string::npos);  // NaN is not JSON
  EXPECT_NE(json.find("\"comparison\": \"at_least\""), std::string::npos);
  EXPECT_NE(json.find("\"silico_version\""), std::string::npos);
}

}  // namespace
}  // namespace silico::report
