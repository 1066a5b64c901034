/// @file
/// @brief Unit tests for the weighted log-rank sweeps of src/stats/survival_sweep.hpp:
/// fh_logrank_sweep() (Fleming-Harrington FH(rho, gamma)) and maxcombo_sweep().
///
/// References: R 4.2.2, survival 3.5-3 (Debian r-cran-survival) and mvtnorm 1.1-3
/// (r-cran-mvtnorm), on the NCCTG lung data shipped with survival, embedded in survival_rows.hpp.
/// survdiff() gives FH(rho, 0); for gamma > 0 and the MaxCombo correlation, no published
/// value on fixed data was found (simtrial's and nph's examples run on data simulated with
/// R's random numbers), so the reference is a plain R computation from survfit()'s pooled
/// curve, checked against survdiff() where both apply, and the test also holds the sweep
/// against a plain in-memory implementation here and its type I error by simulation.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "rebatched_source.hpp"
#include "stats/mvnormal.hpp"
#include "stats/survival_source.hpp"
#include "stats/survival_sweep.hpp"
#include "survival_rows.hpp"

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Random trial with ties (one decimal), about a third censored, a third group (2) that
/// every two-group test skips, and strata; raw 64-bit engine, so the data do not depend
/// on the standard library's distributions.
Rows random_rows(std::uint64_t seed, std::size_t n, int strata, double hr = 0.7) {
  std::mt19937_64 engine(seed);
  const auto uniform = [&] { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1p-53; };
  Rows r;
  for (std::size_t i = 0; i < n; ++i) {
    const int g = static_cast<int>(engine() % 3);
    const int s = static_cast<int>(engine() % static_cast<std::uint64_t>(strata));
    const double hazard = (g == 1 ? hr : 1.0) * (1.0 + 0.3 * s);
    const double t = std::round(-std::log(uniform()) / hazard * 10.0) / 10.0;
    r.add(t, uniform() < 0.67 ? 1 : 0, g, s);
  }
  return r;
}

class SmallBatches final : public RebatchedSource {
 public:
  explicit SmallBatches(const SurvivalSource& inner) : RebatchedSource(inner, {7}) {}
};

/// A plain in-memory FH computation, written independently of the sweep: for each
/// stratum and each distinct event time, count who is at risk by scanning all rows, and
/// keep the pooled Kaplan-Meier product of the earlier event times. Returns U (J) and
/// Cov(U) (J x J).
std::pair<std::vector<double>, std::vector<double>> plain_fh(
    const Rows& rows, const std::vector<std::pair<double, double>>& rg, double cut) {
  const std::size_t nw = rg.size();
  std::vector<double> u(nw, 0.0);
  std::vector<double> cov(nw * nw, 0.0);
  std::map<int, std::vector<std::size_t>> by_stratum;
  for (std::size_t i = 0; i < rows.time.size(); ++i) {
    if (rows.group[i] == 0 || rows.group[i] == 1) by_stratum[rows.stratum[i]].push_back(i);
  }
  for (const auto& [id, idx] : by_stratum) {
    std::vector<double> times;
    for (std::size_t i : idx) {
      if (rows.event[i] == 1 && rows.time[i] <= cut) times.push_back(rows.time[i]);
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    double km = 1.0;
    for (double t : times) {
      double n = 0, n1 = 0, d = 0, d1 = 0;
      for (std::size_t i : idx) {
        const double ti = std::min(rows.time[i], cut);
        if (ti < t) continue;
        n += 1;
        n1 += rows.group[i] == 1;
        if (ti == t && rows.event[i] == 1 && rows.time[i] <= cut) {
          d += 1;
          d1 += rows.group[i] == 1;
        }
      }
      const double v = n > 1 ? d * n1 * (n - n1) * (n - d) / (n * n * (n - 1)) : 0.0;
      for (std::size_t a = 0; a < nw; ++a) {
        const double wa = std::pow(km, rg[a].first) * std::pow(1 - km, rg[a].second);
        u[a] += wa * (d1 - d * n1 / n);
        for (std::size_t b = 0; b < nw; ++b) {
          const double wb = std::pow(km, rg[b].first) * std::pow(1 - km, rg[b].second);
          cov[a * nw + b] += wa * wb * v;
        }
      }
      km *= 1 - d / n;
    }
  }
  return {u, cov};
}

/// Z of logrank_sweep(): log(Peto HR) sqrt(V) = (O - E)/sqrt(V).
double logrank_z(const SurvivalSource& source, double cut = kInf) {
  const Estimate e = logrank_sweep(source, 0.05, cut);
  return std::log(e.effect) / e.se;
}

TEST(FhLogrank, FH00IsTheLogrankSweep) {
  const InMemorySurvival source = lung().source();
  const WeightedLogrank fh = fh_logrank_sweep(source, 0.0, 0.0, 0.025);
  EXPECT_NEAR(fh.z, logrank_z(source), 1e-12);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const Rows rows = random_rows(seed, 400, 3);
    const InMemorySurvival s = rows.source();
    const SmallBatches batches(s);
    for (double cut : {kInf, 1.5, 0.4}) {
      const WeightedLogrank w = fh_logrank_sweep(batches, 0.0, 0.0, 0.025, cut);
      EXPECT_NEAR(w.z, logrank_z(s, cut), 1e-12 * std::max(1.0, std::fabs(w.z))) << seed << " " << cut;
    }
    EXPECT_EQ(batches.forwards, 6);  // two walks each
  }
}

