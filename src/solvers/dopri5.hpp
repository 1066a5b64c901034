#pragma once
/// @file
/// @brief The Dormand-Prince 5(4) back-end as a template on the right-hand side's type.
/// With a concrete `final` OdeRhs class as `Rhs`, the right-hand side is called directly
/// (inlined) rather than through the virtual OdeRhs::operator(); a small system then
/// spends its time on arithmetic rather than on calls. make_solver() uses Rhs = OdeRhs.
///
/// Dormand-Prince 5(4) from Boost.Odeint on a fixed-size std::array state, so a solver
/// reused across patients never allocates. Odeint supplies the stepper and its step-size
/// control; the driver here adds what integrate_adaptive lacks: it stops exactly at each
/// requested time without evaluating the right-hand side beyond it, keeps the FSAL
/// derivative between calls, and picks the first step after every reset. Dense output:
/// when the caller has promised a smooth horizon (set_horizon, the next dose), steps run
/// freely up to it and requested times inside a step are interpolated with the stepper's
/// continuous extension (calc_state); without one, it stops exactly at each time.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <boost/numeric/odeint.hpp>

#include "solvers/ode.hpp"

namespace silico::solvers {
namespace detail {


namespace odeint = boost::numeric::odeint;

// The state is stored in a fixed-size array of N >= dimension doubles (N = 4 or kMaxState):
// the stepper's vector operations run over all N, so small systems get the small array.
template <std::size_t N>
using State = std::array<double, N>;
template <std::size_t N>
using Stepper = odeint::runge_kutta_dopri5<State<N>>;

// The error test of Hairer's DOPRI5 and of CVODE: the weighted RMS norm over the system's
// components, sqrt(mean((err_i / (atol + rtol |x_i|))^2)) <= 1, so a tolerance means the
// same thing to both back-ends. (odeint's default_error_checker takes the max norm, which
// needs more steps for the same global accuracy.) The mean is over the `size` components
// of the system, not the padding.
template <std::size_t N>
class RmsErrorChecker {
 public:
  using value_type = double;
  using algebra_type = typename Stepper<N>::algebra_type;
  using operations_type = typename Stepper<N>::operations_type;

  RmsErrorChecker(double atol, double rtol, std::size_t size) : atol_(atol), rtol_(rtol), size_(size) {}

  template <class Algebra>
  double error(Algebra&, const State<N>& x_old, const State<N>&, State<N>& x_err, double) const {
    // Padding components have zero error (their state and derivative stay zero), so the
    // loop runs over all N, a compile-time count the compiler unrolls.
    double sum = 0.0;
    for (std::size_t i = 0; i < N; ++i) {
      const double scaled = x_err[i] / (atol_ + rtol_ * std::abs(x_old[i]));
      sum += scaled * scaled;
    }
    return std::sqrt(sum / static_cast<double>(size_));
  }

 private:
  double atol_;
  double rtol_;
  std::size_t size_;
};
template <std::size_t N>
using Controlled = odeint::controlled_runge_kutta<Stepper<N>, RmsErrorChecker<N>>;

// Attempted steps allowed in one advance() before giving up (a stiff or blowing-up
// system would otherwise loop for a very long time).
inline constexpr long kMaxAttemptsPerAdvance = 100'000;

// Adapts OdeRhs to odeint's system concept and counts calls. Components at and above
// `size` stay zero: their derivative is zero, so they never enter the error estimate.
template <std::size_t N, class Rhs>
struct System {
  const Rhs* rhs;
  std::size_t size;
  std::uint64_t* calls;

  void operator()(const State<N>& x, State<N>& dxdt, double t) const {
    ++*calls;
    (*rhs)(t, x.data(), dxdt.data());
    std::fill(dxdt.begin() + static_cast<std::ptrdiff_t>(size), dxdt.end(), 0.0);
  }
};

// Times in messages: enough digits to tell nearby dose and output times apart.
inline std::string format_time(double t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", t);
  return text;
}

template <std::size_t N>
bool all_finite(const State<N>& x) {
  return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
}

template <std::size_t N, class Rhs>
class Dopri5Solver final : public OdeSolver {
  using State = silico::solvers::detail::State<N>;
  using System = silico::solvers::detail::System<N, Rhs>;

 public:
  Dopri5Solver(std::size_t dimension, Tolerances tolerances)
      : n_(dimension),
        tolerances_(tolerances),
        controlled_(RmsErrorChecker<N>(tolerances.atol, tolerances.rtol, dimension)) {}

