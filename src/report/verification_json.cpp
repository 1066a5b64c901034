/// @file
/// @brief Reading back the JSON of `silico verify -o`: a small JSON parser (objects, arrays,
/// strings with escapes, numbers, true, false, null) and the mapping onto VerificationCase.

#include <charconv>
#include <limits>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "report/report.hpp"

namespace silico::report {
namespace {

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string text;
  std::vector<Value> items;
  std::map<std::string, Value> members;
};

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : text_(text), file_(file) {}

  Value document() {
    Value v = value();
    skip_space();
    if (pos_ != text_.size()) fail("end of the document");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw UserError(file_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": expected " + expected +
                    " (a file written by silico verify -o)");
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool take_word(const char* word) {
    const std::string w(word);
    if (text_.compare(pos_, w.size(), w) == 0) {
      pos_ += w.size();
      return true;
    }
    return false;
  }

  Value value() {
    skip_space();
    if (pos_ >= text_.size()) fail("a value");
    Value v;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      v.kind = Value::Kind::kObject;
      if (take('}')) return v;
      do {
        skip_space();
        const std::string key = string();
        if (!take(':')) fail("':'");
        v.members[key] = value();
      } while (take(','));
      if (!take('}')) fail("',' or '}'");
    } else if (c == '[') {
      ++pos_;
      v.kind = Value::Kind::kArray;
      if (take(']')) return v;
      do {
        v.items.push_back(value());
      } while (take(','));
      if (!take(']')) fail("',' or ']'");
    } else if (c == '"') {
      v.kind = Value::Kind::kString;
      v.text = string();
    } else if (take_word("true")) {
      v.kind = Value::Kind::kBool;
      v.boolean = true;
    } else if (take_word("false")) {
      v.kind = Value::Kind::kBool;
    } else if (take_word("null")) {
      v.kind = Value::Kind::kNull;
    } else {
      v.kind = Value::Kind::kNumber;
      const auto result = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), v.number);
      if (result.ec != std::errc()) fail("a value");
      pos_ = static_cast<std::size_t>(result.ptr - text_.data());
    }
    return v;
  }

  std::string string() {
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("a string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) fail("an escape");
        const char e = text_[pos_++];
        switch (e) {
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          case 'r': c = '\r'; break;
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'u': {
            if (pos_ + 4 > text_.size()) fail("four hexadecimal digits");
            unsigned code = 0;
            const auto r = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, code, 16);
            if (r.ec != std::errc() || r.ptr != text_.data() + pos_ + 4) fail("four hexadecimal digits");
            pos_ += 4;
            // UTF-8 of a code point of the basic plane (silico writes only control characters).
            if (code < 0x80) {
              c = static_cast<char>(code);
            } else if (code < 0x800) {
              out += static_cast<char>(0xC0 | (code >> 6));
              c = static_cast<char>(0x80 | (code & 0x3F));
            } else {
              out += static_cast<char>(0xE0 | (code >> 12));
              out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
              c = static_cast<char>(0x80 | (code & 0x3F));
            }
            break;
          }
          default: c = e;  // \" \\ \/
        }
      }
      out += c;
    }
    if (pos_ >= text_.size()) fail("the end of a string");
    ++pos_;
    return out;
  }

  const std::string& text_;
  const std::string& file_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<VerificationCase> parse_verification_json(const std::string& text, const std::string& file) {
  const Value doc = Parser(text, file).document();
  const auto bad = [&](const std::string& what) -> UserError {
    return UserError(file + ": " + what + " (a file written by silico verify -o)");
  };
  if (doc.kind != Value::Kind::kObject) throw bad("expected a JSON object");
  const auto cases = doc.members.find("cases");
  if (cases == doc.members.end() || cases->second.kind != Value::Kind::kArray) throw bad("expected a 'cases' array");
  std::vector<VerificationCase> out;
  for (std::size_t i = 0; i < cases->second.items.size(); ++i) {
    const Value& item = cases->second.items[i];
    const std::string where = "cases[" + std::to_string(i) + "]";
    if (item.kind != Value::Kind::kObject) throw bad(where + ": expected an object");
    const auto field = [&](const char* name, Value::Kind kind) -> const Value* {
      const auto found = item.members.find(name);
      if (found == item.members.end()) throw bad(where + "." + name + ": missing");
      if (found->second.kind == Value::Kind::kNull && kind == Value::Kind::kNumber) return nullptr;  // NaN
      if (found->second.kind != kind) throw bad(where + "." + name + ": wrong type");
      return &found->second;
    };
    const auto number = [&](const char* name) {
      const Value* v = field(name, Value::Kind::kNumber);
      return v ? v->number : std::numeric_limits<double>::quiet_NaN();
    };
    VerificationCase c;
    c.id = field("id", Value::Kind::kString)->text;
    c.area = field("area", Value::Kind::kString)->text;
    c.check = field("check", Value::Kind::kString)->text;
    c.source = field("source", Value::Kind::kString)->text;
    c.expected = number("expected");
    c.observed = number("observed");
    c.tolerance = number("tolerance");
    const std::string comparison = field("comparison", Value::Kind::kString)->text;
    bool known = false;
    for (Comparison k : {Comparison::kAbsolute, Comparison::kRelative, Comparison::kAtMost, Comparison::kAtLeast}) {
      if (comparison == comparison_name(k)) {
        c.comparison = k;
        known = true;
      }
    }
    if (!known) throw bad(where + ".comparison: unknown '" + comparison + "'");
    c.passed = field("passed", Value::Kind::kBool)->boolean;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace silico::report
