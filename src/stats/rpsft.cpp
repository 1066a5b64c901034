/// @file
/// @brief RPSFT g-estimation and hazard ratio (rpsft.hpp).

#include "stats/rpsft.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <Eigen/Core>
#include <boost/math/distributions/normal.hpp>

#include "stats/survival.hpp"
#include "stats/survival_source.hpp"
#include "stats/survival_sweep.hpp"

namespace silico::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check(const RpsftData& d) {
  const std::size_t n = d.time.size();
  if (d.event.size() != n || d.on_treatment.size() != n || d.censor_time.size() != n || d.treated.size() != n) {
    throw std::invalid_argument("rpsft: the patients' columns differ in length");
  }
}

double logrank_z(std::span<const double> time, std::span<const std::int8_t> event,
                 std::span<const std::int8_t> group) {
  const InMemorySurvival rows(time, event, 0, {}, {}, group);
  return fh_logrank_sweep(rows, 0.0, 0.0, 0.05).z;
}

}  // namespace

Counterfactual rpsft_counterfactual(const RpsftData& d, double psi, bool recensor) {
  check(d);
  const double factor = std::exp(psi);
  Counterfactual u;
  u.time.resize(d.time.size());
  u.event.resize(d.time.size());
  for (std::size_t i = 0; i < d.time.size(); ++i) {
    const double off = d.time[i] - d.on_treatment[i];
    double t = off + factor * d.on_treatment[i];
    std::int8_t e = d.event[i];
    if (recensor) {
      // The earliest censoring any treatment history could give: C when the treatment
      // lengthens life (psi < 0), C exp(psi) when it shortens it.
      const double bound = std::min(d.censor_time[i], d.censor_time[i] * factor);
      if (t > bound) {
        t = bound;
        e = 0;
      }
    }
    u.time[i] = t;
    u.event[i] = e;
  }
  return u;
}

double rpsft_z(const RpsftData& d, double psi, bool recensor) {
  const auto u = rpsft_counterfactual(d, psi, recensor);
  return logrank_z(u.time, u.event, d.treated);
}

RpsftFit rpsft_fit(const RpsftData& d, double alpha, bool recensor) {
  check(d);
  if (!(alpha > 0.0 && alpha < 1.0)) throw std::invalid_argument("rpsft: alpha must be in (0, 1)");
  RpsftFit fit;
  fit.hazard_ratio = {kNaN, kNaN, kNaN, kNaN, kNaN};
  fit.itt_z = logrank_z(d.time, d.event, d.treated);
  fit.itt_p = std::isfinite(fit.itt_z) ? 2.0 * boost::math::cdf(boost::math::normal(), -std::abs(fit.itt_z)) : kNaN;
  fit.psi = kNaN;
  double lo = 0.0, hi = 0.0, z_lo = kNaN;
  for (double b = 1.0; b <= 8.0 && !fit.converged; b *= 2.0) {
    lo = -b;
    hi = b;
    z_lo = rpsft_z(d, lo, recensor);
    const double z_hi = rpsft_z(d, hi, recensor);
    // Z falls as psi rises: a treated patient's U grows with exp(psi).
    fit.converged = std::isfinite(z_lo) && std::isfinite(z_hi) && z_lo > 0.0 && z_hi < 0.0;
  }
  if (!fit.converged) return fit;
  while (hi - lo > 1e-10) {
    const double mid = 0.5 * (lo + hi);
    const double z = rpsft_z(d, mid, recensor);
    if (!std::isfinite(z)) {
      fit.converged = false;
      return fit;
    }
    (z > 0.0 ? lo : hi) = mid;
  }
  fit.psi = 0.5 * (lo + hi);

  // Treated: observed; control: counterfactual at psi, recensored.
  const auto u = rpsft_counterfactual(d, fit.psi, recensor);
  const std::size_t n = d.time.size();
  std::vector<double> time(n);
  std::vector<std::int8_t> event(n);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), 1);
  for (std::size_t i = 0; i < n; ++i) {
    const bool treated = d.treated[i] != 0;
    time[i] = treated ? d.time[i] : u.time[i];
    event[i] = treated ? d.event[i] : u.event[i];
    x(static_cast<Eigen::Index>(i), 0) = treated ? 1.0 : 0.0;
  }
  const CoxFit cox = cox_fit(time, event, x);
  if (!cox.converged) return fit;
  const double log_hr = cox.beta(0);
  const double se = std::abs(log_hr) / std::abs(fit.itt_z);
  const double q = boost::math::quantile(boost::math::normal(), 1.0 - alpha / 2.0);
  fit.hazard_ratio = {std::exp(log_hr), se, std::exp(log_hr - q * se), std::exp(log_hr + q * se), fit.itt_p};
  return fit;
}

}  // namespace silico::stats