  void reset(const OdeRhs& rhs, double t0, std::span<const double> y0) override {
    if (rhs.size() != n_ || y0.size() != n_) {
      throw std::invalid_argument("dopri5: the system has " + std::to_string(rhs.size()) +
                                  " equations and y0 " + std::to_string(y0.size()) +
                                  " values; the solver was made for " + std::to_string(n_));
    }
    if constexpr (!std::is_same_v<Rhs, OdeRhs>) {
      if (typeid(rhs) != typeid(Rhs)) throw std::invalid_argument("dopri5: the solver was made for another right-hand side type");
      rhs_ = static_cast<const Rhs*>(&rhs);
    } else {
      rhs_ = &rhs;
    }
    t_ = t0;
    requested_ = t0;
    horizon_ = -std::numeric_limits<double>::infinity();
    have_step_ = false;
    x_.fill(0.0);
    std::copy(y0.begin(), y0.end(), x_.begin());
    have_derivative_ = false;
    dt_ = 0.0;  // chosen again by the first advance(): the restart may be a discontinuity
  }

  void advance(double t, std::span<double> y) override {
    if (rhs_ == nullptr) throw std::logic_error("dopri5: advance() before reset()");
    if (y.size() != n_) throw std::invalid_argument("dopri5: output has the wrong size");
    if (!(t >= requested_)) {
      throw std::invalid_argument("dopri5: cannot advance backwards from t = " + format_time(requested_) +
                                  " to " + format_time(t));
    }
    requested_ = t;
    const System system{rhs_, n_, &stats.rhs_evaluations};
    if (t <= horizon_) {
      advance_dense(system, t, y);
      return;
    }
    if (t > t_) {
      if (!have_derivative_) {
        system(x_, dxdt_, t_);
        if (!all_finite(dxdt_)) {
          throw std::runtime_error("dopri5: the right-hand side is not finite at t = " +
                                   format_time(t_));
        }
        have_derivative_ = true;
      }
      if (dt_ <= 0.0) dt_ = initial_step(system, t);
      integrate_to(system, t);
    }
    std::copy(x_.begin(), x_.begin() + static_cast<std::ptrdiff_t>(n_), y.begin());
  }

  Method method() const override { return Method::kDormandPrince; }

  void set_horizon(double t) override { horizon_ = std::max(t, t_); }

 private:
  /// Steps freely towards the horizon (landing on it exactly) until the integrator has
  /// passed t, then interpolates y(t) inside the last step.
  void advance_dense(const System& system, double t, std::span<double> y) {
    if (t > t_) {
      if (!have_derivative_) {
        system(x_, dxdt_, t_);
        if (!all_finite(dxdt_)) {
          throw std::runtime_error("dopri5: the right-hand side is not finite at t = " + format_time(t_));
        }
        have_derivative_ = true;
      }
      if (dt_ <= 0.0) dt_ = initial_step(system, horizon_);
      long steps = 0;
      while (t_ < t) {
        if (++steps > kMaxAttemptsPerAdvance) {
          throw std::runtime_error("dopri5: more than " + std::to_string(kMaxAttemptsPerAdvance) +
                                   " steps to reach t = " + format_time(t) + " (is the system stiff?)");
        }
        x_old_ = x_;
        dxdt_old_ = dxdt_;
        t_old_ = t_;
        const std::uint64_t steps_before = stats.steps;
        integrate_one_step(system, horizon_);
        have_step_ = stats.steps > steps_before;
      }
    }
    if (t == t_ || !have_step_) {
      std::copy(x_.begin(), x_.begin() + static_cast<std::ptrdiff_t>(n_), y.begin());
      return;
    }
    // t_old_ <= t < t_: the continuous extension of the last accepted step.
    controlled_.stepper().calc_state(t, x_dense_, x_old_, dxdt_old_, t_old_, x_, dxdt_, t_);
    std::copy(x_dense_.begin(), x_dense_.begin() + static_cast<std::ptrdiff_t>(n_), y.begin());
  }

