/// @file
/// @brief Multiplicity procedures (multiplicity.hpp): Bonferroni, Holm, Hochberg, the
/// graphical approach of Bretz et al. (Stat Med 2009;28:586-604), and their operating
/// characteristics over replicates.

#include "stats/multiplicity.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "stats/mvnormal.hpp"

namespace silico::stats {
namespace {

constexpr double kSumTolerance = 1e-12;
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_alpha(const char* who, double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument(std::string(who) + ": alpha must be in (0, 1)");
  }
}

void check_p(const char* who, std::span<const double> p) {
  if (p.empty()) throw std::invalid_argument(std::string(who) + ": no p-value");
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
      throw std::invalid_argument(std::string(who) + ": p-value " + std::to_string(i) +
                                  " is not in [0, 1]");
    }
  }
}

/// Equal weights 1/m when `weights` is empty; otherwise checked (m entries, finite >= 0,
/// sum 1 within kSumTolerance) and copied.
std::vector<double> checked_weights(const char* who, std::span<const double> weights,
                                    std::size_t m) {
  if (weights.empty()) return std::vector<double>(m, 1.0 / static_cast<double>(m));
  if (weights.size() != m) {
    throw std::invalid_argument(std::string(who) + ": one weight per p-value is needed");
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    if (!(std::isfinite(weights[i]) && weights[i] >= 0.0)) {
      throw std::invalid_argument(std::string(who) + ": weight " + std::to_string(i) +
                                  " must be finite and >= 0");
    }
    sum += weights[i];
  }
  if (std::abs(sum - 1.0) > kSumTolerance) {
    throw std::invalid_argument(std::string(who) + ": the weights must sum to 1");
  }
  return {weights.begin(), weights.end()};
}

/// p / w, +infinity when w = 0 (a hypothesis without level is never rejected).
double ratio(double p, double w) { return w > 0.0 ? p / w : kInf; }

/// Indices 0..m-1 sorted by increasing key, ties kept in index order (as R's order()).
std::vector<std::size_t> order_by(const std::vector<double>& key) {
  std::vector<std::size_t> order(key.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&key](std::size_t a, std::size_t b) { return key[a] < key[b]; });
  return order;
}

std::string number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

/// The working state of the graphical procedure: weights, transitions and which
/// hypotheses are still in the graph.
struct WorkingGraph {
  std::vector<double> w;
  std::vector<std::vector<double>> g;
  std::vector<bool> active;

  explicit WorkingGraph(const MultiplicityGraph& graph)
      : w(graph.weights), g(graph.transitions), active(graph.weights.size(), true) {}

  /// Removes H_j and passes on its weight and edges (Bretz et al. 2009, Algorithm 1).
  void remove(std::size_t j) {
    const std::size_t m = w.size();
    active[j] = false;
    for (std::size_t l = 0; l < m; ++l) {
      if (active[l]) w[l] += w[j] * g[j][l];
    }
    std::vector<std::vector<double>> next(m, std::vector<double>(m, 0.0));
    for (std::size_t l = 0; l < m; ++l) {
      if (!active[l]) continue;
      const double denominator = 1.0 - g[l][j] * g[j][l];
      for (std::size_t k = 0; k < m; ++k) {
        if (k == l || !active[k]) continue;
        // g_lj g_jl = 1 only when l and j pass everything to each other, and then g_lk and
        // g_jk are 0: the edge is 0 (0/0 in the formula).
        next[l][k] = denominator > 0.0 ? (g[l][k] + g[l][j] * g[j][k]) / denominator : 0.0;
      }
    }
    w[j] = 0.0;
    g = std::move(next);
  }
};

}  // namespace

MultipleTestResult bonferroni(std::span<const double> p, double alpha,
                              std::span<const double> weights) {
  check_p("bonferroni", p);
  check_alpha("bonferroni", alpha);
  const std::size_t m = p.size();
  const std::vector<double> w = checked_weights("bonferroni", weights, m);
  MultipleTestResult result{std::vector<bool>(m), std::vector<double>(m)};
  for (std::size_t i = 0; i < m; ++i) {
    result.rejected[i] = w[i] > 0.0 && p[i] <= w[i] * alpha;
    // m p_i with equal weights, as p.adjust (p_i / (1/m) can differ from it in the last bit).
    const double adjusted = weights.empty() ? static_cast<double>(m) * p[i] : ratio(p[i], w[i]);
    result.adjusted_p[i] = std::min(1.0, adjusted);
  }
  return result;
}

