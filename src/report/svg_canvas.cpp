#include "report/svg_canvas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>

namespace silico::report {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace silico::report

namespace silico::report::detail {

namespace {
constexpr double kTitleHeight = 22.0;
constexpr double kLegendRow = 18.0;
constexpr double kOuter = 10.0;
constexpr double kTickLength = 5.0;

double legend_entry_width(const LegendEntry& e) { return 30.0 + text_width(e.name) + 16.0; }
}  // namespace

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v == 0.0 ? 0.0 : v);  // no "-0.00" from -0.0
  std::string s = buf;
  if (s == "-0.00") s = "0.00";
  return s;
}

std::string tick_text(double v, double step, int form) {
  if (!(step > 0.0) || !std::isfinite(step)) step = std::abs(v) > 0.0 ? std::abs(v) : 1.0;
  if (std::abs(v) < step * 1e-9) v = 0.0;
  if (v == 0.0) return "0";
  char buf[64];
  const int step_exp = static_cast<int>(std::floor(std::log10(step) + 1e-9));
  const int value_exp = static_cast<int>(std::floor(std::log10(std::abs(v)) + 1e-9));
  const int decimals = std::clamp(-step_exp, 0, 15);
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  const std::string fixed = buf;
  if (form == 1 || (form == -1 && (std::abs(v) >= 1e6 || (step_exp < -5 && value_exp < -3)))) {
    // Mantissa digits down to the step's order, then "e" and the bare exponent; kept
    // unless the fixed form is shorter (123456789.2 rather than 1.234567892e8).
    const int digits = std::clamp(value_exp - step_exp, 0, 15);
    std::snprintf(buf, sizeof buf, "%.*e", digits, v);
    const std::string s = buf;
    const auto e = s.find('e');
    std::string mantissa = s.substr(0, e);
    if (mantissa.find('.') != std::string::npos) {
      while (mantissa.back() == '0') mantissa.pop_back();
      if (mantissa.back() == '.') mantissa.pop_back();
    }
    const std::string scientific = mantissa + "e" + std::to_string(std::stoi(s.substr(e + 1)));
    if (form == 1 || scientific.size() < fixed.size()) return scientific;
  }
  return fixed;
}

std::string Scale::label(double t) const {
  if (log) return tick_text(t, t);
  double largest = 0.0;
  for (double v : ticks) largest = std::max(largest, std::abs(v));
  const bool scientific = tick_text(largest, step).find('e') != std::string::npos;
  return tick_text(t, step, scientific ? 1 : 0);
}

double tick_label_width(std::string_view label) { return 7.2 * static_cast<double>(label.size()); }

void fit_ticks(Scale& s, bool horizontal) {
  constexpr double kGap = 6.0, kFontHeight = 12.0;
  const auto fits = [&](const std::vector<double>& ticks) {
    for (std::size_t i = 1; i < ticks.size(); ++i) {
      const double apart = std::abs(s(ticks[i]) - s(ticks[i - 1]));
      const double need = horizontal ? (tick_label_width(s.label(ticks[i])) + tick_label_width(s.label(ticks[i - 1]))) / 2
                                     : kFontHeight;
      if (apart < need + kGap) return false;
    }
    return true;
  };
  if (s.ticks.size() <= 2 || fits(s.ticks)) return;
  const auto keep = [&](const auto& pred) {
    std::vector<double> out;
    for (double t : s.ticks) {
      if (pred(t)) out.push_back(t);
    }
    return out;
  };
  const std::vector<double> original = s.ticks;
  const double original_step = s.step;
  double step = s.step;  // of the candidates tried; s.step stays that of s.ticks
  for (int round = 1; round < 60; ++round) {
    std::vector<double> kept;
    if (s.log) {
      // First powers of ten only, then every 2nd, 5th, 10th, ... decade.
      static constexpr int kEvery[] = {1, 2, 3, 5, 10, 20, 50, 100};
      if (round > static_cast<int>(std::size(kEvery))) break;
      const int every = kEvery[round - 1];
      kept = keep([&](double t) {
        const double e = std::log10(t);
        const double r = std::round(e);
        return std::abs(e - r) < 1e-9 && static_cast<long long>(r) % every == 0;
      });
    } else {
      // The next step of 1-2-5 x 10^k above the current one; ticks that are its multiples.
      const double mag = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
      const double f = step / mag;
      const double bigger = (f < 1.5 ? 2.0 : f < 3.5 ? 5.0 : 10.0) * mag;
      step = bigger;
      kept = keep([&](double t) {
        const double q = t / bigger;
        return std::abs(q - std::round(q)) < 1e-6;
      });
    }
    if (kept.size() < 2) break;
    s.ticks = kept;
    if (!s.log) s.step = step;
    if (fits(s.ticks)) return;
  }
  if (s.ticks.size() < 2) s.ticks = original, s.step = original_step;
  // Still crowded (a very narrow chart): the two outermost ticks at least are apart.
  if (!fits(s.ticks)) s.ticks = {s.ticks.front(), s.ticks.back()};
}

