// The report's SVG charts, checked by scanning the markup: structure (balanced tags, one
// class="series" element per series, one class="point" per finite point), geometry (every
// plotted coordinate inside the plot area, ticks covering the data in 1-2-5 steps, the
// null of a log axis on its reference line) and safety (escaping, no NaN, no URLs).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include "report/svg.hpp"

namespace rp = silico::report;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Coordinates are written with two decimals, so a point on an edge may be 0.005 px off.
constexpr double kPixel = 0.01;

/// Every opening tag closed in order, and nothing closed that was not open.
bool tags_balanced(const std::string& svg, std::string* why) {
  static const std::regex tag(R"(<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>)");
  std::vector<std::string> open;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tag); it != std::sregex_iterator();
       ++it) {
    const std::string name = (*it)[2];
    if ((*it)[3].length() > 0) continue;  // <x/>
    if ((*it)[1].length() == 0) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      *why = "unexpected </" + name + ">";
      return false;
    } else {
      open.pop_back();
    }
  }
  if (!open.empty()) *why = "<" + open.back() + "> not closed";
  return open.empty();
}

void expect_well_formed(const std::string& svg) {
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  ASSERT_GE(svg.size(), 6u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  std::string why;
  EXPECT_TRUE(tags_balanced(svg, &why)) << why;
  EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);
  EXPECT_NE(svg.find("<title>"), std::string::npos);
  // Nothing to fetch: the only URL is the SVG namespace.
  std::string rest = svg;
  const std::string ns = "http://www.w3.org/2000/svg";
  for (auto p = rest.find(ns); p != std::string::npos; p = rest.find(ns)) rest.erase(p, ns.size());
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
  EXPECT_EQ(rest.find("<script"), std::string::npos);
  EXPECT_EQ(rest.find("<image"), std::string::npos);
  EXPECT_EQ(rest.find("@import"), std::string::npos);
  // Never a non-finite number anywhere.
  static const std::regex bad(R"((^|[^A-Za-z])(nan|inf)([^A-Za-z]|$))", std::regex::icase);
  EXPECT_FALSE(std::regex_search(svg, bad));
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

/// The opening tags of elements with the given class.
std::vector<std::string> elements(const std::string& svg, const std::string& cls) {
  const std::regex re("<[a-z]+ [^>]*class=\"" + cls + "\"[^>]*>");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    out.push_back(it->str());
  }
  return out;
}

double attribute(const std::string& tag, const std::string& name) {
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  std::smatch m;
  if (!std::regex_search(tag, m, re)) return kNaN;
  return std::stod(m[1]);
}

std::string string_attribute(const std::string& tag, const std::string& name) {
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(tag, m, re) ? std::string(m[1]) : std::string();
}

/// Absolute coordinate pairs "x,y" of a path's d.
std::vector<std::pair<double, double>> pairs(const std::string& d) {
  static const std::regex re(R"(([ML])(-?[0-9.]+),(-?[0-9.]+))");
  std::vector<std::pair<double, double>> out;
  for (auto it = std::sregex_iterator(d.begin(), d.end(), re); it != std::sregex_iterator(); ++it) {
    out.emplace_back(std::stod((*it)[2]), std::stod((*it)[3]));
  }
  return out;
}

struct Area {
  double left, top, right, bottom;
  bool contains(double x, double y) const {
    return x >= left - kPixel && x <= right + kPixel && y >= top - kPixel && y <= bottom + kPixel;
  }
};

Area plot_area(const std::string& svg) {
  const auto r = elements(svg, "plot-area");
  EXPECT_EQ(r.size(), 1u);
  if (r.empty()) return {0, 0, 0, 0};
  const double x = attribute(r[0], "x"), y = attribute(r[0], "y");
  return {x, y, x + attribute(r[0], "width"), y + attribute(r[0], "height")};
}

/// Every vertex of series paths and every marker centre lies inside the plot area.
void expect_inside(const std::string& svg) {
  const Area a = plot_area(svg);
  for (const char* cls : {"series", "point", "band", "trajectory", "truth"}) {
    for (const auto& e : elements(svg, cls)) {
      for (const auto& [x, y] : pairs(string_attribute(e, "d"))) {
        EXPECT_TRUE(a.contains(x, y)) << cls << " at " << x << "," << y;
        if (std::string(cls) == "point" || std::string(cls) == "truth") break;  // centre only
      }
    }
  }
}

