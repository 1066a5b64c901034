#pragma once
/// @file
/// @brief Charts for the validation report as inline SVG: line (and step) charts,
/// Kaplan-Meier curves with numbers at risk, spaghetti plots, forest, tornado, histogram
/// and covariate-balance plots. Pure: each function returns one `<svg>` element as text.
///
/// The output fetches nothing (no fonts, images, CSS or scripts), so a report that embeds
/// it is viewable offline and prints to PDF as vectors. Colours come from a small fixed
/// palette (Okabe-Ito) and every series also differs by dash pattern and marker shape, so
/// the charts stay readable in grayscale.
///
/// Markup contract (tests and report styling rely on it):
///   - the plot area is `<rect class="plot-area" x y width height>`;
///   - each data series has one element with `class="series" data-series="<name>"`;
///   - each drawn marker is `<path class="point" d="M x,y ...">`: the initial absolute
///     move-to is the data point, the rest of the shape is relative;
///   - tick labels are `<text class="tick-label x|y">`, reference lines `class="reference"`;
///   - a chart without any finite value shows its axes and `<text class="no-data">`.
/// Non-finite values are skipped, never written as coordinates. All text is XML-escaped.

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace silico::report {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// What every chart has: a title (visible, and the SVG `<title>`), axis titles, size in
/// CSS pixels (the viewBox has the same size, so the chart scales with its container).
struct ChartFrame {
  std::string title;
  std::string x_title;
  std::string y_title;
  double width = 640;
  double height = 360;
};

/// A labelled reference line at a data value (vertical on x, horizontal on y).
struct RefLine {
  double value = 0.0;
  std::string label;
};

/// One series of a line chart. x, y have equal length (points in increasing x for step
/// charts). lower/upper are either empty or as long as x: a band drawn behind the line
/// through the indices where x, lower and upper are all finite.
struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  std::vector<double> lower;
  std::vector<double> upper;
  std::vector<double> censor_x;  ///< tick marks on the curve at these x (e.g. censorings); none when more than 300 distinct
  bool markers = false;          ///< draw a class="point" marker at each finite (x, y)
  double x_end = kNaN;           ///< step charts: carry the last value on to here
};

/// Several series on linear axes (or a log10 x axis). The axes cover all finite data and
/// the optional x_include / y_include values (e.g. 0 and 1 for probabilities), widened to
/// nice ticks.
struct LineChart : ChartFrame {
  std::vector<Series> series;
  bool step = false;  ///< right-continuous steps: horizontal to the next x, then vertical
  /// x on a log10 axis with ticks at 1, 2 and 5 per decade (powers of ten only past three
  /// decades), e.g. trial sizes; points (and reference lines) with x <= 0 are not drawn.
  bool x_log = false;
  std::vector<RefLine> x_lines;
  std::vector<RefLine> y_lines;
  std::vector<double> x_include;
  std::vector<double> y_include;
};
std::string line_chart(const LineChart& chart);

/// One arm of a Kaplan-Meier chart, in the shape of stats::KaplanMeier: S(t) just after
/// each distinct event time and the number at risk just before it. The curve starts at
/// (0, 1). lower/upper (optional, as long as time) give a pointwise band.
struct KmArm {
  std::string name;
  std::vector<double> time;
  std::vector<double> survival;
  std::vector<double> at_risk;  ///< optional; needed for the numbers-at-risk table
  std::vector<double> lower;
  std::vector<double> upper;
  /// One entry per censored patient (repeats allowed): drawn as ticks (once per time),
  /// counted in the numbers at risk, and the curve is carried on to the last of them.
  std::vector<double> censor_times;
};

/// Kaplan-Meier curves by arm with a numbers-at-risk table under the plot (a row per arm,
/// a column per x tick), shown when every arm has at_risk. The table adds
/// 18 px per arm + 22 px below the plot, within `height`.
struct KmChart : ChartFrame {
  std::vector<KmArm> arms;
  std::vector<RefLine> x_lines;  ///< e.g. a landmark time
};
std::string km_chart(const KmChart& chart);

/// Number at risk at `t` (observed time >= t) from an arm's at_risk and censor_times:
/// the count before the next event time plus the censorings in between.
double km_at_risk(const KmArm& arm, double t);

/// One arm of a spaghetti chart: trajectories on a common time grid (each as long as
/// time). median/p10/p90, if empty, are computed over the given trajectories per time
/// point (finite values only); pass them when they come from more patients than drawn.
struct SpaghettiArm {
  std::string name;
  std::vector<double> time;
  std::vector<std::vector<double>> trajectories;
  std::vector<double> median;
  std::vector<double> p10;
  std::vector<double> p90;
};

/// Thin light trajectories (the first max_trajectories per arm), the 10-90 % band and
/// the median line (the arm's class="series" element) per arm.
struct SpaghettiChart : ChartFrame {
  std::vector<SpaghettiArm> arms;
  std::size_t max_trajectories = 50;
};
std::string spaghetti_chart(const SpaghettiChart& chart);

/// One estimate with its confidence interval; truth (optional) is drawn as a hollow
/// diamond. Rows with a non-finite estimate show their label and "not estimable".
struct ForestRow {
  std::string label;
  double estimate = kNaN;
  double ci_low = kNaN;
  double ci_high = kNaN;
  double truth = kNaN;
};

/// A row per estimate, top to bottom, with a vertical line at the null value: 1 on a log
/// axis (ratios), else 0, unless null_value is given. Height grows with the rows when
/// height <= 0. The estimate and CI are also written as text to the right.
struct ForestPlot : ChartFrame {
  std::vector<ForestRow> rows;
  bool log_scale = false;
  double null_value = kNaN;
  ForestPlot() { height = 0; }
};
std::string forest_plot(const ForestPlot& plot);

/// The primary estimate when one parameter is set to its low and to its high value.
struct TornadoRow {
  std::string label;
  double low = kNaN;
  double high = kNaN;
};

/// Bars from the baseline estimate to each row's low and high results, widest span on top
/// (rows with neither value finite are dropped). Height grows with the rows when <= 0.
struct TornadoChart : ChartFrame {
  std::vector<TornadoRow> rows;
  double baseline = 0.0;
  std::string low_name = "low value";
  std::string high_name = "high value";
  TornadoChart() { height = 0; }
};
std::string tornado_chart(const TornadoChart& chart);

/// Distribution of replicate estimates in `bins` equal bins over their finite range,
/// with optional reference lines (e.g. the true value).
struct Histogram : ChartFrame {
  std::string name = "estimates";
  std::vector<double> values;
  std::size_t bins = 30;
  std::vector<RefLine> x_lines;
};
std::string histogram(const Histogram& chart);

/// Standardized mean difference of one covariate before and after adjustment.
struct BalanceRow {
  std::string label;
  double before = kNaN;
  double after = kNaN;
};

/// A row per covariate with two series (before: hollow circles, after: filled squares),
/// dashed lines at -threshold and +threshold and a line at 0.
struct BalancePlot : ChartFrame {
  std::vector<BalanceRow> rows;
  std::string before_name = "before";
  std::string after_name = "after";
  double threshold = 0.1;
  BalancePlot() {
    height = 0;
    x_title = "standardized mean difference";
  }
};
std::string balance_plot(const BalancePlot& plot);

/// Text with &, <, >, " and ' replaced by entities, for SVG and HTML alike.
std::string xml_escape(std::string_view text);

}  // namespace silico::report
