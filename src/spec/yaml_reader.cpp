#include "spec/yaml_reader.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <string_view>

#include "core/text.hpp"

namespace silico::spec::detail {

Located& Located::operator=(const Located& other) {
  // reset() shares; it refuses an invalid ("zombie") node, which reads as undefined anyway.
  node.reset(other.node.IsDefined() ? other.node : YAML::Node(YAML::NodeType::Undefined));
  file = other.file;
  path = other.path;
  key_mark = other.key_mark;
  return *this;
}

SourceLocation Located::where() const {
  const bool has_own_mark = node.IsDefined() && !node.IsNull() && !node.Mark().is_null();
  if (!has_own_mark && key_mark) return {file, key_mark->line + 1, key_mark->column + 1};
  if (!node.IsDefined() || node.Mark().is_null()) return {file, 0, 0};
  return {file, node.Mark().line + 1, node.Mark().column + 1};
}

Located Located::at_key() const {
  return {YAML::Node(YAML::NodeType::Undefined), file, path, key_mark};
}

Located Located::child(const std::string& key) const {
  std::string child_path = path.empty() ? key : path + "." + key;
  if (node.IsMap()) {
    // The first occurrence, as duplicates are reported on the later ones. The member is
    // copy-constructed into the result: that shares the node (see operator=).
    for (const auto& member : node) {
      if (member.first.IsScalar() && member.first.Scalar() == key) {
        return {member.second, file, std::move(child_path), member.first.Mark()};
      }
    }
  }
  return {YAML::Node(YAML::NodeType::Undefined), file, std::move(child_path), std::nullopt};
}

Located Located::element(std::size_t index) const {
  return {node[index], file, path + "[" + std::to_string(index) + "]", std::nullopt};
}

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar:
      return (node.Tag() == "!" ? "the string \"" : "\"") + excerpt(node.Scalar()) + "\"";
    default: return "nothing";
  }
}

std::string list_names(const std::vector<std::string>& names) {
  constexpr std::size_t kListed = 10;
  if (names.size() <= kListed) return join_alternatives(names);
  std::string text;
  for (std::size_t i = 0; i < kListed; ++i) text += names[i] + ", ";
  return text + "... (" + std::to_string(names.size()) + " in all)";
}

std::string Reader::suggest(const std::string& word, const std::vector<std::string>& candidates) {
  std::size_t cost = 0;
  for (const auto& c : candidates) cost += (word.size() + 1) * (c.size() + 1);
  if (cost > suggestion_budget_) {
    suggestion_budget_ = 0;
    return "";
  }
  suggestion_budget_ -= cost;
  return closest_match(word, candidates);
}

void Reader::error(const Located& at, const std::string& message) {
  diagnostics_.add(at.where(), at.path, message);
}

bool Reader::expect_mapping(const Located& at, const std::vector<std::string>& allowed) {
  if (!at.node.IsMap()) {
    error(at, "expected a mapping of keys, got " + describe_node(at.node));
    return false;
  }
  std::set<std::string> seen;
  for (const auto& member : at.node) {
    Located key{member.first, at.file, at.path, std::nullopt};
    if (!member.first.IsScalar()) {
      error(key, "keys must be plain names");
      continue;
    }
    const std::string& name = member.first.Scalar();
    const std::string key_path = at.path.empty() ? name : at.path + "." + name;
    if (!seen.insert(name).second) {
      diagnostics_.add(key.where(), key_path, "duplicate key");
      continue;
    }
    if (allowed.empty()) continue;
    bool known = false;
    for (const auto& a : allowed) known = known || a == name;
    if (!known) {
      std::string message = "unknown key '" + excerpt(name) + "'";
      const std::string suggestion = suggest(name, allowed);
      if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
      else message += "; expected one of " + join_alternatives(allowed);
      diagnostics_.add(key.where(), key_path, message);
    }
  }
  return true;
}

