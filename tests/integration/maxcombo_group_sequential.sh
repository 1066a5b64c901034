#!/usr/bin/env bash
# MaxCombo as the primary method of a one-sided group-sequential design
# (tests/data/maxcombo_group_sequential_null.yaml: FH(0,0) and FH(0,1), looks at 50 % and
# 100 % of 200 events, O'Brien-Fleming spending at one-sided 0.025) under no effect, 2,000
# replicates. Each replicate's bounds are solved from its tests' covariance at each look
# (stats::MaxStatisticBounds), so the first crossing has probability alpha spent by that
# look: the simulated stops at look 1 and the overall rejection agree with the spending,
# a(0.5) = 2 - 2 Phi(z_0.0125 / sqrt(0.5)) = 0.001525 and 0.025, within 3.5 MCSE. Then the
# same design with a fixed futility bound at the interim, and the errors of a two-sided or
# binding design.
source "$(dirname "$0")/lib.sh"
spec="$SILICO_SOURCE_DIR/tests/data/maxcombo_group_sequential_null.yaml"
mpi_run 2 run "$spec" -o "$WORK/null.h5" -q
"$SILICO" summarize "$WORK/null.h5" --json "$WORK/null.json" > "$WORK/null.txt"
grep -q "group-sequential maxcombo vs control for treatment: one-sided alpha 0.025" "$WORK/null.txt" \
  || fail "design line missing: $(cat "$WORK/null.txt")"
python3 - "$WORK" <<'PY'
import json, math, sys
work = sys.argv[1]
n = 2000
g = json.load(open(f"{work}/null.json"))["endpoints"]["os"]["group_sequential"][0]
assert g["method"] == "maxcombo" and g["sided"] == "one", g
def within(simulated, expected, what):
    mcse = math.sqrt(expected * (1 - expected) / n)
    print(f"{what}: simulated {simulated:.4f}, spent {expected:.4f}, 3.5 MCSE {3.5 * mcse:.4f}")
    assert abs(simulated - expected) < 3.5 * mcse, what
within(g["stop_probability"][0], 0.001525, "look 1 efficacy")
within(g["rejection_rate"], 0.025, "type I error")
PY
# A futility bound at the interim (max Z <= 0: no test favours treatment), non-binding.
sed 's/spending: obrien_fleming}/spending: obrien_fleming, futility: {bounds: [0]}}/' "$spec" > "$WORK/futility.yaml"
grep -q 'bounds: \[0\]' "$WORK/futility.yaml" || fail "spec edit did not apply"
mpi_run 2 run "$WORK/futility.yaml" -o "$WORK/futility.h5" -q
"$SILICO" summarize "$WORK/futility.h5" --json "$WORK/futility.json" > /dev/null
python3 - "$WORK" <<'PY'
import json, sys
g = json.load(open(f"{sys.argv[1]}/futility.json"))["endpoints"]["os"]["group_sequential"][0]
# Under H0 max(Z1, Z2) <= 0 at the interim has probability P(Z1 <= 0, Z2 <= 0), between
# 1/4 (independent) and 1/2 (identical): the stops fall in that range.
assert 0.2 < g["futility_stop_probability"][0] < 0.55, g
assert g["rejection_rate"] <= 0.025 + 0.012, g
PY
# The bounds of a test without an estimate are one-sided and their futility non-binding.
sed 's/sided: one, alpha: 0.025, //' "$spec" > "$WORK/two_sided.yaml"
expect_exit 2 "$SILICO" check "$WORK/two_sided.yaml"
grep -q "the looks of maxcombo are one-sided, in favour of treatment: add sided: one" "$WORK/stderr" || fail "$(cat "$WORK/stderr")"
sed 's/spending: obrien_fleming}/spending: obrien_fleming, futility: {bounds: [0], binding: true}}/' "$spec" \
  > "$WORK/binding.yaml"
expect_exit 2 "$SILICO" check "$WORK/binding.yaml"
grep -q "futility.binding" "$WORK/stderr" && grep -q "non-binding" "$WORK/stderr" || fail "$(cat "$WORK/stderr")"
echo "maxcombo_group_sequential: ok"
