#!/usr/bin/env bash
# Every command has --help; usage errors exit 2 with a pointer to --help.
source "$(dirname "$0")/lib.sh"

for command in run check summarize design merge verify report; do
  expect_exit 0 "$SILICO" "$command" --help
  grep -q "usage: " "$WORK/stdout" || fail "$command --help prints no usage"
done
expect_exit 0 "$SILICO" --help
grep -q "commands:" "$WORK/stdout" || fail "--help lists no commands"
expect_exit 0 "$SILICO" --version
grep -q "^silico " "$WORK/stdout" || fail "--version prints no version"

expect_exit 2 "$SILICO"
expect_exit 2 "$SILICO" frobnicate
grep -q "unknown command 'frobnicate'" "$WORK/stderr" || fail "unknown command not named"
expect_exit 2 "$SILICO" run "$SILICO_SOURCE_DIR/configs/example.yaml"
grep -q "output" "$WORK/stderr" || fail "missing -o not explained"
expect_exit 2 "$SILICO" run "$SILICO_SOURCE_DIR/configs/example.yaml" -o "$WORK/x.h5" --threads -1
# Issue 12, defects 3 and 10: numbers program_options would wrap or a machine cannot give.
example="$SILICO_SOURCE_DIR/configs/example.yaml"
for bad in "--threads 100000" "--block-patients -1" "--block-patients 0" "--block-patients 99999999" \
  "--checkpoint-interval -1" "--checkpoint-interval nan"; do
  # shellcheck disable=SC2086
  expect_exit 2 "$SILICO" run "$example" -o "$WORK/x.h5" $bad
  grep -q "must be" "$WORK/stderr" || fail "run $bad: $(cat "$WORK/stderr")"
  [ ! -e "$WORK/x.h5" ] && [ ! -e "$WORK/x.h5.partial" ] || fail "run $bad wrote a file"
done
for bad in "--replicates -1" "--max-patients -1" "--threads 100000"; do
  # shellcheck disable=SC2086
  expect_exit 2 "$SILICO" design "$example" $bad
  grep -q "must be" "$WORK/stderr" || fail "design $bad: $(cat "$WORK/stderr")"
done
expect_exit 2 "$SILICO" check "$WORK/does-not-exist.yaml"
grep -q "cannot read spec file" "$WORK/stderr" || fail "unreadable spec not explained"
expect_exit 2 "$SILICO" summarize "$SILICO_SOURCE_DIR/configs/example.yaml"
grep -q "not a readable HDF5 file" "$WORK/stderr" || fail "non-HDF5 input not explained"
echo "cli_basics: ok"
