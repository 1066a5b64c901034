#!/usr/bin/env bash
# Macro benchmarks of `silico run` on this machine, printed as a table:
# - patients per second per core for the example, PK/PD and TGI configs (1 rank, 1 thread);
# - strong scaling: the same run on 2 ranks x 1 thread, and the speed-up in the same session;
# - peak resident memory per rank of configs/example.yaml at N = 10^5, 10^6 and 10^7
#   (one replicate, default --block-patients), and the time and peak memory of
#   `silico report` on each of those files;
# - HDF5 write throughput of the result writer against a raw sequential write of the same
#   bytes on the same disk (benchmarks/bench_io.cpp), on 1 and 2 ranks.
# Usage: scripts/bench_macro.sh [--quick]   (--quick: smaller sizes, for a smoke test)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"
silico="$build/src/silico"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl="self,vader,tcp" OMPI_MCA_btl_vader_single_copy_mechanism=none
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/cohorts" "$work/"  # what the configs include, beside their variants
quick=0
[ "${1:-}" = "--quick" ] && quick=1

# with_patients CONFIG N: the config with trial.patients = N, beside a copy of cohorts/.
with_patients() {
  sed -E "s/^(  patients:) *[0-9]+/\1 $2/" "$root/configs/$1.yaml" \
    > "$work/$1-$2.yaml"
  echo "$work/$1-$2.yaml"
}

# timed RANKS SPEC: wall seconds and peak RSS (KiB, largest rank) of one run.
timed() {
  local ranks="$1" spec="$2" out="$work/out.h5"
  rm -f "$out"
  /usr/bin/time -f "%e %M" -o "$work/time" \
    mpirun --oversubscribe -np "$ranks" /usr/bin/time -f "%M" -a -o "$work/rss" \
    "$silico" run "$spec" -o "$out" -q --threads 1 >/dev/null
  local wall; wall=$(cut -d' ' -f1 "$work/time")
  local rss; rss=$(sort -n "$work/rss" | tail -1)
  rm -f "$work/rss"
  echo "$wall $rss"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(lscpu | sed -n 's/^Model name: *//p')"
echo
printf "%-24s %10s %12s %12s %14s %9s\n" config patients "1 rank (s)" "2 ranks (s)" "patients/s/core" speed-up
for entry in example:1000000 pk_dose_finding:20000 oncology_tgi:200000; do
  config="${entry%%:*}"; n="${entry#*:}"
  [ "$quick" = 1 ] && n=$((n / 20))
  spec=$(with_patients "$config" "$n")
  read -r one _ < <(timed 1 "$spec")
  read -r two _ < <(timed 2 "$spec")
  awk -v c="$config" -v n="$n" -v a="$one" -v b="$two" \
    'BEGIN { printf "%-24s %10d %12.2f %12.2f %14.0f %9.2f\n", c, n, a, b, n / a, a / b }'
done
# A replicate study: the analyses spread over the ranks too (one replicate per rank per round).
n=2000
[ "$quick" = 1 ] && n=200
sed "s/replicates: 2000/replicates: $n/" "$root/tests/data/null_tte.yaml" > "$work/study.yaml"
read -r one _ < <(timed 1 "$work/study.yaml")
read -r two _ < <(timed 2 "$work/study.yaml")
awk -v n="$n" -v a="$one" -v b="$two" \
  'BEGIN { printf "%-24s %10s %12.2f %12.2f %14.0f %9.2f\n", "null_tte x " n " repl.", "200/repl.", a, b, n * 200 / a, a / b }'
echo
echo "(wall time of the whole run: simulation, HDF5 writes, analysis; one thread per rank)"
echo
printf "%-12s %12s %16s %12s %18s\n" patients "wall (s)" "peak RSS (MiB)" "report (s)" "report RSS (MiB)"
sizes="100000 1000000 10000000"
[ "$quick" = 1 ] && sizes="10000 100000"
for n in $sizes; do
  spec=$(with_patients example "$n")
  read -r wall rss < <(timed 1 "$spec")
  # silico report of that run (default --max-patients, a small sensitivity study).
  rm -f "$work/out.html"
  /usr/bin/time -f "%e %M" -o "$work/report_time" \
    "$silico" report "$work/out.h5" -o "$work/out.html" --study-patients 500 >/dev/null
  read -r report_wall report_rss < "$work/report_time"
  awk -v n="$n" -v w="$wall" -v r="$rss" -v rw="$report_wall" -v rr="$report_rss" \
    'BEGIN { printf "%-12d %12.2f %16.0f %12.2f %18.0f\n", n, w, r / 1024, rw, rr / 1024 }'
done

echo
io_patients=4000000
[ "$quick" = 1 ] && io_patients=400000
for ranks in 1 2; do
  mpirun --oversubscribe -np "$ranks" "$build/benchmarks/silico_io_bench" --patients "$io_patients" --dir "$work"
done
