// The O(doses + times) grid evaluation of linear PK against the per-time superposition.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/pk_grid.hpp"

namespace {

using namespace silico::models::pk;

std::vector<Dose> schedule(Route route) {
  // Irregular times, a dose between grid points, two doses at the same time.
  std::vector<Dose> doses;
  for (double t : {0.0, 7.5, 24.0, 24.0, 50.25, 72.0, 96.0}) doses.push_back({t, 80.0, route, 0.0});
  return doses;
}

std::vector<double> grid() {
  std::vector<double> times;
  for (int k = 0; k <= 240; ++k) times.push_back(0.5 * k);
  return times;
}

template <typename Model>
void expect_same(const Model& m, const std::vector<Dose>& doses) {
  ASSERT_TRUE(grid_supported(m, doses));
  const auto times = grid();
  std::vector<double> fast(times.size());
  grid_concentrations(m, doses, times, fast);
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double exact = concentration(m, doses, times[k]);
    // Both are sums of the same exponentials; carrying a sum forward by products of
    // exponentials costs a few ulps per step: 1e-12 relative (plus 1e-15 absolute near 0).
    ASSERT_NEAR(fast[k], exact, 1e-12 * std::fabs(exact) + 1e-15) << "t = " << times[k];
  }
}

TEST(PkGrid, OneCompartmentMatchesSuperposition) {
  expect_same(OneCompartment{4.0, 40.0, {1.2, 0.8, 0.75}}, schedule(Route::kOral));
  expect_same(OneCompartment{4.0, 40.0, {1.2, 0.8, 0.0}}, schedule(Route::kIvBolus));
}

TEST(PkGrid, TwoCompartmentMatchesSuperposition) {
  expect_same(TwoCompartment{5.0, 50.0, 10.0, 100.0, {1.0, 0.7, 0.5}}, schedule(Route::kOral));
  expect_same(TwoCompartment{5.0, 50.0, 10.0, 100.0, {1.0, 0.7, 0.0}}, schedule(Route::kIvBolus));
}

// The window AUC from the same pass against the closed-form integral pk::auc, for windows
// that start and end on grid points, between them, on a dose and beyond the last time.
template <typename Model>
void expect_same_auc(const Model& m, const std::vector<Dose>& doses) {
  const auto times = grid();
  std::vector<double> out(times.size());
  for (const AucWindow w : {AucWindow{0.0, 120.0}, AucWindow{24.0, 48.0}, AucWindow{7.25, 50.6},
                            AucWindow{50.25, 51.0}, AucWindow{100.0, 150.0}}) {
    const double fast = grid_concentrations(m, doses, times, out, &w);
    const double exact = auc(m, doses, w.start_h, w.end_h);
    EXPECT_NEAR(fast, exact, 1e-12 * exact) << "window [" << w.start_h << ", " << w.end_h << "]";
  }
  EXPECT_EQ(grid_concentrations(m, doses, times, out), 0.0);  // no window, no AUC
}

TEST(PkGrid, WindowAucMatchesClosedFormIntegral) {
  expect_same_auc(OneCompartment{4.0, 40.0, {1.2, 0.8, 0.75}}, schedule(Route::kOral));
  expect_same_auc(OneCompartment{4.0, 40.0, {1.2, 0.8, 0.0}}, schedule(Route::kIvBolus));
  expect_same_auc(TwoCompartment{5.0, 50.0, 10.0, 100.0, {1.0, 0.7, 0.5}}, schedule(Route::kOral));
  expect_same_auc(TwoCompartment{5.0, 50.0, 10.0, 100.0, {1.0, 0.7, 0.0}}, schedule(Route::kIvBolus));
}

TEST(PkGrid, FallsBackWhereItCannotApply) {
  // Absorption at the elimination rate, or infusions: the per-time path is used instead.
  EXPECT_FALSE(grid_supported(OneCompartment{4.0, 40.0, {0.1, 1.0, 0.0}}, schedule(Route::kOral)));
  std::vector<Dose> infusion{{0.0, 100.0, Route::kIvInfusion, 2.0}};
  EXPECT_FALSE(grid_supported(OneCompartment{4.0, 40.0, {1.0, 1.0, 0.0}}, infusion));
}

}  // namespace
