#!/usr/bin/env bash
# Bad input gets exit 2 and a located message, and never touches an existing output.
source "$(dirname "$0")/lib.sh"
out="$WORK/out.h5"
mpi_run 2 run "$SILICO_SOURCE_DIR/configs/continuous.yaml" -o "$out" -q
before="$(sha256sum "$out")"

# A spec with two errors in different sections: both reported with file:line:column.
sed -e 's/^  seed: 7/  seed: seven/' -e 's/residual_sd: 6.0/residual_sd: -1/' \
  "$SILICO_SOURCE_DIR/configs/continuous.yaml" > "$WORK/broken.yaml"
expect_exit 2 mpi_run 2 run "$WORK/broken.yaml" -o "$out" --force
grep -q "broken.yaml:7:9: error: trial.seed: expected an unsigned 64-bit integer seed" "$WORK/stderr" \
  || fail "seed error not located: $(cat "$WORK/stderr")"
grep -q "broken.yaml:[0-9]*:[0-9]*: error: model.parameters.residual_sd" "$WORK/stderr" \
  || fail "residual_sd error not reported"
grep -q "2 error(s); nothing was written" "$WORK/stderr" || fail "error count missing"
[ "$(grep -c 'trial.seed' "$WORK/stderr")" -eq 1 ] || fail "errors printed by more than one rank"
[ "$(sha256sum "$out")" = "$before" ] || fail "existing output changed by a failed run"
[ ! -e "$out.partial" ] || fail "partial file left behind"

# An observed-outcomes file with a bad cell: located in that file, on every rank once.
printf 'time,event\n3.5,1\n4.2,yes\n' > "$WORK/observed.csv"
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"  # what the example includes, beside the variant
sed -E "s#observed_file: cohorts/ncctg_lung_outcomes.csv#observed_file: $WORK/observed.csv#" \
  "$SILICO_SOURCE_DIR/configs/example.yaml" > "$WORK/bad_observed.yaml"
expect_exit 2 mpi_run 2 run "$WORK/bad_observed.yaml" -o "$out" --force
grep -q "observed.csv:3:5: error: validation\[0\].observed_file: column 'event': expected a finite number, got 'yes'" \
  "$WORK/stderr" || fail "observed-file error not located: $(cat "$WORK/stderr")"
[ "$(grep -c "got 'yes'" "$WORK/stderr")" -eq 1 ] || fail "observed-file error printed by more than one rank"
[ "$(sha256sum "$out")" = "$before" ] || fail "existing output changed by a failed run"

# Calendar time that cannot work: accrual that never reaches the patients, a minimum
# follow-up after the last entry longer than anyone's follow-up, an events cut beyond the
# patients. Each is located, all three are reported together, and nothing is written.
sed -e 's/^    duration: 24 .*/    rates: [{rate: 20, duration: 12}, {rate: 0}]/' -e '/^    ramp_up: 6/d' \
  -e 's/data_cut: {events: 380}.*/data_cut: {last: [{events: 601}, {after_last_patient: 61}]}/' \
  "$SILICO_SOURCE_DIR/configs/oncology_calendar.yaml" > "$WORK/calendar.yaml"
expect_exit 2 mpi_run 2 run "$WORK/calendar.yaml" -o "$out" --force
grep -q "calendar.yaml:[0-9]*:[0-9]*: error: trial.accrual.rates\[1\].rate: accrual never reaches 600 patients" \
  "$WORK/stderr" || fail "unreachable accrual not located: $(cat "$WORK/stderr")"
grep -q "calendar.yaml:[0-9]*:[0-9]*: error: analysis.endpoints.os.data_cut.last\[0\].events: .*between 1 and" \
  "$WORK/stderr" || fail "impossible events cut not located: $(cat "$WORK/stderr")"
grep -q "calendar.yaml:[0-9]*:[0-9]*: error: analysis.endpoints.os.data_cut.last\[1\].after_last_patient: .*minimum follow-up longer than the follow-up" \
  "$WORK/stderr" || fail "minimum follow-up error not located: $(cat "$WORK/stderr")"
grep -q "3 error(s); nothing was written" "$WORK/stderr" || fail "calendar errors not counted: $(cat "$WORK/stderr")"
[ "$(sha256sum "$out")" = "$before" ] || fail "existing output changed by a failed run"
[ ! -e "$out.partial" ] || fail "partial file left behind"

# YAML that does not parse.
printf 'trial: [unclosed\n' > "$WORK/syntax.yaml"
expect_exit 2 "$SILICO" run "$WORK/syntax.yaml" -o "$out"
grep -q "syntax.yaml:[0-9]*:[0-9]*: error: YAML syntax error" "$WORK/stderr" || fail "syntax error not located"

# A good spec does not overwrite without --force ...
expect_exit 2 mpi_run 2 run "$SILICO_SOURCE_DIR/configs/continuous.yaml" -o "$out"
grep -q "already exists; use --force" "$WORK/stderr" || fail "refusal not explained"
[ "$(sha256sum "$out")" = "$before" ] || fail "existing output overwritten without --force"

# ... nor when the cohort's criteria reject every candidate (a failure mid-run, on every rank).
sed -e 's/"baseline_score >= 25"/"baseline_score >= 1000"/' \
  "$SILICO_SOURCE_DIR/configs/continuous.yaml" > "$WORK/impossible.yaml"
expect_exit 2 mpi_run 2 run "$WORK/impossible.yaml" -o "$out" --force
grep -q "rejected all" "$WORK/stderr" || fail "screening failure not explained"
[ "$(sha256sum "$out")" = "$before" ] || fail "existing output changed by a failed run"
[ ! -e "$out.partial" ] || fail "partial file left behind after a failed run"

# With --force a successful run replaces it.
mpi_run 2 run "$SILICO_SOURCE_DIR/configs/example.yaml" -o "$out" --force -q
[ "$(sha256sum "$out")" != "$before" ] || fail "--force did not replace the output"
h5dump -a /status "$out" | grep -q '"complete"' || fail "status is not complete"
echo "bad_input_safe: ok"
