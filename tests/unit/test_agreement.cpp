// stats/agreement: Kolmogorov distances between simulated and observed distributions,
// checked on samples small enough to work out by hand; and the observed-outcomes file of
// configs/example.yaml against the numbers R's survival package publishes for it.
#include <gtest/gtest.h>

#include <Eigen/Core>

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/csv.hpp"
#include "stats/agreement.hpp"
#include "stats/estimates.hpp"
#include "stats/survival.hpp"

namespace {

using silico::stats::ecdf_distance;
using silico::stats::km_distance;

TEST(EcdfDistance, WorkedByHand) {
  // F_a steps by 1/4 at 1, 2, 3, 4; F_b by 1/2 at 2.5, 3.5. Largest gap at 2: 1/2 - 0.
  const std::vector<double> a{4, 2, 1, 3}, b{3.5, 2.5};
  EXPECT_DOUBLE_EQ(ecdf_distance(a, b), 0.5);
  EXPECT_DOUBLE_EQ(ecdf_distance(b, a), 0.5);
  EXPECT_EQ(ecdf_distance(a, a), 0.0);
  // Ties are passed whole: at 1, 2/3 against 1/3.
  EXPECT_DOUBLE_EQ(ecdf_distance(std::vector<double>{1, 1, 2}, std::vector<double>{1, 2, 2}), 1.0 / 3.0);
  // 0/1 outcomes: the difference of the rates, 3/5 against 7/8.
  EXPECT_DOUBLE_EQ(ecdf_distance(std::vector<double>{0, 0, 1, 1, 1}, std::vector<double>{0, 1, 1, 1, 1, 1, 1, 1}),
                   0.875 - 0.6);
  EXPECT_TRUE(std::isnan(ecdf_distance(std::vector<double>{}, b)));
  EXPECT_THROW(ecdf_distance(std::vector<double>{NAN}, b), std::invalid_argument);
}

silico::stats::KaplanMeier km(std::vector<double> time, std::vector<std::int8_t> event) {
  return silico::stats::kaplan_meier({std::move(time), std::move(event)});
}

TEST(KmDistance, WithoutCensoringItIsTheEcdfDistance) {
  const auto a = km({4, 2, 1, 3}, {1, 1, 1, 1});
  const auto b = km({3.5, 2.5}, {1, 1});
  EXPECT_DOUBLE_EQ(km_distance(a, b, 4.0), 0.5);
  // Up to 1.5 only the step of a at 1 counts: S_a = 3/4 against 1.
  EXPECT_DOUBLE_EQ(km_distance(a, b, 1.5), 0.25);
  EXPECT_EQ(km_distance(a, b, 0.0), 0.0);
}

TEST(KmDistance, UnderCensoring) {
  // a: events at 1 and 3, censored at 2: S_a = 2/3 from 1, 0 from 3.
  // b: events at 2 and 4: S_b = 1/2 from 2, 0 from 4.
  // Gaps: 1/3 at 1, 1/6 at 2, 1/2 at 3.
  const auto a = km({1, 2, 3}, {1, 0, 1});
  const auto b = km({2, 4}, {1, 1});
  EXPECT_DOUBLE_EQ(km_distance(a, b, 3.0), 0.5);
  EXPECT_DOUBLE_EQ(km_distance(b, a, 2.5), 1.0 / 3.0);
  EXPECT_TRUE(std::isnan(km_distance(km({}, {}), b, 1.0)));
  EXPECT_THROW(km_distance(a, b, -1.0), std::invalid_argument);
}

TEST(KolmogorovCritical, SmirnovAsymptoticValue) {
  // c(0.05) = sqrt(-ln(0.025) / 2) = 1.3581 (the 1.36 of tables).
  EXPECT_NEAR(silico::stats::kolmogorov_critical_95(100, 100), 1.35810 * std::sqrt(0.02), 1e-5);
  EXPECT_TRUE(std::isnan(silico::stats::kolmogorov_critical_95(0, 10)));
}

// cohorts/ncctg_lung_outcomes.csv is R's survival::lung (time, status). R 4.x, survival 3.x:
//   survfit(Surv(time, status) ~ 1, data = lung)  ->  n 228, events 165, median 310
//   summary(fit, times = 365.25)  ->  n.risk 65, survival 0.409, std.err 0.0358
// A wrong row in the transcription would move these.
TEST(ObservedOutcomesFile, NcctgLungMatchesRsSurvival) {
  std::ifstream in(std::string(SILICO_SOURCE_DIR) + "/cohorts/ncctg_lung_outcomes.csv");
  ASSERT_TRUE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  silico::DiagnosticList diagnostics;
  const auto table = silico::parse_numeric_csv(text.str(), "ncctg_lung_outcomes.csv", "", diagnostics);
  ASSERT_TRUE(table.has_value()) << diagnostics.format();
  silico::stats::SurvivalData data;
  data.time = table->values[*table->find("time")];
  for (double e : table->values[*table->find("event")]) data.event.push_back(static_cast<std::int8_t>(e));
  const auto fit = silico::stats::kaplan_meier(data);
  EXPECT_EQ(fit.n, 228u);
  EXPECT_EQ(fit.total_events, 165u);
  EXPECT_EQ(silico::stats::km_median(fit), 310.0);
  const auto year = silico::stats::survival_at(fit, 365.25, 0.05);
  EXPECT_NEAR(year.survival, 0.409, 0.0005);
  EXPECT_NEAR(year.se, 0.0358, 0.00005);
  std::size_t at_risk = 0;
  for (double t : data.time) at_risk += t >= 365.25;
  EXPECT_EQ(at_risk, 65u);

  // Its other columns, against R as well: 90 women (sex 2), mean age 62.45; and
  //   coxph(Surv(time, status) ~ sex, data = lung)  ->  coef -0.5310, se(coef) 0.1672
  // (Efron ties, R's default; sex 1/2 and female 0/1 differ by a shift, not a scale).
  const auto& female = table->values[*table->find("female")];
  const auto& age = table->values[*table->find("age")];
  double women = 0.0, age_sum = 0.0;
  for (std::size_t i = 0; i < female.size(); ++i) {
    women += female[i];
    age_sum += age[i];
  }
  EXPECT_EQ(women, 90.0);
  EXPECT_NEAR(age_sum / 228.0, 62.45, 0.005);
  Eigen::MatrixXd x(228, 1);
  for (std::size_t i = 0; i < female.size(); ++i) x(static_cast<Eigen::Index>(i), 0) = female[i];
  const auto cox = silico::stats::cox_fit(data.time, data.event, x);
  EXPECT_NEAR(cox.beta(0), -0.5310, 5e-5);
  EXPECT_NEAR(std::sqrt(cox.covariance(0, 0)), 0.1672, 5e-5);
}

}  // namespace
