// The spec's `cohort` section, inline or included from a cohort file: covariates and
// their distributions, their correlation (a Gaussian copula) and inclusion criteria.
// Analysis reads second populations (historical, external control) with it too.

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "spec/criteria.hpp"
#include "spec/limits.hpp"
#include "spec/sections.hpp"

namespace silico::spec::detail {

namespace {

constexpr double kSmallestBernoulliP = 1e-15;

void read_attempts(ReadContext& ctx, const Located& at, CohortSpec& cohort) {
  const Located a = at.child("max_screening_attempts");
  if (auto v = ctx.reader.unsigned_integer(a, "a number of candidates per patient >= 1")) {
    if (*v < 1 || *v > 100'000'000) {
      ctx.reader.error(a, "expected a number of candidates per patient between 1 and 100000000, got " +
                              std::to_string(*v));
    } else {
      cohort.max_screening_attempts = static_cast<std::uint32_t>(*v);
    }
  }
}

void read_categorical(ReadContext& ctx, const Located& at, Covariate& c) {
  if (!Reader::has(at, "levels")) {
    ctx.reader.missing(at, "levels", "a list of at least two level labels");
  } else {
    const Located levels = at.child("levels");
    if (ctx.reader.expect_sequence(levels, "level labels") && ctx.within_limit(levels, detail::kMaxLevels, "levels")) {
      std::set<std::string> seen;
      for (std::size_t i = 0; i < levels.node.size(); ++i) {
        const Located level = levels.element(i);
        if (auto v = ctx.reader.string(level, "a level label")) {
          if (!ctx.short_name(level, *v, "a level label")) continue;
          if (!seen.insert(*v).second) ctx.reader.error(level, "duplicate level '" + *v + "'");
          c.levels.push_back(*v);
        }
      }
      if (levels.node.size() < 2) ctx.reader.error(levels, "expected at least two levels");
    }
  }
  if (!Reader::has(at, "probabilities")) {
    ctx.reader.missing(at, "probabilities", "one probability per level, summing to 1");
    return;
  }
  const Located probabilities = at.child("probabilities");
  if (!ctx.reader.expect_sequence(probabilities, "probabilities")) return;
  if (!ctx.within_limit(probabilities, detail::kMaxLevels, "probabilities")) return;
  double sum = 0.0;
  for (std::size_t i = 0; i < probabilities.node.size(); ++i) {
    const Located p = probabilities.element(i);
    if (auto v = ctx.reader.number(p, "a probability in [0, 1]")) {
      if (*v < 0.0 || *v > 1.0) ctx.reader.error(p, "expected a probability in [0, 1], got " + excerpt(p.node.Scalar()));
      c.probabilities.push_back(*v);
      sum += *v;
    }
  }
  if (c.probabilities.size() != probabilities.node.size()) return;
  if (!c.levels.empty() && c.probabilities.size() != c.levels.size()) {
    ctx.reader.error(probabilities, "expected " + std::to_string(c.levels.size()) +
                                        " probabilities, one per level, got " +
                                        std::to_string(c.probabilities.size()));
  } else if (std::fabs(sum - 1.0) > 1e-9) {
    std::ostringstream message;
    message << "expected probabilities summing to 1, got a sum of " << sum;
    ctx.reader.error(probabilities, message.str());
  }
}

bool read_covariate(ReadContext& ctx, const Located& at, Covariate& c) {
  static const std::vector<std::string> kDistributions = {
      "normal", "truncated_normal", "lognormal", "uniform", "bernoulli", "categorical"};
  if (!at.node.IsMap()) {
    ctx.reader.error(at, "expected a mapping with 'distribution' and its parameters, got " +
                             detail::describe_node(at.node));
    return false;
  }
  if (!Reader::has(at, "distribution")) {
    ctx.reader.missing(at, "distribution", join_alternatives(kDistributions));
    return false;
  }
  const Located d = at.child("distribution");
  const auto name = ctx.reader.string(d, join_alternatives(kDistributions));
  if (!name) return false;
  const std::size_t errors_before = ctx.diagnostics.size();
  const auto num = [&](const std::string& key, bool required, double min, bool exclusive,
                       const std::string& expected, double& out) {
    if (auto v = ctx.reader.number_in(at, key, required, min, kInf, exclusive, expected)) out = *v;
  };
  if (*name == "normal") {
    c.distribution = Distribution::kNormal;
    ctx.reader.expect_mapping(at, {"distribution", "unit", "mean", "sd"});
    num("mean", true, -kInf, false, "a number", c.mean);
    num("sd", true, 0.0, true, "a standard deviation > 0", c.sd);
  } else if (*name == "truncated_normal") {
    c.distribution = Distribution::kTruncatedNormal;
    ctx.reader.expect_mapping(at, {"distribution", "unit", "mean", "sd", "lower", "upper"});
    num("mean", true, -kInf, false, "a number", c.mean);
    num("sd", true, 0.0, true, "a standard deviation > 0", c.sd);
    num("lower", false, -kInf, false, "a lower bound", c.lower);
    num("upper", false, -kInf, false, "an upper bound", c.upper);
    if (!Reader::has(at, "lower") && !Reader::has(at, "upper")) {
      ctx.reader.error(at, "a truncated_normal needs 'lower', 'upper' or both");
    } else if (!(c.lower < c.upper)) {
      ctx.reader.error(at.child("upper"), "expected upper > lower");
    }
  } else if (*name == "lognormal") {
    c.distribution = Distribution::kLognormal;
    ctx.reader.expect_mapping(at, {"distribution", "unit", "meanlog", "sdlog"});
    num("meanlog", true, -kInf, false, "the mean of log(x)", c.meanlog);
    num("sdlog", true, 0.0, true, "the standard deviation of log(x), > 0", c.sdlog);
  } else if (*name == "uniform") {
    c.distribution = Distribution::kUniform;
    ctx.reader.expect_mapping(at, {"distribution", "unit", "min", "max"});
    num("min", true, -kInf, false, "a number", c.min);
    num("max", true, -kInf, false, "a number", c.max);
    if (Reader::has(at, "min") && Reader::has(at, "max") && !(c.min < c.max)) {
      ctx.reader.error(at.child("max"), "expected max > min");
    }
  } else if (*name == "bernoulli") {
    c.distribution = Distribution::kBernoulli;
    ctx.reader.expect_mapping(at, {"distribution", "unit", "p"});
    if (auto v = ctx.reader.number_in(at, "p", true, 0.0, 1.0, false, "a probability in [0, 1]")) {
      // A patient is 1 when a latent normal exceeds its (1 - p) quantile. Below 1e-15,
      // 1 - p rounds to 1 (from about 5.6e-17, which has no quantile) or the p drawn is
      // off by more than 0.1%.
      if (*v != 0.0 && *v < kSmallestBernoulliP) {
        ctx.reader.error(at.child("p"), "expected p = 0 or p in [1e-15, 1], got " + format_number(*v) +
                                            ": a smaller probability is not representable in the latent "
                                            "normal draw (use 0)");
      } else {
        c.p = *v;
      }
    }
  } else if (*name == "categorical") {
    c.distribution = Distribution::kCategorical;
    ctx.reader.expect_mapping(at, {"distribution", "unit", "levels", "probabilities"});
    read_categorical(ctx, at, c);
  } else {
    const std::string suggestion = ctx.reader.suggest(*name, kDistributions);
    ctx.reader.error(d, "unknown distribution '" + excerpt(*name) + "'" +
                            (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?") +
                            " (expected " + join_alternatives(kDistributions) + ")");
    return false;
  }
  if (Reader::has(at, "unit")) {
    if (auto v = ctx.reader.string(at.child("unit"), "a unit label")) c.unit = *v;
  }
  return ctx.diagnostics.size() == errors_before;
}

void read_correlation(ReadContext& ctx, const Located& at, CohortSpec& cohort, bool covariates_ok) {
  const std::size_t p = cohort.covariates.size();
  // Without a correlation both stay empty, meaning the identity (spec.hpp).
  cohort.correlation.resize(0, 0);
  cohort.correlation_cholesky.resize(0, 0);
  if (!Reader::has(at, "correlation")) return;
  const Located corr = at.child("correlation");
  if (!ctx.reader.expect_mapping(corr, {"variables", "matrix"})) return;
  if (!Reader::has(corr, "variables")) ctx.reader.missing(corr, "variables", "a list of covariate names");
  if (!Reader::has(corr, "matrix")) ctx.reader.missing(corr, "matrix", "a list of matrix rows");
  if (!Reader::has(corr, "variables") || !Reader::has(corr, "matrix")) return;

  const Located variables = corr.child("variables");
  std::vector<std::size_t> index;
  if (!ctx.reader.expect_sequence(variables, "covariate names")) return;
  // A k x k matrix is checked by an eigendecomposition, O(k^3).
  if (!ctx.within_limit(variables, detail::kMaxCorrelationVariables, "correlated covariates")) return;
  const auto names = cohort.covariate_names();
  const auto positions = index_of_names(names);
  std::set<std::size_t> listed;
  bool names_ok = true;
  for (std::size_t i = 0; i < variables.node.size(); ++i) {
    const Located v = variables.element(i);
    const auto name = ctx.reader.string(v, "a covariate name");
    if (!name) { names_ok = false; continue; }
    const auto found = positions.find(*name);
    if (found == positions.end()) {
      names_ok = false;
      if (!covariates_ok) continue;  // the covariate's own error was already reported
      const std::string suggestion = ctx.reader.suggest(*name, names);
      ctx.reader.error(v, "unknown covariate '" + *name + "'" +
                              (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
      continue;
    }
    const std::size_t k = found->second;
    if (!listed.insert(k).second) {
      ctx.reader.error(v, "covariate '" + *name + "' listed twice");
      names_ok = false;
    }
    index.push_back(k);
  }

  const Located matrix = corr.child("matrix");
  if (!ctx.reader.expect_sequence(matrix, "matrix rows")) return;
  const std::size_t k = variables.node.size();
  if (matrix.node.size() != k) {
    ctx.reader.error(matrix, "expected " + std::to_string(k) + " rows (one per variable), got " +
                                 std::to_string(matrix.node.size()));
    return;
  }
  Eigen::MatrixXd m(k, k);
  bool entries_ok = true;
  for (std::size_t i = 0; i < k; ++i) {
    const Located row = matrix.element(i);
    if (!row.node.IsSequence() || row.node.size() != k) {
      ctx.reader.error(row, "expected a row of " + std::to_string(k) + " numbers");
      entries_ok = false;
      continue;
    }
    for (std::size_t j = 0; j < k; ++j) {
      const Located cell = row.element(j);
      const auto v = ctx.reader.number(cell, "a correlation in [-1, 1]");
      if (!v) { entries_ok = false; continue; }
      if (i == j && *v != 1.0) {
        ctx.reader.error(cell, "diagonal entries of a correlation matrix must be 1");
        entries_ok = false;
      } else if (*v < -1.0 || *v > 1.0) {
        ctx.reader.error(cell, "expected a correlation in [-1, 1], got " + excerpt(cell.node.Scalar()));
        entries_ok = false;
      }
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *v;
    }
  }
  if (!entries_ok) return;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (m(i, j) != m(j, i)) {
        ctx.reader.error(matrix.element(i).element(j),
                         "correlation matrix is not symmetric: entry (" + std::to_string(i + 1) +
                             "," + std::to_string(j + 1) + ") differs from (" +
                             std::to_string(j + 1) + "," + std::to_string(i + 1) + ")");
        return;
      }
    }
  }
  // Positive definite, with a margin: a singular matrix would let rounding decide.
  const double smallest = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m).eigenvalues().minCoeff();
  if (!(smallest > 1e-10)) {
    std::ostringstream message;
    message << "correlation matrix is not positive definite (smallest eigenvalue " << smallest
            << "); the Gaussian copula needs a valid correlation matrix";
    ctx.reader.error(matrix, message.str());
    return;
  }
  if (!names_ok) return;
  cohort.correlation = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      cohort.correlation(static_cast<Eigen::Index>(index[i]), static_cast<Eigen::Index>(index[j])) =
          m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    }
  }
  Eigen::LLT<Eigen::MatrixXd> llt(cohort.correlation);
  cohort.correlation_cholesky = llt.matrixL();
}

