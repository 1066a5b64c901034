#pragma once
// Shared by the survival unit tests: Rows, survival rows with a group and a stratum for an
// InMemorySurvival, and the NCCTG lung data of R's survival package in them, on which
// their references were computed in R.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "stats/estimates.hpp"
#include "stats/survival_source.hpp"

namespace silico::stats {

/// NCCTG lung cancer data (Loprinzi et al. 1994, J Clin Oncol 12:601-607), as R's
/// survival::lung: time (days), status - 1 (1 death), sex - 1 (0 male, 1 female), ph.ecog
/// (-1 where R has NA), in R's row order. silico's cohorts/ncctg_lung_outcomes.csv has
/// the same outcomes; sex and ph.ecog are taken from the R data set.
struct LungRow {
  double time;
  int status;
  int female;
  int ecog;
};
inline constexpr LungRow kLung[] = {
    {306, 1, 0, 1}, {455, 1, 0, 0}, {1010, 0, 0, 0}, {210, 1, 0, 1}, {883, 1, 0, 0}, {1022, 0, 0, 1},
    {310, 1, 1, 2}, {361, 1, 1, 2}, {218, 1, 0, 1}, {166, 1, 0, 2}, {170, 1, 0, 1}, {654, 1, 1, 2},
    {728, 1, 1, 1}, {71, 1, 0, -1}, {567, 1, 0, 1}, {144, 1, 0, 1}, {613, 1, 0, 1}, {707, 1, 0, 2},
    {61, 1, 1, 2}, {88, 1, 0, 1}, {301, 1, 0, 1}, {81, 1, 1, 0}, {624, 1, 0, 1}, {371, 1, 0, 0},
    {394, 1, 0, 0}, {520, 1, 1, 1}, {574, 1, 0, 0}, {118, 1, 0, 3}, {390, 1, 0, 1}, {12, 1, 0, 2},
    {473, 1, 1, 1}, {26, 1, 0, 2}, {533, 1, 0, 2}, {107, 1, 1, 2}, {53, 1, 0, 2}, {122, 1, 1, 2},
    {814, 1, 0, 2}, {965, 0, 1, 1}, {93, 1, 0, 2}, {731, 1, 1, 1}, {460, 1, 0, 1}, {153, 1, 1, 2},
    {433, 1, 1, 0}, {145, 1, 1, 2}, {583, 1, 0, 1}, {95, 1, 1, 2}, {303, 1, 0, 0}, {519, 1, 0, 1},
    {643, 1, 0, 0}, {765, 1, 1, 1}, {735, 1, 1, 1}, {189, 1, 0, 0}, {53, 1, 0, 0}, {246, 1, 0, 0},
    {689, 1, 0, 1}, {65, 1, 0, 0}, {5, 1, 1, 0}, {132, 1, 0, 2}, {687, 1, 1, 1}, {345, 1, 1, 1},
    {444, 1, 1, 2}, {223, 1, 0, 1}, {175, 1, 0, 1}, {60, 1, 1, 1}, {163, 1, 0, 1}, {65, 1, 0, 2},
    {208, 1, 1, 2}, {821, 0, 1, 0}, {428, 1, 0, 0}, {230, 1, 0, 1}, {840, 0, 0, 0}, {305, 1, 1, 1},
    {11, 1, 0, 2}, {132, 1, 0, 1}, {226, 1, 1, 1}, {426, 1, 1, 1}, {705, 1, 1, 0}, {363, 1, 1, 1},
    {11, 1, 0, 0}, {176, 1, 0, 0}, {791, 1, 0, 0}, {95, 1, 0, 1}, {196, 0, 0, 1}, {167, 1, 1, 1},
    {806, 0, 0, 1}, {284, 1, 0, 1}, {641, 1, 1, 1}, {147, 1, 0, 0}, {740, 0, 1, 1}, {163, 1, 0, 2},
    {655, 1, 0, 0}, {239, 1, 0, 1}, {88, 1, 0, 1}, {245, 1, 1, 1}, {588, 0, 1, 0}, {30, 1, 0, 2},
    {179, 1, 0, 1}, {310, 1, 0, 1}, {477, 1, 0, 1}, {166, 1, 1, 0}, {559, 0, 1, 0}, {450, 1, 1, 1},
    {364, 1, 0, 1}, {107, 1, 0, 1}, {177, 1, 0, 2}, {156, 1, 0, 1}, {529, 0, 1, 1}, {11, 1, 0, 1},
    {429, 1, 0, 1}, {351, 1, 1, 2}, {15, 1, 0, 0}, {181, 1, 0, 1}, {283, 1, 0, 1}, {201, 1, 1, 0},
    {524, 1, 1, 1}, {13, 1, 0, 2}, {212, 1, 0, 2}, {524, 1, 0, 2}, {288, 1, 0, 2}, {363, 1, 0, 1},
    {442, 1, 0, 0}, {199, 1, 1, 2}, {550, 1, 1, 1}, {54, 1, 0, 2}, {558, 1, 0, 0}, {207, 1, 0, 1},
    {92, 1, 0, 1}, {60, 1, 0, 1}, {551, 0, 1, 2}, {543, 0, 1, 0}, {293, 1, 1, 1}, {202, 1, 0, 1},
    {353, 1, 0, 0}, {511, 0, 1, 1}, {267, 1, 0, 0}, {511, 0, 1, 2}, {371, 1, 1, 1}, {387, 1, 0, 2},
    {457, 1, 0, 1}, {337, 1, 0, 0}, {201, 1, 1, 2}, {404, 0, 0, 1}, {222, 1, 0, 2}, {62, 1, 1, 1},
    {458, 0, 0, 1}, {356, 0, 1, 1}, {353, 1, 0, 0}, {163, 1, 0, 1}, {31, 1, 0, 0}, {340, 1, 1, 0},
    {229, 1, 0, 1}, {444, 0, 0, 0}, {315, 0, 1, 0}, {182, 1, 1, 1}, {156, 1, 0, 2}, {329, 1, 0, 2},
    {364, 0, 1, 1}, {291, 1, 0, 2}, {179, 1, 0, 1}, {376, 0, 1, 1}, {384, 0, 1, 0}, {268, 1, 1, 1},
    {292, 0, 0, 2}, {142, 1, 0, 1}, {413, 0, 0, 1}, {266, 0, 1, 0}, {194, 1, 1, 1}, {320, 1, 0, 0},
    {181, 1, 0, 1}, {285, 1, 0, 0}, {301, 0, 0, 1}, {348, 1, 1, 0}, {197, 1, 0, 1}, {382, 0, 1, 0},
    {303, 0, 0, 1}, {296, 0, 1, 1}, {180, 1, 0, 2}, {186, 1, 1, 1}, {145, 1, 1, 1}, {269, 0, 1, 0},
    {300, 0, 0, 0}, {284, 0, 0, 0}, {350, 1, 1, 0}, {272, 0, 1, 1}, {292, 0, 1, 0}, {332, 0, 1, 0},
    {285, 1, 1, 2}, {259, 0, 0, 0}, {110, 1, 0, 1}, {286, 1, 0, 0}, {270, 1, 0, 1}, {81, 1, 0, 2},
    {131, 1, 0, 1}, {225, 0, 0, 1}, {269, 1, 0, 1}, {225, 0, 0, 0}, {243, 0, 1, 1}, {279, 0, 0, 1},
    {276, 0, 1, 0}, {135, 1, 0, 1}, {79, 1, 1, 1}, {59, 1, 0, 1}, {240, 0, 1, 0}, {202, 0, 1, 0},
    {235, 0, 1, 0}, {105, 1, 0, 2}, {224, 0, 1, 0}, {239, 1, 1, 2}, {237, 0, 0, 1}, {173, 0, 1, 1},
    {252, 0, 1, 0}, {221, 0, 0, 1}, {185, 0, 0, 1}, {92, 0, 1, 2}, {13, 1, 0, 1}, {222, 0, 0, 1},
    {192, 0, 1, 1}, {183, 1, 0, 2}, {211, 0, 1, 2}, {175, 0, 1, 0}, {197, 0, 0, 1}, {203, 0, 1, 1},
    {116, 1, 0, 1}, {188, 0, 0, 1}, {191, 0, 0, 0}, {105, 0, 1, 2}, {174, 0, 0, 1}, {177, 0, 1, 1},
};

/// Rows of a trial: time, event, group (0, 1 or 2 = neither), stratum.
struct Rows {
  std::vector<double> time;
  std::vector<std::int8_t> event;
  std::vector<std::int8_t> group;
  std::vector<std::int32_t> stratum;

