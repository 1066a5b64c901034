// An endpoint's `group_sequential` looks: information fractions, one- or two-sided, the
// alpha-spending function, and futility by beta spending (binding or not). The design is
// computed here once (stats::design_boundaries), so that spending that cannot be done, or
// futility bounds above efficacy, are located errors of the spec, not failures of a run.

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "spec/method_schema.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

const char* const kSpendingForms =
    "obrien_fleming, pocock, {hsd: gamma}, {kim_demets: rho} or {user: [cumulative spending at each look]}";

/// `spending` of the looks: a family name, or a one-key mapping with its parameter.
/// `total` is what the user's cumulative spending may reach; `looks` its length.
bool read_spending(ReadContext& ctx, const Located& at, double total, std::size_t looks,
                   stats::SpendingFunction& spending) {
  using Family = stats::SpendingFamily;
  if (at.node.IsScalar()) {
    const auto name = ctx.reader.string(at, kSpendingForms);
    if (!name) return false;
    if (*name == "obrien_fleming") {
      spending.family = Family::kOBrienFleming;
    } else if (*name == "pocock") {
      spending.family = Family::kPocock;
    } else {
      const std::string suggestion = ctx.reader.suggest(*name, {"obrien_fleming", "pocock"});
      ctx.reader.error(at, "unknown spending function '" + *name + "'" +
                               (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") + " (expected " +
                               kSpendingForms + ")");
      return false;
    }
    return true;
  }
  if (!ctx.reader.expect_mapping(at, {"hsd", "kim_demets", "user"})) return false;
  if (at.node.size() != 1) {
    ctx.reader.error(at, std::string("expected one spending function: ") + kSpendingForms);
    return false;
  }
  if (Reader::has(at, "hsd")) {
    const auto gamma = ctx.reader.number_in(at, "hsd", true, -40.0, 40.0, false,
                                            "the Hwang-Shih-DeCani gamma, in [-40, 40] (-4: like O'Brien-Fleming)");
    if (!gamma) return false;
    spending.family = Family::kHwangShihDeCani;
    spending.parameter = *gamma;
    return true;
  }
  if (Reader::has(at, "kim_demets")) {
    const auto rho = ctx.reader.number_in(at, "kim_demets", true, 0.0, 20.0, true,
                                          "the Kim-DeMets power rho, in (0, 20] (3: like O'Brien-Fleming)");
    if (!rho) return false;
    spending.family = Family::kKimDeMets;
    spending.parameter = *rho;
    return true;
  }
  const Located user = at.child("user");
  if (!ctx.reader.expect_sequence(user, "the cumulative spending at each look")) return false;
  if (user.node.size() != looks) {
    ctx.reader.error(user, "expected one cumulative spending per look (" + std::to_string(looks) + "), got " +
                               std::to_string(user.node.size()));
    return false;
  }
  spending.family = Family::kUser;
  spending.user_cumulative.clear();
  for (std::size_t k = 0; k < looks; ++k) {
    const Located item = user.element(k);
    const auto v = ctx.reader.number(item, "a cumulative spending in [0, " + format_number(total) + "]");
    if (!v) return false;
    if (*v < 0.0 || *v > total * (1.0 + 1e-12)) {
      ctx.reader.error(item, "spending exceeds its total: expected a cumulative spending in [0, " +
                                 format_number(total) + "], got " + excerpt(item.node.Scalar()));
      return false;
    }
    if (!spending.user_cumulative.empty() && *v < spending.user_cumulative.back()) {
      ctx.reader.error(item, "expected a non-decreasing cumulative spending, got " + excerpt(item.node.Scalar()) +
                                 " after " + format_number(spending.user_cumulative.back()));
      return false;
    }
    spending.user_cumulative.push_back(*v);
  }
  return true;
}

/// `futility: {bounds}`: fixed bounds on the Z scale, one per interim look (rpact's
/// futilityBounds, gsDesign2's fixed lower bound), e.g. [0] to stop when the estimate
/// favours control at the interim.
bool read_fixed_futility(ReadContext& ctx, const Located& bounds, std::size_t looks,
                         stats::GroupSequentialDesign& design) {
  if (!ctx.reader.expect_sequence(bounds, "Z-scale futility bounds, one per interim look")) return false;
  if (bounds.node.size() != looks - 1) {
    ctx.reader.error(bounds, "expected one futility bound per interim look (" + std::to_string(looks - 1) +
                                 "; none at the last look), got " + std::to_string(bounds.node.size()));
    return false;
  }
  design.futility = stats::Futility::kFixed;
  design.futility_bounds.clear();
  for (std::size_t k = 0; k + 1 < looks; ++k) {
    const auto v = ctx.reader.number(bounds.element(k), "a bound on the Z scale (favouring treatment > 0), e.g. 0");
    if (!v) return false;
    if (!std::isfinite(*v) || std::fabs(*v) > 10) {
      ctx.reader.error(bounds.element(k), "expected a finite Z-scale bound in [-10, 10], got " +
                                              excerpt(bounds.element(k).node.Scalar()));
      return false;
    }
    design.futility_bounds.push_back(*v);
  }
  return true;
}

/// `futility: {spending, beta, binding}` or `futility: {bounds, binding}` of a one-sided
/// design.
bool read_futility(ReadContext& ctx, const Located& at, std::size_t looks, stats::GroupSequentialDesign& design) {
  if (!ctx.reader.expect_mapping(at, {"spending", "beta", "binding", "bounds"})) return false;
  if (Reader::has(at, "binding")) {
    const auto binding = ctx.reader.boolean(at.child("binding"), "true or false");
    if (!binding) return false;
    design.binding_futility = *binding;
  }
  if (Reader::has(at, "bounds")) {
    for (const char* key : {"spending", "beta"}) {
      if (Reader::has(at, key)) {
        ctx.reader.error(at.child(key).at_key(), std::string(key) +
                                                     " applies to futility by beta spending; these futility bounds "
                                                     "are given as `bounds`");
        return false;
      }
    }
    return read_fixed_futility(ctx, at.child("bounds"), looks, design);
  }
  design.futility = stats::Futility::kSpending;
  if (auto beta = ctx.reader.number_in(at, "beta", false, 0.0, 0.5, true,
                                       "the type II error the design is powered for, in (0, 0.5]")) {
    design.beta = *beta;
  }
  design.beta_spending = stats::SpendingFunction{};
  if (Reader::has(at, "spending") &&
      !read_spending(ctx, at.child("spending"), design.beta, looks, design.beta_spending)) {
    return false;
  }
  return true;
}

/// Fixed futility bounds must lie below the efficacy bounds of their looks (at or above
/// one, every trial would stop there). Names the first that does not, at its element, with
/// the efficacy bound it exceeds (of the design without futility: the same bounds as the
/// non-binding design's); false when none does.
bool locate_futility_above_efficacy(ReadContext& ctx, const Located& at, const stats::GroupSequentialDesign& design) {
  if (design.futility != stats::Futility::kFixed) return false;
  stats::GroupSequentialDesign efficacy_only = design;
  efficacy_only.futility = stats::Futility::kNone;
  efficacy_only.futility_bounds.clear();
  std::vector<double> upper;
  try {
    upper = stats::design_boundaries(efficacy_only).efficacy;
  } catch (const std::invalid_argument&) {
    return false;
  }
  const Located bounds = at.child("futility").child("bounds");
  for (std::size_t k = 0; k < design.futility_bounds.size(); ++k) {
    if (design.futility_bounds[k] > upper[k]) {
      ctx.reader.error(bounds.element(k), "expected a futility bound below the efficacy bound of look " +
                                              std::to_string(k + 1) + " (Z = " + format_number(upper[k]) +
                                              "), got " + format_number(design.futility_bounds[k]));
      return true;
    }
  }
  return false;
}

/// What the looks of a test without an estimate (fh, maxcombo) need: a one-sided design
/// (their statistic favours treatment one way), non-binding futility (their efficacy
/// bounds are solved at each look without the futility stops), and at most 20 tests over
/// all looks (the dimension of the multivariate normal the bounds come from).
bool check_max_statistic_looks(ReadContext& ctx, const Located& at, const MethodSchema& schema,
                               const EndpointAnalysis& analysis, const GroupSequential& gs) {
  const std::string& name = schema.name;
  if (!gs.one_sided()) {
    ctx.reader.error(at.at_key(), "the looks of " + name + " are one-sided, in favour of treatment: add sided: one");
    return false;
  }
  if (gs.design.binding_futility) {
    ctx.reader.error(at.child("futility").child("binding"),
                     "the futility bounds of " + name + " are non-binding (its efficacy bounds are solved at each "
                     "look from the tests' observed correlation, without the futility stops): expected false");
    return false;
  }
  std::size_t tests = 1;
  for (const auto& p : schema.parameters) {
    if (p.kind != MethodParameter::Kind::kRhoGammaPairs) continue;
    tests = p.default_value.size() / 2;
    if (const auto m = analysis.method_parameters.find(name); m != analysis.method_parameters.end()) {
      if (const auto v = m->second.find(p.key); v != m->second.end()) tests = v->second.size() / 2;
    }
  }
  if (tests * gs.looks.size() > 20) {
    ctx.reader.error(at.child("looks"), "expected at most 20 tests over all looks (" + name + " has " +
                                            std::to_string(tests) + " tests at each of " +
                                            std::to_string(gs.looks.size()) + " looks)");
    return false;
  }
  return true;
}

/// `look_times`: the calendar times of the interim looks of a time-to-event endpoint, one
/// per look before the last, increasing. Each replicate's bounds are then recomputed at
/// the fractions observed at those times, by alpha spending (a Wang-Tsiatis or
/// beta-spending design would need its constant or its drift solved again in every
/// replicate) with fixed, non-binding futility bounds if any.
bool read_look_times(ReadContext& ctx, const Located& at, models::OutputType type, GroupSequential& gs) {
  const Located times = at.child("look_times");
  if (type != models::OutputType::kTimeToEvent) {
    ctx.reader.error(times.at_key(), "look_times apply to a time-to-event endpoint (its looks are data cuts)");
    return false;
  }
  if (!ctx.reader.expect_sequence(times, "calendar times of the interim looks")) return false;
  if (times.node.size() + 1 != gs.looks.size()) {
    ctx.reader.error(times, "expected one calendar time per interim look (" + std::to_string(gs.looks.size() - 1) +
                                "; the last look is the final analysis), got " + std::to_string(times.node.size()));
    return false;
  }
  for (std::size_t k = 0; k < times.node.size(); ++k) {
    const Located item = times.element(k);
    const auto v = ctx.reader.number(item, "a calendar time > 0");
    if (!v) return false;
    if (!(*v > 0.0) || !std::isfinite(*v) || (!gs.look_times.empty() && *v <= gs.look_times.back())) {
      ctx.reader.error(item, "expected increasing calendar times > 0, got " + excerpt(item.node.Scalar()));
      return false;
    }
    gs.look_times.push_back(*v);
  }
  const auto& d = gs.design;
  if (d.efficacy != stats::EfficacyBoundary::kSpending) {
    ctx.reader.error(times.at_key(), "look_times need alpha-spending efficacy bounds");
    return false;
  }
  if (d.futility == stats::Futility::kSpending) {
    ctx.reader.error(at.child("futility").at_key(),
                     "with look_times, futility bounds are fixed (futility: {bounds: [...]}): beta-spending bounds "
                     "would be solved again at each replicate's information");
    return false;
  }
  if (d.binding_futility) {
    ctx.reader.error(at.child("futility").child("binding"),
                     "with look_times, futility bounds are non-binding: expected false");
    return false;
  }
  return true;
}

/// The methods that may run interim looks, by endpoint type (continuous, time to event,
/// binary), each type's defaults first.
std::vector<std::string> interim_methods() {
  std::vector<std::string> supported;
  for (const auto type : {models::OutputType::kContinuous, models::OutputType::kTimeToEvent,
                          models::OutputType::kBinary}) {
    for (const MethodSchema* m : method_schemas_for(type)) {
      if (m->interim && std::find(supported.begin(), supported.end(), m->name) == supported.end()) {
        supported.push_back(m->name);
      }
    }
  }
  return supported;
}

}  // namespace

void read_group_sequential(ReadContext& ctx, const Located& at, const TrialSpec& spec, models::OutputType type,
                           EndpointAnalysis& analysis) {
  if (!ctx.reader.expect_mapping(at, {"looks", "look_times", "sided", "alpha", "spending", "futility", "benefit"})) {
    return;
  }
  if (analysis.methods.empty()) return;  // the methods' own error is already reported
  const std::string& primary = analysis.methods.front();
  const MethodSchema* schema = find_method_schema(primary);
  if (schema == nullptr || !schema->interim) {
    ctx.reader.error(at.at_key(), "group-sequential looks apply to a primary method of " +
                                      join_alternatives(interim_methods()) + "; the primary method here is " + primary);
    return;
  }
  GroupSequential gs;
  if (!Reader::has(at, "looks")) {
    ctx.reader.missing(at, "looks", "increasing information fractions ending with 1, e.g. [0.5, 1]");
    return;
  }
  const Located looks = at.child("looks");
  if (!ctx.reader.expect_sequence(looks, "information fractions")) return;
  if (!ctx.within_limit(looks, 20, "looks")) return;
  for (std::size_t i = 0; i < looks.node.size(); ++i) {
    const Located item = looks.element(i);
    const auto v = ctx.reader.number(item, "an information fraction in (0, 1]");
    if (!v) return;
    if (*v <= 0.0 || *v > 1.0 || (!gs.looks.empty() && *v <= gs.looks.back())) {
      ctx.reader.error(item, "expected increasing information fractions in (0, 1], got " + excerpt(item.node.Scalar()));
      return;
    }
    gs.looks.push_back(*v);
  }
  if (gs.looks.empty() || gs.looks.back() != 1.0) {
    ctx.reader.error(looks, "expected the last look at information fraction 1");
    return;
  }
  auto& design = gs.design;
  design.information_fractions = gs.looks;
  design.sidedness = stats::Sidedness::kTwoSidedSymmetric;
  design.alpha = spec.analysis.alpha;
  if (Reader::has(at, "sided")) {
    const Located sided = at.child("sided");
    const auto v = ctx.reader.string(sided, "one or two");
    if (!v) return;
    if (*v == "one") {
      design.sidedness = stats::Sidedness::kOneSided;
      design.alpha = spec.analysis.alpha / 2;
    } else if (*v != "two") {
      ctx.reader.error(sided, "expected one or two, got '" + *v + "'");
      return;
    }
  }
  const bool one_sided = design.sidedness == stats::Sidedness::kOneSided;
  if (Reader::has(at, "alpha")) {
    if (!one_sided) {
      ctx.reader.error(at.child("alpha").at_key(),
                       "alpha of the looks applies to sided: one; a two-sided design spends analysis.alpha");
      return;
    }
    const auto alpha = ctx.reader.number_in(at, "alpha", false, 0.0, 0.25, true,
                                            "a one-sided level in (0, 0.25], e.g. 0.025");
    if (!alpha) return;
    design.alpha = *alpha;
  }
  if (Reader::has(at, "spending") &&
      !read_spending(ctx, at.child("spending"), design.alpha, gs.looks.size(), design.alpha_spending)) {
    return;
  }
  if (Reader::has(at, "benefit")) {
    const Located benefit = at.child("benefit");
    if (!one_sided) {
      ctx.reader.error(benefit.at_key(), "benefit applies to sided: one; a two-sided design rejects either way");
      return;
    }
    const auto v = ctx.reader.string(benefit, "lower or higher");
    if (!v) return;
    if (*v != "lower" && *v != "higher") {
      ctx.reader.error(benefit, "expected lower or higher (the direction of the estimate that favours treatment), "
                                "got '" + *v + "'");
      return;
    }
    gs.lower_is_benefit = *v == "lower";
  } else if (one_sided && type != models::OutputType::kTimeToEvent) {
    // A hazard ratio below 1 favours treatment; a difference in means or rates may go
    // either way (a symptom score falls, a response rate rises).
    ctx.reader.missing(at, "benefit", "lower or higher: the direction of the estimate that favours treatment");
    return;
  }
  if (Reader::has(at, "futility")) {
    const Located futility = at.child("futility");
    if (!one_sided) {
      ctx.reader.error(futility.at_key(), "futility bounds need sided: one");
      return;
    }
    if (gs.looks.size() < 2) {
      ctx.reader.error(futility.at_key(), "futility bounds need at least one interim look");
      return;
    }
    if (!read_futility(ctx, futility, gs.looks.size(), design)) return;
  }
  if (schema->interim_max_statistic && !check_max_statistic_looks(ctx, at, *schema, analysis, gs)) return;
  if (Reader::has(at, "look_times") && !read_look_times(ctx, at, type, gs)) return;
  if (!gs.legacy_two_sided()) {
    try {
      gs.boundaries = stats::design_boundaries(design);
    } catch (const std::invalid_argument& e) {
      if (!locate_futility_above_efficacy(ctx, at, design)) {
        ctx.reader.error(at, std::string("this group-sequential design cannot be computed: ") + e.what());
      }
      return;
    }
  }
  analysis.group_sequential = gs;
}

}  // namespace silico::spec::detail