TEST(FhLogrank, MatchesSurvdiffOnLung) {
  // R: survdiff(Surv(time, status) ~ sex, data = lung, rho = r)$chisq, printed with
  // sprintf("%.15g"):
  //   rho = 0   -> 10.3267419548856   (print(): sex=2 O 53, E 73.4: fewer deaths, z < 0)
  //   rho = 1   -> 12.7141514011575   (print(): sex=2 O 28.7, E 43.5)
  //   rho = 0.5 -> 12.2506683372477
  const InMemorySurvival source = lung().source();
  const std::pair<double, double> cases[] = {
      {0.0, 10.3267419548856}, {1.0, 12.7141514011575}, {0.5, 12.2506683372477}};
  for (const auto& [rho, chisq] : cases) {
    const WeightedLogrank w = fh_logrank_sweep(source, rho, 0.0, 0.025);
    EXPECT_NEAR(w.z * w.z, chisq, 1e-8) << "rho " << rho;
    EXPECT_LT(w.z, 0.0);
    EXPECT_NEAR(w.p_two_sided, std::erfc(std::sqrt(chisq / 2.0)), 1e-12);
    EXPECT_NEAR(w.p_one_sided, w.p_two_sided / 2.0, 1e-15);
    EXPECT_TRUE(w.rejects);
  }
  // Swapping the groups flips the sign only.
  Rows swapped = lung();
  for (auto& g : swapped.group) g = static_cast<std::int8_t>(1 - g);
  const WeightedLogrank a = fh_logrank_sweep(source, 0.5, 0.5, 0.025);
  const WeightedLogrank b = fh_logrank_sweep(swapped.source(), 0.5, 0.5, 0.025);
  EXPECT_NEAR(a.z, -b.z, 1e-12);
  EXPECT_FALSE(b.rejects);
}

TEST(FhLogrank, StratifiedMatchesSurvdiff) {
  // R: survdiff(Surv(time, status) ~ sex + strata(ph.ecog), data = lung, rho = r)$chisq
  // (227 rows: the one with ph.ecog NA is dropped):
  //   rho = 0 -> 10.7950596334964, rho = 0.5 -> 13.1605327753755, rho = 1 -> 13.8577727533752
  // survdiff weights each stratum by its own pooled Kaplan-Meier curve.
  const InMemorySurvival source = lung(true).source();
  const std::pair<double, double> cases[] = {
      {0.0, 10.7950596334964}, {0.5, 13.1605327753755}, {1.0, 13.8577727533752}};
  for (const auto& [rho, chisq] : cases) {
    const WeightedLogrank w = fh_logrank_sweep(source, rho, 0.0, 0.025);
    EXPECT_NEAR(w.z * w.z, chisq, 1e-8) << "rho " << rho;
    EXPECT_LT(w.z, 0.0);
  }
  EXPECT_NEAR(fh_logrank_sweep(source, 0.0, 0.0, 0.025).z, logrank_z(source), 1e-12);
}

