#!/usr/bin/env bash
# Schoenfeld (Biometrics 1983;39:499-503): HR 0.7, 1:1, two-sided alpha 0.05 and 80% power
# need 247 events. The log-rank test at the data cut after the 247th event must reject in
# 80% of 2,000 replicate trials, within 3 Monte Carlo SEs: 3 sqrt(0.8 * 0.2 / 2000) = 0.027.
source "$(dirname "$0")/lib.sh"
mpi_run 2 run "$SILICO_SOURCE_DIR/tests/data/schoenfeld.yaml" -o "$WORK/s.h5" -q
"$SILICO" summarize "$WORK/s.h5" --json "$WORK/s.json" > "$WORK/s.txt"
python3 - "$WORK/s.json" <<'PY'
import json, math, sys
os_ = json.load(open(sys.argv[1]))["endpoints"]["os"]
oc = next(o for o in os_["operating_characteristics"] if o["method"] == "logrank")
mcse = math.sqrt(0.8 * 0.2 / oc["replicates"])
print(f"log-rank power at 247 events: {oc['rejection_rate']:.4f} (target 0.80, 3 MCSE {3 * mcse:.4f})")
assert oc["replicates"] == 2000
assert abs(oc["rejection_rate"] - 0.80) < 3 * mcse, oc
assert os_["data_cut_time"] > 0
PY
echo "schoenfeld_power: ok"
