#!/usr/bin/env bash
# damaged_results.sh CASE: one regression test per reader defect of issue 12, each a
# CTest test of its own name. A damaged result file is refused with exit 2, naming the
# file and what is wrong in it; before the fix these crashed (SIGSEGV), printed heap
# memory as results with exit 0, or exited 1 ("internal error").
source "$(dirname "$0")/lib.sh"
: "${CORRUPT_RESULT:?run through ctest}"
case="${1:?usage: damaged_results.sh CASE}"

# A small valid file: 3 replicates of 40 patients, group-sequential log-rank looks.
valid() {
  sed -e 's/patients: 400, replicates: 2000/patients: 40, replicates: 3/' -e 's/data_cut_events: 247/data_cut_events: 20/' \
    "$SILICO_SOURCE_DIR/tests/data/group_sequential.yaml" > "$WORK/gs.yaml"
  "$SILICO" run "$WORK/gs.yaml" -o "$WORK/valid.h5" -q
}
# damaged NAME: a copy of the valid file with the damage NAME of corrupt_result.
damaged() { "$CORRUPT_RESULT" "$WORK/valid.h5" "$WORK/$1.h5" "case=$1"; }
# refused PATTERN command...: exit 2, PATTERN in the message, nothing on stdout.
refused() {
  local pattern="$1"; shift
  expect_exit 2 "$@"
  grep -qF -- "$pattern" "$WORK/stderr" || fail "expected '$pattern' from $*, got: $(cat "$WORK/stderr")"
  [ ! -s "$WORK/stdout" ] || fail "a refused file printed results: $(head -5 "$WORK/stdout")"
}
effect=/replicates/os/logrank/treatment/effect

case "$case" in
  summarize_short_series)  # replicate 2 of a 2-value series: heap memory as results, exit 0
    valid && damaged series-short
    refused "'$WORK/series-short.h5' is damaged or not a silico result file: dataset $effect is [2], not [replicates] = [3]" \
      "$SILICO" summarize "$WORK/series-short.h5" --replicate 2
    damaged series-all-short
    refused "is [1], not [replicates] = [3]" "$SILICO" summarize "$WORK/series-all-short.h5" --replicate 1 ;;
  summarize_empty_series)  # SIGSEGV
    valid && damaged series-empty
    refused "dataset $effect is [0], not [replicates] = [3]" "$SILICO" summarize "$WORK/series-empty.h5"
    damaged series-all-empty
    refused "is [0], not [replicates] = [3]" "$SILICO" summarize "$WORK/series-all-empty.h5" ;;
  summarize_missing_series)  # std::out_of_range: exit 1
    valid && damaged series-se-missing
    refused "'$WORK/series-se-missing.h5' is damaged or not a silico result file: it has no series /replicates/os/logrank/treatment/se" \
      "$SILICO" summarize "$WORK/series-se-missing.h5" ;;
  summarize_corrupt_attribute)  # 3 values read into one: SIGSEGV
    valid && damaged patients-array
    refused "'$WORK/patients-array.h5' is damaged or not a silico result file: cannot read root attribute patients: HDF5: attribute patients holds 3 values, not one" \
      "$SILICO" summarize "$WORK/patients-array.h5"
    damaged format_version-array
    refused "attribute format_version holds 5 values, not one" "$SILICO" summarize "$WORK/format_version-array.h5"
    damaged patients-negative
    refused "attribute patients is negative (-5)" "$SILICO" summarize "$WORK/patients-negative.h5"
    damaged status-fixed-unterminated
    refused "is not complete (status = cccccccc)" "$SILICO" summarize "$WORK/status-fixed-unterminated.h5" ;;
  summarize_gs_looks_mismatch)  # read past the boundaries
    valid && damaged gs_boundaries-short
    refused "/replicates/os/logrank has 3 gs_looks and 1 gs_boundaries" "$SILICO" summarize "$WORK/gs_boundaries-short.h5"
    damaged gs_looks-garbage
    refused "attribute gs_looks of /replicates/os/logrank is not a list of numbers: '0.5,abc,1'" \
      "$SILICO" summarize "$WORK/gs_looks-garbage.h5" ;;
  merge_corrupt_attribute)  # 8 values read into one double: SIGSEGV
    valid && damaged wall_seconds-array
    refused "attribute wall_seconds holds 8 values, not one" \
      "$SILICO" merge "$WORK/wall_seconds-array.h5" -o "$WORK/merged.h5"
    [ ! -e "$WORK/merged.h5" ] && [ ! -e "$WORK/merged.h5.partial" ] || fail "a refused merge left a file" ;;
  report_arm_index_out_of_range)  # arm 7 of 2
    valid && damaged arm-index-7
    refused "/cohort/arm has arm 7 for patient 0 of row 0; the trial has 2 arms" \
      "$SILICO" report "$WORK/arm-index-7.h5" -o "$WORK/report.html" --study-patients 10
    [ ! -e "$WORK/report.html" ] || fail "a refused report was written" ;;
  readers_hdf5_error_exit_2)  # libhdf5 failures were internal errors, exit 1
    valid && damaged series-header-zeroed
    file="$WORK/series-header-zeroed.h5"
    message="'$file' is damaged or not a silico result file: cannot read /replicates: HDF5: cannot list datasets"
    refused "$message" "$SILICO" summarize "$file"
    refused "$message" "$SILICO" report "$file" -o "$WORK/report.html" --study-patients 10
    refused "$message" "$SILICO" merge "$file" -o "$WORK/merged.h5"
    head -c 40000 "$WORK/valid.h5" > "$WORK/truncated.h5"
    refused "'$WORK/truncated.h5' is damaged or not a silico result file: cannot read the file: HDF5: cannot open it (truncated file" \
      "$SILICO" summarize "$WORK/truncated.h5" ;;
  summarize_help_replicate)  # the usage line left --replicate out
    expect_exit 0 "$SILICO" summarize --help
    grep -q "^usage: silico summarize OUT.h5 \[--replicate R\] \[--json FILE\]$" "$WORK/stdout" ||
      fail "usage line: $(head -1 "$WORK/stdout")" ;;
  summarize_tte_columns)  # median and landmark columns did not line up with their headers
    "$SILICO" run "$SILICO_SOURCE_DIR/configs/example.yaml" -o "$WORK/example.h5" -q
    "$SILICO" summarize "$WORK/example.h5" > "$WORK/summary.txt"
    python3 - "$WORK/summary.txt" <<'PY'
import sys

lines = open(sys.argv[1]).read().splitlines()
at = next(i for i, l in enumerate(lines) if l.startswith("  arm ") and "median [95% CI]" in l)
header, rows = lines[at], lines[at + 1:at + 3]
assert [r.split()[0] for r in rows] == ["control", "treatment"], rows
# Left-aligned columns start where their header does; n and events end where theirs do.
for title in ("median [95% CI]", "S(12) [CI]", "S(24) [CI]"):
    start = header.index(title)
    for r in rows:
        assert r[start - 1] == " " and r[start] != " ", (title, header, r)
for title in (" n ", " events "):
    end = header.index(title) + len(title) - 2
    for r in rows:
        assert r[end] != " " and r[end + 1] == " ", (title, header, r)
assert all(l == l.rstrip() for l in [header] + rows), "trailing blanks"
PY
    ;;
  *) fail "no case $case" ;;
esac
echo "$case: ok"
