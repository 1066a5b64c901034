#include "io/survival_spill.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace silico::io {

using stats::SurvivalRow;

namespace {

// Record layout, fixed width and unpadded: time f64, row u64, stratum i32, event i8,
// group i8, then the covariates as f64. Host byte order: the file never outlives the process.
constexpr std::size_t kTimeAt = 0;
constexpr std::size_t kRowAt = 8;
constexpr std::size_t kStratumAt = 16;
constexpr std::size_t kEventAt = 20;
constexpr std::size_t kGroupAt = 21;
constexpr std::size_t kCovariatesAt = 22;

constexpr std::size_t kWriteBufferBytes = 64 << 10;
constexpr std::size_t kMaxReadBufferBytes = 64 << 10;
// Below a page per run, reads become too small to be worth their system call.
constexpr std::size_t kMinReadBufferBytes = 4 << 10;
constexpr std::size_t kBatchRows = 4096;

void encode(const SurvivalRow& row, unsigned char* out) {
  std::memcpy(out + kTimeAt, &row.time, sizeof row.time);
  std::memcpy(out + kRowAt, &row.row, sizeof row.row);
  std::memcpy(out + kStratumAt, &row.stratum, sizeof row.stratum);
  std::memcpy(out + kEventAt, &row.event, sizeof row.event);
  std::memcpy(out + kGroupAt, &row.group, sizeof row.group);
  if (!row.x.empty()) std::memcpy(out + kCovariatesAt, row.x.data(), row.x.size_bytes());
}

// Only the fields that survival_before compares.
SurvivalRow decode_key(const unsigned char* in) {
  SurvivalRow key;
  std::memcpy(&key.time, in + kTimeAt, sizeof key.time);
  std::memcpy(&key.row, in + kRowAt, sizeof key.row);
  std::memcpy(&key.event, in + kEventAt, sizeof key.event);
  return key;
}

// Everything; the covariates go to `x`, which must hold `covariates` values.
SurvivalRow decode(const unsigned char* in, double* x, std::size_t covariates) {
  SurvivalRow row = decode_key(in);
  std::memcpy(&row.stratum, in + kStratumAt, sizeof row.stratum);
  std::memcpy(&row.group, in + kGroupAt, sizeof row.group);
  if (covariates > 0) std::memcpy(x, in + kCovariatesAt, covariates * sizeof(double));
  row.x = std::span<const double>(x, covariates);
  return row;
}

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& directory, int error) {
  throw std::runtime_error("SurvivalSpill: " + what + " in '" + directory.string() +
                           "': " + std::system_category().message(error));
}

[[noreturn]] void duplicate(const SurvivalRow& row) {
  throw std::invalid_argument(
      "SurvivalSpill: two rows have the same time, event and row number (row " +
      std::to_string(row.row) + ")");
}

void write_all(int fd, const unsigned char* data, std::size_t bytes, std::uint64_t offset,
               const std::filesystem::path& directory) {
  while (bytes > 0) {
    const ssize_t written = ::pwrite(fd, data, bytes, static_cast<off_t>(offset));
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) fail("cannot write the temporary file", directory, errno);
    // A write that makes no progress would loop for ever; the usual cause is a full disk.
    if (written == 0) fail("cannot write the temporary file", directory, ENOSPC);
    data += written;
    bytes -= static_cast<std::size_t>(written);
    offset += static_cast<std::uint64_t>(written);
  }
}

