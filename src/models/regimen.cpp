#include "models/regimen.hpp"

namespace silico::models {

std::vector<pk::Dose> dose_events(const Regimen& regimen) {
  std::vector<pk::Dose> doses;
  doses.reserve(regimen.doses);
  for (std::uint32_t k = 0; k < regimen.doses; ++k) {
    double amount = regimen.dose_mg;
    for (const auto& change : regimen.changes) {
      if (k + 1 >= change.from_dose) amount = change.dose_mg;
    }
    if (k == 0 && regimen.loading_dose_mg >= 0.0) amount = regimen.loading_dose_mg;
    doses.push_back({regimen.start_h + k * regimen.interval_h, amount, regimen.route, regimen.infusion_h});
  }
  return doses;
}

}  // namespace silico::models
