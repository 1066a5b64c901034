#!/usr/bin/env bash
# The result file reads in R with hdf5r as docs/hdf5-layout.md shows, and the R analyses
# of a replicate give what `silico summarize --replicate r --json` reports for it. The
# R code is not copied here: the fenced ```r blocks of the doc that follow the marker
# "<!-- tests/integration/r_hdf5r.sh runs this block -->" are extracted and run with
# "OUT.h5" replaced by a file made here (and `r <- 0` by another replicate), so the doc
# and the test cannot drift apart. Checked to 1e-6 relative:
#   - configs/example.yaml (400 patients, 3 replicates), replicates 0 and 2 (row order:
#     hdf5r reads a [R, N] dataset as an N x R matrix): survdiff's Peto hazard ratio and
#     log-rank p = summarize's logrank; the adjusted coxph's hazard ratio, SE of log HR and
#     Wald p = its cox; survfit's (log-log) medians and their CIs = its arms';
#   - replicate 0 of two trials with a data cut, each with example.yaml's Cox covariates:
#     configs/oncology_calendar.yaml (600 patients entering over 24 months, 3 replicates,
#     cut at the 250th event, before every patient has entered) and the example above with a
#     cut at the 200th event (every patient entering at 0): the data-cut block's events and
#     patients = data_cut_events and data_cut_patients, its log-rank and Cox = summarize's;
#     the same data without the cut give another hazard ratio.
# Installs R, hdf5r and survival (Debian packages) if they are missing; the machine runs as
# root. Written against R 4.2.2, hdf5r 1.3.8 (HDF5 1.10.8), survival 3.5-3 (Debian 12).
source "$(dirname "$0")/lib.sh"

if ! Rscript -e 'library(hdf5r); library(survival)' > /dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  packages=(r-base-core r-cran-hdf5r r-cran-survival)
  apt-get install -y --no-install-recommends "${packages[@]}" > "$WORK/apt.log" 2>&1 \
    || { apt-get update >> "$WORK/apt.log" 2>&1 \
         && apt-get install -y --no-install-recommends "${packages[@]}" >> "$WORK/apt.log" 2>&1; } \
    || { tail -20 "$WORK/apt.log" >&2; fail "could not install ${packages[*]}"; }
  Rscript -e 'library(hdf5r); library(survival)' > /dev/null || fail "hdf5r or survival does not load after installing"
fi
Rscript -e 'cat(R.version.string, "hdf5r", format(packageVersion("hdf5r")), "HDF5",
  hdf5r::h5version(verbose = FALSE), "survival", format(packageVersion("survival")), "\n")'

