// The spec's `arms` section: names, allocation ratios, the control arm and each arm's
// dosing regimen; checks the trial's randomization block against the ratios.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "spec/limits.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

std::optional<models::Regimen> read_regimen(ReadContext& ctx, const Located& at) {
  if (!ctx.reader.expect_mapping(at, {"dose_mg", "route", "interval_h", "doses", "infusion_h",
                                      "loading_dose_mg", "start_h", "dose_changes"})) {
    return std::nullopt;
  }
  const std::size_t errors_before = ctx.diagnostics.size();
  models::Regimen r;
  if (auto v = ctx.reader.number_in(at, "dose_mg", true, 0.0, kInf, false, "a dose in mg, >= 0")) r.dose_mg = *v;
  if (!Reader::has(at, "route")) {
    ctx.reader.missing(at, "route", "iv_bolus, iv_infusion or oral");
  } else if (auto v = ctx.reader.string(at.child("route"), "iv_bolus, iv_infusion or oral")) {
    if (*v == "iv_bolus") r.route = models::pk::Route::kIvBolus;
    else if (*v == "iv_infusion") r.route = models::pk::Route::kIvInfusion;
    else if (*v == "oral") r.route = models::pk::Route::kOral;
    else ctx.reader.error(at.child("route"), "unknown route '" + *v + "' (expected iv_bolus, iv_infusion or oral)");
  }
  if (Reader::has(at, "doses")) {
    if (auto v = ctx.reader.unsigned_integer(at.child("doses"), "a number of doses, 1 to 10000")) {
      if (*v < 1 || *v > 10000) ctx.reader.error(at.child("doses"), "expected 1 to 10000 doses, got " + std::to_string(*v));
      else r.doses = static_cast<std::uint32_t>(*v);
    }
  }
  if (auto v = ctx.reader.number_in(at, "interval_h", r.doses > 1, 0.0, kInf, true, "a dosing interval in h, > 0")) {
    r.interval_h = *v;
  }
  const bool infusion = r.route == models::pk::Route::kIvInfusion;
  if (auto v = ctx.reader.number_in(at, "infusion_h", infusion, 0.0, kInf, true, "an infusion duration in h, > 0")) {
    if (!infusion) ctx.reader.error(at.child("infusion_h").at_key(), "infusion_h applies to route iv_infusion only");
    else if (r.doses > 1 && *v > r.interval_h) ctx.reader.error(at.child("infusion_h"), "expected an infusion no longer than interval_h");
    else r.infusion_h = *v;
  }
  if (auto v = ctx.reader.number_in(at, "loading_dose_mg", false, 0.0, kInf, false, "a loading dose in mg, >= 0")) {
    r.loading_dose_mg = *v;
  }
  if (auto v = ctx.reader.number_in(at, "start_h", false, 0.0, kInf, false, "a start time in h, >= 0")) r.start_h = *v;
  if (Reader::has(at, "dose_changes")) {
    const Located changes = at.child("dose_changes");
    if (ctx.reader.expect_sequence(changes, "dose changes {from_dose, dose_mg}") &&
        ctx.within_limit(changes, detail::kMaxDoseChanges, "dose changes")) {
      for (std::size_t i = 0; i < changes.node.size(); ++i) {
        const Located c = changes.element(i);
        if (!ctx.reader.expect_mapping(c, {"from_dose", "dose_mg"})) continue;
        models::DoseChange change;
        if (!Reader::has(c, "from_dose")) {
          ctx.reader.missing(c, "from_dose", "the 1-based dose number the change starts at");
          continue;
        }
        if (auto v = ctx.reader.unsigned_integer(c.child("from_dose"), "a dose number >= 2")) {
          const std::uint32_t previous = r.changes.empty() ? 1 : r.changes.back().from_dose;
          if (*v <= previous || *v > r.doses) {
            ctx.reader.error(c.child("from_dose"), "expected increasing dose numbers between 2 and doses (" +
                                                       std::to_string(r.doses) + "), got " + std::to_string(*v));
            continue;
          }
          change.from_dose = static_cast<std::uint32_t>(*v);
        }
        if (auto v = ctx.reader.number_in(c, "dose_mg", true, 0.0, kInf, false, "a dose in mg, >= 0")) change.dose_mg = *v;
        r.changes.push_back(change);
      }
    }
  }
  if (ctx.diagnostics.size() > errors_before) return std::nullopt;
  return r;
}

}  // namespace

