#!/usr/bin/env bash
# The error examples of docs/spec.md are what `silico check` prints: for each spec the doc
# names (`broken.yaml`, `analysis_errors.yaml`), its YAML block is written to a file of
# that name, checked, and the standard error compared line by line with the block after
# "gives" (the doc's `$ ...` command line and `exit code` line aside), and the exit code
# must be 2. A message changed in the code without the doc fails here.
source "$(dirname "$0")/lib.sh"
doc="$SILICO_SOURCE_DIR/docs/spec.md"
for name in broken.yaml analysis_errors.yaml; do
  awk -v name="$name" -v dir="$WORK" '
    index($0, "`" name "`") && !found { found = 1; next }
    found == 1 && /^```yaml$/ { found = 2; next }
    found == 2 && /^```$/ { found = 3; next }
    found == 2 { print > (dir "/" name); next }
    found == 3 && /^gives$/ { found = 4; next }
    found == 4 && /^```$/ { found = 5; next }
    found == 5 && /^```$/ { exit }
    found == 5 && !/^\$ / && !/^exit code/ { print > (dir "/" name ".expected") }
  ' "$doc"
  [ -s "$WORK/$name" ] && [ -s "$WORK/$name.expected" ] || fail "docs/spec.md has no example '$name' with its output"
  ( cd "$WORK" && expect_exit 2 "$SILICO" check "$name" )
  if ! diff "$WORK/$name.expected" "$WORK/stderr" > "$WORK/diff"; then
    cat "$WORK/diff" >&2
    fail "docs/spec.md's output of $name is not what silico check prints (above: < doc, > silico)"
  fi
done
echo "docs_error_examples: ok"