std::vector<std::pair<double, std::string>> tick_labels(const std::string& svg, char axis) {
  const std::regex re(std::string("<text x=\"([-0-9.]+)\" y=\"([-0-9.]+)\" class=\"tick-label ") +
                      axis + "\"[^>]*>([^<]*)</text>");
  std::vector<std::pair<double, std::string>> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    out.emplace_back(std::stod((*it)[axis == 'x' ? 1 : 2]), (*it)[3]);
  }
  return out;
}

/// Ticks are equally spaced by 1, 2 or 5 x 10^k and cover [lo, hi].
void expect_nice_cover(const std::string& svg, char axis, double lo, double hi) {
  const auto labels = tick_labels(svg, axis);
  ASSERT_GE(labels.size(), 2u);
  std::vector<double> v;
  for (const auto& l : labels) v.push_back(std::stod(l.second));
  EXPECT_LE(v.front(), lo);
  EXPECT_GE(v.back(), hi);
  const double step = v[1] - v[0];
  ASSERT_GT(step, 0.0);
  for (std::size_t i = 1; i < v.size(); ++i) EXPECT_NEAR(v[i] - v[i - 1], step, step * 1e-9);
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  EXPECT_TRUE(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 ||
              std::abs(mantissa - 5) < 1e-9)
      << "step " << step;
}

rp::Series series(const std::string& name, std::vector<double> x, std::vector<double> y,
                  bool markers = false) {
  rp::Series s;
  s.name = name;
  s.x = std::move(x);
  s.y = std::move(y);
  s.markers = markers;
  return s;
}

rp::LineChart two_series() {
  rp::LineChart c;
  c.title = "Power";
  c.x_title = "patients per arm";
  c.y_title = "power";
  c.series.push_back(series("log-rank", {50, 100, 150, 200}, {0.31, 0.55, 0.72, 0.84}, true));
  c.series.push_back(series("RMST", {50, 100, 150, 200}, {0.28, 0.51, 0.69, 0.82}, true));
  c.y_lines.push_back({0.8, "80 %"});
  return c;
}

}  // namespace

TEST(Svg, LineChartCountsSeriesAndPoints) {
  const std::string svg = rp::line_chart(two_series());
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"series\""), 2u);
  EXPECT_EQ(count(svg, "class=\"point\""), 8u);
  EXPECT_EQ(count(svg, "data-series=\"RMST\""), 1u + 4u);      // the line and its markers
  EXPECT_NE(svg.find("class=\"legend\""), std::string::npos);  // two series, so a legend
  expect_inside(svg);
  expect_nice_cover(svg, 'x', 50, 200);
  expect_nice_cover(svg, 'y', 0.28, 0.84);
}

TEST(Svg, OneSeriesHasNoLegend) {
  auto c = two_series();
  c.series.pop_back();
  const std::string svg = rp::line_chart(c);
  expect_well_formed(svg);
  EXPECT_EQ(svg.find("class=\"legend\""), std::string::npos);
}

TEST(Svg, TicksAreNiceForAwkwardRanges) {
  // Ranges whose ends are not multiples of any nice step, negative, tiny and large.
  const std::vector<std::pair<double, double>> ranges = {
      {0.013, 0.987}, {-3.7, 12.2}, {1e-4, 7.3e-4}, {12345, 98765}, {-0.51, -0.49}, {5, 5}};
  for (const auto& [lo, hi] : ranges) {
    rp::LineChart c;
    c.series.push_back(series("s", {lo, hi}, {hi, lo}));
    const std::string svg = rp::line_chart(c);
    SCOPED_TRACE(std::to_string(lo) + ".." + std::to_string(hi));
    expect_well_formed(svg);
    expect_nice_cover(svg, 'x', lo, hi);
    expect_nice_cover(svg, 'y', lo, hi);
    expect_inside(svg);
  }
}

