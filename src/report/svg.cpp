#include "report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <utility>

#include "report/svg_canvas.hpp"

namespace silico::report {

using detail::Canvas;
using detail::LegendEntry;
using detail::num;
using detail::Range;
using detail::Scale;

namespace {

/// Censor tick marks drawn per curve at most (see line_chart).
constexpr std::size_t kMaxCensorMarks = 300;

using Pt = std::pair<double, double>;

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value) + "\"";
}

/// Finite (x, y) pairs in the given order; y may come from another array (bands).
std::vector<Pt> finite_points(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<Pt> out;
  const std::size_t n = std::min(x.size(), y.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) out.emplace_back(x[i], y[i]);
  }
  return out;
}

/// Vertices of a curve through the points: for a step curve each new x adds two vertices
/// (horizontal at the old value, then vertical to the new), and x_end carries it on.
std::vector<Pt> curve(const std::vector<Pt>& pts, bool step, double x_end) {
  std::vector<Pt> out;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (step && i > 0) out.emplace_back(pts[i].first, pts[i - 1].second);
    out.push_back(pts[i]);
  }
  if (step && !pts.empty() && std::isfinite(x_end) && x_end > pts.back().first) {
    out.emplace_back(x_end, pts.back().second);
  }
  return out;
}

std::string path_d(const std::vector<Pt>& v, const Scale& x, const Scale& y) {
  std::string d;
  for (std::size_t i = 0; i < v.size(); ++i) {
    d += (i == 0 ? "M" : " L") + num(x(v[i].first)) + "," + num(y(v[i].second));
  }
  return d;
}

/// A line broken at non-finite values (a gap in a trajectory is shown as a gap).
std::string broken_line_d(const std::vector<double>& xs, const std::vector<double>& ys,
                          const Scale& x, const Scale& y) {
  std::string d;
  bool pen_down = false;
  const std::size_t n = std::min(xs.size(), ys.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) {
      pen_down = false;
      continue;
    }
    if (!d.empty()) d += ' ';
    d += (pen_down ? "L" : "M") + num(x(xs[i])) + "," + num(y(ys[i]));
    pen_down = true;
  }
  return d;
}

/// Closed band between two curves: along the upper, back along the lower.
std::string band_d(const std::vector<double>& xs, const std::vector<double>& lower,
                   const std::vector<double>& upper, bool step, double x_end, const Scale& x,
                   const Scale& y) {
  std::vector<Pt> lo, hi;
  const std::size_t n = std::min({xs.size(), lower.size(), upper.size()});
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(xs[i]) && std::isfinite(lower[i]) && std::isfinite(upper[i])) {
      lo.emplace_back(xs[i], lower[i]);
      hi.emplace_back(xs[i], upper[i]);
    }
  }
  if (lo.size() < 2 && !(step && lo.size() == 1 && std::isfinite(x_end))) return {};
  std::vector<Pt> ring = curve(hi, step, x_end);
  const std::vector<Pt> back = curve(lo, step, x_end);
  ring.insert(ring.end(), back.rbegin(), back.rend());
  return path_d(ring, x, y) + " Z";
}

/// Value of the curve at t: the last value at or before t for steps, else interpolated.
double curve_at(const std::vector<Pt>& pts, bool step, double t) {
  if (pts.empty()) return std::nan("");
  if (t <= pts.front().first) return pts.front().second;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    if (t < pts[i].first) {
      if (step) return pts[i - 1].second;
      const double w = (t - pts[i - 1].first) / (pts[i].first - pts[i - 1].first);
      return pts[i - 1].second + w * (pts[i].second - pts[i - 1].second);
    }
  }
  return pts.back().second;
}

double max_label_width(const Scale& s) {
  double w = 0.0;
  for (double t : s.ticks) w = std::max(w, detail::text_width(s.label(t)));
  return w;
}

std::string stroke(const detail::Style& s, double width) {
  return std::string(" fill=\"none\" stroke=\"") + s.color + "\" stroke-width=\"" + num(width) +
         "\"" + detail::dash_attr(s);
}

