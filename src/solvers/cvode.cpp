// SUNDIALS CVODE (v6 API): variable-order BDF, Newton iteration, dense direct linear
// solver with a difference-quotient Jacobian. The context, vector, matrix, linear solver
// and integrator memory are created once per solver object; reset() re-initialises them
// in place (CVodeReInit), so a solver reused across patients does not allocate.
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "solvers/ode.hpp"

namespace silico::solvers::detail {
namespace {

// Internal steps allowed in one advance() (CVODE's default of 500 is too few for a long
// interval between outputs).
constexpr long kMaxStepsPerAdvance = 100'000;

// Times in messages: enough digits to tell nearby dose and output times apart.
std::string format_time(double t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", t);
  return text;
}

std::string return_flag_name(int flag) {
  // CVodeGetReturnFlagName returns a malloc'ed string.
  const std::unique_ptr<char, decltype(&std::free)> name(CVodeGetReturnFlagName(flag), &std::free);
  return name ? std::string(name.get()) : std::to_string(flag);
}

class CvodeBdfSolver final : public OdeSolver {
 public:
  CvodeBdfSolver(std::size_t dimension, Tolerances tolerances) : n_(dimension) {
    try {
      create(tolerances);
    } catch (...) {
      destroy();
      throw;
    }
  }
  ~CvodeBdfSolver() override { destroy(); }
  CvodeBdfSolver(const CvodeBdfSolver&) = delete;
  CvodeBdfSolver& operator=(const CvodeBdfSolver&) = delete;

  void reset(const OdeRhs& rhs, double t0, std::span<const double> y0) override {
    if (rhs.size() != n_ || y0.size() != n_) {
      throw std::invalid_argument("cvode_bdf: the system has " + std::to_string(rhs.size()) +
                                  " equations and y0 " + std::to_string(y0.size()) +
                                  " values; the solver was made for " + std::to_string(n_));
    }
    rhs_ = &rhs;
    std::copy(y0.begin(), y0.end(), N_VGetArrayPointer(y_));
    check(CVodeReInit(memory_, t0, y_), "CVodeReInit");
    t_ = t0;
    horizon_ = -std::numeric_limits<double>::infinity();
    // CVodeReInit zeroes the integrator's counters; the linear solver's are zeroed when
    // the next CVode() call initialises it.
    counted_ = {};
  }

  void advance(double t, std::span<double> y) override {
    if (rhs_ == nullptr) throw std::logic_error("cvode_bdf: advance() before reset()");
    if (y.size() != n_) throw std::invalid_argument("cvode_bdf: output has the wrong size");
    if (!(t >= t_)) {
      throw std::invalid_argument("cvode_bdf: cannot advance backwards from t = " +
                                  format_time(t_) + " to " + format_time(t));
    }
    // CVODE refuses a first step shorter than ~2 ulps of t ("tout too close to t0"); over
    // such an interval the state cannot change at double precision, so stay put.
    const double too_close =
        4 * std::numeric_limits<double>::epsilon() * std::max(std::abs(t), std::abs(t_));
    if (t - t_ > too_close) {
      // The stop time keeps every internal step, and so every RHS call, at or before t, or
      // before the smooth horizon the caller promised: CVODE then interpolates y(t).
      check(CVodeSetStopTime(memory_, std::max(t, horizon_)), "CVodeSetStopTime");
      message_.clear();
      sunrealtype reached = t_;
      const int flag = CVode(memory_, t, y_, &reached, CV_NORMAL);
      count_work();
      if (rhs_error_) std::rethrow_exception(std::exchange(rhs_error_, nullptr));
      if (flag < 0) {
        throw std::runtime_error("cvode_bdf: integration from t = " + format_time(t_) + " to " +
                                 format_time(t) + " failed (" + return_flag_name(flag) +
                                 "): " + message_);
      }
    }
    t_ = t;
    const double* state = N_VGetArrayPointer(y_);
    std::copy(state, state + n_, y.begin());
  }