TEST(Svg, NonFiniteValuesAreSkipped) {
  rp::LineChart c;
  c.series.push_back(series("a", {0, 1, 2, kNaN, 4, 5}, {1, kInf, 3, 4, -kInf, 6}, true));
  c.series[0].lower = {0, 0, kNaN, 0, 0, 0};
  c.series[0].upper = {2, 2, 4, 5, 7, 7};
  const std::string svg = rp::line_chart(c);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"point\""), 3u);  // (0,1), (2,3), (5,6)
  expect_inside(svg);
  expect_nice_cover(svg, 'y', 0, 7);
}

TEST(Svg, EmptyChartsSayNoData) {
  const std::vector<std::string> charts = {
      rp::line_chart({}),
      rp::line_chart([] {
        rp::LineChart c;
        c.series.push_back(series("missing", {kNaN}, {1}, true));
        return c;
      }()),
      rp::km_chart({}),
      rp::spaghetti_chart({}),
      rp::forest_plot({}),
      rp::tornado_chart({}),
      rp::histogram({}),
      rp::balance_plot({})};
  for (const auto& svg : charts) {
    expect_well_formed(svg);
    EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
    EXPECT_EQ(count(svg, "class=\"point\""), 0u);
    EXPECT_FALSE(tick_labels(svg, 'x').empty());  // axes are still drawn
  }
}

TEST(Svg, TextIsEscaped) {
  auto c = two_series();
  c.title = "A <&> \"B\" 'C'";
  c.series[0].name = "<&>";
  const std::string svg = rp::line_chart(c);
  expect_well_formed(svg);
  EXPECT_NE(svg.find("&lt;&amp;&gt; &quot;B&quot; &#39;C&#39;"), std::string::npos);
  EXPECT_NE(svg.find("data-series=\"&lt;&amp;&gt;\""), std::string::npos);
  EXPECT_NE(svg.find(">&lt;&amp;&gt;</text>"), std::string::npos);  // the legend
  EXPECT_EQ(svg.find("<&>"), std::string::npos);
  EXPECT_EQ(rp::xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST(Svg, KaplanMeierStepsBandsAndNumbersAtRisk) {
  // Control: 10 patients, events at 2, 4, 4, 7; censored at 3, 5, 9, 9, 12, 12.
  rp::KmArm control;
  control.name = "control";
  control.time = {2, 4, 7};
  control.survival = {0.9, 0.7, 0.56};
  control.at_risk = {10, 8, 5};
  control.lower = {0.7, 0.45, 0.3};
  control.upper = {1.0, 0.9, 0.8};
  control.censor_times = {3, 5, 9, 9, 12, 12};
  rp::KmArm treated;
  treated.name = "treated <1>";
  treated.time = {3, 8};
  treated.survival = {0.9, 0.8};
  treated.at_risk = {10, 9};
  treated.censor_times = {1};
  rp::KmChart km;
  km.title = "Overall survival";
  km.x_title = "months";
  km.y_title = "survival";
  km.arms = {control, treated};
  const std::string svg = rp::km_chart(km);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"series\""), 2u);
  EXPECT_EQ(count(svg, "class=\"band\""), 1u);
  expect_inside(svg);
  expect_nice_cover(svg, 'x', 0, 12);
  expect_nice_cover(svg, 'y', 0, 1);

  // Start at (0, 1), two vertices per event time, then on to the last censoring.
  const auto series = elements(svg, "series");
  const auto ctl = pairs(string_attribute(series[0], "d"));
  ASSERT_EQ(ctl.size(), 1u + 2u * 3u + 1u);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& before = ctl[2 * k];
    const auto& h = ctl[2 * k + 1];
    const auto& v = ctl[2 * k + 2];
    EXPECT_EQ(h.second, before.second) << "horizontal first";
    EXPECT_GT(h.first, before.first);
    EXPECT_EQ(v.first, h.first) << "then vertical";
    EXPECT_GT(v.second, h.second) << "down (pixels grow downwards)";
  }
  EXPECT_EQ(ctl.back().second, ctl[ctl.size() - 2].second);
  const auto trt = pairs(string_attribute(series[1], "d"));
  EXPECT_EQ(trt.size(), 1u + 2u * 2u);  // its only censoring (1) is before the last event

  // Censor ticks once per distinct time: 3, 5, 9, 12 for control, 1 for treated.
  const auto censors = elements(svg, "censor");
  ASSERT_EQ(censors.size(), 2u);
  EXPECT_EQ(count(string_attribute(censors[0], "d"), "M"), 4u);
  EXPECT_EQ(count(string_attribute(censors[1], "d"), "M"), 1u);

  // Numbers at risk at the x ticks (0, 2, 4, ..., 12).
  EXPECT_EQ(rp::km_at_risk(control, 0), 10);
  EXPECT_EQ(rp::km_at_risk(control, 3), 9);  // 2 left; 3 is censored at 3, so still at risk
  EXPECT_EQ(rp::km_at_risk(control, 4), 8);
  EXPECT_EQ(rp::km_at_risk(control, 6), 5);
  EXPECT_EQ(rp::km_at_risk(control, 8), 4);
  EXPECT_EQ(rp::km_at_risk(control, 10), 2);
  EXPECT_EQ(rp::km_at_risk(control, 12), 2);
  EXPECT_EQ(rp::km_at_risk(control, 13), 0);
  EXPECT_EQ(rp::km_at_risk(treated, 2), 10);
  const auto cells = elements(svg, "at-risk");
  EXPECT_EQ(cells.size(), 2 * tick_labels(svg, 'x').size());
  EXPECT_NE(svg.find(">treated &lt;1&gt;</text>"), std::string::npos);
  // The table is under the axis labels.
  const Area a = plot_area(svg);
  for (const auto& c : cells) EXPECT_GT(attribute(c, "y"), a.bottom + 20);
}

