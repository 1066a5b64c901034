/// @file
/// @brief Multivariate normal probabilities (Genz) and their critical values.

#include "stats/mvnormal.hpp"

#include "stats/root_finding.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include <boost/math/special_functions/erf.hpp>

namespace silico::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxDimension = 20;
constexpr int kShifts = 12;                       // independent random shifts of the lattice
constexpr std::uint64_t kSeed = 0x5eed'c0de'2026'0001ULL;  // fixed: results are reproducible

/// Standard normal quantile.
double normal_quantile(double p) {
  // Inside (0, 1): the lattice can reach the ends of an interval only by rounding.
  p = std::clamp(p, std::numeric_limits<double>::min(), 1.0 - 0x1p-53);
  // Computed in double: boost's default promotes to long double, several times slower,
  // and this is the lattice rule's innermost cost.
  using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  return -std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * p, Policy());
}

/// Phi(b) - Phi(a) for a <= b, taken in the tail where it does not cancel.
double normal_interval(double a, double b) {
  if (!(a < b)) return 0.0;
  if (a > 0.0) return normal_cdf(-a) - normal_cdf(-b);
  return normal_cdf(b) - normal_cdf(a);
}

/// Gauss-Legendre rule on [-1, 1] with n (even) points: the n/2 positive nodes and their
/// weights, by Newton's method on the Legendre recurrence.
struct HalfRule {
  std::vector<double> x;
  std::vector<double> w;
};
HalfRule gauss_legendre(int n) {
  HalfRule r;
  for (int i = 1; i <= n / 2; ++i) {
    double x = std::cos(std::numbers::pi * (i - 0.25) / (n + 0.5));
    double dp = 0.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0;
      double p1 = x;
      for (int m = 2; m <= n; ++m) {
        const double p2 = ((2.0 * m - 1.0) * x * p1 - (m - 1.0) * p0) / m;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    // One more evaluation at the converged node for the weight.
    double p0 = 1.0;
    double p1 = x;
    for (int m = 2; m <= n; ++m) {
      const double p2 = ((2.0 * m - 1.0) * x * p1 - (m - 1.0) * p0) / m;
      p0 = p1;
      p1 = p2;
    }
    dp = n * (x * p1 - p0) / (x * x - 1.0);
    r.x.push_back(x);
    r.w.push_back(2.0 / ((1.0 - x * x) * dp * dp));
  }
  return r;
}

const HalfRule& rule(int points) {
  static const HalfRule r6 = gauss_legendre(6);
  static const HalfRule r12 = gauss_legendre(12);
  static const HalfRule r20 = gauss_legendre(20);
  return points == 6 ? r6 : points == 12 ? r12 : r20;
}

/// P(X > h, Y > k), finite h and k: Drezner & Wesolowsky's integral over the correlation,
/// with Genz's (2004) choice of rule by |r| and, for |r| >= 0.925, his expansion of the
/// singular part in closed form before integrating the rest.
double bvn_upper(double h, double k, double r) {
  constexpr double two_pi = 2.0 * std::numbers::pi;
  const HalfRule& g = rule(std::fabs(r) < 0.3 ? 6 : std::fabs(r) < 0.75 ? 12 : 20);
  double hk = h * k;
  double bvn = 0.0;
  if (std::fabs(r) < 0.925) {
    // Plackett's identity: dP/dr is the density at (h, k); integrate r from 0 with
    // r = sin(theta).
    const double hs = (h * h + k * k) / 2.0;
    const double asr = std::asin(r);
    for (std::size_t i = 0; i < g.x.size(); ++i) {
      for (const double sign : {-1.0, 1.0}) {
        const double sn = std::sin(asr * (sign * g.x[i] + 1.0) / 2.0);
        bvn += g.w[i] * std::exp((sn * hk - hs) / (1.0 - sn * sn));
      }
    }
    return bvn * asr / (2.0 * two_pi) + normal_cdf(-h) * normal_cdf(-k);
  }
  if (r < 0.0) {
    k = -k;
    hk = -hk;
  }
  if (std::fabs(r) < 1.0) {
    const double as = (1.0 - r) * (1.0 + r);
    double a = std::sqrt(as);
    const double bs = (h - k) * (h - k);
    const double c = (4.0 - hk) / 8.0;
    const double d = (12.0 - hk) / 16.0;
    bvn = a * std::exp(-(bs / as + hk) / 2.0) *
          (1.0 - c * (bs - as) * (1.0 - d * bs / 5.0) / 3.0 + c * d * as * as / 5.0);
    if (hk > -160.0) {
      const double b = std::sqrt(bs);
      bvn -= std::exp(-hk / 2.0) * std::sqrt(two_pi) * normal_cdf(-b / a) * b *
             (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0);
    }
    a /= 2.0;
    for (std::size_t i = 0; i < g.x.size(); ++i) {
      for (const double sign : {-1.0, 1.0}) {
        const double xs = (a * (sign * g.x[i] + 1.0)) * (a * (sign * g.x[i] + 1.0));
        const double rs = std::sqrt(1.0 - xs);
        bvn += a * g.w[i] *
               (std::exp(-bs / (2.0 * xs) - hk / (1.0 + rs)) / rs -
                std::exp(-(bs / xs + hk) / 2.0) * (1.0 + c * xs * (1.0 + d * xs)));
      }
    }
    bvn = -bvn / two_pi;
  }
  if (r > 0.0) return bvn + normal_cdf(-std::max(h, k));
  return -bvn + std::max(0.0, normal_cdf(-h) - normal_cdf(-k));
}

/// splitmix64: the shifts' uniforms, independent of the standard library.
struct SplitMix {
  std::uint64_t state;
  double uniform() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1p-53;
  }
};

