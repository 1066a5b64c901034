// The spec's `model` section: the model's name, its parameters checked against the
// model's schema (numbers, per-arm values, covariate effects, population parameters and
// their omega), the sources of their values; and the model built from them.

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

/// model.sources: {parameter: "where its value comes from", ...}, names from the model's
/// parameters.
void read_sources(ReadContext& ctx, const Located& model,
                  const std::vector<std::string>& parameters,
                  std::map<std::string, std::string>& sources) {
  if (!Reader::has(model, "sources")) return;
  const Located at = model.child("sources");
  if (!ctx.reader.expect_mapping(at, parameters)) return;
  for (const auto& [name, where] : ctx.reader.members(at)) {
    if (auto v = ctx.reader.string(where, "where the value of " + name + " comes from")) sources[name] = *v;
  }
}

/// `P: 5` or `P: {typical: 5, covariates: {wt: {power: 0.75, reference: 70},
/// age: {exponential: -0.01, reference: 60}, sex: {categorical: {female: 0.8}}}}`.
void read_population_parameter(ReadContext& ctx, const Located& at, const models::ParamSchema& p,
                               TrialSpec& spec) {
  models::PopulationParameter parameter{p.name, p.default_value, {}};
  const std::string expected = p.description;
  const auto check_range = [&](const Located& where, double v) {
    const bool below = p.min_exclusive ? !(v > p.min) : v < p.min;
    if (below || v > p.max) {
      std::ostringstream message;
      message << "expected " << expected << ", got " << v;
      ctx.reader.error(where, message.str());
      return false;
    }
    return true;
  };
  if (!at.node.IsMap()) {
    if (auto v = ctx.reader.number(at, expected + ", or {typical, covariates}")) {
      if (check_range(at, *v)) parameter.typical = *v;
    }
    spec.model.parameters.population[p.name] = parameter;
    return;
  }
  if (!ctx.reader.expect_mapping(at, {"typical", "covariates"})) return;
  if (auto v = ctx.reader.number_in(at, "typical", true, p.min, p.max, p.min_exclusive, expected)) parameter.typical = *v;
  if (Reader::has(at, "covariates")) {
    const Located covariates = at.child("covariates");
    if (!ctx.reader.expect_mapping(covariates, {})) return;
    const auto names = spec.cohort.covariate_names();
    for (const auto& [name, node] : ctx.reader.members(covariates)) {
      const auto found = ctx.earlier.covariate_index.find(name);
      if (found == ctx.earlier.covariate_index.end()) {
        if (!ctx.earlier.cohort_ok) continue;
        const std::string suggestion = ctx.reader.suggest(name, names);
        ctx.reader.error(node.at_key(), "unknown covariate '" + name + "'" +
                                            (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
        continue;
      }
      models::CovariateFactor factor;
      factor.covariate = found->second;
      const auto& covariate = spec.cohort.covariates[factor.covariate];
      if (!ctx.reader.expect_mapping(node, {"power", "exponential", "categorical", "reference"})) continue;
      const int kinds = Reader::has(node, "power") + Reader::has(node, "exponential") + Reader::has(node, "categorical");
      if (kinds != 1) {
        ctx.reader.error(node, "expected exactly one of power, exponential or categorical");
        continue;
      }
      if (Reader::has(node, "categorical")) {
        factor.kind = models::CovariateFactor::Kind::kCategorical;
        if (Reader::has(node, "reference")) {
          ctx.reader.error(node.child("reference").at_key(),
                           "a categorical covariate model has a factor per level and no reference");
          continue;
        }
        if (!covariate.is_categorical() && covariate.distribution != Distribution::kBernoulli) {
          ctx.reader.error(node.child("categorical").at_key(), "'" + name + "' is not categorical or bernoulli");
          continue;
        }
        const std::vector<std::string> levels =
            covariate.is_categorical() ? covariate.levels : std::vector<std::string>{"0", "1"};
        factor.level_factors.assign(levels.size(), 1.0);
        const Located map = node.child("categorical");
        if (!ctx.reader.expect_mapping(map, levels)) continue;
        for (const auto& [level, value] : ctx.reader.members(map)) {
          const auto l = std::find(levels.begin(), levels.end(), level);
          if (l == levels.end()) continue;  // reported as an unknown key
          if (auto v = ctx.reader.number_in(map, level, true, 0.0, kInf, true, "a multiplicative factor > 0")) {
            factor.level_factors[static_cast<std::size_t>(l - levels.begin())] = *v;
          }
        }
      } else {
        const bool power = Reader::has(node, "power");
        factor.kind = power ? models::CovariateFactor::Kind::kPower : models::CovariateFactor::Kind::kExponential;
        if (auto v = ctx.reader.number_in(node, power ? "power" : "exponential", true, -kInf, kInf, false, "a number")) {
          factor.value = *v;
        }
        if (auto v = ctx.reader.number_in(node, "reference", power, power ? 0.0 : -kInf, kInf, power,
                                          power ? "a reference value > 0" : "a reference value")) {
          factor.reference = *v;
        } else if (!power) {
          factor.reference = 0.0;
        }
        if (power && covariate.distribution != Distribution::kLognormal &&
            !(covariate.distribution == Distribution::kTruncatedNormal && covariate.lower > 0.0) &&
            !(covariate.distribution == Distribution::kUniform && covariate.min > 0.0)) {
          ctx.reader.error(node.child("power").at_key(),
                           "a power covariate model needs a positive covariate; '" + name +
                               "' can be zero or negative (use a lognormal, or a truncated normal or uniform above 0)");
        }
      }
      parameter.factors.push_back(factor);
    }
  }
  spec.model.parameters.population[p.name] = parameter;
}

/// `omega: {variables: [CL, V], matrix: [[0.09, 0.01], [0.01, 0.04]]}` over population
/// parameters of the model: variances of the log-normal random effects.
void read_omega(ReadContext& ctx, const Located& at, const models::ParamSchema& p,
                TrialSpec& spec) {
  if (!ctx.reader.expect_mapping(at, {"variables", "matrix"})) return;
  if (!Reader::has(at, "variables")) ctx.reader.missing(at, "variables", "population parameter names");
  if (!Reader::has(at, "matrix")) ctx.reader.missing(at, "matrix", "a list of matrix rows");
  if (!Reader::has(at, "variables") || !Reader::has(at, "matrix")) return;
  std::vector<std::string> allowed;
  for (const auto& s : spec.model.factory->schema) {
    if (s.kind == models::ParamKind::kPopulation) allowed.push_back(s.name);
  }
  models::RandomEffects effects;
  const Located variables = at.child("variables");
  if (!ctx.reader.expect_sequence(variables, "population parameter names")) return;
  for (std::size_t i = 0; i < variables.node.size(); ++i) {
    const Located v = variables.element(i);
    const auto name = ctx.reader.string(v, "a population parameter name");
    if (!name) return;
    if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
      ctx.reader.error(v, "'" + *name + "' is not a population parameter of this model (" +
                              join_alternatives(allowed) + ")");
      return;
    }
    if (std::find(effects.names.begin(), effects.names.end(), *name) != effects.names.end()) {
      ctx.reader.error(v, "'" + *name + "' listed twice");
      return;
    }
    effects.names.push_back(*name);
  }
  const std::size_t k = effects.names.size();
  if (k == 0 || k > 16) {
    ctx.reader.error(variables, "expected 1 to 16 variables");
    return;
  }
  const Located matrix = at.child("matrix");
  if (!ctx.reader.expect_sequence(matrix, "matrix rows")) return;
  if (matrix.node.size() != k) {
    ctx.reader.error(matrix, "expected " + std::to_string(k) + " rows, got " + std::to_string(matrix.node.size()));
    return;
  }
  Eigen::MatrixXd m(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < k; ++i) {
    const Located row = matrix.element(i);
    if (!row.node.IsSequence() || row.node.size() != k) {
      ctx.reader.error(row, "expected a row of " + std::to_string(k) + " numbers");
      return;
    }
    for (std::size_t j = 0; j < k; ++j) {
      const auto v = ctx.reader.number(row.element(j), "a variance or covariance");
      if (!v) return;
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *v;
    }
  }
  if (!m.isApprox(m.transpose(), 0.0) && (m - m.transpose()).cwiseAbs().maxCoeff() != 0.0) {
    ctx.reader.error(matrix, "omega is not symmetric");
    return;
  }
  const double smallest = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m).eigenvalues().minCoeff();
  if (!(smallest > 0.0)) {
    std::ostringstream message;
    message << "omega is not positive definite (smallest eigenvalue " << smallest << ")";
    ctx.reader.error(matrix, message.str());
    return;
  }
  effects.omega = m;
  effects.cholesky = Eigen::LLT<Eigen::MatrixXd>(m).matrixL();
  spec.model.parameters.omega[p.name] = effects;
}

