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

/// Carries every mode's sum over earlier doses forward in time. Moving by dt multiplies
/// mode j by e^{-l_j dt} and adds the integral of the concentration over the move; both
/// factors are kept for the last dt, which on an even grid is almost always the next one.
/// `Count` is the number of modes (2 or 3), fixed at compile time so the loops unroll.
template <std::size_t Count>
class ModeSums {
 public:
  explicit ModeSums(const Modes& m) : m_(m) {}

  /// Moves from now() to t >= now(); returns the AUC over [now(), t].
  double advance(double t) {
    const double dt = t - now_;
    if (dt <= 0.0) return 0.0;
    if (dt != cached_dt_) {
      for (std::size_t j = 0; j < Count; ++j) {
        const double e = std::expm1(-m_.rate[j] * dt);  // e^{-l dt} - 1, exact for small l dt
        decay_[j] = 1.0 + e;
        integral_[j] = -e / m_.rate[j];                 // (1 - e^{-l dt}) / l
      }
      cached_dt_ = dt;
    }
    double area = 0.0;
    for (std::size_t j = 0; j < Count; ++j) {
      area += sum_[j] * integral_[j];
      sum_[j] *= decay_[j];
    }
    now_ = t;
    return area;
  }

  void add(const Dose& d) {
    const auto& unit = d.route == Route::kOral ? m_.oral : m_.bolus;
    for (std::size_t j = 0; j < Count; ++j) sum_[j] += d.amount_mg * unit[j];
  }

  double now() const { return now_; }

  double concentration() const {
    double c = 0.0;
    for (std::size_t j = 0; j < Count; ++j) c += sum_[j];
    return c;
  }

 private:
  const Modes& m_;
  std::array<double, 3> sum_{};
  std::array<double, 3> decay_{};
  std::array<double, 3> integral_{};
  double now_ = 0.0;
  double cached_dt_ = -1.0;
};

template <std::size_t Count>
double evaluate(const Modes& m, const Absorption& absorption, std::span<const Dose> doses,
                std::span<const double> times, std::span<double> out, const AucWindow* window) {
  // Effective dose times (oral after the lag), in order; both sequences are increasing, so
  // one merge pass carries every mode's sum forward.
  const auto effective = [&](const Dose& d) { return d.route == Route::kOral ? d.time_h + absorption.lag_h : d.time_h; };
  // Doses come in time order from a regimen and a common lag keeps them so; sort indices
  // by effective time only if they are not.
  thread_local std::vector<std::size_t> order;  // reused: no allocation per patient
  order.resize(doses.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto earlier = [&](std::size_t a, std::size_t b) { return effective(doses[a]) < effective(doses[b]); };
  if (!std::is_sorted(order.begin(), order.end(), earlier)) std::stable_sort(order.begin(), order.end(), earlier);

  ModeSums<Count> sums(m);
  double auc = 0.0;
  // Moves to t, adding the part of the move inside the window to the AUC. The window's
  // ends are extra stops, so a move is either wholly inside the window or wholly outside.
  const auto move_to = [&](double t) {
    if (window != nullptr) {
      for (const double edge : {window->start_h, window->end_h}) {
        if (edge > sums.now() && edge < t) {
          const bool inside = sums.now() >= window->start_h && edge <= window->end_h;
          const double area = sums.advance(edge);
          if (inside) auc += area;
        }
      }
      const bool inside = sums.now() >= window->start_h && t <= window->end_h;
      const double area = sums.advance(t);
      if (inside) auc += area;
    } else {
      sums.advance(t);
    }
  };
  std::size_t next = 0;
  const auto give_doses_until = [&](double t) {
    // Doses at or before t count (right-continuous, as pk::concentration).
    while (next < order.size() && effective(doses[order[next]]) <= t) {
      const Dose& d = doses[order[next++]];
      move_to(effective(d));
      sums.add(d);
    }
  };
  for (std::size_t k = 0; k < times.size(); ++k) {
    give_doses_until(times[k]);
    move_to(times[k]);
    // At an oral dose's own time its modes cancel exactly in theory; in floating point
    // the sum can be -1e-16. A concentration is never negative.
    const double c = sums.concentration();
    out[k] = c < 0.0 ? 0.0 : c;
  }
  if (window != nullptr && sums.now() < window->end_h) {
    give_doses_until(window->end_h);
    move_to(window->end_h);
  }
  return auc;
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

double grid_concentrations(const OneCompartment& model, std::span<const Dose> doses,
                           std::span<const double> times, std::span<double> out, const AucWindow* window) {
  const double rate[1] = {model.cl_L_per_h / model.v_L};
  const double coefficient[1] = {1.0 / model.v_L};
  return evaluate<2>(modes(model.absorption.ka_per_h, model.absorption.bioavailability, rate, coefficient),
                     model.absorption, doses, times, out, window);
}

double grid_concentrations(const TwoCompartment& model, std::span<const Dose> doses,
                           std::span<const double> times, std::span<double> out, const AucWindow* window) {
  const auto macro = macro_constants(model);
  const double rates[2] = {macro.alpha_per_h, macro.beta_per_h};
  const double coefficients[2] = {macro.a_per_L, macro.b_per_L};
  return evaluate<3>(modes(model.absorption.ka_per_h, model.absorption.bioavailability, rates, coefficients),
                     model.absorption, doses, times, out, window);
}

}  // namespace silico::models::pk
