#!/usr/bin/env bash
# `silico merge` joins the parts of a replicate study, run on different rank counts and
# given in any order, into a file whose results are those of a run of the whole study,
# trajectories included; run information describes the merge. Parts that do not make up
# the study exactly once, come from another study, or are not complete are refused with
# exit 2, before anything is written. The merged wall_seconds is the parts' sum.
source "$(dirname "$0")/lib.sh"

# attribute FILE [OBJECT/]NAME: the value of one attribute, as h5dump prints it.
attribute() { h5dump -a "$2" "$1" | sed -n 's/^ *(0): //p'; }
# wall FILE: its wall_seconds with all 17 digits.
wall() { h5dump -m %.17g -a /wall_seconds "$1" | sed -n 's/^ *(0): //p'; }

# --- A time-to-event study of 6 replicates: whole, and as parts 0:2, 2:1, 3:3.
sed 's/replicates: 2000/replicates: 6/' "$SILICO_SOURCE_DIR/tests/data/null_tte.yaml" > "$WORK/tte.yaml"
# With observed outcomes to validate against: stored once per file, not per replicate.
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"
cat >> "$WORK/tte.yaml" <<EOF
validation:
  - {endpoint: os, arm: control, observed_file: cohorts/ncctg_lung_outcomes.csv,
     time_unit: days, tolerance: 0.2}
EOF
mpi_run 2 run "$WORK/tte.yaml" -o "$WORK/whole.h5" -q
mpi_run 1 run "$WORK/tte.yaml" -o "$WORK/a.h5" -q --replicates 0:2
mpi_run 3 run "$WORK/tte.yaml" -o "$WORK/b.h5" -q --replicates 2:1
mpi_run 2 run "$WORK/tte.yaml" -o "$WORK/c.h5" -q --replicates 3:3

"$SILICO" merge "$WORK/c.h5" "$WORK/a.h5" "$WORK/b.h5" -o "$WORK/merged.h5" 2> "$WORK/merge.log"
same_results "$WORK/whole.h5" "$WORK/merged.h5"
grep -q "wrote $WORK/merged.h5: 200 patients x 6 replicate(s) from 3 part(s)" "$WORK/merge.log" ||
  fail "closing line: $(cat "$WORK/merge.log")"
[ "$(attribute "$WORK/merged.h5" status)" = '"complete"' ] || fail "status"
[ "$(attribute "$WORK/merged.h5" replicates)" = 6 ] || fail "replicates"
[ "$(attribute "$WORK/merged.h5" first_replicate)" = 0 ] || fail "first_replicate"
[ "$(attribute "$WORK/merged.h5" mpi_ranks)" = 1 ] || fail "mpi_ranks of a merge"
attribute "$WORK/merged.h5" command_line | grep -q "merge $WORK/c.h5" || fail "command_line of a merge"
[ "$(attribute "$WORK/merged.h5" merged_parts)" = 3 ] || fail "merged_parts"
# The sum of the parts' wall times, added in replicate order (a, b, c), to the last bit.
python3 - "$(wall "$WORK/a.h5")" "$(wall "$WORK/b.h5")" "$(wall "$WORK/c.h5")" "$(wall "$WORK/merged.h5")" <<'PY'
import sys
a, b, c, merged = map(float, sys.argv[1:])
assert min(a, b, c) > 0, sys.argv[1:]
assert merged == a + b + c, f"merged wall_seconds {merged!r} is not {a!r} + {b!r} + {c!r} = {a + b + c!r}"
PY
for a in /cohort/candidates_drawn /cohort/acceptance_rate spec_yaml seed study_replicates; do
  [ "$(attribute "$WORK/merged.h5" $a)" = "$(attribute "$WORK/whole.h5" $a)" ] || fail "$a differs from the whole run"
done
# Nothing else differs from a run of the whole study: same datasets, same creation
# properties (chunking, filters), same attributes but those describing the run.
h5dump -p -H "$WORK/whole.h5" | sed 's/OFFSET [0-9]*//; 1d' > "$WORK/whole.header"
# merged_parts is the one attribute a run does not have.
h5dump -p -H "$WORK/merged.h5" | sed 's/OFFSET [0-9]*//; 1d; /^   ATTRIBUTE "merged_parts" {/,/^   }/d' \
  > "$WORK/merged.header"
diff "$WORK/whole.header" "$WORK/merged.header" || fail "dataset layout differs from the whole run"
h5diff -c "$WORK/whole.h5" "$WORK/merged.h5" > "$WORK/h5diff.txt" || true
grep -q "^attribute: <command_line of </>>" "$WORK/h5diff.txt" || fail "h5diff did not compare root attributes"
if grep -v -E '^attribute: <(command_line|created_utc|mpi_ranks|threads|wall_seconds) of </>>|^[0-9]+ differences? found$' \
  "$WORK/h5diff.txt"; then
  fail "the merged file differs from the whole run in more than the run information (above)"
