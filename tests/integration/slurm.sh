#!/usr/bin/env bash
# The Slurm templates of scripts/slurm/ on a real single-node Slurm cluster started here:
# run_trial.sbatch on 2 ranks (mpirun or srun) writes what mpirun writes; submit_replicates.sh
# runs a replicate study as a job array of blocks plus a merge job, whose result equals a
# run of the whole study, and recovers from a failed block as README.md says. Installs slurm-wlm and munge if they are missing (needs root). Starts
# munged only if none is running, and slurmctld and slurmd with a configuration of its
# own (state, spool, logs in a temporary folder; ports of its own); on exit, even on
# failure, cancels its jobs and stops exactly the daemons it started.
source "$(dirname "$0")/lib.sh"
REPO="$SILICO_SOURCE_DIR"
TEMPLATES="$REPO/scripts/slurm"

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm: skipped: installing and starting Slurm daemons needs root"
  exit 77  # SKIP_RETURN_CODE in tests/CMakeLists.txt
fi

S="$WORK/slurm"  # configuration, state, spool and logs of this cluster
mkdir -p "$S/state" "$S/spool"
munged_pid=""  # set only if this test (or the installation it made) started munged
slurmctld_pid=""
slurmd_pid=""

show_logs() {
  local f
  for f in "$WORK"/*.log "$WORK"/*.parts/*.log "$S/submit.out"; do
    [ -e "$f" ] && { echo "===== $f"; cat "$f"; }
  done
  for f in "$S/slurmctld.log" "$S/slurmd.log" "$S/slurmctld.out" "$S/slurmd.out"; do
    [ -s "$f" ] && { echo "===== $f (last 60 lines)"; tail -n 60 "$f"; }
  done
  if [ -n "$slurmctld_pid" ]; then
    echo "===== squeue"; squeue 2>&1
    echo "===== sinfo"; sinfo -N -l 2>&1
  fi
} >&2

# alive PID: the process exists and has not exited (a zombie waits only to be reaped).
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z ' "/proc/$1/stat" 2>/dev/null; }

# stop PID: SIGTERM, then SIGKILL after 10 s; returns once it has exited.
stop() {
  local pid="$1"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    alive "$pid" || break
    sleep 0.1
  done
  alive "$pid" && kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null  # reaps slurmctld and slurmd; munged is not our child
  return 0
}

# Processes started for this cluster (job steps and their programs) carry its SLURM_CONF.
cluster_processes() {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"; pid="${pid%/environ}"
    [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
    grep -qzxF "SLURM_CONF=$S/slurm.conf" "$environ" 2>/dev/null && echo "$pid"
  done
  return 0
}

# Job steps (slurmstepd) and the programs of jobs: cluster processes other than the daemons.
step_processes() {
  local pid
  for pid in $(cluster_processes); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = slurmstepd ] || grep -qz '^SLURM_JOB_ID=' "/proc/$pid/environ" 2>/dev/null &&
      echo "$pid"
  done
  return 0
}

cleanup() {
  local status=$?
  set +e
  [ "$status" -eq 0 ] || show_logs
  if [ -n "$slurmctld_pid" ] && [ -n "$slurmd_pid" ]; then
    # Cancel whatever is still queued or running, and let slurmd end its steps.
    scancel --quiet --user=root 2>/dev/null
    for _ in $(seq 1 100); do
      [ -z "$(squeue -h 2>/dev/null)" ] && [ -z "$(step_processes)" ] && break
      sleep 0.2
    done
  fi
  [ -z "$slurmd_pid" ] || stop "$slurmd_pid"
  [ -z "$slurmctld_pid" ] || stop "$slurmctld_pid"
  # A step that outlived its slurmd (only after a failure) would be left behind: end it.
  for pid in $(step_processes); do kill -9 "$pid" 2>/dev/null; done
  [ -z "$munged_pid" ] || stop "$munged_pid"
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# --- Install what is missing (Debian 12 packages).
munged_before=$(pgrep -x munged || true)
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
  ! [ -x /usr/sbin/munged ]; then
  echo "slurm: installing slurm-wlm and munge" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q slurm-wlm munge >&2; then
    apt-get update -q >&2
    apt-get install -y -q slurm-wlm munge >&2
  fi
  # Where installing starts services, the new munged is this test's to stop.
  [ -n "$munged_before" ] || munged_pid=$(pgrep -x munged | head -n 1 || true)
fi

# --- munge: reuse a running munged; otherwise start one, and stop it at the end.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  install -d -o munge -g munge -m 0755 /run/munge
  [ -s /etc/munge/munge.key ] || runuser -u munge -- /usr/sbin/mungekey --create
  if runuser -u munge -- /usr/sbin/munged 2>"$S/munged.err"; then
    munged_pid=$(cat /run/munge/munged.pid)
  fi
  for _ in $(seq 1 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
  munge -n | unmunge >/dev/null || fail "munged does not work: $(cat "$S/munged.err")"
fi

# --- Two free TCP ports of our own (other clusters, or a second run of this test, may
# use the usual ones).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=16817
while port_in_use "$port" || port_in_use $((port + 1)); do
  port=$((port + 2))
  [ "$port" -lt 16900 ] || fail "no free pair of ports in 16817-16900"
done

host="$(hostname -s)"
cat > "$S/slurm.conf" <<CONF
ClusterName=silico
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# A requeued job may start again only once its old credential has expired (120 s by
# default); the walltime test requeues a job, so expire credentials sooner.
AuthInfo=cred_expire=10
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# 2 CPUs whatever the machine has, so the same jobs fit everywhere.
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$S/slurm.conf"

# In the foreground (-D) as children of this script, so that they are stopped by pid.
slurmctld -D -i -f "$SLURM_CONF" > "$S/slurmctld.out" 2>&1 &
slurmctld_pid=$!
slurmd -D -f "$SLURM_CONF" > "$S/slurmd.out" 2>&1 &
slurmd_pid=$!

for _ in $(seq 1 120); do
  [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ] && break
  kill -0 "$slurmctld_pid" 2>/dev/null || fail "slurmctld exited"
  kill -0 "$slurmd_pid" 2>/dev/null || fail "slurmd exited"
  sleep 0.5
done
[ "$(sinfo -h -N -o %t)" = idle ] || fail "node $host not idle after 60 s: $(sinfo -N -l 2>&1)"

# Every job must be done 420 s from here, well within CTest's TIMEOUT, so that a job
# that hangs fails the test here, where the daemons are still stopped on exit.
jobs_deadline=$((SECONDS + 420))
# wait_gone ID SECONDS: until the job (every task of an array) has left the queue.
wait_gone() {
  local deadline=$((SECONDS + $2))
  [ "$deadline" -le "$jobs_deadline" ] || deadline=$jobs_deadline
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "job $1 still queued or running (waited up to $2 s)"
    sleep 1
  done
}
# states ID: the final states of the job's tasks, e.g. "COMPLETED FAILED".
states() { scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | sed 's/JobState=//' | sort -u | xargs; }
# wait_job ID SECONDS: the job ends, and every task of it completed with exit code 0.
wait_job() {
  wait_gone "$@"
  [ "$(states "$1")" = COMPLETED ] || fail "job $1 ended as: $(states "$1")"
}
# submit SPEC OUT B: submit_replicates.sh; sets array_job and merge_job.
submit() {
  ARRAY_OPTIONS="--cpus-per-task=1" "$TEMPLATES/submit_replicates.sh" "$@" > "$S/submit.out"
  array_job=$(sed -n 's/^array job: \([0-9][0-9]*\).*/\1/p' "$S/submit.out")
  merge_job=$(sed -n 's/^merge job: \([0-9][0-9]*\).*/\1/p' "$S/submit.out")
  [ -n "$array_job" ] && [ -n "$merge_job" ] || fail "submit_replicates.sh printed no job ids: $(cat "$S/submit.out")"
}

