/// @file
/// @brief Deterministic mutation fuzzing of the spec reader: every example spec (configs/,
/// tests/data/) mutated a few hundred ways with a fixed seed - bytes flipped, the text cut
/// short, lines duplicated, deleted or swapped, control bytes and NULs inserted, numbers
/// made huge, values nested deep or made long. Whatever the input, parse_spec returns or
/// throws SpecError or UserError (exit 2): never another exception (exit 1), never a crash
/// or a hang. An ordinary unit test, so the sanitizer builds run it too.
///
/// The seed is fixed; SILICO_FUZZ_SEED=<n> explores other mutants by hand (a failure
/// found so is then fixed and, if it needs one, given its own regression test).

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "spec/spec.hpp"

namespace silico::spec {
namespace {

namespace fs = std::filesystem;

constexpr int kMutantsPerSpec = 200;
std::uint64_t seed() {
  const char* text = std::getenv("SILICO_FUZZ_SEED");
  return text ? std::strtoull(text, nullptr, 10) : 20261203;
}

struct Example {
  fs::path path;
  std::string text;
};

std::vector<Example> examples() {
  std::vector<Example> found;
  for (const char* folder : {"configs", "tests/data"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(SILICO_SOURCE_DIR) / folder)) {
      if (entry.path().extension() != ".yaml") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      found.push_back({entry.path(), text.str()});
    }
  }
  // Directory order is the file system's: sort, so case k is the same mutant everywhere.
  std::sort(found.begin(), found.end(), [](const Example& a, const Example& b) { return a.path < b.path; });
  return found;
}

/// Applies one of the mutation kinds to `text`. std::mt19937_64's output is fixed by the
/// standard; the draws below use only that output (not the library's distributions), so
/// every platform makes the same mutants.
class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : engine_(seed) {}

  std::string mutate(std::string text, std::string& what) {
    const int rounds = 1 + static_cast<int>(below(3));
    for (int r = 0; r < rounds; ++r) text = mutate_once(std::move(text), what);
    return text;
  }

