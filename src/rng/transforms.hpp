#pragma once
/// @file
/// @brief Uniform-to-distribution transforms, written once here so that the numbers
/// for a given seed do not change with the compiler or a library upgrade.

#include <cstdint>

namespace silico::rng {

/// Top 52 bits of `bits` mapped to the centre of one of 2^52 equal cells of (0, 1).
/// 52, not 53: the top cell's centre 1 - 2^-53 is a double, whereas with 53 bits it
/// would be 1 - 2^-54, which rounds to exactly 1.
inline double uniform_open(std::uint64_t bits) {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

/// Standard normal quantile, Wichura's algorithm AS 241 (PPND16), Applied
/// Statistics 37(3):477-484, 1988; relative accuracy about 1e-16. p in (0, 1).
double normal_quantile(double p);

/// Standard normal CDF, 0.5 * erfc(-x / sqrt 2).
double normal_cdf(double x);

/// Quantile of N(0,1) truncated to [a, b] (a < b, either may be infinite) at u in (0,1),
/// computed on the tail nearer to the interval so that far tails keep precision.
double truncated_normal_quantile(double u, double a, double b);

}  // namespace silico::rng