# The marked ```r blocks of the doc, in order: block_1.R (read a replicate, its analyses),
# block_2.R (the analyses at the data cut).
awk -v dir="$WORK" '
  /^<!-- tests\/integration\/r_hdf5r.sh runs this block -->$/ { marked = 1; next }
  marked && /^```r$/ { n++; out = dir "/block_" n ".R"; inside = 1; marked = 0; next }
  marked { print "marker not followed by a ```r block" > "/dev/stderr"; exit 1 }
  inside && /^```$/ { inside = 0; next }
  inside { print > out }
  END { if (inside) exit 1; print n + 0 > (dir "/blocks") }
' "$SILICO_SOURCE_DIR/docs/hdf5-layout.md" || fail "could not extract the R blocks of docs/hdf5-layout.md"
[ "$(cat "$WORK/blocks")" = 2 ] || fail "expected 2 marked R blocks in docs/hdf5-layout.md, found $(cat "$WORK/blocks")"
for b in 1 2; do
  grep -q '"OUT.h5"' "$WORK/block_$b.R" || fail "R block $b does not open \"OUT.h5\""
done
grep -q '^r <- 0 ' "$WORK/block_1.R" || fail "R block 1 does not set r <- 0"

# Three small trials.
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"  # what the configs include
sed -e 's/patients: 20000 /patients: 400 /' -e 's/replicates: 1$/replicates: 3/' \
  "$SILICO_SOURCE_DIR/configs/example.yaml" > "$WORK/example.yaml"
sed -e 's/^\( *\)landmarks: \[12, 24\].*/&\n\1data_cut: {events: 200}/' "$WORK/example.yaml" > "$WORK/at_zero.yaml"
sed -e 's/replicates: 200 /replicates: 3 /' -e 's/data_cut: {events: 380}/data_cut: {events: 250}/' \
  -e 's/^\( *\)methods: \[logrank, cox, rmst, km_median\]$/&\n\1covariates: [age, ecog, ldh_ratio, female]/' \
  "$SILICO_SOURCE_DIR/configs/oncology_calendar.yaml" > "$WORK/calendar.yaml"
grep -q 'patients: 400 ' "$WORK/example.yaml" && grep -q 'replicates: 3' "$WORK/example.yaml" \
  && grep -q '^      data_cut: {events: 200}$' "$WORK/at_zero.yaml" \
  && grep -q 'replicates: 3 ' "$WORK/calendar.yaml" && grep -q 'events: 250}' "$WORK/calendar.yaml" \
  && grep -q '^      covariates: \[age, ecog, ldh_ratio, female\]$' "$WORK/calendar.yaml" \
  || fail "spec edit did not apply"
for name in example at_zero calendar; do
  "$SILICO" run "$WORK/$name.yaml" -o "$WORK/$name.h5" -q
done
if h5dump -H -d /cohort/entry_time "$WORK/at_zero.h5" > /dev/null 2>&1; then
  fail "a trial without accrual stored entry times"
fi

# run_r NAME R BLOCKS...: the doc's blocks on NAME.h5 for replicate R, then the values the
# test compares written to NAME-R.values (name value, one a line).
run_r() {
  local name="$1" r="$2"; shift 2
  local script="$WORK/$name-$r.R"
  : > "$script"
  for b in "$@"; do
    sed -e "s#\"OUT.h5\"#\"$WORK/$name.h5\"#" -e "s/^r <- 0 /r <- $r /" "$WORK/block_$b.R" >> "$script"
  done
  cat >> "$script" <<EOF
km_table <- summary(km)\$table
values <- c(logrank_hr = logrank_hr, logrank_p = logrank_p,
            cox_hr = cox_hr, cox_se = cox_se, cox_p = cox_p)
for (a in levels(os\$arm)) {
  row <- paste0("arm=", a)
  values[paste0("median_", a)] <- km_table[row, "median"]
  values[paste0("median_ci_low_", a)] <- km_table[row, "0.95LCL"]
  values[paste0("median_ci_high_", a)] <- km_table[row, "0.95UCL"]
}
if (exists("lr_cut")) {
  values <- c(values, events_cut = sum(os\$event), patients_cut = nrow(os),
              logrank_cut_hr = logrank_cut_hr, logrank_cut_p = lr_cut\$pvalue,
              cox_cut_hr = exp(coef(cx_cut)[["armtreatment"]]),
              cox_cut_se = sqrt(vcov(cx_cut)["armtreatment", "armtreatment"]),
              cox_cut_p = summary(cx_cut)\$coefficients["armtreatment", "Pr(>|z|)"])
}
writeLines(sprintf("%s %.17g", names(values), values), "$WORK/$name-$r.values")
EOF
  Rscript "$script" > "$WORK/$name-$r.out" 2>&1 || { cat "$WORK/$name-$r.out" >&2; fail "the doc's R code failed on $name.h5, replicate $r"; }
  "$SILICO" summarize "$WORK/$name.h5" --replicate "$r" --json "$WORK/$name-$r.json" > /dev/null
}
run_r example 0 1
run_r example 2 1
run_r calendar 0 1 2
run_r at_zero 0 1 2
grep -q '^[0-9]* events and [0-9]* patients at the cut$' "$WORK/calendar-0.out" \
  || fail "the data-cut block printed no events and patients"

python3 - "$WORK" <<'PY'
import json, math, sys

work = sys.argv[1]

def load(name, r):
    values = {}
    for line in open(f"{work}/{name}-{r}.values"):
        key, value = line.split()
        values[key] = float(value)
    return values, json.load(open(f"{work}/{name}-{r}.json"))

def estimate(summary, method):
    (e,) = [e for e in summary["endpoints"]["os"]["estimates"]
            if e["method"] == method and e["treatment"] == "treatment"]
    return e

def same(what, got, want, rel=1e-6):
    if want is None or not math.isfinite(got) or abs(got - want) > rel * abs(want):
        sys.exit(f"FAIL: {what}: R {got!r}, summarize {want!r}")

def same_analyses(tag, values, summary, suffix=""):
    logrank, cox = estimate(summary, "logrank"), estimate(summary, "cox")
    same(f"{tag} logrank hazard ratio", values[f"logrank{suffix}_hr"], logrank["effect"])
    same(f"{tag} logrank p", values[f"logrank{suffix}_p"], logrank["p"])
    same(f"{tag} cox hazard ratio", values[f"cox{suffix}_hr"], cox["effect"])
    same(f"{tag} cox se", values[f"cox{suffix}_se"], cox["se"])
    same(f"{tag} cox p", values[f"cox{suffix}_p"], cox["p"])

for r in (0, 2):
    values, summary = load("example", r)
    assert summary["replicate"] == r, summary["replicate"]
    same_analyses(f"example, replicate {r}", values, summary)
    for arm, stats in summary["endpoints"]["os"]["arms"].items():
        for key in ("median", "median_ci_low", "median_ci_high"):
            same(f"example, replicate {r}, {arm} {key}", values[f"{key}_{arm}"], stats[key])
first, second = load("example", 0)[0], load("example", 2)[0]
assert abs(first["cox_hr"] - second["cox_hr"]) > 1e-6, "replicates 0 and 2 read the same data"

for name in ("calendar", "at_zero"):
    values, summary = load(name, 0)
    os_ = summary["endpoints"]["os"]
    tag = f"{name} at the cut"
    assert values["events_cut"] == os_["data_cut_events"], (tag, values["events_cut"], os_["data_cut_events"])
    assert values["patients_cut"] == os_["data_cut_patients"], (tag, values["patients_cut"], os_["data_cut_patients"])
    same_analyses(tag, values, summary, "_cut")
    # Without the cut the same data give another answer.
    logrank = estimate(summary, "logrank")
    assert abs(values["logrank_hr"] / logrank["effect"] - 1) > 1e-3, (name, values["logrank_hr"], logrank["effect"])
    print(f"{tag}: {int(values['events_cut'])} events, {int(values['patients_cut'])} patients, "
          f"logrank HR {values['logrank_cut_hr']:.6g} (without the cut {values['logrank_hr']:.6g})")
calendar = load("calendar", 0)[1]
assert calendar["endpoints"]["os"]["data_cut_patients"] < calendar["patients"], \
    "the calendar trial's cut comes after every patient entered: the late entries are not tested"
print("R (hdf5r) reproduces summarize for example replicates 0 and 2 and at the data cuts")
PY