  Method method() const override { return Method::kCvodeBdf; }

  void set_horizon(double t) override { horizon_ = t; }

 private:
  struct Counters {
    long rhs = 0;
    long jacobian_rhs = 0;
    long steps = 0;
  };

  void create(Tolerances tolerances) {
    if (SUNContext_Create(nullptr, &context_) != 0) {
      throw std::runtime_error("cvode_bdf: SUNContext_Create failed");
    }
    const auto n = static_cast<sunindextype>(n_);
    y_ = N_VNew_Serial(n, context_);
    if (y_ == nullptr) throw std::runtime_error("cvode_bdf: N_VNew_Serial failed");
    N_VConst(0.0, y_);
    matrix_ = SUNDenseMatrix(n, n, context_);
    if (matrix_ == nullptr) throw std::runtime_error("cvode_bdf: SUNDenseMatrix failed");
    linear_solver_ = SUNLinSol_Dense(y_, matrix_, context_);
    if (linear_solver_ == nullptr) throw std::runtime_error("cvode_bdf: SUNLinSol_Dense failed");
    memory_ = CVodeCreate(CV_BDF, context_);
    if (memory_ == nullptr) throw std::runtime_error("cvode_bdf: CVodeCreate failed");
    check(CVodeSetErrHandlerFn(memory_, &CvodeBdfSolver::on_error, this), "CVodeSetErrHandlerFn");
    check(CVodeInit(memory_, &CvodeBdfSolver::rhs_callback, 0.0, y_), "CVodeInit");
    check(CVodeSetUserData(memory_, this), "CVodeSetUserData");
    check(CVodeSStolerances(memory_, tolerances.rtol, tolerances.atol), "CVodeSStolerances");
    check(CVodeSetLinearSolver(memory_, linear_solver_, matrix_), "CVodeSetLinearSolver");
    check(CVodeSetJacFn(memory_, &CvodeBdfSolver::jacobian_callback), "CVodeSetJacFn");
    check(CVodeSetMaxNumSteps(memory_, kMaxStepsPerAdvance), "CVodeSetMaxNumSteps");
  }

  void destroy() {
    if (memory_ != nullptr) CVodeFree(&memory_);
    if (linear_solver_ != nullptr) SUNLinSolFree(linear_solver_);
    if (matrix_ != nullptr) SUNMatDestroy(matrix_);
    if (y_ != nullptr) N_VDestroy(y_);
    if (context_ != nullptr) SUNContext_Free(&context_);
    linear_solver_ = nullptr;
    matrix_ = nullptr;
    y_ = nullptr;
  }

  void check(int flag, const char* call) const {
    if (flag < 0) {
      throw std::runtime_error(std::string("cvode_bdf: ") + call + " failed (" +
                               return_flag_name(flag) + "): " + message_);
    }
  }

  // Adds the work since the last look to `stats`: RHS calls by the integrator (and by
  // CVODE's own difference-quotient Jacobian, were it in use; ours counts itself), and
  // internal steps.
  void count_work() {
    Counters now;
    CVodeGetNumRhsEvals(memory_, &now.rhs);
    CVodeGetNumLinRhsEvals(memory_, &now.jacobian_rhs);
    CVodeGetNumSteps(memory_, &now.steps);
    stats.rhs_evaluations += static_cast<std::uint64_t>((now.rhs - counted_.rhs) +
                                                        (now.jacobian_rhs - counted_.jacobian_rhs));
    stats.steps += static_cast<std::uint64_t>(now.steps - counted_.steps);
    counted_ = now;
  }

