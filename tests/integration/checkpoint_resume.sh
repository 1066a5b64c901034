#!/usr/bin/env bash
# Checkpoint and restart of `silico run`:
# - SIGTERM or SIGUSR1 stops every rank after a checkpoint with exit code 3 and a message
#   saying how to resume, in the patient phase and in the analysis phase;
# - `--resume` continues (on any number of ranks) to a file whose result datasets are
#   bitwise identical to an uninterrupted run's, also after `kill -9`;
# - a resume with a changed spec, or a fresh run over a checkpoint, is refused (exit 2)
#   and leaves the checkpoint alone; no OUT.h5 exists before the run succeeds;
# - wall_seconds is the run's time: within the command's, and for a resumed run the
#   checkpoint's seconds_spent plus the resumed attempt's.
source "$(dirname "$0")/lib.sh"

# Patient phase: strict criteria (1 candidate in 100 accepted) make slow blocks.
cp "$SILICO_SOURCE_DIR/tests/data/slow_screening.yaml" "$WORK/slow.yaml"
# Analysis phase: many replicates with log-rank, Cox and RMST analyses.
sed 's/replicates: 2000/replicates: 600/; s/patients: 200,/patients: 2000,/' \
  "$SILICO_SOURCE_DIR/tests/data/null_tte.yaml" > "$WORK/replicates.yaml"

# field FILE KEY: a number from a checkpoint file (empty if the file is not there yet).
field() { sed -n "s/^$2: //p" "$1" 2>/dev/null || true; }
# wall FILE: its wall_seconds with all 17 digits.
wall() { h5dump -m %.17g -a /wall_seconds "$1" | sed -n 's/^ *(0): //p'; }
# now, since T: seconds since the epoch, and since T.
now() { date +%s.%N; }
since() { awk "BEGIN { printf \"%.9f\", $(now) - $1 }"; }
# holds CONDITION: an awk condition on numbers is true.
holds() { awk "BEGIN { exit !($1) }"; }

# wait_until OUT KEY MIN PID: poll OUT.checkpoint until KEY >= MIN, checking on the way
# that no OUT exists while the run is going; fails if the run ends first.
wait_until() {
  local value
  for _ in $(seq 1 1000); do
    [ ! -e "$1" ] || fail "$1 exists before the run has finished"
    value=$(field "$1.checkpoint" "$2")
    [ -n "$value" ] && [ "$value" -ge "$3" ] && return 0
    kill -0 "$4" 2>/dev/null || fail "the run ended before $2 reached $3; make it slower"
    sleep 0.02
  done
  fail "timed out waiting for $2 >= $3 in $1.checkpoint"
}

# expect_stopped PID OUT: the run exits 3 with a resume hint and leaves its checkpoint.
expect_stopped() {
  local code=0
  wait "$1" || code=$?
  [ "$code" -eq 3 ] || { cat "$WORK/log"; fail "a stopped run exited with $code, not 3"; }
  grep -q -- "--resume" "$WORK/log" || { cat "$WORK/log"; fail "no resume hint"; }
  [ ! -e "$2" ] || fail "a stopped run left $2"
  [ -e "$2.partial" ] && [ -e "$2.checkpoint" ] || fail "a stopped run left no checkpoint"
}

started=$(now)
mpi_run 2 run "$WORK/slow.yaml" -o "$WORK/slow-reference.h5" -q
elapsed=$(since "$started")
seconds=$(wall "$WORK/slow-reference.h5")
holds "$seconds > 0 && $seconds <= $elapsed" || fail "wall_seconds $seconds of a run that took $elapsed s"
mpi_run 2 run "$WORK/replicates.yaml" -o "$WORK/replicates-reference.h5" -q

# 1. SIGTERM in the patient phase (one process), resumed on 2 ranks.
out="$WORK/term.h5"
"$SILICO" run "$WORK/slow.yaml" -o "$out" -q --threads 1 --block-patients 5000 --checkpoint-interval 0 >"$WORK/log" 2>&1 &
pid=$!
wait_until "$out" blocks_done 3 "$pid"
kill -TERM "$pid"
expect_stopped "$pid" "$out"
done_blocks=$(field "$out.checkpoint" blocks_done)
[ "$done_blocks" -lt 80 ] || fail "the run was not stopped mid-way ($done_blocks of 80 blocks)"
grep -q "SIGTERM" "$WORK/log" || fail "the message does not name the signal"
spent=$(field "$out.checkpoint" seconds_spent)
started=$(now)
mpi_run 2 run "$WORK/slow.yaml" -o "$out" --resume 2>"$WORK/log" >/dev/null
elapsed=$(since "$started")
grep -q "resuming from .*: $done_blocks of 80 patient blocks written" "$WORK/log" || fail "did not resume: $(cat "$WORK/log")"
same_results "$WORK/slow-reference.h5" "$out"
# The first attempt's time up to its checkpoint counts; the time between attempts does not.
seconds=$(wall "$out")
holds "$spent > 0 && $seconds >= $spent && $seconds <= $spent + $elapsed" ||
  fail "wall_seconds $seconds of a run resumed after $spent s that then took $elapsed s"
