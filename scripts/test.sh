#!/usr/bin/env bash
# Install what is missing, build, and run the whole CTest suite: unit tests and the
# multi-rank integration tests. Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh"
# Tests run mpirun as root on machines with 2 cores: allow both.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
