#!/usr/bin/env bash
# A run killed with SIGKILL mid-way leaves no file under the final name.
source "$(dirname "$0")/lib.sh"
# Strict criteria (about 1 candidate in 100 accepted) make a long run with a small file.
sed 's/patients: 400000/patients: 2000000/' "$SILICO_SOURCE_DIR/tests/data/slow_screening.yaml" > "$WORK/slow.yaml"
out="$WORK/killed.h5"
"$MPIEXEC" --oversubscribe -np 2 "$SILICO" run "$WORK/slow.yaml" -o "$out" -q --block-patients 10000 &
launcher=$!
for _ in $(seq 1 200); do
  [ -e "$out.partial" ] && break
  sleep 0.05
done
[ -e "$out.partial" ] || fail "run never started writing"
sleep 0.5
kill -0 "$launcher" 2>/dev/null || fail "run finished before it could be killed; make it slower"
pkill -9 -f "silico run $WORK/slow.yaml" || true
kill -9 "$launcher" 2>/dev/null || true
wait "$launcher" 2>/dev/null || true
[ ! -e "$out" ] || fail "a killed run left a file under the final name"
echo "killed_run_safe: ok (only $out.partial remains, as documented)"
