#pragma once
/// @file
/// @brief Multivariate normal rectangle probabilities P(a < X < b), X ~ N(0, R) with R a
/// correlation matrix, and the critical values of max X_i and max |X_i| (Dunnett-type
/// simultaneous tests, MaxCombo). Pure: no MPI, HDF5 or YAML.
///
/// Dimension 1 is Phi(b) - Phi(a) and dimension 2 the bivariate normal integral of
/// Drezner & Wesolowsky (1990) in Genz's (2004) refinement, both to rounding. From
/// dimension 3 on, the probability is Genz's (1992) separation of variables: with
/// R = L L' (Cholesky), P = E[prod_i (e_i - d_i)] over w in [0, 1]^(k-1), where
/// d_i, e_i = Phi((a_i or b_i - sum_{j<i} l_ij y_j) / l_ii) and
/// y_j = Phi^-1(d_j + w_j (e_j - d_j)). The expectation is taken by a randomly shifted
/// Richtmyer lattice (point i: frac(i sqrt(p_j) + shift_j), p_j the j-th prime) with
/// the baker's (tent) transform and antithetic pairs, after Genz & Bretz's variable
/// prioritisation, over 12 independent shifts whose
/// spread gives the error estimate. The shifts come from a fixed seed and every sum is
/// taken in a fixed order, so the same inputs give the same result bit for bit.
///
/// References: A. Genz (1992), Numerical computation of multivariate normal probabilities,
/// J. Comput. Graph. Stat. 1:141-149; A. Genz (2004), Numerical computation of rectangular
/// bivariate and trivariate normal and t probabilities, Stat. Comput. 14:251-260;
/// Z. Drezner & G.O. Wesolowsky (1990), J. Stat. Comput. Simul. 35:101-107.

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace silico::stats {

/// Standard normal distribution function, 0.5 erfc(-x/sqrt 2) (accurate in the lower tail).
double normal_cdf(double x);

/// P(X < h, Y < k) for a standard bivariate normal with correlation r in [-1, 1];
/// h and k may be infinite. Absolute error below 1e-15.
double bivariate_normal_cdf(double h, double k, double r);

/// A probability and its error estimate: 3 standard errors of the lattice rule over its
/// random shifts (0 for the closed forms of dimension 1 and 2).
struct MvnProbability {
  double value = 0.0;
  double error = 0.0;
};

/// How hard the lattice rule works (dimension >= 3). Points per shift start at
/// `min_points` and double until the error is <= `abs_tol`, or <= `complement_rel_tol`
/// times 1 - P (for a p-value 1 - P that needs relative, not absolute, precision), or
/// |P - decide_against| > error, or until they would pass `max_points`.
struct MvnOptions {
  double abs_tol = 1e-5;
  double complement_rel_tol = 0.0;
  std::size_t min_points = 1000;
  std::size_t max_points = 100000;
  /// When set (not NaN): also stop as soon as the error bars exclude this value, for a
  /// caller that only asks on which side of it P lies (a decision, a root search's
  /// bracket); P is then only as precise as that answer needs.
  double decide_against = std::numeric_limits<double>::quiet_NaN();
};

/// P(lower < X < upper), X ~ N(0, R), R the k x k correlation matrix, row-major
/// (correlation.size() == k * k). Bounds may be -inf/+inf; lower > upper on any
/// coordinate gives 0. R must be symmetric with unit diagonal and positive
/// semi-definite (a singular R, e.g. a repeated variable, is allowed); otherwise, or for
/// mismatched sizes, k == 0 or k > 20, NaN bounds, std::invalid_argument is thrown.
MvnProbability mvn_probability(std::span<const double> lower, std::span<const double> upper,
                               std::span<const double> correlation, const MvnOptions& options = {});

/// The k x k equicorrelated matrix (1 on the diagonal, rho elsewhere), row-major.
std::vector<double> equicorrelated(std::size_t k, double rho);

/// Which maximum a critical value bounds.
enum class MvnTail {
  kOneSided,  ///< P(max_i X_i < c) = 1 - alpha
  kTwoSided,  ///< P(max_i |X_i| < c) = 1 - alpha
};

/// The critical value c of max_i X_i (or max_i |X_i|) at level alpha in (0, 1) for
/// X ~ N(0, R): a root search (Illinois regula falsi) between the single-test and the
/// Bonferroni quantiles, to 1e-8, on the deterministic probabilities of mvn_probability()
/// (whose own error, with the default options ~1e-5 in probability, dominates from
/// dimension 3 on). As Dunnett's (1955)
/// many-to-one critical values with infinite degrees of freedom when R is the
/// correlation of the k comparisons with a shared control (0.5 for equal arms).
double mvn_critical_value(std::span<const double> correlation, double alpha, MvnTail tail,
                          const MvnOptions& options = {});

}  // namespace silico::stats
