#include "spec/spec.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <utility>

#include "spec/limits.hpp"
#include "spec/read_context.hpp"
#include "spec/sections.hpp"
#include "spec/yaml_reader.hpp"

namespace silico::spec {

using detail::Located;
using detail::describe_bytes;

std::vector<std::string> CohortSpec::covariate_names() const {
  std::vector<std::string> names;
  for (const auto& c : covariates) names.push_back(c.name);
  return names;
}

namespace detail {
/// The trial time units and their length in days. A month is a twelfth of a 365.25-day
/// (Julian) year, so 12 months are exactly one year.
const std::vector<std::pair<std::string, double>>& time_units() {
  static const std::vector<std::pair<std::string, double>> units = {
      {"days", 1.0}, {"weeks", 7.0}, {"months", 30.4375}, {"years", 365.25}};
  return units;
}
}  // namespace detail

double days_per_time_unit(const std::string& unit) {
  for (const auto& [name, days] : detail::time_units()) {
    if (name == unit) return days;
  }
  throw std::invalid_argument("unknown time unit '" + unit + "'");
}

std::vector<std::string> TrialSpec::arm_names() const {
  std::vector<std::string> names;
  for (const auto& a : arms) names.push_back(a.name);
  return names;
}

namespace {

/// "the spec is larger than 16 MiB" at the start of the file: nothing of it is parsed.
void add_too_large(const std::string& file, const std::string& what, DiagnosticList& diagnostics) {
  diagnostics.add({file, 1, 1}, "",
                  what + " is larger than " + describe_bytes(detail::kMaxFileBytes) + ", the most silico reads");
}

}  // namespace

namespace detail {

YAML::Node load_yaml(const std::string& text, const std::string& file, DiagnosticList& diagnostics) {
  if (text.size() > detail::kMaxFileBytes) {
    add_too_large(file, "the file", diagnostics);
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (!detail::check_node_count(text, file, diagnostics)) return YAML::Node(YAML::NodeType::Undefined);
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      const YAML::Mark second = documents[1].Mark();
      diagnostics.add({file, second.line + 1, second.column + 1}, "",
                      "expected one YAML document, found " + std::to_string(documents.size()) +
                          " (remove the extra '---')");
    }
    if (documents.empty()) return YAML::Node();
    if (!detail::check_node_sizes(documents.front(), file, diagnostics)) return YAML::Node(YAML::NodeType::Undefined);
    return documents.front();
  } catch (const YAML::Exception& e) {
    diagnostics.add({file, e.mark.line + 1, e.mark.column + 1}, "",
                    "YAML syntax error: " + e.msg);
    return YAML::Node(YAML::NodeType::Undefined);
  }
}

namespace {

/// Reads one spec's sections in order: later sections check names against earlier ones,
/// and this order is the order of the diagnostics.
TrialSpec read_sections(ReadContext& ctx, const YAML::Node& root, const std::string& text) {
  TrialSpec spec;
  spec.source_file = ctx.file;
  spec.source_text = text;
  const Located top{root, ctx.file, "", std::nullopt};
  if (!ctx.reader.expect_mapping(top, {"schema_version", "trial", "cohort", "arms", "model",
                                       "observations", "endpoints", "analysis", "output", "report",
                                       "validation"})) {
    return spec;
  }
  read_schema_version(ctx, top);
  read_trial(ctx, top, spec.trial);
  ctx.earlier.cohort_ok = read_cohort_section(ctx, top, spec.cohort);
  ctx.earlier.covariate_index = index_of_names(spec.cohort.covariate_names());
  ctx.earlier.arms_ok = read_arms(ctx, top, spec);
  read_model(ctx, top, spec);
  resolve_dropout(ctx, spec);
  read_observations(ctx, top, spec);
  create_model(ctx, spec);
  read_endpoints(ctx, top, spec);
  read_analysis(ctx, top, spec);
  read_output(ctx, top, spec.output);
  read_report(ctx, top, spec.report);
  read_validation(ctx, top, spec, true);
  spec.included_files = std::move(ctx.included);
  return spec;
}

}  // namespace
}  // namespace detail

TrialSpec parse_spec(const std::string& text, const std::string& file, const SpecFiles& files) {
  DiagnosticList diagnostics;
  const YAML::Node root = detail::load_yaml(text, file, diagnostics);
  TrialSpec spec;
  if (diagnostics.empty()) {
    if (!root.IsDefined() || root.IsNull()) {
      diagnostics.add({file, 1, 1}, "", "the spec is empty");
    } else {
      detail::ReadContext ctx(diagnostics, file, files);
      spec = detail::read_sections(ctx, root, text);
    }
  }
  if (!diagnostics.empty()) throw SpecError(std::move(diagnostics));
  return spec;
}

TrialSpec load_spec(const std::string& path, const SpecFiles& files) {
  std::string text;
  switch (detail::read_bounded(path, text)) {
    case detail::BoundedRead::kUnreadable: throw UserError("cannot read spec file '" + path + "'");
    case detail::BoundedRead::kTooLarge: {
      DiagnosticList diagnostics;
      add_too_large(path, "the spec", diagnostics);
      throw SpecError(std::move(diagnostics));
    }
    case detail::BoundedRead::kOk: break;
  }
  return parse_spec(text, path, files);
}

