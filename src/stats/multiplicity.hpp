#pragma once
/// @file
/// @brief Multiplicity procedures for several hypotheses (arms, doses or endpoints) at a
/// familywise error rate alpha: Bonferroni and Holm (optionally weighted), Hochberg, the
/// graphical approach of Bretz, Maurer, Brannath & Posch (Stat Med 2009;28:586-604), and
/// the operating characteristics of any of them over replicate trials. Pure: no MPI, HDF5
/// or YAML.
///
/// Conventions: p-values are raw (unadjusted) and in [0, 1]; alpha is in (0, 1). Each
/// procedure returns, per hypothesis, whether it is rejected at alpha and its adjusted
/// p-value (the smallest alpha at which it would be rejected, capped at 1), so that
/// "rejected" is "adjusted p <= alpha" up to the rounding of p <= w alpha versus
/// p / w <= alpha at an exact tie. Invalid arguments throw std::invalid_argument (an
/// invalid graph throws GraphError, which is one, with what is wrong and where).
///
/// Why: a trial with several arms or endpoints declares success per hypothesis only after
/// a multiplicity adjustment, and its operating characteristics (power per hypothesis,
/// familywise error) are computed over simulated replicates of those decisions.

#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace silico::stats {

/// Decisions and adjusted p-values of a multiple test, one entry per hypothesis, in the
/// order of the p-values given.
struct MultipleTestResult {
  std::vector<bool> rejected;
  std::vector<double> adjusted_p;
};

/// (Weighted) Bonferroni test: reject H_i when p_i <= w_i alpha; adjusted p_i =
/// min(1, p_i / w_i) (1 when w_i = 0: that hypothesis is never rejected).
/// weights empty means equal weights 1/m, and then adjusted p_i = min(1, m p_i), as R
/// p.adjust(p, "bonferroni"). Otherwise weights has m entries, each finite >= 0, summing to
/// 1 within 1e-12. Why: the simplest FWER control, and the graph with G = 0.
MultipleTestResult bonferroni(std::span<const double> p, double alpha,
                              std::span<const double> weights = {});

/// (Weighted) Holm step-down test (Holm, Scand J Stat 1979;6:65-70). Hypotheses are taken
/// in increasing order of p_i / w_i; with I_k the hypotheses not yet rejected at step k,
/// the k-th is rejected when p_(k) <= alpha w_(k) / sum_{j in I_k} w_j, and testing stops
/// at the first one that is not. Adjusted p-values:
///   adjusted p_(k) = max_{j <= k} min(1, (p_(j) / w_(j)) sum_{l >= j} w_(l)),
/// which with equal weights is max_{j <= k} min(1, (m - j + 1) p_(j)), computed in that
/// form so as to equal R p.adjust(p, "holm"). Ties in p / w keep the input order (as R's
/// order()); the adjusted values do not depend on it. Zero-weight hypotheses are never
/// rejected (adjusted p 1). weights as for bonferroni(). Why: uniformly more powerful than
/// Bonferroni under the same assumptions (none); it is the graph with the complete
/// transitions g_ij = w_j / sum_{k != i} w_k.
MultipleTestResult holm(std::span<const double> p, double alpha,
                        std::span<const double> weights = {});

/// Hochberg step-up test (Hochberg, Biometrika 1988;75:800-802), equal weights. With
/// p_(1) <= ... <= p_(m), reject H_(1), ..., H_(k) for the largest k with
/// p_(k) <= alpha / (m - k + 1) (none if there is no such k). Adjusted p-values as R
/// p.adjust(p, "hochberg"):
///   adjusted p_(k) = min_{j >= k} min(1, (m - j + 1) p_(j)).
/// Why: more powerful than Holm, but it controls the FWER only under independence or
/// certain positive dependence of the p-values (Sarkar, Ann Stat 1998;26:494-504).
MultipleTestResult hochberg(std::span<const double> p, double alpha);

/// A graph of a graphical multiple test procedure (Bretz et al. 2009): initial hypothesis
/// weights w_i (alpha is split as w_i alpha) and a transition matrix G, g_ij the share of
/// H_i's level passed on to H_j once H_i is rejected.
/// Valid (else validate_graph() throws GraphError): m = weights.size() >= 1;
/// transitions is m rows of m entries; every weight and entry finite and >= 0;
/// sum_i w_i <= 1 and every row sum_j g_ij <= 1, each within 1e-12; g_ii = 0.
struct MultiplicityGraph {
  std::vector<double> weights;
  std::vector<std::vector<double>> transitions;  ///< transitions[i][j] = g_ij, row-major
};

/// The error of an invalid MultiplicityGraph: which rule is broken and where, so that a
/// reader of a trial specification can turn it into a located error. row() and column()
/// are the 0-based hypothesis indices involved, kNone when not applicable (e.g. the row
/// of a weight, both for the weights' sum).
class GraphError : public std::invalid_argument {
 public:
  enum class Kind {
    kEmpty,                ///< no hypothesis
    kShape,                ///< transitions not m x m: row() is the bad row, or kNone
    kWeightNotFinite,      ///< weights[row()] is NaN or infinite
    kWeightNegative,       ///< weights[row()] < 0
    kWeightsSumAboveOne,   ///< sum of the weights > 1 + 1e-12
    kTransitionNotFinite,  ///< transitions[row()][column()] is NaN or infinite
    kTransitionNegative,   ///< transitions[row()][column()] < 0
    kDiagonalNonzero,      ///< transitions[row()][row()] != 0
    kRowSumAboveOne,       ///< sum of transitions[row()] > 1 + 1e-12
  };
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