[ ! -e "$out.checkpoint" ] && [ ! -e "$out.partial" ] && [ ! -e "$out.analysis" ] || fail "checkpoint files left after success"

# 2. SIGUSR1 to mpirun (which forwards it) in the analysis phase, resumed on 1 rank.
out="$WORK/usr1.h5"
"$MPIEXEC" --oversubscribe -np 2 "$SILICO" run "$WORK/replicates.yaml" -o "$out" -q --threads 1 --checkpoint-interval 0 >"$WORK/log" 2>&1 &
pid=$!
wait_until "$out" replicates_analysed 2 "$pid"
kill -USR1 "$pid"
expect_stopped "$pid" "$out"
analysed=$(field "$out.checkpoint" replicates_analysed)
[ "$analysed" -lt 600 ] || fail "the analysis was not stopped mid-way"
grep -q "SIGUSR1" "$WORK/log" || fail "the message does not name the signal"
"$SILICO" run "$WORK/replicates.yaml" -o "$out" --resume 2>"$WORK/log" >/dev/null
grep -q "resuming from .*, $analysed of 600 replicates analysed" "$WORK/log" || fail "did not resume: $(cat "$WORK/log")"
same_results "$WORK/replicates-reference.h5" "$out"

# 3. kill -9 in the patient phase, then in the analysis phase; each resumed.
out="$WORK/kill9.h5"
"$SILICO" run "$WORK/slow.yaml" -o "$out" -q --threads 1 --block-patients 5000 --checkpoint-interval 0 >"$WORK/log" 2>&1 &
pid=$!
wait_until "$out" blocks_done 3 "$pid"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
[ ! -e "$out" ] || fail "a killed run left $out"
# A fresh run over the checkpoint is refused: the interrupted work is not thrown away.
expect_exit 2 "$SILICO" run "$WORK/slow.yaml" -o "$out" -q
grep -q "add --resume" "$WORK/stderr" || fail "no hint to resume: $(cat "$WORK/stderr")"
# So is a resume with another spec; the checkpoint survives the refusal.
sed 's/seed: 1,/seed: 2,/' "$WORK/slow.yaml" > "$WORK/changed.yaml"
expect_exit 2 "$SILICO" run "$WORK/changed.yaml" -o "$out" -q --resume
grep -q "cannot resume" "$WORK/stderr" || fail "changed spec message: $(cat "$WORK/stderr")"
[ -e "$out.checkpoint" ] && [ -e "$out.partial" ] || fail "a refused resume removed the checkpoint"
"$SILICO" run "$WORK/slow.yaml" -o "$out" -q --resume
same_results "$WORK/slow-reference.h5" "$out"

out="$WORK/kill9-analysis.h5"
"$SILICO" run "$WORK/replicates.yaml" -o "$out" -q --threads 1 --checkpoint-interval 0 >"$WORK/log" 2>&1 &
pid=$!
wait_until "$out" replicates_analysed 5 "$pid"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
mpi_run 3 run "$WORK/replicates.yaml" -o "$out" -q --resume
same_results "$WORK/replicates-reference.h5" "$out"

# 4. The default cadence: no checkpoint for --checkpoint-interval seconds, but one on a
#    stop signal, from which the run resumes exactly.
out="$WORK/cadence.h5"
"$SILICO" run "$WORK/slow.yaml" -o "$out" -q --threads 1 --block-patients 5000 --checkpoint-interval 3600 >"$WORK/log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do [ -e "$out.partial" ] && break; sleep 0.02; done
sleep 0.5
kill -0 "$pid" 2>/dev/null || fail "the cadence run ended before it could be stopped; make it slower"
[ ! -e "$out.checkpoint" ] || fail "a checkpoint within the first --checkpoint-interval"
kill -TERM "$pid"
expect_stopped "$pid" "$out"
[ "$(field "$out.checkpoint" blocks_done)" -gt 0 ] || fail "the stop signal did not checkpoint"
grep -q "continue with: silico run $WORK/slow.yaml -o $out --resume" "$WORK/log" ||
  fail "the resume hint does not name the spec: $(cat "$WORK/log")"
"$SILICO" run "$WORK/slow.yaml" -o "$out" -q --resume
same_results "$WORK/slow-reference.h5" "$out"

# 5. --resume with nothing to resume starts from the beginning; over a finished file it
#    is refused.
out="$WORK/fresh.h5"
"$SILICO" run "$WORK/replicates.yaml" -o "$out" --resume 2>"$WORK/log" >/dev/null
grep -q "starting from the beginning" "$WORK/log" || fail "no notice of a fresh start"
same_results "$WORK/replicates-reference.h5" "$out"
expect_exit 2 "$SILICO" run "$WORK/replicates.yaml" -o "$out" -q --resume
grep -q "nothing to resume" "$WORK/stderr" || fail "complete-file message: $(cat "$WORK/stderr")"
echo "checkpoint_resume: ok"