namespace {

/// A mapping key's text; empty for a key that is itself a list or mapping (as<std::string>
/// would throw a YAML exception, not a user error).
std::string key_text(const YAML::Node& key) { return key.IsScalar() ? key.Scalar() : std::string(); }

/// Scalars of `node` as "a.b.c" = value rows; sequences in YAML flow style.
void flatten(const YAML::Node& node, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& rows) {
  if (!node) return;  // absent (e.g. a model without parameters)
  if (node.IsMap()) {
    for (const auto& item : node) {
      const std::string key = key_text(item.first);
      flatten(item.second, prefix.empty() ? key : prefix + "." + key, rows);
    }
  } else if (node.IsScalar()) {
    rows.emplace_back(prefix, node.Scalar());
  } else if (node.IsDefined() && !node.IsNull()) {
    YAML::Emitter out;
    out << YAML::Flow << node;
    rows.emplace_back(prefix, out.c_str());
  }
}

/// The omega `node` as read_stored_spec keeps it, or nullopt when it is not a list of k
/// names and k rows of k finite numbers with a positive diagonal.
std::optional<StoredSpec::Omega> stored_omega(const std::string& name, const YAML::Node& node) {
  if (!node.IsMap() || node.size() != 2) return std::nullopt;
  const YAML::Node variables = node["variables"], matrix = node["matrix"];
  if (!variables || !variables.IsSequence() || !matrix || !matrix.IsSequence()) return std::nullopt;
  const std::size_t k = variables.size();
  if (k == 0 || matrix.size() != k) return std::nullopt;
  StoredSpec::Omega omega{name, {}, {}};
  for (std::size_t i = 0; i < k; ++i) {
    const YAML::Node row = matrix[i];
    if (!variables[i].IsScalar() || !row.IsSequence() || row.size() != k) return std::nullopt;
    const YAML::Node diagonal = row[i];
    if (!diagonal.IsScalar()) return std::nullopt;
    const std::string& text = diagonal.Scalar();
    double variance = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), variance);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(variance) || !(variance > 0.0)) {
      return std::nullopt;
    }
    omega.variables.push_back(variables[i].Scalar());
    omega.variances.push_back(variance);
  }
  return omega;
}

}  // namespace

std::string with_model_parameter(const std::string& text, const std::string& path, double value) {
  YAML::Node root = YAML::Load(text);
  YAML::Node node = root["model"]["parameters"];
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node.IsMap()) throw UserError("model.parameters." + path + ": not a mapping at '" + key + "'");
    if (dot == std::string::npos) {
      node[key] = value;
      break;
    }
    node.reset(node[key]);
    start = dot + 1;
  }
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root;
  return std::string(out.c_str()) + "\n";
}

StoredSpec read_stored_spec(const std::string& text, const std::string& file) {
  DiagnosticList diagnostics;
  const YAML::Node root = detail::load_yaml(text, file, diagnostics);
  StoredSpec stored;
  if (diagnostics.empty() && root.IsMap()) {
    detail::ReadContext ctx(diagnostics, file);
    detail::read_report_only(ctx, root, stored);
    const YAML::Node arms = root["arms"];
    if (arms && arms.IsSequence()) {
      for (const auto& arm : arms) {
        if (!arm.IsMap() || !arm["name"] || !arm["name"].IsScalar()) continue;
        YAML::Emitter out;
        out << YAML::Flow << YAML::BeginMap;
        for (const auto& item : arm) {
          if (key_text(item.first) == "name") continue;
          out << YAML::Key << item.first << YAML::Value << item.second;
        }
        out << YAML::EndMap;
        std::string text = out.c_str();
        if (text.size() >= 2 && text.front() == '{' && text.back() == '}') text = text.substr(1, text.size() - 2);
        stored.arms.emplace_back(arm["name"].Scalar(), text);
      }
    }
    // The calendar-time rules, as written, for the report's trial-design section.
    const auto flow = [](const YAML::Node& node) {
      YAML::Node copy = YAML::Clone(node);  // a node keeps the style it was written in
      copy.SetStyle(YAML::EmitterStyle::Flow);
      YAML::Emitter out;
      out << copy;
      return std::string(out.c_str());
    };
    const YAML::Node trial = root["trial"];
    if (trial && trial.IsMap()) {
      if (trial["accrual"]) stored.accrual = flow(trial["accrual"]);
      if (trial["dropout"]) stored.dropout = flow(trial["dropout"]);
    }
    const YAML::Node analysis = root["analysis"];
    const YAML::Node endpoints = analysis && analysis.IsMap() ? analysis["endpoints"] : YAML::Node();
    if (endpoints && endpoints.IsMap()) {
      for (const auto& item : endpoints) {
        if (!item.second.IsMap()) continue;
        if (item.second["data_cut"]) {
          stored.data_cuts[key_text(item.first)] = flow(item.second["data_cut"]);
        } else if (item.second["data_cut_events"]) {
          stored.data_cuts[key_text(item.first)] = "{events: " + flow(item.second["data_cut_events"]) + "}";
        }
      }
    }
    // A missing key gives an invalid node, whose Is*() throw: test it (operator bool) first.
    const YAML::Node model = root["model"];
    if (model && model.IsMap()) {
      if (model["name"] && model["name"].IsScalar()) stored.model_name = model["name"].Scalar();
      flatten(model["parameters"], "", stored.model_parameters);
      if (model["parameters"] && model["parameters"].IsMap()) {
        for (const auto& item : model["parameters"]) {
          if (auto omega = stored_omega(key_text(item.first), item.second)) stored.omegas.push_back(*omega);
        }
      }
      const YAML::Node sources = model["sources"];
      if (sources && sources.IsMap()) {
        for (const auto& item : sources) {
          if (item.second.IsScalar()) stored.model_sources[key_text(item.first)] = item.second.Scalar();
        }
      }
    }
  }
  if (!diagnostics.empty()) throw SpecError(std::move(diagnostics));
  return stored;
}

}  // namespace silico::spec
