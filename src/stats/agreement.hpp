#pragma once
/// @file
/// @brief Agreement between a simulated and an observed distribution, for validation
/// against outcomes of real patients: the Kolmogorov distance sup |F_sim - F_obs|, from
/// empirical distribution functions or, under censoring, Kaplan-Meier curves. Pure.

#include <span>

#include "stats/estimates.hpp"

namespace silico::stats {

/// sup_x |F_a(x) - F_b(x)| of the empirical distribution functions of two samples (the
/// two-sample Kolmogorov-Smirnov statistic D). For 0/1 data it is |mean_a - mean_b|.
/// NaN when either sample is empty; throws std::invalid_argument for a non-finite value.
double ecdf_distance(std::span<const double> a, std::span<const double> b);

/// sup_{0 <= t <= horizon} |S_a(t) - S_b(t)| of two Kaplan-Meier curves. Both are step
/// functions continuous from the right, so the supremum is attained at 0 or at an event
/// time of either curve; those up to `horizon` are compared. The caller picks a horizon
/// on which both curves are known (at most the smaller max_time). NaN when either curve
/// is empty; throws std::invalid_argument for a negative or non-finite horizon.
double km_distance(const KaplanMeier& a, const KaplanMeier& b, double horizon);

/// The asymptotic critical value of the two-sample Kolmogorov statistic at level 0.05,
/// c sqrt((n + m) / (n m)) with c = sqrt(-ln(0.025) / 2) = 1.358 (Smirnov 1948): the distance two samples of sizes n and m
/// from one distribution exceed in 5 % of cases. A scale for the observed distance, not a
/// test under censoring. NaN when n or m is 0.
double kolmogorov_critical_95(double n, double m);

}  // namespace silico::stats
