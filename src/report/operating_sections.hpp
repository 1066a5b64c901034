#pragma once
/// @file
/// @brief Report sections of the operating characteristics over the replicates that
/// `silico summarize` computes: the group-sequential design of each endpoint's primary
/// method (group_sequential_section.cpp), analysis.multiplicity (multiplicity_section.cpp)
/// and the intercurrent-event strategies (strategy_section.cpp). Each returns HTML (tables
/// and an inline SVG chart), empty when the inputs have none.

#include <string>

#include "report/report.hpp"

namespace silico::report {

/// Per endpoint and treatment: the bounds on the Z, nominal-p and effect scales look by
/// look, the looks' mean events, patients and calendar time, and the cumulative crossing
/// probabilities simulated (with MCSE) next to the analytic ones under H0 and under the
/// simulated truth; a chart of the bounds on the Z scale by information fraction.
std::string group_sequential_section(const ReportInputs& in);

/// Per hypothesis: weight, true-null flag, power after the procedure and unadjusted (with
/// MCSE); any / all rejected and the familywise error rate.
std::string multiplicity_section(const ReportInputs& in);

/// Per intercurrent-event strategy of the endpoints (their estimands' intercurrent_events
/// attribute, when the model simulates events): each analysis's bias against its own
/// truth, CI coverage and power over the replicates (with MCSE), a table and a chart.
std::string intercurrent_event_section(const ReportInputs& in);

}  // namespace silico::report
