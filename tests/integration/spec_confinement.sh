#!/usr/bin/env bash
# A spec reads cohort includes and observed files only inside its own folder or the
# project's cohorts/ folder (symbolic links resolved) unless --allow-include-outside is
# given to check, run or design; what it cannot read is a located error with exit 2, and
# no error report is cut short by a NUL.
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/trial" "$WORK/shared"
cp -r "$SILICO_SOURCE_DIR/cohorts/." "$WORK/shared/"
# configs/example.yaml with its cohort one folder up: trial/../shared/.
sed -e 's#include: cohorts/#include: ../shared/#' -e 's#observed_file: cohorts/#observed_file: ../shared/#' \
  -e 's/^  patients: .*/  patients: 200/' -e 's/^  replicates: .*/  replicates: 1/' \
  "$SILICO_SOURCE_DIR/configs/example.yaml" > "$WORK/trial/spec.yaml"

expect_exit 2 "$SILICO" check "$WORK/trial/spec.yaml"
grep -q "spec.yaml:15:12: error: cohort.include: cohort file '../shared/nsclc_adults.yaml' is outside the spec's folder" \
  "$WORK/stderr" || fail "include outside not refused: $(cat "$WORK/stderr")"
grep -q "validation\[0\].observed_file: observed file '../shared/ncctg_lung_outcomes.csv' is outside" "$WORK/stderr" ||
  fail "observed file outside not refused: $(cat "$WORK/stderr")"
grep -q -- "--allow-include-outside" "$WORK/stderr" || fail "the option is not named"
expect_exit 0 "$SILICO" check --allow-include-outside "$WORK/trial/spec.yaml"

# run: refused before anything is written; allowed with the option.
expect_exit 2 "$SILICO" run "$WORK/trial/spec.yaml" -o "$WORK/out.h5" -q
[ ! -e "$WORK/out.h5" ] && [ ! -e "$WORK/out.h5.partial" ] || fail "a refused run wrote a file"
expect_exit 0 "$SILICO" run "$WORK/trial/spec.yaml" -o "$WORK/out.h5" -q --allow-include-outside
# design: the option is accepted and the spec read with it (refused without).
expect_exit 2 "$SILICO" design "$WORK/trial/spec.yaml" --max-patients 20 -q
grep -q "is outside the spec's folder" "$WORK/stderr" || fail "design did not refuse: $(cat "$WORK/stderr")"

# A project: configs/ beside cohorts/, as in this repository. The spec finds the
# project's cohorts/ (and only what is inside it) from its own folder.
mkdir -p "$WORK/project/configs" "$WORK/project/cohorts"
cp -r "$SILICO_SOURCE_DIR/cohorts/." "$WORK/project/cohorts/"
sed -e 's#\.\./shared/#cohorts/#' "$WORK/trial/spec.yaml" > "$WORK/project/configs/spec.yaml"
expect_exit 0 "$SILICO" check "$WORK/project/configs/spec.yaml"
echo "secret" > "$WORK/project/secret.yaml"
sed -e 's#include: cohorts/nsclc_adults.yaml#include: ../secret.yaml#' "$WORK/project/configs/spec.yaml" \
  > "$WORK/project/configs/escape.yaml"
expect_exit 2 "$SILICO" check "$WORK/project/configs/escape.yaml"
grep -q "is outside the spec's folder .* or the project's cohort folder" "$WORK/stderr" ||
  fail "an escape from the project's cohorts/ was not refused: $(cat "$WORK/stderr")"

# A link from inside the folder to outside it is refused too.
ln -s "$WORK/shared" "$WORK/trial/cohorts"
sed -e 's#\.\./shared/#cohorts/#' "$WORK/trial/spec.yaml" > "$WORK/trial/linked.yaml"
expect_exit 2 "$SILICO" check "$WORK/trial/linked.yaml"
grep -q "linked.yaml:15:12: error: cohort.include: cohort file 'cohorts/nsclc_adults.yaml' is a link to $WORK/shared/nsclc_adults.yaml" \
  "$WORK/stderr" || fail "link outside not refused: $(cat "$WORK/stderr")"

# A name over 255 bytes and a loop of links: located errors, exit 2 (was exit 1, unlocated).
long=$(printf 'a%.0s' $(seq 300))
sed -e "s#include: \.\./shared/nsclc_adults.yaml#include: $long.yaml#" "$WORK/trial/spec.yaml" > "$WORK/trial/long.yaml"
expect_exit 2 "$SILICO" check "$WORK/trial/long.yaml"
grep -q "long.yaml:15:12: error: cohort.include: cannot read cohort file 'aaaa.*too long" "$WORK/stderr" ||
  fail "long name not located: $(cat "$WORK/stderr")"
ln -s loop_b.yaml "$WORK/trial/loop_a.yaml"
ln -s loop_a.yaml "$WORK/trial/loop_b.yaml"
sed -e "s#include: \.\./shared/nsclc_adults.yaml#include: loop_a.yaml#" "$WORK/trial/spec.yaml" > "$WORK/trial/loop.yaml"
expect_exit 2 "$SILICO" check "$WORK/trial/loop.yaml"
grep -q "loop.yaml:15:12: error: cohort.include: cannot read cohort file 'loop_a.yaml': .*symbolic links" "$WORK/stderr" ||
  fail "link loop not located: $(cat "$WORK/stderr")"

# A NUL quoted in one error, then more errors: all printed, the NUL escaped (the report,
# a C string, used to end at the NUL).
printf 'schema_version: 1\ntrial: {name: t, seed: 1, patients: 100, time_unit: "d\0ys", follow_up: 0}\n' \
  > "$WORK/trial/nul.yaml"
expect_exit 2 "$SILICO" check "$WORK/trial/nul.yaml"
grep -q "error: trial.time_unit: unknown time unit 'd\\\\x00ys'" "$WORK/stderr" || fail "NUL not escaped: $(cat -v "$WORK/stderr")"
grep -q 'error: trial.follow_up' "$WORK/stderr" || fail "error after a NUL lost: $(cat -v "$WORK/stderr")"
grep -q '6 error(s); nothing was written' "$WORK/stderr" || fail "report cut short: $(cat -v "$WORK/stderr")"
echo "spec_confinement: ok"
