#!/usr/bin/env bash
# Every example spec in configs/ runs to completion on 2 ranks and summarizes.
source "$(dirname "$0")/lib.sh"
count=0
for spec in "$SILICO_SOURCE_DIR"/configs/*.yaml; do
  name="$(basename "$spec" .yaml)"
  mpi_run 2 run "$spec" -o "$WORK/$name.h5" -q
  h5dump -a /status "$WORK/$name.h5" | grep -q '"complete"' || fail "$name: status is not complete"
  "$SILICO" summarize "$WORK/$name.h5" --json "$WORK/$name.json" > "$WORK/$name.txt"
  python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$WORK/$name.json" || fail "$name: invalid JSON"
  count=$((count + 1))
done
# The PK example is linear in dose: every patient's AUC at 200 mg is 4 times that at 50 mg,
# so the true mean differences are exactly 1x and 3x the 50 mg arm's mean potential AUC.
python3 - "$WORK/pk_dose_finding.json" <<'PY'
import json, sys
auc = json.load(open(sys.argv[1]))["endpoints"]["auc_ss"]
truth = {e["treatment"]: e["true_effect"] for e in auc["estimates"] if e["method"] == "ancova"}
assert abs(truth["high_200mg"] / truth["mid_100mg"] - 3.0) < 1e-9, truth
for e in auc["estimates"]:
    assert abs(e["effect"] - e["true_effect"]) < 4 * e["se"], e
PY
echo "configs_run: $count specs ran"
