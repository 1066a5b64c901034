#pragma once
/// @file
/// @brief Data cuts in calendar time (spec::DataCut): finding when a replicate's cut falls,
/// and what a patient's observed outcome looks like at it. Used by the analysis of a
/// time-to-event endpoint; pure (survival buffers only).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "spec/spec.hpp"
#include "stats/survival_source.hpp"

namespace silico::sim {

/// A patient's observed time-to-event outcome as known at a calendar cut.
struct OutcomeAtCut {
  double time = 0.0;
  std::int8_t event = 0;
};

/// The outcome (time from entry, event) of a patient who entered at `entry`, as known at
/// calendar time `cut`; none when the patient entered after it (entry > cut). An
/// outcome is known when its calendar time entry + time is at most the cut; otherwise the
/// patient is censored at min(time, cut - entry), still followed at the cut. Deciding by
/// entry + time, the sum the cut itself is found from, keeps the event that sets an events
/// cut in the data however cut - entry rounds.
inline std::optional<OutcomeAtCut> outcome_at_cut(double entry, double time, std::int8_t event, double cut) {
  if (!(entry <= cut)) return std::nullopt;
  if (entry + time <= cut) return OutcomeAtCut{time, event};
  const double followed = cut - entry;
  return OutcomeAtCut{time < followed ? time : followed, 0};
}

/// The calendar times of a replicate's observed events that its cut counts (per arm, or
/// over every arm), and its entry times' range, gathered patient by patient; then the
/// calendar time of the cut.
class CutClock {
 public:
  using BufferFactory = std::function<std::unique_ptr<stats::SurvivalBuffer>(std::size_t covariates)>;
  CutClock(const spec::DataCut& cut, const BufferFactory& buffers);

  /// One valid patient, in patient order: entered at `entry` into `arm`, observed (time, event).
  void add(std::uint64_t row, std::size_t arm, double entry, double time, std::int8_t event);
  void finish();

  /// Calendar time of the cut; NaN when it never happens (too few events).
  double cut_time() const { return at(cut_); }
  /// Earliest and latest entry seen (0 and 0 before any patient).
  double first_entry() const { return seen_ ? first_entry_ : 0.0; }
  double last_entry() const { return seen_ ? last_entry_ : 0.0; }

 private:
  void add_buffers(const spec::DataCut& cut, const BufferFactory& buffers);
  double at(const spec::DataCut& cut) const;

  spec::DataCut cut_;
  std::map<int, std::unique_ptr<stats::SurvivalBuffer>> events_;  ///< by arm; -1: every arm
  bool seen_ = false;
  double first_entry_ = 0.0, last_entry_ = 0.0;
};

/// Observed events of `rows` with time at most `cut` (one forward walk).
std::uint64_t events_by(const stats::SurvivalSource& rows, double cut);

}  // namespace silico::sim
