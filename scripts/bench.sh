#!/usr/bin/env bash
# Build and run the benchmarks: Google Benchmark's micro-benchmarks (arguments are passed
# to it, e.g. --benchmark_filter=Pk), then the macro benchmarks of whole `silico run`s
# (scripts/bench_macro.sh). SILICO_BENCH_MICRO_ONLY=1 skips the macro part.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh" >/dev/null
"$build/benchmarks/silico_bench" "$@"
if [ "${SILICO_BENCH_MICRO_ONLY:-0}" != 1 ]; then
  echo
  "$root/scripts/bench_macro.sh"
fi
