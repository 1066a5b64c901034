#pragma once
// Shared by the replicate studies of the unit tests: the mean of per-trial errors
// (estimate - truth) and its Monte Carlo standard error.

#include <cmath>

struct Errors {
  double sum = 0.0, squares = 0.0;
  int n = 0;
  void add(double e) {
    sum += e;
    squares += e * e;
    ++n;
  }
  double mean() const { return sum / n; }
  double mcse() const {
    const double m = mean();
    return std::sqrt((squares / n - m * m) / (n - 1.0));
  }
};
