#!/usr/bin/env bash
# Install what is missing, build, run configs/example.yaml on 2 MPI ranks and print the
# summary. Output: out/example.h5 and out/example.json, both replaced on each call.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"

# The command-line tool only: the tests and benchmarks are scripts/test.sh's.
"$root/scripts/build.sh" silico
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$root/out"
silico="$build/src/silico"
# --oversubscribe: run 2 ranks even on a machine with a single core.
mpirun --oversubscribe -np 2 "$silico" run "$root/configs/example.yaml" \
  -o "$root/out/example.h5" --force
echo
"$silico" summarize "$root/out/example.h5" --json "$root/out/example.json" --force
echo
echo "results: $root/out/example.h5 (HDF5, layout in docs/hdf5-layout.md)"
echo "summary: $root/out/example.json"
