#!/usr/bin/env bash
# `silico run --replicates FIRST:COUNT` writes exactly the study's replicates FIRST ..
# FIRST+COUNT-1: every dataset row of a part equals the same replicate's row of a run of
# the whole study, whatever the ranks; summarize names the study's replicate; a range
# outside the study is refused with exit 2 and no file.
source "$(dirname "$0")/lib.sh"
sed 's/replicates: 2000/replicates: 6/' "$SILICO_SOURCE_DIR/tests/data/null_tte.yaml" > "$WORK/tte.yaml"
mpi_run 2 run "$WORK/tte.yaml" -o "$WORK/full.h5" -q
mpi_run 1 run "$WORK/tte.yaml" -o "$WORK/part-a.h5" -q --replicates 0:2
mpi_run 3 run "$WORK/tte.yaml" -o "$WORK/part-b.h5" -q --replicates 2:4

# row_of FILE DATASET ROW: the values of one replicate's row, without h5dump's headers.
row_of() {
  local dims rank start count
  dims=$(h5ls "$1$2" | sed -n 's/.*Dataset {\(.*\)}.*/\1/p' | tr -d ' ')
  rank=$(echo "$dims" | tr ',' '\n' | wc -l)
  case "$rank" in
    1) start="$3"; count="1" ;;
    2) start="$3,0"; count="1,${dims#*,}" ;;
    3) start="$3,0,0"; count="1,${dims#*,}" ;;
  esac
  h5dump -w 0 -d "$2" -s "$start" -c "$count" "$1" | sed -n '/DATA {/,/^ *}/p' | sed 's/^ *([0-9,]*)://'
}
[ -n "$(row_of "$WORK/full.h5" /cohort/arm 5)" ] || fail "row_of read nothing"
datasets=$(h5ls -r "$WORK/full.h5" | awk '$2 == "Dataset" {print $1}')
[ "$(echo "$datasets" | grep -c /replicates/)" -gt 5 ] || fail "no replicate series to compare"
for dataset in $datasets; do
  for replicate in 0 1 2 3 4 5; do
    if [ "$replicate" -lt 2 ]; then part="part-a"; row=$replicate; else part="part-b"; row=$((replicate - 2)); fi
    [ "$(row_of "$WORK/full.h5" "$dataset" "$replicate")" = "$(row_of "$WORK/$part.h5" "$dataset" "$row")" ] ||
      fail "$dataset replicate $replicate differs between the full run and $part"
  done
done
h5dump -a /first_replicate "$WORK/part-b.h5" | grep -q "(0): 2" || fail "first_replicate not recorded"
h5dump -a /study_replicates "$WORK/part-b.h5" | grep -q "(0): 6" || fail "study_replicates not recorded"

# summarize speaks of the study's replicate numbers.
"$SILICO" summarize "$WORK/part-b.h5" --replicate 3 > "$WORK/part.txt"
grep -q "replicate 3 of 6 (0-based) \[this file: replicates 2-5\]" "$WORK/part.txt" || fail "part summary header: $(head -1 "$WORK/part.txt")"
expect_exit 2 "$SILICO" summarize "$WORK/part-b.h5" --replicate 1
grep -q "holds replicate(s) 2 to 5" "$WORK/stderr" || fail "out-of-range replicate message"

expect_exit 2 "$SILICO" run "$WORK/tte.yaml" -o "$WORK/bad.h5" -q --replicates 5:2
grep -q "outside the study's 6 replicate" "$WORK/stderr" || fail "range message: $(cat "$WORK/stderr")"
expect_exit 2 "$SILICO" run "$WORK/tte.yaml" -o "$WORK/bad.h5" -q --replicates 3
grep -q "FIRST:COUNT" "$WORK/stderr" || fail "format message"
[ ! -e "$WORK/bad.h5" ] && [ ! -e "$WORK/bad.h5.partial" ] || fail "a refused run left a file"
echo "replicate_parts: ok"
