/// @file
/// @brief Reading back the JSON of `silico verify -o` and of `silico design --json`.

#include <cmath>
#include <charconv>
#include <limits>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "report/json.hpp"
#include "report/report.hpp"

namespace silico::report {
std::vector<VerificationCase> parse_verification_json(const std::string& text, const std::string& file) {
  const json::Value doc = json::parse(text, file);
  const auto bad = [&](const std::string& what) -> UserError {
    return UserError(file + ": " + what + " (a file written by silico verify -o)");
  };
  if (doc.kind != json::Value::Kind::kObject) throw bad("expected a JSON object");
  const auto cases = doc.members.find("cases");
  if (cases == doc.members.end() || cases->second.kind != json::Value::Kind::kArray) throw bad("expected a 'cases' array");
  std::vector<VerificationCase> out;
  for (std::size_t i = 0; i < cases->second.items.size(); ++i) {
    const json::Value& item = cases->second.items[i];
    const std::string where = "cases[" + std::to_string(i) + "]";
    if (item.kind != json::Value::Kind::kObject) throw bad(where + ": expected an object");
    const auto field = [&](const char* name, json::Value::Kind kind) -> const json::Value* {
      const auto found = item.members.find(name);
      if (found == item.members.end()) throw bad(where + "." + name + ": missing");
      if (found->second.kind == json::Value::Kind::kNull && kind == json::Value::Kind::kNumber) return nullptr;  // NaN
      if (found->second.kind != kind) throw bad(where + "." + name + ": wrong type");
      return &found->second;
    };
    const auto number = [&](const char* name) {
      const json::Value* v = field(name, json::Value::Kind::kNumber);
      return v ? v->number : std::numeric_limits<double>::quiet_NaN();
    };
    VerificationCase c;
    c.id = field("id", json::Value::Kind::kString)->text;
    c.area = field("area", json::Value::Kind::kString)->text;
    c.check = field("check", json::Value::Kind::kString)->text;
    c.source = field("source", json::Value::Kind::kString)->text;
    c.expected = number("expected");
    c.observed = number("observed");
    c.tolerance = number("tolerance");
    const std::string comparison = field("comparison", json::Value::Kind::kString)->text;
    bool known = false;
    for (Comparison k : {Comparison::kAbsolute, Comparison::kRelative, Comparison::kAtMost, Comparison::kAtLeast}) {
      if (comparison == comparison_name(k)) {
        c.comparison = k;
        known = true;
      }
    }
    if (!known) throw bad(where + ".comparison: unknown '" + comparison + "'");
    c.passed = field("passed", json::Value::Kind::kBool)->boolean;
    out.push_back(std::move(c));
  }
  return out;
}

PowerCurve parse_design_json(const std::string& text, const std::string& file) {
  const json::Value doc = json::parse(text, file);
  const auto bad = [&](const std::string& what) {
    return UserError(file + ": " + what + " (a file written by silico design --json)");
  };
  const auto member = [&](const json::Value& object, const char* name, json::Value::Kind kind,
                          const std::string& where) -> const json::Value& {
    const auto found = object.members.find(name);
    if (found == object.members.end() || found->second.kind != kind) {
      throw bad(where + name + ": missing or of the wrong type");
    }
    return found->second;
  };
  if (doc.kind != json::Value::Kind::kObject) throw bad("expected a JSON object");
  PowerCurve curve;
  curve.endpoint = member(doc, "endpoint", json::Value::Kind::kString, "").text;
  curve.target_power = member(doc, "target_power", json::Value::Kind::kNumber, "").number;
  curve.replicates = static_cast<std::uint64_t>(member(doc, "replicates", json::Value::Kind::kNumber, "").number);
  const auto& points = member(doc, "curve", json::Value::Kind::kArray, "");
  for (std::size_t i = 0; i < points.items.size(); ++i) {
    const std::string where = "curve[" + std::to_string(i) + "].";
    const auto& p = points.items[i];
    if (p.kind != json::Value::Kind::kObject) throw bad(where + ": expected an object");
    PowerCurve::Point point{static_cast<std::uint64_t>(member(p, "patients", json::Value::Kind::kNumber, where).number),
                            member(p, "method", json::Value::Kind::kString, where).text,
                            member(p, "treatment", json::Value::Kind::kString, where).text,
                            member(p, "power", json::Value::Kind::kNumber, where).number,
                            member(p, "mcse", json::Value::Kind::kNumber, where).number};
    // Optional: what the replicates realised at the data cut (null when never reached).
    const auto number = [&](const char* name) {
      const auto found = p.members.find(name);
      return found != p.members.end() && found->second.kind == json::Value::Kind::kNumber
                 ? found->second.number
                 : std::numeric_limits<double>::quiet_NaN();
    };
    const double events = number("data_cut_events");
    if (std::isfinite(events) && events >= 0) point.data_cut_events = static_cast<std::uint64_t>(events);
    point.cut_time = number("cut_time");
    point.cut_patients = number("cut_patients");
    curve.points.push_back(point);
  }
  if (const auto over = doc.members.find("over");
      over != doc.members.end() && over->second.kind == json::Value::Kind::kString) {
    if (over->second.text != "patients" && over->second.text != "events") throw bad("over: expected patients or events");
    curve.over = over->second.text;
  }
  // What identifies the spec: optional, since older files lack it (check_design_spec).
  const auto text_of = [&](const char* name) {
    const auto found = doc.members.find(name);
    if (found == doc.members.end()) return std::string();
    if (found->second.kind != json::Value::Kind::kString) throw bad(std::string(name) + ": expected a string");
    return found->second.text;
  };
  curve.spec_sha256 = text_of("spec_sha256");
  curve.spec_file = text_of("spec_file");
  curve.trial = text_of("trial");
  return curve;
}

void check_design_spec(const PowerCurve& curve, const std::string& design_file, const std::string& spec_yaml,
                       const std::string& spec_file, const std::string& trial_name, const std::string& result_file) {
  const std::string run_spec = "spec '" + spec_file + "' (trial '" + trial_name + "', SHA-256 " + sha256_hex(spec_yaml) + ")";
  if (curve.spec_sha256.empty()) {
    throw UserError("'" + design_file + "' does not say which spec it was written for (no spec_sha256: written by " +
                    "an older silico design); re-run silico design --json on the " + run_spec + " of '" + result_file +
                    "'");
  }
  if (curve.spec_sha256 != sha256_hex(spec_yaml)) {
    throw UserError("'" + design_file + "' was written for another spec: spec '" + curve.spec_file + "' (trial '" +
                    curve.trial + "', SHA-256 " + curve.spec_sha256 + "), but '" + result_file + "' was run from " +
                    run_spec + "; run silico design --json on the spec of this run");
  }
}

}  // namespace silico::report