# wait_checkpointed CHECKPOINT JOB: until the running job's checkpoint records 4 blocks,
# so that a signal sent next finds a run with something to resume.
wait_checkpointed() {
  local done_blocks=
  for _ in $(seq 1 600); do
    done_blocks=$(sed -n 's/^blocks_done: //p' "$1" 2>/dev/null || true)
    [ -n "$done_blocks" ] && [ "$done_blocks" -ge 4 ] && return 0
    [ -n "$(squeue -h -j "$2")" ] || fail "job $2 ended before it could be signalled"
    sleep 0.1
  done
  fail "job $2 did not checkpoint 4 blocks within 60 s"
}

# The OpenMPI settings of lib.sh go with each job (sbatch exports the environment).
sed 's/replicates: 2000/replicates: 6/' "$REPO/tests/data/null_tte.yaml" > "$WORK/tte.yaml"
mpi_run 2 run "$WORK/tte.yaml" -o "$WORK/direct.h5" -q
cd "$WORK"

# --- run_trial.sbatch: one trial on the allocation's 2 ranks. Without SILICO when the
# build is the repository's build/, so that the template finds silico by itself.
submit_env=()
[ "$REPO/build/src/silico" -ef "$SILICO" ] && submit_env=(-u SILICO)
job=$(env "${submit_env[@]}" sbatch --parsable --ntasks=2 --cpus-per-task=1 --output="$WORK/trial-%j.log" \
  "$TEMPLATES/run_trial.sbatch" "$WORK/tte.yaml" "$WORK/trial.h5")
