#!/usr/bin/env bash
# What checkpointing costs `silico run`, side by side in one session (the machine is
# shared, so compare the ratios): the 2,000-replicate study tests/data/null_tte.yaml on
# 1 rank x 1 thread, checkpointed after every round (--checkpoint-interval 0, what every
# run did before the interval existed) and at the default interval (300 s).
# For each: wall and CPU seconds and their ratio (time spent waiting on the disk shows as
# wall above CPU), and the metadata operations per replicate that a parallel file system
# pays for (open, rename, link, unlink, fsync/fdatasync, ftruncate), counted by strace in
# a separate run. Usage: scripts/bench_checkpoint.sh [--quick]   (--quick: 200 replicates)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SILICO_BUILD_DIR:-$root/build}"
silico="$build/src/silico"
command -v strace >/dev/null || { apt-get install -y -qq strace >/dev/null 2>&1 || sudo apt-get install -y -qq strace >/dev/null; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
replicates=2000
[ "${1:-}" = "--quick" ] && replicates=200
sed "s/replicates: 2000/replicates: $replicates/" "$root/tests/data/null_tte.yaml" > "$work/study.yaml"

printf '%-22s %8s %8s %9s %13s %13s\n' "checkpoint interval" "wall s" "CPU s" "wall/CPU" "metadata ops" "per replicate"
for interval in 0 300; do
  rm -f "$work/out.h5"
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$silico" run "$work/study.yaml" -o "$work/out.h5" -q --threads 1 \
    --checkpoint-interval "$interval" >/dev/null
  read -r wall user sys < "$work/time"
  rm -f "$work/out.h5"
  strace -f -c -o "$work/strace" -e trace=open,openat,creat,rename,renameat,renameat2,link,linkat,unlink,unlinkat,fsync,fdatasync,ftruncate \
    "$silico" run "$work/study.yaml" -o "$work/out.h5" -q --threads 1 --checkpoint-interval "$interval" >/dev/null
  ops=$(awk '$NF ~ /^(open|openat|creat|rename|renameat|renameat2|link|linkat|unlink|unlinkat|fsync|fdatasync|ftruncate)$/ { n += $4 } END { print n + 0 }' "$work/strace")
  awk -v i="$interval" -v w="$wall" -v u="$user" -v s="$sys" -v o="$ops" -v r="$replicates" \
    'BEGIN { printf "%-22s %8.2f %8.2f %9.2f %13d %13.2f\n", i " s", w, u + s, w / (u + s), o, o / r }'
done
echo "($replicates replicates of 200 patients, 1 rank x 1 thread; $(nproc) cores, $(date -u +%F))"
