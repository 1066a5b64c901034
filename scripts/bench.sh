#!/usr/bin/env bash
# Build and run the micro-benchmarks; prints Google Benchmark's table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh" >/dev/null
"$build/benchmarks/silico_bench" "$@"
