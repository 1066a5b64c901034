#!/usr/bin/env bash
# Observation schedules end to end: times written in days in the spec are converted to
# the model's own unit (hours for PK) and stored in days in the result file; a misspelt
# variable is a located spec error (exit 2) and nothing is written.
source "$(dirname "$0")/lib.sh"

# IV bolus, no random effects: C(t) = dose / V exp(-CL / V t) = dose / 50 exp(-0.1 t), t in h.
cat > "$WORK/pk.yaml" <<'EOF'
schema_version: 1
trial: {name: observations, seed: 3, patients: 40, time_unit: weeks, follow_up: 1}
cohort:
  covariates:
    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}
arms:
  - {name: control, control: true, regimen: {dose_mg: 50, route: iv_bolus}}
  - {name: treatment, regimen: {dose_mg: 100, route: iv_bolus}}
model:
  name: pk_1cmt
  parameters: {CL: 5, V: 50, exposure_start_h: 0, exposure_end_h: 24}
endpoints:
  - {name: auc, output: auc}
observations:
  concentration: {every: 0.25, until: 7}
EOF
mpi_run 2 run "$WORK/pk.yaml" -o "$WORK/pk.h5" -q
h5dump -a /format_version "$WORK/pk.h5" | grep -q "(0): 2$" || fail "format_version is not 2"
h5dump -a /trajectories/concentration/time_unit "$WORK/pk.h5" | grep -q '"days"' || fail "time_unit is not days"
h5dump -a /trajectories/concentration/unit "$WORK/pk.h5" | grep -q '"mg/L"' || fail "unit is not mg/L"
h5dump -m %.17g -a /trajectories/concentration/times "$WORK/pk.h5" > "$WORK/times.txt"
h5dump -m %.17g -d /trajectories/concentration "$WORK/pk.h5" > "$WORK/values.txt"
h5dump -d /cohort/arm "$WORK/pk.h5" > "$WORK/arm.txt"
# The prediction before residual error, and the individual parameters it was solved with.
h5dump -m %.17g -d /trajectories/concentration_ipred "$WORK/pk.h5" > "$WORK/ipred.txt"
h5dump -m %.17g -d /cohort/parameters/CL "$WORK/pk.h5" > "$WORK/cl.txt"
h5dump -m %.17g -d /cohort/parameters/V "$WORK/pk.h5" > "$WORK/v.txt"
h5ls "$WORK/pk.h5/cohort/parameters" > "$WORK/parameters.txt"
python3 - "$WORK/times.txt" "$WORK/values.txt" "$WORK/arm.txt" "$WORK/ipred.txt" "$WORK/cl.txt" "$WORK/v.txt" \
  "$WORK/parameters.txt" <<'PY'
import math, re, sys

def numbers(path):
    text = open(path).read()
    text = text[text.index("DATA {") + 6:]
    text = re.sub(r"\(\d+(,\d+)*\):", " ", text[:text.index("}")])
    return [float(x) for x in text.replace(",", " ").split()]

times = numbers(sys.argv[1])
# Every 0.25 day from 0 to 7 days inclusive, by index: exactly k / 4, in days (not hours).
assert times == [k / 4 for k in range(29)], times
values = numbers(sys.argv[2])
arms = numbers(sys.argv[3])
assert len(values) == 40 * 29 and len(arms) == 40, (len(values), len(arms))
for i, arm in enumerate(arms):
    dose = 50.0 if arm == 0 else 100.0
    for k, day in enumerate(times):
        expected = dose / 50.0 * math.exp(-0.1 * 24.0 * day)   # the model runs in hours
        got = values[i * 29 + k]
        assert abs(got - expected) <= 1e-12 * expected, (i, k, got, expected)
# No residual error, no random effects: the prediction is the record, and every patient
# has CL = 5 L/h and V = 50 L; no omega, so no eta_ dataset; KA and F are stored too.
assert numbers(sys.argv[4]) == values
assert numbers(sys.argv[5]) == [5.0] * 40 and numbers(sys.argv[6]) == [50.0] * 40
names = sorted(line.split()[0] for line in open(sys.argv[7]))
assert names == ["CL", "F", "KA", "V"], names
PY

# A misspelt variable: file:line:column, key path, suggestion; exit 2; no file.
sed 's/  concentration:/  concentraton:/' "$WORK/pk.yaml" > "$WORK/bad.yaml"
expect_exit 2 "$SILICO" check "$WORK/bad.yaml"
grep -qF "bad.yaml:15:3: error: observations.concentraton: model 'pk_1cmt' cannot record 'concentraton'; did you mean 'concentration'?" \
  "$WORK/stderr" || { cat "$WORK/stderr" >&2; fail "misspelt variable not reported as expected"; }
expect_exit 2 "$SILICO" run "$WORK/bad.yaml" -o "$WORK/bad.h5"
[ ! -e "$WORK/bad.h5" ] && [ ! -e "$WORK/bad.h5.partial" ] || fail "a rejected spec wrote a result file"
echo "observations: ok"
