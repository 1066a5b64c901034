#!/usr/bin/env bash
# PROCOVA (Schuler et al. 2021): with a prognostic score explaining rho^2 = 5/14 of the
# outcome variance, the adjusted estimate's SD over replicates is sqrt(1 - rho^2) times the
# unadjusted one: 0.300 vs 0.374 with 200 patients per arm (tests/data/procova_variance.yaml).
# Each empirical SE is within 3 of its Monte Carlo SEs of the theory, and both estimates
# are unbiased within 3 MCSE.
source "$(dirname "$0")/lib.sh"
mpi_run 2 run "$SILICO_SOURCE_DIR/tests/data/procova_variance.yaml" -o "$WORK/p.h5" -q
"$SILICO" summarize "$WORK/p.h5" --json "$WORK/p.json" > "$WORK/p.txt"
python3 - "$WORK/p.json" <<'PY'
import json, math, sys
y = json.load(open(sys.argv[1]))["endpoints"]["y"]
oc = {o["method"]: o for o in y["operating_characteristics"]}
theory = {"procova": math.sqrt(4 * 9 / 400), "welch": math.sqrt(4 * 14 / 400)}
for method, se in theory.items():
    o = oc[method]
    print(f"{method:8s} empirical SE {o['empirical_se']:.4f} (theory {se:.4f}, MCSE {o['empirical_se_mcse']:.4f}),"
          f" bias {o['mean_bias']:+.4f} (MCSE {o['mean_bias_mcse']:.4f}), coverage {o['coverage']:.3f}")
    assert abs(o["empirical_se"] - se) < 3 * o["empirical_se_mcse"], o
    assert abs(o["mean_bias"]) < 3 * o["mean_bias_mcse"], o
    assert abs(o["coverage"] - 0.95) < 3 * math.sqrt(0.95 * 0.05 / o["replicates"]), o
procova = next(e for e in y["estimates"] if e["method"] == "procova")
extras = procova["extras"]
# rho^2 = 5/14: correlation about 0.598; the variance reduction about 1 - 9/14 = 0.357.
assert abs(extras["correlation"] - math.sqrt(5 / 14)) < 0.1, extras
assert 0.2 < extras["variance_reduction"] < 0.5, extras
PY
echo "procova_variance: ok"
