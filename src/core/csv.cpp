#include "core/csv.hpp"

#include <charconv>
#include <cmath>
#include <set>

#include "core/text.hpp"

namespace silico {

namespace {

struct Field {
  std::string text;
  int column = 1;  ///< 1-based character column of the field's first character
};

/// Splits one line into fields; quotes are removed. Returns an error message for an
/// unterminated quote.
std::string split(const std::string& line, std::vector<Field>& fields) {
  fields.clear();
  std::size_t i = 0;
  while (true) {
    Field field;
    // Spaces around a field are not part of it.
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    field.column = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return "unterminated quoted field";
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.text += line[i++];
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i < line.size() && line[i] != ',') return "text after a quoted field";
    } else {
      const std::size_t end = line.find(',', i);
      field.text = line.substr(i, end == std::string::npos ? std::string::npos : end - i);
      while (!field.text.empty() && (field.text.back() == ' ' || field.text.back() == '\t')) field.text.pop_back();
      i = end == std::string::npos ? line.size() : end;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return "";
    ++i;  // the comma
  }
}

}  // namespace

std::optional<std::size_t> CsvTable::find(const std::string& column) const {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c] == column) return c;
  }
  return std::nullopt;
}

std::optional<CsvTable> parse_numeric_csv(const std::string& text, const std::string& file,
                                          const std::string& key_path, DiagnosticList& diagnostics,
                                          std::size_t max_records) {
  const std::size_t errors_before = diagnostics.size();
  const auto error = [&](int line, int column, const std::string& message) {
    diagnostics.add(SourceLocation{file, line, column}, key_path, message);
  };
  CsvTable table;
  bool have_header = false;
  std::vector<Field> fields;
  int line_number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (const std::string problem = split(line, fields); !problem.empty()) {
      error(line_number, 1, problem);
      continue;
    }
    if (!have_header) {
      have_header = true;
      std::set<std::string> seen;
      for (const auto& f : fields) {
        if (f.text.empty()) {
          error(line_number, f.column, "empty column name in the header row");
        } else if (!seen.insert(f.text).second) {
          error(line_number, f.column, "column '" + excerpt(f.text) + "' appears twice in the header row");
        }
        table.columns.push_back(f.text);
      }
      table.values.resize(table.columns.size());
      table.cell_columns.resize(table.columns.size());
      continue;
    }
    if (table.lines.size() == max_records) {
      error(line_number, 1, "more than " + std::to_string(max_records) + " records; silico reads at most " +
                                std::to_string(max_records));
      break;
    }
    if (fields.size() != table.columns.size()) {
      error(line_number, 1, "expected " + std::to_string(table.columns.size()) + " fields (as the header), got " +
                                std::to_string(fields.size()));
      continue;
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const std::string& cell = fields[c].text;
      double value = 0.0;
      const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
      if (cell.empty() || ec != std::errc() || ptr != cell.data() + cell.size() || !std::isfinite(value)) {
        error(line_number, fields[c].column,
              "column '" + excerpt(table.columns[c]) + "': expected a finite number, got " +
                  (cell.empty() ? std::string("an empty field") : "'" + excerpt(cell) + "'"));
        value = 0.0;
      }
      table.values[c].push_back(value);
      table.cell_columns[c].push_back(fields[c].column);
    }
    table.lines.push_back(line_number);
  }
  if (!have_header) error(line_number > 0 ? line_number : 1, 1, "no header row: the file has no data");
  if (diagnostics.size() > errors_before) return std::nullopt;
  return table;
}

}  // namespace silico
