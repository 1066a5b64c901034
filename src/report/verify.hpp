#pragma once
/// @file
/// @brief `silico verify`: the code-verification suite a user runs on their own machine.
///
/// Each case states what is checked, the expected value and where it comes from (a closed
/// form, a published result, a known-answer vector, a property of the method), the observed
/// value, the tolerance and whether it passed. The cases exercise the same code a trial run
/// does: the models through their spec and the simulator, the solvers through the models,
/// the estimators of the analyses, the counter-based streams, and the split of the work over
/// blocks and ranks. Pure: no MPI or HDF5.

#include <functional>
#include <string>
#include <vector>

namespace silico::report {

/// How `observed` is compared with `expected` and `tolerance`.
enum class Comparison {
  kAbsolute,  ///< |observed - expected| <= tolerance
  kRelative,  ///< |observed - expected| <= tolerance * |expected|
  kAtMost,    ///< observed <= tolerance (an error or a count; expected is the ideal, 0)
  kAtLeast,   ///< observed >= tolerance (a p-value of a statistical check)
};
const char* comparison_name(Comparison comparison);

struct VerificationCase {
  std::string id;        ///< stable identifier, e.g. "solver/dopri5_order"
  std::string area;      ///< models, solvers, estimators, rng or decomposition
  std::string check;     ///< what is checked, one sentence
  double expected = 0.0;
  std::string source;    ///< where the expected value comes from
  double observed = 0.0;
  double tolerance = 0.0;
  Comparison comparison = Comparison::kAbsolute;
  bool passed = false;
};

/// Sets `passed` from observed, expected, tolerance and comparison (false for NaN).
void judge(VerificationCase& c);

/// What of a trial run a case verifies, as "model:NAME", "method:NAME", "solver:NAME" or
/// "group_sequential" (the efficacy boundaries); empty for cases of the machinery every run
/// uses (streams, decomposition) and for estimators no method is (logistic regression).
/// By id, so it reads JSON of `silico verify -o` too.
std::vector<std::string> case_covers(const std::string& id);

/// Runs every case, in a fixed order; `progress` (if given) is called after each.
std::vector<VerificationCase> run_verification(
    const std::function<void(const VerificationCase&)>& progress = {});

/// The cases as a JSON document: {"silico_version", "git_commit", "cases": [...],
/// "passed", "failed"}. Numbers with 17 significant digits; NaN as null.
std::string verification_json(const std::vector<VerificationCase>& cases);

}  // namespace silico::report
