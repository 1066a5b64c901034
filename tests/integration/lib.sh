# Shared set-up for the integration tests; sourced, not run.
# CTest sets SILICO (the binary), SILICO_SOURCE_DIR and MPIEXEC.
set -euo pipefail
: "${SILICO:?run through ctest}" "${SILICO_SOURCE_DIR:?run through ctest}"
MPIEXEC="${MPIEXEC:-mpirun}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Keep OpenMPI quiet about the missing high-speed networks of a test machine.
export OMPI_MCA_btl="self,vader,tcp" OMPI_MCA_btl_vader_single_copy_mechanism=none

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# mpi_run K args...: silico under mpirun with K ranks (oversubscribed on small machines).
mpi_run() {
  local ranks="$1"; shift
  "$MPIEXEC" --oversubscribe -np "$ranks" "$SILICO" "$@"
}

# expect_exit CODE command...: run the command and check its exit code.
expect_exit() {
  local expected="$1"; shift
  set +e
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  local code=$?
  set -e
  if [ "$code" -ne "$expected" ]; then
    cat "$WORK/stdout" "$WORK/stderr" >&2
    fail "expected exit $expected, got $code from: $*"
  fi
}

# same_results A B: the result datasets of two files are identical (h5diff exit 0).
same_results() {
  h5diff "$1" "$2" /cohort /cohort || fail "/cohort differs between $1 and $2"
  h5diff "$1" "$2" /outcomes /outcomes || fail "/outcomes differs between $1 and $2"
  h5diff "$1" "$2" /replicates /replicates || fail "/replicates differs between $1 and $2"
  if h5ls "$1/trajectories" >/dev/null 2>&1; then
    h5diff "$1" "$2" /trajectories /trajectories || fail "/trajectories differs between $1 and $2"
  fi
  if h5ls "$1/procova" >/dev/null 2>&1; then
    h5diff "$1" "$2" /procova /procova || fail "/procova differs between $1 and $2"
  fi
}