void read_all(int fd, unsigned char* data, std::size_t bytes, std::uint64_t offset,
              const std::filesystem::path& directory) {
  while (bytes > 0) {
    const ssize_t got = ::pread(fd, data, bytes, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("cannot read the temporary file", directory, errno);
    if (got == 0) fail("temporary file shorter than written", directory, EIO);
    data += got;
    bytes -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
}

}  // namespace

SurvivalSpill::SurvivalSpill(std::filesystem::path directory, std::size_t covariates,
                             std::size_t memory_rows)
    : directory_(std::move(directory)),
      covariates_(covariates),
      memory_rows_(memory_rows),
      record_bytes_(kCovariatesAt + covariates * sizeof(double)) {
  if (memory_rows_ == 0)
    throw std::invalid_argument("SurvivalSpill: memory_rows must be at least 1");
}

SurvivalSpill::~SurvivalSpill() {
  if (fd_ >= 0) ::close(fd_);
}

void SurvivalSpill::push(const SurvivalRow& row) {
  if (finished_) throw std::logic_error("SurvivalSpill: push after finish");
  if (row.x.size() != covariates_) {
    throw std::invalid_argument("SurvivalSpill: row " + std::to_string(row.row) + " has " +
                                std::to_string(row.x.size()) + " covariates, expected " +
                                std::to_string(covariates_));
  }
  if (!std::isfinite(row.time) || row.time < 0.0) {
    throw std::invalid_argument("SurvivalSpill: row " + std::to_string(row.row) +
                                " has a time that is not finite and >= 0");
  }
  // Spilled only when one more row arrives, so a data set that exactly fills the buffer
  // never touches the disk.
  if (rows_.size() == memory_rows_) spill();
  // Grown by hand, since doubling could reserve nearly twice the budget.
  if (rows_.size() == rows_.capacity()) {
    const std::size_t capacity =
        std::min(memory_rows_, std::max<std::size_t>(64, 2 * rows_.size()));
    rows_.reserve(capacity);
    x_.reserve(capacity * covariates_);
  }
  SurvivalRow copy = row;
  copy.x = {};
  rows_.push_back(copy);
  x_.insert(x_.end(), row.x.begin(), row.x.end());
  ++size_;
}

void SurvivalSpill::finish() {
  if (finished_) return;
  if (runs_.empty()) {
    sort_buffer();
  } else {
    if (!rows_.empty()) spill();
    // The merge buffers take the place of the write buffer.
    rows_ = {};
    x_ = {};
  }
  finished_ = true;
}

void SurvivalSpill::sort_buffer() {
  // x_ grows during the pushes, so the views are made only now that it no longer moves.
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    rows_[i].x = std::span<const double>(x_.data() + i * covariates_, covariates_);
  }
  std::sort(rows_.begin(), rows_.end(), stats::survival_before);
  for (std::size_t i = 1; i < rows_.size(); ++i) {
    if (!stats::survival_before(rows_[i - 1], rows_[i])) duplicate(rows_[i]);
  }
}

void SurvivalSpill::open_file() {
  int fd = -1;
#ifdef O_TMPFILE
  // No name at all, so nothing is left behind however the process ends.
  fd = ::open(directory_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  const bool unsupported = fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL);
#else
  const bool unsupported = true;
#endif
  if (unsupported) {
    // Named for an instant only: unlinked before anything is written to it.
    std::string name = (directory_ / "silico-spill-XXXXXX").string();
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0) fail("cannot create a temporary file", directory_, errno);
  fd_ = fd;
}

void SurvivalSpill::spill() {
  if (fd_ < 0) open_file();
  sort_buffer();
  const std::size_t chunk_rows =
      std::min(std::max<std::size_t>(1, kWriteBufferBytes / record_bytes_), rows_.size());
  std::vector<unsigned char> chunk(chunk_rows * record_bytes_);
  std::uint64_t offset = file_records_ * record_bytes_;
  for (std::size_t begin = 0; begin < rows_.size(); begin += chunk_rows) {
    const std::size_t end = std::min(begin + chunk_rows, rows_.size());
    for (std::size_t i = begin; i < end; ++i)
      encode(rows_[i], chunk.data() + (i - begin) * record_bytes_);
    const std::size_t bytes = (end - begin) * record_bytes_;
    write_all(fd_, chunk.data(), bytes, offset, directory_);
    offset += bytes;
  }
  runs_.push_back({file_records_, rows_.size()});
  file_records_ += rows_.size();
  rows_.clear();
  x_.clear();
}

void SurvivalSpill::forward(const Visitor& visit) const {
  if (!finished_) throw std::logic_error("SurvivalSpill: walk before finish");
  if (runs_.empty()) {
    walk_memory(visit, false);
  } else {
    merge(visit, false);
  }
}

void SurvivalSpill::backward(const Visitor& visit) const {
  if (!finished_) throw std::logic_error("SurvivalSpill: walk before finish");
  if (runs_.empty()) {
    walk_memory(visit, true);
  } else {
    merge(visit, true);
  }
}

void SurvivalSpill::walk_memory(const Visitor& visit, bool reverse) const {
  if (rows_.empty()) return;
  if (!reverse) {
    visit(rows_);
    return;
  }
  std::vector<SurvivalRow> batch;
  batch.reserve(std::min(kBatchRows, rows_.size()));
  for (std::size_t end = rows_.size(); end > 0;) {
    const std::size_t begin = end > kBatchRows ? end - kBatchRows : 0;
    batch.assign(std::make_reverse_iterator(rows_.begin() + static_cast<std::ptrdiff_t>(end)),
                 std::make_reverse_iterator(rows_.begin() + static_cast<std::ptrdiff_t>(begin)));
    visit(batch);
    end = begin;
  }
}

