#include "models/pk_grid.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace silico::models::pk {

namespace {

/// Up to three modes: disposition rates (1 or 2) and absorption.
struct Modes {
  std::size_t count = 0;
  std::array<double, 3> rate{};           ///< 1/h
  std::array<double, 3> bolus{};          ///< C per mg of an IV bolus, per mode
  std::array<double, 3> oral{};           ///< C per mg of an oral dose (F included), per mode
};

/// Relative gap below which ka is treated as equal to a disposition rate (the closed form's
/// limiting t e^{-kt} term has no single-mode form).
constexpr double kDegenerate = 1e-6;

bool distinct(double ka, double rate) { return std::fabs(ka - rate) > kDegenerate * std::max(ka, rate); }

Modes modes(double ka, double f, std::span<const double> rates, std::span<const double> coefficients) {
  // Unit bolus: C = sum_j c_j e^{-l_j t}. Unit oral dose (first-order input with rate ka):
  // C = F ka sum_j c_j / (ka - l_j) (e^{-l_j t} - e^{-ka t}) -- the generalised Bateman
  // function, one extra mode at ka.
  Modes m;
  double absorption = 0.0;
  for (std::size_t j = 0; j < rates.size(); ++j) {
    m.rate[j] = rates[j];
    m.bolus[j] = coefficients[j];
    m.oral[j] = f * ka * coefficients[j] / (ka - rates[j]);
    absorption -= m.oral[j];
  }
  m.rate[rates.size()] = ka;
  m.bolus[rates.size()] = 0.0;
  m.oral[rates.size()] = absorption;
  m.count = rates.size() + 1;
  return m;
}

bool supported(std::span<const Dose> doses) {
  return std::all_of(doses.begin(), doses.end(), [](const Dose& d) { return d.route != Route::kIvInfusion; });
}

void evaluate(const Modes& m, const Absorption& absorption, std::span<const Dose> doses,
              std::span<const double> times, std::span<double> out) {
  // Effective dose times (oral after the lag), in order; both sequences are increasing, so
  // one merge pass carries every mode's sum forward.
  std::array<double, 3> sum{};
  double now = 0.0;
  const auto advance = [&](double t) {
    if (t == now) return;
    for (std::size_t j = 0; j < m.count; ++j) sum[j] *= std::exp(-m.rate[j] * (t - now));
    now = t;
  };
  const auto effective = [&](const Dose& d) { return d.route == Route::kOral ? d.time_h + absorption.lag_h : d.time_h; };
  // Doses are in time order for a regimen, but the lag can only delay oral doses; sort
  // indices by effective time to be safe.
  thread_local std::vector<std::size_t> order;  // reused: no allocation per patient
  order.resize(doses.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return effective(doses[a]) < effective(doses[b]); });
  std::size_t next = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    // Doses at or before this time count (right-continuous, as pk::concentration).
    while (next < order.size() && effective(doses[order[next]]) <= times[k]) {
      const Dose& d = doses[order[next++]];
      advance(effective(d));
      const auto& unit = d.route == Route::kOral ? m.oral : m.bolus;
      for (std::size_t j = 0; j < m.count; ++j) sum[j] += d.amount_mg * unit[j];
    }
    advance(times[k]);
    double c = 0.0;
    for (std::size_t j = 0; j < m.count; ++j) c += sum[j];
    // At an oral dose's own time its modes cancel exactly in theory; in floating point
    // the sum can be -1e-16. A concentration is never negative.
    out[k] = c < 0.0 ? 0.0 : c;
  }
}

}  // namespace

bool grid_supported(const OneCompartment& model, std::span<const Dose> doses) {
  return supported(doses) && distinct(model.absorption.ka_per_h, model.cl_L_per_h / model.v_L);
}

bool grid_supported(const TwoCompartment& model, std::span<const Dose> doses) {
  const auto macro = macro_constants(model);
  return supported(doses) && model.q_L_per_h > 0.0 && distinct(model.absorption.ka_per_h, macro.alpha_per_h) &&
         distinct(model.absorption.ka_per_h, macro.beta_per_h);
}

void grid_concentrations(const OneCompartment& model, std::span<const Dose> doses,
                         std::span<const double> times, std::span<double> out) {
  const double rate[1] = {model.cl_L_per_h / model.v_L};
  const double coefficient[1] = {1.0 / model.v_L};
  evaluate(modes(model.absorption.ka_per_h, model.absorption.bioavailability, rate, coefficient),
           model.absorption, doses, times, out);
}

void grid_concentrations(const TwoCompartment& model, std::span<const Dose> doses,
                         std::span<const double> times, std::span<double> out) {
  const auto macro = macro_constants(model);
  const double rates[2] = {macro.alpha_per_h, macro.beta_per_h};
  const double coefficients[2] = {macro.a_per_L, macro.b_per_L};
  evaluate(modes(model.absorption.ka_per_h, model.absorption.bioavailability, rates, coefficients),
           model.absorption, doses, times, out);
}

}  // namespace silico::models::pk
