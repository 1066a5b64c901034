#pragma once
// Shared by the spec unit tests: parse a spec expected to be rejected, and check that a
// diagnostic is at a key path, line and column with the words expected.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "spec/spec.hpp"

namespace silico::spec::testing {

inline std::string dump(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) text += "\n  " + d.format();
  return text;
}

/// Parses `yaml` expecting it to be rejected; returns the diagnostics in report order.
inline std::vector<Diagnostic> errors_of(const std::string& yaml) {
  try {
    parse_spec(yaml, "spec.yaml");
  } catch (const SpecError& e) {
    return e.diagnostics().items();
  }
  ADD_FAILURE() << "expected a SpecError, but the spec was accepted:\n" << yaml;
  return {};
}

/// True if there is a diagnostic at `key_path`, at exactly that line and column, whose
/// message contains every one of `message_parts`.
inline ::testing::AssertionResult has_diagnostic(const std::vector<Diagnostic>& diagnostics,
                                          const std::string& key_path, int line, int column,
                                          std::initializer_list<std::string_view> message_parts) {
  const Diagnostic* d = nullptr;
  for (const auto& item : diagnostics) {
    if (item.key_path == key_path) {
      d = &item;
      break;
    }
  }
  if (d == nullptr) {
    return ::testing::AssertionFailure() << "no diagnostic for '" << key_path << "' in:" << dump(diagnostics);
  }
  if (d->where.file != "spec.yaml" || d->where.line != line || d->where.column != column) {
    return ::testing::AssertionFailure() << "'" << key_path << "' reported at " << d->where.file << ":"
                                         << d->where.line << ":" << d->where.column << ", expected " << line
                                         << ":" << column << " (" << d->format() << ")";
  }
  for (const auto part : message_parts) {
    if (d->message.find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << "message of '" << key_path << "' lacks \"" << part
                                           << "\": " << d->format();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace silico::spec::testing
