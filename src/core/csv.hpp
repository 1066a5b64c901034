#pragma once
/// @file
/// @brief Numeric CSV tables (observed outcomes of real patients): a header row of column
/// names, then one row of numbers per record. Every problem is reported with the file,
/// line and column of the cell, so a user can fix a file of thousands of rows.

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace silico {

/// A table of numbers by column, in file order.
struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> values;  ///< values[c][r]: column c, record r
  std::vector<int> lines;                   ///< the file line of each record (1-based)
  std::vector<std::vector<int>> cell_columns;  ///< cell_columns[c][r]: where the cell starts (1-based)

  /// Index of a column, or nullopt.
  std::optional<std::size_t> find(const std::string& column) const;
  std::size_t records() const { return lines.size(); }
};

/// Parses `text` read from `file`. Lines starting with '#' (provenance notes) and blank
/// lines are skipped; the first other line is the header. Fields are separated by commas;
/// a field may be enclosed in double quotes (R's write.csv quotes names). Each data cell
/// must be a finite decimal number. Problems are added to `diagnostics` under `key_path`
/// with the cell's location; the table is returned only when there are none. Messages
/// quote at most a short escaped excerpt of a cell or a name (the file may not be the
/// user's own). Past `max_records` records, reading stops with an error at that line.
std::optional<CsvTable> parse_numeric_csv(const std::string& text, const std::string& file,
                                          const std::string& key_path, DiagnosticList& diagnostics,
                                          std::size_t max_records = std::numeric_limits<std::size_t>::max());

}  // namespace silico
