#!/usr/bin/env bash
# Damaged and foreign result files: summarize, report and merge exit 0 or 2 on every file
# of a deterministic corpus (tests/tools/corrupt_result.cpp: fixed-seed byte flips in the
# superblock, object headers and anywhere, truncations, zeroed ranges, attributes and
# datasets of the wrong type, shape or range), never another code or a signal; when one
# exits 0 it prints only finite numbers or NA. Under the sanitize build (label sanitize)
# the same corpus also shows that nothing is read out of bounds.
source "$(dirname "$0")/lib.sh"
: "${CORRUPT_RESULT:?run through ctest}"

# Three small valid files. oncology_tgi: binary and time-to-event endpoints, trajectories,
# a cohort file stored beside the spec; every kind of damage. group_sequential with
# observed outcomes: its look attributes and /validation; the damage made through the API.
# null_continuous: /procova and the prognostic scores; the damage made through the API.
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"  # what the specs include, beside them
sed -e "s#patients: 600#patients: 30\n  replicates: 3#" \
  "$SILICO_SOURCE_DIR/configs/oncology_tgi.yaml" > "$WORK/tgi.yaml"
sed -e 's/patients: 400, replicates: 2000/patients: 40, replicates: 3/' -e 's/data_cut_events: 247/data_cut_events: 20/' \
  "$SILICO_SOURCE_DIR/tests/data/group_sequential.yaml" > "$WORK/gs.yaml"
cat >> "$WORK/gs.yaml" <<EOF
validation:
  - {endpoint: os, arm: control, observed_file: cohorts/ncctg_lung_outcomes.csv,
     time_unit: days, tolerance: 0.2}
EOF
sed -e 's/replicates: 2000/replicates: 2/' -e 's/patients: 200,/patients: 40,/' \
  -e 's/patients: 2000, seed: 778/patients: 50, seed: 778/' \
  "$SILICO_SOURCE_DIR/tests/data/null_continuous.yaml" > "$WORK/procova.yaml"
"$SILICO" run "$WORK/tgi.yaml" -o "$WORK/tgi.h5" -q
"$SILICO" run "$WORK/procova.yaml" -o "$WORK/procova.h5" -q
"$SILICO" run "$WORK/gs.yaml" -o "$WORK/gs.h5" -q
"$CORRUPT_RESULT" "$WORK/tgi.h5" "$WORK/corpus/tgi" all > "$WORK/tgi.count"
"$CORRUPT_RESULT" "$WORK/gs.h5" "$WORK/corpus/gs" semantic > "$WORK/gs.count"
grep -q "patients: 40," "$WORK/procova.yaml" || fail "the procova spec was not shrunk"
"$CORRUPT_RESULT" "$WORK/procova.h5" "$WORK/corpus/procova" semantic > "$WORK/procova.count"
cases=$(( $(cat "$WORK/tgi.count") + $(cat "$WORK/gs.count") + $(cat "$WORK/procova.count") ))
[ "$cases" -ge 300 ] || fail "only $cases cases in the corpus"

failures=0
exits_0=0
exits_2=0
mkdir -p "$WORK/json"
# run NAME CASE command...: one reader on one case; exit 0 or 2 only, and with 0, no NaN
# or infinity in what it printed (its stdout, or the file named by OUTPUT).
run() {
  local name="$1" case="$2"; shift 2
  set +e
  timeout 120 "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  local code=$?
  set -e
  if [ "$code" -eq 2 ]; then
    exits_2=$((exits_2 + 1))
    # A refusal names the file.
    grep -qF "$case" "$WORK/stderr" || { echo "FAIL: $name $case: exit 2 without naming the file: $(head -c 400 "$WORK/stderr")" >&2; failures=$((failures + 1)); }
    return
  fi
  if [ "$code" -ne 0 ]; then
    echo "FAIL: $name $case: exit $code: $(head -c 600 "$WORK/stderr")" >&2
    failures=$((failures + 1))
    return
  fi
  exits_0=$((exits_0 + 1))
  if grep -qiwE -- '-?(nan|inf|infinity)' "$WORK/stdout" ${OUTPUT:+"$OUTPUT"}; then
    echo "FAIL: $name $case: exit 0 with a number that is not finite: $(grep -oiwE -- '.{0,40}-?(nan|inf|infinity).{0,20}' "$WORK/stdout" ${OUTPUT:+"$OUTPUT"} | head -3)" >&2
    failures=$((failures + 1))
  fi
}

started=$SECONDS
for case in "$WORK"/corpus/*/*.h5; do
  id="$(basename "$(dirname "$case")")-$(basename "$case" .h5)"
  OUTPUT= run summarize "$case" "$SILICO" summarize "$case" --json "$WORK/json/$id.json"
  rm -f "$WORK/report.html"
  OUTPUT="$WORK/report.html" run report "$case" "$SILICO" report "$case" -o "$WORK/report.html" --study-patients 10
  rm -f "$WORK/merged.h5"
  OUTPUT= run merge "$case" "$SILICO" merge "$case" -o "$WORK/merged.h5" -q
done
# The JSON of every summary that succeeded parses, with no NaN or Infinity in it.
python3 - "$WORK/json" <<'PY' || failures=$((failures + 1))
import json, pathlib, sys

def refuse(constant):
    raise ValueError(f"non-finite number {constant}")

for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    json.loads(path.read_text(), parse_constant=refuse)
PY
echo "fuzz_result_reader: $cases cases x 3 readers in $((SECONDS - started)) s: $exits_0 exit 0, $exits_2 exit 2, $failures failure(s)"
[ "$failures" -eq 0 ] || fail "$failures reader run(s) crashed, failed internally or printed a non-finite number"
# The corpus reaches both outcomes: damage the readers must refuse, and damage to values
# only, which they read.
[ "$exits_2" -ge 300 ] && [ "$exits_0" -ge 100 ] || fail "the corpus is not what it was: $exits_0 exit 0, $exits_2 exit 2"
echo "fuzz_result_reader: ok"