wait_job "$job" 180
same_results "$WORK/direct.h5" "$WORK/trial.h5"
h5dump -a /mpi_ranks "$WORK/trial.h5" | grep -q "(0): 2$" || fail "run_trial.sbatch did not run 2 ranks"
h5dump -a /threads "$WORK/trial.h5" | grep -q "(0): 1$" || fail "threads differ from --cpus-per-task=1"
grep -q "2 rank(s) x 1 thread(s)" "$WORK/trial-$job.log" || fail "run_trial log"
# The same with srun as the launcher (Slurm's PMIx plugin starting Open MPI's ranks).
job=$(LAUNCHER=srun sbatch --parsable --ntasks=2 --cpus-per-task=1 --output="$WORK/trial-srun-%j.log" \
  "$TEMPLATES/run_trial.sbatch" "$WORK/tte.yaml" "$WORK/trial-srun.h5")
wait_job "$job" 180
same_results "$WORK/direct.h5" "$WORK/trial-srun.h5"
h5dump -a /mpi_ranks "$WORK/trial-srun.h5" | grep -q "(0): 2$" || fail "LAUNCHER=srun did not run 2 ranks"

# --- run_trial.sbatch at the walltime: Slurm's early SIGUSR1 (sent here with scancel,
# as --signal=B:USR1@120 sends it) reaches silico through the script and mpirun; silico
# checkpoints and exits 3; the job requeues itself and, started again, resumes.
sed 's/patients: 400000/patients: 800000/' "$REPO/tests/data/slow_screening.yaml" > "$WORK/slow.yaml"
mpi_run 2 run "$WORK/slow.yaml" -o "$WORK/slow-direct.h5" -q
job=$(sbatch --parsable --ntasks=2 --cpus-per-task=1 --output="$WORK/walltime-%j.log" \
  "$TEMPLATES/run_trial.sbatch" "$WORK/slow.yaml" "$WORK/walltime.h5" --block-patients 5000 --checkpoint-interval 0)
wait_checkpointed "$WORK/walltime.h5.checkpoint" "$job"
scancel --signal=USR1 --batch "$job"
# The requeued job starts again once its old credential has expired (cred_expire above).
wait_job "$job" 240
log="$WORK/walltime-$job.log"
grep -q "SIGUSR1: asking silico to checkpoint" "$log" || { cat "$log"; fail "the script did not pass SIGUSR1 on"; }
grep -q "stopped by SIGUSR1 after a checkpoint" "$log" || { cat "$log"; fail "silico did not stop at a checkpoint"; }
grep -q "requeueing job $job" "$log" || { cat "$log"; fail "the job did not requeue itself"; }
grep -q "resuming from .*walltime.h5.checkpoint" "$log" || { cat "$log"; fail "the requeued job did not resume"; }
same_results "$WORK/slow-direct.h5" "$WORK/walltime.h5"

