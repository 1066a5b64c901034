#!/usr/bin/env bash
# The bundled examples run on 2 ranks; the summary's estimates are close to the true
# sample effect from the potential outcomes (within 4 standard errors), in text and JSON.
source "$(dirname "$0")/lib.sh"
for config in example continuous; do
  mpi_run 2 run "$SILICO_SOURCE_DIR/configs/$config.yaml" -o "$WORK/$config.h5" -q
  "$SILICO" summarize "$WORK/$config.h5" --json "$WORK/$config.json" > "$WORK/$config.txt"
  grep -q "true sample effect" "$WORK/$config.txt" || fail "no true effect in the text summary"
done
python3 - "$WORK/example.json" "$WORK/continuous.json" <<'PY'
import json, sys
example = json.load(open(sys.argv[1]))
os_ = example["endpoints"]["os"]
assert set(os_["arms"]) == {"control", "treatment"}, os_["arms"]
assert os_["arms"]["control"]["n"] + os_["arms"]["treatment"]["n"] == 20000
assert os_["arms"]["control"]["n"] == 10000  # 1:1 permuted blocks of 4
rmst = next(e for e in os_["estimates"] if e["method"] == "rmst")
truth = os_["true_effect"]["treatment"]
assert abs(rmst["effect"] - truth) < 4 * rmst["se"], (rmst, truth)
assert rmst["ci"][0] < rmst["effect"] < rmst["ci"][1]
logrank = next(e for e in os_["estimates"] if e["method"] == "logrank")
assert logrank["effect"] < 1 and logrank["p"] < 0.05, logrank  # HR 0.75 with 10,000 per arm
assert os_["arms"]["treatment"]["median"] > os_["arms"]["control"]["median"]

continuous = json.load(open(sys.argv[2]))
change = continuous["endpoints"]["score_change"]
assert change["true_effect"] == {"high_dose": change["true_effect"]["high_dose"],
                                 "low_dose": change["true_effect"]["low_dose"]}
# Constant arm effects: the mean individual difference is the arm effect itself.
assert abs(change["true_effect"]["low_dose"] + 1.5) < 1e-9, change["true_effect"]
assert abs(change["true_effect"]["high_dose"] + 3.0) < 1e-9, change["true_effect"]
for e in change["estimates"]:
    assert e["method"] == "welch"
    assert abs(e["effect"] - change["true_effect"][e["treatment"]]) < 4 * e["se"], e
print("example_summary: estimates agree with the true effects")
PY
