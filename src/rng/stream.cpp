#include "rng/stream.hpp"

#include <Random123/philox.h>

#include <stdexcept>

#include "rng/transforms.hpp"

namespace silico::rng {

namespace {
constexpr std::uint64_t kSubstreamLimit = std::uint64_t{1} << 48;
}

Stream::Stream(const StreamKey& key) {
  if (key.substream >= kSubstreamLimit) throw std::out_of_range("rng substream must be < 2^48");
  key_ = {key.seed, key.replicate};
  counter_ = {key.patient, (static_cast<std::uint64_t>(key.purpose) << 48) | key.substream, 0, 0};
}

void Stream::refill() {
  using Philox = r123::Philox4x64;
  const Philox::ctr_type ctr = {{counter_[0], counter_[1], counter_[2], counter_[3]}};
  const Philox::key_type key = {{key_[0], key_[1]}};
  const Philox::ctr_type out = Philox()(ctr, key);
  for (unsigned i = 0; i < 4; ++i) buffer_[i] = out.v[i];
  ++counter_[2];
  next_ = 0;
}

std::uint64_t Stream::next_u64() {
  if (next_ == 4) refill();
  return buffer_[next_++];
}

double Stream::uniform() { return uniform_open(next_u64()); }

double Stream::normal() { return normal_quantile(uniform()); }

}  // namespace silico::rng
