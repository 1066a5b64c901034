#pragma once
/// @file
/// @brief Survival analysis beyond estimates.hpp: Kaplan-Meier confidence intervals,
/// stratified log-rank, Cox proportional hazards. Pure: no MPI, HDF5 or YAML.
///
/// Conventions follow estimates.hpp: invalid arguments (mismatched lengths, alpha outside
/// (0, 1), negative or non-finite times, event or group codes other than 0/1, non-finite
/// covariates) throw std::invalid_argument; a quantity that the data do not define is NaN
/// (or an empty optional), never an exception. Ties are ordered as in R's survival:
/// events before censorings at the same time.

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "stats/estimates.hpp"
#include "stats/survival_source.hpp"

namespace silico::stats {

/// Survival at a landmark time with Greenwood SE and a log-log CI
/// (S^exp(+-z se/(S log S)), the "log-log" interval of SAS and of R's conf.type="log-log").
///
/// S(time) is the curve at the last event time <= time (1 before the first event).
/// Where the log-log interval is undefined the limits are the curve itself: [1, 1] with
/// se 0 before the first event, [0, 0] with se 0 once the curve has reached 0 (R reports
/// NA there). Everything but `time` is NaN when the curve is unknown at `time`: an empty
/// curve, or time > km.max_time while S > 0. Throws for time < 0, non-finite time or
/// alpha outside (0, 1).
struct SurvivalPoint {
  double time = 0.0;
  double survival = 0.0;
  double se = 0.0;  ///< Greenwood: S * sqrt(sum d/(n(n-d)))
  double ci_low = 0.0;
  double ci_high = 0.0;
};
SurvivalPoint survival_at(const KaplanMeier& km, double time, double alpha);

/// Median with the Brookmeyer-Crowley CI: the set of times t whose log-log-transformed
/// test of S(t) = 0.5 is not rejected at level alpha; bounds empty when not reached.
///
/// As R's quantile.survfit computes it: the median is km_median(); the lower limit is
/// where the lower log-log band first reaches 0.5, the upper limit where the upper band
/// does, each with km_median's rules (a band flat at 0.5 within sqrt(DBL_EPSILON) gives
/// the midpoint of the flat). The band is undefined where S = 0, so a curve that only
/// reaches 0 at its last event does not close the interval there (R: NA).
struct MedianEstimate {
  std::optional<double> median;
  std::optional<double> ci_low;
  std::optional<double> ci_high;
};
MedianEstimate median_with_ci(const KaplanMeier& km, double alpha);

/// Log-rank test stratified by `strata` (sum of per-stratum O-E and V), with the Peto
/// hazard-ratio estimate as in logrank(). group: 1 = treated, 0 = control.
/// `strata` may be empty (one stratum, the same as logrank()); otherwise one id per row.
/// Everything is NaN when the summed V is 0 (no stratum with informative events).
Estimate logrank_stratified(std::span<const double> time, std::span<const std::int8_t> event,
                            std::span<const std::int8_t> group,
                            std::span<const std::int32_t> strata, double alpha);

enum class Ties { kEfron, kBreslow };

/// Cox proportional-hazards fit by Newton-Raphson on the partial likelihood.
///
/// Columns are centred and scaled internally (as R's coxph does); beta and covariance are
/// reported on the original scale. A column that cannot be estimated (constant, without
/// information, e.g. when there are no events, or collinear with earlier columns: its
/// Cholesky pivot in the information at beta = 0 is below eps^0.75 of its diagonal, after
/// R's cholesky2) is dropped from the fit: its beta and its row and column of covariance
/// are NaN, and the tests have one degree of freedom per remaining column (statistics and
/// p are NaN when none remains).
struct CoxFit {
  Eigen::VectorXd beta;        ///< log hazard ratios, one per column of x
  Eigen::MatrixXd covariance;  ///< inverse observed information at beta
  double loglik_null = 0.0;    ///< partial log-likelihood at beta = 0
  double loglik = 0.0;         ///< at beta
  double lr_statistic = 0.0;   ///< 2 (loglik - loglik_null), chi-square with p df
  double lr_p = 1.0;
  double score_statistic = 0.0;  ///< U(0)' I(0)^-1 U(0)
  double score_p = 1.0;
  double wald_statistic = 0.0;  ///< beta' covariance^-1 beta
  double wald_p = 1.0;
  int iterations = 0;  ///< Newton steps taken (each may have been halved)
  int halvings = 0;    ///< step halvings tried, in all: each cost one walk of the rows
  /// True when a step changed the log-likelihood by at most tolerance * |loglik| and the
  /// Newton step after it is below sqrt(tolerance) * max(1, |beta|) on the internal scale
  /// (that last step is taken as well, so beta is then accurate to rounding). False when
  /// max_iterations ran out first (e.g. a diverging coefficient under separation: the
  /// likelihood keeps rising, the step stays near 1), when no halving of a step could
  /// raise the likelihood, or when a column was dropped.
  bool converged = false;
};

/// Fit on rows read only through `rows`, holding O(p^2 x strata) values, never O(n).
/// Rows' x are the covariates (treatment indicator usually first); rows' group is ignored;
/// rows' stratum ids give separate baseline hazards (a tie group is a stratum and a time).
/// `cut`: a row with time > cut counts as censored at cut (a data cut); +inf = none.
///
/// Walks: one forward walk validates the rows and takes the column means; one backward
/// walk takes the mean absolute deviations and the likelihood at beta = 0 (centred
/// columns, scaled afterwards: at beta = 0 the weights do not depend on the scale); then
/// each Newton step and each halving is one backward walk. In all
/// 2 + iterations + halvings walks, one more when a step could not be accepted.
/// Each step that lowers the log-likelihood is halved (up to 20 times). Throws
/// std::invalid_argument for invalid time/event values or non-finite x (found during the
/// first walk), max_iterations < 0, tolerance not in (0, 1) or a NaN or negative cut.
CoxFit cox_fit(const SurvivalSource& rows, Ties ties = Ties::kEfron, int max_iterations = 30,
               double tolerance = 1e-9, double cut = std::numeric_limits<double>::infinity());

/// The same on rows in memory: x is n x p covariates, `strata` empty or one id per row.
/// Sorts the rows once into an InMemorySurvival (O(n log n), one row-major copy of x),
/// then fits on it. Throws std::invalid_argument for mismatched sizes, and as above.
CoxFit cox_fit(std::span<const double> time, std::span<const std::int8_t> event,
               const Eigen::MatrixXd& x, std::span<const std::int32_t> strata = {},
               Ties ties = Ties::kEfron, int max_iterations = 30, double tolerance = 1e-9);
/// The same, taking over `x` and freeing it as soon as the sorted rows hold their copy,
/// so that a fit on millions of rows needs one copy of the covariates, not two.
CoxFit cox_fit(std::span<const double> time, std::span<const std::int8_t> event, Eigen::MatrixXd&& x,
               std::span<const std::int32_t> strata = {}, Ties ties = Ties::kEfron, int max_iterations = 30,
               double tolerance = 1e-9);

/// Hazard ratio of coefficient j: exp(beta_j), Wald CI, Wald p.
/// `se` is the standard error of beta_j (log scale). NaN for a dropped column.
/// Throws std::invalid_argument for j out of range or alpha outside (0, 1).
Estimate cox_hazard_ratio(const CoxFit& fit, int j, double alpha);

}  // namespace silico::stats
