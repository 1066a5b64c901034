#include "spec/criteria.hpp"

#include <charconv>
#include <cmath>
#include <regex>

#include "core/text.hpp"
#include "spec/yaml_reader.hpp"

namespace silico::spec {

bool Criterion::holds(double x) const {
  switch (op) {
    case Comparison::kLess: return x < value;
    case Comparison::kLessEqual: return x <= value;
    case Comparison::kGreater: return x > value;
    case Comparison::kGreaterEqual: return x >= value;
    case Comparison::kEqual: return x == value;
    case Comparison::kNotEqual: return x != value;
  }
  return false;
}

namespace detail {

std::optional<Criterion> parse_criterion(const std::string& text, const std::vector<Covariate>& covariates,
                                         const std::unordered_map<std::string, std::size_t>& positions,
                                         std::string& problem) {
  // Checked before the regular expression, whose matching recurses once per character.
  if (text.size() > kMaxCriterionBytes) {
    problem = "expected a comparison 'covariate OP value', got a text of " + std::to_string(text.size()) +
              " bytes (a criterion is at most " + std::to_string(kMaxCriterionBytes) + ")";
    return std::nullopt;
  }
  static const std::regex pattern(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$)");
  std::smatch match;
  if (!std::regex_match(text, match, pattern)) {
    problem = "expected a comparison 'covariate OP value' with OP one of < <= > >= == !=, got \"" +
              excerpt(text) + "\"";
    return std::nullopt;
  }
  const std::string name = match[1];
  const std::string op = match[2];
  const std::string operand = match[3];

  const auto found = positions.find(name);
  if (found == positions.end()) {
    std::vector<std::string> names;
    for (const auto& c : covariates) names.push_back(c.name);
    problem = "unknown covariate '" + excerpt(name) + "' in criterion \"" + excerpt(text) + "\"";
    // Suggestions are for a handful of covariates; a scan of thousands per criterion is not.
    const std::string suggestion = names.size() <= 100 ? closest_match(name, names) : "";
    problem += suggestion.empty() ? "; covariates are " + list_names(names)
                                  : "; did you mean '" + suggestion + "'?";
    return std::nullopt;
  }
  const std::size_t index = found->second;

  Criterion criterion;
  criterion.text = text;
  criterion.covariate = index;
  if (op == "<") criterion.op = Comparison::kLess;
  else if (op == "<=") criterion.op = Comparison::kLessEqual;
  else if (op == ">") criterion.op = Comparison::kGreater;
  else if (op == ">=") criterion.op = Comparison::kGreaterEqual;
  else if (op == "==") criterion.op = Comparison::kEqual;
  else criterion.op = Comparison::kNotEqual;

  const Covariate& covariate = covariates[index];
  if (covariate.is_categorical()) {
    const auto& levels = covariate.levels;
    const auto found = std::find(levels.begin(), levels.end(), operand);
    if (found == levels.end()) {
      problem = "'" + excerpt(operand) + "' is not a level of categorical covariate '" + name +
                "'; levels are " + list_names(levels);
      return std::nullopt;
    }
    criterion.value = static_cast<double>(found - levels.begin());
    return criterion;
  }
  double value = 0.0;
  const auto [end, ec] = std::from_chars(operand.data(), operand.data() + operand.size(), value);
  if (ec != std::errc() || end != operand.data() + operand.size() || !std::isfinite(value)) {
    problem = "expected a number to compare '" + name + "' with, got \"" + excerpt(operand) + "\"";
    return std::nullopt;
  }
  criterion.value = value;
  return criterion;
}

}  // namespace detail
}  // namespace silico::spec