double Scale::operator()(double v) const {
  const double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                       : (v - lo) / (hi - lo);
  return p0 + t * (p1 - p0);
}

bool Scale::contains(double v) const {
  if (!std::isfinite(v) || (log && v <= 0.0)) return false;
  const double slack = log ? 0.0 : (hi - lo) * 1e-9;
  return v >= lo * (log ? 1 - 1e-9 : 1) - slack && v <= hi * (log ? 1 + 1e-9 : 1) + slack;
}

Scale linear_scale(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0.0, hi = 1.0;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    // A single value: centre it in an interval of 10 % of its size (or [0, 1] for 0).
    const double d = lo == 0.0 ? 0.5 : std::abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double step = (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
  // The 1e-9 keeps a bound that is a multiple of the step from gaining an extra tick.
  const auto k0 = static_cast<long long>(std::floor(lo / step + 1e-9));
  const auto k1 = static_cast<long long>(std::ceil(hi / step - 1e-9));
  Scale s;
  s.step = step;
  for (long long k = k0; k <= k1; ++k) s.ticks.push_back(static_cast<double>(k) * step);
  s.lo = std::min(s.ticks.front(), lo);
  s.hi = std::max(s.ticks.back(), hi);
  return s;
}

Scale log_scale(double lo, double hi) {
  if (!(lo > 0.0) || !(hi > 0.0) || !std::isfinite(lo) || !std::isfinite(hi)) lo = 0.5, hi = 2.0;
  if (hi < lo) std::swap(lo, hi);
  if (hi / lo < 1.5) lo /= 1.25, hi *= 1.25;  // a sliver would have one tick
  const int e0 = static_cast<int>(std::floor(std::log10(lo))) - 1;
  const int e1 = static_cast<int>(std::ceil(std::log10(hi)));
  const bool wide = std::log10(hi / lo) > 3.0;
  std::vector<double> candidates;
  for (int e = e0; e <= e1; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (wide && m != 1.0) continue;
      // Positive powers are exact; 10^-k as 1/10^k rounds like the literal 0.1, 0.01, ...
      candidates.push_back(e >= 0 ? m * std::pow(10.0, e) : m / std::pow(10.0, -e));
    }
  }
  Scale s;
  s.log = true;
  std::size_t first = 0, last = candidates.size() - 1;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i] <= lo * (1 + 1e-12)) first = i;
  }
  for (std::size_t i = candidates.size(); i-- > 0;) {
    if (candidates[i] >= hi * (1 - 1e-12)) last = i;
  }
  s.ticks.assign(candidates.begin() + static_cast<std::ptrdiff_t>(first),
                 candidates.begin() + static_cast<std::ptrdiff_t>(last) + 1);
  s.lo = std::min(s.ticks.front(), lo);
  s.hi = std::max(s.ticks.back(), hi);
  return s;
}

