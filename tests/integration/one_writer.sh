#!/usr/bin/env bash
# One writer per output, and no write through a link or over an input (issue 12):
# - a second run, --resume or --force on an output that a run is writing is refused
#   (exit 2, naming the holder) and the first run completes untouched;
# - a file that appears at OUT.h5 during a run is not replaced without --force; the
#   finished run waits in OUT.h5.partial and --resume puts it in place;
# - a symbolic link planted at a working file's name is never written through;
# - a rank whose launcher died stops after a checkpoint instead of writing on;
# - every command that writes a file refuses an existing one without --force (exit 2)
#   and refuses its own input even with --force.
source "$(dirname "$0")/lib.sh"

sed 's/patients: 400000/patients: 600000/' "$SILICO_SOURCE_DIR/tests/data/slow_screening.yaml" > "$WORK/slow.yaml"
"$SILICO" run "$WORK/slow.yaml" -o "$WORK/reference.h5" -q --block-patients 10000

# start_slow OUT: a run of slow.yaml in the background; sets pid once it is writing.
start_slow() {
  "$SILICO" run "$WORK/slow.yaml" -o "$1" -q --threads 1 --block-patients 10000 --checkpoint-interval 0 \
    >"$WORK/first.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 250); do [ -e "$1.checkpoint" ] && return 0; sleep 0.02; done
  fail "the slow run never checkpointed"
}

# 1. Issue 12, defect 2: concurrent runs on one output.
out="$WORK/busy.h5"
start_slow "$out"
for extra in "" "--resume" "--force"; do
  expect_exit 2 "$SILICO" run "$WORK/slow.yaml" -o "$out" -q $extra
  grep -q "is being written by host .*, process $pid" "$WORK/stderr" ||
    fail "second run ($extra): $(cat "$WORK/stderr")"
done
kill -0 "$pid" 2>/dev/null || fail "the second runs disturbed the first"
[ -e "$out.partial" ] && [ -e "$out.checkpoint" ] || fail "a refused second run deleted the first run's files"
wait "$pid" || { cat "$WORK/first.log"; fail "the first run failed"; }
same_results "$WORK/reference.h5" "$out"
[ ! -e "$out.lock" ] || fail "the lock file is left after success"

# 2. Issue 12, defect 2: OUT.h5 created while the run goes is not replaced.
out="$WORK/appeared.h5"
start_slow "$out"
echo "someone else's file" > "$out"
code=0; wait "$pid" || code=$?
[ "$code" -eq 2 ] || { cat "$WORK/first.log"; fail "a run whose output appeared exited $code, not 2"; }
grep -q "appeared while this command ran" "$WORK/first.log" || fail "message: $(cat "$WORK/first.log")"
[ "$(cat "$out")" = "someone else's file" ] || fail "the file that appeared was replaced"
mv "$out" "$WORK/theirs.txt"
"$SILICO" run "$WORK/slow.yaml" -o "$out" -q --resume
same_results "$WORK/reference.h5" "$out"

# 3. Issue 12, defect 5: links planted at the working files' names.
echo "precious" > "$WORK/victim"
for name in partial checkpoint analysis lock; do
  out="$WORK/link-$name.h5"
  ln -s "$WORK/victim" "$out.$name"
  expect_exit 2 "$SILICO" run "$WORK/slow.yaml" -o "$out" -q
  grep -q "symbolic link" "$WORK/stderr" || fail "link at .$name: $(cat "$WORK/stderr")"
  [ "$(cat "$WORK/victim")" = "precious" ] || fail "a run wrote through a link at .$name"
done

# 4. A rank whose launcher is gone stops at its next round, after a checkpoint. The
#    launcher here is a shell (PMI_RANK marks the process as launched); killing it
#    leaves silico an orphan, as kill -9 of mpirun can.
out="$WORK/orphan.h5"
PMI_RANK=0 bash -c '"$0" run "$1" -o "$2" -q --threads 1 --block-patients 10000 2>"$3" & wait' \
  "$SILICO" "$WORK/slow.yaml" "$out" "$WORK/orphan.log" &
launcher=$!
for _ in $(seq 1 250); do [ -e "$out.partial" ] && break; sleep 0.02; done
sleep 0.3
kill -9 "$launcher"
for _ in $(seq 1 250); do pgrep -f "run $WORK/slow.yaml -o $out" >/dev/null || break; sleep 0.02; done
pgrep -f "run $WORK/slow.yaml -o $out" >/dev/null && fail "the orphaned run went on"
grep -q "stopped by the loss of its launcher" "$WORK/orphan.log" || fail "orphan message: $(cat "$WORK/orphan.log")"
"$SILICO" run "$WORK/slow.yaml" -o "$out" -q --resume
same_results "$WORK/reference.h5" "$out"

# 5. Issue 12, defect 6: every command's outputs.
small="$WORK/reference.h5"
"$SILICO" summarize "$small" --json "$WORK/s.json" >/dev/null
expect_exit 2 "$SILICO" summarize "$small" --json "$WORK/s.json"
grep -q "already exists; use --force" "$WORK/stderr" || fail "summarize --json over a file: $(cat "$WORK/stderr")"
"$SILICO" summarize "$small" --json "$WORK/s.json" --force >/dev/null
cp "$small" "$WORK/copy.h5"
expect_exit 2 "$SILICO" summarize "$WORK/copy.h5" --json "$WORK/copy.h5" --force
grep -q "never writes over its inputs" "$WORK/stderr" || fail "summarize over its input: $(cat "$WORK/stderr")"
expect_exit 2 "$SILICO" report "$WORK/copy.h5" -o "$WORK/copy.h5" --force
grep -q "never writes over its inputs" "$WORK/stderr" || fail "report over its input: $(cat "$WORK/stderr")"
cmp -s "$small" "$WORK/copy.h5" || fail "an input was changed"
echo "{}" > "$WORK/d.json"
expect_exit 2 "$SILICO" design "$WORK/slow.yaml" --json "$WORK/d.json"
grep -q "already exists" "$WORK/stderr" || fail "design --json over a file: $(cat "$WORK/stderr")"
expect_exit 2 "$SILICO" design "$WORK/slow.yaml" --json "$WORK/slow.yaml" --force
grep -q "never writes over its inputs" "$WORK/stderr" || fail "design over its spec: $(cat "$WORK/stderr")"
expect_exit 2 "$SILICO" verify -o "$WORK/d.json"
grep -q "already exists" "$WORK/stderr" || fail "verify -o over a file: $(cat "$WORK/stderr")"
[ "$(cat "$WORK/d.json")" = "{}" ] || fail "a refused command changed its output"
expect_exit 2 "$SILICO" run "$WORK/slow.yaml" -o "$WORK/slow.yaml" --force
grep -q "never writes over its inputs" "$WORK/stderr" || fail "run over its spec: $(cat "$WORK/stderr")"
expect_exit 2 "$SILICO" run "$WORK/slow.yaml" -o ""
grep -q "needs a file name" "$WORK/stderr" || fail "run -o '': $(cat "$WORK/stderr")"
echo "one_writer: ok"