void read_criteria(ReadContext& ctx, const Located& at, CohortSpec& cohort) {
  if (!Reader::has(at, "criteria")) return;
  const Located criteria = at.child("criteria");
  if (!ctx.reader.expect_sequence(criteria, "criteria such as \"age >= 18\"")) return;
  if (!ctx.within_limit(criteria, detail::kMaxCriteria, "criteria")) return;
  const auto positions = index_of_names(cohort.covariate_names());
  for (std::size_t i = 0; i < criteria.node.size(); ++i) {
    const Located item = criteria.element(i);
    const auto text = ctx.reader.string(item, "a criterion such as \"age >= 18\"");
    if (!text) continue;
    std::string problem;
    if (auto criterion = detail::parse_criterion(*text, cohort.covariates, positions, problem)) {
      cohort.criteria.push_back(*criterion);
    } else {
      ctx.reader.error(item, problem);
    }
  }
}

bool read_cohort_body(ReadContext& ctx, const Located& at, CohortSpec& cohort) {
  const std::size_t errors_before = ctx.diagnostics.size();
  if (Reader::has(at, "max_screening_attempts")) read_attempts(ctx, at, cohort);
  if (!Reader::has(at, "covariates")) {
    ctx.reader.missing(at, "covariates", "a mapping from covariate name to its distribution");
    return false;
  }
  const Located covariates = at.child("covariates");
  if (!ctx.reader.expect_mapping(covariates, {})) return false;
  if (!ctx.within_limit(covariates, detail::kMaxCovariates, "covariates")) return false;
  for (const auto& [name, node] : ctx.reader.members(covariates)) {
    if (!is_identifier(name)) {
      ctx.reader.error(node.at_key(), "covariate names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)");
      continue;
    }
    Covariate covariate;
    covariate.name = name;
    if (read_covariate(ctx, node, covariate)) cohort.covariates.push_back(std::move(covariate));
  }
  if (cohort.covariates.empty() && ctx.diagnostics.size() == errors_before) {
    ctx.reader.error(covariates, "expected at least one covariate");
  }
  const bool covariates_ok = ctx.diagnostics.size() == errors_before;
  read_correlation(ctx, at, cohort, covariates_ok);
  if (covariates_ok) read_criteria(ctx, at, cohort);
  return ctx.diagnostics.size() == errors_before;
}

}  // namespace

