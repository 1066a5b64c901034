#!/usr/bin/env bash
# Group-sequential looks at calendar times (group_sequential.look_times). The interim of
# tests/data/look_times_null.yaml is held at time 6 (everyone enters at 0), and again with
# entry over 12 months (trial.accrual) at calendar time 14. Each replicate's interim uses
# the information it has then, t = events by then / events at the final analysis, and its
# bounds are the O'Brien-Fleming-type spending design's at t: at the interim
# u_1 = z_{1 - a(t)} with a(t) = 2 - 2 Phi(z_{0.9875} / sqrt t) (checked to 1e-8 in every
# replicate), and the final bound spends the rest, so that under H0 the rejection rate is
# 0.025 within 3.5 MCSE (the futility bound is non-binding: a trial that crosses it stops
# and does not reject, so the rate may only fall below 0.025 by its small share).
source "$(dirname "$0")/lib.sh"
spec="$SILICO_SOURCE_DIR/tests/data/look_times_null.yaml"
mpi_run 2 run "$spec" -o "$WORK/null.h5" -q
sed -e 's/replicates: 2000/replicates: 200/' -e 's/follow_up: 1000}/follow_up: 1000, accrual: {duration: 12}}/' \
    -e 's/look_times: \[6\]/look_times: [14]/' "$spec" > "$WORK/accrual.yaml"
grep -q 'accrual: {duration: 12}' "$WORK/accrual.yaml" || fail "spec edit did not apply"
mpi_run 2 run "$WORK/accrual.yaml" -o "$WORK/accrual.h5" -q
group=/replicates/os/logrank/treatment
for name in null accrual; do
  for series in gs_look_1_fraction gs_look_1_bound gs_look_1_time gs_look_2_bound gs_reject gs_futility; do
    h5dump -y -w 0 -m '%.17g' -d "$group/$series" -o "$WORK/$name-$series.txt" "$WORK/$name.h5" > /dev/null
  done
  h5dump -y -w 0 -m '%.17g' -d /replicates/os/data_cut_time -o "$WORK/$name-cut.txt" "$WORK/$name.h5" > /dev/null
done
python3 - "$WORK" <<'PY'
import math, sys
from statistics import NormalDist
work = sys.argv[1]
z = NormalDist().inv_cdf
Phi = NormalDist().cdf
def read(name, series):
    text = open(f"{work}/{name}-{series}.txt").read().replace(",", " ").split()
    return [float(v) for v in text]
for name, time in (("null", 6.0), ("accrual", 14.0)):
    fraction, bound = read(name, "gs_look_1_fraction"), read(name, "gs_look_1_bound")
    times, cut = read(name, "gs_look_1_time"), read(name, "cut")
    held = 0
    for t, u, look, final in zip(fraction, bound, times, cut):
        if math.isnan(t):
            assert math.isnan(u) and time >= final, (t, u, final)  # after the final analysis
            continue
        held += 1
        assert 0 < t < 1 and look == time, (t, look)
        spent = 2 - 2 * Phi(z(1 - 0.025 / 2) / math.sqrt(t))
        assert abs(u - z(1 - spent)) < 1e-8, (t, u, z(1 - spent))
    print(f"{name}: interim held in {held} of {len(fraction)} replicates, mean t {sum(f for f in fraction if f == f) / held:.3f}")
    assert held > 0.9 * len(fraction), held
    assert all(1.9 < u < 2.1 for u in read(name, "gs_look_2_bound")), "final bounds"
reject = read("null", "gs_reject")
rate, n = sum(reject) / len(reject), len(reject)
mcse = math.sqrt(0.025 * 0.975 / n)
print(f"type I error {rate:.4f}, 3.5 MCSE {3.5 * mcse:.4f}")
assert abs(rate - 0.025) < 3.5 * mcse, rate
PY
# benefit: higher (a hazard ratio above 1 favours treatment): the bounds on the hazard-ratio
# scale are above 1, exp(+u / sqrt(d p (1 - p))).
sed -e 's/replicates: 2000/replicates: 200/' -e 's/sided: one/sided: one\n        benefit: higher/' "$spec" > "$WORK/higher.yaml"
grep -q 'benefit: higher' "$WORK/higher.yaml" || fail "spec edit did not apply"
mpi_run 2 run "$WORK/higher.yaml" -o "$WORK/higher.h5" -q
"$SILICO" summarize "$WORK/higher.h5" --json "$WORK/higher.json" > /dev/null
python3 - "$WORK" <<'PY'
import json, math, sys
g = json.load(open(f"{sys.argv[1]}/higher.json"))["endpoints"]["os"]["group_sequential"][0]
assert g["benefit"] == "higher" and g["look_times"] == [6], g
for u, d, hr in zip(g["boundaries"], g["look_events"], g["hazard_ratio_boundaries"]):
    assert hr > 1 and abs(hr - math.exp(u / math.sqrt(d / 4))) < 0.01 * hr, (u, d, hr)
PY
# Two interim times with no event between them (6 and 6.0001): the second look adds no
# information and is not held; the run completes (it stopped with "information fractions
# must be strictly increasing" before).
sed -e 's/replicates: 2000/replicates: 20/' -e 's/looks: \[0.5, 1\]/looks: [0.3, 0.5, 1]/' \
    -e 's/look_times: \[6\]/look_times: [6, 6.0001]/' -e 's/futility: {bounds: \[-1\]}/futility: {bounds: [-1, -1]}/' \
    "$spec" > "$WORK/same.yaml"
grep -q 'look_times: \[6, 6.0001\]' "$WORK/same.yaml" || fail "spec edit did not apply"
mpi_run 2 run "$WORK/same.yaml" -o "$WORK/same.h5" -q
# Beta-spending futility would be solved again in every replicate: refused, located.
sed 's/futility: {bounds: \[-1\]}/futility: {beta: 0.2}/' "$spec" > "$WORK/beta.yaml"
expect_exit 2 "$SILICO" check "$WORK/beta.yaml"
grep -q "group_sequential.futility" "$WORK/stderr" && grep -q "futility bounds are fixed" "$WORK/stderr" \
  || fail "$(cat "$WORK/stderr")"
sed 's/look_times: \[6\]/look_times: [6, 8]/' "$spec" > "$WORK/count.yaml"
expect_exit 2 "$SILICO" check "$WORK/count.yaml"
grep -q "one calendar time per interim look (1" "$WORK/stderr" || fail "$(cat "$WORK/stderr")"
echo "look_times: ok"