  GraphError(Kind kind, std::size_t row, std::size_t column, const std::string& message)
      : std::invalid_argument(message), kind_(kind), row_(row), column_(column) {}

  Kind kind() const noexcept { return kind_; }
  std::size_t row() const noexcept { return row_; }
  std::size_t column() const noexcept { return column_; }

 private:
  Kind kind_;
  std::size_t row_;
  std::size_t column_;
};

/// Throws GraphError for the first broken rule (in the order of GraphError::Kind, rows
/// before columns), with a message naming it, e.g. "multiplicity graph: row 2 of the
/// transition matrix sums to 1.5 > 1".
void validate_graph(const MultiplicityGraph& graph);

/// The sequentially rejective graphical procedure (Bretz et al. 2009, Algorithm 1), with
/// Bonferroni tests of the intersection hypotheses.
/// Rejection: while some non-rejected H_j has p_j <= w_j alpha, reject it and update, for
/// the remaining hypotheses l, k (l != k):
///   w_l <- w_l + w_j g_jl,
///   g_lk <- (g_lk + g_lj g_jk) / (1 - g_lj g_jl)   (0 when g_lj g_jl = 1),
/// and g_ll = 0. The set rejected does not depend on the order (shown in the paper).
/// Adjusted p-values (the algorithm of Bretz et al. 2009 for them): with pmax = 0,
/// repeat m times:
/// take the remaining j with the smallest p_j / w_j (+infinity when w_j = 0; ties to the
/// lowest index), set adjusted p_j = max(min(1, p_j / w_j), pmax), pmax = adjusted p_j,
/// remove j and update the graph as above. These are the adjusted p-values of R gMCP's
/// gMCP(graph, p)@adjPValues and graphicalMCP's graph_test_shortcut(graph, p), and of the
/// closed test with weighted Bonferroni tests of every intersection (tests/unit/
/// test_multiplicity.cpp checks a value graphicalMCP prints and a brute-force closure).
/// The graph is validated as validate_graph(); p has m entries. Why: gatekeeping,
/// fixed-sequence, fallback and Holm procedures, and trial-specific ones (several doses
/// and endpoints), are all graphs, each controlling the FWER strongly at alpha.
MultipleTestResult graphical_test(const MultiplicityGraph& graph, std::span<const double> p,
                                  double alpha);

/// A proportion over replicates with its Monte Carlo standard error sqrt(p (1 - p) / R).
struct RateWithMcse {
  double rate = 0.0;
  double mcse = 0.0;
};

/// Operating characteristics of a multiple test over R replicate trials.
struct MultiplicityOperating {
  std::size_t replicates = 0;
  std::vector<RateWithMcse> rejection;  ///< per hypothesis: share of replicates rejecting it
  RateWithMcse any;                     ///< at least one hypothesis rejected (disjunctive power)
  RateWithMcse all;                     ///< every hypothesis rejected (conjunctive power)
  RateWithMcse fwer;                    ///< at least one true null hypothesis rejected
};

/// decisions[r][i]: whether replicate r rejected H_i (R rows of m entries each, m =
/// true_null.size() >= 1, else std::invalid_argument); true_null[i]: whether H_i is true in
/// the simulated truth. Each rate is the share of the R replicates with that event and its
/// MCSE sqrt(rate (1 - rate) / R) (Morris, White & Crowther, Stat Med 2019;38:2074-2102,
/// Table 6). With no true null, fwer is 0 with MCSE 0 (no true null can be rejected).
/// With R = 0 every rate and MCSE is NaN.
/// Why: per-hypothesis power, disjunctive and conjunctive power, and the familywise error
/// rate, which the procedure must keep at or below alpha under any configuration of nulls.
MultiplicityOperating multiplicity_operating(const std::vector<std::vector<bool>>& decisions,
                                             const std::vector<bool>& true_null);

/// Correlation of k many-to-one comparisons with a shared control (Dunnett 1955): the
/// z statistics of arms i and j against the control correlate by
/// sqrt(lambda_i lambda_j), lambda_i = n_i / (n_i + n_0); 0.5 for equal arms. Returns the
/// k x k matrix, row-major. n_0 and every n_i > 0, else std::invalid_argument.
std::vector<double> dunnett_correlation(std::span<const double> treated_n, double control_n);

/// Dunnett's single-step many-to-one test (normal, infinite degrees of freedom): reject
/// H_i when |z_i| >= c with P(max_j |Z_j| < c) = 1 - alpha under the joint normal of the
/// comparisons (`correlation`, e.g. from dunnett_correlation); adjusted p_i =
/// 1 - P(max_j |Z_j| < |z_i|), computed by mvn_probability (dimension >= 3: a
/// deterministic lattice rule, error ~1e-5 or 1 % of p). Two-sided. A NaN z is not
/// rejected and gets adjusted p NaN. Mismatched sizes throw std::invalid_argument.
MultipleTestResult dunnett(std::span<const double> z, std::span<const double> correlation, double alpha);

}  // namespace silico::stats