 private:
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : engine_() % n; }

  std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = text.find('\n', start);
      result.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return result;
  }

  static std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) text += (i ? "\n" : "") + lines[i];
    return text;
  }

  /// The position just after a ": " (a value starts there), or a random one.
  std::size_t value_position(const std::string& text) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      const std::size_t at = text.find(": ", below(text.size()));
      if (at != std::string::npos) return at + 2;
    }
    return below(text.size() + 1);
  }

  std::string mutate_once(std::string text, std::string& what) {
    static const std::vector<std::string> huge = {
        "1e400", "-1e400", "1e-400", "99999999999999999999999999", "-9223372036854775809", "18446744073709551616",
        "nan", ".nan", ".inf", "-.inf", "0x7fffffffffffffff", "4294967297", "1e308", "-0", "5e-324"};
    static const std::vector<std::string> control = {std::string(1, '\0'), "\x01", "\x1b", "\x7f", "\xff", "\r",
                                                     "\t", "\xef\xbb\xbf", "\\", "\"", "'", "&a", "*a", "!!str",
                                                     "? ", "- ", "{", "[", "}", "]", ":", "#", "%YAML 1.2\n---\n"};
    if (text.empty()) text = " ";
    const auto kind = below(10);
    const std::size_t at = below(text.size());
    switch (kind) {
      case 0: {  // flip bits of a few bytes
        for (std::uint64_t k = 1 + below(4); k > 0; --k) text[below(text.size())] ^= static_cast<char>(1u << below(8));
        what += " flip";
        break;
      }
      case 1:  // cut short
        text.resize(at);
        what += " truncate@" + std::to_string(at);
        break;
      case 2: {  // duplicate a line
        auto l = lines(text);
        const std::size_t i = below(l.size());
        l.insert(l.begin() + static_cast<std::ptrdiff_t>(i), l[i]);
        text = joined(l);
        what += " dup-line" + std::to_string(i + 1);
        break;
      }
      case 3: {  // delete a line
        auto l = lines(text);
        const std::size_t i = below(l.size());
        l.erase(l.begin() + static_cast<std::ptrdiff_t>(i));
        text = joined(l);
        what += " del-line" + std::to_string(i + 1);
        break;
      }
      case 4: {  // swap two lines
        auto l = lines(text);
        std::swap(l[below(l.size())], l[below(l.size())]);
        text = joined(l);
        what += " swap-lines";
        break;
      }
      case 5: {  // insert a control byte or a YAML indicator
        const std::string& inserted = control[below(control.size())];
        text.insert(at, inserted);
        what += " insert-control@" + std::to_string(at);
        break;
      }
      case 6: {  // replace a value's start with a huge or odd number
        const std::size_t v = value_position(text);
        const std::size_t end = std::min(text.find_first_of(",}\n", v), text.size());
        text.replace(v, end - v, huge[below(huge.size())]);
        what += " number@" + std::to_string(v);
        break;
      }
      case 7: {  // nest a value deep
        const std::size_t depth = 1 + below(3000);
        const bool flow_map = below(2) == 0;
        std::string nested = flow_map ? "" : std::string(depth, '[');
        if (flow_map) {
          for (std::size_t d = 0; d < depth; ++d) nested += "{a: ";
          nested += "1" + std::string(depth, '}');
        } else {
          nested += "1" + std::string(depth, ']');
        }
        const std::size_t v = value_position(text);
        text.insert(v, nested + (below(2) ? "" : ", "));
        what += " nest" + std::to_string(depth);
        break;
      }
      case 8: {  // a long value or key
        const std::size_t length = 1 + below(200'000);
        text.insert(value_position(text), std::string(length, static_cast<char>('a' + below(26))));
        what += " long" + std::to_string(length);
        break;
      }
      default: {  // an alias bomb, or an anchor reused where it does not belong
        std::string bomb = "\nbomb: &b0 [x, x, x, x, x, x, x, x]\n";
        for (int level = 1; level < 8; ++level) {
          bomb += "b" + std::to_string(level) + ": &b" + std::to_string(level) + " [";
          for (int k = 0; k < 8; ++k) bomb += (k ? ", *b" : "*b") + std::to_string(level - 1);
          bomb += "]\n";
        }
        text += below(2) ? bomb : "\nextra: *nowhere\n";
        what += " aliases";
        break;
      }
    }
    return text;
  }

  std::mt19937_64 engine_;
};

TEST(SpecFuzz, MutatedExamplesAreAcceptedOrRefusedAsUserErrors) {
  const auto specs = examples();
  ASSERT_GE(specs.size(), 10u) << "expected the example specs of configs/ and tests/data/";
  std::size_t accepted = 0;
  std::size_t refused = 0;
  Mutator mutator(seed());
  for (const auto& example : specs) {
    for (int k = 0; k < kMutantsPerSpec; ++k) {
      std::string what;
      const std::string mutant = mutator.mutate(example.text, what);
      // The real path: includes resolve against the example's folder and the project's cohorts/.
      SCOPED_TRACE(example.path.filename().string() + " case " + std::to_string(k) + ":" + what);
      try {
        parse_spec(mutant, example.path.string());
        ++accepted;
      } catch (const UserError&) {  // SpecError is one
        ++refused;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "not a user error (exit 1): " << e.what();
      }
    }
  }
  // Both outcomes occur: the mutants are neither all harmless nor all broken.
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(refused, accepted);
  std::cout << "spec fuzz: " << accepted << " mutants accepted, " << refused << " refused\n";
}

TEST(SpecFuzz, StoredSpecReaderSurvivesTheSameMutants) {
  // The report re-reads a stored spec with read_stored_spec: the same contract.
  const auto specs = examples();
  Mutator mutator(seed() + 1);
  for (const auto& example : specs) {
    for (int k = 0; k < kMutantsPerSpec / 5; ++k) {
      std::string what;
      const std::string mutant = mutator.mutate(example.text, what);
      SCOPED_TRACE(example.path.filename().string() + " case " + std::to_string(k) + ":" + what);
      try {
        read_stored_spec(mutant, example.path.string());
      } catch (const UserError&) {
      } catch (const std::exception& e) {
        ADD_FAILURE() << "not a user error (exit 1): " << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace silico::spec
