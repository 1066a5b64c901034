#pragma once
/// @file
/// @brief What the spec knows of an analysis method: its name, the endpoint types it
/// applies to, the endpoint keys it reads, and what else it needs. Each method states its
/// own schema in its file of sim/methods/ (SILICO_REGISTER_METHOD registers it with the
/// method), so the spec has no list of methods.
///
/// The schemas are registered at static initialisation by the method files: a program
/// that parses a spec must link silico_methods whole (silico_sim does), or it knows no
/// method at all.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "models/model.hpp"

namespace silico::spec {

/// A parameter of a method, set by the endpoint's analysis key named after the method
/// (`fh: {rho: 0, gamma: 1}`); read and checked by the spec, defaulted when not given
/// (unless `required`).
struct MethodParameter {
  enum class Kind {
    kNumber,         ///< one number in [min, max]
    kRhoGammaPairs,  ///< a list of 1 ... max_count [rho, gamma] pairs, each number in [min, max]
    kTime,           ///< one time in (0, trial.follow_up], in the time unit (min and max unused)
    kCount,          ///< one whole number in [min, max]
  };
  std::string key;
  Kind kind = Kind::kNumber;
  double min = 0.0;  ///< inclusive
  double max = 0.0;  ///< inclusive
  std::size_t max_count = 1;  ///< kRhoGammaPairs: most pairs
  /// The spec must set it (no default): a listed method without it is a located error.
  bool required = false;
  /// kNumber, kTime, kCount: the one value; kRhoGammaPairs: the pairs flattened, rho_1, gamma_1,
  /// rho_2, ...; empty when `required`.
  std::vector<double> default_value{};
  std::string description{};
};

struct MethodSchema {
  std::string name;  ///< as in the spec and the result files
  std::vector<models::OutputType> endpoint_types{};
  /// >= 0: among the default methods of its endpoint types, in this order.
  int default_order = -1;
  /// Endpoint keys it reads: covariates, strata, rmst_horizon (landmarks belong to the
  /// endpoint's Kaplan-Meier summaries, not to a method).
  std::vector<std::string> options{};
  bool has_test = true;  ///< gives a p-value (km_median does not)
  bool interim = false;  ///< may be the primary method of group_sequential looks
  /// Its interim looks compare the largest of its tests' Z statistics with bounds solved
  /// at each look from the tests' observed covariance (stats::MaxStatisticBounds): a test
  /// without an estimate (fh, maxcombo). Such looks are one-sided, their futility
  /// non-binding, and its tests (the pairs of a kRhoGammaPairs parameter, else one) times
  /// the looks at most 20.
  bool interim_max_statistic = false;
  /// A method that handles intercurrent event `intercurrent_event` by `strategy` (e.g.
  /// rpsft: switching, hypothetical): listed only on an endpoint whose estimand takes that
  /// strategy, and it reads the endpoint that records the event. Empty: none.
  std::string intercurrent_event{};
  std::string strategy{};
  /// Other events whose recording endpoints the method reads (e.g. the progression that
  /// makes a patient able to switch), each required in the spec like the event above.
  std::vector<std::string> reads_events{};
  enum class Needs { kNothing, kHistoricalCohort, kExternalControl };
  Needs needs = Needs::kNothing;
  /// Its parameters, set by the endpoint's key named after the method (none: no such key).
  std::vector<MethodParameter> parameters{};

  bool applies_to(models::OutputType type) const;
  bool reads(std::string_view option) const;
};

/// @throws std::logic_error when a schema of that name is registered already.
void register_method_schema(MethodSchema schema);
/// The schema of that name, nullptr when there is none.
const MethodSchema* find_method_schema(std::string_view name);
/// Every registered schema, sorted by name.
std::vector<const MethodSchema*> method_schemas();
/// The methods of an endpoint type: its default methods first (in their order), then the
/// others by name; the order in which messages list them.
std::vector<const MethodSchema*> method_schemas_for(models::OutputType type);

}  // namespace silico::spec
