/// @file
/// @brief Cox proportional-hazards regression: Efron or Breslow partial likelihood,
/// strata, Newton-Raphson with step halving, likelihood-ratio, score and Wald tests.
///
/// The likelihood walks the rows backwards in time so that each risk set's sums
/// S0 = sum w, S1 = sum w x, S2 = sum w x x' (w = exp(eta)) are running totals: one
/// O(n p^2) pass per evaluation after a single O(n log n) sort.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>

#include "stats/survival.hpp"

namespace silico::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxHalvings = 20;

void validate(std::span<const double> time, std::span<const std::int8_t> event,
              const Eigen::MatrixXd& x, std::span<const std::int32_t> strata, int max_iterations,
              double tolerance) {
  const std::size_t n = time.size();
  if (event.size() != n || static_cast<std::size_t>(x.rows()) != n ||
      !(strata.empty() || strata.size() == n)) {
    throw std::invalid_argument("cox_fit: time, event, rows of x and strata lengths differ");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!(std::isfinite(time[i]) && time[i] >= 0.0)) {
      throw std::invalid_argument("cox_fit: times must be finite and >= 0");
    }
    if (event[i] != 0 && event[i] != 1) {
      throw std::invalid_argument("cox_fit: event must be 0 or 1");
    }
  }
  if (!x.allFinite()) throw std::invalid_argument("cox_fit: covariates must be finite");
  if (max_iterations < 0) throw std::invalid_argument("cox_fit: max_iterations must be >= 0");
  if (!(tolerance > 0.0 && tolerance < 1.0)) {
    throw std::invalid_argument("cox_fit: tolerance must be in (0, 1)");
  }
}

/// Rows in likelihood order: by stratum, time, and events before censorings at a tie
/// (R's convention), grouped into tie groups (same stratum and time).
struct Layout {
  std::vector<std::size_t> order;          ///< sorted position -> input row
  std::vector<std::uint8_t> event;         ///< by sorted position
  std::vector<std::size_t> group_begin;    ///< tie groups, ascending; back() == n
  std::vector<std::uint8_t> stratum_last;  ///< per group: last of its stratum in time
};

Layout make_layout(std::span<const double> time, std::span<const std::int8_t> event,
                   std::span<const std::int32_t> strata) {
  struct Key {
    std::int32_t stratum;
    std::int8_t event;
    double time;
    std::size_t row;
  };
  const std::size_t n = time.size();
  std::vector<Key> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = {strata.empty() ? 0 : strata[i], event[i], time[i], i};
  }
  // A total order (input row last), so the result, and every sum below, is unique.
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.stratum != b.stratum) return a.stratum < b.stratum;
    if (a.time != b.time) return a.time < b.time;
    if (a.event != b.event) return a.event > b.event;
    return a.row < b.row;
  });

  Layout l;
  l.order.resize(n);
  l.event.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    l.order[i] = keys[i].row;
    l.event[i] = static_cast<std::uint8_t>(keys[i].event);
    if (i == 0 || keys[i].stratum != keys[i - 1].stratum || keys[i].time != keys[i - 1].time) {
      if (i > 0) l.stratum_last.push_back(keys[i].stratum != keys[i - 1].stratum);
      l.group_begin.push_back(i);
    }
  }
  if (n > 0) l.stratum_last.push_back(1);
  l.group_begin.push_back(n);
  return l;
}

/// The fitted columns of x, centred and scaled, row-major in layout order.
struct Design {
  int q = 0;
  std::vector<double> x;
};

/// Keeps the design's columns at `positions` (increasing), in place: row i's kept values
/// move forward, never over values still to be read.
void keep_columns(Design& d, const std::vector<int>& positions) {
  const auto q = static_cast<std::size_t>(d.q);
  const std::size_t k = positions.size();
  const std::size_t n = q == 0 ? 0 : d.x.size() / q;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < k; ++a) d.x[i * k + a] = d.x[i * q + static_cast<std::size_t>(positions[a])];
  }
  d.x.resize(n * k);
  d.q = static_cast<int>(k);
}

