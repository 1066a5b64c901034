#pragma once
/// @file
/// @brief Survival analyses of one replicate as sweeps over a SurvivalSource: each walks
/// the rows in survival order a fixed number of times and keeps O(strata + landmarks)
/// state, never the rows nor a Kaplan-Meier curve, so memory does not grow with N. They
/// give the numbers of the in-memory estimators (estimates.hpp, survival.hpp) on the same
/// rows; both share the steps of km_steps.hpp. Pure: no MPI, HDF5 or YAML.
///
/// Each walk reads the whole source (on disk: the whole file), so every function says how
/// many it makes. `cut` is a data cut: a row with time > cut counts as censored at cut,
/// what an analysis at that cut sees. Rows have finite times >= 0 and events 0/1, or
/// std::invalid_argument is thrown; rows whose group is neither 0 nor 1 are skipped by
/// the two-group analyses. alpha outside (0, 1), and cut < 0 or NaN, throw.

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "stats/estimates.hpp"
#include "stats/survival.hpp"
#include "stats/survival_source.hpp"

namespace silico::stats {

/// Kaplan-Meier summary of the rows of one group, computed without materialising the curve.
struct KmSummary {
  std::uint64_t n = 0;                   ///< rows of the group
  std::uint64_t events = 0;              ///< events at or before the cut
  MedianEstimate median;                 ///< as median_with_ci(kaplan_meier(data), alpha)
  std::vector<SurvivalPoint> landmarks;  ///< as survival_at(km, t, alpha), in the order given
};

/// Kaplan-Meier median with its Brookmeyer-Crowley CI and landmark survival of the rows
/// whose group is `group`. Landmarks must be finite, >= 0 and <= cut. Two forward walks
/// (group size and last time, then the curve).
KmSummary km_summary(const SurvivalSource& rows, std::int8_t group, double alpha,
                     std::span<const double> landmarks,
                     double cut = std::numeric_limits<double>::infinity());

/// Log-rank test of group 1 vs group 0 stratified by row.stratum, with the Peto hazard
/// ratio: the same as logrank_stratified() (and logrank() when all strata are 0).
/// Two forward walks (per-stratum group sizes, then the sums).
Estimate logrank_sweep(const SurvivalSource& rows, double alpha,
                       double cut = std::numeric_limits<double>::infinity());

/// RMST difference (group 1 - group 0) at tau, as rmst_difference() on the cut data.
/// The variance sum_j A_j^2 d_j/(n_j(n_j-d_j)) (A_j: area from t_j to tau) is carried
/// forward as sums of non-negative terms that are updated as the area grows, so it needs
/// no backward walk; it matches rmst() to rounding (~1e-15 relative), the RMST itself
/// bit for bit. Two forward walks (group sizes and last times, then both curves).
Estimate rmst_difference_sweep(const SurvivalSource& rows, double tau, double alpha,
                               double cut = std::numeric_limits<double>::infinity());

/// The k-th (k >= 1) smallest event time, counting ties, among the rows of groups 0 and 1
/// when `group` < 0, else among the rows of `group`; NaN if there are fewer than k events.
/// One forward walk; throws for k == 0.
double kth_event_time(const SurvivalSource& rows, std::uint64_t k, std::int8_t group = -1);

/// Sample median of the times (events or not) of the rows of `group`, the mean of the two
/// middle values for even n, as sorting them would give; NaN when the group is empty.
/// Two forward walks (group size, then the middle order statistics).
double median_time(const SurvivalSource& rows, std::int8_t group);

}  // namespace silico::stats