// The R computation of FH(rho, gamma) used for gamma > 0 (its rho = 1, gamma = 0 value,
// z^2 = 12.7141514011576, is survdiff's 12.7141514011575 above):
//   fh <- function(time, status, g, rho, gamma) {
//     ev <- status == 2; tt <- sort(unique(time[ev]))
//     fit <- survfit(Surv(time, status) ~ 1); S <- fit$surv[match(tt, fit$time)]
//     Sm <- c(1, head(S, -1)); w <- Sm^rho * (1 - Sm)^gamma
//     n1 <- sapply(tt, function(t) sum(g == 1 & time >= t))
//     n <- sapply(tt, function(t) sum(time >= t))
//     d1 <- sapply(tt, function(t) sum(g == 1 & time == t & ev))
//     dd <- sapply(tt, function(t) sum(time == t & ev))
//     v <- dd * (n1/n) * (1 - n1/n) * (n - dd) / pmax(n - 1, 1)
//     list(w = w, e = d1 - dd*n1/n, v = v) }
//   g <- as.integer(lung$sex == 2); p <- fh(lung$time, lung$status, g, rho, gamma)
//   U <- sum(p$w*p$e); V <- sum(p$w^2*p$v); z <- U/sqrt(V)
// printed with sprintf("%.15g"):
//   FH(0,0):     U = -20.4182609704272 V = 40.3714339796426 z = -3.21352484896035
//   FH(0,0.5):   U = -9.84717870478972 V = 16.1151135042761 z = -2.45298637031746
//   FH(0.5,0):   U = -17.2382173447752 V = 24.2563204753666 z = -3.50009547544745
//   FH(0.5,0.5): U = -7.84195812678021 V = 7.01323780840586 z = -2.96118292382221
//   FH(1,0):     U = -14.806456822968  V = 17.2430826669607 z = -3.56569087291055
//   FH(0,1):     U = -5.61180414745924 V = 9.10187569587019 z = -1.86010326758789
//   FH(1,1):     U = -3.29738152308637 V = 1.41853004046513 z = -2.7685344459842
struct FhReference {
  double rho, gamma, u, v, z;
};
constexpr FhReference kLungFh[] = {
    {0.0, 0.0, -20.4182609704272, 40.3714339796426, -3.21352484896035},
    {0.0, 0.5, -9.84717870478972, 16.1151135042761, -2.45298637031746},
    {0.5, 0.0, -17.2382173447752, 24.2563204753666, -3.50009547544745},
    {0.5, 0.5, -7.84195812678021, 7.01323780840586, -2.96118292382221},
    {1.0, 0.0, -14.806456822968, 17.2430826669607, -3.56569087291055},
    {0.0, 1.0, -5.61180414745924, 9.10187569587019, -1.86010326758789},
    {1.0, 1.0, -3.29738152308637, 1.41853004046513, -2.7685344459842},
};

TEST(FhLogrank, GammaWeightsMatchR) {
  const InMemorySurvival source = lung().source();
  for (const FhReference& r : kLungFh) {
    const WeightedLogrank w = fh_logrank_sweep(source, r.rho, r.gamma, 0.025);
    EXPECT_NEAR(w.score, r.u, 1e-12 * std::fabs(r.u)) << r.rho << " " << r.gamma;
    EXPECT_NEAR(w.variance, r.v, 1e-12 * r.v) << r.rho << " " << r.gamma;
    EXPECT_NEAR(w.z, r.z, 1e-12) << r.rho << " " << r.gamma;
  }
}