Design make_design(const Eigen::MatrixXd& x, const Layout& l, const std::vector<int>& columns,
                   const Eigen::VectorXd& mean, const Eigen::VectorXd& scale) {
  Design d;
  d.q = static_cast<int>(columns.size());
  const std::size_t n = l.order.size();
  const auto q = static_cast<std::size_t>(d.q);
  // Row-major in input order first (sequential reads of x), then permuted into the
  // layout's order in place, cycle by cycle (row i takes row order[i]), so the design
  // costs one copy of x, not two: the analysis of a large replicate is memory-bound.
  d.x.resize(n * q);
  for (std::size_t a = 0; a < q; ++a) {
    const int c = columns[a];
    const double* col = x.col(c).data();
    for (std::size_t i = 0; i < n; ++i) d.x[i * q + a] = (col[i] - mean[c]) * scale[c];
  }
  std::vector<bool> placed(n, false);
  std::vector<double> saved(q);
  for (std::size_t start = 0; start < n; ++start) {
    if (placed[start]) continue;
    std::copy_n(d.x.begin() + static_cast<std::ptrdiff_t>(start * q), q, saved.begin());
    std::size_t i = start;
    for (std::size_t from = l.order[i]; from != start; i = from, from = l.order[i]) {
      std::copy_n(d.x.begin() + static_cast<std::ptrdiff_t>(from * q), q, d.x.begin() + static_cast<std::ptrdiff_t>(i * q));
      placed[i] = true;
    }
    std::copy_n(saved.begin(), q, d.x.begin() + static_cast<std::ptrdiff_t>(i * q));
    placed[i] = true;
  }
  return d;
}

struct Evaluation {
  double loglik = 0.0;
  Eigen::VectorXd score;
  Eigen::MatrixXd information;
  bool finite = true;
};

/// Partial log-likelihood, score and observed information at beta (internal scale).
/// Weights are exp(eta - max eta), so no exp overflows; the shift cancels exactly in the
/// log-likelihood (each death contributes eta - log S0, both shifted by the same amount).
class PartialLikelihood {
 public:
  PartialLikelihood(const Layout& layout, const Design& design, Ties ties)
      : l_(layout), d_(design), ties_(ties), eta_(layout.order.size()), w_(layout.order.size()) {}

  Evaluation operator()(const Eigen::VectorXd& beta) {
    // Small q (the common case) at compile time: the risk-set sums live in registers.
    switch (d_.q) {
      case 1:
        return evaluate<1>(beta);
      case 2:
        return evaluate<2>(beta);
      case 3:
        return evaluate<3>(beta);
      case 4:
        return evaluate<4>(beta);
      default:
        return evaluate<0>(beta);
    }
  }

 private:
  /// Q > 0: q == Q known at compile time; Q == 0: any q.
  template <int Q>
  Evaluation evaluate(const Eigen::VectorXd& beta) {
    using Vec = std::conditional_t<(Q > 0), std::array<double, Q>, std::vector<double>>;
    using Mat = std::conditional_t<(Q > 0), std::array<double, Q * Q>, std::vector<double>>;
    const std::size_t q = Q > 0 ? static_cast<std::size_t>(Q) : static_cast<std::size_t>(d_.q);
    const std::size_t n = l_.order.size();
    const double* x = d_.x.data();

    Vec b = zeros<Vec>(q);
    for (std::size_t a = 0; a < q; ++a) b[a] = beta[static_cast<Eigen::Index>(a)];
    double eta_max = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double e = 0.0;
      for (std::size_t a = 0; a < q; ++a) e += x[i * q + a] * b[a];
      eta_[i] = e;
      if (i == 0 || e > eta_max) eta_max = e;
    }
    for (std::size_t i = 0; i < n; ++i) w_[i] = std::exp(eta_[i] - eta_max);

