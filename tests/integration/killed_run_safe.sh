#!/usr/bin/env bash
# A run killed with SIGKILL mid-way leaves no file under the final name.
source "$(dirname "$0")/lib.sh"
# Strict criteria (about 1 candidate in 100 accepted) make a long run with a small file.
cat > "$WORK/slow.yaml" <<'YAML'
schema_version: 1
trial: {name: slow, seed: 1, patients: 2000000, follow_up: 12}
cohort:
  covariates:
    x: {distribution: normal, mean: 0, sd: 1}
  criteria: ["x >= 2.33"]
arms: [{name: control, control: true}, {name: treatment}]
model:
  name: linear_change
  parameters: {intercept: 0, residual_sd: 1, arm_effect: {treatment: 1}}
endpoints: [{name: y}]
YAML
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