/// The line chart, with room below the plot and a hook for what km_chart adds there.
std::string draw_line_chart(const LineChart& chart, double min_left, double extra_bottom,
                            const std::function<void(Canvas&, const Scale&)>& below) {
  // On a log axis x <= 0 has no place: such points become gaps, like non-finite ones.
  LineChart positive;
  if (chart.x_log) {
    positive = chart;
    const auto drop = [](std::vector<double>& v) {
      for (double& x : v) {
        if (!(x > 0.0)) x = kNaN;
      }
    };
    for (auto& s : positive.series) {
      drop(s.x);
      drop(s.censor_x);
      if (!(s.x_end > 0.0)) s.x_end = kNaN;
    }
    std::erase_if(positive.x_lines, [](const RefLine& r) { return !(r.value > 0.0); });
    std::erase_if(positive.x_include, [](double v) { return !(v > 0.0); });
  }
  const LineChart& c = chart.x_log ? positive : chart;
  Range xr, yr;
  for (const auto& s : c.series) {
    for (const auto& [px, py] : finite_points(s.x, s.y)) xr.add(px), yr.add(py);
    for (const auto& [px, py] : finite_points(s.x, s.lower)) xr.add(px), yr.add(py);
    for (const auto& [px, py] : finite_points(s.x, s.upper)) xr.add(px), yr.add(py);
    if (c.step && xr.any) xr.add(s.x_end);
  }
  const bool has_data = xr.any;
  for (const auto& r : c.x_lines) xr.add(r.value);
  for (const auto& r : c.y_lines) yr.add(r.value);
  xr.add(c.x_include);
  yr.add(c.y_include);
  Scale x = c.x_log ? (xr.any ? detail::log_scale(xr.lo, xr.hi) : detail::log_scale(1, 10))
                     : xr.any ? detail::linear_scale(xr.lo, xr.hi) : detail::linear_scale(0, 1);
  Scale y = yr.any ? detail::linear_scale(yr.lo, yr.hi) : detail::linear_scale(0, 1);

  std::vector<LegendEntry> legend;
  if (c.series.size() > 1) {
    for (std::size_t i = 0; i < c.series.size(); ++i) {
      legend.push_back({c.series[i].name, i,
                        c.series[i].markers ? LegendEntry::kLineMarker : LegendEntry::kLine});
    }
  }
  Canvas cv(c, legend, std::max(max_label_width(y), min_left), extra_bottom);
  x.p0 = cv.left, x.p1 = cv.right;
  y.p0 = cv.bottom, y.p1 = cv.top;
  cv.axes(x, &y);
  for (const auto& r : c.y_lines) cv.y_reference(y, r);
  for (const auto& r : c.x_lines) cv.x_reference(x, r);

  // Bands first, so no band hides another series' line.
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    if (s.lower.empty() || s.upper.empty()) continue;
    const std::string d = band_d(s.x, s.lower, s.upper, c.step, s.x_end, x, y);
    if (d.empty()) continue;
    cv.body += "<path class=\"band\"" + attr("data-series", s.name) + " d=\"" + d + "\" fill=\"" +
               detail::style(i).color + "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
  }
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    const auto st = detail::style(i);
    const std::vector<Pt> pts = finite_points(s.x, s.y);
    const std::string d =
        c.step ? path_d(curve(pts, true, s.x_end), x, y) : broken_line_d(s.x, s.y, x, y);
    cv.body += "<path class=\"series\"" + attr("data-series", s.name) + " d=\"" + d + "\"" +
               stroke(st, 2.0) + " stroke-linejoin=\"round\"/>\n";
    std::vector<double> censors;
    for (double t : s.censor_x) {
      if (x.contains(t)) censors.push_back(t);
    }
    std::sort(censors.begin(), censors.end());
    censors.erase(std::unique(censors.begin(), censors.end()), censors.end());
    // Beyond a few hundred, tick marks merge into a bar that hides the curve: a large
    // trial's censorings are counted (numbers at risk) but not marked.
    if (censors.size() > kMaxCensorMarks) censors.clear();
    std::string cd;
    for (double t : censors) {
      const double v = curve_at(pts, c.step, t);
      if (!std::isfinite(v)) continue;
      cd += "M" + num(x(t)) + "," + num(y(v) - 4) + " v8 ";
    }
    if (!cd.empty()) {
      cd.pop_back();
      cv.body += "<path class=\"censor\"" + attr("data-series", s.name) + " d=\"" + cd +
                 "\" stroke=\"" + st.color + "\" stroke-width=\"1.2\"/>\n";
    }
    if (s.markers) {
      for (const auto& [px, py] : pts) {
        cv.body += "<path class=\"point\"" + attr("data-series", s.name) + " d=\"" +
                   detail::marker(x(px), y(py), st.shape) + "\" fill=\"" + st.color + "\"/>\n";
      }
    }
  }
  if (!has_data) cv.no_data();
  if (below) below(cv, x);
  return cv.finish();
}

double quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return std::nan("");
  const double h = p * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(h));
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (h - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

/// Layout of a chart with one labelled row per item and a value axis along x.
struct Rows {
  static constexpr double kHeight = 24.0;
  double y(const Canvas& cv, std::size_t i) const { return cv.top + kHeight * (i + 0.5); }
};

double widest(const std::vector<std::string>& labels) {
  double w = 0.0;
  for (const auto& l : labels) w = std::max(w, detail::text_width(l));
  return w;
}

}  // namespace

std::string line_chart(const LineChart& chart) { return draw_line_chart(chart, 0.0, 0.0, {}); }

double km_at_risk(const KmArm& arm, double t) {
  // Observed time >= t: those at risk at the next event time, plus those censored before it.
  const std::size_t n = std::min(arm.time.size(), arm.at_risk.size());
  double next_event = INFINITY, count = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (arm.time[i] >= t) {
      next_event = arm.time[i];
      count = arm.at_risk[i];
      break;
    }
  }
  for (double c : arm.censor_times) {
    if (c >= t && c < next_event) count += 1.0;
  }
  return count;
}

std::string km_chart(const KmChart& chart) {
  LineChart lc;
  static_cast<ChartFrame&>(lc) = chart;
  lc.step = true;
  lc.x_lines = chart.x_lines;
  lc.x_include = {0.0};
  lc.y_include = {0.0, 1.0};
  bool table = !chart.arms.empty();
  // The counts are centred on the ticks, so the one at x = 0 reaches into the margin.
  constexpr double kCountHalf = 18.0;
  double name_width = 0.0;
  for (const auto& arm : chart.arms) {
    Series s;
    s.name = arm.name;
    // The curve starts at S(0) = 1; its band starts at 1 too.
    s.x.push_back(0.0);
    s.y.push_back(1.0);
    s.x.insert(s.x.end(), arm.time.begin(), arm.time.end());
    s.y.insert(s.y.end(), arm.survival.begin(), arm.survival.end());
    if (arm.lower.size() == arm.time.size() && arm.upper.size() == arm.time.size() &&
        !arm.lower.empty()) {
      s.lower = {1.0};
      s.upper = {1.0};
      s.lower.insert(s.lower.end(), arm.lower.begin(), arm.lower.end());
      s.upper.insert(s.upper.end(), arm.upper.begin(), arm.upper.end());
    }
    s.censor_x = arm.censor_times;
    for (double c : arm.censor_times) {
      if (std::isfinite(c) && !(c <= s.x_end)) s.x_end = c;
    }
    lc.series.push_back(std::move(s));
    if (arm.at_risk.size() != arm.time.size()) table = false;
    name_width = std::max(name_width, detail::text_width(arm.name, 11) + kCountHalf);
  }
  const double rows = static_cast<double>(chart.arms.size());
  const double extra = table ? 22.0 + 18.0 * rows : 0.0;
  return draw_line_chart(lc, table ? name_width : 0.0, extra, [&](Canvas& cv, const Scale& x) {
    if (!table) return;
    // Rows start below the x-axis title; the names sit in the left margin.
    double y0 = cv.bottom + 5.0 + 20.0 + (chart.x_title.empty() ? 0.0 : 18.0) + 14.0;
    cv.text(10.0, y0, "Number at risk",
            "class=\"at-risk-title\" font-size=\"11\" font-weight=\"bold\"");
    for (std::size_t a = 0; a < chart.arms.size(); ++a) {
      const double y = y0 + 18.0 * static_cast<double>(a + 1);
      const std::string color = detail::style(a).color;
      cv.text(cv.left - kCountHalf - 6.0, y, chart.arms[a].name,
              "class=\"at-risk-arm\" font-size=\"11\" text-anchor=\"end\" fill=\"" + color + "\"");
      for (double t : x.ticks) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", km_at_risk(chart.arms[a], t));
        cv.text(x(t), y, buf, "class=\"at-risk\" font-size=\"11\" text-anchor=\"middle\"");
      }
    }
  });
}

