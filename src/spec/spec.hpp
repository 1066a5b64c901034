#pragma once
/// @file
/// @brief The trial spec: what a user writes in YAML, after validation.
/// docs/spec.md documents every key. Only spec/ sees yaml-cpp.

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "models/model.hpp"

namespace silico::spec {

enum class Distribution { kNormal, kTruncatedNormal, kLognormal, kUniform, kBernoulli, kCategorical };

/// One baseline covariate; which fields apply depends on the distribution.
struct Covariate {
  std::string name;
  std::string unit;  ///< free-text unit label, stored with the data; may be empty
  Distribution distribution = Distribution::kNormal;
  double mean = 0.0;  ///< normal, truncated_normal (of the normal before truncation)
  double sd = 1.0;    ///< normal, truncated_normal
  double lower = -std::numeric_limits<double>::infinity();  ///< truncated_normal
  double upper = std::numeric_limits<double>::infinity();   ///< truncated_normal
  double meanlog = 0.0;  ///< lognormal: mean of log(x)
  double sdlog = 1.0;    ///< lognormal: sd of log(x)
  double min = 0.0;      ///< uniform
  double max = 1.0;      ///< uniform
  double p = 0.5;        ///< bernoulli: P(x = 1)
  std::vector<std::string> levels;   ///< categorical; stored as level index 0..K-1
  std::vector<double> probabilities; ///< categorical, same order as levels

  bool is_categorical() const { return distribution == Distribution::kCategorical; }
};

enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

/// An inclusion criterion `covariate <op> value`; a patient is enrolled only if all hold.
/// For a categorical covariate the value is a level label, compared by level order.
struct Criterion {
  std::string text;
  std::size_t covariate = 0;
  Comparison op = Comparison::kGreaterEqual;
  double value = 0.0;

  bool holds(double x) const;
};

struct CohortSpec {
  std::string source_file;  ///< file the cohort was defined in (spec or included file)
  std::string source_text;  ///< that file's text when included, else empty
  std::vector<Covariate> covariates;
  /// Correlation of the Gaussian copula's latent normals, p x p (identity if not given).
  /// For normal covariates it is their Pearson correlation.
  Eigen::MatrixXd correlation;
  /// Lower Cholesky factor of `correlation` (checked positive definite).
  Eigen::MatrixXd correlation_cholesky;
  std::vector<Criterion> criteria;
  /// Candidates drawn for one patient before the run stops with an error: with acceptance
  /// rate a, a patient exhausts them with probability (1 - a)^max_screening_attempts.
  std::uint32_t max_screening_attempts = 10000;

  std::vector<std::string> covariate_names() const;
};

struct Arm {
  std::string name;
  std::uint32_t ratio = 1;  ///< allocation ratio
  bool control = false;
};

struct TrialSettings {
  std::string name;
  std::uint64_t seed = 0;
  std::uint64_t patients = 0;  ///< randomized patients per replicate, all arms
  std::uint64_t replicates = 1;
  std::string time_unit = "months";
  double follow_up = 0.0;  ///< end of follow-up (administrative censoring), time_unit
  std::uint32_t randomization_block = 0;  ///< permuted-block size; multiple of sum of ratios
};

struct EndpointSpec {
  std::string name;
  std::size_t output = 0;  ///< index into the model's outputs
  models::OutputType type = models::OutputType::kContinuous;
};

struct ModelSpec {
  std::string name;
  models::ParamValues parameters;
  std::shared_ptr<const models::Model> instance;
  const models::ModelFactory* factory = nullptr;
};

struct AnalysisSpec {
  double alpha = 0.05;  ///< two-sided level of tests and CIs
  double rmst_horizon = 0.0;  ///< tau for RMST; defaults to trial.follow_up
};

struct TrialSpec {
  std::string source_file;
  std::string source_text;
  int schema_version = 1;
  TrialSettings trial;
  CohortSpec cohort;
  std::vector<Arm> arms;
  std::size_t control_arm = 0;
  ModelSpec model;
  std::vector<EndpointSpec> endpoints;
  AnalysisSpec analysis;

  std::vector<std::string> arm_names() const;
};

/// Read and validate a spec file; throws SpecError listing every problem found,
/// or UserError if the file cannot be read.
TrialSpec load_spec(const std::string& path);

/// Same, from text; `file` names the text in messages and anchors relative includes.
TrialSpec parse_spec(const std::string& text, const std::string& file);

}  // namespace silico::spec