  // Returns 0 (success), 1 (recoverable: CVODE retries with a smaller step) if a
  // derivative is not finite, since CVODE's error test lets NaN through (NaN > 1 is
  // false), or -1 (unrecoverable) on an exception, which must not unwind through C and
  // is rethrown once CVode() has returned.
  static int rhs_callback(sunrealtype t, N_Vector y, N_Vector ydot, void* user_data) {
    auto* self = static_cast<CvodeBdfSolver*>(user_data);
    try {
      double* dydt = N_VGetArrayPointer(ydot);
      (*self->rhs_)(t, N_VGetArrayPointer(y), dydt);
      const bool finite =
          std::all_of(dydt, dydt + self->n_, [](double v) { return std::isfinite(v); });
      return finite ? 0 : 1;
    } catch (...) {
      self->rhs_error_ = std::current_exception();
      return -1;
    }
  }

  // The dense difference-quotient Jacobian of CVODE's cvLsDenseDQJac (SUNDIALS 6.4.1),
  // column by column with the same increments, written straight into the matrix: the
  // built-in one allocates a vector header on every call, and the solver promises no
  // allocation per patient. Its RHS calls are counted here, since CVODE cannot see them.
  static int jacobian_callback(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix jacobian,
                               void* user_data, N_Vector weights, N_Vector, N_Vector) {
    auto* self = static_cast<CvodeBdfSolver*>(user_data);
    double* state = N_VGetArrayPointer(y);
    std::size_t j = 0;
    double saved = 0.0;
    bool perturbed = false;  // state[j] holds saved + increment
    try {
      if (CVodeGetErrWeights(self->memory_, weights) != CV_SUCCESS) return -1;
      sunrealtype h = 0.0;
      if (CVodeGetCurrentStep(self->memory_, &h) != CV_SUCCESS) return -1;
      const double unit_roundoff = std::numeric_limits<double>::epsilon();
      const double sqrt_roundoff = std::sqrt(unit_roundoff);
      const double f_norm = N_VWrmsNorm(fy, weights);
      const double min_increment = f_norm != 0.0 ? 1000.0 * std::abs(h) * unit_roundoff *
                                                       static_cast<double>(self->n_) * f_norm
                                                 : 1.0;
      const double* f = N_VGetArrayPointer(fy);
      const double* w = N_VGetArrayPointer(weights);
      for (; j < self->n_; ++j) {
        double* column = SUNDenseMatrix_Column(jacobian, static_cast<sunindextype>(j));
        saved = state[j];
        const double increment = std::max(sqrt_roundoff * std::abs(saved), min_increment / w[j]);
        state[j] = saved + increment;
        perturbed = true;
        ++self->stats.rhs_evaluations;
        (*self->rhs_)(t, state, column);
        state[j] = saved;
        perturbed = false;
        const double inverse = 1.0 / increment;
        for (std::size_t i = 0; i < self->n_; ++i) column[i] = inverse * column[i] - inverse * f[i];
        if (!std::all_of(column, column + self->n_, [](double v) { return std::isfinite(v); })) {
          return 1;
        }
      }
      return 0;
    } catch (...) {
      if (perturbed) state[j] = saved;
      self->rhs_error_ = std::current_exception();
      return -1;
    }
  }

  // CVODE would print to stderr; keep the text for the exception instead.
  static void on_error(int /*code*/, const char* /*module*/, const char* function, char* message,
                       void* user_data) {
    auto* self = static_cast<CvodeBdfSolver*>(user_data);
    self->message_.assign(function).append(": ").append(message);
  }

  std::size_t n_;
  SUNContext context_ = nullptr;
  N_Vector y_ = nullptr;
  SUNMatrix matrix_ = nullptr;
  SUNLinearSolver linear_solver_ = nullptr;
  void* memory_ = nullptr;
  const OdeRhs* rhs_ = nullptr;
  double t_ = 0.0;
  Counters counted_;
  std::exception_ptr rhs_error_;
  std::string message_;
  double horizon_ = -std::numeric_limits<double>::infinity();
};

}  // namespace

std::unique_ptr<OdeSolver> make_cvode_bdf(std::size_t dimension, Tolerances tolerances) {
  return std::make_unique<CvodeBdfSolver>(dimension, tolerances);
}

}  // namespace silico::solvers::detail