std::string spaghetti_chart(const SpaghettiChart& chart) {
  struct Summary {
    std::vector<double> median, p10, p90;
  };
  std::vector<Summary> sums;
  Range xr, yr;
  bool has_data = false;
  for (const auto& arm : chart.arms) {
    Summary s{arm.median, arm.p10, arm.p90};
    const std::size_t n = arm.time.size();
    const bool compute = s.median.empty() && s.p10.empty() && s.p90.empty();
    if (compute) s.median.assign(n, NAN), s.p10.assign(n, NAN), s.p90.assign(n, NAN);
    for (std::size_t k = 0; compute && k < n; ++k) {
      std::vector<double> v;
      for (const auto& tr : arm.trajectories) {
        if (k < tr.size() && std::isfinite(tr[k])) v.push_back(tr[k]);
      }
      s.median[k] = quantile(v, 0.5);
      s.p10[k] = quantile(v, 0.1);
      s.p90[k] = quantile(v, 0.9);
    }
    const std::size_t drawn = std::min(arm.trajectories.size(), chart.max_trajectories);
    for (std::size_t j = 0; j < drawn; ++j) {
      for (const auto& [px, py] : finite_points(arm.time, arm.trajectories[j])) {
        xr.add(px), yr.add(py), has_data = true;
      }
    }
    for (const auto* v : {&s.median, &s.p10, &s.p90}) {
      for (const auto& [px, py] : finite_points(arm.time, *v))
        xr.add(px), yr.add(py), has_data = true;
    }
    sums.push_back(std::move(s));
  }
  Scale x = xr.any ? detail::linear_scale(xr.lo, xr.hi) : detail::linear_scale(0, 1);
  Scale y = yr.any ? detail::linear_scale(yr.lo, yr.hi) : detail::linear_scale(0, 1);
  std::vector<LegendEntry> legend;
  if (chart.arms.size() > 1) {
    for (std::size_t i = 0; i < chart.arms.size(); ++i) {
      legend.push_back({chart.arms[i].name + " (median, 10-90 %)", i, LegendEntry::kLine});
    }
  }
  Canvas cv(chart, legend, max_label_width(y), 0.0);
  x.p0 = cv.left, x.p1 = cv.right;
  y.p0 = cv.bottom, y.p1 = cv.top;
  cv.axes(x, &y);
  for (std::size_t i = 0; i < chart.arms.size(); ++i) {
    const auto& arm = chart.arms[i];
    const auto st = detail::style(i);
    const std::size_t drawn = std::min(arm.trajectories.size(), chart.max_trajectories);
    for (std::size_t j = 0; j < drawn; ++j) {
      const std::string d = broken_line_d(arm.time, arm.trajectories[j], x, y);
      if (d.empty()) continue;
      cv.body += "<path class=\"trajectory\"" + attr("data-series", arm.name) + " d=\"" + d +
                 "\" fill=\"none\" stroke=\"" + st.color +
                 "\" stroke-opacity=\"0.22\" stroke-width=\"0.8\"/>\n";
    }
  }
  for (std::size_t i = 0; i < chart.arms.size(); ++i) {
    const std::string d = band_d(chart.arms[i].time, sums[i].p10, sums[i].p90, false, NAN, x, y);
    if (d.empty()) continue;
    cv.body += "<path class=\"band\"" + attr("data-series", chart.arms[i].name) + " d=\"" + d +
               "\" fill=\"" + detail::style(i).color +
               "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
  }
  for (std::size_t i = 0; i < chart.arms.size(); ++i) {
    cv.body += "<path class=\"series\"" + attr("data-series", chart.arms[i].name) + " d=\"" +
               broken_line_d(chart.arms[i].time, sums[i].median, x, y) + "\"" +
               stroke(detail::style(i), 2.5) + " stroke-linejoin=\"round\"/>\n";
  }
  if (!has_data) cv.no_data();
  return cv.finish();
}

