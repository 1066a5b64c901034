#!/usr/bin/env bash
# Under a null effect every test rejects at its nominal rate: over 2,000 replicate trials
# each rejection rate is within 3 Monte Carlo SEs, 3 sqrt(0.05 * 0.95 / 2000) = 0.0146,
# of alpha = 0.05.
source "$(dirname "$0")/lib.sh"
for spec in null_tte null_continuous; do
  mpi_run 2 run "$SILICO_SOURCE_DIR/tests/data/$spec.yaml" -o "$WORK/$spec.h5" -q
  "$SILICO" summarize "$WORK/$spec.h5" --json "$WORK/$spec.json" > "$WORK/$spec.txt"
done
python3 - "$WORK/null_tte.json" "$WORK/null_continuous.json" <<'PY'
import json, math, sys
checked = 0
for path in sys.argv[1:]:
    summary = json.load(open(path))
    alpha = summary["alpha"]
    for name, endpoint in summary["endpoints"].items():
        for oc in endpoint["operating_characteristics"]:
            if oc["method"] == "km_median":
                continue  # no test
            r = oc["replicates"]
            assert r == 2000, oc
            mcse = math.sqrt(alpha * (1 - alpha) / r)
            rate = oc["rejection_rate"]
            print(f"{name:10s} {oc['method']:16s} type I error {rate:.4f} (alpha {alpha}, 3 MCSE {3 * mcse:.4f})")
            assert abs(rate - alpha) < 3 * mcse, oc
            checked += 1
assert checked == 9, checked
PY
echo "type_one_error: ok"
