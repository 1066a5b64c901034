#!/usr/bin/env bash
# Submits a replicate study as a Slurm job array (replicate_array.sbatch, one block of
# replicates per task) and a merge job (merge.sbatch) that starts when every task has
# succeeded, and prints both job ids.
#
#   scripts/slurm/submit_replicates.sh SPEC OUT.h5 [REPLICATES_PER_BLOCK]
#
# REPLICATES_PER_BLOCK defaults to 100. The number of replicates, trial.replicates, is
# read from `silico check SPEC` ("... N patients x R replicate(s) ..."). Parts and logs
# go to PARTS_DIR (default: OUT.h5 without .h5, plus .parts/): part-<block>.h5,
# part-<block>.log and merge.log.
#
# Environment:
#   SILICO          the silico binary (default: build/src/silico of this repository,
#                   then silico on the PATH); passed on to the jobs
#   PARTS_DIR       where the parts and logs go
#   ARRAY_OPTIONS   extra sbatch options for the array, e.g. "--cpus-per-task=8 --time=2:00:00"
#   MERGE_OPTIONS   extra sbatch options for the merge job
#   MAX_RUNNING     at most this many array tasks at once (sbatch --array=...%N)
# sbatch's own variables (SBATCH_ACCOUNT, SBATCH_PARTITION, ...) apply to both jobs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 SPEC OUT.h5 [REPLICATES_PER_BLOCK]" >&2
  exit 2
fi
spec="$(realpath -m "$1")"
out="$(realpath -m "$2")"
per_block="${3:-100}"
case "$per_block" in '' | *[!0-9]* | 0) echo "$0: REPLICATES_PER_BLOCK must be a whole number >= 1, not '$per_block'" >&2; exit 2 ;; esac
parts_dir="$(realpath -m "${PARTS_DIR:-${out%.h5}.parts}")"

silico="${SILICO:-}"
if [ -z "$silico" ]; then
  if [ -x "$here/../../build/src/silico" ]; then
    silico="$(realpath "$here/../../build/src/silico")"
  else
    silico="$(command -v silico)" || { echo "$0: cannot find silico; set SILICO=/path/to/silico" >&2; exit 2; }
  fi
fi

# Refuse what would fail later, before anything is queued.
if [ -e "$out" ]; then
  echo "$0: $out already exists; move it away first" >&2
  exit 2
fi
[ -d "$(dirname "$out")" ] || { echo "$0: output folder $(dirname "$out") does not exist" >&2; exit 2; }
check=$("$silico" check "$spec") || exit 2  # silico check has printed every problem
study=$(echo "$check" | sed -n 's/.* patients x \([0-9][0-9]*\) replicate(s).*/\1/p')
[ -n "$study" ] || { echo "$0: cannot read the number of replicates from: $check" >&2; exit 2; }
blocks=$(((study + per_block - 1) / per_block))
max_array=$(scontrol show config 2>/dev/null | sed -n 's/^MaxArraySize *= *\([0-9]*\).*/\1/p')
if [ -n "$max_array" ] && [ "$blocks" -gt "$max_array" ]; then
  echo "$0: $blocks blocks exceed this cluster's MaxArraySize ($max_array): give more replicates per block" >&2
  exit 2
fi
mkdir -p "$parts_dir"

array="0-$((blocks - 1))${MAX_RUNNING:+%$MAX_RUNNING}"
# shellcheck disable=SC2086  # the option lists are meant to be split into words
array_job=$(sbatch --parsable --array="$array" --output="$parts_dir/part-%a.log" \
  --export=ALL,SILICO="$silico" ${ARRAY_OPTIONS:-} \
  "$here/replicate_array.sbatch" "$spec" "$parts_dir" "$per_block" "$study")
array_job="${array_job%%;*}"  # --parsable prints ID or ID;CLUSTER
# shellcheck disable=SC2086
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
  --output="$parts_dir/merge.log" --export=ALL,SILICO="$silico" ${MERGE_OPTIONS:-} \
  "$here/merge.sbatch" "$parts_dir" "$out")
merge_job="${merge_job%%;*}"

echo "study: $study replicate(s) of $spec in $blocks block(s) of up to $per_block"
echo "array job: $array_job (parts and logs in $parts_dir)"
echo "merge job: $merge_job (after every array task has succeeded; writes $out)"
