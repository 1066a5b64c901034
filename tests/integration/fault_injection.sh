#!/usr/bin/env bash
# Resume is exact or refuses (issue 12). A test-only hook (SILICO_FAULT_AT, see
# src/core/fault_injection.hpp) kills the run with SIGKILL at each point of the
# checkpoint protocol; every such run resumes to a file whose datasets are bitwise those
# of an uninterrupted run. Damaged working files make the resume refuse (exit 2) and
# leave every file as it was.
source "$(dirname "$0")/lib.sh"

# Both phases: 3 blocks per replicate of 3,000 patients, 24 replicates analysed.
sed 's/replicates: 2000/replicates: 24/; s/patients: 200,/patients: 3000,/' \
  "$SILICO_SOURCE_DIR/tests/data/null_tte.yaml" > "$WORK/trial.yaml"
run() { "$SILICO" run "$WORK/trial.yaml" -q --block-patients 1000 --checkpoint-interval 0 "$@"; }
run -o "$WORK/reference.h5"

# killed POINT[:N] OUT [launcher...]: the run dies by SIGKILL at POINT (exit 137).
killed() {
  local code=0
  SILICO_FAULT_AT="$1" run -o "$2" 2>/dev/null || code=$?
  [ "$code" -eq 137 ] || fail "SILICO_FAULT_AT=$1: exit $code, expected death by SIGKILL (137)"
  [ "${1%%:*}" = output_published ] || [ ! -e "$2" ] || fail "SILICO_FAULT_AT=$1: $2 exists after the kill"
}
resumed_same() {
  run -o "$1" --resume 2>"$WORK/log" || { cat "$WORK/log"; fail "resume after $2 failed"; }
  same_results "$WORK/reference.h5" "$1"
  for f in "$1.partial" "$1.checkpoint" "$1.analysis" "$1.lock"; do [ ! -e "$f" ] || fail "$f left after $2"; done
  ls "$1".checkpoint.partial-* >/dev/null 2>&1 && fail "a stale checkpoint temporary is left after $2"
  return 0
}

# 1. Every commit point, first and a later passage (patients: 72 blocks, 48 rounds at
#    most; analyses: 24 replicates).
for point in patients_flushed:1 patients_flushed:40 temporary_written:1 temporary_written:60 \
  checkpoint_committed:1 checkpoint_committed:70 analysis_written:1 analysis_written:9 partial_finished:1; do
  out="$WORK/kill-${point%%:*}-${point##*:}.h5"
  killed "$point" "$out"
  resumed_same "$out" "$point"
done
# A kill after the output is in place but before the working files are removed leaves a
# complete output: the resume says so and the datasets are the reference's.
out="$WORK/published.h5"
killed output_published:1 "$out"
same_results "$WORK/reference.h5" "$out"
expect_exit 2 run -o "$out" --resume
grep -q "nothing to resume" "$WORK/stderr" || fail "published-kill message: $(cat "$WORK/stderr")"

# 2. Issue 12, defect 1: analysis rows written after the last commit, then a second
#    interruption. The resumed file once held replicate k's analysis under k+1.
out="$WORK/twice.h5"
killed analysis_written:3 "$out"
SILICO_FAULT_AT=analysis_written:4 run -o "$out" --resume 2>/dev/null && fail "the second attempt was not killed"
resumed_same "$out" "two interruptions in the analysis phase"

# 3. The same under mpirun: rank 0 dies, mpirun ends the others; resumed on 3 ranks.
out="$WORK/ranks.h5"
code=0
SILICO_FAULT_AT=checkpoint_committed:5 "$MPIEXEC" --oversubscribe -np 2 -x SILICO_FAULT_AT "$SILICO" run "$WORK/trial.yaml" \
  -q --block-patients 1000 --checkpoint-interval 0 -o "$out" >/dev/null 2>&1 || code=$?
[ "$code" -ne 0 ] || fail "the 2-rank run was not killed"
mpi_run 3 run "$WORK/trial.yaml" -q --block-patients 1000 -o "$out" --resume 2>"$WORK/log" || { cat "$WORK/log"; fail "2-rank resume"; }
same_results "$WORK/reference.h5" "$out"

# refused_keeping OUT WHAT PATTERN: a resume is refused (exit 2, message matching
# PATTERN) and every working file is byte for byte as before.
refused_keeping() {
  local before after
  before=$(cd "$WORK" && md5sum "$(basename "$1")".{partial,checkpoint,analysis} 2>/dev/null | sort || true)
  expect_exit 2 run -o "$1" --resume
  grep -q "$3" "$WORK/stderr" || fail "$2: message '$(cat "$WORK/stderr")' lacks '$3'"
  after=$(cd "$WORK" && md5sum "$(basename "$1")".{partial,checkpoint,analysis} 2>/dev/null | sort || true)
  [ "$before" = "$after" ] || fail "$2: a refused resume changed the working files"
}