bool read_cohort_section(ReadContext& ctx, const Located& top, CohortSpec& cohort) {
  cohort.source_file = ctx.file;
  if (!Reader::has(top, "cohort")) {
    ctx.reader.missing(top, "cohort", "covariates inline or include: cohorts/<file>.yaml");
    return false;
  }
  const Located at = top.child("cohort");
  if (!ctx.reader.expect_mapping(at, {"include", "covariates", "correlation", "criteria",
                                      "max_screening_attempts"})) {
    return false;
  }
  if (!Reader::has(at, "include")) return read_cohort_body(ctx, at, cohort);

  for (const char* key : {"covariates", "correlation", "criteria"}) {
    if (Reader::has(at, key)) {
      ctx.reader.error(at.child(key), std::string("a cohort is either included or written inline; '") +
                                          key + "' cannot stand beside 'include'");
      return false;
    }
  }
  const Located include = at.child("include");
  const auto relative = ctx.reader.string(include, "a path to a cohort file");
  if (!relative) return false;
  std::string text;
  std::optional<std::string> path;
  if (ctx.files.use_stored) {
    const auto stored = ctx.files.included_files.find(*relative);
    if (stored == ctx.files.included_files.end()) {
      ctx.reader.error(include, "cohort file '" + *relative + "' is not among the files stored with the spec");
      return false;
    }
    path = *relative;
    text = stored->second;
  } else {
    path = ctx.read_included(include, *relative, "cohort file", text);
    if (!path) return false;
  }
  ctx.included[*relative] = text;
  const std::size_t errors_before = ctx.diagnostics.size();
  const YAML::Node root = load_yaml(text, *path, ctx.diagnostics);
  if (ctx.diagnostics.size() > errors_before) return false;
  const Located included{root, *path, "", std::nullopt};
  if (!ctx.reader.expect_mapping(included, {"description", "covariates", "correlation", "criteria",
                                            "max_screening_attempts"})) {
    return false;
  }
  if (Reader::has(included, "description")) {
    ctx.reader.string(included.child("description"), "a free-text description");
  }
  cohort.source_file = *path;
  cohort.source_text = text;
  const bool ok = read_cohort_body(ctx, included, cohort);
  // Screening attempts may be tuned per trial even for a shared cohort.
  if (Reader::has(at, "max_screening_attempts")) read_attempts(ctx, at, cohort);
  return ok;
}

}  // namespace silico::spec::detail
