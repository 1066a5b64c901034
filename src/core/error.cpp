#include "core/error.hpp"

#include <algorithm>
#include <sstream>

#include "core/text.hpp"

namespace silico {

std::string Diagnostic::format() const {
  // Keys, values and file names come from the user's input: a NUL or newline in them
  // must neither cut the report short nor forge a line of it.
  std::ostringstream out;
  out << (where.file.empty() ? "<spec>" : escape_control(where.file));
  if (where.line > 0) out << ':' << where.line << ':' << where.column;
  out << ": error: ";
  if (!key_path.empty()) out << escape_control(key_path) << ": ";
  out << escape_control(message);
  return out.str();
}

void DiagnosticList::add(SourceLocation where, std::string key_path, std::string message) {
  items_.push_back({std::move(where), std::move(key_path), std::move(message)});
}

std::string DiagnosticList::format() const {
  // Report in file order; validation visits sections in a fixed order that is not
  // necessarily the order they appear in the file.
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });
  std::string text;
  for (const auto& d : sorted) text += d.format() + "\n";
  return text;
}

SpecError::SpecError(DiagnosticList diagnostics)
    : UserError(diagnostics.format()), diagnostics_(std::move(diagnostics)) {}

}  // namespace silico
