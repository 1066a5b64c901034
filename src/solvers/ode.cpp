#include "solvers/ode.hpp"

#include <cmath>
#include <stdexcept>

namespace silico::solvers {

const char* method_name(Method method) {
  switch (method) {
    case Method::kDormandPrince:
      return "dopri5";
    case Method::kCvodeBdf:
      return "cvode_bdf";
  }
  return "unknown";
}

void detail::validate(Method method, std::size_t dimension, Tolerances tolerances) {
  if (dimension == 0) throw std::invalid_argument("ODE solver: the system has no equations");
  const auto positive = [](double x) { return std::isfinite(x) && x > 0.0; };
  if (!positive(tolerances.rtol) || !positive(tolerances.atol)) {
    throw std::invalid_argument("ODE solver: rtol and atol must be finite and positive");
  }
  if (method == Method::kDormandPrince && dimension > kMaxState) {
    throw std::invalid_argument("ODE solver: dopri5 supports at most " + std::to_string(kMaxState) +
                                " equations, not " + std::to_string(dimension));
  }
}

std::unique_ptr<OdeSolver> make_solver(Method method, std::size_t dimension, Tolerances tolerances) {
  detail::validate(method, dimension, tolerances);
  switch (method) {
    case Method::kDormandPrince:
      return detail::make_dopri5(dimension, tolerances);
    case Method::kCvodeBdf:
      return detail::make_cvode_bdf(dimension, tolerances);
  }
  throw std::invalid_argument("ODE solver: unknown method");
}

}  // namespace silico::solvers