/// Genz & Bretz's variable prioritisation (Genz & Bretz 2009, section 4.1.3) fused with a
/// Cholesky factorisation of a positive semi-definite R: at step i the variable left
/// with the smallest conditional probability of its interval, given the earlier ones at
/// their truncated means, is moved to position i. That puts the most restrictive
/// limits on the outer integrals, where the integrand varies most, and sharply lowers
/// the variance of the lattice rule. a, b are permuted with R; L is lower-triangular,
/// row-major; a pivot whose remaining variance is below 1e-12 is set to 0 (that
/// variable is a combination of the earlier ones).
std::vector<double> prioritized_cholesky(std::vector<double>& a, std::vector<double>& b,
                                         std::vector<double> c, std::size_t k) {
  std::vector<double> l(k * k, 0.0);
  std::vector<double> ybar(k, 0.0);
  const auto swap_vars = [&](std::size_t i, std::size_t j) {
    if (i == j) return;
    std::swap(a[i], a[j]);
    std::swap(b[i], b[j]);
    for (std::size_t m = 0; m < k; ++m) std::swap(c[i * k + m], c[j * k + m]);
    for (std::size_t m = 0; m < k; ++m) std::swap(c[m * k + i], c[m * k + j]);
    for (std::size_t m = 0; m < i; ++m) std::swap(l[i * k + m], l[j * k + m]);
  };
  for (std::size_t i = 0; i < k; ++i) {
    std::size_t best = i;
    double best_p = 3.0;
    for (std::size_t j = i; j < k; ++j) {
      double var = c[j * k + j];
      double s = 0.0;
      for (std::size_t m = 0; m < i; ++m) {
        var -= l[j * k + m] * l[j * k + m];
        s += l[j * k + m] * ybar[m];
      }
      if (var <= 1e-12) continue;  // degenerate: never preferred
      const double sd = std::sqrt(var);
      const double p = normal_interval((a[j] - s) / sd, (b[j] - s) / sd);
      if (p < best_p) {
        best_p = p;
        best = j;
      }
    }
    swap_vars(i, best);
    double var = c[i * k + i];
    double s = 0.0;
    for (std::size_t m = 0; m < i; ++m) {
      var -= l[i * k + m] * l[i * k + m];
      s += l[i * k + m] * ybar[m];
    }
    if (var < -1e-10) throw std::invalid_argument("mvn_probability: R is not positive semi-definite");
    if (var <= 1e-12) {
      // X_i is fixed by the earlier variables: the rest of its column must vanish.
      for (std::size_t r = i + 1; r < k; ++r) {
        double v = c[r * k + i];
        for (std::size_t m = 0; m < i; ++m) v -= l[r * k + m] * l[i * k + m];
        if (std::fabs(v) > 1e-6) throw std::invalid_argument("mvn_probability: R is not positive semi-definite");
      }
      ybar[i] = 0.0;
      continue;
    }
    const double lii = std::sqrt(var);
    l[i * k + i] = lii;
    for (std::size_t r = i + 1; r < k; ++r) {
      double v = c[r * k + i];
      for (std::size_t m = 0; m < i; ++m) v -= l[r * k + m] * l[i * k + m];
      l[r * k + i] = v / lii;
    }
    // Mean of a standard normal truncated to (lo, hi).
    const double lo = (a[i] - s) / lii;
    const double hi = (b[i] - s) / lii;
    const double p = normal_interval(lo, hi);
    const auto density = [](double x) {
      return std::isinf(x) ? 0.0 : std::exp(-x * x / 2.0) / std::sqrt(2.0 * std::numbers::pi);
    };
    if (p > 1e-300) {
      ybar[i] = (density(lo) - density(hi)) / p;
    } else {
      ybar[i] = std::isinf(lo) ? hi : std::isinf(hi) ? lo : (lo + hi) / 2.0;
    }
  }
  return l;
}

