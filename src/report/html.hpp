#pragma once
/// @file
/// @brief Text helpers the report's HTML sections share (report.cpp and the section files).

#include <cmath>
#include <cstdio>
#include <string>

#include "report/svg.hpp"

namespace silico::report::html {

inline std::string esc(const std::string& text) { return xml_escape(text); }

/// `digits` significant digits; a dash for NaN or infinity.
inline std::string num(double x, int digits = 4) {
  if (!std::isfinite(x)) return "&ndash;";
  char text[48];
  std::snprintf(text, sizeof(text), "%.*g", digits, x);
  return text;
}

}  // namespace silico::report::html
