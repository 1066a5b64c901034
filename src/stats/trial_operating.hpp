#pragma once
/// @file
/// @brief Operating characteristics of a simulated trial design over its replicates, as
/// plain results: the group-sequential design of a primary method look by look and the
/// multiplicity procedure hypothesis by hypothesis. `silico summarize` fills them from a
/// result file (cli/summary.cpp) and `silico report` renders them; both read these structs,
/// which need nothing of io/, MPI or HDF5. Also the analytic crossing probabilities of a
/// design under the simulated true effect (the drift), computed with
/// crossing_probabilities() of group_sequential_design.hpp. Pure.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stats/multiplicity.hpp"

namespace silico::stats {

/// Group-sequential operating characteristics of the primary method.
struct GroupSequentialRow {
  std::string method;
  std::string treatment;
  std::string measure;             ///< of the method, e.g. hazard_ratio, mean_difference
  std::string spending;
  std::vector<double> looks;       ///< information fractions
  std::vector<double> boundaries;  ///< |Z| efficacy boundaries
  /// group_sequential.look_times: the interim looks' calendar times, and the planned
  /// design's fractions and bounds; `looks` and `boundaries` are then the means over the
  /// replicates of the information each look had and of the bound it used.
  std::vector<double> look_times, planned_looks, planned_boundaries;
  /// fh or maxcombo (gs_boundary_kind max_statistic): each replicate solved its own bounds
  /// from its tests' covariance; `boundaries` are one statistic's with the same spending.
  bool max_statistic = false;
  double rejection_rate = 0.0, rejection_rate_mcse = 0.0;
  double expected_information = 0.0, expected_information_mcse = 0.0;  ///< events or patients
  std::vector<double> stop_probability;  ///< P(stop for efficacy at look k)
  // A design other than the two-sided O'Brien-Fleming or Pocock types (gs_sided present):
  std::string sided = "two";            ///< one or two
  double alpha = 0.0;                   ///< the design's level (one-sided: one-sided); 0 if not stored
  std::string benefit;                  ///< one-sided: lower or higher
  std::vector<double> nominal_p;        ///< one-sided: 1 - Phi(u_k)
  /// Analytic cumulative crossing probabilities under H0 (futility stops in place), as
  /// the file stores them (one-sided designs and two-sided ones of other spending types;
  /// two-sided: the upper tail only).
  std::vector<double> h0_efficacy_crossing, h0_futility_crossing;
  std::string futility_spending;        ///< empty without futility
  bool futility_binding = false;
  std::vector<double> futility_boundaries;
  std::vector<double> futility_stop_probability;  ///< P(stop for futility at look k)
  /// Hazard-ratio endpoints: each bound on the hazard-ratio scale (Schoenfeld) at the mean
  /// events of its look and the randomized share of treatment; empty otherwise.
  std::vector<double> hazard_ratio_boundaries, futility_hazard_ratio_boundaries;
  /// Mean differences: each bound on the scale of the difference, u_k SE_K / sqrt(t_k) with
  /// SE_K the mean final SE and t_k the design's fraction, signed in the direction of benefit
  /// (one-sided, benefit lower: -u_k SE_k; two-sided: the upper bound, the lower is its
  /// negative); empty otherwise.
  std::vector<double> difference_boundaries, futility_difference_boundaries;