/// The separation-of-variables integrand at w in [0, 1]^(k-1).
class Integrand {
 public:
  Integrand(std::vector<double> a, std::vector<double> b, std::vector<double> l)
      : a_(std::move(a)), b_(std::move(b)), l_(std::move(l)), k_(a_.size()), y_(k_) {}

  double operator()(const double* w) const {
    double f = 1.0;
    double d = 0.0;
    double e = 1.0;
    for (std::size_t i = 0; i < k_; ++i) {
      double s = 0.0;
      for (std::size_t j = 0; j < i; ++j) s += l_[i * k_ + j] * y_[j];
      const double lii = l_[i * k_ + i];
      if (lii == 0.0) {
        // Degenerate: X_i = s exactly.
        if (!(s > a_[i] && s < b_[i])) return 0.0;
        y_[i] = 0.0;
        continue;
      }
      const double lo = (a_[i] - s) / lii;
      const double hi = (b_[i] - s) / lii;
      d = normal_cdf(lo);
      e = normal_cdf(hi);
      // In the upper tail e - d cancels: take it from the complements there.
      f *= lo > 0.0 ? normal_cdf(-lo) - normal_cdf(-hi) : e - d;
      if (!(f > 0.0)) return 0.0;
      if (i + 1 < k_) y_[i] = normal_quantile(d + w[i] * (e - d));
    }
    return f;
  }

 private:
  std::vector<double> a_, b_;
  std::vector<double> l_;
  std::size_t k_;
  mutable std::vector<double> y_;
};

void check_correlation(std::span<const double> r, std::size_t k, const char* who) {
  if (k == 0 || k > kMaxDimension) {
    throw std::invalid_argument(std::string(who) + ": dimension must be 1 to 20");
  }
  if (r.size() != k * k) throw std::invalid_argument(std::string(who) + ": R must be k x k");
  for (std::size_t i = 0; i < k; ++i) {
    if (r[i * k + i] != 1.0) throw std::invalid_argument(std::string(who) + ": R needs a unit diagonal");
    for (std::size_t j = 0; j < i; ++j) {
      const double v = r[i * k + j];
      if (!(v >= -1.0 && v <= 1.0) || v != r[j * k + i]) {
        throw std::invalid_argument(std::string(who) + ": R must be symmetric, entries in [-1, 1]");
      }
    }
  }
}

}  // namespace

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double bivariate_normal_cdf(double h, double k, double r) {
  if (std::isnan(h) || std::isnan(k) || !(r >= -1.0 && r <= 1.0)) {
    throw std::invalid_argument("bivariate_normal_cdf: NaN bound or r outside [-1, 1]");
  }
  if (h == -kInf || k == -kInf) return 0.0;
  if (h == kInf) return normal_cdf(k);
  if (k == kInf) return normal_cdf(h);
  return std::clamp(bvn_upper(-h, -k, r), 0.0, 1.0);
}

std::vector<double> equicorrelated(std::size_t k, double rho) {
  std::vector<double> r(k * k, rho);
  for (std::size_t i = 0; i < k; ++i) r[i * k + i] = 1.0;
  return r;
}

