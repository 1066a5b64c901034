#include "spec/criteria.hpp"

#include <charconv>
#include <cmath>
#include <regex>

#include "core/text.hpp"

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

std::optional<Criterion> parse_criterion(const std::string& text,
                                         const std::vector<Covariate>& covariates,
                                         std::string& problem) {
  static const std::regex pattern(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$)");
  std::smatch match;
  if (!std::regex_match(text, match, pattern)) {
    problem = "expected a comparison 'covariate OP value' with OP one of < <= > >= == !=, got \"" +
              text + "\"";
    return std::nullopt;
  }
  const std::string name = match[1];
  const std::string op = match[2];
  const std::string operand = match[3];

  std::size_t index = covariates.size();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < covariates.size(); ++i) {
    names.push_back(covariates[i].name);
    if (covariates[i].name == name) index = i;
  }
  if (index == covariates.size()) {
    problem = "unknown covariate '" + name + "' in criterion \"" + text + "\"";
    const std::string suggestion = closest_match(name, names);
    problem += suggestion.empty() ? "; covariates are " + join_alternatives(names)
                                  : "; did you mean '" + suggestion + "'?";
    return std::nullopt;
  }

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
      problem = "'" + operand + "' is not a level of categorical covariate '" + name +
                "'; levels are " + join_alternatives(levels);
      return std::nullopt;
    }
    criterion.value = static_cast<double>(found - levels.begin());
    return criterion;
  }
  double value = 0.0;
  const auto [end, ec] = std::from_chars(operand.data(), operand.data() + operand.size(), value);
  if (ec != std::errc() || end != operand.data() + operand.size() || !std::isfinite(value)) {
    problem = "expected a number to compare '" + name + "' with, got \"" + operand + "\"";
    return std::nullopt;
  }
  criterion.value = value;
  return criterion;
}

}  // namespace detail
}  // namespace silico::spec
