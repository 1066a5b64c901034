#!/usr/bin/env bash
# Memory per rank is bounded by the block size, not by the number of patients:
# configs/example.yaml at 10^7 patients (one replicate) on 2 ranks peaks within 64 MiB of
# the same run at 10^5 patients. The patient phase holds one block; the analysis of the
# replicate walks it block by block and spills its survival rows to sorted runs on disk.
# The report of the 10^7 run reads a bounded sample of the patients.
source "$(dirname "$0")/lib.sh"
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"  # what the example includes, beside the variants
peak_rss() {  # patients -> the larger of the two ranks' peak RSS, in KiB
  sed -E "s/^(  patients:) *[0-9]+/\1 $1/" \
    "$SILICO_SOURCE_DIR/configs/example.yaml" > "$WORK/n$1.yaml"
  rm -f "$WORK/rss$1"
  "$MPIEXEC" --oversubscribe -np 2 /usr/bin/time -f "%M" -a -o "$WORK/rss$1" \
    "$SILICO" run "$WORK/n$1.yaml" -o "$WORK/n$1.h5" -q
  [ "$(wc -l < "$WORK/rss$1")" -eq 2 ] || fail "expected one peak-RSS line per rank: $(cat "$WORK/rss$1")"
  sort -n "$WORK/rss$1" | tail -1
}
small=$(peak_rss 100000)
large=$(peak_rss 10000000)
h5dump -H -d /outcomes/os/observed/time "$WORK/n10000000.h5" | grep -q "( 1, 10000000 )" || fail "not 10^7 patients"
[ "$large" -lt $((small + 64 * 1024)) ] ||
  fail "peak RSS grew with the patients: $small KiB at 10^5, $large KiB at 10^7"
[ "$large" -lt $((2 * 1024 * 1024)) ] || fail "a rank peaked at $large KiB, above 2 GiB"
# The analysis' sorted runs are unnamed files: nothing is left next to the result.
[ -z "$(find "$WORK" -name '*.tmp*' -o -name 'spill*')" ] || fail "temporary files left in $WORK"
# The report reads the first --max-patients (10^6) patients of the replicate, not all.
report_rss() {  # patients -> peak RSS of silico report, in KiB
  /usr/bin/time -f "%M" -o "$WORK/report_rss$1" \
    "$SILICO" report "$WORK/n$1.h5" -o "$WORK/n$1.html" --study-patients 500
  tail -1 "$WORK/report_rss$1"
}
report_small=$(report_rss 100000)
report_large=$(report_rss 10000000)
grep -q "its first 1000000 of 10000000 patients" "$WORK/n10000000.html" || fail "the report does not say it shows a sample"
[ "$report_large" -lt $((512 * 1024)) ] ||
  fail "silico report peaked at $report_large KiB at 10^7 patients ($report_small KiB at 10^5)"
echo "memory_10m: report peak RSS $report_small KiB at 10^5 patients, $report_large KiB at 10^7"
echo "memory_10m: ok (largest peak RSS per rank: $small KiB at 10^5 patients, $large KiB at 10^7)"
