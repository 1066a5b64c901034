#include "report/json.hpp"

#include <charconv>
#include <string>

#include "core/error.hpp"

namespace silico::report::json {
namespace {

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

Value parse(const std::string& text, const std::string& file) { return Parser(text, file).document(); }

}  // namespace silico::report::json
