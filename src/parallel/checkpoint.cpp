#include "parallel/checkpoint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/output_file.hpp"

namespace silico::parallel {

namespace {

constexpr const char* kMagic = "silico checkpoint 1";

void fnv1a(std::uint64_t& hash, const std::string& text) {
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  hash ^= 0xff;  // separator, so ("ab", "c") and ("a", "bc") differ
  hash *= 0x100000001b3ULL;
}

/// FNV-1a 64 of `size` bytes, continuing from `hash`.
std::uint64_t fnv1a_bytes(std::uint64_t hash, const char* data, std::size_t size) {
  for (std::size_t k = 0; k < size; ++k) {
    hash ^= static_cast<unsigned char>(data[k]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

/// Closes a file descriptor when it goes out of scope.
struct FileDescriptor {
  int fd;
  explicit FileDescriptor(int fd_) : fd(fd_) {}
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
};

void write_all_at(int fd, const std::string& bytes, std::uint64_t offset, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

/// Shortest text that reads back as the same double.
std::string exact_text(double x) {
  char text[40];
  const auto result = std::to_chars(text, text + sizeof text, x);
  return std::string(text, result.ptr);
}

}  // namespace

std::string spec_fingerprint(const spec::TrialSpec& spec) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  fnv1a(hash, spec.source_text);
  fnv1a(hash, spec.cohort.source_text);
  if (spec.analysis.procova) fnv1a(hash, spec.analysis.procova->cohort.source_text);
  if (spec.analysis.external_control) fnv1a(hash, spec.analysis.external_control->cohort.source_text);
  for (const auto& target : spec.validation) {
    if (target.from_file()) fnv1a(hash, target.observed_outcomes->text);
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::string Checkpoint::to_text() const {
  std::ostringstream out;
  out << kMagic << "\n"
      << "silico_version: " << silico_version << "\n"
      << "format_version: " << format_version << "\n"
      << "spec_fingerprint: " << spec_fingerprint << "\n"
      << "seed: " << seed << "\n"
      << "first_replicate: " << first_replicate << "\n"
      << "replicate_count: " << replicate_count << "\n"
      << "block_patients: " << block_patients << "\n"
      << "blocks_done: " << blocks_done << "\n"
      << "replicates_analysed: " << replicates_analysed << "\n"
      << "candidates_drawn: " << candidates_drawn << "\n"
      << "model_failures: " << model_failures << "\n"
      << "seconds_spent: " << exact_text(seconds_spent) << "\n"
      << "analysis_bytes: " << analysis_bytes << "\n";
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(analysis_hash));
  out << "analysis_hash: " << hash << "\n";
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(data_digest));
  out << "data_digest: " << hash << "\n";
  return out.str();
}

Checkpoint Checkpoint::from_text(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) {
    throw UserError("'" + path + "' is not a silico checkpoint");
  }
  std::map<std::string, std::string> fields;
  while (std::getline(in, line)) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) throw UserError("'" + path + "' is damaged (line '" + line + "')");
    fields[line.substr(0, colon)] = line.substr(colon + 2);
  }
  const auto get = [&](const char* key) -> const std::string& {
    const auto found = fields.find(key);
    if (found == fields.end()) throw UserError("'" + path + "' has no " + key + ": it is damaged");
    return found->second;
  };
  // Whole decimal numbers only: no sign, no spaces, no overflow (stoull would take "-1").
  const auto number = [&](const char* key) {
    const std::string& value = get(key);
    std::uint64_t parsed = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
      throw UserError("'" + path + "' has a bad " + key + ": it is damaged");
    }
    return parsed;
  };
  Checkpoint c;
  c.silico_version = get("silico_version");
  c.format_version = static_cast<std::int64_t>(number("format_version"));
  c.spec_fingerprint = get("spec_fingerprint");
  c.seed = number("seed");
  c.first_replicate = number("first_replicate");
  c.replicate_count = number("replicate_count");
  c.block_patients = number("block_patients");
  c.blocks_done = number("blocks_done");
  c.replicates_analysed = number("replicates_analysed");
  c.candidates_drawn = number("candidates_drawn");
  c.model_failures = number("model_failures");
  // Checkpoints of earlier builds have no time; it only feeds wall_seconds, so 0 is safe.
  if (const auto found = fields.find("seconds_spent"); found != fields.end()) {
    const std::string& value = found->second;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), c.seconds_spent);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(c.seconds_spent) ||
        c.seconds_spent < 0.0) {
      throw UserError("'" + path + "' has a bad seconds_spent: it is damaged");
    }
  }
  if (!fields.count("analysis_hash") || !fields.count("data_digest")) {
    throw UserError("'" + path + "' was written by an earlier build of silico (it has no data_digest); start again with --force");
  }
  const auto hex = [&](const char* key) {
    const std::string& value = get(key);
    std::uint64_t parsed = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed, 16);
    if (value.size() != 16 || ec != std::errc() || end != value.data() + value.size()) {
      throw UserError("'" + path + "' has a bad " + key + ": it is damaged");
    }
    return parsed;
  };
  c.analysis_hash = hex("analysis_hash");
  c.data_digest = hex("data_digest");
  c.analysis_bytes = number("analysis_bytes");
  return c;
}

