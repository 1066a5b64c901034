/// @file
/// @brief Cox proportional-hazards regression: Efron or Breslow partial likelihood,
/// strata, Newton-Raphson with step halving, likelihood-ratio, score and Wald tests.
///
/// The rows are read only through a SurvivalSource, in time order: the likelihood walks
/// them backwards so that each risk set's sums S0 = sum w, S1 = sum w x, S2 = sum w x x'
/// (w = exp(eta)) are running totals, kept per stratum. Strata interleave in time, so a
/// tie group (stratum, time) contributes once every row at its time has been read. The
/// state is O(p^2) per stratum, whatever the number of rows; each evaluation is one walk.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
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
/// A stratum's weights are exp(eta - shift), its shift moved up to a row's eta when that
/// eta exceeds it by more than this: weights stay <= e^32, so no sum overflows, and the
/// rescaling (which rounds) is rare.
constexpr double kShiftSlack = 32.0;

void check_arguments(int max_iterations, double tolerance, double cut) {
  if (max_iterations < 0) throw std::invalid_argument("cox_fit: max_iterations must be >= 0");
  if (!(tolerance > 0.0 && tolerance < 1.0)) {
    throw std::invalid_argument("cox_fit: tolerance must be in (0, 1)");
  }
  if (!(cut >= 0.0)) throw std::invalid_argument("cox_fit: cut must be >= 0 (+inf for none)");
}

/// Stratum ids -> dense indices 0, 1, ... in id order. Strata are few: a sorted vector.
class StrataIndex {
 public:
  void add(std::int32_t id) {
    const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    if (it == ids_.end() || *it != id) ids_.insert(it, id);
  }
  std::size_t size() const { return ids_.size(); }
  std::size_t operator()(std::int32_t id) const {
    const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    if (it == ids_.end() || *it != id) {
      throw std::logic_error("cox_fit: the source delivered a stratum its first walk did not");
    }
    return static_cast<std::size_t>(it - ids_.begin());
  }

 private:
  std::vector<std::int32_t> ids_;
};

/// What the first walk learns: rows, strata, column sums and which columns are constant.
struct Summary {
  std::uint64_t n = 0;
  StrataIndex strata;
  std::vector<double> sum;
  std::vector<double> first;
  std::vector<char> constant;
};

Summary summarise(const SurvivalSource& rows) {
  const std::size_t p = rows.covariates();
  Summary s;
  s.sum.assign(p, 0.0);
  s.first.assign(p, 0.0);
  s.constant.assign(p, 1);
  bool have_stratum = false;
  std::int32_t last_stratum = 0;
  rows.forward([&](std::span<const SurvivalRow> batch) {
    for (const SurvivalRow& r : batch) {
      if (!(std::isfinite(r.time) && r.time >= 0.0)) {
        throw std::invalid_argument("cox_fit: times must be finite and >= 0");
      }
      if (r.event != 0 && r.event != 1) throw std::invalid_argument("cox_fit: event must be 0 or 1");
      if (r.x.size() != p) throw std::invalid_argument("cox_fit: a row has the wrong number of covariates");
      for (std::size_t c = 0; c < p; ++c) {
        const double v = r.x[c];
        if (!std::isfinite(v)) throw std::invalid_argument("cox_fit: covariates must be finite");
        if (s.n == 0) s.first[c] = v;
        s.sum[c] += v;
        s.constant[c] = static_cast<char>(s.constant[c] && v == s.first[c]);
      }
      if (!have_stratum || r.stratum != last_stratum) {
        s.strata.add(r.stratum);
        have_stratum = true;
        last_stratum = r.stratum;
      }
      ++s.n;
    }
  });
  return s;
}

/// The columns of rows' x an evaluation reads, as (x[index] - centre) * scale.
struct Columns {
  std::vector<std::size_t> index;
  std::vector<double> centre;
  std::vector<double> scale;
};

struct Evaluation {
  double loglik = 0.0;
  Eigen::VectorXd score;
  Eigen::MatrixXd information;
  bool finite = true;
};

struct Walk {
  const SurvivalSource& rows;
  const StrataIndex& strata;
  Ties ties;
  double cut;
};

template <class V>
V zeros(std::size_t size) {
  if constexpr (std::is_same_v<V, std::vector<double>>) {
    return V(size, 0.0);
  } else {
    return V{};  // value-initialised: all zero
  }
}