std::vector<std::pair<std::string, Located>> Reader::members(const Located& at) {
  std::vector<std::pair<std::string, Located>> result;
  if (!at.node.IsMap()) return result;
  std::set<std::string> seen;
  for (const auto& member : at.node) {
    if (!member.first.IsScalar()) continue;
    const std::string& name = member.first.Scalar();
    if (!seen.insert(name).second) continue;
    result.emplace_back(name, Located{member.second, at.file,
                                      at.path.empty() ? name : at.path + "." + name,
                                      member.first.Mark()});
  }
  return result;
}

bool Reader::expect_sequence(const Located& at, const std::string& what) {
  if (at.node.IsSequence()) return true;
  error(at, "expected a list of " + what + ", got " + describe_node(at.node));
  return false;
}

bool Reader::has(const Located& parent, const std::string& key) {
  const Located value = parent.child(key);
  return value.node.IsDefined() && !value.node.IsNull();
}

void Reader::missing(const Located& parent, const std::string& key, const std::string& expected) {
  const Located present = parent.child(key);
  if (present.node.IsDefined() && present.node.IsNull()) {
    // `key:` with nothing after it: say so, at the key.
    diagnostics_.add(present.where(), present.path, "no value given (expected " + expected + ")");
    return;
  }
  diagnostics_.add(parent.where(), parent.path.empty() ? key : parent.path + "." + key,
                   "missing required key '" + key + "' (" + expected + ")");
}

bool Reader::is_plain_scalar(const Located& at, const std::string& expected) {
  // A quoted scalar ("18") is a string in YAML, so it is not accepted as a number.
  if (at.node.IsScalar() && at.node.Tag() != "!") return true;
  error(at, "expected " + expected + ", got " + describe_node(at.node));
  return false;
}

namespace {
// YAML allows an explicit plus sign; std::from_chars does not.
std::string_view without_plus(const std::string& text) {
  std::string_view view(text);
  if (view.size() > 1 && view.front() == '+' && view[1] != '-' && view[1] != '+') view.remove_prefix(1);
  return view;
}
}  // namespace

std::optional<double> Reader::number(const Located& at, const std::string& expected) {
  if (!is_plain_scalar(at, expected)) return std::nullopt;
  const std::string_view text = without_plus(at.node.Scalar());
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    error(at, "expected " + expected + ", got " + describe_node(at.node));
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> Reader::unsigned_integer(const Located& at,
                                                      const std::string& expected) {
  if (!is_plain_scalar(at, expected)) return std::nullopt;
  const std::string_view text = without_plus(at.node.Scalar());
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    error(at, "expected " + expected + ", got " + describe_node(at.node));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> Reader::string(const Located& at, const std::string& expected) {
  if (!at.node.IsScalar() || at.node.Scalar().empty()) {
    error(at, "expected " + expected + ", got " + describe_node(at.node));
    return std::nullopt;
  }
  return at.node.Scalar();
}

std::optional<bool> Reader::boolean(const Located& at, const std::string& expected) {
  if (is_plain_scalar(at, expected)) {
    if (at.node.Scalar() == "true") return true;
    if (at.node.Scalar() == "false") return false;
    error(at, "expected " + expected + ", got " + describe_node(at.node));
  }
  return std::nullopt;
}

std::optional<double> Reader::number_in(const Located& parent, const std::string& key,
                                        bool required, double min, double max,
                                        bool min_exclusive, const std::string& expected) {
  if (!has(parent, key)) {
    if (required) missing(parent, key, expected);
    return std::nullopt;
  }
  const Located at = parent.child(key);
  const auto value = number(at, expected);
  if (!value) return std::nullopt;
  const bool below = min_exclusive ? !(*value > min) : *value < min;
  if (below || *value > max) {
    error(at, "expected " + expected + ", got " + excerpt(at.node.Scalar()));
    return std::nullopt;
  }
  return value;
}

}  // namespace silico::spec::detail
