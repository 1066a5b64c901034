#pragma once
// Internal to spec/: parsing of inclusion criteria such as `age >= 18` or `sex == female`.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "spec/spec.hpp"

namespace silico::spec::detail {

/// The longest criterion read; "covariate OP value" needs far less.
inline constexpr std::size_t kMaxCriterionBytes = 1'000;

/// Parse `text` against the cohort's covariates, `positions` mapping each name to its
/// index. On failure returns nullopt and sets `problem` to a message saying what was
/// expected.
std::optional<Criterion> parse_criterion(const std::string& text, const std::vector<Covariate>& covariates,
                                         const std::unordered_map<std::string, std::size_t>& positions,
                                         std::string& problem);

}  // namespace silico::spec::detail