std::string forest_plot(const ForestPlot& plot) {
  const bool log = plot.log_scale;
  const auto usable = [log](double v) { return std::isfinite(v) && (!log || v > 0.0); };
  const double null_value = std::isfinite(plot.null_value) ? plot.null_value : (log ? 1.0 : 0.0);
  Range xr;
  bool has_data = false, has_truth = false;
  std::vector<std::string> labels, values;
  for (const auto& r : plot.rows) {
    for (double v : {r.estimate, r.ci_low, r.ci_high, r.truth}) {
      if (usable(v)) xr.add(v);
    }
    has_data = has_data || usable(r.estimate);
    has_truth = has_truth || usable(r.truth);
    labels.push_back(r.label);
    const bool ci = usable(r.ci_low) && usable(r.ci_high);
    values.push_back(!usable(r.estimate) ? "not estimable"
                     : ci ? short_number(r.estimate) + " (" + short_number(r.ci_low) + ", " + short_number(r.ci_high) + ")"
                          : short_number(r.estimate) + " (no CI)");
  }
  if (usable(null_value)) xr.add(null_value);
  Scale x = log ? detail::log_scale(xr.lo, xr.hi) : detail::linear_scale(xr.lo, xr.hi);
  if (!xr.any) x = log ? detail::log_scale(0.5, 2.0) : detail::linear_scale(0, 1);
  std::vector<LegendEntry> legend;
  if (has_truth) {
    legend.push_back({"estimate and CI", 0, LegendEntry::kMarker, "#000", 1});
    legend.push_back({"true value", 4, LegendEntry::kHollowDiamond});
  }
  const double n = static_cast<double>(std::max<std::size_t>(plot.rows.size(), 1));
  Canvas cv(plot, legend, widest(labels), 0.0, widest(values) + 12.0, n * Rows::kHeight);
  x.p0 = cv.left, x.p1 = cv.right;
  cv.axes(x, nullptr);
  cv.x_reference(x, {null_value, ""}, "");
  const double row_h = (cv.bottom - cv.top) / n;
  for (std::size_t i = 0; i < plot.rows.size(); ++i) {
    const auto& r = plot.rows[i];
    const double y = cv.top + row_h * (static_cast<double>(i) + 0.5);
    cv.text(cv.left - 8.0, y + 4.0, r.label, "class=\"row-label\" text-anchor=\"end\"");
    cv.text(cv.right + 10.0, y + 4.0, values[i], "class=\"row-value\" font-size=\"11\"");
    cv.body += "<g class=\"series\"" + attr("data-series", r.label) + ">\n";
    if (usable(r.ci_low) && usable(r.ci_high)) {
      const double a = x(r.ci_low), b = x(r.ci_high);
      const std::string ci = "class=\"ci\" stroke=\"#000\" stroke-width=\"1.5\"";
      cv.line(a, y, b, y, ci);
      cv.line(a, y - 4, a, y + 4, ci);
      cv.line(b, y - 4, b, y + 4, ci);
    }
    if (usable(r.estimate)) {
      cv.body += "<path class=\"point\" d=\"" + detail::marker(x(r.estimate), y, 1, 4.5) +
                 "\" fill=\"#000\"/>\n";
    }
    if (usable(r.truth)) {
      // Hollow, so an estimate under it stays visible.
      cv.body += "<path class=\"truth\" d=\"" + detail::marker(x(r.truth), y, 3, 5.0) +
                 "\" fill=\"none\" stroke=\"" + detail::style(4).color +
                 "\" stroke-width=\"1.8\"/>\n";
    }
    cv.body += "</g>\n";
  }
  if (!has_data) cv.no_data();
  return cv.finish();
}