std::uint64_t blocks_per_replicate(std::uint64_t patients, std::uint64_t block_patients) {
  return patients / block_patients + (patients % block_patients != 0 ? 1 : 0);
}

void Checkpoint::check_ranges(std::uint64_t patients, const std::string& path) const {
  const auto damaged = [&](const std::string& what) {
    throw UserError("'" + path + "' is damaged: " + what + "; start again with --force");
  };
  if (block_patients == 0) damaged("block_patients is 0");
  if (replicate_count == 0) damaged("replicate_count is 0");
  const std::uint64_t per_replicate = blocks_per_replicate(patients, block_patients);
  if (per_replicate > 0 && replicate_count > UINT64_MAX / per_replicate) damaged("the block count overflows");
  const std::uint64_t total = per_replicate * replicate_count;
  if (blocks_done > total) {
    damaged("blocks_done " + std::to_string(blocks_done) + " is more than the run's " + std::to_string(total) + " blocks");
  }
  if (replicates_analysed > replicate_count) {
    damaged("replicates_analysed " + std::to_string(replicates_analysed) + " is more than the run's " +
            std::to_string(replicate_count) + " replicates");
  }
  if (replicates_analysed > 0 && blocks_done < total) damaged("replicates were analysed before every patient was written");
  // Patients written: whole replicates, then the done blocks of the next one.
  const std::uint64_t full = blocks_done / per_replicate;
  const std::uint64_t partial = std::min(patients, (blocks_done % per_replicate) * block_patients);
  const std::uint64_t written = full * patients + partial;
  if (candidates_drawn < written) damaged("fewer screening candidates than patients written");
  if (model_failures > written) damaged("more model failures than patients written");
  if ((replicates_analysed == 0) != (analysis_bytes == 0)) damaged("analysis_bytes does not match replicates_analysed");
}

void commit_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  write_file_atomically(path, checkpoint.to_text(), true);
}

