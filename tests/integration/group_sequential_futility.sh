#!/usr/bin/env bash
# A one-sided group-sequential design with futility (tests/data/group_sequential_futility.yaml:
# alpha 0.025, Lan-DeMets O'Brien-Fleming efficacy spending, Hwang-Shih-DeCani(-2) beta
# spending, looks at 50/75/100 % of 247 events), 2,000 replicates each. Under the null the
# simulated stops for efficacy and for futility at each look, and the overall rejection,
# agree with the design's analytic crossing probabilities under H0 (computed by recursive
# integration with the futility stops in place, stored with the results) within 3 MCSE:
# non-binding, the type I error is below alpha (about 0.023); binding, it is alpha itself.
# Under HR 0.7 the simulated cumulative crossing agrees, look by look, with the analytic
# crossing at the drift of the simulated true hazard ratio (summarize's truth_* keys) within
# 3 MCSE, and silico report renders the group-sequential section.
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
# Per look: each look's data cut on ceil(t_k 247) events of all 400 patients, and the
# cumulative crossing simulated (the sums of the stop probabilities) with MCSE.
assert alt["look_events"] == [124, 186, 247] and alt["look_patients"] == [400, 400, 400], alt
assert all(a < b for a, b in zip(alt["look_time"], alt["look_time"][1:])), alt["look_time"]
assert alt["expected_events_at_stop"] == alt["expected_information"], alt
total = 0.0
for k in range(3):
    total += alt["stop_probability"][k]
    assert abs(alt["efficacy_crossing"][k] - total) < 1e-12, alt
    assert abs(alt["efficacy_crossing_mcse"][k] - math.sqrt(total * (1 - total) / n)) < 1e-12, alt
# Analytic crossing under the simulated truth: the drift of the replicates' true hazard
# ratio (geometric mean, about 0.7) by Schoenfeld at the 247 final events, -log(HR) sqrt(247/4),
# at the looks' mean information fractions; it agrees with the simulated crossing look by
# look within 3 Monte Carlo SE of 2,000 replicates, sqrt(P (1 - P) / 2000) (at most 0.034).
assert abs(alt["truth_effect"] - 0.7) < 0.01, alt["truth_effect"]
assert abs(alt["truth_drift"] + math.log(alt["truth_effect"]) * math.sqrt(247 / 4)) < 1e-3, alt["truth_drift"]
for k in range(3):
    within(alt["efficacy_crossing"][k], alt["truth_efficacy_crossing"][k], f"truth look {k + 1} efficacy")
    within(alt["futility_crossing"][k], alt["truth_futility_crossing"][k], f"truth look {k + 1} futility")
# Under the null the true hazard ratio is exactly 1: the drift is 0 and the truth is H0
# (at the looks' mean fractions 124/247 and 186/247 rather than 0.5 and 0.75: within 1e-4).
for name in ("null", "binding"):
    g = design(name)
    assert g["truth_drift"] == 0 and g["truth_effect"] == 1, g
    assert g["truth_information_fractions"] == [124 / 247, 186 / 247, 1], g
    for key in ("efficacy", "futility"):
        for a, b in zip(g[f"truth_{key}_crossing"], g[f"null_{key}_crossing"]):
            assert abs(a - b) < 1e-4, (name, key, g)
    for a, b in zip(g["null_efficacy_crossing"], g["h0_efficacy_crossing"]):
        assert abs(a - b) < 1e-9, (name, g)
PY
grep -q "simulated truth: hazard_ratio 0.69\|simulated truth: hazard_ratio 0.70" "$WORK/alt.txt" \
  || fail "no truth line in the text: $(cat "$WORK/alt.txt")"
grep -q "cum. efficacy (MCSE)" "$WORK/alt.txt" || fail "no per-look crossing table in the text"
# A mean difference (tests/data/group_sequential_continuous.yaml, 4,000 replicates): the
# drift is the true difference over the mean final SE, the bounds on the difference scale
# are -u_k SE / sqrt(t_k), and the analytic crossing under the truth agrees with the
# simulated one within 3 MCSE, sqrt(P (1 - P) / 4000).
mpi_run 2 run "$SILICO_SOURCE_DIR/tests/data/group_sequential_continuous.yaml" -o "$WORK/continuous.h5" -q
"$SILICO" summarize "$WORK/continuous.h5" --json "$WORK/continuous.json" > "$WORK/continuous.txt"
python3 - "$WORK/continuous.json" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
g = s["endpoints"]["y"]["group_sequential"][0]
n = 4000
assert g["measure"] == "mean_difference" and "look_events" not in g, g
assert abs(g["truth_effect"] + 1.2) < 1e-9, g
assert 2.6 < g["truth_drift"] < 3.0, g
for k in range(2):
    assert g["difference_boundaries"][k] < 0, g
assert abs(g["difference_boundaries"][-1] / g["difference_boundaries"][0] -
           g["boundaries"][-1] / g["boundaries"][0] * math.sqrt(0.5)) < 1e-9, g
for k in range(2):
    for key in ("efficacy", "futility"):
        simulated, analytic = g[f"{key}_crossing"][k], g[f"truth_{key}_crossing"][k]
        mcse = math.sqrt(max(analytic * (1 - analytic), 1e-4) / n)
        print(f"continuous look {k + 1} {key}: simulated {simulated:.4f}, analytic {analytic:.4f}, 3 MCSE {3 * mcse:.4f}")
        assert abs(simulated - analytic) < 3 * mcse, g
PY
# The report renders the section with the same numbers.
"$SILICO" report "$WORK/alt.h5" -o "$WORK/alt.html" --study-patients 200 -q
grep -q "<h3>Group-sequential design</h3>" "$WORK/alt.html" || fail "no group-sequential section in the report"
grep -q 'data-series="futility bound"' "$WORK/alt.html" || fail "no chart of the bounds in the report"
grep -q "Analytic probabilities under the simulated truth: hazard_ratio" "$WORK/alt.html" \
  || fail "the report does not give the truth"
echo "group_sequential_futility: ok"