std::string tornado_chart(const TornadoChart& chart) {
  std::vector<std::pair<double, const TornadoRow*>> rows;
  Range xr;
  xr.add(chart.baseline);
  for (const auto& r : chart.rows) {
    Range span;
    span.add(chart.baseline);
    span.add(r.low);
    span.add(r.high);
    if (!std::isfinite(r.low) && !std::isfinite(r.high)) continue;
    xr.add(span.lo), xr.add(span.hi);
    rows.emplace_back(span.hi - span.lo, &r);
  }
  // Widest first; stable, so equal spans keep the caller's order.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  Scale x = detail::linear_scale(xr.lo, xr.hi);
  std::vector<std::string> labels;
  for (const auto& r : rows) labels.push_back(r.second->label);
  // The baseline is named in the legend: a label on the line would cross the top bar.
  const std::vector<LegendEntry> legend = {
      {chart.low_name, 1, LegendEntry::kBar},
      {chart.high_name, 2, LegendEntry::kBar},
      {"baseline " + short_number(chart.baseline), 0, LegendEntry::kLine, "#555"}};
  const double n = static_cast<double>(std::max<std::size_t>(rows.size(), 1));
  Canvas cv(chart, legend, widest(labels), 0.0, 0.0, n * 28.0);
  x.p0 = cv.left, x.p1 = cv.right;
  cv.axes(x, nullptr);
  const double row_h = (cv.bottom - cv.top) / n;
  const double bar_h = std::min(11.0, row_h * 0.4);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = *rows[i].second;
    const double y = cv.top + row_h * (static_cast<double>(i) + 0.5);
    cv.text(cv.left - 8.0, y + 4.0, r.label, "class=\"row-label\" text-anchor=\"end\"");
    cv.body += "<g class=\"series\"" + attr("data-series", r.label) + ">\n";
    // Low result above the row centre, high below, so same-side bars never overlap.
    const std::pair<double, double> bars[] = {{r.low, y - bar_h}, {r.high, y}};
    for (std::size_t k = 0; k < 2; ++k) {
      const double v = bars[k].first;
      if (!std::isfinite(v)) continue;
      const double a = x(std::min(v, chart.baseline)), b = x(std::max(v, chart.baseline));
      cv.body += "<rect class=\"bar\" data-end=\"" + std::string(k == 0 ? "low" : "high") +
                 "\" x=\"" + num(a) + "\" y=\"" + num(bars[k].second) + "\" width=\"" + num(b - a) +
                 "\" height=\"" + num(bar_h) + "\" fill=\"" + detail::style(k + 1).color +
                 "\" stroke=\"#333\" stroke-width=\"0.6\"/>\n";
    }
    cv.body += "</g>\n";
  }
  cv.x_reference(x, {chart.baseline, ""}, "");
  if (rows.empty()) cv.no_data();
  return cv.finish();
}

