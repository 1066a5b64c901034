#!/usr/bin/env bash
# silico design on tests/data/procova_variance.yaml (effect 1, outcome variance 14 of which
# the prognostic score explains 5/14), 2,000 replicate trials per size, target power 0.8.
# Two-sample formula, N = 4 sigma^2 (z_0.975 + z_0.8)^2 / delta^2 patients in all:
# unadjusted (welch) sigma^2 = 14 gives N = 439.5; PROCOVA's residual sigma^2 = 9 gives
# N = 282.6. The search finds each within the error its Monte Carlo power allows: 3 MCSE of
# power (0.027) over the power curve's slope at N (0.00089 and 0.0014 per patient) is about
# 30 and 19 patients; one randomization block (4) is added for rounding.
source "$(dirname "$0")/lib.sh"
mpi_run 2 design "$SILICO_SOURCE_DIR/tests/data/procova_variance.yaml" --replicates 2000 \
  --json "$WORK/design.json" -q > "$WORK/design.txt"
grep -q "required total patients" "$WORK/design.txt" || fail "no result table"
python3 - "$WORK/design.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
required = {r["method"]: r["patients"] for r in d["required"]}
print("required patients:", required)
assert abs(required["welch"] - 439.5) < 30 + 4, required
assert abs(required["procova"] - 282.6) < 19 + 4, required
assert required["procova"] < required["welch"]
sizes = sorted({c["patients"] for c in d["curve"]})
assert sizes[0] < required["procova"] and sizes[-1] >= required["welch"], sizes
PY
# --max-patients bounds every size tried; a target out of reach is reported as not reached.
mpi_run 2 design "$SILICO_SOURCE_DIR/tests/data/procova_variance.yaml" --replicates 200 \
  --max-patients 102 --json "$WORK/capped.json" -q > "$WORK/capped.txt"
grep -q "not reached (largest power .* at 100 patients)" "$WORK/capped.txt" || fail "unreachable target not reported"
python3 - "$WORK/capped.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert max(c["patients"] for c in d["curve"]) <= 102, d["curve"]
for r in d["required"]:
    # Never patients 0: the size with the largest power seen, flagged as not reached.
    assert r["reached"] is False and r["patients"] > 0, r
    best = max((c for c in d["curve"] if c["method"] == r["method"]), key=lambda c: c["power"])
    assert r["power"] == best["power"] and r["power"] < 0.8, (r, best)
PY
# The same search warns on standard error even with -q.
mpi_run 1 design "$SILICO_SOURCE_DIR/tests/data/procova_variance.yaml" --replicates 200 \
  --max-patients 102 -q > /dev/null 2> "$WORK/capped.err"
grep -q "design: warning: welch (treatment vs control) does not reach power 0.8 within 100 patients (--max-patients)" \
  "$WORK/capped.err" || fail "no warning for an unreachable target: $(cat "$WORK/capped.err")"

# An event-driven cut scales with the size. tests/data/schoenfeld.yaml cuts 400 patients
# at 247 events (Schoenfeld 1983: HR 0.7, 1:1, two-sided alpha 0.05, power 0.8 need 247
# events), so at the spec's event fraction 247/400 the required size is 400. The power
# curve's slope there is phi(0.8416) |log 0.7| / (4 sqrt(247)) = 0.00159 per event, 0.00098
# per patient; 3 MCSE of power at 1,000 replicates (0.038) is 39 patients, plus a block (2).
mpi_run 2 design "$SILICO_SOURCE_DIR/tests/data/schoenfeld.yaml" --replicates 1000 \
  --json "$WORK/events.json" -q > "$WORK/events.txt"
python3 - "$WORK/events.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
(r,) = d["required"]
print("log-rank, event-driven cut:", r)
assert r["reached"] and abs(r["patients"] - 400) <= 39 + 2, r
assert r["data_cut_events"] == int(247 * r["patients"] / 400 + 0.5), r  # std::round: halves up
for c in d["curve"]:
    assert c["data_cut_events"] == max(1, min(c["patients"], int(247 * c["patients"] / 400 + 0.5))), c
# Power grows with the size (a fixed 247 events made it fall): monotone within 3 MCSE.
curve = sorted(d["curve"], key=lambda c: c["patients"])
for a, b in zip(curve, curve[1:]):
    assert b["power"] >= a["power"] - 3 * max(a["mcse"], b["mcse"]), (a, b)
PY

# Searching over events at the spec's 400 patients: Schoenfeld's 247 events, within 3 MCSE
# of power at 1,000 replicates over the slope 0.00159 per event (24 events), plus 1. Each
# point says when its cut fell: every patient enters at 0, so the cut time is the mean time
# of the d-th event, increasing with d, and all 400 patients are in.
mpi_run 2 design "$SILICO_SOURCE_DIR/tests/data/schoenfeld.yaml" --replicates 1000 --over events \
  --json "$WORK/over-events.json" -q > "$WORK/over-events.txt"