    double loglik = 0.0;
    Vec u = zeros<Vec>(q), s1 = zeros<Vec>(q), d1 = zeros<Vec>(q), xdead = zeros<Vec>(q);
    Vec xi = zeros<Vec>(q), mean = zeros<Vec>(q);
    Mat info = zeros<Mat>(q * q), s2 = zeros<Mat>(q * q), d2 = zeros<Mat>(q * q);  // lower
    double s0 = 0.0;
    const std::size_t groups = l_.group_begin.size() - 1;
    for (std::size_t g = groups; g-- > 0;) {
      if (l_.stratum_last[g]) {  // entering a new stratum (walking backwards)
        s0 = 0.0;
        std::fill(s1.begin(), s1.end(), 0.0);
        std::fill(s2.begin(), s2.end(), 0.0);
      }
      double d0 = 0.0;
      double eta_dead = 0.0;
      int deaths = 0;
      for (std::size_t i = l_.group_begin[g + 1]; i-- > l_.group_begin[g];) {
        const double wi = w_[i];
        for (std::size_t a = 0; a < q; ++a) xi[a] = x[i * q + a];
        s0 += wi;
        for (std::size_t a = 0; a < q; ++a) {
          s1[a] += wi * xi[a];
          for (std::size_t c = 0; c <= a; ++c) s2[a * q + c] += wi * xi[a] * xi[c];
        }
        if (l_.event[i]) {
          if (deaths == 0) {
            std::fill(d1.begin(), d1.end(), 0.0);
            std::fill(d2.begin(), d2.end(), 0.0);
            std::fill(xdead.begin(), xdead.end(), 0.0);
          }
          ++deaths;
          d0 += wi;
          eta_dead += eta_[i] - eta_max;
          for (std::size_t a = 0; a < q; ++a) {
            xdead[a] += xi[a];
            d1[a] += wi * xi[a];
            for (std::size_t c = 0; c <= a; ++c) d2[a * q + c] += wi * xi[a] * xi[c];
          }
        }
      }
      if (deaths == 0) continue;

      loglik += eta_dead;
      for (std::size_t a = 0; a < q; ++a) u[a] += xdead[a];
      if (ties_ == Ties::kBreslow || deaths == 1) {
        const auto dd = static_cast<double>(deaths);
        loglik -= dd * std::log(s0);
        for (std::size_t a = 0; a < q; ++a) {
          mean[a] = s1[a] / s0;
          u[a] -= dd * mean[a];
          for (std::size_t c = 0; c <= a; ++c) {
            info[a * q + c] += dd * (s2[a * q + c] / s0 - mean[a] * mean[c]);
          }
        }
      } else {
        // Efron: the k-th of the d tied deaths sees the risk set with k/d of each tied
        // death's weight removed.
        for (int k = 0; k < deaths; ++k) {
          const double f = static_cast<double>(k) / static_cast<double>(deaths);
          const double a0 = s0 - f * d0;
          loglik -= std::log(a0);
          for (std::size_t a = 0; a < q; ++a) {
            mean[a] = (s1[a] - f * d1[a]) / a0;
            u[a] -= mean[a];
            for (std::size_t c = 0; c <= a; ++c) {
              info[a * q + c] += (s2[a * q + c] - f * d2[a * q + c]) / a0 - mean[a] * mean[c];
            }
          }
        }
      }
    }

    Evaluation e;
    e.loglik = loglik;
    e.score.resize(static_cast<Eigen::Index>(q));
    e.information.resize(static_cast<Eigen::Index>(q), static_cast<Eigen::Index>(q));
    for (std::size_t a = 0; a < q; ++a) {
      const auto ia = static_cast<Eigen::Index>(a);
      e.score[ia] = u[a];
      for (std::size_t c = 0; c <= a; ++c) {
        const auto ic = static_cast<Eigen::Index>(c);
        e.information(ia, ic) = info[a * q + c];
        e.information(ic, ia) = info[a * q + c];
      }
    }
    e.finite = std::isfinite(loglik) && e.score.allFinite() && e.information.allFinite();
    return e;
  }

  template <class V>
  static V zeros(std::size_t size) {
    if constexpr (std::is_same_v<V, std::vector<double>>) {
      return V(size, 0.0);
    } else {
      return V{};  // value-initialised: all zero
    }
  }

  const Layout& l_;
  const Design& d_;
  Ties ties_;
  std::vector<double> eta_;
  std::vector<double> w_;
};

/// Indices of the columns of the information matrix that are not linear combinations of
/// earlier ones within the risk sets: as in R's cholesky2, a column whose Cholesky pivot
/// is <= eps^0.75 (here relative to the column's own information) is dropped. Zero
/// information (e.g. no events) drops every column.
std::vector<int> estimable(const Eigen::MatrixXd& info) {
  const double toler = std::pow(std::numeric_limits<double>::epsilon(), 0.75);
  std::vector<int> kept;
  for (Eigen::Index j = 0; j < info.rows(); ++j) {
    const double diag = info(j, j);
    if (!(diag > 0.0 && std::isfinite(diag))) continue;
    double pivot = diag;
    if (!kept.empty()) {
      const auto k = static_cast<Eigen::Index>(kept.size());
      Eigen::MatrixXd a(k, k);
      Eigen::VectorXd c(k);
      for (Eigen::Index r = 0; r < k; ++r) {
        c[r] = info(kept[static_cast<std::size_t>(r)], j);
        for (Eigen::Index s = 0; s < k; ++s) {
          a(r, s) = info(kept[static_cast<std::size_t>(r)], kept[static_cast<std::size_t>(s)]);
        }
      }
      pivot = diag - c.dot(a.llt().solve(c));
    }
    if (pivot > toler * diag) kept.push_back(static_cast<int>(j));
  }
  return kept;
}

