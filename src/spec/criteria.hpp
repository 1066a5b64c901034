#pragma once
// Internal to spec/: parsing of inclusion criteria such as `age >= 18` or `sex == female`.

#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace silico::spec::detail {

/// Parse `text` against the cohort's covariates. On failure returns nullopt and sets
/// `problem` to a message saying what was expected.
std::optional<Criterion> parse_criterion(const std::string& text,
                                         const std::vector<Covariate>& covariates,
                                         std::string& problem);

}  // namespace silico::spec::detail