grep -q "required events at the data cut (400 patients)" "$WORK/over-events.txt" || fail "no events table"
python3 - "$WORK/over-events.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["over"] == "events", d["over"]
(r,) = d["required"]
print("log-rank, events needed at 400 patients:", r)
assert r["reached"] and abs(r["data_cut_events"] - 247) <= 24 + 1, r
curve = sorted(d["curve"], key=lambda c: c["data_cut_events"])
assert all(c["patients"] == 400 and c["cut_patients"] == 400 and c["cut_reached"] == 1 for c in curve), curve
assert all(c["cut_events"] == c["data_cut_events"] for c in curve), curve  # no ties in continuous times
assert all(a["cut_time"] < b["cut_time"] for a, b in zip(curve, curve[1:])), curve
PY
expect_exit 2 "$SILICO" design "$SILICO_SOURCE_DIR/tests/data/procova_variance.yaml" --over events -q
expect_exit 2 "$SILICO" design "$SILICO_SOURCE_DIR/tests/data/schoenfeld.yaml" --over visits -q

# The design JSON names its spec (SHA-256 of the text, as silico run stores it), and silico
# report --design refuses one written for another spec, or one that names none.
python3 - "$WORK/capped.json" "$SILICO_SOURCE_DIR/tests/data/procova_variance.yaml" <<'PY'
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
assert d["spec_sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest(), d["spec_sha256"]
assert d["trial"] == "procova_variance" and d["seed"] == 2021 and d["spec_file"].endswith("procova_variance.yaml"), d
PY
"$SILICO" run "$SILICO_SOURCE_DIR/tests/data/procova_variance.yaml" --replicates 0:20 -o "$WORK/procova.h5" -q
"$SILICO" report "$WORK/procova.h5" -o "$WORK/procova.html" --design "$WORK/capped.json" --study-patients 200 \
  2> "$WORK/report.err"
grep -q "Power by trial size, endpoint y" "$WORK/procova.html" || fail "the matching design is not in the report"
# Progress of the report's own simulations on standard error, one line a step; none with -q.
for line in "silico report: reading 400 patients of replicate 0" \
            "silico report: sensitivity 0/[0-9]*: the spec's values, 200 patients" \
            "silico report: sensitivity [0-9]*/[0-9]*: arm_effect.treatment +10 %" \
            "silico report: sensitivity \([0-9]*\)/\1: done" "silico report: done"; do
  grep -q "$line" "$WORK/report.err" || fail "no progress line '$line': $(cat "$WORK/report.err")"
done
"$SILICO" report --help | grep -q "standard error" || fail "report --help does not say where progress goes"
"$SILICO" report "$WORK/procova.h5" -o "$WORK/procova.html" --design "$WORK/capped.json" --study-patients 200 \
  --force -q 2> "$WORK/report.err"
[ ! -s "$WORK/report.err" ] || fail "report -q is not quiet: $(cat "$WORK/report.err")"
expect_exit 2 "$SILICO" report "$WORK/procova.h5" -o "$WORK/other.html" --design "$WORK/events.json" -q
grep -q "events.json' was written for another spec: spec '.*schoenfeld.yaml'" "$WORK/stderr" &&
  grep -q "procova_variance.yaml' (trial 'procova_variance'" "$WORK/stderr" ||
  fail "a design of another spec: $(cat "$WORK/stderr")"
[ ! -e "$WORK/other.html" ] || fail "a report was written with another spec's design"
python3 - "$WORK/capped.json" "$WORK/old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["spec_sha256"]
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 2 "$SILICO" report "$WORK/procova.h5" -o "$WORK/other.html" --design "$WORK/old.json" -q
grep -q "old.json' does not say which spec it was written for .*re-run silico design" "$WORK/stderr" ||
  fail "a design without spec_sha256: $(cat "$WORK/stderr")"
# With analysis.multiplicity, power counts the procedure's decisions for its hypotheses
# (configs/dose_three_arm.yaml: ancova of both doses under Dunnett's test), and each method's
# own p < alpha for the others (welch); the output says which.
mpi_run 2 design "$SILICO_SOURCE_DIR/configs/dose_three_arm.yaml" --replicates 200 \
  --json "$WORK/dose.json" -q > "$WORK/dose.txt"
grep -q "ancova           high_dose .* after dunnett" "$WORK/dose.txt" || fail "no adjustment named: $(cat "$WORK/dose.txt")"
python3 - "$WORK/dose.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
adjustments = {(r["method"], r["treatment"]): r["adjustment"] for r in d["required"]}
assert adjustments == {("ancova", "low_dose"): "dunnett", ("ancova", "high_dose"): "dunnett",
                       ("welch", "low_dose"): "none", ("welch", "high_dose"): "none"}, adjustments
PY
echo "design_search: ok"