  // Per look, over the replicates (every replicate's data cut at the look, whether or not
  // the trial stopped earlier); empty when the file has no such series (only time-to-event
  // endpoints store them). NaN where no replicate reached the look.
  std::vector<double> look_events, look_patients, look_time;
  /// Means over the replicates of the events, patients and calendar time at the look the
  /// trial stopped at (the last when it did not stop); NaN without the per-look series.
  double expected_events_at_stop = 0.0, expected_patients_at_stop = 0.0, expected_time_at_stop = 0.0;
  /// Simulated cumulative crossing by look k (sums of the stop probabilities) with their
  /// Monte Carlo SE sqrt(P (1 - P) / R); futility empty without futility bounds.
  std::vector<double> efficacy_crossing, efficacy_crossing_mcse;
  std::vector<double> futility_crossing, futility_crossing_mcse;
  /// Analytic cumulative crossing under H0 from the bounds (two-sided: both tails, i.e. the
  /// rejection), with the futility stops in place; the last futility entry repeats the one
  /// before (at the last look not crossing is the end of the trial, not a stop).
  std::vector<double> null_efficacy_crossing, null_futility_crossing;
  /// The same under the simulated truth (drift `truth_drift`), see truth_drift(); empty
  /// when the measure has no mapping to a drift (only hazard ratios and mean differences).
  std::vector<double> truth_efficacy_crossing, truth_futility_crossing;
  double truth_effect = 0.0;  ///< the true effect the drift is of (hazard ratio: geometric mean)
  double truth_drift = 0.0;   ///< expected Z at full information in the direction of benefit
  std::vector<double> truth_fractions;  ///< the information fractions the truth was computed at
};

/// One hypothesis of analysis.multiplicity over the replicates.
struct MultiplicityHypothesisRow {
  std::string name;  ///< its series group, <k>_<endpoint>_<method>_<arm>
  std::string endpoint, method, arm;
  double weight = 0.0;      ///< initial weight (equal for bonferroni and holm without weights, hochberg)
  bool true_null = false;   ///< true effect at the null value in every replicate (see summarize)
  RateWithMcse rejection;   ///< after the procedure (reject series)
  RateWithMcse unadjusted;  ///< its own test, p < alpha, NaN p not rejected
};

/// analysis.multiplicity over the replicates (with replicates > 1): per hypothesis and
/// familywise, after the procedure and, for comparison, of the unadjusted tests.
struct MultiplicitySummary {
  std::string procedure;
  std::uint64_t replicates = 0;
  double alpha = 0.0;  ///< familywise (two-sided) alpha of the run
  std::vector<MultiplicityHypothesisRow> hypotheses;
  std::size_t true_nulls = 0;
  MultiplicityOperating adjusted;    ///< any, all, fwer after the procedure
  MultiplicityOperating unadjusted;  ///< the same of the tests at p < alpha each
};

/// Expected Z at full information of a design's statistic under a true effect: with the
/// statistic z = log(HR) / se (ratio measures) or effect / se, E[z] at the final look is
/// `log_or_identity_effect / final_se`, and the drift is that in the direction of benefit:
/// negated when `lower_is_benefit` (a one-sided design whose benefit is lower; for a
/// two-sided design with symmetric bounds the sign does not matter). For a hazard ratio the
/// final SE is Schoenfeld's 1 / sqrt(D p (1 - p)) (schoenfeld_se()). NaN when final_se is
/// not positive and finite or the effect is not finite.
double truth_drift(double log_or_identity_effect, double final_se, bool lower_is_benefit);

/// Schoenfeld (1983): the SE of log(HR) with `events` events and a share `allocation` of
/// the patients on treatment, 1 / sqrt(events p (1 - p)); NaN unless events > 0 and p in
/// (0, 1).
double schoenfeld_se(double events, double allocation);

/// Analytic cumulative crossing probabilities of a design's stored bounds under drift
/// theta, look by look: `efficacy` the probability of having stopped for efficacy by look
/// k (two-sided: rejection in either tail, bounds +-u_k), `futility` that of having stopped
/// for futility (one-sided with futility bounds l_k, l_K = u_K; empty without them), whose
/// last entry repeats the one before it: at the last look not crossing u_K ends the trial
/// and is not a futility stop. `futility_bounds` empty: no futility. Fractions strictly
/// increasing in (0, 1]; bounds one per look; else std::invalid_argument (from
/// crossing_probabilities()).
struct DesignCrossing {
  std::vector<double> efficacy, futility;
};
DesignCrossing design_crossing(std::span<const double> information_fractions,
                               std::span<const double> efficacy_bounds,
                               std::span<const double> futility_bounds, bool two_sided,
                               double theta);

}  // namespace silico::stats
