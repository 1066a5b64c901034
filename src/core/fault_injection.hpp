#pragma once
/// @file
/// @brief Test-only fault injection: the process kills itself (SIGKILL) at a named point
/// of a commit protocol, so a test can check that every interruption resumes exactly.
/// Set SILICO_FAULT_AT=<point>[:<n>] to die the n-th time (default 1st) this process
/// passes <point>; unset, fault_point() costs one comparison. The points are listed in
/// docs/cli.md (checkpoint and restart).

namespace silico {

/// Dies by SIGKILL here if SILICO_FAULT_AT names `point` and this is its n-th passage.
void fault_point(const char* point);

}  // namespace silico
