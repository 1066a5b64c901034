#!/usr/bin/env bash
# Install what is missing, build, and run the whole CTest suite: unit tests and the
# multi-rank integration tests. Usage: scripts/test.sh [extra ctest arguments]
#
# Then the sanitize pass, when time allows: silico, the unit tests and the reader fuzz
# test built with AddressSanitizer and UBSan (-DSILICO_SANITIZE=ON, compiled at -O1 -g1)
# in build-sanitize/, and the tests labelled `sanitize` run there. It runs when
# build-sanitize/ exists from an earlier run or when SILICO_TEST_SANITIZE=1 asks for it;
# SILICO_TEST_SANITIZE=0 skips it. Its first build compiles every unit test as well, too
# long for CI's 30 minutes next to the default run, so a fresh clone skips it.
#
# Otherwise, when the default run took less than 17 minutes, the small sanitize pass fits
# in CI's 30: both readers' fuzz tests under the sanitizers, built in build-sanitize-fuzz/
# (silico, corrupt_result and the spec reader's fuzz and limits tests: 4 min 53 s from
# cold on 2 cores, 6 min 38 s of CPU), then run (the result-reader corpus, 384 damaged
# files x 3 readers: 2 min 15 s).
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
  [ "$want" = 1 ] || echo "test.sh: full sanitize pass skipped (no $sanitize yet; SILICO_TEST_SANITIZE=1 builds it)"
  if [ "$want" = 0 ] && [ $(( $(date +%s) - started )) -lt $((17 * 60)) ]; then
    small="$root/build-sanitize-fuzz"
    if [ ! -f "$small/CMakeCache.txt" ]; then
      cmake -S "$root" -B "$small" -DCMAKE_BUILD_TYPE=Release -DSILICO_SANITIZE=ON -DSILICO_ENABLE_BENCHMARKS=OFF >/dev/null
    fi
    cmake --build "$small" -j "$(nproc)" --target silico corrupt_result test_spec_fuzz test_spec_limits
    echo "test.sh: both readers' fuzz tests under AddressSanitizer and UBSan"
    "$small/tests/test_spec_fuzz" --gtest_brief=1
    "$small/tests/test_spec_limits" --gtest_brief=1
    (cd "$small" && ctest --output-on-failure -R '^fuzz_result_reader$')
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
