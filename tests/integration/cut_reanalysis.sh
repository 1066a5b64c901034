#!/usr/bin/env bash
# The stored outcomes of an event-driven analysis, re-analysed independently, give what
# `summarize` prints. The file keeps every patient's full observed follow-up and, next to
# it, each replicate's cut time (/replicates/<endpoint>/data_cut_time); censoring the
# observed times at the cut (time = min(time, cut), event only if it happened by then), as
# docs/hdf5-layout.md shows, must reproduce the log-rank (Peto) hazard ratio and p-value
# and the Cox (Efron) hazard ratio and SE of `summarize --replicate r`, computed here from
# their textbook formulas in plain Python (no silico code) on the values h5dump prints
# with 17 significant digits. Without the censoring the same data give another answer.
source "$(dirname "$0")/lib.sh"

sed -e 's/replicates: 2000/replicates: 3/' -e 's/methods: \[logrank\]/methods: [logrank, cox]/' \
  "$SILICO_SOURCE_DIR/tests/data/schoenfeld.yaml" > "$WORK/cut.yaml"
grep -q 'methods: \[logrank, cox\]' "$WORK/cut.yaml" || fail "spec edit did not apply"
mpi_run 2 run "$WORK/cut.yaml" -o "$WORK/cut.h5" -q

# dump DATASET ROW OUT: one row of a [R, N] dataset, one value per line, full precision.
dump() {
  h5dump -y -w 0 -m '%.17g' -d "$1" -s "$2,0" -c "1,400" -o "$3" "$WORK/cut.h5" > /dev/null
}
for r in 0 1 2; do
  "$SILICO" summarize "$WORK/cut.h5" --replicate "$r" --json "$WORK/summary-$r.json" > /dev/null
  dump /cohort/arm "$r" "$WORK/arm-$r.txt"
  dump /outcomes/os/observed/time "$r" "$WORK/time-$r.txt"
  dump /outcomes/os/observed/event "$r" "$WORK/event-$r.txt"
done
h5dump -y -w 0 -m '%.17g' -d /replicates/os/data_cut_time -o "$WORK/cut-times.txt" "$WORK/cut.h5" > /dev/null

python3 - "$WORK" <<'PY'
import json, math, re, sys

work = sys.argv[1]

def values(name):
    text = open(f"{work}/{name}").read()
    return [float(v) for v in re.findall(r"[-+0-9.eE]+|nan|inf", text)]

def at_risk_sums(rows):
    """Distinct event times in order, with per-time (deaths by group, risk sets by group)."""
    times = sorted({t for t, e, g in rows if e})
    out = []
    for t in times:
        d = [sum(1 for u, e, g in rows if e and u == t and g == k) for k in (0, 1)]
        n = [sum(1 for u, e, g in rows if u >= t and g == k) for k in (0, 1)]
        out.append((t, d, n))
    return out

def logrank(rows):
    o_minus_e = v = 0.0
    for t, d, n in at_risk_sums(rows):
        dt, nt = d[0] + d[1], n[0] + n[1]
        o_minus_e += d[1] - dt * n[1] / nt
        if nt > 1:
            v += dt * (n[1] / nt) * (1 - n[1] / nt) * (nt - dt) / (nt - 1)
    chi2 = o_minus_e ** 2 / v
    return math.exp(o_minus_e / v), math.erfc(math.sqrt(chi2 / 2))

def cox_efron(rows):
    """One binary covariate (group), Efron ties, Newton-Raphson from 0."""
    beta = 0.0
    for _ in range(50):
        score = info = 0.0
        for t, d, n in at_risk_sums(rows):
            dt = d[0] + d[1]
            r0 = n[0] + n[1] * math.exp(beta)         # sum of risk over the risk set
            r1 = n[1] * math.exp(beta)                 # sum of x * risk (x = group)
            tied0 = d[0] + d[1] * math.exp(beta)       # risk of the tied deaths
            tied1 = d[1] * math.exp(beta)
            score += d[1]
            for l in range(dt):
                f = l / dt
                s0, s1 = r0 - f * tied0, r1 - f * tied1
                mean = s1 / s0
                score -= mean
                info += mean - mean * mean              # x^2 = x for a 0/1 covariate
        step = score / info
        beta += step
        if abs(step) < 1e-12:
            break
    return math.exp(beta), math.sqrt(1 / info)

cut_times = values("cut-times.txt")
for r in range(3):
    arm = [int(v) for v in values(f"arm-{r}.txt")]
    time, event = values(f"time-{r}.txt"), [int(v) for v in values(f"event-{r}.txt")]
    summary = json.load(open(f"{work}/summary-{r}.json"))["endpoints"]["os"]
    cut = summary["data_cut_time"]
    assert cut == cut_times[r], (cut, cut_times[r])
    as_cut = [(min(t, cut), 1 if e and t <= cut else 0, g) for t, e, g in zip(time, event, arm)]
    assert sum(e for _, e, _ in as_cut) == 247, "the cut is at the 247th event"
    effects = {c["method"]: c for c in summary["estimates"]}
    hr, p = logrank(as_cut)
    cox_hr, cox_se = cox_efron(as_cut)
    print(f"replicate {r}: cut {cut:.4f}; log-rank HR {hr:.6f} (silico {effects['logrank']['effect']:.6f}), "
          f"p {p:.3e}; Cox HR {cox_hr:.6f} SE {cox_se:.6f} (silico {effects['cox']['effect']:.6f}, "
          f"{effects['cox']['se']:.6f})")
    # Same formulas, other summation orders: agreement to rounding (~1e-13) is expected;
    # the bounds leave room for the p-value's erfc against Boost's chi-square tail and for
    # the Newton iterations' stopping rules (1e-12 here, 1e-9 in silico's Cox).
    assert math.isclose(hr, effects["logrank"]["effect"], rel_tol=1e-9)
    assert math.isclose(p, effects["logrank"]["p"], rel_tol=1e-7)
    assert math.isclose(cox_hr, effects["cox"]["effect"], rel_tol=1e-8)
    assert math.isclose(cox_se, effects["cox"]["se"], rel_tol=1e-7)
    # The uncut data are another analysis: the stored times alone do not reproduce it.
    uncut_hr, _ = logrank(list(zip(time, event, arm)))
    assert not math.isclose(uncut_hr, hr, rel_tol=1e-6), "the cut changed nothing"
PY
echo "cut_reanalysis: ok"
