#include "cli/summary.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "stats/estimates.hpp"

namespace silico::cli {

namespace {

stats::SurvivalData select(const io::Outcomes& outcomes, const std::vector<std::int32_t>& arms,
                           std::int32_t arm) {
  stats::SurvivalData data;
  for (std::size_t i = 0; i < arms.size(); ++i) {
    if (arms[i] != arm) continue;
    data.time.push_back(outcomes.value[i]);
    data.event.push_back(outcomes.event[i]);
  }
  return data;
}

std::vector<double> select_values(const std::vector<double>& values,
                                  const std::vector<std::int32_t>& arms, std::int32_t arm) {
  std::vector<double> out;
  for (std::size_t i = 0; i < arms.size(); ++i) {
    if (arms[i] == arm) out.push_back(values[i]);
  }
  return out;
}

double mean_restricted(const std::vector<double>& times, double tau) {
  double total = 0.0;
  for (double t : times) total += std::min(t, tau);
  return total / static_cast<double>(times.size());
}

EstimateRow row(std::string method, std::string treatment, std::string measure,
                const stats::Estimate& e) {
  return {std::move(method), std::move(treatment), std::move(measure), e.effect, e.se,
          e.ci_low, e.ci_high, e.p};
}

}  // namespace

Summary summarize(const io::ResultReader& results, std::uint64_t replicate) {
  Summary summary;
  summary.metadata = results.metadata();
  summary.replicate = replicate;
  const auto& m = summary.metadata;
  const auto arms = results.arms(replicate);
  const auto control = static_cast<std::int32_t>(
      std::find(m.arm_names.begin(), m.arm_names.end(), m.control_arm) - m.arm_names.begin());

  for (const auto& name : m.endpoint_names) {
    EndpointSummary e;
    e.name = name;
    e.time_to_event = results.is_time_to_event(name);
    const io::Outcomes observed = results.observed(name, replicate);
    const io::Outcomes control_potential = results.potential(name, m.control_arm, replicate);
    for (std::size_t a = 0; a < m.arm_names.size(); ++a) {
      const auto arm = static_cast<std::int32_t>(a);
      const auto values = select_values(observed.value, arms, arm);
      const auto d = stats::describe(values);
      ArmSummary s{m.arm_names[a], d.n, d.mean, d.sd, 0, std::nullopt};
      if (e.time_to_event) {
        const auto data = select(observed, arms, arm);
        for (auto ev : data.event) s.events += ev != 0 ? 1 : 0;
        s.median = stats::km_median(stats::kaplan_meier(data));
      }
      e.arms.push_back(s);
    }
    e.true_effect_measure = e.time_to_event ? "rmst_difference" : "mean_difference";
    for (std::size_t a = 0; a < m.arm_names.size(); ++a) {
      const auto arm = static_cast<std::int32_t>(a);
      if (arm == control) continue;
      const std::string& treatment = m.arm_names[a];
      const io::Outcomes potential = results.potential(name, treatment, replicate);
      if (e.time_to_event) {
        const auto treated = select(observed, arms, arm);
        const auto controls = select(observed, arms, control);
        e.estimates.push_back(row("logrank", treatment, "hazard_ratio",
                                  stats::logrank(treated, controls, m.alpha)));
        e.estimates.push_back(row("rmst", treatment, "rmst_difference",
                                  stats::rmst_difference(treated, controls, m.rmst_horizon, m.alpha)));
        // Potential outcomes are censored only at the end of follow-up >= the horizon,
        // so min(time, horizon) is known exactly for every patient.
        e.true_effect[treatment] = mean_restricted(potential.value, m.rmst_horizon) -
                                   mean_restricted(control_potential.value, m.rmst_horizon);
      } else {
        const auto treated = select_values(observed.value, arms, arm);
        const auto controls = select_values(observed.value, arms, control);
        e.estimates.push_back(row("welch", treatment, "mean_difference",
                                  stats::welch(treated, controls, m.alpha)));
        double difference = 0.0;
        for (std::size_t i = 0; i < potential.value.size(); ++i) {
          difference += potential.value[i] - control_potential.value[i];
        }
        e.true_effect[treatment] = difference / static_cast<double>(potential.value.size());
      }
    }
    summary.endpoints.push_back(std::move(e));
  }
  return summary;
}

namespace {

std::string number(double x, int digits = 4) {
  if (!std::isfinite(x)) return "NA";
  char text[64];
  std::snprintf(text, sizeof(text), "%.*g", digits, x);
  return text;
}

std::string p_value(double p) {
  if (!std::isfinite(p)) return "NA";
  if (p < 1e-4) return "<1e-4";
  char text[32];
  std::snprintf(text, sizeof(text), "%.4f", p);
  return text;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// Shortest text that reads back as the same double. JSON has no NaN or infinity:
/// undefined quantities are null.
std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  char text[40];
  const auto result = std::to_chars(text, text + sizeof(text), x);
  return std::string(text, result.ptr);
}

}  // namespace

std::string format_text(const Summary& s) {
  std::ostringstream out;
  const auto& m = s.metadata;
  const int level = static_cast<int>(std::lround(100.0 * (1.0 - m.alpha)));
  out << "trial " << m.trial_name << ": " << m.patients << " patients, replicate " << s.replicate
      << " of " << m.replicates << ", seed " << m.seed << ", screening acceptance "
      << number(100.0 * m.acceptance_rate, 3) << "%\n";
  for (const auto& e : s.endpoints) {
    out << "\nendpoint " << e.name << " ("
        << (e.time_to_event ? "time to event, " + m.time_unit : std::string("continuous")) << ")\n";
    char line[256];
    if (e.time_to_event) {
      std::snprintf(line, sizeof(line), "  %-16s %8s %8s %12s\n", "arm", "n", "events", "KM median");
      out << line;
      for (const auto& a : e.arms) {
        std::snprintf(line, sizeof(line), "  %-16s %8llu %8llu %12s\n", a.arm.c_str(),
                      static_cast<unsigned long long>(a.n), static_cast<unsigned long long>(a.events),
                      a.median ? number(*a.median).c_str() : "not reached");
        out << line;
      }
    } else {
      std::snprintf(line, sizeof(line), "  %-16s %8s %12s %12s\n", "arm", "n", "mean", "sd");
      out << line;
      for (const auto& a : e.arms) {
        std::snprintf(line, sizeof(line), "  %-16s %8llu %12s %12s\n", a.arm.c_str(),
                      static_cast<unsigned long long>(a.n), number(a.mean).c_str(),
                      number(a.sd).c_str());
        out << line;
      }
    }
    out << "  estimates (treatment vs " << m.control_arm << ", " << level << "% CI):\n";
    for (const auto& r : e.estimates) {
      std::snprintf(line, sizeof(line), "    %-8s %-16s %-16s %10s  [%s, %s]  p = %s\n",
                    r.method.c_str(), r.treatment.c_str(), r.measure.c_str(),
                    number(r.effect).c_str(), number(r.ci_low).c_str(), number(r.ci_high).c_str(),
                    p_value(r.p).c_str());
      out << line;
    }
    out << "  true sample effect from the potential outcomes (" << e.true_effect_measure
        << (e.time_to_event ? " at " + number(m.rmst_horizon) + " " + m.time_unit : "") << "):\n";
    for (const auto& [treatment, value] : e.true_effect) {
      std::snprintf(line, sizeof(line), "    %-16s %10s\n", treatment.c_str(), number(value).c_str());
      out << line;
    }
  }
  return out.str();
}

std::string format_json(const Summary& s) {
  const auto& m = s.metadata;
  std::ostringstream out;
  out << "{\n  \"trial\": " << json_string(m.trial_name) << ",\n  \"seed\": " << m.seed
      << ",\n  \"patients\": " << m.patients << ",\n  \"replicates\": " << m.replicates
      << ",\n  \"replicate\": " << s.replicate << ",\n  \"alpha\": " << json_number(m.alpha)
      << ",\n  \"control_arm\": " << json_string(m.control_arm)
      << ",\n  \"acceptance_rate\": " << json_number(m.acceptance_rate)
      << ",\n  \"endpoints\": {";
  for (std::size_t k = 0; k < s.endpoints.size(); ++k) {
    const auto& e = s.endpoints[k];
    out << (k ? "," : "") << "\n    " << json_string(e.name) << ": {\n      \"type\": "
        << json_string(e.time_to_event ? "time_to_event" : "continuous") << ",\n      \"arms\": {";
    for (std::size_t a = 0; a < e.arms.size(); ++a) {
      const auto& arm = e.arms[a];
      out << (a ? "," : "") << "\n        " << json_string(arm.arm) << ": {\"n\": " << arm.n;
      if (!e.time_to_event) {
        out << ", \"mean\": " << json_number(arm.mean) << ", \"sd\": " << json_number(arm.sd);
      } else {
        out << ", \"events\": " << arm.events
            << ", \"median\": " << (arm.median ? json_number(*arm.median) : "null");
      }
      out << "}";
    }
    out << "\n      },\n      \"estimates\": [";
    for (std::size_t i = 0; i < e.estimates.size(); ++i) {
      const auto& r = e.estimates[i];
      out << (i ? "," : "") << "\n        {\"method\": " << json_string(r.method)
          << ", \"treatment\": " << json_string(r.treatment) << ", \"measure\": "
          << json_string(r.measure) << ", \"effect\": " << json_number(r.effect)
          << ", \"se\": " << json_number(r.se) << ", \"ci\": [" << json_number(r.ci_low) << ", "
          << json_number(r.ci_high) << "], \"p\": " << json_number(r.p) << "}";
    }
    out << "\n      ],\n      \"true_effect_measure\": " << json_string(e.true_effect_measure)
        << ",\n      \"true_effect\": {";
    std::size_t t = 0;
    for (const auto& [treatment, value] : e.true_effect) {
      out << (t++ ? ", " : "") << json_string(treatment) << ": " << json_number(value);
    }
    out << "}\n    }";
  }
  out << "\n  }\n}\n";
  return out.str();
}

}  // namespace silico::cli