TEST(Svg, SpaghettiCapsTrajectoriesAndDrawsMedianBand) {
  rp::SpaghettiChart c;
  c.x_title = "week";
  c.max_trajectories = 20;
  for (int arm = 0; arm < 2; ++arm) {
    rp::SpaghettiArm a;
    a.name = arm == 0 ? "placebo" : "drug";
    a.time = {0, 4, 8, 12};
    for (int j = 0; j < 35; ++j) {
      const double slope = (arm == 0 ? -0.5 : -1.5) + 0.05 * (j - 17);
      a.trajectories.push_back({0, 4 * slope, j == 3 ? kNaN : 8 * slope, 12 * slope});
    }
    c.arms.push_back(a);
  }
  const std::string svg = rp::spaghetti_chart(c);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"series\""), 2u);
  EXPECT_EQ(count(svg, "class=\"trajectory\""), 40u);
  EXPECT_EQ(count(svg, "class=\"band\""), 2u);
  expect_inside(svg);
  // The median of a symmetric set of slopes is the middle one, at week 12 for placebo: -6.
  const Area a = plot_area(svg);
  const auto med = pairs(string_attribute(elements(svg, "series")[0], "d"));
  ASSERT_EQ(med.size(), 4u);
  // Tick labels' baselines sit 4 px below their ticks; both shift alike, so use one offset.
  const auto yt = tick_labels(svg, 'y');
  const double y0 = yt.front().first - 4, v0 = std::stod(yt.front().second);
  const double y1 = yt.back().first - 4, v1 = std::stod(yt.back().second);
  EXPECT_NEAR(v0 + (med[3].second - y0) / (y1 - y0) * (v1 - v0), -6.0, 0.05);
  EXPECT_GE(med[0].first, a.left - kPixel);
}

