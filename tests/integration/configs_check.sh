#!/usr/bin/env bash
# Every example spec in configs/ passes `silico check`.
source "$(dirname "$0")/lib.sh"
count=0
for spec in "$SILICO_SOURCE_DIR"/configs/*.yaml; do
  expect_exit 0 "$SILICO" check "$spec"
  count=$((count + 1))
done
# The example's line counts its validation target and the patients of its observed file.
"$SILICO" check "$SILICO_SOURCE_DIR/configs/example.yaml" | grep -q ", 1 validation target(s) with 228 observed patients)" ||
  fail "check does not summarise the validation targets"
[ "$count" -ge 2 ] || fail "expected at least two example specs, found $count"
echo "configs_check: $count specs ok"
