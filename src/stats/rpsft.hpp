#pragma once
/// @file
/// @brief The rank-preserving structural failure time model (RPSFT; Robins and Tsiatis
/// 1991) for treatment switching: the hazard ratio had no control patient switched to the
/// experimental treatment (the hypothetical strategy of ICH E9(R1)), from the randomized
/// comparison alone. Pure: no MPI, HDF5 or YAML.
///
/// Each patient's counterfactual time on the control treatment is
///   U(psi) = off + exp(psi) on,
/// with `on` the time spent on the experimental treatment (a treated patient's whole
/// time, a control switcher's time after switching). psi is g-estimated as the root of the
/// randomized arms' log-rank Z on U(psi): under randomization the counterfactual times have
/// one distribution in both arms. Recensoring (on by default, as in R's rpsftm) censors
/// every U at D(psi) = min(C, C exp(psi)), C the patient's administrative censoring time,
/// since the censoring of U must not depend on the treatment received. The hazard ratio
/// compares the treated arm's observed times with the control arm's counterfactual times
/// (recensored), by Cox (Efron); its CI keeps the intention-to-treat log-rank p-value
/// (SE = |log HR| / |Z_ITT|), the usual convention (White et al. 1999, Latimer et al. 2014
/// NICE DSU TSD 16), since the g-estimate carries no simple variance.

#include <cstdint>
#include <span>
#include <vector>

#include "stats/estimates.hpp"

namespace silico::stats {

/// One patient per element.
struct RpsftData {
  std::vector<double> time;               ///< observed time (from randomization), >= 0
  std::vector<std::int8_t> event;         ///< 1 event, 0 censored
  std::vector<double> on_treatment;       ///< time on the experimental treatment, in [0, time]
  std::vector<double> censor_time;        ///< administrative censoring time C, >= time
  std::vector<std::int8_t> treated;       ///< randomized arm: 1 experimental, 0 control
};

/// U(psi) and its event indicator, recensored at min(C, C exp(psi)) when `recensor`.
struct Counterfactual {
  std::vector<double> time;
  std::vector<std::int8_t> event;
};
Counterfactual rpsft_counterfactual(const RpsftData& data, double psi, bool recensor = true);

/// The randomized arms' log-rank Z (treated vs control, < 0 when treated does better) on
/// U(psi): the g-estimation function, decreasing in psi up to its steps.
double rpsft_z(const RpsftData& data, double psi, bool recensor = true);

struct RpsftFit {
  double psi = 0.0;         ///< g-estimate; exp(-psi) is the time ratio of the treatment
  double itt_z = 0.0;       ///< log-rank Z of the observed times
  double itt_p = 1.0;       ///< its two-sided p
  Estimate hazard_ratio;    ///< treated observed vs control counterfactual; NaN when not found
  bool converged = false;   ///< a sign change of Z(psi) was found and bisected
};

/// g-estimates psi by bisection of Z(psi) on the first bracket [-b, b] (b = 1, 2, 4, 8)
/// where Z changes sign, to |interval| < 1e-10; Z is a step function of psi, so the root
/// is a step's location. Throws std::invalid_argument for mismatched sizes or alpha outside
/// (0, 1).
RpsftFit rpsft_fit(const RpsftData& data, double alpha, bool recensor = true);

}  // namespace silico::stats