MultipleTestResult holm(std::span<const double> p, double alpha, std::span<const double> weights) {
  check_p("holm", p);
  check_alpha("holm", alpha);
  const std::size_t m = p.size();
  const std::vector<double> w = checked_weights("holm", weights, m);
  std::vector<double> key(m);
  for (std::size_t i = 0; i < m; ++i) key[i] = ratio(p[i], w[i]);
  const std::vector<std::size_t> order = order_by(key);

  // tail[k] = sum of the weights of the hypotheses from step k on (still in the test).
  std::vector<double> tail(m + 1, 0.0);
  for (std::size_t k = m; k-- > 0;) tail[k] = tail[k + 1] + w[order[k]];

  MultipleTestResult result{std::vector<bool>(m, false), std::vector<double>(m)};
  bool rejecting = true;
  double running_max = 0.0;
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t i = order[k];
    // p_(k) <= alpha w_(k) / tail_k; with equal weights (m - k) p_(k) <= alpha exactly.
    const bool passes = weights.empty() ? static_cast<double>(m - k) * p[i] <= alpha
                                        : w[i] > 0.0 && p[i] * tail[k] <= alpha * w[i];
    rejecting = rejecting && passes;
    result.rejected[i] = rejecting;
    const double step = weights.empty() ? static_cast<double>(m - k) * p[i]
                        : w[i] > 0.0    ? p[i] / w[i] * tail[k]
                                        : kInf;
    running_max = std::max(running_max, std::min(1.0, step));
    result.adjusted_p[i] = running_max;
  }
  return result;
}

MultipleTestResult hochberg(std::span<const double> p, double alpha) {
  check_p("hochberg", p);
  check_alpha("hochberg", alpha);
  const std::size_t m = p.size();
  const std::vector<double> values(p.begin(), p.end());
  const std::vector<std::size_t> order = order_by(values);

  MultipleTestResult result{std::vector<bool>(m, false), std::vector<double>(m)};
  // Step up: from the largest p-value down, the first k (1-based) with
  // p_(k) <= alpha / (m - k + 1) rejects H_(1), ..., H_(k).
  bool rejecting = false;
  double running_min = 1.0;
  for (std::size_t k = m; k-- > 0;) {
    const std::size_t i = order[k];
    const double multiplier = static_cast<double>(m - k);  // m - (k + 1) + 1
    rejecting = rejecting || p[i] * multiplier <= alpha;
    result.rejected[i] = rejecting;
    running_min = std::min(running_min, multiplier * p[i]);
    result.adjusted_p[i] = running_min;
  }
  return result;
}

