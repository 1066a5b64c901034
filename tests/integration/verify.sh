#!/usr/bin/env bash
# silico verify passes on this machine, prints one line per case, writes its JSON
# atomically, and that JSON opens in a standard parser with every case passed.
source "$(dirname "$0")/lib.sh"
expect_exit 0 "$SILICO" verify --help
grep -q "usage: silico verify" "$WORK/stdout" || fail "no usage in verify --help"
expect_exit 0 "$SILICO" verify -o "$WORK/verify.json"
cases=$(grep -cE '^(ok|FAIL) ' "$WORK/stdout")
grep -q "silico verify: $cases cases, $cases passed, 0 failed" "$WORK/stdout" || fail "closing line: $(tail -1 "$WORK/stdout")"
[ ! -e "$WORK/verify.json.partial" ] || fail "partial JSON left behind"
python3 - "$WORK/verify.json" "$cases" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
cases = doc["cases"]
assert len(cases) == int(sys.argv[2]) == doc["passed"], (len(cases), sys.argv[2], doc["passed"])
assert doc["failed"] == 0
for c in cases:
    assert c["passed"] is True and c["source"] and c["check"], c
    assert {"models", "solvers", "estimators", "rng", "decomposition"} >= {c["area"]}, c
PY
expect_exit 0 "$SILICO" verify --quiet
[ "$(wc -l < "$WORK/stdout")" -eq 1 ] || fail "--quiet printed more than the closing line"
echo "verify: ok ($cases cases)"