  /// One accepted step towards t_stop (retrying rejected attempts), never beyond it.
  void integrate_one_step(const System& system, double t_stop) {
    const std::uint64_t steps_before = stats.steps;
    for (long attempt = 0; stats.steps == steps_before && t_ < t_stop; ++attempt) {
      if (attempt == kMaxAttemptsPerAdvance) {
        throw std::runtime_error("dopri5: more than " + std::to_string(kMaxAttemptsPerAdvance) +
                                 " attempts for one step at t = " + format_time(t_) + " (is the system stiff?)");
      }
      // Land exactly on t_stop; stretch the final step by up to 1% rather than leave a
      // sliver (Hairer and Wanner's DOPRI5 does the same).
      const bool last = t_ + 1.01 * dt_ >= t_stop;
      double h = last ? step_to(t_stop) : dt_;
      if (!(h > std::abs(t_) * 4 * std::numeric_limits<double>::epsilon())) {
        throw std::runtime_error("dopri5: step size underflow at t = " + format_time(t_));
      }
      double t_new = t_;
      const auto result = controlled_.try_step(system, x_, dxdt_, t_new, x_new_, dxdt_new_, h);
      if (result == odeint::success && !all_finite(x_new_)) {
        dt_ = 0.25 * (last ? step_to(t_stop) : dt_);  // overflow or NaN: retry smaller
        continue;
      }
      if (result != odeint::success) {
        dt_ = h;  // odeint has shrunk the step
        continue;
      }
      ++stats.steps;
      std::swap(x_, x_new_);
      std::swap(dxdt_, dxdt_new_);
      if (last) {
        t_ = t_stop;
        // A step cut short to hit the stop says little about the natural step size: keep
        // the larger of the previous proposal and odeint's new one.
        dt_ = std::max(dt_, h);
      } else {
        t_ = t_new;
        dt_ = h;
      }
    }
  }

  // Largest h <= t_stop - t_ with t_ + h <= t_stop in floating point, so the last stage
  // (at t_ + h) never lies beyond the stop.
  double step_to(double t_stop) const {
    double h = t_stop - t_;
    while (t_ + h > t_stop) h = std::nextafter(h, 0.0);
    return h;
  }

  void integrate_to(const System& system, double t_stop) {
    long steps = 0;
    while (t_ < t_stop) {
      if (++steps > kMaxAttemptsPerAdvance) {
        throw std::runtime_error("dopri5: more than " + std::to_string(kMaxAttemptsPerAdvance) +
                                 " steps between t = " + format_time(t_) + " and " + format_time(t_stop) +
                                 " (is the system stiff?)");
      }
      integrate_one_step(system, t_stop);
    }
  }

  // First step after a (re)start: Hairer, Norsett and Wanner, Solving ODEs I, II.4
  // (routine HINIT), in the max norm odeint's error checker uses. Costs one RHS call.
  double initial_step(const System& system, double t_stop) {
    double d0 = 0.0;
    double d1 = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      const double scale = tolerances_.atol + tolerances_.rtol * std::abs(x_[i]);
      d0 = std::max(d0, std::abs(x_[i]) / scale);
      d1 = std::max(d1, std::abs(dxdt_[i]) / scale);
    }
    const double span = step_to(t_stop);
    double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h0 = std::min(h0, span);
    for (std::size_t i = 0; i < N; ++i) x_new_[i] = x_[i] + h0 * dxdt_[i];
    system(x_new_, dxdt_new_, t_ + h0);
    double d2 = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      const double scale = tolerances_.atol + tolerances_.rtol * std::abs(x_[i]);
      d2 = std::max(d2, std::abs(dxdt_new_[i] - dxdt_[i]) / scale);
    }
    d2 /= h0;
    const double d = std::max(d1, d2);
    const double h1 = d <= 1e-15 ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / d, 1.0 / 5.0);
    return std::min({100.0 * h0, h1, span});
  }

  std::size_t n_;
  Tolerances tolerances_;
  Controlled<N> controlled_;
  const Rhs* rhs_ = nullptr;
  double t_ = 0.0;
  double dt_ = 0.0;
  bool have_derivative_ = false;
  State x_{};
  State dxdt_{};
  State x_new_{};
  State dxdt_new_{};
  // Dense output: the step before the current state, and the horizon promised by the caller.
  double requested_ = 0.0;
  double horizon_ = -std::numeric_limits<double>::infinity();
  bool have_step_ = false;
  double t_old_ = 0.0;
  State x_old_{};
  State dxdt_old_{};
  State x_dense_{};
};

}  // namespace detail

/// make_solver() for a right-hand side of the concrete type `Rhs` (a final class derived
/// from OdeRhs): Dormand-Prince then calls it inline. Every rhs later passed to reset()
/// must be of exactly that type (checked). CVODE calls through its C interface anyway and
/// is made as by make_solver().
template <class Rhs>
std::unique_ptr<OdeSolver> make_solver_inlined(Method method, std::size_t dimension, Tolerances tolerances) {
  static_assert(std::is_base_of_v<OdeRhs, Rhs>);
  if (method != Method::kDormandPrince) return make_solver(method, dimension, tolerances);
  detail::validate(method, dimension, tolerances);
  if (dimension <= 4) return std::make_unique<detail::Dopri5Solver<4, Rhs>>(dimension, tolerances);
  return std::make_unique<detail::Dopri5Solver<kMaxState, Rhs>>(dimension, tolerances);
}

}  // namespace silico::solvers