std::string histogram(const Histogram& chart) {
  Range vr;
  vr.add(chart.values);
  const std::size_t bins = std::max<std::size_t>(chart.bins, 1);
  double lo = vr.lo, hi = vr.hi;
  if (vr.any && hi == lo) {
    const double d = lo == 0.0 ? 0.5 : std::abs(lo) * 0.05;
    lo -= d, hi += d;
  }
  const double width = (hi - lo) / static_cast<double>(bins);
  std::vector<double> counts(bins, 0.0);
  for (double v : chart.values) {
    if (!std::isfinite(v)) continue;
    const auto b = static_cast<std::size_t>((v - lo) / width);
    ++counts[std::min(b, bins - 1)];  // the maximum belongs to the last bin
  }
  Range xr;
  if (vr.any) xr.add(lo), xr.add(hi);
  for (const auto& r : chart.x_lines) xr.add(r.value);
  Scale x = xr.any ? detail::linear_scale(xr.lo, xr.hi) : detail::linear_scale(0, 1);
  // At least 0..5 so small counts do not get fractional ticks.
  Scale y =
      detail::linear_scale(0.0, std::max(5.0, *std::max_element(counts.begin(), counts.end())));
  ChartFrame frame = chart;
  if (frame.y_title.empty()) frame.y_title = "count";
  Canvas cv(frame, {}, max_label_width(y), 0.0);
  x.p0 = cv.left, x.p1 = cv.right;
  y.p0 = cv.bottom, y.p1 = cv.top;
  cv.axes(x, &y);
  cv.body += "<g class=\"series\"" + attr("data-series", chart.name) + ">\n";
  for (std::size_t b = 0; vr.any && b < bins; ++b) {
    if (counts[b] == 0.0) continue;
    const double a = x(lo + width * static_cast<double>(b));
    const double e = x(b + 1 == bins ? hi : lo + width * static_cast<double>(b + 1));
    cv.body += "<rect class=\"bar\" x=\"" + num(a) + "\" y=\"" + num(y(counts[b])) + "\" width=\"" +
               num(e - a) + "\" height=\"" + num(y(0.0) - y(counts[b])) + "\" fill=\"" +
               detail::style(1).color +
               "\" fill-opacity=\"0.55\" stroke=\"#fff\" stroke-width=\"0.5\"/>\n";
  }
  cv.body += "</g>\n";
  for (const auto& r : chart.x_lines) cv.x_reference(x, r, "");
  if (!vr.any) cv.no_data();
  return cv.finish();
}

std::string balance_plot(const BalancePlot& plot) {
  Range xr;
  xr.add(0.0);
  xr.add(-plot.threshold);
  xr.add(plot.threshold);
  bool has_data = false;
  std::vector<std::string> labels;
  for (const auto& r : plot.rows) {
    xr.add(r.before), xr.add(r.after);
    has_data = has_data || std::isfinite(r.before) || std::isfinite(r.after);
    labels.push_back(r.label);
  }
  Scale x = detail::linear_scale(xr.lo, xr.hi);
  const std::vector<LegendEntry> legend = {{plot.before_name, 0, LegendEntry::kHollowMarker},
                                           {plot.after_name, 1, LegendEntry::kMarker}};
  const double n = static_cast<double>(std::max<std::size_t>(plot.rows.size(), 1));
  Canvas cv(plot, legend, widest(labels), 0.0, 0.0, n * Rows::kHeight);
  x.p0 = cv.left, x.p1 = cv.right;
  cv.axes(x, nullptr);
  cv.x_reference(x, {0.0, ""}, "");
  cv.x_reference(x, {-plot.threshold, ""});
  cv.x_reference(x, {plot.threshold, ""});
  const double row_h = (cv.bottom - cv.top) / n;
  const auto row_y = [&](std::size_t i) { return cv.top + row_h * (static_cast<double>(i) + 0.5); };
  for (std::size_t i = 0; i < plot.rows.size(); ++i) {
    const auto& r = plot.rows[i];
    cv.text(cv.left - 8.0, row_y(i) + 4.0, r.label, "class=\"row-label\" text-anchor=\"end\"");
    if (std::isfinite(r.before) && std::isfinite(r.after)) {
      cv.line(x(r.before), row_y(i), x(r.after), row_y(i),
              "class=\"connector\" stroke=\"#999\" stroke-width=\"1\"");
    }
  }
  for (int which = 0; which < 2; ++which) {
    const auto st = detail::style(static_cast<std::size_t>(which));
    cv.body += "<g class=\"series\"" +
               attr("data-series", which == 0 ? plot.before_name : plot.after_name) + ">\n";
    for (std::size_t i = 0; i < plot.rows.size(); ++i) {
      const double v = which == 0 ? plot.rows[i].before : plot.rows[i].after;
      if (!std::isfinite(v)) continue;
      cv.body += "<path class=\"point\" d=\"" + detail::marker(x(v), row_y(i), st.shape, 4.0) +
                 "\" fill=\"" + (which == 0 ? std::string("#fff") : std::string(st.color)) +
                 "\" stroke=\"" + st.color + "\" stroke-width=\"1.5\"/>\n";
    }
    cv.body += "</g>\n";
  }
  if (!has_data) cv.no_data();
  return cv.finish();
}

}  // namespace silico::report