TEST(MaxCombo, LungDefaultCombinationMatchesR) {
  // R, continuing the computation above with the four default pairs:
  //   C[i, j] <- sum(p_i$w * p_j$w * p_i$v); R <- cov2cor(C); zmax <- max(-z)
  //   1 - pmvnorm(lower = rep(-Inf, 4), upper = rep(zmax, 4), corr = R,
  //               algorithm = GenzBretz(maxpts = 1e7, abseps = 1e-10, releps = 0))
  //   -> 0.00047108015414421, attr(, "error") 4.46203670435242e-06
  // print(R, digits = 15):
  //   1.000000000000000 0.932107776015756 0.970940249519546 0.967486667936670
  //   0.932107776015756 1.000000000000000 0.823402562712188 0.961490402375950
  //   0.970940249519546 0.823402562712188 1.000000000000000 0.917663190285376
  //   0.967486667936670 0.961490402375950 0.917663190285376 1.000000000000000
  // zmax = 3.50009547544745 (FH(0.5, 0)).
  const double r_ref[] = {1.0, 0.932107776015756, 0.970940249519546, 0.967486667936670,
                          0.932107776015756, 1.0, 0.823402562712188, 0.961490402375950,
                          0.970940249519546, 0.823402562712188, 1.0, 0.917663190285376,
                          0.967486667936670, 0.961490402375950, 0.917663190285376, 1.0};
  const InMemorySurvival source = lung().source();
  const MaxCombo m = maxcombo_sweep(source, kMaxComboDefault, 0.025);
  ASSERT_EQ(m.tests.size(), 4u);
  for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(m.tests[j].z, kLungFh[j].z, 1e-12);
  ASSERT_EQ(m.correlation.size(), 16u);
  for (std::size_t i = 0; i < 16; ++i) EXPECT_NEAR(m.correlation[i], r_ref[i], 1e-13) << i;
  EXPECT_NEAR(m.statistic, 3.50009547544745, 1e-12);
  // Both are lattice estimates: R's within its 4.5e-6, ours within its own error.
  EXPECT_NEAR(m.p, 0.00047108015414421, 4.5e-6 + m.p_error);
  EXPECT_LE(m.p_error, 1e-4);
  EXPECT_TRUE(m.rejects);
  // The maximum of correlated tests is less significant than its best single test, and
  // more than Bonferroni's bound.
  EXPECT_GT(m.p, m.tests[2].p_one_sided);
  EXPECT_LT(m.p, 4.0 * m.tests[2].p_one_sided);
}

TEST(MaxCombo, TwoTestsAreExact) {
  // R, as above with FH(0, 0) and FH(0, 1):
  //   R2 <- cov2cor(C2); zmax2 <- max(-z)
  //   1 - pmvnorm(lower = c(-Inf, -Inf), upper = rep(zmax2, 2), corr = R2)
  //   -> r12 0.840680223222447, zmax 3.21352484896035, p 0.00110993933047177
  // (bivariate pmvnorm is Genz's BVN, exact to rounding).
  const std::pair<double, double> rg[] = {{0.0, 0.0}, {0.0, 1.0}};
  const MaxCombo m = maxcombo_sweep(lung().source(), rg, 0.025);
  EXPECT_NEAR(m.correlation[1], 0.840680223222447, 1e-13);
  EXPECT_EQ(m.correlation[1], m.correlation[2]);
  EXPECT_NEAR(m.statistic, 3.21352484896035, 1e-12);
  EXPECT_NEAR(m.p, 0.00110993933047177, 1e-14);
  EXPECT_EQ(m.p_error, 0.0);
  // The p-value and the critical value of the same correlation agree: the one-sided
  // critical value at level p is the statistic.
  EXPECT_NEAR(mvn_critical_value(m.correlation, m.p, MvnTail::kOneSided), m.statistic, 1e-7);
  // One test: the MaxCombo p is that test's one-sided p.
  const std::pair<double, double> one[] = {{0.5, 0.5}};
  const MaxCombo single = maxcombo_sweep(lung().source(), one, 0.025);
  EXPECT_NEAR(single.p, single.tests[0].p_one_sided, 1e-16);
}

