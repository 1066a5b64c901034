#include "report/studies.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>
#include <limits>

#include "core/error.hpp"
#include "sim/analysis.hpp"
#include "sim/simulate.hpp"
#include "spec/spec.hpp"

namespace silico::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The value of a numeric model parameter of `spec`, or NaN when it is not given.
double parameter(const spec::StoredSpec& stored, const std::string& name) {
  for (const auto& [key, text] : stored.model_parameters) {
    if (key != name) continue;
    double value = kNaN;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    return result.ec == std::errc() && result.ptr == text.data() + text.size() ? value : kNaN;
  }
  return kNaN;
}

sim::Block simulate(const spec::TrialSpec& spec, std::uint64_t replicate, std::uint64_t patients) {
  sim::Block block;
  sim::Simulator(spec, false, false).simulate(replicate, 0, patients, block);
  return block;
}

bool schema_has(const spec::TrialSpec& spec, const std::string& name) {
  const auto& schema = spec.model.factory->schema;
  return std::any_of(schema.begin(), schema.end(), [&](const auto& p) { return p.name == name; });
}

/// Analysis series value at `path` of the first `patients` patients of replicate 0.
double estimate(const spec::TrialSpec& spec, const std::string& path, std::uint64_t patients) {
  spec::TrialSpec small = spec;
  small.trial.patients = patients;
  const sim::Block block = simulate(small, 0, patients);
  for (const auto& s : sim::TrialAnalysis(small).analyze(block)) {
    if (s.path == path) return s.value;
  }
  return kNaN;
}

}  // namespace

CalculationCheck calculation_verification(const std::string& spec_text, const std::string& spec_file,
                                          std::uint64_t replicate, std::uint64_t patients,
                                          const spec::SpecFiles& files, const StudyProgress& progress) {
  const auto tell = [&](std::size_t done, const std::string& next) {
    if (progress) progress(done, 2, next);
  };
  CalculationCheck check;
  const spec::TrialSpec spec = spec::parse_spec(spec_text, spec_file, files);
  const spec::StoredSpec stored = spec::read_stored_spec(spec_text, spec_file);
  check.endpoint = spec.endpoints.front().name;
  if (!schema_has(spec, "rtol")) {
    check.reason = "model " + spec.model.factory->name + " has no numerical solver: its outcomes are closed-form";
    return check;
  }
  for (const auto& [key, value] : stored.model_parameters) {
    if (key == "solver" && value == "closed_form") {
      check.reason = "the spec solves model " + spec.model.factory->name + " in closed form (solver: closed_form)";
      return check;
    }
  }
  const auto default_of = [&](const std::string& name) {
    for (const auto& p : spec.model.factory->schema) {
      if (p.name == name) return p.default_value;
    }
    return kNaN;
  };
  check.rtol = std::isnan(parameter(stored, "rtol")) ? default_of("rtol") : parameter(stored, "rtol");
  check.atol = std::isnan(parameter(stored, "atol")) ? default_of("atol") : parameter(stored, "atol");
  check.patients = std::min<std::uint64_t>(patients, spec.trial.patients);
  const std::string tighter =
      spec::with_model_parameter(spec::with_model_parameter(spec_text, "rtol", check.rtol / 10), "atol", check.atol / 10);
  const spec::TrialSpec fine = spec::parse_spec(tighter, spec_file, files);
  const std::string who = std::to_string(check.patients) + " patients of replicate " + std::to_string(replicate);
  tell(0, who + " at the run's tolerances");
  const sim::Block a = simulate(spec, replicate, check.patients);
  tell(1, who + " at a tenth of them");
  const sim::Block b = simulate(fine, replicate, check.patients);
  tell(2, "");
  const auto& ea = a.endpoints.front();
  const auto& eb = b.endpoints.front();
  double total = 0.0;
  std::uint64_t count = 0;
  for (std::size_t arm = 0; arm < ea.potential_value.size(); ++arm) {
    for (std::size_t i = 0; i < a.count; ++i) {
      const double x = ea.potential_value[arm][i], y = eb.potential_value[arm][i];
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      const double change = x == y ? 0.0 : std::fabs(y - x) / std::max(std::fabs(x), std::fabs(y));
      check.max_relative_change = std::max(check.max_relative_change, change);
      total += change;
      ++count;
    }
  }
  check.mean_relative_change = count ? total / static_cast<double>(count) : kNaN;
  check.applicable = true;
  return check;
}

SensitivityStudy sensitivity(const std::string& spec_text, const std::string& spec_file, double change,
                             std::uint64_t patients, const spec::SpecFiles& files, const StudyProgress& progress) {
  SensitivityStudy study;
  study.change = change;
  const spec::TrialSpec spec = spec::parse_spec(spec_text, spec_file, files);
  const spec::StoredSpec stored = spec::read_stored_spec(spec_text, spec_file);
  study.patients = std::min<std::uint64_t>(patients, spec.trial.patients);
  // The primary estimate: the first `effect` series of the first endpoint's first method.
  const std::string prefix =
      spec.endpoints.front().name + "/" + spec.analysis.endpoints.front().methods.front() + "/";
  const auto numerical_setting = [](const std::string& key) {
    for (const char* name : {"rtol", "atol", "exposure_start_h", "exposure_end_h", "observe_every_h"}) {
      if (key == name) return true;
    }
    const std::string reference = ".reference";
    return key.size() > reference.size() && key.compare(key.size() - reference.size(), reference.size(), reference) == 0;
  };
  // The baseline, then each varied parameter at its low and high value.
  std::vector<std::pair<std::string, double>> varied;
  for (const auto& [key, text] : stored.model_parameters) {
    const double value = parameter(stored, key);
    if (!std::isnan(value) && value != 0.0 && !numerical_setting(key)) varied.emplace_back(key, value);
  }
  const std::size_t total = 1 + 2 * varied.size();
  std::size_t done = 0;
  const auto tell = [&](const std::string& next) {
    if (progress) progress(done, total, next);
  };
  const std::string who = std::to_string(study.patients) + " patients";
  spec::TrialSpec small = spec;
  small.trial.patients = study.patients;
  tell("the spec's values, " + who);
  const sim::Block block = simulate(small, 0, study.patients);
  ++done;
  for (const auto& s : sim::TrialAnalysis(small).analyze(block)) {
    if (s.path.compare(0, prefix.size(), prefix) == 0 && s.path.size() > 7 &&
        s.path.compare(s.path.size() - 7, 7, "/effect") == 0) {
      study.estimate = s.path;
      study.baseline = s.value;
      break;
    }
  }
  if (study.estimate.empty()) {
    done = total;
    tell("");
    return study;
  }
  char percent[32];
  std::snprintf(percent, sizeof percent, "%g %%", 100.0 * change);
  for (const auto& [key, value] : varied) {
    SensitivityRow row{key, value, kNaN, kNaN, ""};
    for (const double factor : {1.0 - change, 1.0 + change}) {
      tell(key + (factor < 1.0 ? " -" : " +") + percent + ", " + who);
      double result = kNaN;
      try {
        result = estimate(spec::parse_spec(spec::with_model_parameter(spec_text, key, value * factor), spec_file, files),
                          study.estimate, study.patients);
      } catch (const SpecError&) {
        row.note = "outside the range the model allows";
      } catch (const UserError&) {
        row.note = "outside the range the model allows";
      }
      (factor < 1.0 ? row.low : row.high) = result;
      ++done;
    }
    study.rows.push_back(std::move(row));
  }
  tell("");
  return study;
}

}  // namespace silico::report
