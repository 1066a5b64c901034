#include "parallel/checkpoint.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"

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
      << "seconds_spent: " << exact_text(seconds_spent) << "\n";
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
  const auto number = [&](const char* key) {
    try {
      return static_cast<std::uint64_t>(std::stoull(get(key)));
    } catch (const std::logic_error&) {
      throw UserError("'" + path + "' has a bad " + key + ": it is damaged");
    }
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
  return c;
}

void replace_file(const std::string& path, const std::string& text) {
  const std::string aside = path + ".new";
  {
    std::ofstream out(aside, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write '" + aside + "'");
  }
  std::filesystem::rename(aside, path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void append_analysis_rows(const std::string& path, const std::vector<std::string>& paths,
                          const std::vector<std::vector<double>>& rows) {
  const bool fresh = !std::filesystem::exists(path);
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (fresh) {
    // Header: the series paths, tab-separated, on one line.
    std::string header;
    for (std::size_t k = 0; k < paths.size(); ++k) header += (k ? "\t" : "") + paths[k];
    out << header << "\n";
  }
  for (const auto& row : rows) {
    if (row.size() != paths.size()) throw std::logic_error("analysis row of the wrong length");
    out.write(reinterpret_cast<const char*>(row.data()), static_cast<std::streamsize>(row.size() * sizeof(double)));
  }
  out.flush();
  if (!out) throw std::runtime_error("cannot append to '" + path + "'");
}

void read_analysis_rows(const std::string& path, std::uint64_t rows, std::vector<std::string>& paths,
                        std::vector<std::vector<double>>& values) {
  paths.clear();
  values.clear();
  if (rows == 0) return;
  std::ifstream in(path, std::ios::binary);
  std::string header;
  if (!in || !std::getline(in, header)) throw UserError("'" + path + "' is missing or damaged");
  for (std::size_t start = 0;;) {
    const auto tab = header.find('\t', start);
    paths.push_back(header.substr(start, tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  values.assign(rows, std::vector<double>(paths.size()));
  for (auto& row : values) {
    in.read(reinterpret_cast<char*>(row.data()), static_cast<std::streamsize>(row.size() * sizeof(double)));
    if (!in) throw UserError("'" + path + "' holds fewer analysed replicates than its checkpoint says");
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