# --- SIGTERM, as Slurm sends it to the job's steps at the time limit or on scancel, through
# srun: the ranks checkpoint and exit 3, srun and the job exit 3, and the run resumes
# bitwise. (Through mpirun the ranks do the same, but Open MPI 4.1's mpirun exits 1: it
# cannot forward SIGTERM, see docs/cli.md.)
job=$(LAUNCHER=srun REQUEUE=0 sbatch --parsable --ntasks=2 --cpus-per-task=1 --output="$WORK/term-%j.log" \
  "$TEMPLATES/run_trial.sbatch" "$WORK/slow.yaml" "$WORK/term.h5" --block-patients 5000 --checkpoint-interval 0)
wait_checkpointed "$WORK/term.h5.checkpoint" "$job"
scancel --signal=TERM "$job"  # the job's steps, not its batch shell: srun's tasks
wait_gone "$job" 120
log="$WORK/term-$job.log"
grep -q "stopped by SIGTERM after a checkpoint" "$log" || { cat "$log"; fail "silico did not stop at a checkpoint on SIGTERM"; }
scontrol -o show job "$job" | grep -q 'ExitCode=3:0' ||
  { cat "$log"; fail "SIGTERM through srun: job $(scontrol -o show job "$job" | grep -o 'ExitCode=[0-9:]*'), expected 3:0"; }
[ ! -e "$WORK/term.h5" ] || fail "a stopped run published its result file"
mpi_run 2 run "$WORK/slow.yaml" -o "$WORK/term.h5" --resume -q
same_results "$WORK/slow-direct.h5" "$WORK/term.h5"

# --- submit_replicates.sh: 6 replicates in blocks of 2 (3 array tasks), then the merge.
submit "$WORK/tte.yaml" "$WORK/study.h5" 2
wait_job "$array_job" 240
wait_job "$merge_job" 120
for block in 0 1 2; do
  h5dump -a /first_replicate "$WORK/study.parts/part-$block.h5" | grep -q "(0): $((2 * block))$" ||
    fail "part-$block.h5 does not start at replicate $((2 * block))"
done
same_results "$WORK/direct.h5" "$WORK/study.h5"
grep -q "from 3 part(s)" "$WORK/study.parts/merge.log" || fail "merge log"

# A failed block, as README.md describes it: the merge job is cancelled, nothing is
# written under OUT.h5; submitted again, only the missing block runs, and the merge follows.
# A non-empty folder where block 1 writes its part: that task fails.
mkdir -p "$WORK/retry.parts/part-1.h5.partial/in_the_way"
submit "$WORK/tte.yaml" "$WORK/retry.h5" 2
wait_gone "$array_job" 240
wait_gone "$merge_job" 120
[ "$(states "$array_job")" = "COMPLETED FAILED" ] || fail "array with a failing block ended as: $(states "$array_job")"
[ "$(states "$merge_job")" = CANCELLED ] || fail "merge after a failed block ended as: $(states "$merge_job")"
[ ! -e "$WORK/retry.h5" ] || fail "a failed study left its result file"
rm -r "$WORK/retry.parts/part-1.h5.partial"
submit "$WORK/tte.yaml" "$WORK/retry.h5" 2
wait_job "$array_job" 240
wait_job "$merge_job" 120
grep -q "part-0.h5 exists (complete): not recomputed" "$WORK/retry.parts/part-0.log" || fail "block 0 was recomputed"
grep -q "done: $WORK/retry.parts/part-1.h5" "$WORK/retry.parts/part-1.log" || fail "block 1 was not run again"
same_results "$WORK/direct.h5" "$WORK/retry.h5"

# A spec that does not validate is refused before anything is queued.
echo "trial: {patients: -1}" > "$WORK/bad.yaml"
expect_exit 2 "$TEMPLATES/submit_replicates.sh" "$WORK/bad.yaml" "$WORK/bad.h5" 2
[ -z "$(squeue -h)" ] || fail "a refused submission queued a job"
echo "slurm: ok (cluster on ports $port-$((port + 1)))"
