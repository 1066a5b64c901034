#include "sim/data_cut.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "stats/survival_sweep.hpp"

namespace silico::sim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int arm_key(const spec::DataCut& cut) { return cut.events_arm ? static_cast<int>(*cut.events_arm) : -1; }
}  // namespace

CutClock::CutClock(const spec::DataCut& cut, const BufferFactory& buffers) : cut_(cut) { add_buffers(cut, buffers); }

void CutClock::add_buffers(const spec::DataCut& cut, const BufferFactory& buffers) {
  if (cut.kind == spec::DataCut::Kind::kEvents && !events_.count(arm_key(cut))) events_[arm_key(cut)] = buffers(0);
  for (const auto& c : cut.either) add_buffers(c, buffers);
}

void CutClock::add(std::uint64_t row, std::size_t arm, double entry, double time, std::int8_t event) {
  first_entry_ = seen_ ? std::min(first_entry_, entry) : entry;
  last_entry_ = seen_ ? std::max(last_entry_, entry) : entry;
  seen_ = true;
  if (event == 0) return;
  for (auto& [key, buffer] : events_) {
    if (key < 0 || static_cast<std::size_t>(key) == arm) buffer->push({entry + time, row, 0, 1, 0, {}});
  }
}

void CutClock::finish() {
  for (auto& [key, buffer] : events_) buffer->finish();
}

double CutClock::at(const spec::DataCut& cut) const {
  using Kind = spec::DataCut::Kind;
  switch (cut.kind) {
    case Kind::kNone: return kNaN;
    case Kind::kEvents: return stats::kth_event_time(*events_.at(arm_key(cut)), cut.events);
    case Kind::kTime: return cut.time;
    case Kind::kAfterLastPatient: return last_entry() + cut.time;
    case Kind::kFirst:
    case Kind::kLast: {
      const double a = at(cut.either.at(0)), b = at(cut.either.at(1));
      // A cut that never happens: the first is the other one, the last never happens.
      if (cut.kind == Kind::kFirst) return std::isnan(a) ? b : std::isnan(b) ? a : std::min(a, b);
      return std::isnan(a) || std::isnan(b) ? kNaN : std::max(a, b);
    }
  }
  return kNaN;
}

std::uint64_t events_by(const stats::SurvivalSource& rows, double cut) {
  std::uint64_t n = 0;
  rows.forward([&](std::span<const stats::SurvivalRow> batch) {
    for (const auto& r : batch) n += r.event != 0 && r.time <= cut;
  });
  return n;
}

}  // namespace silico::sim
