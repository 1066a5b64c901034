/// @file
/// @brief Unit tests for src/stats/multiplicity: Bonferroni, Holm, Hochberg, the graphical
/// approach of Bretz et al. (Stat Med 2009;28:586-604), and operating characteristics of a
/// multiple test over replicates.
///
/// Checked against: hand computations shown in the comments (R p.adjust's formulas on a
/// fixed p-vector; weighted Bonferroni and Holm; graphs updated step by step); the value
/// graphicalMCP prints in its README for Bretz et al.'s (2011) parallel gatekeeping graph;
/// the special cases Holm = complete graph and Bonferroni = empty graph (also weighted);
/// and an independent brute-force closed test (weighted Bonferroni on each of the 2^m - 1
/// intersections) on pseudo-random graphs, which the shortcut must reproduce.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "stats/multiplicity.hpp"
#include "stats/mvnormal.hpp"

namespace silico::stats {
namespace {

constexpr double kTight = 1e-15;

void expect_result(const MultipleTestResult& result, const std::vector<bool>& rejected,
                   const std::vector<double>& adjusted, double tolerance = kTight) {
  ASSERT_EQ(result.rejected.size(), rejected.size());
  ASSERT_EQ(result.adjusted_p.size(), adjusted.size());
  for (std::size_t i = 0; i < rejected.size(); ++i) {
    EXPECT_EQ(result.rejected[i], rejected[i]) << "hypothesis " << i;
    EXPECT_NEAR(result.adjusted_p[i], adjusted[i], tolerance) << "hypothesis " << i;
  }
}

/// splitmix64 (Steele, Lea & Flood 2014): a fixed, portable stream of test inputs.
struct Stream {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// ---------------------------------------------------------------------------------------
// Bonferroni, Holm, Hochberg on a fixed p-vector (hand computation with R p.adjust's
// formulas: bonferroni pmin(1, n p); holm pmin(1, cummax((n - i + 1) p[o])) over the
// increasing order o; hochberg pmin(1, cummin((n - i + 1) p[o])) over the decreasing one).
//
//   p = (0.01, 0.04, 0.03, 0.005), m = 4; increasing order H4 0.005, H1 0.01, H3 0.03,
//   H2 0.04.
//   Bonferroni: 4 p = (0.04, 0.16, 0.12, 0.02).
//   Holm:  step 1 H4 4 x 0.005 = 0.02; step 2 H1 3 x 0.01 = 0.03; step 3 H3 2 x 0.03 = 0.06;
//          step 4 H2 1 x 0.04 = 0.04 -> running max 0.02, 0.03, 0.06, 0.06:
//          adjusted (H1, H2, H3, H4) = (0.03, 0.06, 0.06, 0.02).
//          At alpha = 0.05: H4 0.005 <= 0.05/4, H1 0.01 <= 0.05/3, H3 0.03 > 0.05/2: stop.
//   Hochberg: from the largest: H2 1 x 0.04 = 0.04; H3 min(0.04, 2 x 0.03) = 0.04;
//          H1 min(0.04, 3 x 0.01) = 0.03; H4 min(0.03, 4 x 0.005) = 0.02:
//          adjusted (0.03, 0.04, 0.04, 0.02). At alpha = 0.05 the largest p, 0.04 <= 0.05,
//          already passes its step-up bound alpha/1, so all four are rejected.
// ---------------------------------------------------------------------------------------
const std::vector<double> kP4 = {0.01, 0.04, 0.03, 0.005};

TEST(Multiplicity, BonferroniOnAFixedVector) {
  expect_result(bonferroni(kP4, 0.05), {true, false, false, true}, {0.04, 0.16, 0.12, 0.02});
}

TEST(Multiplicity, HolmOnAFixedVector) {
  expect_result(holm(kP4, 0.05), {true, false, false, true}, {0.03, 0.06, 0.06, 0.02});
  // At alpha = 0.02 only H4 (4 x 0.005 = 0.02 <= 0.02, the bound reached exactly).
  expect_result(holm(kP4, 0.02), {false, false, false, true}, {0.03, 0.06, 0.06, 0.02});
}

TEST(Multiplicity, HochbergOnAFixedVector) {
  expect_result(hochberg(kP4, 0.05), {true, true, true, true}, {0.03, 0.04, 0.04, 0.02});
  // At alpha = 0.035: H2 0.04 > 0.035, H3 2 x 0.03 > 0.035, H1 3 x 0.01 <= 0.035: H1, H4.
  expect_result(hochberg(kP4, 0.035), {true, false, false, true}, {0.03, 0.04, 0.04, 0.02});
}

TEST(Multiplicity, AdjustedPValuesAreCappedAtOne) {
  const std::vector<double> p = {0.5, 0.9, 0.3};
  // 3 p = (1.5, 2.7, 0.9); Holm: 0.9, then 2 x 0.5 = 1, then 0.9 -> (1, 1, 0.9).
  expect_result(bonferroni(p, 0.05), {false, false, false}, {1.0, 1.0, 0.9});
  expect_result(holm(p, 0.05), {false, false, false}, {1.0, 1.0, 0.9});
  // Hochberg: 0.9; min(0.9, 2 x 0.5) = 0.9; min(0.9, 3 x 0.3) = 0.9.
  expect_result(hochberg(p, 0.05), {false, false, false}, {0.9, 0.9, 0.9});
}

TEST(Multiplicity, TiesKeepTheAdjustedValuesEqual) {
  // p = (0.02, 0.02, 0.01): Holm 3 x 0.01 = 0.03, 2 x 0.02 = 0.04, max(0.04, 0.02) = 0.04;
  // Hochberg 0.02, min(0.02, 0.04) = 0.02, min(0.02, 0.03) = 0.02.
  const std::vector<double> p = {0.02, 0.02, 0.01};
  expect_result(holm(p, 0.05), {true, true, true}, {0.04, 0.04, 0.03});
  expect_result(hochberg(p, 0.05), {true, true, true}, {0.02, 0.02, 0.02});
}

// Weighted Bonferroni and Holm, by hand. w = (0.5, 0.3, 0.2).
//   p = (0.02, 0.01, 0.012): p / w = (0.04, 0.0333..., 0.06).
//   Bonferroni: levels w alpha = (0.025, 0.015, 0.010) at alpha = 0.05: H1, H2 rejected;
//     adjusted = p / w.
//   Holm: order H2, H1, H3 with remaining weights 1, 0.7, 0.2:
//     H2 (0.01 / 0.3) x 1 = 1/30; H1 0.04 x 0.7 = 0.028 -> 1/30; H3 0.06 x 0.2 = 0.012 -> 1/30.
//   p = (0.03, 0.01, 0.04): p / w = (0.06, 1/30, 0.2); Holm H2 1/30, H1 0.06 x 0.7 = 0.042,
//     H3 0.2 x 0.2 = 0.04 -> 0.042. At alpha = 0.04: H2 0.01 <= 0.04 x 0.3 = 0.012 is
//     rejected; H1 0.03 > 0.04 x 0.5 / 0.7 = 0.02857: stop, so H3 is not rejected although
//     its own step, 0.04 x 0.2 / 0.2 = 0.04 >= 0.04, would pass.
const std::vector<double> kW3 = {0.5, 0.3, 0.2};

TEST(Multiplicity, WeightedBonferroni) {
  const std::vector<double> p = {0.02, 0.01, 0.012};
  expect_result(bonferroni(p, 0.05, kW3), {true, true, false}, {0.04, 0.01 / 0.3, 0.06});
}

TEST(Multiplicity, WeightedHolm) {
  expect_result(holm(std::vector<double>{0.02, 0.01, 0.012}, 0.05, kW3), {true, true, true},
                {1.0 / 30.0, 1.0 / 30.0, 1.0 / 30.0}, 1e-15);
  expect_result(holm(std::vector<double>{0.03, 0.01, 0.04}, 0.04, kW3), {false, true, false},
                {0.042, 1.0 / 30.0, 0.042}, 1e-15);
}

TEST(Multiplicity, ZeroWeightIsNeverRejected) {
  const std::vector<double> w = {0.5, 0.5, 0.0};
  const std::vector<double> p = {0.001, 0.001, 0.0};
  expect_result(bonferroni(p, 0.05, w), {true, true, false}, {0.002, 0.002, 1.0});
  // Holm: H1 0.002 x 1, H2 0.002 x 0.5 = 0.001 -> 0.002, H3 never (its p / w is infinite).
  expect_result(holm(p, 0.05, w), {true, true, false}, {0.002, 0.002, 1.0});
}

TEST(Multiplicity, EqualWeightsGivenExplicitlyAgreeWithTheDefault) {
  const std::vector<double> w(4, 0.25);
  const MultipleTestResult given = holm(kP4, 0.05, w);
  expect_result(given, holm(kP4, 0.05).rejected, holm(kP4, 0.05).adjusted_p, 1e-16);
}

TEST(Multiplicity, InvalidInputsThrow) {
  const std::vector<double> none;
  EXPECT_THROW(bonferroni(none, 0.05), std::invalid_argument);
  EXPECT_THROW(holm(kP4, 0.0), std::invalid_argument);
  EXPECT_THROW(hochberg(kP4, 1.0), std::invalid_argument);
  EXPECT_THROW(holm(std::vector<double>{0.1, 1.5}, 0.05), std::invalid_argument);
  EXPECT_THROW(hochberg(std::vector<double>{0.1, -0.1}, 0.05), std::invalid_argument);
  EXPECT_THROW(bonferroni(std::vector<double>{0.1, std::nan("")}, 0.05), std::invalid_argument);
  // Weights: wrong length, not summing to 1, negative.
  EXPECT_THROW(holm(kP4, 0.05, std::vector<double>{0.5, 0.5}), std::invalid_argument);
  EXPECT_THROW(holm(kP4, 0.05, std::vector<double>{0.3, 0.3, 0.3, 0.3}), std::invalid_argument);
  EXPECT_THROW(bonferroni(kP4, 0.05, std::vector<double>{0.6, 0.6, -0.1, -0.1}),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// The graphical approach.
// ---------------------------------------------------------------------------------------

/// Bretz et al. (Biom J 2011;53:894-913) Figure 1: two primary hypotheses H1, H2 with
/// weight 1/2 each, each passing all of its level to its secondary (H1 -> H3, H2 -> H4),
/// each secondary passing it on to the other primary (H3 -> H2, H4 -> H1).
MultiplicityGraph parallel_gatekeeping() {
  return {{0.5, 0.5, 0.0, 0.0}, {{0, 0, 1, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}, {1, 0, 0, 0}}};
}

TEST(MultiplicityGraphical, ParallelGatekeepingAsPrintedByGraphicalMCP) {
  // graphicalMCP README (https://github.com/Gilead-BioStats/graphicalMCP, README.md,
  // "Test hypotheses"):
  //   test_graph(g_dose, p = c(.01, .02, .03, .05), alpha = .05, test_types = "b",
  //              groups = list(1:4))
  // prints the global test summary
  //   A1 0.02 TRUE, A2 0.04 TRUE, B1 0.06 FALSE, B2 0.06 FALSE
  // (a closed test with weighted Bonferroni tests, which the shortcut equals). By hand:
  //   step 1 w = (.5, .5, 0, 0): p / w = (.02, .04, inf, inf) -> H1 0.02; H1's level goes to
  //     H3 (w3 = .5) and the edge H4 -> H1 -> H3 becomes g43 = 1.
  //   step 2 w = (-, .5, .5, 0): H2 .04 -> 0.04; its level to H4 (w4 = .5), g34 = 1.
  //   step 3 w = (-, -, .5, .5): H3 .03/.5 = .06, H4 .05/.5 = .1 -> H3 0.06; w4 = 1.
  //   step 4 H4 .05/1 = .05 -> max(.06, .05) = 0.06.
  const std::vector<double> p = {0.01, 0.02, 0.03, 0.05};
  expect_result(graphical_test(parallel_gatekeeping(), p, 0.05), {true, true, false, false},
                {0.02, 0.04, 0.06, 0.06});
}

TEST(MultiplicityGraphical, SuccessiveGraphByHand) {
  // The graph and p-values of graphicalMCP's vignette "shortcut-testing"
  // (https://rdrr.io/cran/graphicalMCP/src/inst/doc/shortcut-testing.R):
  //   hypotheses <- c(0.5, 0.5, 0, 0)
  //   transitions <- rbind(c(0, 0.5, 0.5, 0), c(0.5, 0, 0, 0.5), c(0, 1, 0, 0), c(1, 0, 0, 0))
  //   graph_test_shortcut(g, p = c(0.018, 0.01, 0.105, 0.006), alpha = 0.025)
  // Its printed output was not found, so here by hand (Bretz et al. 2009 updates):
  //   step 1 p / w = (.036, .02, inf, inf): H2 adjusted 0.02. Remove H2:
  //     w1 = .5 + .5 x .5 = .75, w4 = 0 + .5 x .5 = .25;
  //     g13 = (.5 + .5 x 0) / (1 - .5 x .5) = 2/3, g14 = (0 + .5 x .5) / .75 = 1/3;
  //     g31 = (0 + 1 x .5) / (1 - 1 x 0) = .5, g34 = (0 + 1 x .5) / 1 = .5; g41 = 1, g43 = 0.
  //   step 2 p / w = (.018/.75 = .024, -, inf, .006/.25 = .024): a tie, the lower index H1
  //     is taken, adjusted max(.02, .024) = 0.024. Remove H1: w3 = .75 x 2/3 = .5,
  //     w4 = .25 + .75 x 1/3 = .5; g34 = (.5 + .5 x 1/3) / (1 - .5 x 2/3) = 1,
  //     g43 = (0 + 1 x 2/3) / (1 - 1 x 1/3) = 1.
  //   step 3 p / w = (-, -, .21, .012): H4 adjusted max(.024, .012) = 0.024; w3 = 1.
  //   step 4 H3 .105 -> 0.105.
  // So adjusted (0.024, 0.02, 0.105, 0.024); at alpha = 0.025, H1, H2 and H4 are rejected.
  // Taking H4 first at step 2 gives the same values (H1 then has p / w = .018/.75 again).
  const MultiplicityGraph g{{0.5, 0.5, 0.0, 0.0},
                            {{0, 0.5, 0.5, 0}, {0.5, 0, 0, 0.5}, {0, 1, 0, 0}, {1, 0, 0, 0}}};
  const std::vector<double> p = {0.018, 0.01, 0.105, 0.006};
  expect_result(graphical_test(g, p, 0.025), {true, true, false, true}, {0.024, 0.02, 0.105, 0.024},
                1e-15);
}

TEST(MultiplicityGraphical, FixedSequence) {
  // w = (1, 0, 0), H1 -> H2 -> H3 with weight 1: each hypothesis is tested at the full alpha
  // once all before it are rejected; adjusted p_k = max(p_1, ..., p_k).
  const MultiplicityGraph g{{1, 0, 0}, {{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}};
  expect_result(graphical_test(g, std::vector<double>{0.01, 0.03, 0.02}, 0.05), {true, true, true},
                {0.01, 0.03, 0.03});
  // H1 not rejected: nothing else can be, whatever its p-value.
  expect_result(graphical_test(g, std::vector<double>{0.06, 0.001, 0.001}, 0.05),
                {false, false, false}, {0.06, 0.06, 0.06});
}

TEST(MultiplicityGraphical, MutualEdgesOfOneLeaveNoNaN) {
  // H1 <-> H2 pass everything to each other, H3 has neither weight nor incoming edge.
  // Removing H1 makes g23 = (0 + 1 x 0) / (1 - 1 x 1), 0/0, taken as 0.
  const MultiplicityGraph g{{0.5, 0.5, 0.0}, {{0, 1, 0}, {1, 0, 0}, {0.5, 0.5, 0}}};
  const MultipleTestResult r = graphical_test(g, std::vector<double>{0.01, 0.02, 0.0}, 0.05);
  expect_result(r, {true, true, false}, {0.02, 0.02, 1.0});
}

TEST(MultiplicityGraphical, WeightsBelowOneTestAtLessThanAlpha) {
  // w = (0.4, 0.4) with no edges: each is tested at 0.4 alpha = 0.02; adjusted p = p / 0.4.
  const MultiplicityGraph g{{0.4, 0.4}, {{0, 0}, {0, 0}}};
  expect_result(graphical_test(g, std::vector<double>{0.019, 0.03}, 0.05), {true, false},
                {0.0475, 0.075}, 1e-16);
}

/// Holm's graph: weights w and g_ij = w_j / sum_{k != i} w_k (equal weights: 1/(m - 1)).
MultiplicityGraph holm_graph(const std::vector<double>& w) {
  const std::size_t m = w.size();
  MultiplicityGraph g{w, std::vector<std::vector<double>>(m, std::vector<double>(m, 0.0))};
  for (std::size_t i = 0; i < m; ++i) {
    double others = 0.0;
    for (std::size_t k = 0; k < m; ++k) others += k == i ? 0.0 : w[k];
    for (std::size_t j = 0; j < m; ++j) g.transitions[i][j] = j == i ? 0.0 : w[j] / others;
  }
  return g;
}

std::vector<double> random_p(Stream& stream, std::size_t m) {
  std::vector<double> p(m);
  // Cubed uniforms: many small p-values, so that the procedures reject something.
  for (double& x : p) x = std::pow(stream.uniform(), 3.0);
  return p;
}

TEST(MultiplicityGraphical, HolmIsTheCompleteGraphWithEqualWeights) {
  Stream stream{20260312};
  for (std::size_t m = 2; m <= 6; ++m) {
    const MultiplicityGraph g = holm_graph(std::vector<double>(m, 1.0 / static_cast<double>(m)));
    for (int trial = 0; trial < 200; ++trial) {
      const std::vector<double> p = random_p(stream, m);
      for (double alpha : {0.01, 0.025, 0.05, 0.2}) {
        const MultipleTestResult expected = holm(p, alpha);
        expect_result(graphical_test(g, p, alpha), expected.rejected, expected.adjusted_p, 1e-14);
      }
    }
  }
  // And the fixed vector above, exactly as R p.adjust(p, "holm").
  expect_result(graphical_test(holm_graph(std::vector<double>(4, 0.25)), kP4, 0.05),
                {true, false, false, true}, {0.03, 0.06, 0.06, 0.02}, 1e-15);
}

TEST(MultiplicityGraphical, WeightedHolmIsTheWeightedCompleteGraph) {
  Stream stream{7};
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t m = 2 + trial % 4;
    std::vector<double> w(m);
    double sum = 0.0;
    for (double& x : w) sum += (x = 0.05 + stream.uniform());
    for (double& x : w) x /= sum;
    const std::vector<double> p = random_p(stream, m);
    const MultipleTestResult expected = holm(p, 0.05, w);
    // The weights sum to 1 only within rounding, well inside 1e-12.
    expect_result(graphical_test(holm_graph(w), p, 0.05), expected.rejected, expected.adjusted_p,
                  1e-13);
  }
}

TEST(MultiplicityGraphical, BonferroniIsTheEmptyGraph) {
  Stream stream{11};
  for (std::size_t m = 1; m <= 5; ++m) {
    const std::vector<std::vector<double>> zero(m, std::vector<double>(m, 0.0));
    for (int trial = 0; trial < 100; ++trial) {
      const std::vector<double> p = random_p(stream, m);
      const MultipleTestResult equal = bonferroni(p, 0.05);
      expect_result(
          graphical_test({std::vector<double>(m, 1.0 / static_cast<double>(m)), zero}, p, 0.05),
          equal.rejected, equal.adjusted_p, 1e-15);
      std::vector<double> w(m);
      double sum = 0.0;
      for (double& x : w) sum += (x = stream.uniform());
      for (double& x : w) x /= sum;
      const MultipleTestResult weighted = bonferroni(p, 0.05, w);
      expect_result(graphical_test({w, zero}, p, 0.05), weighted.rejected, weighted.adjusted_p,
                    0.0);
    }
  }
}

/// Weights of the intersection hypothesis H_J: the initial graph with every hypothesis
/// outside J removed one by one (Bretz et al. 2011, Algorithm 1; any order gives the same).
std::vector<double> intersection_weights(const MultiplicityGraph& graph, unsigned mask) {
  const std::size_t m = graph.weights.size();
  std::vector<double> w = graph.weights;
  std::vector<std::vector<double>> g = graph.transitions;
  std::vector<bool> in(m, true);
  for (std::size_t j = 0; j < m; ++j) {
    if (mask & (1u << j)) continue;
    in[j] = false;
    std::vector<std::vector<double>> h(m, std::vector<double>(m, 0.0));
    for (std::size_t l = 0; l < m; ++l) {
      if (!in[l]) continue;
      w[l] += w[j] * g[j][l];
      for (std::size_t k = 0; k < m; ++k) {
        if (!in[k] || k == l) continue;
        const double d = 1.0 - g[l][j] * g[j][l];
        h[l][k] = d > 0.0 ? (g[l][k] + g[l][j] * g[j][k]) / d : 0.0;
      }
    }
    w[j] = 0.0;
    g = h;
  }
  return w;
}

TEST(MultiplicityGraphical, ShortcutEqualsTheBruteForceClosedTest) {
  // Closed test with weighted Bonferroni tests of every intersection H_J, J nonempty:
  //   p_J = min_{k in J} min(1, p_k / w_k(J)),  adjusted p_i = max_{J containing i} p_J,
  // and H_i is rejected when every H_J with i in J is (p_k <= w_k(J) alpha for some k in J).
  // Bretz et al. (2009) show the sequentially rejective shortcut gives exactly this.
  Stream stream{2009};
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t m = 2 + trial % 4;
    MultiplicityGraph graph{std::vector<double>(m),
                            std::vector<std::vector<double>>(m, std::vector<double>(m, 0.0))};
    double total = 0.0;
    for (double& x : graph.weights) total += (x = stream.uniform() < 0.3 ? 0.0 : stream.uniform());
    if (total == 0.0) graph.weights[0] = total = 1.0;
    const double scale = trial % 3 == 0 ? 0.9 : 1.0;  // some graphs with sum w < 1
    for (double& x : graph.weights) x *= scale / total;
    for (std::size_t i = 0; i < m; ++i) {
      double row = 0.0;
      for (std::size_t j = 0; j < m; ++j) {
        if (j != i)
          row += (graph.transitions[i][j] = stream.uniform() < 0.3 ? 0.0 : stream.uniform());
      }
      const double keep = trial % 5 == 0 ? 0.7 : 1.0;  // some rows with sum g < 1
      for (std::size_t j = 0; j < m; ++j) {
        if (row > 0.0) graph.transitions[i][j] *= keep / row;
      }
    }
    const std::vector<double> p = random_p(stream, m);
    const double alpha = 0.05;

    std::vector<double> adjusted(m, 0.0);
    std::vector<bool> rejected(m, true);
    for (unsigned mask = 1; mask < (1u << m); ++mask) {
      const std::vector<double> w = intersection_weights(graph, mask);
      double p_j = 1.0;
      bool reject_j = false;
      for (std::size_t k = 0; k < m; ++k) {
        if (!(mask & (1u << k))) continue;
        if (w[k] > 0.0) p_j = std::min(p_j, p[k] / w[k]);
        reject_j = reject_j || (w[k] > 0.0 && p[k] <= w[k] * alpha);
      }
      for (std::size_t i = 0; i < m; ++i) {
        if (!(mask & (1u << i))) continue;
        adjusted[i] = std::max(adjusted[i], p_j);
        rejected[i] = rejected[i] && reject_j;
      }
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    expect_result(graphical_test(graph, p, alpha), rejected, adjusted, 1e-13);
  }
}

TEST(MultiplicityGraphical, ValidationNamesWhatIsWrongAndWhere) {
  using Kind = GraphError::Kind;
  const auto expect_error = [](const MultiplicityGraph& g, Kind kind, std::size_t row,
                               std::size_t column, const std::string& words) {
    try {
      validate_graph(g);
      ADD_FAILURE() << "no error for " << words;
    } catch (const GraphError& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_EQ(e.row(), row) << e.what();
      EXPECT_EQ(e.column(), column) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  constexpr std::size_t kNone = GraphError::kNone;
  const std::vector<std::vector<double>> zero3(3, std::vector<double>(3, 0.0));
  expect_error({{}, {}}, Kind::kEmpty, kNone, kNone, "no hypothesis");
  expect_error({{0.5, 0.5}, {{0, 0}}}, Kind::kShape, kNone, kNone, "1 rows for 2");
  expect_error({{0.5, 0.5}, {{0, 0}, {0}}}, Kind::kShape, 1, kNone, "row 1");
  expect_error({{0.5, std::nan(""), 0}, zero3}, Kind::kWeightNotFinite, 1, kNone,
               "weight 1 is not finite");
  expect_error({{0.5, 0.6, -0.1}, zero3}, Kind::kWeightNegative, 2, kNone, "weight 2 is negative");
  expect_error({{0.5, 0.4, 0.2}, zero3}, Kind::kWeightsSumAboveOne, kNone, kNone,
               "weights sum to 1.1");
  expect_error(
      {{0.5, 0.5, 0}, {{0, 0, 0}, {0, 0, 0}, {std::numeric_limits<double>::infinity(), 0, 0}}},
      Kind::kTransitionNotFinite, 2, 0, "transition (2, 0)");
  expect_error({{0.5, 0.5, 0}, {{0, 1, 0}, {0, 0, 0}, {0, -0.5, 0}}}, Kind::kTransitionNegative, 2,
               1, "transition (2, 1) is negative");
  expect_error({{0.5, 0.5, 0}, {{0, 0.5, 0}, {0, 0.2, 0.5}, {0, 0, 0}}}, Kind::kDiagonalNonzero, 1,
               1, "diagonal");
  expect_error({{0.5, 0.5, 0}, {{0, 0.5, 0.5}, {0.6, 0, 0.5}, {0, 0, 0}}}, Kind::kRowSumAboveOne, 1,
               kNone, "row 1 of the transition matrix sums to 1.1");
  // Within the 1e-12 tolerance: accepted.
  EXPECT_NO_THROW(validate_graph({{0.5, 0.5 + 1e-13}, {{0, 1 + 1e-13}, {1, 0}}}));
  // Just beyond it: rejected.
  EXPECT_THROW(validate_graph({{0.5, 0.5 + 1e-11}, {{0, 1}, {1, 0}}}), GraphError);
  EXPECT_THROW(validate_graph({{0.5, 0.5}, {{0, 1 + 1e-11}, {1, 0}}}), GraphError);
  // graphical_test validates too; and GraphError is a std::invalid_argument.
  EXPECT_THROW(graphical_test({{0.7, 0.7}, {{0, 1}, {1, 0}}}, std::vector<double>{0.1, 0.1}, 0.05),
               std::invalid_argument);
  EXPECT_THROW(graphical_test(parallel_gatekeeping(), std::vector<double>{0.1, 0.1}, 0.05),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Operating characteristics over replicates.
// ---------------------------------------------------------------------------------------

TEST(MultiplicityOperating, HandExample) {
  // Five replicates of three hypotheses, H3 a true null:
  //   r0 T T F   r1 T F F   r2 F F T   r3 F F F   r4 T T T
  // Per hypothesis 3/5, 2/5, 2/5; any rejected in r0, r1, r2, r4: 4/5; all in r4: 1/5;
  // a true null (H3) rejected in r2, r4: 2/5. MCSE sqrt(p (1 - p) / 5):
  //   0.6, 0.4: sqrt(0.24 / 5) = 0.21908902300206645; 0.8, 0.2: sqrt(0.16 / 5) =
  //   0.17888543819998318.
  const std::vector<std::vector<bool>> d = {{true, true, false},
                                            {true, false, false},
                                            {false, false, true},
                                            {false, false, false},
                                            {true, true, true}};
  const MultiplicityOperating oc = multiplicity_operating(d, {false, false, true});
  const double se46 = std::sqrt(0.24 / 5.0);
  const double se28 = std::sqrt(0.16 / 5.0);
  EXPECT_EQ(oc.replicates, 5u);
  ASSERT_EQ(oc.rejection.size(), 3u);
  EXPECT_DOUBLE_EQ(oc.rejection[0].rate, 0.6);
  EXPECT_DOUBLE_EQ(oc.rejection[0].mcse, se46);
  EXPECT_DOUBLE_EQ(oc.rejection[1].rate, 0.4);
  EXPECT_DOUBLE_EQ(oc.rejection[1].mcse, se46);
  EXPECT_DOUBLE_EQ(oc.rejection[2].rate, 0.4);
  EXPECT_DOUBLE_EQ(oc.any.rate, 0.8);
  EXPECT_DOUBLE_EQ(oc.any.mcse, se28);
  EXPECT_DOUBLE_EQ(oc.all.rate, 0.2);
  EXPECT_DOUBLE_EQ(oc.all.mcse, se28);
  EXPECT_DOUBLE_EQ(oc.fwer.rate, 0.4);
  EXPECT_DOUBLE_EQ(oc.fwer.mcse, se46);
  EXPECT_NEAR(se46, 0.21908902300206645, 1e-16);
  EXPECT_NEAR(se28, 0.17888543819998318, 1e-16);

  // H1 and H3 true nulls: FWER from r0, r1, r2, r4 = 4/5.
  EXPECT_DOUBLE_EQ(multiplicity_operating(d, {true, false, true}).fwer.rate, 0.8);
  // No true null: no false rejection is possible.
  const MultiplicityOperating alt = multiplicity_operating(d, {false, false, false});
  EXPECT_EQ(alt.fwer.rate, 0.0);
  EXPECT_EQ(alt.fwer.mcse, 0.0);
}

TEST(MultiplicityOperating, EdgeCases) {
  const MultiplicityOperating empty = multiplicity_operating({}, {true, false});
  EXPECT_EQ(empty.replicates, 0u);
  EXPECT_TRUE(std::isnan(empty.any.rate));
  EXPECT_TRUE(std::isnan(empty.fwer.mcse));
  EXPECT_TRUE(std::isnan(empty.rejection[1].rate));
  EXPECT_THROW(multiplicity_operating({{true}}, {}), std::invalid_argument);
  EXPECT_THROW(multiplicity_operating({{true, false}, {true}}, {true, false}),
               std::invalid_argument);
}

TEST(MultiplicityOperating, GlobalNullFwerOfHolmIsAtMostAlpha) {
  // Under the global null with independent uniform p-values, Holm's FWER equals
  // Bonferroni's, 1 - (1 - alpha/m)^m = 0.04907... for m = 4, alpha = 0.05 (the first step
  // decides). 20000 replicates: within 4 MCSEs of it.
  Stream stream{42};
  const std::size_t m = 4;
  std::vector<std::vector<bool>> decisions;
  for (int r = 0; r < 20000; ++r) {
    std::vector<double> p(m);
    for (double& x : p) x = stream.uniform();
    decisions.push_back(holm(p, 0.05).rejected);
  }
  const MultiplicityOperating oc = multiplicity_operating(decisions, std::vector<bool>(m, true));
  const double exact = 1.0 - std::pow(1.0 - 0.05 / 4.0, 4.0);
  EXPECT_NEAR(oc.fwer.rate, exact, 4.0 * oc.fwer.mcse);
  EXPECT_DOUBLE_EQ(oc.fwer.rate, oc.any.rate);  // every hypothesis is a true null
}

}  // namespace
}  // namespace silico::stats

namespace {

TEST(Dunnett, CorrelationOfComparisonsWithASharedControl) {
  const std::vector<double> equal = silico::stats::dunnett_correlation(std::vector<double>{50, 50}, 50);
  EXPECT_EQ(equal, (std::vector<double>{1, 0.5, 0.5, 1}));
  // 100 and 25 treated against 50 controls: sqrt(100/150 * 25/75) = 0.4714045.
  const auto r = silico::stats::dunnett_correlation(std::vector<double>{100, 25}, 50);
  EXPECT_NEAR(r[1], std::sqrt(2.0 / 3 * 1.0 / 3), 1e-15);
  EXPECT_THROW(silico::stats::dunnett_correlation(std::vector<double>{10, 0}, 50), std::invalid_argument);
}

TEST(Dunnett, AdjustedPAtTheTabulatedCriticalValuesIsAlpha) {
  // Two comparisons, rho = 0.5: the two-sided 5 % critical value 2.212127746579 (R 4.2.2,
  // mvtnorm 1.1-3: uniroot of 1 - pmvnorm(-c, c, sigma = [[1, .5], [.5, 1]]) - 0.05 on
  // the exact bivariate probability; Dunnett 1955, Table: 2.21). Dimension 2 is computed
  // in closed form, so the adjusted p is 0.05 to the root's precision.
  const auto r2 = silico::stats::equicorrelated(2, 0.5);
  const std::vector<double> z2 = {2.212127746579, -1.0};
  const auto two = silico::stats::dunnett(z2, r2, 0.05);
  EXPECT_NEAR(two.adjusted_p[0], 0.05, 1e-9);
  EXPECT_TRUE(two.rejected[0]);
  EXPECT_FALSE(two.rejected[1]);
  // Three comparisons: Dunnett (1955) two-sided 5 %, df = infinity, k = 3: 2.35 (to the
  // table's 0.005, the adjusted p moves by about 0.15 * 0.005 = 0.00075).
  const auto r3 = silico::stats::equicorrelated(3, 0.5);
  const std::vector<double> z3 = {2.35, 0.0, std::nan("")};
  const auto three = silico::stats::dunnett(z3, r3, 0.05);
  EXPECT_NEAR(three.adjusted_p[0], 0.05, 0.001);
  EXPECT_GT(three.adjusted_p[1], 0.999);  // |z| = 0: nothing outside the box
  EXPECT_TRUE(std::isnan(three.adjusted_p[2]));
  EXPECT_FALSE(three.rejected[2]);
  // Against Bonferroni: less conservative (smaller adjusted p), never below the raw p.
  const double raw = std::erfc(2.35 / std::sqrt(2.0));
  EXPECT_LT(three.adjusted_p[0], 3 * raw);
  EXPECT_GT(three.adjusted_p[0], raw);
}

}  // namespace
