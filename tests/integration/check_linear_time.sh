#!/usr/bin/env bash
# `silico check` reads a spec in time linear in its size: a generated spec of 10,000
# covariates, each named by the model's covariate effects and by the ANCOVA adjustment set,
# is checked within this test's CTest TIMEOUT (60 s). Quadratic reading took 21 s for
# 1,000 covariates and over 600 s for 10,000; linear reading takes about half a second.
source "$(dirname "$0")/lib.sh"
n=10000
spec="$WORK/wide.yaml"
{
  printf 'schema_version: 1\ntrial: {name: wide, seed: 1, patients: 100, follow_up: 12}\ncohort:\n  covariates:\n'
  for ((i = 0; i < n; i++)); do printf '    c%d: {distribution: normal, mean: 0, sd: 1}\n' "$i"; done
  printf '  criteria: ["c0 > -5", "c%d < 5"]\n' $((n - 1))
  printf 'arms:\n  - {name: placebo, control: true}\n  - {name: active}\n'
  printf 'model:\n  name: linear_change\n  parameters:\n    intercept: 0\n    arm_effect: {active: -1}\n'
  printf '    residual_sd: 1\n    covariate_effects:\n'
  for ((i = 0; i < n; i++)); do printf '      c%d: 0.01\n' "$i"; done
  printf 'endpoints:\n  - name: change\nanalysis:\n  endpoints:\n    change:\n      methods: [ancova]\n'
  printf '      covariates: [c0'
  for ((i = 1; i < n; i++)); do printf ', c%d' "$i"; done
  printf ']\n'
} > "$spec"
expect_exit 0 "$SILICO" check "$spec"
grep -q "10000 covariates, 2 criteria" "$WORK/stdout" || fail "unexpected summary: $(cat "$WORK/stdout")"

# One more covariate is past the limit: a located error, exit 2, as fast.
sed -i "s/^    c0: /    c_extra: {distribution: normal, mean: 0, sd: 1}\n    c0: /" "$spec"
expect_exit 2 "$SILICO" check "$spec"
grep -q "wide.yaml:5:5: error: cohort.covariates: expected at most 10000 covariates, got 10001" "$WORK/stderr" ||
  fail "limit not reported: $(head -c 500 "$WORK/stderr")"
echo "check_linear_time: ok"