TEST(Svg, ForestPlotOnALogAxisPutsOneOnTheReferenceLine) {
  rp::ForestPlot f;
  f.title = "Hazard ratio";
  f.log_scale = true;
  f.rows = {{"log-rank", 0.72, 0.55, 0.94, 0.7},
            {"Cox", 1.0, 0.8, 1.25},
            {"failed", kNaN, kNaN, kNaN},
            {"weighted <w>", 0.65, 0.41, 1.03, 0.7}};
  const std::string svg = rp::forest_plot(f);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"series\""), 4u);
  EXPECT_EQ(count(svg, "class=\"point\""), 3u);
  EXPECT_EQ(count(svg, "class=\"truth\""), 2u);
  EXPECT_NE(svg.find("not estimable"), std::string::npos);
  expect_inside(svg);

  const auto refs = elements(svg, "reference");
  ASSERT_EQ(refs.size(), 1u);
  const double ref_x = attribute(refs[0], "x1");
  bool found = false;
  std::vector<double> ticks;
  for (const auto& [x, label] : tick_labels(svg, 'x')) {
    ticks.push_back(std::stod(label));
    if (label == "1") {
      found = true;
      EXPECT_NEAR(x, ref_x, kPixel);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_LE(ticks.front(), 0.41);
  EXPECT_GE(ticks.back(), 1.25);
  // Ticks are 1, 2 or 5 times a power of ten, and equal ratios are equal distances.
  for (double t : ticks) {
    const double m = t / std::pow(10.0, std::floor(std::log10(t) + 1e-9));
    EXPECT_TRUE(std::abs(m - 1) < 1e-9 || std::abs(m - 2) < 1e-9 || std::abs(m - 5) < 1e-9) << t;
  }
  const auto labels = tick_labels(svg, 'x');
  double x_half = kNaN, x_two = kNaN;
  for (const auto& [x, l] : labels) {
    if (l == "0.5") x_half = x;
    if (l == "2") x_two = x;
  }
  EXPECT_NEAR(ref_x - x_half, x_two - ref_x, 2 * kPixel);
  // The Cox row's estimate (exactly 1) is drawn on the line.
  const auto points = elements(svg, "point");
  EXPECT_NEAR(pairs(string_attribute(points[1], "d"))[0].first, ref_x, kPixel);
  EXPECT_NE(svg.find("weighted &lt;w&gt;"), std::string::npos);
}

TEST(Svg, ForestPlotOfDifferencesHasItsNullAtZero) {
  rp::ForestPlot f;
  f.rows = {{"Welch", 2.1, 0.4, 3.8, 2.0}, {"ANCOVA", 1.9, 0.9, 2.9, 2.0}};
  const std::string svg = rp::forest_plot(f);
  expect_well_formed(svg);
  const double ref_x = attribute(elements(svg, "reference")[0], "x1");
  for (const auto& [x, l] : tick_labels(svg, 'x')) {
    if (l == "0") {
      EXPECT_NEAR(x, ref_x, kPixel);
    }
  }
  expect_nice_cover(svg, 'x', 0, 3.8);
}

TEST(Svg, TornadoSortsBySpan) {
  rp::TornadoChart t;
  t.baseline = 0.75;
  t.rows = {{"dropout", 0.74, 0.77},
            {"effect size", 0.6, 0.9},
            {"n/a", kNaN, kNaN},
            {"accrual", 0.7, kNaN}};
  const std::string svg = rp::tornado_chart(t);
  expect_well_formed(svg);
  const auto series = elements(svg, "series");
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(string_attribute(series[0], "data-series"), "effect size");
  EXPECT_EQ(string_attribute(series[1], "data-series"), "accrual");
  EXPECT_EQ(string_attribute(series[2], "data-series"), "dropout");
  EXPECT_EQ(count(svg, "class=\"bar\""), 5u);
  const Area a = plot_area(svg);
  const double ref_x = attribute(elements(svg, "reference")[0], "x1");
  for (const auto& bar : elements(svg, "bar")) {
    const double x = attribute(bar, "x"), w = attribute(bar, "width");
    EXPECT_TRUE(a.contains(x, attribute(bar, "y")));
    EXPECT_TRUE(a.contains(x + w, attribute(bar, "y") + attribute(bar, "height")));
    // Every bar starts or ends at the baseline.
    EXPECT_TRUE(std::abs(x - ref_x) < kPixel || std::abs(x + w - ref_x) < kPixel);
  }
  expect_nice_cover(svg, 'x', 0.6, 0.9);
}

TEST(Svg, HistogramCountsEveryFiniteValue) {
  rp::Histogram h;
  h.x_title = "estimate";
  h.bins = 10;
  for (int i = 0; i < 200; ++i) h.values.push_back(std::sin(i * 1.7) * 2 + 0.3);
  h.values.push_back(kNaN);
  h.values.push_back(kInf);
  h.x_lines = {{0.3, "true value"}};
  const std::string svg = rp::histogram(h);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"series\""), 1u);
  const Area a = plot_area(svg);
  double total = 0.0;
  const auto yt = tick_labels(svg, 'y');
  const double px_per_count = (yt.front().first - yt.back().first) /
                              (std::stod(yt.back().second) - std::stod(yt.front().second));
  for (const auto& bar : elements(svg, "bar")) {
    const double x = attribute(bar, "x"), y = attribute(bar, "y");
    EXPECT_TRUE(a.contains(x, y));
    EXPECT_TRUE(a.contains(x + attribute(bar, "width"), y + attribute(bar, "height")));
    total += attribute(bar, "height") / px_per_count;
  }
  EXPECT_NEAR(total, 200.0, 0.5);
  EXPECT_EQ(elements(svg, "reference").size(), 1u);
  expect_nice_cover(svg, 'x', -1.7, 2.3);
}