/// Partial log-likelihood, score and observed information at beta (internal scale), in
/// one backward walk; adds |x - centre| per column to `mad` when given. Small q (the
/// common case) at compile time, Q == q; Q == 0 for any q.
///
/// The shift of the weights is per stratum and moves during the walk: it starts at the
/// first eta the stratum sees and rises (rescaling its sums) when an eta exceeds it by
/// kShiftSlack. That needs no walk to find max eta first, and every S0 is >= 1 (the row
/// that set the shift is in every later risk set), so no risk set underflows. The shift
/// cancels in the log-likelihood: each death adds (eta - shift) - log(S0 / e^shift).
template <int Q>
Evaluation evaluate(const Walk& walk, const Columns& columns, const Eigen::VectorXd& beta,
                    std::vector<double>* mad) {
  using Vec = std::conditional_t<(Q > 0), std::array<double, Q>, std::vector<double>>;
  using Mat = std::conditional_t<(Q > 0), std::array<double, Q * Q>, std::vector<double>>;
  const std::size_t q = Q > 0 ? static_cast<std::size_t>(Q) : columns.index.size();
  const auto vec = [q] { return zeros<Vec>(q); };
  const auto mat = [q] { return zeros<Mat>(q * q); };

  /// One stratum's risk-set sums (lower triangles) and its deaths at the current time.
  struct Stratum {
    double s0 = 0.0, d0 = 0.0, eta_dead = 0.0, shift = 0.0;
    int deaths = 0;
    bool started = false;
    Vec s1, d1, xdead;
    Mat s2, d2;
  };
  std::vector<Stratum> strata(walk.strata.size());
  for (Stratum& s : strata) {
    s.s1 = vec();
    s.d1 = vec();
    s.xdead = vec();
    s.s2 = mat();
    s.d2 = mat();
  }
  Vec b = vec(), centre = vec(), scale = vec(), xi = vec(), mean = vec(), u = vec();
  std::array<std::size_t, (Q > 0 ? Q : 1)> fixed_index{};
  std::vector<std::size_t> any_index(Q > 0 ? 0 : q);
  std::size_t* index = Q > 0 ? fixed_index.data() : any_index.data();
  for (std::size_t a = 0; a < q; ++a) {
    b[a] = beta[static_cast<Eigen::Index>(a)];
    centre[a] = columns.centre[a];
    scale[a] = columns.scale[a];
    index[a] = columns.index[a];
  }
  Mat info = mat();
  double loglik = 0.0;

  const auto rescale = [q](Stratum& s, double shift) {
    const double f = std::exp(s.shift - shift);
    s.s0 *= f;
    s.d0 *= f;
    for (std::size_t a = 0; a < q; ++a) {
      s.s1[a] *= f;
      s.d1[a] *= f;
      for (std::size_t c = 0; c <= a; ++c) {
        s.s2[a * q + c] *= f;
        s.d2[a * q + c] *= f;
      }
    }
    s.eta_dead -= static_cast<double>(s.deaths) * (shift - s.shift);
    s.shift = shift;
  };

  // A stratum's tie group at the current time adds its deaths' terms, then is cleared.
  const auto contribute = [&](Stratum& s) {
    loglik += s.eta_dead;
    for (std::size_t a = 0; a < q; ++a) u[a] += s.xdead[a];
    if (walk.ties == Ties::kBreslow || s.deaths == 1) {
      const auto dd = static_cast<double>(s.deaths);
      loglik -= dd * std::log(s.s0);
      for (std::size_t a = 0; a < q; ++a) {
        mean[a] = s.s1[a] / s.s0;
        u[a] -= dd * mean[a];
        for (std::size_t c = 0; c <= a; ++c) {
          info[a * q + c] += dd * (s.s2[a * q + c] / s.s0 - mean[a] * mean[c]);
        }
      }
    } else {
      // Efron: the k-th of the d tied deaths sees the risk set with k/d of each tied
      // death's weight removed.
      for (int k = 0; k < s.deaths; ++k) {
        const double f = static_cast<double>(k) / static_cast<double>(s.deaths);
        const double a0 = s.s0 - f * s.d0;
        loglik -= std::log(a0);
        for (std::size_t a = 0; a < q; ++a) {
          mean[a] = (s.s1[a] - f * s.d1[a]) / a0;
          u[a] -= mean[a];
          for (std::size_t c = 0; c <= a; ++c) {
            info[a * q + c] += (s.s2[a * q + c] - f * s.d2[a * q + c]) / a0 - mean[a] * mean[c];
          }
        }
      }
    }
    s.deaths = 0;
    s.d0 = 0.0;
    s.eta_dead = 0.0;
    for (std::size_t a = 0; a < q; ++a) {
      s.xdead[a] = 0.0;
      s.d1[a] = 0.0;
      for (std::size_t c = 0; c <= a; ++c) s.d2[a * q + c] = 0.0;
    }
  };

  std::vector<std::size_t> dying;  // strata with deaths at block_time, in order of the first
  double block_time = kNaN;
  const auto end_block = [&] {
    for (const std::size_t k : dying) contribute(strata[k]);
    dying.clear();
  };
  bool have_k = false;  // k is the index of stratum last_id
  std::int32_t last_id = 0;
  std::size_t k = 0;
  walk.rows.backward([&](std::span<const SurvivalRow> batch) {
    for (const SurvivalRow& r : batch) {
      double t = r.time;
      bool event = r.event != 0;
      if (t > walk.cut) {  // censored at the data cut
        t = walk.cut;
        event = false;
      }
      if (t != block_time) {
        end_block();
        block_time = t;
      }
      if (!have_k || r.stratum != last_id) {
        k = walk.strata(r.stratum);
        last_id = r.stratum;
        have_k = true;
      }
      Stratum& s = strata[k];
      const double* x = r.x.data();
      double eta = 0.0;
      for (std::size_t a = 0; a < q; ++a) {
        xi[a] = (x[index[a]] - centre[a]) * scale[a];
        eta += xi[a] * b[a];
      }
      if (!s.started) {
        s.started = true;
        s.shift = eta;
      } else if (eta > s.shift + kShiftSlack) {
        rescale(s, eta);
      }
      const double wi = std::exp(eta - s.shift);
      s.s0 += wi;
      for (std::size_t a = 0; a < q; ++a) {
        s.s1[a] += wi * xi[a];
        for (std::size_t c = 0; c <= a; ++c) s.s2[a * q + c] += wi * xi[a] * xi[c];
      }
      if (event) {
        if (s.deaths == 0) dying.push_back(k);
        ++s.deaths;
        s.d0 += wi;
        s.eta_dead += eta - s.shift;
        for (std::size_t a = 0; a < q; ++a) {
          s.xdead[a] += xi[a];
          s.d1[a] += wi * xi[a];
          for (std::size_t c = 0; c <= a; ++c) s.d2[a * q + c] += wi * xi[a] * xi[c];
        }
      }
      if (mad != nullptr) {
        for (std::size_t a = 0; a < q; ++a) (*mad)[a] += std::fabs(xi[a]);
      }
    }
  });
  end_block();

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

Evaluation evaluate(const Walk& walk, const Columns& columns, const Eigen::VectorXd& beta,
                    std::vector<double>* mad = nullptr) {
  switch (columns.index.size()) {
    case 1:
      return evaluate<1>(walk, columns, beta, mad);
    case 2:
      return evaluate<2>(walk, columns, beta, mad);
    case 3:
      return evaluate<3>(walk, columns, beta, mad);
    case 4:
      return evaluate<4>(walk, columns, beta, mad);
    default:
      return evaluate<0>(walk, columns, beta, mad);
  }
}

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

CoxFit cox_fit(const SurvivalSource& rows, Ties ties, int max_iterations, double tolerance, double cut) {
  check_arguments(max_iterations, tolerance, cut);
  const auto p = static_cast<int>(rows.covariates());
  const Summary summary = summarise(rows);  // walk 1: validates
  const Walk walk{rows, summary.strata, ties, cut};

  // Centre on the mean and scale by the mean absolute deviation (R's coxph). A constant
  // column (every value equal to the first) cannot be estimated.
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(p);
  Columns candidates;
  for (int c = 0; c < p; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    if (summary.n == 0 || summary.constant[uc]) continue;
    mean[c] = summary.sum[uc] / static_cast<double>(summary.n);
    candidates.index.push_back(uc);
    candidates.centre.push_back(mean[c]);
    candidates.scale.push_back(1.0);
  }

  // Walk 2: the deviations, and the likelihood at beta = 0 on the centred columns. There
  // every weight is 1 whatever the scale, so scaling afterwards (score by D, information
  // by D I D) gives the scaled evaluation without a third walk.
  const auto k0 = static_cast<int>(candidates.index.size());
  std::vector<double> mad(candidates.index.size(), 0.0);
  Evaluation current = evaluate(walk, candidates, Eigen::VectorXd::Zero(k0), &mad);
  for (int a = 0; a < k0; ++a) {
    const int c = static_cast<int>(candidates.index[static_cast<std::size_t>(a)]);
    const double m = mad[static_cast<std::size_t>(a)] / static_cast<double>(summary.n);
    if (m > 0.0) scale[c] = 1.0 / m;
    candidates.scale[static_cast<std::size_t>(a)] = scale[c];
  }
  const Eigen::VectorXd d = Eigen::Map<const Eigen::VectorXd>(candidates.scale.data(), k0);
  current.score = current.score.cwiseProduct(d);
  current.information = d.asDiagonal() * current.information * d.asDiagonal();
  current.finite = std::isfinite(current.loglik) && current.score.allFinite() && current.information.allFinite();

  // Drop columns without information. At beta = 0 the weights do not depend on the
  // columns, so the fit of the estimable ones starts from the same evaluation, restricted.
  Columns fitted;
  {
    const std::vector<int> kept = estimable(current.information);
    const auto q = static_cast<Eigen::Index>(kept.size());
    Evaluation restricted;
    restricted.loglik = current.loglik;
    restricted.score.resize(q);
    restricted.information.resize(q, q);
    for (Eigen::Index a = 0; a < q; ++a) {
      const auto ka = static_cast<std::size_t>(kept[static_cast<std::size_t>(a)]);
      fitted.index.push_back(candidates.index[ka]);
      fitted.centre.push_back(candidates.centre[ka]);
      fitted.scale.push_back(candidates.scale[ka]);
      restricted.score[a] = current.score[kept[static_cast<std::size_t>(a)]];
      for (Eigen::Index b = 0; b < q; ++b) {
        restricted.information(a, b) = current.information(kept[static_cast<std::size_t>(a)],
                                                           kept[static_cast<std::size_t>(b)]);
      }
    }
    restricted.finite = std::isfinite(restricted.loglik) && restricted.score.allFinite() &&
                        restricted.information.allFinite();
    current = std::move(restricted);
  }
  std::vector<int> columns;
  for (const std::size_t c : fitted.index) columns.push_back(static_cast<int>(c));
  const auto likelihood = [&](const Eigen::VectorXd& beta) { return evaluate(walk, fitted, beta); };
  const auto q = static_cast<int>(fitted.index.size());
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
      ++fit.halvings;
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

namespace {

/// The span overloads: rows sorted once into memory, then the one likelihood above.
/// `owned` is x itself when the caller handed it over (freed once the rows hold a copy).
CoxFit fit_in_memory(std::span<const double> time, std::span<const std::int8_t> event, const Eigen::MatrixXd& x,
                     Eigen::MatrixXd* owned, std::span<const std::int32_t> strata, Ties ties, int max_iterations,
                     double tolerance) {
  const std::size_t n = time.size();
  if (event.size() != n || static_cast<std::size_t>(x.rows()) != n || !(strata.empty() || strata.size() == n)) {
    throw std::invalid_argument("cox_fit: time, event, rows of x and strata lengths differ");
  }
  check_arguments(max_iterations, tolerance, std::numeric_limits<double>::infinity());
  // Before the sort, which needs ordered times; the fit validates the rest.
  for (const double t : time) {
    if (!(std::isfinite(t) && t >= 0.0)) throw std::invalid_argument("cox_fit: times must be finite and >= 0");
  }
  const InMemorySurvival rows(time, event, static_cast<std::size_t>(x.cols()),
                              std::span<const double>(x.data(), static_cast<std::size_t>(x.size())), strata, {},
                              InMemorySurvival::Layout::kColumnMajor);
  // x is not read again: a caller that handed it over gets its memory back now.
  if (owned != nullptr) owned->resize(0, 0);
  return cox_fit(rows, ties, max_iterations, tolerance);
}

}  // namespace

CoxFit cox_fit(std::span<const double> time, std::span<const std::int8_t> event, const Eigen::MatrixXd& x,
               std::span<const std::int32_t> strata, Ties ties, int max_iterations, double tolerance) {
  return fit_in_memory(time, event, x, nullptr, strata, ties, max_iterations, tolerance);
}

CoxFit cox_fit(std::span<const double> time, std::span<const std::int8_t> event, Eigen::MatrixXd&& x,
               std::span<const std::int32_t> strata, Ties ties, int max_iterations, double tolerance) {
  return fit_in_memory(time, event, x, &x, strata, ties, max_iterations, tolerance);
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