# 4. Issue 12, defect 3: a bit flip in the committed part of the partial file (in the
#    first replicate's patient ids, found by their bytes: 1, 2, 3 as little-endian
#    uint64) is found by the digest the checkpoint committed.
out="$WORK/flipped.h5"
killed checkpoint_committed:30 "$out"
cp "$out.partial" "$WORK/intact.partial"
offset=$(python3 -c "import struct,sys; print(open(sys.argv[1],'rb').read().find(struct.pack('<3Q',1,2,3)))" "$out.partial")
[ "$offset" -gt 0 ] || fail "patient ids not found in the partial file"
printf '\x40' | dd of="$out.partial" bs=1 seek=$((offset + 9)) conv=notrunc status=none
refused_keeping "$out" "a flipped bit" "digest of its 30 written blocks differs"
cp "$WORK/intact.partial" "$out.partial"
resumed_same "$out" "restoring the intact partial file"

# 5. Issue 12, defect 7: a missing or damaged analysis file refuses the resume and
#    deletes nothing (it used to delete the intact partial file and checkpoint).
out="$WORK/analysis.h5"
killed analysis_written:6 "$out"
cp "$out.analysis" "$WORK/analysis.keep"
printf 'X' | dd of="$out.analysis" bs=1 seek=40 conv=notrunc status=none
refused_keeping "$out" "damaged analysis rows" "does not match its checkpoint"
rm "$out.analysis"
refused_keeping "$out" "missing analysis rows" "cannot be read"
cp "$WORK/analysis.keep" "$out.analysis"
resumed_same "$out" "restoring the analysis rows"

# 6. Issue 12, defect 3: impossible numbers in a checkpoint are refused, not trusted.
out="$WORK/numbers.h5"
killed checkpoint_committed:20 "$out"
cp "$out.checkpoint" "$WORK/checkpoint.keep"
for edit in 's/^blocks_done: .*/blocks_done: -1/' 's/^block_patients: .*/block_patients: 0/' \
  's/^blocks_done: .*/blocks_done: 73/' 's/^candidates_drawn: .*/candidates_drawn: 5/'; do
  sed "$edit" "$WORK/checkpoint.keep" > "$out.checkpoint"
  refused_keeping "$out" "checkpoint edited by '$edit'" "damaged"
done
cp "$WORK/checkpoint.keep" "$out.checkpoint"
resumed_same "$out" "restoring the checkpoint"

# 7. Individual parameters and predictions (pk_1cmt: /cohort/parameters and
#    /trajectories/concentration_ipred) resume exactly and are covered by the digest: a
#    flipped bit in the first patient's stored CL (found by its bytes) refuses the resume.
cat > "$WORK/pk.yaml" <<'EOF'
schema_version: 1
trial: {name: pk_resume, seed: 11, patients: 600, time_unit: days, follow_up: 2}
cohort:
  covariates:
    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}
arms:
  - {name: low, control: true, regimen: {dose_mg: 50, route: oral, interval_h: 24, doses: 2}}
  - {name: high, regimen: {dose_mg: 200, route: oral, interval_h: 24, doses: 2}}
model:
  name: pk_1cmt
  parameters:
    CL: {typical: 5, covariates: {weight: {power: 0.75, reference: 70}}}
    V: 50
    KA: 1.1
    omega: {variables: [CL, V], matrix: [[0.09, 0], [0, 0.04]]}
    residual_proportional: 0.1
    exposure_start_h: 24
    exposure_end_h: 48
endpoints: [{name: auc, output: auc}]
observations:
  concentration: {every: 0.25, until: 2}
EOF
pk_run() { "$SILICO" run "$WORK/pk.yaml" -q --block-patients 100 --checkpoint-interval 0 "$@"; }
pk_run -o "$WORK/pk-reference.h5"
out="$WORK/pk.h5"
code=0
SILICO_FAULT_AT=checkpoint_committed:3 pk_run -o "$out" 2>/dev/null || code=$?
[ "$code" -eq 137 ] || fail "pk run: exit $code, expected death by SIGKILL (137)"
cp "$out.partial" "$WORK/pk-intact.partial"
cl=$(h5dump -m %.17g -d /cohort/parameters/CL -s 0,0 -c 1,1 "$WORK/pk-reference.h5" | sed -n 's/^ *(0,0): //p')
offset=$(python3 -c "import struct,sys; print(open(sys.argv[1],'rb').read().find(struct.pack('<d', float(sys.argv[2]))))" \
  "$out.partial" "$cl")
[ "$offset" -gt 0 ] || fail "the first patient's CL ($cl) not found in the partial file"
printf '\x01' | dd of="$out.partial" bs=1 seek="$offset" conv=notrunc status=none
expect_exit 2 pk_run -o "$out" --resume
grep -q "digest of its 3 written blocks differs" "$WORK/stderr" || fail "flipped CL: $(cat "$WORK/stderr")"
cp "$WORK/pk-intact.partial" "$out.partial"
mpi_run 2 run "$WORK/pk.yaml" -q --block-patients 100 -o "$out" --resume 2>"$WORK/log" || { cat "$WORK/log"; fail "pk resume"; }
same_results "$WORK/pk-reference.h5" "$out"
h5ls "$out/cohort/parameters/eta_V" | grep -q "{1, 600}" || fail "pk resume: no /cohort/parameters/eta_V"
h5ls "$out/trajectories/concentration_ipred" | grep -q "{1, 600, 9}" || fail "pk resume: no concentration_ipred"
echo "fault_injection: ok"