double chi_square_upper(double statistic, int df) {
  if (df <= 0 || !(statistic >= 0.0)) return kNaN;  // also NaN statistics
  if (std::isinf(statistic)) return 0.0;
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared(static_cast<double>(df)), statistic));
}

}  // namespace

namespace {

/// cox_fit() on `x`; `owned` is x itself when the caller handed it over (freed once the
/// design holds a copy), else null.
CoxFit fit_cox(std::span<const double> time, std::span<const std::int8_t> event, const Eigen::MatrixXd& x,
               Eigen::MatrixXd* owned, std::span<const std::int32_t> strata, Ties ties, int max_iterations,
               double tolerance) {
  validate(time, event, x, strata, max_iterations, tolerance);
  const std::size_t n = time.size();
  const auto p = static_cast<int>(x.cols());
  const Layout layout = make_layout(time, event, strata);

  // Centre on the mean and scale by the mean absolute deviation (R's coxph), in input
  // order. A constant column (every value equal to the first) cannot be estimated.
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(p);
  std::vector<int> candidates;
  for (int c = 0; c < p; ++c) {
    if (n == 0) break;
    const auto col = x.col(c);
    double sum = 0.0;
    bool constant = true;
    for (Eigen::Index i = 0; i < col.size(); ++i) {
      sum += col[i];
      constant = constant && col[i] == col[0];
    }
    if (constant) continue;
    mean[c] = sum / static_cast<double>(n);
    double mad = 0.0;
    for (Eigen::Index i = 0; i < col.size(); ++i) mad += std::fabs(col[i] - mean[c]);
    mad /= static_cast<double>(n);
    if (mad > 0.0) scale[c] = 1.0 / mad;
    candidates.push_back(c);
  }

  // Drop columns without information, then refit the design on the estimable ones.
  Design design = make_design(x, layout, candidates, mean, scale);
  // x is not read again: a caller that handed it over gets its memory back now.
  if (owned != nullptr) owned->resize(0, 0);
  std::vector<int> columns = candidates;
  PartialLikelihood likelihood(layout, design, ties);
  Evaluation current = likelihood(Eigen::VectorXd::Zero(design.q));
  {
    std::vector<int> kept_positions;
    std::vector<int> kept;
    for (const int k : estimable(current.information)) {
      kept_positions.push_back(k);
      kept.push_back(candidates[static_cast<std::size_t>(k)]);
    }
    if (kept.size() != candidates.size()) {
      columns = kept;
      keep_columns(design, kept_positions);  // likelihood sees the new one
      current = likelihood(Eigen::VectorXd::Zero(design.q));
    }
  }
  const int q = design.q;
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(q);
  CoxFit fit;
  fit.loglik_null = current.loglik;

  // Score test at beta = 0.
  fit.score_statistic = kNaN;
  if (q > 0) {
    const Eigen::LLT<Eigen::MatrixXd> llt0(current.information);
    if (llt0.info() == Eigen::Success) {
      fit.score_statistic = current.score.dot(llt0.solve(current.score));
    }
  }

  // Newton-Raphson. Converged: the last step changed loglik by <= tolerance * |loglik|
  // and the next step is small (that step is then taken too). A diverging coefficient
  // (monotone likelihood) never meets the second condition: the step stays near 1, so
  // separation ends at max_iterations with converged == false.
  bool converged = false;
  bool loglik_settled = false;
  const double step_tolerance = std::sqrt(tolerance);
  while (q > 0 && current.finite) {
    const Eigen::LLT<Eigen::MatrixXd> llt(current.information);
    if (llt.info() != Eigen::Success) break;
    Eigen::VectorXd step = llt.solve(current.score);
    if (!step.allFinite()) break;
    bool small_step = true;
    for (Eigen::Index a = 0; a < q; ++a) {
      const double bound = step_tolerance * std::max(1.0, std::fabs(beta[a]));
      small_step = small_step && std::fabs(step[a]) <= bound;
    }
    // On convergence the (tiny) last step is still taken: it costs one evaluation and,
    // Newton converging quadratically, leaves beta accurate to rounding.
    const bool last = loglik_settled && small_step;
    converged = last;
    if (fit.iterations == max_iterations) break;

    Eigen::VectorXd candidate = beta + step;
    Evaluation next = likelihood(candidate);
    // A step already below the convergence threshold is taken even if the log-likelihood
    // seems to fall: near the maximum the true change (~ step^2) is below the rounding of
    // a sum over n patients, and halving would only chase that noise.
    const auto accepted = [&] {
      return next.finite && (small_step || next.loglik >= current.loglik);
    };
    for (int h = 0; h < kMaxHalvings && !accepted(); ++h) {
      step *= 0.5;
      candidate = beta + step;
      next = likelihood(candidate);
    }
    if (!accepted()) break;  // no step raises the likelihood (or it is not finite)
    ++fit.iterations;
    loglik_settled = std::fabs(next.loglik - current.loglik) <= tolerance * std::fabs(next.loglik);
    beta = candidate;
    current = std::move(next);
    if (last) break;
  }
  // Nothing to estimate (p == 0) is trivially converged; a dropped column never is.
  fit.converged = q == p && (converged || p == 0);
  fit.loglik = current.loglik;

  // Back to the original scale: x_internal = (x - mean) * scale, so beta = b * scale.
  fit.beta = Eigen::VectorXd::Constant(p, kNaN);
  fit.covariance = Eigen::MatrixXd::Constant(p, p, kNaN);
  fit.lr_statistic = kNaN;
  fit.wald_statistic = kNaN;
  if (q > 0) {
    // >= 0 up to rounding: every accepted step raised loglik, except steps already below
    // the convergence threshold, whose change is rounding noise; do not let that noise
    // turn into a negative chi-square (and a NaN p).
    fit.lr_statistic = std::max(0.0, 2.0 * (fit.loglik - fit.loglik_null));
    Eigen::MatrixXd cov = Eigen::MatrixXd::Constant(q, q, kNaN);
    const Eigen::LLT<Eigen::MatrixXd> llt(current.information);
    if (current.finite && llt.info() == Eigen::Success) {
      cov = llt.solve(Eigen::MatrixXd::Identity(q, q));
      cov = (0.5 * (cov + cov.transpose())).eval();  // exactly symmetric
      fit.wald_statistic = beta.dot(current.information * beta);
    }
    for (int a = 0; a < q; ++a) {
      const int ca = columns[static_cast<std::size_t>(a)];
      fit.beta[ca] = beta[a] * scale[ca];
      for (int b = 0; b < q; ++b) {
        const int cb = columns[static_cast<std::size_t>(b)];
        fit.covariance(ca, cb) = cov(a, b) * scale[ca] * scale[cb];
      }
    }
  }
  fit.lr_p = chi_square_upper(fit.lr_statistic, q);
  fit.score_p = chi_square_upper(fit.score_statistic, q);
  fit.wald_p = chi_square_upper(fit.wald_statistic, q);
  return fit;
}

}  // namespace

