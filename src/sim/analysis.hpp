#pragma once
/// @file
/// @brief The trial's analyses of one replicate: per-arm descriptive statistics and every
/// method of the spec's `analysis` section, each next to the true effect of the same
/// patients computed from their potential outcomes. Each method is a file of sim/methods/,
/// registered by name (sim/method.hpp); this file walks the replicate and holds what the
/// methods share.
///
/// A replicate is read as a walk over blocks of patients, never whole: per-arm moments, 2x2
/// tables and regressions are accumulated row by row (OlsAccumulator); survival rows go to
/// buffers that the sweeps of survival_sweep.hpp and cox_fit() walk in time order, and that
/// the run keeps in sorted runs on disk. Memory is then bounded by the block and the buffers'
/// in-memory share, not by the number of patients. ANCOVA's HC3 error and the interim looks
/// of a non-survival endpoint take a second walk. The external-control comparison holds
/// the external cohort (of the spec's fixed size) and streams the trial's treated patients
/// through a buffer that it walks: the propensity fit, shared by psm and iptw, takes one
/// walk per Newton step plus one; psm then takes four more (two for the SD of the treated
/// logits when there is a caliper, two replaying the matching for the means and squared
/// deviations), iptw two more.
///
/// Results are flat named series, one value per replicate, so that they can be written
/// as [R] datasets and combined across replicates (operating characteristics). The
/// names and their order depend on the spec only, never on the data: a quantity that is
/// undefined for some replicate is NaN there.

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "sim/simulate.hpp"
#include "spec/spec.hpp"
#include "stats/estimates.hpp"
#include "stats/survival_source.hpp"

namespace silico::sim {

/// One value of one replicate, at a path such as `os/cox/treatment/effect` or
/// `os/arms/control/median` (relative to /replicates in the result file).
struct Series {
  std::string path;
  double value = std::numeric_limits<double>::quiet_NaN();
};

/// A string attribute on a group of series, e.g. `os/cox` measure = hazard_ratio.
struct SeriesAttribute {
  std::string group;
  std::string name;
  std::string value;
};

class TrialAnalysis {
 public:
  /// Prepares what every replicate shares: fits the PROCOVA prognostic model on the
  /// historical cohort (simulated here, under the control arm) when the spec asks for it.
  explicit TrialAnalysis(const spec::TrialSpec& spec);

  /// Visits a replicate's patients as consecutive blocks, patient 0 first. Called once per
  /// pass over the replicate (at most twice).
  using BlockWalk = std::function<void(const std::function<void(const Block&)>&)>;
  /// Makes the buffer that holds one survival data set of the replicate while it is analysed.
  using BufferFactory = std::function<std::unique_ptr<stats::SurvivalBuffer>(std::size_t covariates)>;

  /// Analyse one replicate read through `walk`.
  std::vector<Series> analyze(const BlockWalk& walk, std::uint64_t replicate, const BufferFactory& buffers) const;

  /// Analyse one replicate held whole in `block` (first = 0), with in-memory buffers.
  std::vector<Series> analyze(const Block& block) const;

  /// Attributes describing the series groups (measure, primary method, ...).
  std::vector<SeriesAttribute> attributes() const;

  /// PROCOVA prognostic model coefficients of endpoint e (intercept first, then one per
  /// covariate), empty if the endpoint does not use PROCOVA.
  const std::vector<double>& prognostic_coefficients(std::size_t e) const { return prognostic_[e]; }

 private:
  const spec::TrialSpec& spec_;
  std::vector<std::vector<double>> prognostic_;  ///< per endpoint
  std::vector<std::vector<double>> boundaries_;  ///< per endpoint; empty without interim looks
};

/// The measure an estimate of `method` is on: mean_difference, hazard_ratio, ...
const char* method_measure(const std::string& method);

}  // namespace silico::sim