bool read_arms(ReadContext& ctx, const Located& top, TrialSpec& spec) {
  if (!Reader::has(top, "arms")) {
    ctx.reader.missing(top, "arms", "a list of arms, one marked control: true");
    return false;
  }
  const Located arms = top.child("arms");
  if (!ctx.reader.expect_sequence(arms, "arms")) return false;
  if (!ctx.within_limit(arms, detail::kMaxArms, "arms")) return false;
  const std::size_t errors_before = ctx.diagnostics.size();
  std::set<std::string> names;
  std::vector<std::size_t> controls;
  for (std::size_t i = 0; i < arms.node.size(); ++i) {
    const Located at = arms.element(i);
    if (!ctx.reader.expect_mapping(at, {"name", "ratio", "control", "regimen"})) continue;
    Arm arm;
    if (!Reader::has(at, "name")) {
      ctx.reader.missing(at, "name", "an arm name");
    } else if (auto v = ctx.reader.string(at.child("name"), "an arm name")) {
      if (!ctx.short_name(at.child("name"), *v, "an arm name")) {
      } else if (!is_identifier(*v)) {
        ctx.reader.error(at.child("name"), "arm names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)");
      } else if (!names.insert(*v).second) {
        ctx.reader.error(at.child("name"), "duplicate arm name '" + *v + "'");
      }
      arm.name = *v;
    }
    if (Reader::has(at, "ratio")) {
      const Located r = at.child("ratio");
      if (auto v = ctx.reader.unsigned_integer(r, "an allocation ratio, an integer >= 1")) {
        if (*v < 1 || *v > 1000) {
          ctx.reader.error(r, "expected an allocation ratio between 1 and 1000, got " + std::to_string(*v));
        } else {
          arm.ratio = static_cast<std::uint32_t>(*v);
        }
      }
    }
    if (Reader::has(at, "control")) {
      if (auto v = ctx.reader.boolean(at.child("control"), "true or false")) arm.control = *v;
    }
    if (Reader::has(at, "regimen")) arm.regimen = read_regimen(ctx, at.child("regimen"));
    if (arm.control) controls.push_back(i);
    spec.arms.push_back(arm);
    ctx.earlier.arm_locations.push_back(at);
  }
  if (ctx.diagnostics.size() > errors_before) return false;
  if (spec.arms.size() < 2) {
    ctx.reader.error(arms, "expected at least two arms: a control and a treatment");
    return false;
  }
  if (controls.size() != 1) {
    ctx.reader.error(arms, "expected exactly one arm with control: true, got " +
                               std::to_string(controls.size()));
    return false;
  }
  spec.control_arm = controls.front();
  std::uint32_t ratio_sum = 0;
  for (const auto& arm : spec.arms) ratio_sum += arm.ratio;
  auto& block = spec.trial.randomization_block;
  if (block == 0) {
    block = 2 * ratio_sum;
  } else if (block % ratio_sum != 0) {
    ctx.reader.error(ctx.earlier.block_location, "expected a multiple of the sum of allocation ratios (" +
                                                     std::to_string(ratio_sum) + "), got " + std::to_string(block));
  }
  if (spec.trial.patients != 0 && spec.trial.patients < spec.arms.size()) {
    ctx.reader.error(top.child("trial").child("patients"),
                     "expected at least one patient per arm (" + std::to_string(spec.arms.size()) + ")");
  }
  return ctx.diagnostics.size() == errors_before;
}

}  // namespace silico::spec::detail
