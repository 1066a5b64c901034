// Random streams and transforms: reference quantiles, determinism, independence, moments.
// Stochastic checks use fixed keys and 4-standard-error bounds: a correct generator
// fails one with probability below 1e-4, and a fixed key makes the outcome repeatable.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rng/stream.hpp"
#include "rng/transforms.hpp"

using silico::rng::Purpose;
using silico::rng::Stream;

TEST(NormalQuantile, MatchesReferenceValues) {
  // R 4.x qnorm() values (R uses AS 241 too; printed with digits = 16).
  EXPECT_EQ(silico::rng::normal_quantile(0.5), 0.0);
  EXPECT_NEAR(silico::rng::normal_quantile(0.975), 1.959963984540054, 2e-15);
  EXPECT_NEAR(silico::rng::normal_quantile(0.001), -3.090232306167813, 4e-15);
  EXPECT_NEAR(silico::rng::normal_quantile(1e-10), -6.361340902404056, 1e-14);
  EXPECT_NEAR(silico::rng::normal_quantile(0.75), 0.6744897501960817, 1e-15);
}

TEST(NormalQuantile, InvertsTheCdfAcrossTheRange) {
  for (double p : {1e-300, 1e-100, 1e-20, 1e-5, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0 - 1e-9}) {
    const double z = silico::rng::normal_quantile(p);
    // Relative accuracy of erfc and AS 241 are both ~1e-15 (Wichura 1988 reports 1e-16).
    EXPECT_NEAR(silico::rng::normal_cdf(z) / p, 1.0, 1e-12) << "p = " << p;
  }
  EXPECT_THROW(silico::rng::normal_quantile(0.0), std::domain_error);
  EXPECT_THROW(silico::rng::normal_quantile(1.0), std::domain_error);
}

TEST(TruncatedNormalQuantile, MatchesClosedForms) {
  using silico::rng::truncated_normal_quantile;
  constexpr double inf = std::numeric_limits<double>::infinity();
  EXPECT_NEAR(truncated_normal_quantile(0.5, -inf, inf), 0.0, 1e-15);
  // Half-normal on [0, inf): median = qnorm(0.75).
  EXPECT_NEAR(truncated_normal_quantile(0.5, 0.0, inf), 0.6744897501960817, 1e-14);
  // Far upper tail [5, 6]: median by symmetry = -qnorm((pnorm(-6) + pnorm(-5)) / 2).
  const double median = -silico::rng::normal_quantile(
      0.5 * (silico::rng::normal_cdf(-6.0) + silico::rng::normal_cdf(-5.0)));
  EXPECT_NEAR(truncated_normal_quantile(0.5, 5.0, 6.0), median, 1e-12);
  for (double u : {1e-12, 0.3, 1.0 - 1e-12}) {
    const double z = truncated_normal_quantile(u, 5.0, 6.0);
    EXPECT_GE(z, 5.0);
    EXPECT_LE(z, 6.0);
  }
}

TEST(Uniform, StaysInsideTheOpenInterval) {
  EXPECT_GT(silico::rng::uniform_open(0), 0.0);
  EXPECT_LT(silico::rng::uniform_open(~std::uint64_t{0}), 1.0);
}

TEST(Stream, SameKeyGivesSameSequence) {
  Stream a({42, 3, 17, Purpose::kEventTime, 0});
  Stream b({42, 3, 17, Purpose::kEventTime, 0});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Stream, EveryKeyFieldChangesTheSequence) {
  const auto first = [](silico::rng::StreamKey key) { return Stream(key).next_u64(); };
  const std::uint64_t base = first({42, 3, 17, Purpose::kEventTime, 0});
  EXPECT_NE(base, first({43, 3, 17, Purpose::kEventTime, 0}));
  EXPECT_NE(base, first({42, 4, 17, Purpose::kEventTime, 0}));
  EXPECT_NE(base, first({42, 3, 18, Purpose::kEventTime, 0}));
  EXPECT_NE(base, first({42, 3, 17, Purpose::kDropout, 0}));
  EXPECT_NE(base, first({42, 3, 17, Purpose::kEventTime, 1}));
}

TEST(Stream, UniformMomentsMatch) {
  Stream stream({1, 0, 0, Purpose::kTest, 0});
  constexpr int n = 1'000'000;
  double sum = 0.0, sum_sq = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = stream.uniform();
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / n;
  const double variance = sum_sq / n - mean * mean;
  // SE of the mean: sqrt(1/12 / n); SE of the variance: sqrt((1/80 - 1/144) / n).
  EXPECT_NEAR(mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
  EXPECT_NEAR(variance, 1.0 / 12.0, 4.0 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n));
}

TEST(Stream, NormalMomentsMatch) {
  Stream stream({2, 0, 0, Purpose::kTest, 0});
  constexpr int n = 1'000'000;
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = stream.normal();
    m1 += z;
    m2 += z * z;
    m3 += z * z * z;
    m4 += z * z * z * z;
  }
  m1 /= n; m2 /= n; m3 /= n; m4 /= n;
  // Sampling SEs of the raw moments of N(0,1): sqrt(Var(Z^k)/n), Var = E Z^2k - (E Z^k)^2.
  EXPECT_NEAR(m1, 0.0, 4.0 * std::sqrt(1.0 / n));
  EXPECT_NEAR(m2, 1.0, 4.0 * std::sqrt(2.0 / n));
  EXPECT_NEAR(m3, 0.0, 4.0 * std::sqrt(15.0 / n));
  EXPECT_NEAR(m4, 3.0, 4.0 * std::sqrt(96.0 / n));
}

TEST(Stream, PurposesAndNeighboursAreUncorrelated) {
  // First uniform of two purposes, and of neighbouring patients, across many patients.
  constexpr int n = 200'000;
  std::vector<double> event(n), dropout(n);
  for (int i = 0; i < n; ++i) {
    event[i] = Stream({9, 0, static_cast<std::uint64_t>(i), Purpose::kEventTime, 0}).uniform();
    dropout[i] = Stream({9, 0, static_cast<std::uint64_t>(i), Purpose::kDropout, 0}).uniform();
  }
  const auto correlation = [&](const std::vector<double>& x, const std::vector<double>& y,
                               int lag) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const int m = n - lag;
    for (int i = 0; i < m; ++i) {
      sx += x[i]; sy += y[i + lag];
      sxx += x[i] * x[i]; syy += y[i + lag] * y[i + lag]; sxy += x[i] * y[i + lag];
    }
    const double cov = sxy / m - sx / m * sy / m;
    return cov / std::sqrt((sxx / m - sx / m * sx / m) * (syy / m - sy / m * sy / m));
  };
  // Under independence the sample correlation has SE 1/sqrt(n).
  EXPECT_NEAR(correlation(event, dropout, 0), 0.0, 4.0 / std::sqrt(n));
  EXPECT_NEAR(correlation(event, event, 1), 0.0, 4.0 / std::sqrt(n));
}
