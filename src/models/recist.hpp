#pragma once
/// @file
/// @brief RECIST 1.1 response assessment on the sum of target-lesion diameters
/// (Eisenhauer et al., Eur J Cancer 2009;45:228-247), target lesions only.

#include <cstddef>
#include <optional>
#include <span>

namespace silico::models {

enum class Response { kCompleteResponse, kPartialResponse, kStableDisease, kProgressiveDisease };
const char* to_string(Response response);

struct RecistAssessment {
  /// Best overall response over the scans up to and including the first progression
  /// (without confirmation of CR/PR, as in randomized trials).
  Response best = Response::kStableDisease;
  /// Index into the scans (1 = first post-baseline scan) of the first progression.
  std::optional<std::size_t> progression_scan;
};

/// @param sld_mm sum of diameters at baseline (element 0) and at each scan after it.
/// @param complete_threshold_mm a sum at or below this counts as disappearance (CR).
/// Per scan: CR if the sum <= complete_threshold_mm; PD if it has grown >= 20 % above the
/// nadir (smallest sum so far, baseline included) and by >= 5 mm; PR if it is >= 30 %
/// below baseline; SD otherwise.
RecistAssessment assess_recist(std::span<const double> sld_mm, double complete_threshold_mm = 0.0);

}  // namespace silico::models
