#pragma once
// Internal to report/: the drawing primitives the charts in svg.cpp share (scales with
// nice ticks, the frame with axes and legend, marker shapes, number formatting).

#include <string>
#include <string_view>
#include <vector>

#include "report/svg.hpp"

namespace silico::report::detail {

/// A coordinate with two decimals: enough for screen and print, and short.
std::string num(double v);

/// A tick label: as many digits as the tick step needs to tell neighbours apart, compact
/// ("0.25", "1000", "0.9999995"); from 10^6 up and for tiny values in powers of ten with
/// no "+" or leading zeros ("1e6", "2.5e11", "1e-7").
/// `form` forces one of the two: 0 fixed, 1 powers of ten, -1 whichever suits v.
std::string tick_text(double v, double step, int form = -1);

/// Estimated width of a tick label in pixels at 12 px: 7.2 px a character, wider than any
/// digit of a sans-serif font, so labels judged apart are apart.
double tick_label_width(std::string_view label);

/// Maps a data interval onto a pixel interval, linearly or in log10.
struct Scale {
  double lo = 0.0, hi = 1.0;  ///< data domain: the outer ticks
  double p0 = 0.0, p1 = 1.0;  ///< pixels of lo and hi
  bool log = false;
  std::vector<double> ticks;
  double step = 1.0;  ///< linear tick step, for labels
  double operator()(double v) const;
  bool contains(double v) const;
  /// Tick label: on a linear axis every label in the form its largest tick needs, so an
  /// axis never mixes 1e12 with 1000000000000.2.
  std::string label(double t) const;
};

/// Drops ticks (keeping nice ones: multiples of a larger 1-2-5 step, or fewer powers of ten
/// on a log axis) until the labels, laid out along the scale's pixels, are at least 6 px
/// apart: horizontally by their estimated widths, vertically by the font height. Keeps at
/// least two ticks. The domain (lo, hi) is unchanged.
void fit_ticks(Scale& s, bool horizontal);

/// Linear ticks in 1-2-5 steps whose first is <= lo and last >= hi, about `target` of them.
/// A degenerate or empty range is widened first so the axis always has extent.
Scale linear_scale(double lo, double hi, int target = 6);
/// Log ticks at 1-2-5 x 10^k (only powers of ten past three decades), covering [lo, hi] > 0.
Scale log_scale(double lo, double hi);

/// Range of the finite values seen (and of positive ones, for log axes).
struct Range {
  double lo = 0.0, hi = 0.0;
  bool any = false;
  void add(double v);
  void add(const std::vector<double>& v) {
    for (double x : v) add(x);
  }
};

/// Colour, dash pattern and marker shape of series i: all three vary, for grayscale.
struct Style {
  const char* color;
  const char* dash;  ///< stroke-dasharray, "" for solid
  int shape;         ///< 0 circle, 1 square, 2 triangle, 3 diamond
};
Style style(std::size_t i);
std::string dash_attr(const Style& s);

/// A marker path centred on (x, y): "M x,y" then relative moves, so the first pair is
/// the point itself.
std::string marker(double x, double y, int shape, double r = 3.5);

struct LegendEntry {
  std::string name;
  std::size_t style = 0;
  enum Kind { kLine, kLineMarker, kMarker, kHollowMarker, kBar, kHollowDiamond } kind = kLine;
  std::string color = {};  ///< overrides the style's colour when set
  int shape = -1;          ///< overrides the style's marker shape when >= 0
};

/// A chart under construction: text plus the plot rectangle.
class Canvas {
 public:
  /// Lays out the frame: title and legend rows on top, `extra_left` / `extra_bottom` /
  /// `extra_right` pixels reserved for labels or tables. A frame height <= 0 becomes the
  /// margins plus `auto_plot_height` (row charts grow with their rows).
  Canvas(const ChartFrame& frame, const std::vector<LegendEntry>& legend, double extra_left,
         double extra_bottom, double extra_right = 0.0, double auto_plot_height = 240.0);
  double left, top, right, bottom;  // plot rectangle in pixels
  std::string body;

  void text(double x, double y, std::string_view s, std::string_view attrs);
  void line(double x1, double y1, double x2, double y2, std::string_view attrs);
  /// Axes with ticks and labels. A null y scale draws no y axis (row charts).
  /// The ticks are first thinned so their labels do not overlap (fit_ticks).
  void axes(Scale& x, Scale* y);
  void x_reference(const Scale& x, const RefLine& r, std::string_view dash = "5 3");
  void y_reference(const Scale& y, const RefLine& r, std::string_view dash = "5 3");
  void no_data();
  std::string finish() const;

 private:
  ChartFrame frame_;
  std::vector<LegendEntry> legend_;
  double legend_top_ = 0.0;
  void draw_legend(std::string& out) const;
};

/// Rough text width in pixels at the given font size (no font metrics offline).
double text_width(std::string_view s, double font_px = 12.0);

}  // namespace silico::report::detail
