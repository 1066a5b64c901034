#pragma once
/// @file
/// @brief A small JSON reader for the files silico itself writes (silico verify -o, silico
/// design --json): objects, arrays, strings with escapes, numbers, true, false, null.
/// Internal to the report module.

#include <map>
#include <string>
#include <vector>

namespace silico::report::json {

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string text;
  std::vector<Value> items;
  std::map<std::string, Value> members;
};

/// @throws UserError "file:line:column: expected ..." for text that is not JSON.
Value parse(const std::string& text, const std::string& file);

}  // namespace silico::report::json
