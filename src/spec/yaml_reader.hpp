#pragma once
// Internal to spec/: typed, located access to yaml-cpp nodes. Every problem becomes a
// Diagnostic (file:line:column, key path, what was expected); reading goes on so that
// one pass reports all problems in a file.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace silico::spec::detail {

/// A node with the file it came from and its key path, e.g. `arms[1].ratio`.
struct Located {
  YAML::Node node;
  std::string file;
  std::string path;
  /// Where the key of this member is; used when the value has no position of its own
  /// (`name:` with nothing after it) and for errors about the key itself.
  std::optional<YAML::Mark> key_mark;

  Located() = default;
  Located(YAML::Node node, std::string file, std::string path, std::optional<YAML::Mark> key_mark)
      : node(std::move(node)), file(std::move(file)), path(std::move(path)), key_mark(key_mark) {}
  Located(const Located&) = default;
  /// Shares the other's node. yaml-cpp's own Node::operator= would instead rebind the
  /// node this one shares with its document (changing the document) and merge the two
  /// documents' memory pools, which costs time in proportion to the whole document.
  Located& operator=(const Located& other);

  SourceLocation where() const;
  /// The same member, located at its key rather than its value.
  Located at_key() const;
  /// Mapping member (may be undefined); a scan of this mapping's keys, so a mapping of
  /// user-named entries (covariates, arms) is walked with Reader::members instead.
  Located child(const std::string& key) const;
  Located element(std::size_t index) const;     ///< sequence element
};

/// Checks a node against what is expected and records what is wrong.
class Reader {
 public:
  explicit Reader(DiagnosticList& diagnostics) : diagnostics_(diagnostics) {}

  void error(const Located& at, const std::string& message);

  /// True if `at` is a mapping; else an error. Reports keys outside `allowed` (with a
  /// did-you-mean suggestion) and duplicate keys.
  bool expect_mapping(const Located& at, const std::vector<std::string>& allowed);
  /// Keys of a mapping in file order, with each key's location (for user-named entries).
  std::vector<std::pair<std::string, Located>> members(const Located& at);
  bool expect_sequence(const Located& at, const std::string& what);

  /// Present and not null.
  static bool has(const Located& parent, const std::string& key);
  /// Reports a missing required key at the parent mapping.
  void missing(const Located& parent, const std::string& key, const std::string& expected);

  std::optional<double> number(const Located& at, const std::string& expected);
  std::optional<std::uint64_t> unsigned_integer(const Located& at, const std::string& expected);
  std::optional<std::string> string(const Located& at, const std::string& expected);
  std::optional<bool> boolean(const Located& at, const std::string& expected);

  /// closest_match (core/text.hpp) within a budget of edit-distance work for the whole
  /// file, so that thousands of unknown names among thousands of candidates stay fast;
  /// empty once it is spent (the first errors keep their did-you-mean).
  std::string suggest(const std::string& word, const std::vector<std::string>& candidates);

  /// Required/optional members with a range check; min/max inclusive unless stated.
  std::optional<double> number_in(const Located& parent, const std::string& key, bool required,
                                  double min, double max, bool min_exclusive,
                                  const std::string& expected);

 private:
  bool is_plain_scalar(const Located& at, const std::string& expected);
  DiagnosticList& diagnostics_;
  /// Character comparisons left for suggestions (about 0.1 s of work).
  std::size_t suggestion_budget_ = 100'000'000;
};

/// "a, b or c" for the names a spec defines, the first 10 and a count when there are more.
std::string list_names(const std::vector<std::string>& names);

/// "a list", "a mapping", or a scalar quoted as a short excerpt (core/text.hpp).
std::string describe_node(const YAML::Node& node);

}  // namespace silico::spec::detail