  void add(double t, int e, int g, int s = 0) {
    time.push_back(t);
    event.push_back(static_cast<std::int8_t>(e));
    group.push_back(static_cast<std::int8_t>(g));
    stratum.push_back(s);
  }
  InMemorySurvival source() const { return InMemorySurvival(time, event, 0, {}, stratum, group); }
  /// The rows of group g as the analysis at `cut` sees them.
  SurvivalData cut_data(int g, double cut) const {
    SurvivalData d;
    for (std::size_t i = 0; i < time.size(); ++i) {
      if (group[i] != g) continue;
      d.time.push_back(std::min(time[i], cut));
      d.event.push_back(time[i] > cut ? std::int8_t{0} : event[i]);
    }
    return d;
  }
};

/// Group 1 = female (sex == 2 in R), as survdiff(~ sex) reports sex = 2 second. With
/// `by_ecog`, stratified by ph.ecog; the row with ph.ecog NA is then put in group 2
/// (neither group), which drops it as R drops it.
inline Rows lung(bool by_ecog = false) {
  Rows r;
  for (const LungRow& x : kLung) {
    const bool missing = by_ecog && x.ecog < 0;
    r.add(x.time, x.status, missing ? 2 : x.female, by_ecog && !missing ? x.ecog : 0);
  }
  return r;
}

}  // namespace silico::stats
