#pragma once
/// @file
/// @brief One ODE solver interface, two well-kept back-ends: Boost.Odeint's
/// Dormand-Prince 5(4) with error-controlled steps for non-stiff systems, and SUNDIALS
/// CVODE (BDF) for stiff ones. Pure numerics: no MPI, HDF5 or YAML.
///
/// Usage for a dosing schedule (discontinuities at dose times):
///   solver.reset(rhs, t0, y0); solver.set_horizon(first dose after t0);
///   for each event time t in increasing order:   // outputs and doses merged
///     solver.advance(t, y);                        // y = y(t)
///     if a dose is given at t: y[k] += amount; solver.reset(rhs, t, y);
///                              solver.set_horizon(next dose);
/// A solver object is reused for every patient of a thread (no allocation per patient).
///
/// Without a horizon both back-ends stop exactly at each requested time (Dormand-Prince
/// shortens its last step to land on t; CVODE is given t as its stop time). With one,
/// they step freely up to the horizon, never past it, and interpolate the requested
/// times inside their steps (dense output).

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace silico::solvers {

/// Largest state dimension supported by the fixed-size (heap-free) Dormand-Prince path.
inline constexpr std::size_t kMaxState = 8;

/// Right-hand side dy/dt = f(t, y). Implementations are pure and cheap to call.
class OdeRhs {
 public:
  virtual ~OdeRhs() = default;
  virtual std::size_t size() const = 0;
  virtual void operator()(double t, const double* y, double* dydt) const = 0;
};

enum class Method { kDormandPrince, kCvodeBdf };
/// "dopri5" or "cvode_bdf".
const char* method_name(Method method);

/// Local error per step is kept below 1 in the weighted RMS norm
/// sqrt(mean_i (err_i / (rtol |y_i| + atol))^2), by both back-ends.
struct Tolerances {
  double rtol = 1e-6;
  double atol = 1e-9;
};

/// Work counters, accumulated over resets until cleared by the caller.
struct SolverStats {
  /// Every call of OdeRhs, including CVODE's finite-difference Jacobian columns and
  /// Dormand-Prince's initial-step probe.
  std::uint64_t rhs_evaluations = 0;
  /// Accepted steps.
  std::uint64_t steps = 0;
};

class OdeSolver {
 public:
  virtual ~OdeSolver() = default;
  /// Start (or restart after a discontinuity) at t0 from y0. `rhs` must outlive the
  /// following advance() calls.
  virtual void reset(const OdeRhs& rhs, double t0, std::span<const double> y0) = 0;
  /// Integrate to t >= current time and write y(t); integration never passes t (the RHS
  /// is never called beyond it), so a discontinuity at t is respected. Throws
  /// std::runtime_error if the solver fails (step size underflow, too many steps, a
  /// derivative that stays non-finite); an exception thrown by the RHS reaches the
  /// caller unchanged. After a throw, call reset() before advancing again. Throws
  /// std::invalid_argument if t is before the current time or y has the wrong size.
  virtual void advance(double t, std::span<double> y) = 0;
  /// Promise that the system is smooth up to `t` (no dose or other discontinuity before
  /// it), until the next reset(). The solver may then step past requested times up to
  /// `t` and return them by dense output (interpolation within the step) instead of
  /// stopping at each one. Without a horizon, advance() stops exactly at every time.
  virtual void set_horizon(double t) = 0;
  virtual Method method() const = 0;

  SolverStats stats;
};

/// A solver for systems of `dimension` equations (<= kMaxState for Dormand-Prince).
/// Throws std::invalid_argument for a dimension of 0 (or above kMaxState for
/// Dormand-Prince) and for tolerances that are not finite and positive.
std::unique_ptr<OdeSolver> make_solver(Method method, std::size_t dimension, Tolerances tolerances);

namespace detail {
/// The argument checks of make_solver(), throwing std::invalid_argument.
void validate(Method method, std::size_t dimension, Tolerances tolerances);
// The back-ends, one per file; make_solver() validates arguments before calling them.
std::unique_ptr<OdeSolver> make_dopri5(std::size_t dimension, Tolerances tolerances);
std::unique_ptr<OdeSolver> make_cvode_bdf(std::size_t dimension, Tolerances tolerances);
}  // namespace detail

}  // namespace silico::solvers
