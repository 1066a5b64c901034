#pragma once
/// @file
/// @brief Concentrations of a linear PK model on a sorted time grid in O(doses + times):
/// the concentration is a sum of decaying exponentials (modes), so each mode's sum over
/// all earlier doses is carried forward from one time to the next by one multiplication,
/// instead of re-summing every dose at every time as pk::concentration does.

#include <span>

#include "models/pk_closed_form.hpp"

namespace silico::models::pk {

/// True when the fast path applies: IV bolus and oral doses only, and an absorption rate
/// distinct from the disposition rates (otherwise use pk::concentration per time).
bool grid_supported(const OneCompartment& model, std::span<const Dose> doses);
bool grid_supported(const TwoCompartment& model, std::span<const Dose> doses);

/// An interval [start_h, end_h] whose AUC is wanted from the same pass.
struct AucWindow {
  double start_h = 0.0;
  double end_h = 0.0;
};

/// out[k] = concentration(model, doses, times[k]) for increasing `times`, to rounding.
/// With `window`, also returns the AUC over it (as pk::auc, to rounding); without, 0.
/// The cost is O(doses + times) plus one exponential per mode for each distinct gap
/// between consecutive events, so an evenly spaced grid costs no exponential per point.
double grid_concentrations(const OneCompartment& model, std::span<const Dose> doses,
                           std::span<const double> times, std::span<double> out,
                           const AucWindow* window = nullptr);
double grid_concentrations(const TwoCompartment& model, std::span<const Dose> doses,
                           std::span<const double> times, std::span<double> out,
                           const AucWindow* window = nullptr);

}  // namespace silico::models::pk
