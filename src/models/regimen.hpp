#pragma once
/// @file
/// @brief Dosing regimens of trial arms and their expansion into dose events.

#include <cstdint>
#include <vector>

#include "models/pk_closed_form.hpp"

namespace silico::models {

/// A dose reduction: from the 1-based dose number `from_dose` on, each dose is `dose_mg`.
struct DoseChange {
  std::uint32_t from_dose = 1;
  double dose_mg = 0.0;
};

/// `doses` doses of `dose_mg` every `interval_h`, starting at `start_h`; the first dose can
/// be a loading dose; dose changes apply from a given dose on.
struct Regimen {
  double dose_mg = 0.0;
  pk::Route route = pk::Route::kOral;
  double interval_h = 24.0;
  std::uint32_t doses = 1;
  double infusion_h = 0.0;       ///< iv_infusion only
  double loading_dose_mg = -1.0; ///< < 0: none
  double start_h = 0.0;
  std::vector<DoseChange> changes;  ///< increasing from_dose
};

/// The regimen's doses in time order (amounts in mg, times in h).
std::vector<pk::Dose> dose_events(const Regimen& regimen);

}  // namespace silico::models
