#!/usr/bin/env bash
# Install what is missing, build, and run the whole CTest suite: unit tests and the
# multi-rank integration tests. Usage: scripts/test.sh [extra ctest arguments]
#
# Then the sanitize pass, when time allows: silico, the unit tests and the reader fuzz
# test built with AddressSanitizer and UBSan (-DSILICO_SANITIZE=ON) in build-sanitize/,
# and the tests labelled `sanitize` run there. It runs when build-sanitize/ exists from an
# earlier run (about 5 minutes to rebuild after a change and test) or when
# SILICO_TEST_SANITIZE=1 asks for it; SILICO_TEST_SANITIZE=0 skips it. A first build of
# build-sanitize/ takes about 29 minutes on a 2-core machine, more than CI's 30 minutes
# allow next to the default run, so a fresh clone skips it (see README, Testing).
#
# Otherwise, when the default run took less than 18 minutes, a small sanitize pass fits in
# CI's 30: the spec reader's fuzz and limits tests alone, built with the sanitizers in
# build-sanitize-fuzz/ (about 4.5 minutes from cold on 2 cores).
set -euo pipefail
started=$(date +%s)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh"
# Tests run mpirun as root on machines with 2 cores: allow both.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"

sanitize="${SILICO_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
want="${SILICO_TEST_SANITIZE:-}"
if [ -z "$want" ]; then
  if [ -f "$sanitize/CMakeCache.txt" ]; then want=1; else want=0; fi
  [ "$want" = 1 ] || echo "test.sh: full sanitize pass skipped (no $sanitize yet; SILICO_TEST_SANITIZE=1 builds it, about 29 minutes the first time)"
  if [ "$want" = 0 ] && [ $(( $(date +%s) - started )) -lt $((18 * 60)) ]; then
    small="$root/build-sanitize-fuzz"
    if [ ! -f "$small/CMakeCache.txt" ]; then
      cmake -S "$root" -B "$small" -DCMAKE_BUILD_TYPE=Release -DSILICO_SANITIZE=ON -DSILICO_ENABLE_BENCHMARKS=OFF >/dev/null
    fi
    cmake --build "$small" -j "$(nproc)" --target test_spec_fuzz test_spec_limits
    echo "test.sh: the spec reader's fuzz and limits tests under AddressSanitizer and UBSan"
    "$small/tests/test_spec_fuzz" --gtest_brief=1
    "$small/tests/test_spec_limits" --gtest_brief=1
  fi
fi
if [ "$want" = 1 ]; then
  if [ ! -f "$sanitize/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$sanitize" -DCMAKE_BUILD_TYPE=Release -DSILICO_SANITIZE=ON \
      -DSILICO_ENABLE_BENCHMARKS=OFF >/dev/null
  fi
  cmake --build "$sanitize" -j "$(nproc)"
  cd "$sanitize"
  ctest --output-on-failure -j "$(nproc)" -L sanitize
fi
