#pragma once
/// @file
/// @brief The estimand each analysis targets, in the five attributes of ICH E9(R1):
/// population, variable (the endpoint), treatment condition, handling of intercurrent
/// events, and population-level summary. The summary is the method's own (its
/// MethodEntry::estimand); the rest follows from the spec. Its true value is the
/// method's `true_effect`, computed from the potential outcomes of the same patients.

#include <string>

#include "spec/spec.hpp"

namespace silico::sim {

struct Estimand {
  std::string population;
  std::string variable;
  std::string treatment;           ///< the arm against the control arm
  std::string intercurrent_events;
  std::string summary;             ///< population-level summary (the method's)
};

/// The estimand of `method` for endpoint `e` of the spec, comparing `arm` with the control.
Estimand estimand_of(const spec::TrialSpec& spec, std::size_t e, const std::string& method, std::size_t arm);

/// "x, y and z" of the named cohort covariates (indices into spec.cohort.covariates).
/// Inline: the method files (a library below silico_sim) name their adjustment sets with it.
inline std::string covariate_names(const spec::TrialSpec& spec, const std::vector<std::size_t>& indices) {
  std::string out;
  for (std::size_t k = 0; k < indices.size(); ++k) {
    out += (k == 0 ? "" : k + 1 == indices.size() ? " and " : ", ") + spec.cohort.covariates[indices[k]].name;
  }
  return out;
}

}  // namespace silico::sim