fi
"$SILICO" summarize "$WORK/whole.h5" --json "$WORK/whole.json" > "$WORK/whole.txt"
"$SILICO" summarize "$WORK/merged.h5" --json "$WORK/merged.json" > "$WORK/merged.txt"
diff "$WORK/whole.txt" "$WORK/merged.txt" || fail "summaries differ"
diff "$WORK/whole.json" "$WORK/merged.json" || fail "JSON summaries differ"

h5dump -d /validation/target_0/time "$WORK/merged.h5" | grep -q "DATASPACE  SIMPLE { ( 228 ) / ( 228 ) }" ||
  fail "the observed outcomes are not stored once in the merged file"

# One part holding the whole study merges into a copy of it.
"$SILICO" merge "$WORK/whole.h5" -o "$WORK/copy.h5" -q
same_results "$WORK/whole.h5" "$WORK/copy.h5"
[ "$(wall "$WORK/copy.h5")" = "$(wall "$WORK/whole.h5")" ] || fail "wall_seconds of a one-part merge"
[ "$(attribute "$WORK/copy.h5" merged_parts)" = 1 ] || fail "merged_parts of a one-part merge"

# --- Trajectories, copied in slabs of at most 1 MiB: a row of 1200 patients x 113
# times (1.08 MB) is split, and the parts' rows meet inside the output's chunks' rows.
sed -e 's/patients: 3000/patients: 1200\n  replicates: 4/' \
  "$SILICO_SOURCE_DIR/configs/pk_dose_finding.yaml" > "$WORK/pk.yaml"
mpi_run 2 run "$WORK/pk.yaml" -o "$WORK/pk-whole.h5" -q
mpi_run 2 run "$WORK/pk.yaml" -o "$WORK/pk-1.h5" -q --replicates 1:3
mpi_run 1 run "$WORK/pk.yaml" -o "$WORK/pk-0.h5" -q --replicates 0:1
"$SILICO" merge "$WORK/pk-1.h5" "$WORK/pk-0.h5" -o "$WORK/pk-merged.h5" -q --buffer-mib 1
h5ls "$WORK/pk-merged.h5/trajectories/concentration" | grep -q "{4, 1200, 113}" || fail "trajectory shape"
same_results "$WORK/pk-whole.h5" "$WORK/pk-merged.h5"

# --- PROCOVA: the historical cohort and its prognostic model are the study's, stored once
# (not stacked), and each patient's prognostic score is stacked like the outcomes.
sed 's/replicates: 2000/replicates: 4/' "$SILICO_SOURCE_DIR/tests/data/null_continuous.yaml" > "$WORK/procova.yaml"
mpi_run 2 run "$WORK/procova.yaml" -o "$WORK/procova-whole.h5" -q
mpi_run 1 run "$WORK/procova.yaml" -o "$WORK/procova-0.h5" -q --replicates 0:3
mpi_run 2 run "$WORK/procova.yaml" -o "$WORK/procova-1.h5" -q --replicates 3:1
"$SILICO" merge "$WORK/procova-1.h5" "$WORK/procova-0.h5" -o "$WORK/procova-merged.h5" -q
h5ls "$WORK/procova-merged.h5/procova/outcomes/y" | grep -q "{2000}" || fail "/procova/outcomes/y shape"
h5ls "$WORK/procova-merged.h5/outcomes/y/prognostic_score" | grep -q "{4, " || fail "prognostic_score shape"
same_results "$WORK/procova-whole.h5" "$WORK/procova-merged.h5"

# --- Refusals: exit 2, a message, and neither OUT.h5 nor OUT.h5.partial.
refused() {  # refused PATTERN PART...: merging the parts into out.h5 fails with PATTERN
  local pattern="$1"; shift
  expect_exit 2 "$SILICO" merge "$@" -o "$WORK/out.h5"
  grep -q -- "$pattern" "$WORK/stderr" || fail "expected '$pattern', got: $(cat "$WORK/stderr")"
  [ ! -e "$WORK/out.h5" ] && [ ! -e "$WORK/out.h5.partial" ] || fail "a refused merge left a file"
}
refused "replicate 2 missing: no part holds it ('$WORK/a.h5' ends at 1, '$WORK/c.h5' starts at 3)" \
  "$WORK/a.h5" "$WORK/c.h5"
