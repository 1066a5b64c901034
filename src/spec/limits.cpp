#include "spec/limits.hpp"

#include <yaml-cpp/eventhandler.h>

#include <fstream>
#include <sstream>
#include <unordered_set>

#include "core/text.hpp"

namespace silico::spec::detail {

std::string describe_bytes(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  if (bytes >= (std::size_t{1} << 10) && bytes % (std::size_t{1} << 10) == 0) {
    return std::to_string(bytes >> 10) + " KiB";
  }
  return std::to_string(bytes) + " bytes";
}

namespace {

class SizeCheck {
 public:
  SizeCheck(const std::string& file, DiagnosticList& diagnostics) : file_(file), diagnostics_(diagnostics) {}

  void visit(const YAML::Node& node, const std::string& path, std::size_t depth) {
    if (depth > kMaxDepth) {
      report(node.Mark(), path, "nested more than " + std::to_string(kMaxDepth) + " levels deep");
      return;  // nothing below is read
    }
    if (!node.IsScalar() && !first_visit(node)) return;
    if (node.IsScalar()) {
      const std::size_t size = node.Scalar().size();
      if (size > kMaxScalarBytes) {
        report(node.Mark(), path, "a value of " + std::to_string(size) + " bytes; values are at most " +
                                      describe_bytes(kMaxScalarBytes));
      }
    } else if (node.IsSequence()) {
      std::size_t i = 0;
      for (const auto& item : node) {
        if (!item.IsScalar() || item.Scalar().size() > kMaxScalarBytes) {
          visit(item, path + "[" + std::to_string(i) + "]", depth + 1);
        }
        ++i;
      }
    } else if (node.IsMap()) {
      for (const auto& member : node) {
        // Keys that are not plain names are refused by the reader without being quoted.
        if (!member.first.IsScalar()) continue;
        const std::string& key = member.first.Scalar();
        if (key.size() > kMaxNameBytes) {
          report(member.first.Mark(), path,
                 "key '" + excerpt(key) + "' is longer than " + describe_bytes(kMaxNameBytes));
          continue;
        }
        // Child paths are built only for what is descended into or reported.
        const YAML::Node& value = member.second;
        if (!value.IsScalar() || value.Scalar().size() > kMaxScalarBytes) {
          visit(value, path.empty() ? key : path + "." + key, depth + 1);
        }
      }
    }
  }

  bool ok() const { return ok_; }

 private:
  /// False for a collection already checked. An alias (*name) is the very node of its
  /// anchor, with the anchor's position: walking it again could take exponential time
  /// ("billion laughs"); no two distinct collections start at the same position.
  bool first_visit(const YAML::Node& node) { return visited_.insert(node.Mark().pos).second; }

  void report(const YAML::Mark& mark, const std::string& path, const std::string& message) {
    diagnostics_.add({file_, mark.line + 1, mark.column + 1}, path, message);
    ok_ = false;
  }

  const std::string& file_;
  DiagnosticList& diagnostics_;
  bool ok_ = true;
  std::unordered_set<int> visited_;
};

}  // namespace

namespace {

/// Counts parser events; stops the parse (by throwing) at the first node past the limit.
class NodeCounter final : public YAML::EventHandler {
 public:
  struct Stop {
    YAML::Mark mark;
  };
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { count(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { count(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    count(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    count(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    count(mark);
  }
  void OnMapEnd() override {}

 private:
  void count(const YAML::Mark& mark) {
    if (++nodes_ > kMaxNodes) throw Stop{mark};
  }
  std::size_t nodes_ = 0;
};

}  // namespace

bool check_node_count(const std::string& text, const std::string& file, DiagnosticList& diagnostics) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  NodeCounter counter;
  try {
    while (parser.HandleNextDocument(counter)) {
    }
  } catch (const NodeCounter::Stop& stop) {
    diagnostics.add({file, stop.mark.line + 1, stop.mark.column + 1}, "",
                    "more than " + std::to_string(kMaxNodes) + " keys, values, lists and mappings; silico reads at most " +
                        std::to_string(kMaxNodes) + " in a file");
    return false;
  } catch (const YAML::Exception&) {
    // The parse proper reports it, with its location.
  }
  return true;
}

bool check_node_sizes(const YAML::Node& root, const std::string& file, DiagnosticList& diagnostics) {
  SizeCheck check(file, diagnostics);
  check.visit(root, "", 0);
  return check.ok();
}

BoundedRead read_bounded(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return BoundedRead::kUnreadable;
  text.clear();
  char buffer[1 << 16];
  while (text.size() <= kMaxFileBytes) {
    in.read(buffer, sizeof(buffer));
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) return BoundedRead::kUnreadable;
  return text.size() > kMaxFileBytes ? BoundedRead::kTooLarge : BoundedRead::kOk;
}

}  // namespace silico::spec::detail
