#!/usr/bin/env bash
# A patient solved again from /cohort/parameters, in Python (h5py) and in R (hdf5r), as
# docs/hdf5-layout.md shows: the blocks after the marker
# "<!-- tests/integration/parameters_snippets.sh runs this block -->" are extracted and run
# on a file made here with "OUT.h5" replaced, so the doc and the test cannot drift apart.
# Each prints the largest relative difference between its closed-form solution and the
# stored prediction before residual error, which must be below 1e-9. The spec is the
# doc's: pk_1cmt, oral doses of 100 mg (low) or 400 mg (high) every 24 h, 3 doses,
# lag_h 0.5, random effects on CL, V and KA. Installs python3-h5py, R and hdf5r (Debian
# packages) when missing; the machine runs as root.
source "$(dirname "$0")/lib.sh"

need=()
/usr/bin/python3 -c 'import h5py, numpy' > /dev/null 2>&1 || need+=(python3-h5py python3-numpy)
Rscript -e 'library(hdf5r)' > /dev/null 2>&1 || need+=(r-base-core r-cran-hdf5r)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" > "$WORK/apt.log" 2>&1 \
    || { apt-get update >> "$WORK/apt.log" 2>&1 \
         && apt-get install -y --no-install-recommends "${need[@]}" >> "$WORK/apt.log" 2>&1; } \
    || { tail -20 "$WORK/apt.log" >&2; fail "could not install ${need[*]}"; }
fi

awk -v dir="$WORK" '
  /^<!-- tests\/integration\/parameters_snippets.sh runs this block -->$/ { marked = 1; next }
  marked && /^```(python|r)$/ { n++; out = dir "/block_" n (($0 ~ /python/) ? ".py" : ".R"); inside = 1; marked = 0; next }
  marked { print "marker not followed by a code block" > "/dev/stderr"; exit 1 }
  inside && /^```$/ { inside = 0; next }
  inside { print > out }
  END { if (inside) exit 1; print n + 0 > (dir "/blocks") }
' "$SILICO_SOURCE_DIR/docs/hdf5-layout.md" || fail "could not extract the blocks of docs/hdf5-layout.md"
[ "$(cat "$WORK/blocks")" = 2 ] && [ -f "$WORK/block_1.py" ] && [ -f "$WORK/block_2.R" ] \
  || fail "expected a marked python block, then a marked R block, in docs/hdf5-layout.md"

cat > "$WORK/pk.yaml" <<'YAML'
schema_version: 1
trial: {name: params, seed: 4242, patients: 300, follow_up: 4}
cohort:
  covariates:
    weight: {distribution: lognormal, meanlog: 4.25, sdlog: 0.2}
arms:
  - {name: low, control: true, regimen: {dose_mg: 100, interval_h: 24, doses: 3, route: oral}}
  - {name: high, regimen: {dose_mg: 400, interval_h: 24, doses: 3, route: oral}}
model:
  name: pk_1cmt
  parameters:
    CL: {typical: 4, covariates: {weight: {power: 0.75, reference: 70}}}
    V: 40
    KA: 1.2
    F: 0.6
    lag_h: 0.5
    omega: {variables: [CL, V, KA], matrix: [[0.09, 0.01, 0], [0.01, 0.04, 0], [0, 0, 0.16]]}
    residual_proportional: 0.15
    residual_additive: 0.05
    exposure_start_h: 48
    exposure_end_h: 72
endpoints:
  - {name: auc, output: auc}
observations:
  concentration: {every: 0.125, until: 4}
YAML
mpi_run 2 run "$WORK/pk.yaml" -o "$WORK/pk.h5" -q

sed "s|\"OUT.h5\"|\"$WORK/pk.h5\"|" "$WORK/block_1.py" > "$WORK/solve.py"
sed "s|\"OUT.h5\"|\"$WORK/pk.h5\"|" "$WORK/block_2.R" > "$WORK/solve.R"
py=$(/usr/bin/python3 "$WORK/solve.py") || fail "the Python block failed"
r=$(Rscript "$WORK/solve.R" | sed 's/^\[1\] //') || fail "the R block failed"
echo "largest relative difference: Python $py, R $r"
awk -v a="$py" -v b="$r" 'BEGIN { exit !(a < 1e-9 && b < 1e-9 && a >= 0 && b >= 0) }' \
  || fail "a solution from the stored parameters differs from the stored prediction: Python $py, R $r"
echo "parameters_snippets: ok"
