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
  std::vector<fs::path> candidates{target.is_absolute() ? target : spec_folder / target};
  if (allow_outside && !target.is_absolute()) {
    // The spec's folder, then each folder above it (a spec in configs/ finding cohorts/ at
    // the project root, as silico did before includes were confined).
    for (fs::path dir = spec_folder; dir.has_parent_path() && dir.parent_path() != dir;) {
      dir = dir.parent_path();
      candidates.push_back(dir / target);
    }
  }
  const std::string remedy = "; a spec reads files outside its folder only with --allow-include-outside";
  if (!allow_outside && !is_under(candidates.front().lexically_normal(), spec_folder)) {
    // Refused as written, before anything outside is looked at.
    lookup.problem = named + " is outside the spec's folder " + spec_folder.string() + remedy;
    return lookup;
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
    if (!allow_outside) {
      // The folder itself may be reached through a link: compare real with real.
      const fs::path real_folder = fs::canonical(spec_folder, ec);
      if (ec || !is_under(real, real_folder)) {
        lookup.problem = named + " is a link to " + excerpt(real.string(), 200) + ", outside the spec's folder " +
                         (ec ? spec_folder : real_folder).string() + remedy;
        return lookup;
      }
    }
    lookup.path = candidate.lexically_normal().string();
    lookup.read_from = real.string();
    return lookup;
  }
  lookup.problem = named + " not found in the spec's folder " + spec_folder.string() +
                   (allow_outside && !target.is_absolute() ? " or any folder above it" : "");
  return lookup;
}

}  // namespace silico::spec::detail
