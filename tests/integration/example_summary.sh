#!/usr/bin/env bash
# The bundled examples run on 2 ranks; the summary's estimates are close to the true
# sample effect from the potential outcomes (within 4 standard errors), in text and JSON.
source "$(dirname "$0")/lib.sh"
for config in example continuous; do
  mpi_run 2 run "$SILICO_SOURCE_DIR/configs/$config.yaml" -o "$WORK/$config.h5" -q
  "$SILICO" summarize "$WORK/$config.h5" --json "$WORK/$config.json" > "$WORK/$config.txt"
  grep -q "true effect" "$WORK/$config.txt" || fail "no true effect in the text summary"
done
python3 - "$WORK/example.json" "$WORK/continuous.json" <<'PY'
import json, sys

import math

def close_to_truth(e, k=4):
    """An estimate within k standard errors of the true effect of the same patients
    (ratios on the log scale, where their se is)."""
    if e["measure"] in ("hazard_ratio", "risk_ratio", "odds_ratio"):
        assert abs(math.log(e["effect"] / e["true_effect"])) < k * e["se"], e
    else:
        assert abs(e["effect"] - e["true_effect"]) < k * e["se"], e
    # This trial's error, on the log scale for ratios; never called a bias.
    assert "bias" not in e, e
    # Each estimate names its estimand (ICH E9(R1)); treatment is the arm against control.
    est = e["estimand"]
    assert est["treatment"].startswith(e["treatment"] + " versus "), est
    assert est["population"] and est["variable"] and est["intercurrent_events"] and est["summary"], est
    if e["measure"] in ("hazard_ratio", "risk_ratio", "odds_ratio"):
        assert e["error_scale"] == "log", e
        assert abs(e["error"] - math.log(e["effect"] / e["true_effect"])) < 1e-12, e
    else:
        assert e["error_scale"] == "identity", e
        assert abs(e["error"] - (e["effect"] - e["true_effect"])) < 1e-12, e

example = json.load(open(sys.argv[1]))
os_ = example["endpoints"]["os"]
assert set(os_["arms"]) == {"control", "treatment"}, os_["arms"]
assert os_["arms"]["control"]["n"] == 10000 and os_["arms"]["treatment"]["n"] == 10000
assert os_["arms"]["treatment"]["median"] > os_["arms"]["control"]["median"]
for arm in os_["arms"].values():
    assert arm["median_ci_low"] <= arm["median"] <= arm["median_ci_high"], arm
    assert arm["survival_at_24"] < arm["survival_at_12"], arm
methods = {e["method"]: e for e in os_["estimates"]}
assert list(methods) == ["cox", "logrank", "adjusted_logrank", "rmst", "km_median"], list(methods)
assert methods["cox"]["primary"] and not methods["logrank"]["primary"]
close_to_truth(methods["rmst"])
# The log-rank (Peto) HR estimates the marginal HR of the sample, which is its truth here;
# the covariate-adjusted Cox HR estimates the conditional HR (0.75 in the model), further
# from 1 than the marginal one (non-collapsibility): its truth is the same adjusted Cox
# model on the potential outcomes, and the marginal one is stored next to it.
close_to_truth(methods["logrank"])
close_to_truth(methods["cox"])
assert "true_marginal_effect" not in methods["logrank"]["extras"], methods["logrank"]
marginal = methods["cox"]["extras"]["true_marginal_effect"]
assert abs(marginal - methods["logrank"]["true_effect"]) < 1e-12, (marginal, methods["logrank"])
assert methods["cox"]["true_effect"] < marginal < 1, methods["cox"]
assert methods["cox"]["effect"] < methods["logrank"]["effect"] < 1, methods
assert abs(math.log(methods["cox"]["effect"] / 0.75)) < 4 * methods["cox"]["se"], methods["cox"]
assert methods["logrank"]["p"] < 0.05
# adjusted_logrank estimates the marginal HR too (the same truth as logrank), with a
# smaller SE than the unadjusted Cox estimate it starts from.
adjusted = methods["adjusted_logrank"]
close_to_truth(adjusted)
assert adjusted["true_effect"] == methods["logrank"]["true_effect"], adjusted
assert 0 < adjusted["se"] < adjusted["extras"]["se_unadjusted"], adjusted
assert adjusted["extras"]["variance_reduction"] > 0 and adjusted["p"] < 0.05, adjusted

continuous = json.load(open(sys.argv[2]))
change = continuous["endpoints"]["score_change"]
for e in change["estimates"]:
    # Constant arm effects: the mean individual difference is the arm effect itself.
    expected = {"low_dose": -1.5, "high_dose": -3.0}[e["treatment"]]
    assert abs(e["true_effect"] - expected) < 1e-9, e
    close_to_truth(e)
procova = {e["treatment"]: e for e in change["estimates"] if e["method"] == "procova"}
welch = {e["treatment"]: e for e in change["estimates"] if e["method"] == "welch"}
for arm in ("low_dose", "high_dose"):
    assert procova[arm]["se"] < welch[arm]["se"], (procova[arm], welch[arm])
    assert procova[arm]["extras"]["variance_reduction"] > 0
responder = continuous["endpoints"]["responder"]
assert responder["type"] == "binary"
for e in responder["estimates"]:
    assert e["ci"][0] < e["effect"] < e["ci"][1], e
    close_to_truth(e)
print("example_summary: estimates agree with the true effects")
PY
