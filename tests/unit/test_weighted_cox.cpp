/// @file
/// @brief Cox model of weighted counting-process rows with a clustered robust variance
/// (stats/weighted_cox.hpp) against R.
///
/// Reference values: R 4.2, survival 3.5.3 (Debian r-cran-survival), on the 20 rows below
/// (15 patients; patients 2, 4, 7, 10 and 13 have two rows, the second with a larger
/// weight, as an inverse-probability-weighted analysis splits a patient):
///   d <- data.frame(
///     id    = c(1,2,2,3,4,4,5,6,7,7,8,9,10,10,11,12,13,13,14,15),
///     start = c(0,0,3,0,0,2.5,0,0,0,4,0,0,0,1.5,0,0,0,5,0,0),
///     stop  = c(5,3,8,2,2.5,6,7,4,4,9,3.5,6.5,1.5,5.5,8,2.2,5,7.5,4.5,10),
///     event = c(1,0,1,1,0,0,1,1,0,1,0,1,0,1,0,1,0,1,1,0),
///     arm   = c(1,0,0,0,0,0,1,1,0,0,1,0,0,0,1,1,0,0,1,1),
///     w     = c(1,1,1.8,1,1,2.2,1,1,1,1.5,1,1,1,1.3,1,1,1,2.0,1,1),
///     z     = c(0.3,-1.1,-1.1,0.8,0.1,0.1,-0.4,1.2,-0.9,-0.9,0.5,0.0,1.5,1.5,-0.2,0.7,-1.3,-1.3,0.4,-0.6))
///   f <- coxph(Surv(start, stop, event) ~ arm + z, data = d, weights = w, cluster = id,
///              ties = "breslow", control = coxph.control(eps = 1e-12, iter.max = 50))
///   coef(f); sqrt(diag(f$naive.var)); sqrt(diag(vcov(f)))

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "stats/weighted_cox.hpp"

namespace {

silico::stats::WeightedCoxRows rows() {
  silico::stats::WeightedCoxRows r;
  r.cluster = {1, 2, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11, 12, 13, 13, 14, 15};
  r.start = {0, 0, 3, 0, 0, 2.5, 0, 0, 0, 4, 0, 0, 0, 1.5, 0, 0, 0, 5, 0, 0};
  r.stop = {5, 3, 8, 2, 2.5, 6, 7, 4, 4, 9, 3.5, 6.5, 1.5, 5.5, 8, 2.2, 5, 7.5, 4.5, 10};
  r.event = {1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0};
  r.weight = {1, 1, 1.8, 1, 1, 2.2, 1, 1, 1, 1.5, 1, 1, 1, 1.3, 1, 1, 1, 2.0, 1, 1};
  const double arm[] = {1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1};
  const double z[] = {0.3, -1.1, -1.1, 0.8, 0.1, 0.1, -0.4, 1.2, -0.9, -0.9, 0.5, 0.0, 1.5, 1.5, -0.2, 0.7, -1.3, -1.3, 0.4, -0.6};
  r.x.resize(20, 2);
  for (int i = 0; i < 20; ++i) r.x.row(i) << arm[i], z[i];
  return r;
}

TEST(WeightedCox, MatchesRCoxphWithWeightsAndClusters) {
  const auto fit = silico::stats::weighted_cox_fit(rows());
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.beta(0), -0.269922796816404, 1e-9);
  EXPECT_NEAR(fit.beta(1), 1.112629077716735, 1e-9);
  EXPECT_NEAR(std::sqrt(fit.model_covariance(0, 0)), 0.583237260857428, 1e-9);
  EXPECT_NEAR(std::sqrt(fit.model_covariance(1, 1)), 0.429387070851719, 1e-9);
  EXPECT_NEAR(std::sqrt(fit.robust_covariance(0, 0)), 0.670902208751318, 1e-9);
  EXPECT_NEAR(std::sqrt(fit.robust_covariance(1, 1)), 0.305759377591931, 1e-9);
}

TEST(WeightedCox, RefusesBadRowsAndSaysWhenThereIsNoEvent) {
  auto r = rows();
  r.weight[3] = 0.0;
  EXPECT_THROW(silico::stats::weighted_cox_fit(r), std::invalid_argument);
  r = rows();
  r.start[2] = r.stop[2];
  EXPECT_THROW(silico::stats::weighted_cox_fit(r), std::invalid_argument);
  r = rows();
  for (auto& e : r.event) e = 0;
  EXPECT_FALSE(silico::stats::weighted_cox_fit(r).converged);
}

}  // namespace