TEST(Svg, BalancePlotHasTwoMarkerSeriesAndThresholds) {
  rp::BalancePlot b;
  b.rows = {{"age", 0.32, 0.04}, {"weight", -0.18, -0.02}, {"sex", 0.05, kNaN}};
  const std::string svg = rp::balance_plot(b);
  expect_well_formed(svg);
  EXPECT_EQ(count(svg, "class=\"series\""), 2u);
  EXPECT_EQ(count(svg, "class=\"point\""), 5u);
  EXPECT_EQ(elements(svg, "reference").size(), 3u);  // -0.1, 0, 0.1
  expect_inside(svg);
  expect_nice_cover(svg, 'x', -0.18, 0.32);
}

TEST(Svg, SizeIsConfigurable) {
  auto c = two_series();
  c.width = 800;
  c.height = 500;
  const std::string svg = rp::line_chart(c);
  EXPECT_NE(svg.find("viewBox=\"0 0 800.00 500.00\" width=\"800.00\" height=\"500.00\""),
            std::string::npos);
  const Area a = plot_area(svg);
  EXPECT_LT(a.right, 800);
  EXPECT_LT(a.bottom, 500);
}

namespace {

/// Tick labels of one axis must be distinct, short numbers in order, and (x axis) not
/// overlap at an estimated 7.2 px a character, or (y axis) be a text line apart.
/// `max_length`: 12 characters, more where the values need more significant digits (a
/// range of 1 at 10^12).
void expect_readable_ticks(const std::string& svg, char axis, std::size_t max_length = 12) {
  const auto labels = tick_labels(svg, axis);
  ASSERT_GE(labels.size(), 2u);
  std::vector<double> values;
  for (const auto& [at, text] : labels) {
    SCOPED_TRACE("label '" + text + "'");
    EXPECT_LE(text.size(), max_length);
    EXPECT_EQ(text.find("e+"), std::string::npos);
    std::size_t used = 0;
    values.push_back(std::stod(text, &used));
    EXPECT_EQ(used, text.size());
  }
  for (std::size_t i = 1; i < labels.size(); ++i) {
    SCOPED_TRACE(labels[i - 1].second + " | " + labels[i].second);
    EXPECT_NE(labels[i].second, labels[i - 1].second);
    EXPECT_NE(values[i], values[i - 1]);
    const double apart = std::abs(labels[i].first - labels[i - 1].first);
    if (axis == 'x') {
      const double half_widths = 3.6 * static_cast<double>(labels[i].second.size() + labels[i - 1].second.size());
      EXPECT_GE(apart, half_widths) << "labels overlap";
    } else {
      EXPECT_GE(apart, 12.0) << "labels overlap";
    }
  }
}

}  // namespace

