#pragma once
/// @file
/// @brief analysis.multiplicity in each replicate: the p-value of every hypothesis (the
/// series <endpoint>/<method>/<arm>/p its method has emitted), the spec's procedure at
/// analysis.alpha (stats/multiplicity.hpp), and per hypothesis the series
/// `multiplicity/<k>_<endpoint>_<method>_<arm>/reject` (0 or 1) and `.../adjusted_p`,
/// k = 1, 2, ... in the spec's order. The names depend on the spec only.
///
/// Level: silico's tests reject at p < alpha (two-sided alpha). A hypothesis is rejected
/// when its adjusted p-value is < alpha: the procedure's own decision (p_i <= w_i alpha at
/// each step) with the same strict inequality, so that one hypothesis alone is rejected
/// exactly when its unadjusted test is.
/// A NaN p-value (a method that could not be computed) is not rejected and has a NaN
/// adjusted p-value; the procedure counts it as p = 1, so it keeps its share of alpha and
/// no other hypothesis is rejected more easily because a test failed.

#include <cstddef>
#include <string>
#include <vector>

#include "sim/analysis.hpp"
#include "spec/spec.hpp"

namespace silico::sim {

/// `<k>_<endpoint>_<method>_<arm>` of hypothesis k (0-based index; the name counts from 1).
std::string multiplicity_name(const spec::TrialSpec& spec, std::size_t k);

/// The series path of hypothesis k's unadjusted p-value, `<endpoint>/<method>/<arm>/p`.
std::string multiplicity_p_path(const spec::TrialSpec& spec, std::size_t k);

/// Appends the multiplicity series of one replicate to `out`, which holds every endpoint's
/// series already. Nothing without analysis.multiplicity. @throws std::logic_error if a
/// hypothesis's p series is not in `out` (the spec reader rules that out).
void emit_multiplicity(const spec::TrialSpec& spec, std::vector<Series>& out);

/// The attributes of the group `multiplicity` (procedure, alpha, hypotheses, weights,
/// transitions, nan_p) and of each hypothesis's group (endpoint, method, arm, p_series),
/// as docs/hdf5-layout.md lists them. Empty without analysis.multiplicity.
std::vector<SeriesAttribute> multiplicity_attributes(const spec::TrialSpec& spec);

}  // namespace silico::sim
