#!/usr/bin/env bash
# The stored outcomes of an event-driven analysis, re-analysed independently, give what
# `summarize` prints. The file keeps every patient's full observed follow-up and, next to
# it, each replicate's cut time (/replicates/<endpoint>/data_cut_time) and, with
# trial.accrual, each patient's entry time (/cohort/entry_time). Censoring the observed
# times at the cut as docs/hdf5-layout.md shows (a patient who entered at E by the cut C
# is kept; an outcome is known if E + time <= C, else censored at min(time, C - E); without
# accrual E = 0) must reproduce the log-rank (Peto) hazard ratio and p-value and the Cox
# (Efron) hazard ratio and SE of `summarize --replicate r`, and its events and patients at
# the cut, computed here from their textbook formulas in plain Python (no silico code) on
# the values h5dump prints with 17 significant digits. Without the censoring the same data
# give another answer. Two trials: every patient entering at 0 (tests/data/schoenfeld.yaml,
# cut at the 247th of 400 patients' events), and configs/oncology_calendar.yaml (600
# patients entering over 24 months, cut at the 380th event).
source "$(dirname "$0")/lib.sh"

sed -e 's/replicates: 2000/replicates: 3/' -e 's/methods: \[logrank\]/methods: [logrank, cox]/' \
  "$SILICO_SOURCE_DIR/tests/data/schoenfeld.yaml" > "$WORK/at_zero.yaml"
grep -q 'methods: \[logrank, cox\]' "$WORK/at_zero.yaml" || fail "spec edit did not apply"
sed -e 's/replicates: 200 /replicates: 3 /' "$SILICO_SOURCE_DIR/configs/oncology_calendar.yaml" > "$WORK/calendar.yaml"
grep -q 'replicates: 3 ' "$WORK/calendar.yaml" || fail "spec edit did not apply"
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"  # what the calendar config includes

# dump FILE DATASET ROW PATIENTS OUT: one row of a [R, N] dataset, one value per line.
dump() {
  h5dump -y -w 0 -m '%.17g' -d "$2" -s "$3,0" -c "1,$4" -o "$5" "$1" > /dev/null
}
for trial in at_zero:400 calendar:600; do
  name="${trial%%:*}" patients="${trial##*:}"
  mpi_run 2 run "$WORK/$name.yaml" -o "$WORK/$name.h5" -q
  for r in 0 1 2; do
    "$SILICO" summarize "$WORK/$name.h5" --replicate "$r" --json "$WORK/$name-summary-$r.json" > /dev/null
    dump "$WORK/$name.h5" /cohort/arm "$r" "$patients" "$WORK/$name-arm-$r.txt"
    dump "$WORK/$name.h5" /outcomes/os/observed/time "$r" "$patients" "$WORK/$name-time-$r.txt"
    dump "$WORK/$name.h5" /outcomes/os/observed/event "$r" "$patients" "$WORK/$name-event-$r.txt"
    if [ "$name" = calendar ]; then
      dump "$WORK/$name.h5" /cohort/entry_time "$r" "$patients" "$WORK/$name-entry-$r.txt"
    fi
  done
  h5dump -y -w 0 -m '%.17g' -d /replicates/os/data_cut_time -o "$WORK/$name-cut-times.txt" "$WORK/$name.h5" > /dev/null
done
if h5dump -H -d /cohort/entry_time "$WORK/at_zero.h5" > /dev/null 2>&1; then
  fail "a trial without accrual stored entry times"
fi

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

for name, target in (("at_zero", 247), ("calendar", 380)):
    cut_times = values(f"{name}-cut-times.txt")
    for r in range(3):
        arm = [int(v) for v in values(f"{name}-arm-{r}.txt")]
        time = values(f"{name}-time-{r}.txt")
        event = [int(v) for v in values(f"{name}-event-{r}.txt")]
        entry = values(f"{name}-entry-{r}.txt") if name == "calendar" else [0.0] * len(time)
        summary = json.load(open(f"{work}/{name}-summary-{r}.json"))["endpoints"]["os"]
        cut = summary["data_cut_time"]
        assert cut == cut_times[r], (cut, cut_times[r])
        as_cut = []
        for t, e, g, entered in zip(time, event, arm, entry):
            if entered > cut:
                continue  # not yet in the trial at the cut
            known = entered + t <= cut
            as_cut.append((t if known else min(t, cut - entered), e if known else 0, g))
        assert sum(e for _, e, _ in as_cut) == target, f"the cut is at the {target}th event"
        assert summary["data_cut_events"] == target, summary["data_cut_events"]
        assert summary["data_cut_patients"] == len(as_cut), (summary["data_cut_patients"], len(as_cut))
        if name == "calendar":
            assert len(as_cut) <= len(time) and max(entry) <= 24.0
        effects = {c["method"]: c for c in summary["estimates"]}
        hr, p = logrank(as_cut)
        cox_hr, cox_se = cox_efron(as_cut)
        print(f"{name} replicate {r}: cut {cut:.4f}, {len(as_cut)} patients; log-rank HR {hr:.6f} "
              f"(silico {effects['logrank']['effect']:.6f}), p {p:.3e}; Cox HR {cox_hr:.6f} SE {cox_se:.6f} "
              f"(silico {effects['cox']['effect']:.6f}, {effects['cox']['se']:.6f})")
        # Same formulas, other summation orders: agreement to rounding (~1e-13) is expected;
        # the bounds leave room for the p-value's erfc against Boost's chi-square tail and
        # for the Newton iterations' stopping rules (1e-12 here, 1e-9 in silico's Cox).
        assert math.isclose(hr, effects["logrank"]["effect"], rel_tol=1e-9)
        assert math.isclose(p, effects["logrank"]["p"], rel_tol=1e-7)
        assert math.isclose(cox_hr, effects["cox"]["effect"], rel_tol=1e-8)
        assert math.isclose(cox_se, effects["cox"]["se"], rel_tol=1e-7)
        # The uncut data are another analysis: the stored times alone do not reproduce it.
        uncut_hr, _ = logrank(list(zip(time, event, arm)))
        assert not math.isclose(uncut_hr, hr, rel_tol=1e-6), "the cut changed nothing"
PY
echo "cut_reanalysis: ok"
