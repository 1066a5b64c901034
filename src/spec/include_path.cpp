#include "spec/include_path.hpp"

#include <filesystem>
#include <system_error>
#include <vector>

#include "core/text.hpp"

namespace silico::spec::detail {

namespace fs = std::filesystem;

namespace {

/// True if `path` is `folder` or inside it; both absolute and normal.
bool is_under(const fs::path& path, const fs::path& folder) {
  auto p = path.begin();
  for (auto f = folder.begin(); f != folder.end(); ++f, ++p) {
    if (f->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *f) return false;
  }
  return true;
}

bool not_found(const std::error_code& ec) {
  return ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
}

/// The `cohorts/` folder of the project the spec belongs to: the nearest folder named
/// `cohorts` in the spec's folder or one above it (a spec in configs/ shares the
/// project's cohorts/ at the top of the repository). Empty if there is none.
fs::path project_cohorts(const fs::path& spec_folder) {
  std::error_code ec;
  for (fs::path dir = spec_folder;; dir = dir.parent_path()) {
    const fs::path cohorts = dir / "cohorts";
    if (fs::is_directory(cohorts, ec)) return cohorts;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
  }
}

}  // namespace

IncludeLookup find_include(const std::string& written, const std::string& spec_file, bool allow_outside,
                           const std::string& what) {
  IncludeLookup lookup;
  const std::string named = what + " '" + excerpt(written, 200) + "'";
  if (escape_control(written) != written) {
    // A NUL would silently end the name the operating system sees.
    lookup.problem = named + ": a path cannot contain control characters";
    return lookup;
  }
  std::error_code ec;
  const fs::path spec_folder = fs::absolute(fs::path(spec_file), ec).parent_path().lexically_normal();
  if (ec) {
    lookup.problem = "cannot find the folder of the spec to look for " + named + ": " + ec.message();
    return lookup;
  }
  const fs::path target(written);
  // Where a file may be: the spec's folder tree, and the project's cohorts/ folder tree.
  const fs::path cohorts = project_cohorts(spec_folder);
  std::vector<fs::path> roots{spec_folder};
  if (!cohorts.empty() && !is_under(cohorts, spec_folder)) roots.push_back(cohorts);
  std::vector<fs::path> candidates{target.is_absolute() ? target : spec_folder / target};
  if (!target.is_absolute() && roots.size() > 1) candidates.push_back(cohorts.parent_path() / target);
  if (allow_outside && !target.is_absolute()) {
    // Each folder above the spec's (how silico looked before includes were confined).
    for (fs::path dir = spec_folder; dir.has_parent_path() && dir.parent_path() != dir;) {
      dir = dir.parent_path();
      candidates.push_back(dir / target);
    }
  }
  const auto inside = [&](const fs::path& path, bool real) {
    for (const auto& root : roots) {
      std::error_code error;
      const fs::path folder = real ? fs::canonical(root, error) : root;
      if (!error && is_under(path, folder)) return true;
    }
    return false;
  };
  const std::string allowed = "the spec's folder " + spec_folder.string() +
                              (roots.size() > 1 ? " or the project's cohort folder " + cohorts.string() : "");
  const std::string remedy = "; a spec reads files elsewhere only with --allow-include-outside";
  if (!allow_outside) {
    // Refused as written, before anything outside is looked at.
    std::vector<fs::path> confined;
    for (const auto& candidate : candidates) {
      if (inside(candidate.lexically_normal(), false)) confined.push_back(candidate);
    }
    if (confined.empty()) {
      lookup.problem = named + " is outside " + allowed + remedy;
      return lookup;
    }
    candidates = confined;
  }
  for (const auto& candidate : candidates) {
    const fs::file_status status = fs::status(candidate, ec);
    if (ec && !not_found(ec)) {
      lookup.problem = "cannot read " + named + ": " + ec.message();
      return lookup;
    }
    if (!fs::is_regular_file(status)) continue;
    const fs::path real = fs::canonical(candidate, ec);
    if (ec) {
      lookup.problem = "cannot read " + named + ": " + ec.message();
      return lookup;
    }
    // A folder may be reached through a link: compare real paths with real paths.
    if (!allow_outside && !inside(real, true)) {
      lookup.problem = named + " is a link to " + excerpt(real.string(), 200) + ", outside " + allowed + remedy;
      return lookup;
    }
    lookup.path = candidate.lexically_normal().string();
    lookup.read_from = real.string();
    return lookup;
  }
  lookup.problem = named + " not found in " + allowed +
                   (allow_outside && !target.is_absolute() ? " or any folder above the spec's" : "");
  return lookup;
}

}  // namespace silico::spec::detail
