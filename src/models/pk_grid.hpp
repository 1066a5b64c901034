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

/// out[k] = concentration(model, doses, times[k]) for increasing `times`, to rounding.
void grid_concentrations(const OneCompartment& model, std::span<const Dose> doses,
                         std::span<const double> times, std::span<double> out);
void grid_concentrations(const TwoCompartment& model, std::span<const Dose> doses,
                         std::span<const double> times, std::span<double> out);

}  // namespace silico::models::pk