void validate_graph(const MultiplicityGraph& graph) {
  using Kind = GraphError::Kind;
  constexpr std::size_t kNone = GraphError::kNone;
  const std::size_t m = graph.weights.size();
  const std::string prefix = "multiplicity graph: ";
  if (m == 0) throw GraphError(Kind::kEmpty, kNone, kNone, prefix + "no hypothesis");
  if (graph.transitions.size() != m) {
    throw GraphError(Kind::kShape, kNone, kNone,
                     prefix + "the transition matrix has " +
                         std::to_string(graph.transitions.size()) + " rows for " +
                         std::to_string(m) + " hypotheses");
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (graph.transitions[i].size() != m) {
      throw GraphError(Kind::kShape, i, kNone,
                       prefix + "row " + std::to_string(i) + " of the transition matrix has " +
                           std::to_string(graph.transitions[i].size()) + " entries for " +
                           std::to_string(m) + " hypotheses");
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (!std::isfinite(graph.weights[i])) {
      throw GraphError(Kind::kWeightNotFinite, i, kNone,
                       prefix + "weight " + std::to_string(i) + " is not finite");
    }
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    if (graph.weights[i] < 0.0) {
      throw GraphError(Kind::kWeightNegative, i, kNone,
                       prefix + "weight " + std::to_string(i) + " is negative (" +
                           number(graph.weights[i]) + ")");
    }
    sum += graph.weights[i];
  }
  if (sum > 1.0 + kSumTolerance) {
    throw GraphError(Kind::kWeightsSumAboveOne, kNone, kNone,
                     prefix + "the weights sum to " + number(sum) + " > 1");
  }
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      if (!std::isfinite(graph.transitions[i][j])) {
        throw GraphError(Kind::kTransitionNotFinite, i, j,
                         prefix + "transition (" + std::to_string(i) + ", " + std::to_string(j) +
                             ") is not finite");
      }
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      if (graph.transitions[i][j] < 0.0) {
        throw GraphError(Kind::kTransitionNegative, i, j,
                         prefix + "transition (" + std::to_string(i) + ", " + std::to_string(j) +
                             ") is negative (" + number(graph.transitions[i][j]) + ")");
      }
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    if (graph.transitions[i][i] != 0.0) {
      throw GraphError(Kind::kDiagonalNonzero, i, i,
                       prefix + "transition (" + std::to_string(i) + ", " + std::to_string(i) +
                           ") on the diagonal is " + number(graph.transitions[i][i]) + ", not 0");
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    double row = 0.0;
    for (double g : graph.transitions[i]) row += g;
    if (row > 1.0 + kSumTolerance) {
      throw GraphError(Kind::kRowSumAboveOne, i, kNone,
                       prefix + "row " + std::to_string(i) + " of the transition matrix sums to " +
                           number(row) + " > 1");
    }
  }
}

MultipleTestResult graphical_test(const MultiplicityGraph& graph, std::span<const double> p,
                                  double alpha) {
  validate_graph(graph);
  check_p("graphical_test", p);
  check_alpha("graphical_test", alpha);
  const std::size_t m = graph.weights.size();
  if (p.size() != m) {
    throw std::invalid_argument("graphical_test: one p-value per hypothesis is needed");
  }
  MultipleTestResult result{std::vector<bool>(m, false), std::vector<double>(m)};

  // Algorithm 1: reject any H_j with p_j <= w_j alpha (here the lowest index), update, repeat.
  {
    WorkingGraph working(graph);
    for (;;) {
      std::size_t j = 0;
      while (j < m && !(working.active[j] && working.w[j] > 0.0 && p[j] <= working.w[j] * alpha))
        ++j;
      if (j == m) break;
      result.rejected[j] = true;
      working.remove(j);
    }
  }

  // Adjusted p-values: remove the hypotheses in increasing order of p_j / w_j.
  WorkingGraph working(graph);
  double pmax = 0.0;
  for (std::size_t step = 0; step < m; ++step) {
    std::size_t best = m;
    double best_ratio = kInf;
    for (std::size_t j = 0; j < m; ++j) {
      if (!working.active[j]) continue;
      const double r = ratio(p[j], working.w[j]);
      if (best == m || r < best_ratio) {
        best = j;
        best_ratio = r;
      }
    }
    pmax = std::max(pmax, std::min(1.0, best_ratio));
    result.adjusted_p[best] = pmax;
    working.remove(best);
  }
  return result;
}

MultiplicityOperating multiplicity_operating(const std::vector<std::vector<bool>>& decisions,
                                             const std::vector<bool>& true_null) {
  const std::size_t m = true_null.size();
  if (m == 0) throw std::invalid_argument("multiplicity_operating: no hypothesis");
  const std::size_t replicates = decisions.size();
  for (std::size_t r = 0; r < replicates; ++r) {
    if (decisions[r].size() != m) {
      throw std::invalid_argument("multiplicity_operating: replicate " + std::to_string(r) +
                                  " has " + std::to_string(decisions[r].size()) +
                                  " decisions for " + std::to_string(m) + " hypotheses");
    }
  }
  std::vector<std::size_t> count(m, 0);
  std::size_t any = 0;
  std::size_t all = 0;
  std::size_t familywise = 0;
  for (const std::vector<bool>& row : decisions) {
    bool some = false;
    bool every = true;
    bool false_rejection = false;
    for (std::size_t i = 0; i < m; ++i) {
      if (row[i]) {
        ++count[i];
        some = true;
        if (true_null[i]) false_rejection = true;
      } else {
        every = false;
      }
    }
    any += some ? 1 : 0;
    all += every ? 1 : 0;
    familywise += false_rejection ? 1 : 0;
  }
  const auto rate = [replicates](std::size_t events) {
    if (replicates == 0) {
      const double nan = std::numeric_limits<double>::quiet_NaN();
      return RateWithMcse{nan, nan};
    }
    const double n = static_cast<double>(replicates);
    const double share = static_cast<double>(events) / n;
    return RateWithMcse{share, std::sqrt(share * (1.0 - share) / n)};
  };
  MultiplicityOperating out;
  out.replicates = replicates;
  out.rejection.reserve(m);
  for (std::size_t i = 0; i < m; ++i) out.rejection.push_back(rate(count[i]));
  out.any = rate(any);
  out.all = rate(all);
  const bool some_true_null =
      std::find(true_null.begin(), true_null.end(), true) != true_null.end();
  out.fwer = some_true_null || replicates == 0 ? rate(familywise) : RateWithMcse{0.0, 0.0};
  return out;
}

std::vector<double> dunnett_correlation(std::span<const double> treated_n, double control_n) {
  if (!(control_n > 0)) throw std::invalid_argument("dunnett_correlation: the control arm needs patients");
  const std::size_t k = treated_n.size();
  std::vector<double> lambda(k), r(k * k);
  for (std::size_t i = 0; i < k; ++i) {
    if (!(treated_n[i] > 0)) throw std::invalid_argument("dunnett_correlation: a treated arm needs patients");
    lambda[i] = treated_n[i] / (treated_n[i] + control_n);
  }
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) r[i * k + j] = i == j ? 1.0 : std::sqrt(lambda[i] * lambda[j]);
  }
  return r;
}

MultipleTestResult dunnett(std::span<const double> z, std::span<const double> correlation, double alpha) {
  const std::size_t k = z.size();
  if (k == 0 || correlation.size() != k * k) throw std::invalid_argument("dunnett: one z per comparison, k x k correlation");
  if (!(alpha > 0 && alpha < 1)) throw std::invalid_argument("dunnett: alpha outside (0, 1)");
  MultipleTestResult result;
  result.rejected.assign(k, false);
  result.adjusted_p.assign(k, std::numeric_limits<double>::quiet_NaN());
  // A p-value is a tail area: precise relative to itself, not only to 1e-5.
  MvnOptions options;
  options.complement_rel_tol = 0.01;
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(z[i])) continue;
    const double c = std::fabs(z[i]);
    const std::vector<double> lower(k, -c), upper(k, c);
    const double inside = mvn_probability(lower, upper, correlation, options).value;
    result.adjusted_p[i] = std::clamp(1.0 - inside, 0.0, 1.0);
    result.rejected[i] = result.adjusted_p[i] <= alpha;
  }
  return result;
}

}  // namespace silico::stats
