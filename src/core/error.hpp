#pragma once
/// @file
/// @brief Error types. User errors (bad spec, bad command line, refused output) exit
/// with code 2; anything else is an internal error and exits with code 1.

#include <stdexcept>
#include <string>
#include <vector>

namespace silico {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitUserError = 2;
/// `silico run` stopped on SIGTERM or SIGUSR1 after writing a checkpoint: resumable.
inline constexpr int kExitInterrupted = 3;

/// Where a problem was found in an input file; line and column are 1-based, 0 if unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One problem in a spec: location, YAML key path (e.g. `arms[1].ratio`) and message.
struct Diagnostic {
  SourceLocation where;
  std::string key_path;
  std::string message;

  /// `file:line:column: error: key.path: message`, the format compilers use, so
  /// editors can jump to it.
  std::string format() const;
};

/// Collects every diagnostic found while reading a spec, so that all are reported at once.
class DiagnosticList {
 public:
  void add(SourceLocation where, std::string key_path, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Every diagnostic, one per line, in file order.
  std::string format() const;

 private:
  std::vector<Diagnostic> items_;
};

/// An error caused by the user's input; the message is complete and printable as is.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A spec that failed validation; carries every diagnostic.
class SpecError : public UserError {
 public:
  explicit SpecError(DiagnosticList diagnostics);
  const DiagnosticList& diagnostics() const { return diagnostics_; }

 private:
  DiagnosticList diagnostics_;
};

}  // namespace silico