TEST(Svg, TickLabelsOfAdversarialRangesAreDistinctAndApart) {
  const std::vector<std::pair<double, double>> ranges = {
      {1, 1e12},    {0.999999, 1.000001}, {42, 42},   {0, 0},        {-7.5e6, 3.2e6},
      {-1, 1},      {1e12, 1e12 + 1},     {-1e-9, 2e-9}, {1e5, 1e6}, {123456789, 123456790}};
  for (const double width : {640.0, 320.0}) {
    for (const auto& [lo, hi] : ranges) {
      SCOPED_TRACE("[" + std::to_string(lo) + ", " + std::to_string(hi) + "] width " + std::to_string(width));
      rp::LineChart c;
      c.width = width;
      c.height = 200;  // short: y labels must be thinned too
      c.series.push_back(series("s", {lo, hi}, {hi, lo}));
      const std::string svg = rp::line_chart(c);
      expect_well_formed(svg);
      expect_inside(svg);
      // A spread below 10^-6 of the values' size needs more than 7 significant digits.
      const std::size_t longest = hi - lo < 1e-6 * std::max(std::abs(lo), std::abs(hi)) ? 16 : 12;
      expect_readable_ticks(svg, 'x', longest);
      expect_readable_ticks(svg, 'y', longest);
    }
  }
}

TEST(Svg, OddsRatioTicksOverManyDecadesDoNotRunTogether) {
  // A forest plot of odds ratios from 1e-3 to 1e9: once "1000001000000" on the axis.
  rp::ForestPlot f;
  f.log_scale = true;
  f.rows = {{"or", 50, 1e-3, 1e9}, {"rr", 2, 1, 1e6}};
  for (const double width : {640.0, 300.0}) {
    f.width = width;
    const std::string svg = rp::forest_plot(f);
    expect_well_formed(svg);
    expect_readable_ticks(svg, 'x');
    for (const auto& [at, label] : tick_labels(svg, 'x')) {
      const double t = std::stod(label);
      EXPECT_NEAR(std::log10(t), std::round(std::log10(t)), 1e-9) << label;  // powers of ten
    }
  }
}

TEST(Svg, LineChartOnALogXAxis) {
  rp::LineChart c;
  c.x_log = true;
  c.x_lines.push_back({0.0, "not on a log axis"});
  c.series.push_back(series("power", {0, 40, 100, 250, 1000, 4000}, {0.1, 0.2, 0.4, 0.6, 0.85, 0.99}, true));
  const std::string svg = rp::line_chart(c);
  expect_well_formed(svg);
  expect_inside(svg);
  expect_readable_ticks(svg, 'x');
  EXPECT_EQ(count(svg, "class=\"point\""), 5u);  // x = 0 is left out
  EXPECT_EQ(svg.find("not on a log axis"), std::string::npos);
  const auto labels = tick_labels(svg, 'x');
  std::vector<double> ticks;
  for (const auto& [at, l] : labels) ticks.push_back(std::stod(l));
  EXPECT_LE(ticks.front(), 40.0);
  EXPECT_GE(ticks.back(), 4000.0);
  // 1-2-5 per decade, and equal ratios are equal distances.
  for (double t : ticks) {
    const double m = t / std::pow(10.0, std::floor(std::log10(t) + 1e-9));
    EXPECT_TRUE(std::abs(m - 1) < 1e-9 || std::abs(m - 2) < 1e-9 || std::abs(m - 5) < 1e-9) << t;
  }
  double x100 = kNaN, x1000 = kNaN, x10 = kNaN, x10000 = kNaN;
  for (const auto& [at, l] : labels) {
    if (l == "100") x100 = at;
    if (l == "1000") x1000 = at;
    if (l == "10") x10 = at;
    if (l == "10000") x10000 = at;
  }
  ASSERT_TRUE(std::isfinite(x100) && std::isfinite(x1000));
  if (std::isfinite(x10)) EXPECT_NEAR(x100 - x10, x1000 - x100, 2 * kPixel);
  if (std::isfinite(x10000)) EXPECT_NEAR(x10000 - x1000, x1000 - x100, 2 * kPixel);
  // The points sit where their x says on the log axis: 100 between the 40 and 250 points.
  const auto points = elements(svg, "point");
  ASSERT_EQ(points.size(), 5u);
  const double p40 = pairs(string_attribute(points[0], "d"))[0].first;
  const double p100 = pairs(string_attribute(points[1], "d"))[0].first;
  EXPECT_NEAR(p100, x100, kPixel);
  EXPECT_NEAR((p100 - p40) / (x1000 - x100), std::log10(100.0 / 40.0), 1e-3);
}
