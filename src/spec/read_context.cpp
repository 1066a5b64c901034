#include "spec/read_context.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "spec/include_path.hpp"
#include "spec/limits.hpp"

namespace silico::spec::detail {

std::string format_number(double x) {
  char text[32];
  const auto r = std::to_chars(text, text + sizeof(text), x);
  return std::string(text, r.ptr);
}

std::unordered_map<std::string, std::size_t> index_of_names(const std::vector<std::string>& names) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < names.size(); ++i) index.emplace(names[i], i);
  return index;
}

bool ReadContext::within_limit(const Located& at, std::size_t limit, const std::string& what) {
  const std::size_t size = at.node.size();
  if (size <= limit) return true;
  reader.error(at, "expected at most " + std::to_string(limit) + " " + what + ", got " + std::to_string(size));
  return false;
}

bool ReadContext::short_name(const Located& at, const std::string& value, const std::string& what) {
  if (value.size() <= detail::kMaxNameBytes) return true;
  reader.error(at, what + " of " + std::to_string(value.size()) + " bytes; names are at most " +
                       describe_bytes(detail::kMaxNameBytes));
  return false;
}

std::optional<std::string> ReadContext::read_included(const Located& at, const std::string& written,
                                                    const std::string& what, std::string& text) {
  const auto found = detail::find_include(written, file, files.allow_include_outside, what);
  if (!found.problem.empty()) {
    reader.error(at, found.problem);
    return std::nullopt;
  }
  switch (detail::read_bounded(found.read_from, text)) {
    case detail::BoundedRead::kOk: return found.path;
    case detail::BoundedRead::kTooLarge:
      reader.error(at, what + " '" + found.path + "' is larger than " + describe_bytes(detail::kMaxFileBytes) +
                           ", the most silico reads");
      return std::nullopt;
    case detail::BoundedRead::kUnreadable: break;
  }
  reader.error(at, "cannot read " + what + " '" + found.path + "'");
  return std::nullopt;
}

std::optional<std::uint64_t> ReadContext::required_unsigned(const Located& parent, const std::string& key,
                                                            const std::string& expected) {
  if (!Reader::has(parent, key)) {
    reader.missing(parent, key, expected);
    return std::nullopt;
  }
  return reader.unsigned_integer(parent.child(key), expected);
}

}  // namespace silico::spec::detail