void read_parameter(ReadContext& ctx, const Located& parameters, const Located& anchor,
                    bool present, const models::ParamSchema& p, TrialSpec& spec) {
  auto& values = spec.model.parameters;
  const std::string expected = p.description;
  if (!present || !Reader::has(parameters, p.name)) {
    if (p.required) {
      ctx.reader.missing(anchor, p.name, expected);
      return;
    }
    switch (p.kind) {
      case models::ParamKind::kNumber: values.numbers[p.name] = p.default_value; break;
      case models::ParamKind::kPerArm:
        values.per_arm[p.name] = std::vector<double>(spec.arms.size(), p.default_value);
        break;
      case models::ParamKind::kCovariateEffects: values.covariate_effects[p.name] = {}; break;
      case models::ParamKind::kPopulation:
        values.population[p.name] = models::PopulationParameter{p.name, p.default_value, {}};
        break;
      case models::ParamKind::kOmega: values.omega[p.name] = {}; break;
      case models::ParamKind::kChoice: values.choices[p.name] = p.choices.front(); break;
    }
    return;
  }
  const Located at = parameters.child(p.name);
  switch (p.kind) {
    case models::ParamKind::kPopulation: read_population_parameter(ctx, at, p, spec); break;
    case models::ParamKind::kOmega: read_omega(ctx, at, p, spec); break;
    case models::ParamKind::kChoice:
      if (auto v = ctx.reader.string(at, join_alternatives(p.choices))) {
        if (std::find(p.choices.begin(), p.choices.end(), *v) == p.choices.end()) {
          ctx.reader.error(at, "expected " + join_alternatives(p.choices) + ", got '" + *v + "'");
        } else {
          values.choices[p.name] = *v;
        }
      }
      break;
    case models::ParamKind::kNumber:
      if (auto v = ctx.reader.number_in(parameters, p.name, true, p.min, p.max, p.min_exclusive, expected)) {
        values.numbers[p.name] = *v;
      }
      break;
    case models::ParamKind::kPerArm: {
      if (at.node.IsScalar()) {
        // `hazard_ratio: 0.65`: say how to write it, with an arm of this spec.
        std::string arm = "<arm name>";
        for (std::size_t a = 0; a < spec.arms.size(); ++a) {
          if (a != spec.control_arm && ctx.earlier.arms_ok) {
            arm = spec.arms[a].name;
            break;
          }
        }
        ctx.reader.error(at, "expected a value per treatment arm, e.g. {" + arm + ": " + excerpt(at.node.Scalar()) +
                                 "}, got a single value (" + expected + ")");
        return;
      }
      if (!ctx.reader.expect_mapping(at, {})) return;
      std::vector<double> per_arm(spec.arms.size(), p.default_value);
      const auto arm_names = spec.arm_names();
      for (const auto& [arm, node] : ctx.reader.members(at)) {
        const auto found = std::find(arm_names.begin(), arm_names.end(), arm);
        if (found == arm_names.end()) {
          if (!ctx.earlier.arms_ok) continue;
          const std::string suggestion = ctx.reader.suggest(arm, arm_names);
          ctx.reader.error(node.at_key(), "unknown arm '" + arm + "'" +
                                  (suggestion.empty() ? "; arms are " + detail::list_names(arm_names)
                                                      : "; did you mean '" + suggestion + "'?"));
          continue;
        }
        if (auto v = ctx.reader.number_in(at, arm, true, p.min, p.max, p.min_exclusive, expected)) {
          per_arm[static_cast<std::size_t>(found - arm_names.begin())] = *v;
        }
      }
      values.per_arm[p.name] = per_arm;
      break;
    }
    case models::ParamKind::kCovariateEffects: {
      if (!ctx.reader.expect_mapping(at, {})) return;
      const auto names = spec.cohort.covariate_names();
      std::vector<models::CovariateEffect> effects;
      for (const auto& [covariate, node] : ctx.reader.members(at)) {
        const auto found = ctx.earlier.covariate_index.find(covariate);
        if (found == ctx.earlier.covariate_index.end()) {
          if (!ctx.earlier.cohort_ok) continue;
          const std::string suggestion = ctx.reader.suggest(covariate, names);
          ctx.reader.error(node.at_key(), "unknown covariate '" + covariate + "'" +
                                     (suggestion.empty() ? "; covariates are " + detail::list_names(names)
                                                         : "; did you mean '" + suggestion + "'?"));
          continue;
        }
        models::CovariateEffect effect;
        effect.covariate = found->second;
        if (node.node.IsMap()) {
          if (!ctx.reader.expect_mapping(node, {"per_unit", "reference"})) continue;
          if (auto v = ctx.reader.number_in(node, "per_unit", true, -kInf, kInf, false, "a number")) {
            effect.per_unit = *v;
          }
          if (auto v = ctx.reader.number_in(node, "reference", false, -kInf, kInf, false, "a number")) {
            effect.reference = *v;
          }
        } else if (auto v = ctx.reader.number(node, "a number, or {per_unit: b, reference: x0}")) {
          effect.per_unit = *v;
        }
        effects.push_back(effect);
      }
      values.covariate_effects[p.name] = effects;
      break;
    }
  }
}

}  // namespace

