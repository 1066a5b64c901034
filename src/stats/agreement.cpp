#include "stats/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace silico::stats {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> sorted(std::span<const double> x) {
  std::vector<double> v(x.begin(), x.end());
  if (std::any_of(v.begin(), v.end(), [](double value) { return !std::isfinite(value); })) {
    throw std::invalid_argument("ecdf_distance: non-finite value");
  }
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

double ecdf_distance(std::span<const double> a, std::span<const double> b) {
  const auto x = sorted(a);
  const auto y = sorted(b);
  if (x.empty() || y.empty()) return kNaN;
  // Merge walk: after passing every copy of the next value, both ECDFs are exact there.
  std::size_t i = 0, j = 0;
  double largest = 0.0;
  const double n = static_cast<double>(x.size()), m = static_cast<double>(y.size());
  while (i < x.size() && j < y.size()) {
    const double t = std::min(x[i], y[j]);
    while (i < x.size() && x[i] == t) ++i;
    while (j < y.size() && y[j] == t) ++j;
    largest = std::max(largest, std::fabs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  return largest;
}

double km_distance(const KaplanMeier& a, const KaplanMeier& b, double horizon) {
  if (!(horizon >= 0.0) || !std::isfinite(horizon)) throw std::invalid_argument("km_distance: horizon must be >= 0");
  if (a.n == 0 || b.n == 0) return kNaN;
  std::size_t i = 0, j = 0;
  double sa = 1.0, sb = 1.0, largest = 0.0;
  while (true) {
    const double ta = i < a.time.size() ? a.time[i] : std::numeric_limits<double>::infinity();
    const double tb = j < b.time.size() ? b.time[j] : std::numeric_limits<double>::infinity();
    const double t = std::min(ta, tb);
    if (!(t <= horizon)) break;
    if (ta == t) sa = a.survival[i++];
    if (tb == t) sb = b.survival[j++];
    largest = std::max(largest, std::fabs(sa - sb));
  }
  return largest;
}

double kolmogorov_critical_95(double n, double m) {
  if (!(n > 0.0) || !(m > 0.0)) return kNaN;
  // c(alpha) = sqrt(-ln(alpha / 2) / 2) = 1.358 at alpha = 0.05.
  const double c = std::sqrt(-std::log(0.05 / 2.0) / 2.0);
  return c * std::sqrt((n + m) / (n * m));
}

}  // namespace silico::stats
