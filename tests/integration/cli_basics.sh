#!/usr/bin/env bash
# Every command has --help; usage errors exit 2 with a pointer to --help.
source "$(dirname "$0")/lib.sh"

for command in run check summarize design; do
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
expect_exit 2 "$SILICO" check "$WORK/does-not-exist.yaml"
grep -q "cannot read spec file" "$WORK/stderr" || fail "unreadable spec not explained"
expect_exit 2 "$SILICO" summarize "$SILICO_SOURCE_DIR/configs/example.yaml"
grep -q "not a readable HDF5 file" "$WORK/stderr" || fail "non-HDF5 input not explained"
echo "cli_basics: ok"