TEST(MaxCombo, SweepMatchesAPlainImplementation) {
  const std::vector<std::pair<double, double>> rg{{0, 0}, {0, 0.5}, {0.5, 0}, {0.5, 0.5}, {1, 1}, {2, 0.3}};
  for (std::uint64_t seed : {11u, 12u}) {
    const Rows rows = random_rows(seed, 300, 3);
    const InMemorySurvival s = rows.source();
    const SmallBatches batches(s);
    for (double cut : {kInf, 0.8}) {
      const MaxCombo m = maxcombo_sweep(batches, rg, 0.025, cut);
      const auto [u, cov] = plain_fh(rows, rg, cut);
      const std::size_t nw = rg.size();
      for (std::size_t i = 0; i < nw; ++i) {
        EXPECT_NEAR(m.tests[i].score, u[i], 1e-12 * std::max(1.0, std::fabs(u[i])));
        EXPECT_NEAR(m.tests[i].variance, cov[i * nw + i], 1e-12 * cov[i * nw + i]);
        for (std::size_t j = 0; j < nw; ++j) {
          const double r = cov[i * nw + j] / std::sqrt(cov[i * nw + i] * cov[j * nw + j]);
          EXPECT_NEAR(m.correlation[i * nw + j], r, 1e-12) << i << " " << j;
        }
      }
    }
    EXPECT_EQ(batches.forwards, 4);
  }
}

TEST(MaxCombo, TypeOneErrorUnderTheNull) {
  // 800 trials of 120 patients, one arm each half, the same exponential hazard in both,
  // uniform censoring: the one-sided 5% MaxCombo test rejects in 5% of them, within 4
  // Monte Carlo standard errors (sqrt(0.05 * 0.95 / 800) = 0.0077). Fixed seed.
  std::mt19937_64 engine(20260314);
  const auto uniform = [&] { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1p-53; };
  const int trials = 800;
  int rejected = 0;
  int rejected_logrank = 0;
  for (int k = 0; k < trials; ++k) {
    Rows rows;
    for (int i = 0; i < 120; ++i) {
      const double t = -std::log(uniform());
      const double c = 3.0 * uniform();
      rows.add(std::min(t, c), t <= c ? 1 : 0, i % 2);
    }
    const MaxCombo m = maxcombo_sweep(rows.source(), kMaxComboDefault, 0.05);
    rejected += m.rejects;
    rejected_logrank += m.tests[0].rejects;
  }
  RecordProperty("maxcombo_rejections", rejected);
  RecordProperty("logrank_rejections", rejected_logrank);
  const double se = std::sqrt(0.05 * 0.95 / trials);
  EXPECT_NEAR(static_cast<double>(rejected) / trials, 0.05, 4.0 * se) << rejected;
  EXPECT_NEAR(static_cast<double>(rejected_logrank) / trials, 0.05, 4.0 * se) << rejected_logrank;
}

TEST(MaxCombo, UninformativeAndInvalidInput) {
  Rows one_arm;
  one_arm.add(1.0, 1, 0);
  one_arm.add(2.0, 1, 0);
  const InMemorySurvival s = one_arm.source();
  const WeightedLogrank w = fh_logrank_sweep(s, 0.0, 0.0, 0.05);
  EXPECT_TRUE(std::isnan(w.z));
  EXPECT_TRUE(std::isnan(w.p_one_sided));
  EXPECT_FALSE(w.rejects);
  const MaxCombo m = maxcombo_sweep(s, kMaxComboDefault, 0.05);
  EXPECT_TRUE(std::isnan(m.p));
  EXPECT_FALSE(m.rejects);

  const InMemorySurvival l = lung().source();
  EXPECT_THROW(fh_logrank_sweep(l, -0.5, 0.0, 0.05), std::invalid_argument);
  EXPECT_THROW(fh_logrank_sweep(l, 0.0, kInf, 0.05), std::invalid_argument);
  EXPECT_THROW(fh_logrank_sweep(l, 0.0, 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(fh_logrank_sweep(l, 0.0, 0.0, 0.05, -1.0), std::invalid_argument);
  EXPECT_THROW(maxcombo_sweep(l, std::span<const std::pair<double, double>>{}, 0.05), std::invalid_argument);
  // A repeated pair gives a singular correlation, which the probability allows.
  const std::pair<double, double> twice[] = {{0.0, 0.5}, {0.0, 0.5}, {0.5, 0.0}};
  const MaxCombo d = maxcombo_sweep(l, twice, 0.05);
  EXPECT_EQ(d.correlation[1], 1.0);
  const std::pair<double, double> once[] = {{0.0, 0.5}, {0.5, 0.0}};
  EXPECT_NEAR(d.p, maxcombo_sweep(l, once, 0.05).p, 1e-5);
}

}  // namespace
}  // namespace silico::stats
