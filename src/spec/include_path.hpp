#pragma once
// Internal to spec/: where a file named in a spec (`cohort.include`, a validation target's
// `observed_file`) is, and whether silico may read it. By default only files in the spec's
// folder or below it, or in the project's `cohorts/` folder (the nearest folder named
// `cohorts` in or above the spec's folder) or below it, with symbolic links resolved: a
// spec from elsewhere (a colleague, a shared drive, a web form) cannot make silico read
// /etc/shadow or /proc/self/environ and quote it in an error message.

#include <string>

namespace silico::spec::detail {

struct IncludeLookup {
  std::string path;       ///< the file as messages name it: absolute and lexically normal
  std::string read_from;  ///< what to open: its canonical path (links resolved when checked)
  std::string problem;    ///< when set, why the file is not read (a located message)
};

/// Finds `written` (a path as the spec writes it) for the spec file `spec_file`. A relative
/// path is looked for in the spec's folder, then in the folder holding the project's
/// `cohorts/` (so `cohorts/x.yaml` from configs/ finds the project's). With
/// `allow_outside`, any path is accepted, and a relative one is also looked for in each
/// folder above the spec's. `what` names
/// the file in messages ("cohort file"). Filesystem errors (a name too long, a loop of
/// symbolic links) become a `problem`, never an exception.
IncludeLookup find_include(const std::string& written, const std::string& spec_file, bool allow_outside,
                           const std::string& what);

}  // namespace silico::spec::detail
