// The Dormand-Prince back-end behind make_solver(): the template of solvers/dopri5.hpp
// with the right-hand side called through OdeRhs.
#include "solvers/dopri5.hpp"

namespace silico::solvers::detail {

std::unique_ptr<OdeSolver> make_dopri5(std::size_t dimension, Tolerances tolerances) {
  if (dimension <= 4) return std::make_unique<Dopri5Solver<4, OdeRhs>>(dimension, tolerances);
  return std::make_unique<Dopri5Solver<kMaxState, OdeRhs>>(dimension, tolerances);
}

}  // namespace silico::solvers::detail