refused "replicates 3-5 missing" "$WORK/b.h5" "$WORK/a.h5"
mpi_run 2 run "$WORK/tte.yaml" -o "$WORK/overlap.h5" -q --replicates 1:2
refused "replicate 1 in both '$WORK/a.h5' (0-1) and '$WORK/overlap.h5' (1-2)" \
  "$WORK/a.h5" "$WORK/b.h5" "$WORK/c.h5" "$WORK/overlap.h5"
grep -q "replicate 2 in both '$WORK/overlap.h5' (1-2) and '$WORK/b.h5' (2)" "$WORK/stderr" || fail "second overlap"
refused "is named twice" "$WORK/a.h5" "$WORK/b.h5" "$WORK/c.h5" "$WORK/a.h5"
sed 's/seed: 4242/seed: 4243/' "$WORK/tte.yaml" > "$WORK/other_seed.yaml"
"$SILICO" run "$WORK/other_seed.yaml" -o "$WORK/other_seed.h5" -q --replicates 2:1
refused "seed 4243, not 4242" "$WORK/a.h5" "$WORK/other_seed.h5" "$WORK/c.h5"
sed 's/scale: 18/scale: 19/' "$WORK/tte.yaml" > "$WORK/other_spec.yaml"
"$SILICO" run "$WORK/other_spec.yaml" -o "$WORK/other_spec.h5" -q --replicates 2:1
refused "run from a different spec" "$WORK/a.h5" "$WORK/other_spec.h5" "$WORK/c.h5"
refused "a study of 4 replicates, not 6" "$WORK/a.h5" "$WORK/pk-1.h5"
# A dataset that the other parts do not have.
cp "$WORK/b.h5" "$WORK/extra.h5"
h5copy -i "$WORK/b.h5" -o "$WORK/extra.h5" -s /cohort/arm -d /cohort/extra
refused "has an extra dataset /cohort/extra" "$WORK/a.h5" "$WORK/extra.h5" "$WORK/c.h5"
# Incomplete files: status not "complete" (the status string, in HDF5's global heap,
# which has no checksum, is edited in place), a truncated copy, and the .partial file
# of a run killed mid-way.
cp "$WORK/b.h5" "$WORK/incomplete.h5"
perl -0777 -pi -e 's/(?<!in)complete/Complete/g' "$WORK/incomplete.h5"
refused "'$WORK/incomplete.h5' is not complete (status = Complete)" "$WORK/a.h5" "$WORK/incomplete.h5" "$WORK/c.h5"
head -c 20000 "$WORK/b.h5" > "$WORK/truncated.h5"
refused "'$WORK/truncated.h5'" "$WORK/a.h5" "$WORK/truncated.h5" "$WORK/c.h5"
sed 's/patients: 200,/patients: 2000000,/' "$WORK/tte.yaml" > "$WORK/slow.yaml"
"$SILICO" run "$WORK/slow.yaml" -o "$WORK/killed.h5" -q --replicates 2:1 --block-patients 10000 &
run=$!
for _ in $(seq 1 200); do [ -e "$WORK/killed.h5.partial" ] && break; sleep 0.05; done
kill -9 "$run" 2>/dev/null || true
wait "$run" 2>/dev/null || true
[ -e "$WORK/killed.h5.partial" ] || fail "the run to be killed never started writing"
refused "'$WORK/killed.h5.partial'" "$WORK/a.h5" "$WORK/killed.h5.partial" "$WORK/c.h5"
refused "'$WORK/missing.h5' does not exist" "$WORK/a.h5" "$WORK/missing.h5" "$WORK/c.h5"
# The output: refused if it exists (untouched), replaced with --force.
cp "$WORK/a.h5" "$WORK/out.h5"
expect_exit 2 "$SILICO" merge "$WORK/a.h5" "$WORK/b.h5" "$WORK/c.h5" -o "$WORK/out.h5"
grep -q "already exists; use --force" "$WORK/stderr" || fail "existing output message"
cmp -s "$WORK/a.h5" "$WORK/out.h5" || fail "a refused merge changed the existing output"
"$SILICO" merge "$WORK/a.h5" "$WORK/b.h5" "$WORK/c.h5" -o "$WORK/out.h5" -q --force
same_results "$WORK/whole.h5" "$WORK/out.h5"
expect_exit 2 "$SILICO" merge "$WORK/a.h5" "$WORK/b.h5" "$WORK/c.h5" -o "$WORK/c.h5" --force
grep -q "never writes over its inputs" "$WORK/stderr" || fail "output over a part"
expect_exit 2 "$SILICO" merge -o "$WORK/none.h5"
grep -q "no parts given" "$WORK/stderr" || fail "no parts message"
echo "merge: ok"