MvnProbability mvn_probability(std::span<const double> lower, std::span<const double> upper,
                               std::span<const double> correlation, const MvnOptions& options) {
  const std::size_t k = lower.size();
  if (upper.size() != k) throw std::invalid_argument("mvn_probability: bounds of different lengths");
  check_correlation(correlation, k, "mvn_probability");
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(lower[i]) || std::isnan(upper[i])) {
      throw std::invalid_argument("mvn_probability: NaN bound");
    }
    if (!(lower[i] < upper[i])) return {0.0, 0.0};
  }
  if (k == 1) return {normal_interval(lower[0], upper[0]), 0.0};
  if (k == 2) {
    const double r = correlation[1];
    const double p = bivariate_normal_cdf(upper[0], upper[1], r) -
                     bivariate_normal_cdf(lower[0], upper[1], r) -
                     bivariate_normal_cdf(upper[0], lower[1], r) +
                     bivariate_normal_cdf(lower[0], lower[1], r);
    return {std::clamp(p, 0.0, 1.0), 0.0};
  }
  if (!(options.abs_tol > 0.0) || options.min_points == 0 || options.max_points < options.min_points) {
    throw std::invalid_argument("mvn_probability: invalid options");
  }

  std::vector<double> a(lower.begin(), lower.end());
  std::vector<double> b(upper.begin(), upper.end());
  std::vector<double> l = prioritized_cholesky(a, b, std::vector<double>(correlation.begin(), correlation.end()), k);
  const Integrand f(a, b, std::move(l));
  const std::size_t dims = k - 1;
  static constexpr std::array<double, kMaxDimension> primes{2,  3,  5,  7,  11, 13, 17, 19, 23, 29,
                                                            31, 37, 41, 43, 47, 53, 59, 61, 67, 71};
  std::array<double, kMaxDimension> q{};
  for (std::size_t j = 0; j < dims; ++j) q[j] = std::sqrt(primes[j]);
  SplitMix rng{kSeed};
  std::array<std::array<double, kMaxDimension>, kShifts> shift{};
  for (auto& s : shift) {
    for (std::size_t j = 0; j < dims; ++j) s[j] = rng.uniform();
  }

  std::array<double, kShifts> sum{};
  std::size_t done = 0;  // lattice points 1..done are in the sums
  std::size_t target = options.min_points;
  std::array<double, kMaxDimension> w{};
  std::array<double, kMaxDimension> w_anti{};
  MvnProbability out;
  for (;;) {
    for (int s = 0; s < kShifts; ++s) {
      for (std::size_t i = done + 1; i <= target; ++i) {
        for (std::size_t j = 0; j < dims; ++j) {
          double x = static_cast<double>(i) * q[j] + shift[s][j];
          x -= std::floor(x);
          w[j] = std::fabs(2.0 * x - 1.0);  // baker's transform: a periodic integrand
          w_anti[j] = 1.0 - w[j];
        }
        sum[s] += (f(w.data()) + f(w_anti.data())) / 2.0;
      }
    }
    done = target;
    double mean = 0.0;
    for (double v : sum) mean += v / static_cast<double>(done);
    mean /= kShifts;
    double var = 0.0;
    for (double v : sum) {
      const double dev = v / static_cast<double>(done) - mean;
      var += dev * dev;
    }
    out.value = std::clamp(mean, 0.0, 1.0);
    out.error = 3.0 * std::sqrt(var / (kShifts * (kShifts - 1.0)));
    if (out.error <= options.abs_tol || out.error <= options.complement_rel_tol * (1.0 - out.value) ||
        std::fabs(out.value - options.decide_against) > out.error || 2 * target > options.max_points) {
      return out;
    }
    target *= 2;
  }
}

double mvn_critical_value(std::span<const double> correlation, double alpha, MvnTail tail,
                          const MvnOptions& options) {
  if (!(alpha > 0.0 && alpha < 1.0)) throw std::invalid_argument("mvn_critical_value: alpha must be in (0, 1)");
  const auto k = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(correlation.size()))));
  check_correlation(correlation, k, "mvn_critical_value");
  const double per_test = tail == MvnTail::kTwoSided ? alpha / 2.0 : alpha;
  // The maximum of k is at least one of them and at most a union (Bonferroni).
  double lo = -normal_quantile(per_test);
  double hi = -normal_quantile(per_test / static_cast<double>(k));
  std::vector<double> a(k);
  std::vector<double> b(k);
  // g(c) = P(max < c) - (1 - alpha), increasing in c, g(lo) <= 0 <= g(hi) in exact
  // arithmetic. Illinois' regula falsi: a handful of evaluations instead of bisection's 30.
  const auto g = [&](double c) {
    std::fill(b.begin(), b.end(), c);
    std::fill(a.begin(), a.end(), tail == MvnTail::kTwoSided ? -c : -kInf);
    return mvn_probability(a, b, correlation, options).value - (1.0 - alpha);
  };
  const double g_lo = g(lo);
  if (g_lo >= 0.0) return lo;  // e.g. all variables equal: the single-test quantile
  const double g_hi = g(hi);
  if (g_hi <= 0.0) return hi;
  return increasing_root(g, lo, g_lo, hi, g_hi, 1e-8);
}

}  // namespace silico::stats