void read_model(ReadContext& ctx, const Located& top, TrialSpec& spec) {
  if (!Reader::has(top, "model")) {
    ctx.reader.missing(top, "model", "a mapping with the model's name and parameters");
    return;
  }
  const Located at = top.child("model");
  if (!ctx.reader.expect_mapping(at, {"name", "parameters", "sources"})) return;
  if (!Reader::has(at, "name")) {
    ctx.reader.missing(at, "name", "one of " + join_alternatives(models::model_names()));
    return;
  }
  const Located name = at.child("name");
  const auto model_name = ctx.reader.string(name, "a model name");
  if (!model_name) return;
  const models::ModelFactory* factory = models::find_model(*model_name);
  if (!factory) {
    const auto known = models::model_names();
    const std::string suggestion = ctx.reader.suggest(*model_name, known);
    ctx.reader.error(name, "unknown model '" + *model_name + "'" +
                               (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                               " (available: " + join_alternatives(known) + ")");
    return;
  }
  spec.model.name = *model_name;
  spec.model.factory = factory;

  const std::size_t errors_before = ctx.diagnostics.size();
  const Located parameters = at.child("parameters");
  std::vector<std::string> allowed;
  for (const auto& p : factory->schema) allowed.push_back(p.name);
  const bool has_parameters = Reader::has(at, "parameters");
  // Recording knobs that the top-level `observations` replaced: say where they went
  // rather than only "unknown key".
  static const std::vector<std::string> replaced = {"trajectory_every_h", "trajectory_until_h",
                                                    "record_tumour_size", "record_scores"};
  std::vector<std::string> known = allowed;
  known.insert(known.end(), replaced.begin(), replaced.end());
  if (has_parameters && !ctx.reader.expect_mapping(parameters, known)) return;
  for (const auto& name : replaced) {
    if (has_parameters && parameters.child(name).node.IsDefined() &&
        std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      ctx.reader.error(
          parameters.child(name).at_key(),
          "'" + name +
              "' is no longer a model parameter: recorded variables are chosen in the "
              "top-level 'observations' section, with times in days (see docs/spec.md)");
    }
  }
  // Missing parameters are reported at `parameters`, or at `model` when it has none.
  const Located anchor = has_parameters ? parameters : Located{at.node, at.file, parameters.path, std::nullopt};
  for (const auto& p : factory->schema) read_parameter(ctx, parameters, anchor, has_parameters, p, spec);
  read_sources(ctx, at, allowed, spec.model.sources);
  if (ctx.diagnostics.size() > errors_before || !ctx.earlier.cohort_ok || !ctx.earlier.arms_ok) return;

  if (factory->needs_regimen) {
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      if (!spec.arms[a].regimen && a < ctx.earlier.arm_locations.size()) {
        ctx.reader.missing(ctx.earlier.arm_locations[a], "regimen", "model '" + factory->name + "' needs a dosing regimen per arm");
      }
    }
  } else if (!factory->accepts_regimen) {
    for (std::size_t a = 0; a < spec.arms.size() && a < ctx.earlier.arm_locations.size(); ++a) {
      if (spec.arms[a].regimen) {
        ctx.reader.error(ctx.earlier.arm_locations[a].child("regimen").at_key(),
                         "model '" + factory->name + "' does not use dosing regimens");
      }
    }
  }
  if (ctx.diagnostics.size() > errors_before) return;
  // Built by create_model() once the observation schedules are known.
  ctx.earlier.model_parameters = parameters;
  ctx.earlier.model_ready = true;
}

/// Builds the model from its parameters, the trial and the observation schedules. Its
/// own errors are reported at `parameters`, those about a schedule at that schedule.
void create_model(ReadContext& ctx, TrialSpec& spec) {
  if (!ctx.earlier.model_ready) return;
  models::TrialContext context;
  context.arm_names = spec.arm_names();
  context.control_arm = spec.control_arm;
  context.covariate_names = spec.cohort.covariate_names();
  context.follow_up = spec.trial.follow_up;
  context.time_unit = spec.trial.time_unit;
  context.days_per_time_unit = days_per_time_unit(spec.trial.time_unit);
  context.observations = spec.observations;
  for (const auto& arm : spec.arms) {
    if (arm.regimen) context.regimens.push_back(*arm.regimen);
  }
  if (context.regimens.size() != spec.arms.size()) context.regimens.clear();
  try {
    spec.model.instance = spec.model.factory->create(spec.model.parameters, context);
  } catch (const models::ObservationError& e) {
    ctx.reader.error(observation_location(ctx, spec, e.variable(), e.index()), e.what());
  } catch (const UserError& e) {
    ctx.reader.error(ctx.earlier.model_parameters, e.what());
  }
}

}  // namespace silico::spec::detail
