#!/usr/bin/env bash
# Install what is missing, build, and run the whole CTest suite: unit tests and the
# multi-rank integration tests. Usage: scripts/test.sh [extra ctest arguments]
#
# With SILICO_TEST_SANITIZE=1, then also the sanitize pass: silico, the unit tests and the
# reader fuzz test built with AddressSanitizer and UBSan (-DSILICO_SANITIZE=ON) in
# build-sanitize/, and the tests labelled `sanitize` run there. It is off by default: on
# a 2-core machine the first build of build-sanitize/ takes about 29 minutes and the tests
# about 3.5, more than the 30 minutes CI may take once the default run's ~7 are added; with
# build-sanitize/ kept from an earlier run it costs about 5 minutes (see README, Testing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh"
# Tests run mpirun as root on machines with 2 cores: allow both.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"

if [ "${SILICO_TEST_SANITIZE:-0}" = 1 ]; then
  sanitize="${SILICO_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
  if [ ! -f "$sanitize/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$sanitize" -DCMAKE_BUILD_TYPE=Release -DSILICO_SANITIZE=ON \
      -DSILICO_ENABLE_BENCHMARKS=OFF >/dev/null
  fi
  cmake --build "$sanitize" -j "$(nproc)"
  cd "$sanitize"
  ctest --output-on-failure -j "$(nproc)" -L sanitize
fi
