#!/usr/bin/env bash
# A write that fails on some ranks (here: a full file system) stops every rank with an
# error (exit 1) and nothing under the final name, never a hang. A rank whose HDF5 call
# failed may have left a collective call the others are still in; silico keeps the
# collective sequence where it can, ends the run by MPI_Abort instead of a collective
# close after a failed write, and a failed rank that gets no answer from the others
# within 60 s aborts them all (with 3 ranks here the flush diverges inside HDF5, so this
# last path is taken). Needs root (mounts a 3 MiB tmpfs).
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "disk_full: skipped (needs root to mount a tmpfs)"; exit 77; }
full="$WORK/full"
mkdir -p "$full"
mount -t tmpfs -o size=3m tmpfs "$full" || { echo "disk_full: skipped (cannot mount a tmpfs)"; exit 77; }
trap 'umount "$full" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"  # what the example includes, beside the variant
sed -E "s/^(  patients:) *[0-9]+/\1 200000/" \
  "$SILICO_SOURCE_DIR/configs/example.yaml" > "$WORK/big.yaml"
for ranks in 1 2 3; do
  code=0
  timeout 150 "$MPIEXEC" --oversubscribe -np "$ranks" "$SILICO" run "$WORK/big.yaml" -o "$full/out.h5" -q \
    --block-patients 20000 > "$WORK/log" 2>&1 || code=$?
  [ "$code" -ne 124 ] || fail "$ranks rank(s): the run hung on a full disk"
  [ "$code" -eq 1 ] || { cat "$WORK/log"; fail "$ranks rank(s): exit $code on a full disk, expected 1"; }
  grep -q "rank [0-9]: HDF5: cannot" "$WORK/log" || { cat "$WORK/log"; fail "$ranks rank(s): no write error printed"; }
  [ ! -e "$full/out.h5" ] || fail "$ranks rank(s): a failed run left out.h5"
  rm -f "$full"/*
done
echo "disk_full: ok"
