#pragma once
/// @file
/// @brief Internal to src/stats: the quadrature grid of Jennison & Turnbull (2000, section
/// 19.2.1) shared by the group-sequential recursions (group_sequential.cpp and
/// group_sequential_design.cpp). Not part of the public API.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace silico::stats::detail {

// Grid size parameter r of Jennison & Turnbull (2000, 19.2.1), who find r = 16 accurate to
// about 1e-6 in probability. With r = 64 (about 12 r = 770 points on an open region) the
// boundaries of the test designs agree with r = 1024, and with an independent
// Gauss-Legendre computation, to 6e-8 (five equal looks: 5e-9), far inside the 1e-4
// wanted; r = 16 is off by up to 1e-6. One design takes tens of milliseconds.
inline constexpr int kMinGridR = 64;
// Finer grids when looks are close: the kernel of the next step has SD
// sqrt(Delta t / t) on the Z scale, and with r = 16 / SD the central spacing 3 / (4 r) is
// SD / 21. (With 8 / SD, two looks at t = 0.99 and 1 were off by 6e-8.)
inline constexpr double kPointsPerKernelSd = 16.0;
// Looks closer than Delta t / t ~ 2.4e-4 would need ever finer grids (the cost is
// quadratic in r: about a second per look at the cap); beyond it accuracy degrades gently.
inline constexpr int kMaxGridR = 1024;

// Quadrature nodes and Simpson weights on (a, b) for a Z statistic with mean `center` and
// SD 1 (Jennison & Turnbull 2000, 19.2.1): the base points, denser near the mean and
// spreading logarithmically into the tails, trimmed to (a, b) with a and b added when
// finite; then the midpoint of each pair of neighbours for Simpson's rule.
struct Grid {
  std::vector<double> z;
  std::vector<double> w;
};

inline Grid make_grid(double a, double b, int r, double center = 0.0) {
  std::vector<double> odd;  // the points z_1, z_3, ..., z_m
  if (std::isfinite(a)) odd.push_back(a);
  const double rd = static_cast<double>(r);
  for (int i = 1; i <= 6 * r - 1; ++i) {
    const double id = static_cast<double>(i);
    double x;
    if (i <= r - 1) {
      x = -3.0 - 4.0 * std::log(rd / id);
    } else if (i <= 5 * r) {
      x = -3.0 + 3.0 * (id - rd) / (2.0 * rd);
    } else {
      x = 3.0 + 4.0 * std::log(rd / (6.0 * rd - id));
    }
    x += center;  // exact for center = 0 (no base point is -0.0)
    if (x > a && x < b) odd.push_back(x);
  }
  if (std::isfinite(b)) odd.push_back(b);

  Grid g;
  if (odd.size() < 2) return g;  // empty region: no mass carried forward
  const std::size_t m = 2 * odd.size() - 1;
  g.z.resize(m);
  g.w.assign(m, 0.0);
  for (std::size_t i = 0; i < odd.size(); ++i) g.z[2 * i] = odd[i];
  for (std::size_t i = 1; i < m; i += 2) g.z[i] = 0.5 * (g.z[i - 1] + g.z[i + 1]);
  // Simpson on each panel [z_{2i}, z_{2i+2}] (0-based) with its midpoint.
  for (std::size_t i = 0; i + 2 < m; i += 2) {
    const double h = g.z[i + 2] - g.z[i];
    g.w[i] += h / 6.0;
    g.w[i + 1] += 4.0 * h / 6.0;
    g.w[i + 2] += h / 6.0;
  }
  return g;
}

// Grid parameter for look k (0-based) so that the kernels to and from its neighbours are
// resolved: the smaller of the conditional SDs sqrt((t_{k+1} - t_k) / t_k) and
// sqrt((t_k - t_{k-1}) / t_k).
inline int grid_r(std::span<const double> t, std::size_t k) {
  double sd = std::numeric_limits<double>::infinity();
  if (k + 1 < t.size()) sd = std::min(sd, std::sqrt((t[k + 1] - t[k]) / t[k]));
  if (k > 0) sd = std::min(sd, std::sqrt((t[k] - t[k - 1]) / t[k]));
  const double wanted = std::ceil(kPointsPerKernelSd / sd);
  if (!(wanted < static_cast<double>(kMaxGridR))) return kMaxGridR;
  return std::max(kMinGridR, static_cast<int>(wanted));
}

}  // namespace silico::stats::detail