std::string read_checkpoint_text(const std::string& path) {
  refuse_unless_regular_file(path, "the checkpoint");
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (file.fd < 0) throw UserError("cannot read '" + path + "': " + std::strerror(errno));
  constexpr std::size_t kLimit = 64 * 1024;
  std::string text(kLimit + 1, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t n = ::read(file.fd, text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw UserError("cannot read '" + path + "': " + std::strerror(errno));
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (size > kLimit) throw UserError("'" + path + "' is not a silico checkpoint (larger than 64 KiB)");
  text.resize(size);
  return text;
}

void write_analysis_rows(const std::string& path, const std::vector<std::string>& paths,
                         const std::vector<std::vector<double>>& rows, Checkpoint& checkpoint) {
  std::string bytes;
  if (checkpoint.analysis_bytes == 0) {
    // Header: the series paths, tab-separated, on one line.
    for (std::size_t k = 0; k < paths.size(); ++k) bytes += (k ? "\t" : "") + paths[k];
    bytes += "\n";
  }
  for (const auto& row : rows) {
    if (row.size() != paths.size()) throw std::logic_error("analysis row of the wrong length");
    bytes.append(reinterpret_cast<const char*>(row.data()), row.size() * sizeof(double));
  }
  // Nothing committed yet: whatever is at the name is from a killed attempt (or planted),
  // so start a new file exclusively.
  if (checkpoint.analysis_bytes == 0) {
    refuse_unless_regular_file(path, "the analysis file");
    ::unlink(path.c_str());
  }
  const int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (checkpoint.analysis_bytes == 0 ? O_CREAT | O_EXCL : 0);
  FileDescriptor file(::open(path.c_str(), flags, 0644));
  if (file.fd < 0) throw std::runtime_error("cannot open '" + path + "' for writing: " + std::strerror(errno));
  write_all_at(file.fd, bytes, checkpoint.analysis_bytes, path);
  const std::uint64_t end = checkpoint.analysis_bytes + bytes.size();
  // Rows a killed attempt wrote past the committed end are now overwritten or cut off.
  if (::ftruncate(file.fd, static_cast<off_t>(end)) != 0 || ::fsync(file.fd) != 0) {
    throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
  }
  checkpoint.analysis_bytes = end;
  checkpoint.analysis_hash = fnv1a_bytes(checkpoint.analysis_hash, bytes.data(), bytes.size());
}

void read_analysis_rows(const std::string& path, const Checkpoint& checkpoint, std::vector<std::string>& paths,
                        std::vector<std::vector<double>>& values) {
  paths.clear();
  values.clear();
  if (checkpoint.replicates_analysed == 0) return;
  const auto damaged = [&](const std::string& what) {
    throw UserError("cannot resume: '" + path + "' " + what + "; start again with --force");
  };
  refuse_unless_regular_file(path, "the analysis file");
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (file.fd < 0) damaged(std::string("cannot be read (") + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < checkpoint.analysis_bytes) {
    damaged("is shorter than its checkpoint says");
  }
  std::string bytes(checkpoint.analysis_bytes, '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::pread(file.fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) damaged("cannot be read");
    got += static_cast<std::size_t>(n);
  }
  if (fnv1a_bytes(Checkpoint::kAnalysisHashStart, bytes.data(), bytes.size()) != checkpoint.analysis_hash) {
    damaged("does not match its checkpoint (hash of the committed rows)");
  }
  const auto newline = bytes.find('\n');
  if (newline == std::string::npos) damaged("has no header");
  const std::string header = bytes.substr(0, newline);
  for (std::size_t start = 0;;) {
    const auto tab = header.find('\t', start);
    paths.push_back(header.substr(start, tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  const std::uint64_t row_bytes = paths.size() * sizeof(double);
  if (bytes.size() - newline - 1 != checkpoint.replicates_analysed * row_bytes) {
    damaged("does not hold " + std::to_string(checkpoint.replicates_analysed) + " rows");
  }
  values.assign(checkpoint.replicates_analysed, std::vector<double>(paths.size()));
  const char* at = bytes.data() + newline + 1;
  for (auto& row : values) {
    std::memcpy(row.data(), at, row_bytes);
    at += row_bytes;
  }
}

std::string resume_mismatch(const Checkpoint& c, const Checkpoint& wanted) {
  if (c.spec_fingerprint != wanted.spec_fingerprint) return "the spec (or a cohort file it includes) has changed";
  if (c.seed != wanted.seed) return "the seed differs";
  if (c.silico_version != wanted.silico_version) {
    return "it was written by silico " + c.silico_version + ", this is " + wanted.silico_version;
  }
  if (c.format_version != wanted.format_version) return "the result file format differs";
  if (c.first_replicate != wanted.first_replicate || c.replicate_count != wanted.replicate_count) {
    return "it is for replicates " + std::to_string(c.first_replicate) + ":" + std::to_string(c.replicate_count) +
           ", not " + std::to_string(wanted.first_replicate) + ":" + std::to_string(wanted.replicate_count);
  }
  return "";
}

}  // namespace silico::parallel
