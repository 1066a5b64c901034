#include "models/recist.hpp"

#include <algorithm>
#include <stdexcept>

namespace silico::models {

const char* to_string(Response response) {
  switch (response) {
    case Response::kCompleteResponse: return "CR";
    case Response::kPartialResponse: return "PR";
    case Response::kStableDisease: return "SD";
    case Response::kProgressiveDisease: return "PD";
  }
  return "";
}

namespace {
/// Ordering for "best": CR better than PR better than SD better than PD.
int rank(Response r) { return static_cast<int>(r); }
}  // namespace

RecistAssessment assess_recist(std::span<const double> sld_mm, double complete_threshold_mm) {
  if (sld_mm.empty()) throw std::invalid_argument("assess_recist: no baseline measurement");
  const double baseline = sld_mm[0];
  double nadir = baseline;
  RecistAssessment result;
  bool any_scan = false;
  for (std::size_t k = 1; k < sld_mm.size(); ++k) {
    const double sld = sld_mm[k];
    Response r;
    if (sld <= complete_threshold_mm) {
      r = Response::kCompleteResponse;
    } else if (sld >= 1.2 * nadir && sld - nadir >= 5.0) {
      r = Response::kProgressiveDisease;
    } else if (sld <= 0.7 * baseline) {
      r = Response::kPartialResponse;
    } else {
      r = Response::kStableDisease;
    }
    if (!any_scan || rank(r) < rank(result.best)) result.best = r;
    any_scan = true;
    if (r == Response::kProgressiveDisease) {
      result.progression_scan = k;
      break;
    }
    nadir = std::min(nadir, sld);
  }
  return result;
}

}  // namespace silico::models