CoxFit cox_fit(std::span<const double> time, std::span<const std::int8_t> event, const Eigen::MatrixXd& x,
               std::span<const std::int32_t> strata, Ties ties, int max_iterations, double tolerance) {
  return fit_cox(time, event, x, nullptr, strata, ties, max_iterations, tolerance);
}

CoxFit cox_fit(std::span<const double> time, std::span<const std::int8_t> event, Eigen::MatrixXd&& x,
               std::span<const std::int32_t> strata, Ties ties, int max_iterations, double tolerance) {
  return fit_cox(time, event, x, &x, strata, ties, max_iterations, tolerance);
}

Estimate cox_hazard_ratio(const CoxFit& fit, int j, double alpha) {
  const double z = normal_two_sided_z(alpha);
  if (j < 0 || j >= fit.beta.size() || fit.covariance.rows() != fit.beta.size() ||
      fit.covariance.cols() != fit.beta.size()) {
    throw std::invalid_argument("cox_hazard_ratio: coefficient index out of range");
  }
  const double b = fit.beta[j];
  const double se = std::sqrt(fit.covariance(j, j));
  Estimate e;
  e.effect = std::exp(b);
  e.se = se;
  e.ci_low = std::exp(b - z * se);
  e.ci_high = std::exp(b + z * se);
  e.p = kNaN;
  // Boost throws on NaN; no p without a finite, positive standard error.
  if (std::isfinite(b) && se > 0.0 && std::isfinite(se)) {
    e.p = 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(b) / se));
  }
  return e;
}

}  // namespace silico::stats
