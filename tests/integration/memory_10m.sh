#!/usr/bin/env bash
# 10^7 patients (configs/example.yaml, one replicate) on 2 ranks stay below 2 GiB
# resident per rank: the patient phase is bounded by --block-patients, and the analysis
# of the one replicate (on rank 0) holds its patients' columns once, without copies.
source "$(dirname "$0")/lib.sh"
sed -E "s/^(  patients:) *[0-9]+/\1 10000000/; s#include: cohorts/#include: $SILICO_SOURCE_DIR/cohorts/#" \
  "$SILICO_SOURCE_DIR/configs/example.yaml" > "$WORK/ten_million.yaml"
"$MPIEXEC" --oversubscribe -np 2 /usr/bin/time -f "%M" -a -o "$WORK/rss" \
  "$SILICO" run "$WORK/ten_million.yaml" -o "$WORK/big.h5" -q
[ "$(wc -l < "$WORK/rss")" -eq 2 ] || fail "expected one peak-RSS line per rank: $(cat "$WORK/rss")"
limit=$((2 * 1024 * 1024))  # KiB
while read -r kib; do
  [ "$kib" -lt "$limit" ] || fail "a rank peaked at $kib KiB, above 2 GiB"
done < "$WORK/rss"
h5dump -H -d /outcomes/os/observed/time "$WORK/big.h5" | grep -q "( 1, 10000000 )" || fail "not 10^7 patients"
echo "memory_10m: ok (peak RSS per rank in KiB: $(tr '\n' ' ' < "$WORK/rss"))"
