#!/usr/bin/env bash
# A one-sided group-sequential design with futility (tests/data/group_sequential_futility.yaml:
# alpha 0.025, Lan-DeMets O'Brien-Fleming efficacy spending, Hwang-Shih-DeCani(-2) beta
# spending, looks at 50/75/100 % of 247 events), 2,000 replicates each. Under the null the
# simulated stops for efficacy and for futility at each look, and the overall rejection,
# agree with the design's analytic crossing probabilities under H0 (computed by recursive
# integration with the futility stops in place, stored with the results) within 3 MCSE:
# non-binding, the type I error is below alpha (about 0.023); binding, it is alpha itself.
source "$(dirname "$0")/lib.sh"
spec="$SILICO_SOURCE_DIR/tests/data/group_sequential_futility.yaml"
sed 's/hazard_ratio: {treatment: 0.7}/hazard_ratio: {treatment: 1.0}/' "$spec" > "$WORK/null.yaml"
sed 's/binding: false/binding: true/' "$WORK/null.yaml" > "$WORK/binding.yaml"
grep -q 'binding: true' "$WORK/binding.yaml" || fail "spec edit did not apply"
for name in null binding; do
  mpi_run 2 run "$WORK/$name.yaml" -o "$WORK/$name.h5" -q
  "$SILICO" summarize "$WORK/$name.h5" --json "$WORK/$name.json" > "$WORK/$name.txt"
done
mpi_run 2 run "$spec" -o "$WORK/alt.h5" -q
"$SILICO" summarize "$WORK/alt.h5" --json "$WORK/alt.json" > "$WORK/alt.txt"
grep -q "one-sided alpha 0.025, obrien_fleming spending; futility hsd(-2), non-binding" "$WORK/alt.txt" \
  || fail "design line missing: $(cat "$WORK/alt.txt")"
python3 - "$WORK" <<'PY'
import json, math, sys
work = sys.argv[1]
n = 2000
def design(name):
    return json.load(open(f"{work}/{name}.json"))["endpoints"]["os"]["group_sequential"][0]
def within(simulated, analytic, what):
    mcse = math.sqrt(max(analytic * (1 - analytic), 1e-4) / n)
    print(f"{what}: simulated {simulated:.4f}, analytic {analytic:.4f}, 3 MCSE {3 * mcse:.4f}")
    assert abs(simulated - analytic) < 3 * mcse, what
for name in ("null", "binding"):
    g = design(name)
    assert g["sided"] == "one" and g["alpha"] == 0.025 and g["benefit"] == "lower", g
    previous_up = previous_low = 0.0
    for k in range(3):
        up, low = g["h0_efficacy_crossing"][k], g["h0_futility_crossing"][k]
        within(g["stop_probability"][k], up - previous_up, f"{name} look {k + 1} efficacy")
        within(g["futility_stop_probability"][k], low - previous_low, f"{name} look {k + 1} futility")
        previous_up, previous_low = up, low
    within(g["rejection_rate"], g["h0_efficacy_crossing"][-1], f"{name} type I error")
# Non-binding bounds keep the type I error below alpha; binding ones spend it exactly.
assert design("null")["h0_efficacy_crossing"][-1] < 0.025
assert abs(design("binding")["h0_efficacy_crossing"][-1] - 0.025) < 1e-8
assert design("binding")["boundaries"][-1] < design("null")["boundaries"][-1]
# Under HR 0.7: the bounds on the hazard-ratio scale fall with the look's information
# (Schoenfeld: exp(-u / sqrt(d / 4)) for d events), and most trials reject.
alt = design("alt")
hr = alt["hazard_ratio_boundaries"]
assert all(0 < a < b < 1 for a, b in zip(hr, hr[1:])), hr
assert abs(hr[-1] - math.exp(-alt["boundaries"][-1] / math.sqrt(247 / 4))) < 0.005, hr
assert alt["rejection_rate"] > 0.7, alt
PY
echo "group_sequential_futility: ok"