namespace {

// One run being read through its own buffer, from its start (forward) or its end (backward).
// [lo, hi) are the run's records not yet loaded; the buffer holds `left` unvisited records,
// the head at `at`.
struct RunCursor {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  std::vector<unsigned char> buffer;
  std::size_t at = 0;
  std::size_t left = 0;
  SurvivalRow key;  ///< the head's time, event and row
};

}  // namespace

void SurvivalSpill::merge(const Visitor& visit, bool reverse) const {
  const std::size_t k = runs_.size();
  const std::size_t max_records = std::max<std::size_t>(1, kMaxReadBufferBytes / record_bytes_);
  const std::size_t min_records = std::max<std::size_t>(1, kMinReadBufferBytes / record_bytes_);
  const std::size_t buffer_records = std::min(max_records, std::max(min_records, memory_rows_ / k));

  std::vector<RunCursor> cursors(k);
  const auto head = [&](const RunCursor& c) { return c.buffer.data() + c.at * record_bytes_; };
  const auto load = [&](RunCursor& c) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer_records, c.hi - c.lo));
    const std::uint64_t first = reverse ? c.hi - n : c.lo;
    read_all(fd_, c.buffer.data(), n * record_bytes_, first * record_bytes_, directory_);
    if (reverse) {
      c.hi -= n;
    } else {
      c.lo += n;
    }
    c.at = reverse ? n - 1 : 0;
    c.left = n;
  };
  // False once the run is exhausted.
  const auto advance = [&](RunCursor& c) {
    if (--c.left == 0) {
      if (c.lo == c.hi) return false;
      load(c);
    } else if (reverse) {
      --c.at;
    } else {
      ++c.at;
    }
    c.key = decode_key(head(c));
    return true;
  };
  // Whether a's head comes before b's in this walk.
  const auto earlier = [&](const SurvivalRow& a, const SurvivalRow& b) {
    return reverse ? stats::survival_before(b, a) : stats::survival_before(a, b);
  };

  // A binary heap of the runs by their heads: the next row of the walk is at the top.
  std::vector<std::size_t> heap;
  heap.reserve(k);
  for (std::size_t r = 0; r < k; ++r) {
    RunCursor& c = cursors[r];
    c.lo = runs_[r].first;
    c.hi = runs_[r].first + runs_[r].count;
    c.buffer.resize(
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer_records, runs_[r].count)) *
        record_bytes_);
    load(c);
    c.key = decode_key(head(c));
    heap.push_back(r);
  }
  const auto heap_earlier = [&](std::size_t a, std::size_t b) {
    return earlier(cursors[heap[a]].key, cursors[heap[b]].key);
  };
  const auto sift_down = [&](std::size_t i) {
    for (;;) {
      std::size_t best = i;
      const std::size_t left = 2 * i + 1;
      const std::size_t right = left + 1;
      if (left < heap.size() && heap_earlier(left, best)) best = left;
      if (right < heap.size() && heap_earlier(right, best)) best = right;
      if (best == i) return;
      std::swap(heap[i], heap[best]);
      i = best;
    }
  };
  for (std::size_t i = heap.size() / 2; i-- > 0;) sift_down(i);

  const std::size_t batch_rows =
      static_cast<std::size_t>(std::min<std::uint64_t>(kBatchRows, size_));
  std::vector<SurvivalRow> batch(batch_rows);
  std::vector<double> batch_x(batch_rows * covariates_);
  std::size_t filled = 0;
  SurvivalRow previous;
  bool any = false;
  while (!heap.empty()) {
    RunCursor& c = cursors[heap.front()];
    const SurvivalRow row = decode(head(c), batch_x.data() + filled * covariates_, covariates_);
    // Runs are sorted, so only two equal rows in different runs can break the order.
    if (any && !earlier(previous, row)) duplicate(row);
    previous = row;
    any = true;
    batch[filled++] = row;
    if (filled == batch_rows) {
      visit(std::span<const SurvivalRow>(batch.data(), filled));
      filled = 0;
    }
    if (!advance(c)) {
      heap.front() = heap.back();
      heap.pop_back();
    }
    if (!heap.empty()) sift_down(0);
  }
  if (filled > 0) visit(std::span<const SurvivalRow>(batch.data(), filled));
}

}  // namespace silico::io
