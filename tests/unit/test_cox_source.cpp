/// @file
/// @brief cox_fit() on a SurvivalSource: the same fit as the span overloads however the
/// rows are batched, a data cut, the number of walks, and the running shift of the
/// weights against a brute-force partial likelihood.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <Eigen/Core>

#include "rebatched_source.hpp"
#include "stats/survival.hpp"
#include "rebatched_source.hpp"
#include "stats/survival_source.hpp"

namespace silico::stats {
namespace {

constexpr double kRoundoff = 1e-12;  // sums of the same terms in another order

/// Deterministic pseudo-random numbers in [0, 1) (splitmix64): the data must not depend
/// on the standard library's distributions.
class Uniform {
 public:
  explicit Uniform(std::uint64_t seed) : state_(seed) {}
  double operator()() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

/// n rows, 3 covariates (treatment, a normal-ish one, a 3-level one), 3 strata with ids
/// that are neither dense nor sorted by first appearance, times rounded so that many tie.
struct Trial {
  std::vector<double> time;
  std::vector<std::int8_t> event;
  std::vector<std::int32_t> strata;
  Eigen::MatrixXd x;

  explicit Trial(int n, std::uint64_t seed = 1) : x(n, 3) {
    Uniform u(seed);
    const std::int32_t ids[] = {7, -2, 40};
    for (int i = 0; i < n; ++i) {
      x(i, 0) = i % 2;
      x(i, 1) = u() + u() + u() - 1.5;
      x(i, 2) = std::floor(3.0 * u());
      const std::int32_t s = ids[(i * 7) % 3];
      const double eta = -0.5 * x(i, 0) + 0.4 * x(i, 1) + 0.2 * x(i, 2) + 0.3 * (s == 40);
      time.push_back(std::ceil(-std::log(1.0 - u()) * std::exp(-eta) * 8.0));  // ties
      event.push_back(u() < 0.75 ? 1 : 0);
      strata.push_back(s);
    }
  }
  /// Row-major copy of x, as InMemorySurvival takes it by default.
  std::vector<double> rows() const {
    std::vector<double> r;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      for (Eigen::Index c = 0; c < x.cols(); ++c) r.push_back(x(i, c));
    }
    return r;
  }
};

/// Rows in batches of 1, 2, 3, 1, 2, 3, ..., with the walks counted.
class Rebatched final : public RebatchedSource {
 public:
  explicit Rebatched(const SurvivalSource& inner) : RebatchedSource(inner, {1, 2, 3}) {}
};

void expect_same(const CoxFit& a, const CoxFit& b) {
  ASSERT_EQ(a.beta.size(), b.beta.size());
  for (Eigen::Index j = 0; j < a.beta.size(); ++j) {
    EXPECT_EQ(a.beta[j], b.beta[j]);
    for (Eigen::Index k = 0; k < a.beta.size(); ++k) EXPECT_EQ(a.covariance(j, k), b.covariance(j, k));
  }
  EXPECT_EQ(a.loglik_null, b.loglik_null);
  EXPECT_EQ(a.loglik, b.loglik);
  EXPECT_EQ(a.lr_statistic, b.lr_statistic);
  EXPECT_EQ(a.score_statistic, b.score_statistic);
  EXPECT_EQ(a.wald_statistic, b.wald_statistic);
  EXPECT_EQ(a.iterations, b.iterations);
  EXPECT_EQ(a.halvings, b.halvings);
  EXPECT_EQ(a.converged, b.converged);
}

/// |a - b| <= tol * max(1, |a|), field by field.
void expect_near(const CoxFit& a, const CoxFit& b, double tol) {
  const auto near = [tol](double u, double v) { EXPECT_NEAR(u, v, tol * std::max(1.0, std::fabs(u))); };
  ASSERT_EQ(a.beta.size(), b.beta.size());
  for (Eigen::Index j = 0; j < a.beta.size(); ++j) {
    near(a.beta[j], b.beta[j]);
    for (Eigen::Index k = 0; k < a.beta.size(); ++k) near(a.covariance(j, k), b.covariance(j, k));
  }
  near(a.loglik_null, b.loglik_null);
  near(a.loglik, b.loglik);
  near(a.lr_statistic, b.lr_statistic);
  near(a.score_statistic, b.score_statistic);
  near(a.wald_statistic, b.wald_statistic);
  EXPECT_EQ(a.converged, b.converged);
}

TEST(CoxSource, SourceFitIsTheSpanFit) {
  const Trial t(300);
  const std::vector<double> x = t.rows();
  const InMemorySurvival rows(t.time, t.event, 3, x, t.strata);
  for (const Ties ties : {Ties::kEfron, Ties::kBreslow}) {
    const CoxFit spans = cox_fit(t.time, t.event, t.x, t.strata, ties);
    ASSERT_TRUE(spans.converged);
    expect_same(cox_fit(rows, ties), spans);
  }
}

TEST(CoxSource, TinyBatchesGiveTheSameBits) {
  // Tie groups, strata runs and the sums all cross batch boundaries.
  const Trial t(300, 2);
  const std::vector<double> x = t.rows();
  const InMemorySurvival rows(t.time, t.event, 3, x, t.strata);
  const Rebatched tiny(rows);
  for (const Ties ties : {Ties::kEfron, Ties::kBreslow}) expect_same(cox_fit(tiny, ties), cox_fit(rows, ties));
}

TEST(CoxSource, CutIsCensoringAtTheCut) {
  const Trial t(300, 3);
  const std::vector<double> x = t.rows();
  const InMemorySurvival rows(t.time, t.event, 3, x, t.strata);
  for (const double cut : {3.0, 7.5}) {  // at a tied time, and between times
    std::vector<double> time = t.time;
    std::vector<std::int8_t> event = t.event;
    for (std::size_t i = 0; i < time.size(); ++i) {
      if (time[i] > cut) {
        time[i] = cut;
        event[i] = 0;
      }
    }
    for (const Ties ties : {Ties::kEfron, Ties::kBreslow}) {
      // Not the same bits: the rows censored at the cut enter its risk set in another order.
      expect_near(cox_fit(rows, ties, 30, 1e-9, cut), cox_fit(time, event, t.x, t.strata, ties), kRoundoff);
    }
  }
  EXPECT_THROW(cox_fit(rows, Ties::kEfron, 30, 1e-9, std::numeric_limits<double>::quiet_NaN()),
               std::invalid_argument);
  EXPECT_THROW(cox_fit(rows, Ties::kEfron, 30, 1e-9, -1.0), std::invalid_argument);
}

TEST(CoxSource, WalksAreTwoPlusOnePerEvaluation) {
  // The bound documented in survival.hpp: one forward walk, one backward walk for the
  // deviations and beta = 0, one per Newton step and halving, one more for a step that
  // could not be accepted.
  const Trial t(300, 4);
  const std::vector<double> x = t.rows();
  const InMemorySurvival rows(t.time, t.event, 3, x, t.strata);
  for (const int max_iterations : {0, 1, 30}) {
    const Rebatched counted(rows);
    const CoxFit f = cox_fit(counted, Ties::kEfron, max_iterations);
    EXPECT_EQ(counted.forwards, 1);
    EXPECT_LE(counted.forwards + counted.backwards, 3 + f.iterations + f.halvings);
    if (f.converged) {
      EXPECT_EQ(counted.forwards + counted.backwards, 2 + f.iterations + f.halvings);
    }
  }
  // Separation: halvings or not, the count stays within the bound.
  const std::vector<double> time{1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<std::int8_t> event(8, 1);
  const std::vector<double> sep{1, 1, 1, 1, 0, 0, 0, 0};
  const InMemorySurvival separated(time, event, 1, sep);
  const Rebatched counted(separated);
  const CoxFit f = cox_fit(counted, Ties::kEfron, 25);
  EXPECT_FALSE(f.converged);
  EXPECT_LE(counted.forwards + counted.backwards, 3 + f.iterations + f.halvings);
}

TEST(CoxSource, InvalidRowsThrowDuringTheFirstWalk) {
  const std::vector<double> time{1, 2, 3};
  const std::vector<std::int8_t> event{1, 2, 0};
  const std::vector<double> x{0, 1, 0};
  const InMemorySurvival bad_event(time, event, 1, x);
  EXPECT_THROW(cox_fit(bad_event), std::invalid_argument);
  const std::vector<std::int8_t> ok{1, 1, 0};
  const std::vector<double> inf_time{1, std::numeric_limits<double>::infinity(), 3};
  EXPECT_THROW(cox_fit(InMemorySurvival(inf_time, ok, 1, x)), std::invalid_argument);
  const std::vector<double> nan_x{0, std::numeric_limits<double>::quiet_NaN(), 0};
  EXPECT_THROW(cox_fit(InMemorySurvival(time, ok, 1, nan_x)), std::invalid_argument);
}

/// Breslow partial log-likelihood from scratch (distinct times, one stratum): every risk
/// set summed anew, weights exp(eta) unshifted; long double against cancellation.
double brute_breslow_loglik(const std::vector<double>& time, const std::vector<std::int8_t>& event,
                            const std::vector<double>& x, double beta) {
  long double ll = 0.0L;
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (!event[i]) continue;
    long double s0 = 0.0L;
    for (std::size_t j = 0; j < time.size(); ++j) {
      if (time[j] >= time[i]) s0 += std::exp(static_cast<long double>(beta * x[j]));
    }
    ll += static_cast<long double>(beta * x[i]) - std::log(s0);
  }
  return static_cast<double>(ll);
}

TEST(CoxSource, ShiftedWeightsAreThePartialLikelihood) {
  // eta spans far more than the 32 by which a stratum's shift may lag (x in [0, 200],
  // beta ~ 0.5, high x dying early), so the walk rescales its sums several times. The fit
  // must still be the maximum of the unshifted likelihood.
  Uniform u(5);
  std::vector<double> time, x;
  std::vector<std::int8_t> event;
  for (int i = 0; i < 200; ++i) {
    x.push_back(200.0 * u());
    time.push_back(-std::log(1.0 - u()) * std::exp(-0.5 * x.back()));
    event.push_back(u() < 0.9 ? 1 : 0);
  }
  const InMemorySurvival rows(time, event, 1, x);
  const CoxFit f = cox_fit(rows, Ties::kBreslow);
  ASSERT_TRUE(f.converged);
  EXPECT_GT(f.beta[0] * 200.0, 2.0 * 32.0);
  // Relative to the log-likelihood: a sum of ~200 terms of size ~|loglik|/200.
  const double tol = 1e-12 * std::fabs(f.loglik);
  EXPECT_NEAR(f.loglik_null, brute_breslow_loglik(time, event, x, 0.0), tol);
  EXPECT_NEAR(f.loglik, brute_breslow_loglik(time, event, x, f.beta[0]), tol);
  // At the maximum: a small move either way lowers the likelihood.
  const double h = 1e-4 * std::sqrt(f.covariance(0, 0));
  EXPECT_LT(brute_breslow_loglik(time, event, x, f.beta[0] + h), f.loglik + tol);
  EXPECT_LT(brute_breslow_loglik(time, event, x, f.beta[0] - h), f.loglik + tol);
}

}  // namespace
}  // namespace silico::stats