void Range::add(double v) {
  if (!std::isfinite(v)) return;
  if (!any) {
    lo = hi = v;
    any = true;
  } else {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
}

Style style(std::size_t i) {
  // Okabe-Ito colours, ordered so neighbours differ in lightness as well as hue.
  static constexpr const char* kColors[] = {"#000000", "#0072B2", "#E69F00",
                                            "#009E73", "#D55E00", "#CC79A7"};
  static constexpr const char* kDashes[] = {"", "7 3", "2 3", "8 3 2 3", "4 4", "1 2"};
  return {kColors[i % 6], kDashes[i % 6], static_cast<int>(i % 4)};
}

std::string dash_attr(const Style& s) {
  return *s.dash ? std::string(" stroke-dasharray=\"") + s.dash + "\"" : std::string();
}

std::string marker(double x, double y, int shape, double r) {
  const std::string at = "M" + num(x) + "," + num(y);
  const std::string R = num(r), D = num(2 * r);
  switch (shape) {
    case 1: {
      const std::string h = num(0.9 * r), w = num(1.8 * r);
      return at + " m-" + h + ",-" + h + " h" + w + " v" + w + " h-" + w + " z";
    }
    case 2:
      return at + " m0,-" + num(1.2 * r) + " l" + num(1.1 * r) + "," + num(1.9 * r) + " h-" +
             num(2.2 * r) + " z";
    case 3: {
      const std::string q = num(1.3 * r);
      return at + " m0,-" + q + " l" + q + "," + q + " l-" + q + "," + q + " l-" + q + ",-" + q +
             " z";
    }
    default:
      return at + " m-" + R + ",0 a" + R + "," + R + " 0 1,0 " + D + ",0 a" + R + "," + R +
             " 0 1,0 -" + D + ",0 z";
  }
}

double text_width(std::string_view s, double font_px) {
  // No font metrics offline: rough sans-serif advances by character class, erring wide so
  // labels are not clipped.
  double em = 0.0;
  for (unsigned char c : s) {
    if (c >= 'A' && c <= 'Z') {
      em += (c == 'I') ? 0.3 : (c == 'M' || c == 'W') ? 0.85 : 0.7;
    } else if (c == 'i' || c == 'l' || c == 'j' || c == '.' || c == ',' || c == ' ' || c == '\'' ||
               c == '|' || c == '(' || c == ')') {
      em += 0.3;
    } else if (c == 'm' || c == 'w') {
      em += 0.85;
    } else if (c >= 0x80 && c < 0xC0) {
      // UTF-8 continuation byte: the character was counted at its lead byte.
    } else {
      em += 0.58;
    }
  }
  return em * font_px;
}

Canvas::Canvas(const ChartFrame& frame, const std::vector<LegendEntry>& legend, double extra_left,
               double extra_bottom, double extra_right, double auto_plot_height)
    : frame_(frame), legend_(legend) {
  double y = kOuter + (frame.title.empty() ? 0.0 : kTitleHeight);
  legend_top_ = y;
  if (!legend_.empty()) {
    double x = kOuter, rows = 1;
    for (const auto& e : legend_) {
      const double w = legend_entry_width(e);
      if (x + w > frame.width - kOuter && x > kOuter) x = kOuter, ++rows;
      x += w;
    }
    y += rows * kLegendRow;
  }
  top = y + 8.0;
  left = kOuter + (frame.y_title.empty() ? 0.0 : 20.0) + extra_left + 8.0;
  right = frame.width - 16.0 - extra_right;
  const double below = kOuter + (frame.x_title.empty() ? 0.0 : 18.0) + 20.0 + extra_bottom;
  if (frame_.height <= 0) frame_.height = top + auto_plot_height + below;
  bottom = frame_.height - below;
  if (bottom < top + 20.0) bottom = top + 20.0;  // absurd sizes still give a valid chart
  if (right < left + 20.0) right = left + 20.0;
}

void Canvas::text(double x, double y, std::string_view s, std::string_view attrs) {
  body += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (!attrs.empty()) (body += ' ') += attrs;
  body += ">" + xml_escape(s) + "</text>\n";
}

void Canvas::line(double x1, double y1, double x2, double y2, std::string_view attrs) {
  body += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
          num(y2) + "\" " + std::string(attrs) + "/>\n";
}

void Canvas::axes(Scale& x, Scale* y) {
  fit_ticks(x, true);
  if (y != nullptr) fit_ticks(*y, false);
  body += "<rect class=\"plot-area\" x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" +
          num(right - left) + "\" height=\"" + num(bottom - top) + "\" fill=\"none\"/>\n";
  const std::string grid = "class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\"";
  const std::string axis = "class=\"axis\" stroke=\"#333\" stroke-width=\"1\"";
  for (double t : x.ticks) {
    const double px = x(t);
    line(px, top, px, bottom, grid);
    line(px, bottom, px, bottom + kTickLength, axis);
    text(px, bottom + kTickLength + 13.0, x.label(t),
         "class=\"tick-label x\" text-anchor=\"middle\"");
  }
  line(left, bottom, right, bottom, axis);
  if (!frame_.x_title.empty()) {
    text((left + right) / 2, bottom + kTickLength + 33.0, frame_.x_title,
         "class=\"axis-title x\" text-anchor=\"middle\"");
  }
  if (y == nullptr) return;
  for (double t : y->ticks) {
    const double py = (*y)(t);
    line(left, py, right, py, grid);
    line(left - kTickLength, py, left, py, axis);
    text(left - kTickLength - 3.0, py + 4.0, y->label(t),
         "class=\"tick-label y\" text-anchor=\"end\"");
  }
  line(left, top, left, bottom, axis);
  if (!frame_.y_title.empty()) {
    const double cx = kOuter + 10.0, cy = (top + bottom) / 2;
    body += "<text class=\"axis-title y\" x=\"" + num(cx) + "\" y=\"" + num(cy) +
            "\" text-anchor=\"middle\" transform=\"rotate(-90 " + num(cx) + " " + num(cy) + ")\">" +
            xml_escape(frame_.y_title) + "</text>\n";
  }
}

void Canvas::x_reference(const Scale& x, const RefLine& r, std::string_view dash) {
  if (!x.contains(r.value)) return;
  const double px = x(r.value);
  std::string attrs = "class=\"reference\" stroke=\"#555\" stroke-width=\"1.2\"";
  if (!dash.empty()) attrs += " stroke-dasharray=\"" + std::string(dash) + "\"";
  line(px, top, px, bottom, attrs);
  if (!r.label.empty()) {
    // Labels sit inside the plot, on the side of the line with more room.
    const bool room_right = px + 4.0 + text_width(r.label, 11) < right;
    text(room_right ? px + 4.0 : px - 4.0, top + 12.0, r.label,
         std::string("class=\"reference-label\" font-size=\"11\" fill=\"#333\" text-anchor=\"") +
             (room_right ? "start" : "end") + "\"");
  }
}

void Canvas::y_reference(const Scale& y, const RefLine& r, std::string_view dash) {
  if (!y.contains(r.value)) return;
  const double py = y(r.value);
  std::string attrs = "class=\"reference\" stroke=\"#555\" stroke-width=\"1.2\"";
  if (!dash.empty()) attrs += " stroke-dasharray=\"" + std::string(dash) + "\"";
  line(left, py, right, py, attrs);
  if (!r.label.empty()) {
    text(right - 4.0, py - 4.0, r.label,
         "class=\"reference-label\" font-size=\"11\" fill=\"#333\" text-anchor=\"end\"");
  }
}

void Canvas::no_data() {
  text((left + right) / 2, (top + bottom) / 2, "no data",
       "class=\"no-data\" text-anchor=\"middle\" fill=\"#777\" font-size=\"14\"");
}

void Canvas::draw_legend(std::string& out) const {
  double x = kOuter, y = legend_top_;
  for (const auto& e : legend_) {
    const double w = legend_entry_width(e);
    if (x + w > frame_.width - kOuter && x > kOuter) x = kOuter, y += kLegendRow;
    Style s = style(e.style);
    if (e.shape >= 0) s.shape = e.shape;
    const double cy = y + kLegendRow / 2;
    const std::string color = e.color.empty() ? std::string(s.color) : e.color;
    switch (e.kind) {
      case LegendEntry::kLine:
      case LegendEntry::kLineMarker:
        out += "<line class=\"legend\" x1=\"" + num(x) + "\" y1=\"" + num(cy) + "\" x2=\"" +
               num(x + 24) + "\" y2=\"" + num(cy) + "\" stroke=\"" + color +
               "\" stroke-width=\"2\"" + dash_attr(s) + "/>\n";
        if (e.kind == LegendEntry::kLine) break;
        [[fallthrough]];
      case LegendEntry::kMarker:
        out += "<path class=\"legend\" d=\"" + marker(x + 12, cy, s.shape) + "\" fill=\"" + color +
               "\" stroke=\"" + color + "\"/>\n";
        break;
      case LegendEntry::kHollowMarker:
        out += "<path class=\"legend\" d=\"" + marker(x + 12, cy, s.shape) +
               "\" fill=\"#fff\" stroke=\"" + color + "\" stroke-width=\"1.5\"/>\n";
        break;
      case LegendEntry::kHollowDiamond:
        out += "<path class=\"legend\" d=\"" + marker(x + 12, cy, 3, 4.0) +
               "\" fill=\"#fff\" stroke=\"" + color + "\" stroke-width=\"1.5\"/>\n";
        break;
      case LegendEntry::kBar:
        out += "<rect class=\"legend\" x=\"" + num(x + 5) + "\" y=\"" + num(cy - 5) +
               "\" width=\"14\" height=\"10\" fill=\"" + color + "\" stroke=\"#333\"/>\n";
        break;
    }
    out += "<text class=\"legend\" x=\"" + num(x + 30) + "\" y=\"" + num(cy + 4) + "\">" +
           xml_escape(e.name) + "</text>\n";
    x += w;
  }
}

std::string Canvas::finish() const {
  const std::string w = num(frame_.width), h = num(frame_.height);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + w + " " + h +
                    "\" width=\"" + w + "\" height=\"" + h +
                    "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<title>" + xml_escape(frame_.title.empty() ? "chart" : frame_.title) + "</title>\n";
  if (!frame_.title.empty()) {
    out += "<text class=\"chart-title\" x=\"" + num(kOuter) + "\" y=\"" + num(kOuter + 14) +
           "\" font-size=\"14\" font-weight=\"bold\">" + xml_escape(frame_.title) + "</text>\n";
  }
  draw_legend(out);
  out += body;
  out += "</svg>";
  return out;
}

}  // namespace silico::report::detail
