#!/usr/bin/env bash
# `output: {compression: gzip}` stores the patient datasets deflate-compressed, with
# collective parallel writes: the values are bitwise those of an uncompressed run on any
# number of ranks, the file is smaller, and a run stopped by SIGTERM resumes to the same.
source "$(dirname "$0")/lib.sh"
cp -r "$SILICO_SOURCE_DIR/cohorts" "$WORK/"  # what the example includes, beside the variants
cp "$SILICO_SOURCE_DIR/configs/example.yaml" "$WORK/plain.yaml"
cp "$WORK/plain.yaml" "$WORK/gzip.yaml"
printf "\noutput:\n  compression: gzip\n  gzip_level: 6\n" >> "$WORK/gzip.yaml"
"$SILICO" run "$WORK/plain.yaml" -o "$WORK/plain.h5" -q
mpi_run 1 run "$WORK/gzip.yaml" -o "$WORK/gzip1.h5" -q
mpi_run 3 run "$WORK/gzip.yaml" -o "$WORK/gzip3.h5" -q --block-patients 3000
same_results "$WORK/plain.h5" "$WORK/gzip1.h5"
same_results "$WORK/plain.h5" "$WORK/gzip3.h5"
h5dump -p -H -d /outcomes/os/observed/time "$WORK/gzip3.h5" | grep -q "DEFLATE { LEVEL 6 }" || fail "no deflate filter"
plain=$(stat -c %s "$WORK/plain.h5"); packed=$(stat -c %s "$WORK/gzip3.h5")
[ "$packed" -lt $((plain * 9 / 10)) ] || fail "compressed file not smaller: $packed vs $plain bytes"

# Stop and resume a compressed run (its chunk index changes with every write).
sed 's/^  patients: 20000 .*/  patients: 100000/' "$WORK/plain.yaml" > "$WORK/big-plain.yaml"
sed 's/^  patients: 20000 .*/  patients: 100000/' "$WORK/gzip.yaml" > "$WORK/big-gzip.yaml"
"$SILICO" run "$WORK/big-plain.yaml" -o "$WORK/big-plain.h5" -q
out="$WORK/big-gzip.h5"
"$SILICO" run "$WORK/big-gzip.yaml" -o "$out" -q --threads 1 --block-patients 1000 --checkpoint-interval 0 >"$WORK/log" 2>&1 &
pid=$!
for _ in $(seq 1 500); do
  done_blocks=$(sed -n 's/^blocks_done: //p' "$out.checkpoint" 2>/dev/null || true)
  [ -n "$done_blocks" ] && [ "$done_blocks" -ge 5 ] && break
  kill -0 "$pid" 2>/dev/null || fail "the run ended before it could be stopped"
  sleep 0.02
done
kill -TERM "$pid"
code=0; wait "$pid" || code=$?
[ "$code" -eq 3 ] || { cat "$WORK/log"; fail "stopped compressed run exited $code"; }
"$SILICO" run "$WORK/big-gzip.yaml" -o "$out" -q --resume
same_results "$WORK/big-plain.h5" "$out"
echo "compression: ok ($packed vs $plain bytes)"
