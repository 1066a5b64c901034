#include "sim/calendar.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "rng/stream.hpp"

namespace silico::sim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

double cumulative_rate(std::span<const spec::RatePiece> pieces, double t) {
  double h = 0.0, start = 0.0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const bool last = k + 1 == pieces.size();
    const double end = last ? kInf : start + pieces[k].duration;
    if (t <= end) return h + pieces[k].rate * (t - start);
    h += pieces[k].rate * pieces[k].duration;
    start = end;
  }
  return h;
}

double inverse_cumulative_rate(std::span<const spec::RatePiece> pieces, double h) {
  double reached = 0.0, start = 0.0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const bool last = k + 1 == pieces.size();
    const double rate = pieces[k].rate;
    if (last) return rate > 0.0 ? start + (h - reached) / rate : kInf;
    const double area = rate * pieces[k].duration;
    if (rate > 0.0 && h <= reached + area) return start + (h - reached) / rate;
    reached += area;
    start += pieces[k].duration;
  }
  return kInf;
}

double gamma_variate(double shape, std::uint64_t seed, std::uint64_t replicate, std::uint64_t chunk) {
  rng::Stream stream({seed, replicate, chunk, rng::Purpose::kAccrual, 1});
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = stream.normal();
    const double v0 = 1.0 + c * x;
    if (v0 <= 0.0) continue;
    const double v = v0 * v0 * v0;
    const double u = stream.uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

AccrualSchedule::AccrualSchedule(const spec::Accrual& accrual, std::uint64_t patients, std::uint64_t seed)
    : accrual_(accrual), patients_(patients), seed_(seed) {}

double AccrualSchedule::map(double s) const {
  if (accrual_.kind == spec::Accrual::Kind::kRates) return inverse_cumulative_rate(accrual_.rates, s);
  // Intensity t / R on [0, R), 1 after: cumulative F(t) = t^2 / (2R), then R/2 + (t - R).
  const double ramp = accrual_.ramp_up;
  const double v = s * (accrual_.duration - 0.5 * ramp);
  const double t = ramp > 0.0 && v < 0.5 * ramp ? std::sqrt(2.0 * ramp * v) : v + 0.5 * ramp;
  return std::min(t, accrual_.duration);
}

std::shared_ptr<const AccrualSchedule::ChunkTotals> AccrualSchedule::totals(std::uint64_t replicate) const {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [r, t] : cache_) {
      if (r == replicate) return t;
    }
  }
  auto t = std::make_shared<ChunkTotals>();
  const std::uint64_t chunks = (patients_ + kAccrualChunk - 1) / kAccrualChunk;
  t->before.assign(chunks + 1, 0.0);
  t->total.resize(chunks);
  for (std::uint64_t c = 0; c < chunks; ++c) {
    const std::uint64_t size = std::min(kAccrualChunk, patients_ - c * kAccrualChunk);
    t->total[c] = gamma_variate(static_cast<double>(size), seed_, replicate, c);
    t->before[c + 1] = t->before[c] + t->total[c];
  }
  if (accrual_.kind == spec::Accrual::Kind::kDuration) {
    // The (N+1)-th arrival closes the interval: entries are S_k / S_(N+1).
    rng::Stream stream({seed_, replicate, patients_, rng::Purpose::kAccrual, 0});
    t->scale = 1.0 / (t->before[chunks] - std::log(stream.uniform()));
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  cache_.emplace_back(replicate, t);
  if (cache_.size() > 4) cache_.pop_front();
  return t;
}

void AccrualSchedule::entry_times(std::uint64_t replicate, std::uint64_t first, std::span<double> out) const {
  if (out.empty()) return;
  const auto chunk_size = [&](std::uint64_t c) { return std::min(kAccrualChunk, patients_ - c * kAccrualChunk); };
  const auto gap = [&](std::uint64_t patient) {
    rng::Stream stream({seed_, replicate, patient, rng::Purpose::kAccrual, 0});
    return -std::log(stream.uniform());
  };
  const auto chunks = totals(replicate);
  const std::uint64_t last = first + out.size() - 1;
  std::vector<double> gaps(kAccrualChunk);
  std::uint64_t patient = first;
  while (patient <= last) {
    const std::uint64_t c = patient / kAccrualChunk;
    const std::uint64_t begin = c * kAccrualChunk, end = begin + chunk_size(c);
    // The chunk's own gaps: their sum, and the partial sums up to each patient.
    double chunk_sum = 0.0, partial = 0.0;
    for (std::uint64_t j = begin; j < end; ++j) chunk_sum += gaps[j - begin] = gap(j);
    for (std::uint64_t j = begin; j < end && j <= last; ++j) {
      partial += gaps[j - begin];
      if (j < first) continue;
      // The chunk's last patient lands exactly on the chunk's total.
      const double share = j + 1 == end ? 1.0 : partial / chunk_sum;
      out[j - first] = map((chunks->before[c] + chunks->total[c] * share) * chunks->scale);
      patient = j + 1;
    }
  }
}

double dropout_time(std::span<const spec::RatePiece> pieces, std::uint64_t seed, std::uint64_t replicate,
                    std::uint64_t patient) {
  if (pieces.empty()) return kInf;
  rng::Stream stream({seed, replicate, patient, rng::Purpose::kTrialDropout, 0});
  return inverse_cumulative_rate(pieces, -std::log(stream.uniform()));
}

}  // namespace silico::sim
