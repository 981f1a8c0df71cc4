#!/usr/bin/env bash
# The sharded fit and search on a real single-node Slurm cluster (docs/scale-out.md,
# /work/shared/spec/slurm-single-node.md). Installs Debian's slurm-wlm and munge when missing,
# starts munged, slurmctld and slurmd on this machine with a generated configuration in a
# temporary folder (own ports, own socket), submits the job arrays of examples/slurm/ with
# their dependent merges, checks that the merged model equals the one-process `ran fit`
# (same λ, same weights bit for bit) and that the sharded search picks the unsharded best
# trial (two rounds: round-1 array, dependent round-2 array, dependent merge), then stops the daemons it started (by their pid files) and removes the folder,
# also on failure. Needs root and a built tree (npm run build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
shards=${SLURM_TEST_SHARDS:-16}

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

tmp=$(mktemp -d /tmp/ran-slurm.XXXXXX)
chmod 755 "$tmp"
stop() {
  local rc=$?
  # slurmd, then slurmctld, then munged: each by the pid file it wrote, never by name.
  for d in slurmd slurmctld munged; do
    if [[ -s "$tmp/$d.pid" ]]; then
      local pid
      pid=$(cat "$tmp/$d.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  if [[ $rc -ne 0 ]]; then
    echo "slurm-test: FAILED (exit $rc); daemon and job logs:" >&2
    tail -n 20 "$tmp"/*.log "$tmp"/work/*.out 2>/dev/null >&2 || true
  fi
  rm -rf "$tmp"
  exit $rc
}
trap stop EXIT
trap 'exit 130' INT TERM

host=$(hostname -s)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo)
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/work/parts" "$tmp/work/search"

# munge: a fresh key and a socket of our own.
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge.key"
munged --force --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" --pid-file="$tmp/munged.pid" \
  --log-file="$tmp/munged.log" --seed-file="$tmp/munge.seed"

cat >"$tmp/slurm.conf" <<CONF
ClusterName=rantest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${SLURM_TEST_PORT:-16817}
SlurmdPort=$(( ${SLURM_TEST_PORT:-16817} + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf
slurmctld
slurmd
for _ in $(seq 60); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && break
  sleep 0.5
done
sinfo -h -o %t | grep -qx idle || { echo "slurm-test: the node did not become idle" >&2; sinfo >&2; exit 1; }
echo "slurm-test: single-node cluster up ($host, $(nproc) CPUs)"

work=$tmp/work
export RAN="node $root/dist/cli/main.js"
# A STREAM task folder: the adding problem (small), 64 training and 16 validation sequences, so
# that 16 shards of the training set start on multiples of the batch size (4).
node -e "
  const ra = require('$root/dist/index.js');
  const t = ra.buildTask('adding_problem', { difficulty: 'small', seed: 0 });
  const cut = (s, b) => ({ x: ra.sliceBatch(s.x, 0, b), y: ra.sliceBatch(s.y, 0, b), t: { data: s.t.data.subarray(0, b * s.t.shape[1]), shape: [b, s.t.shape[1]] } });
  ra.writeTaskFolder('$work/task', { classification: t.classification, train: cut(t.train, 64), valid: cut(t.valid, 16), test: cut(t.test, 16) });
"
export DATA=$work/task MODEL=ran-a FIT_ARGS="--budget 1k --batch-size 4" PARTS=$work/parts OUT=$work/merged.ran
$RAN fit --data "$DATA" --model "$MODEL" $FIT_ARGS --out "$work/single.ran" --json >"$work/single.json"

wait_for() {
  local job=$1 state
  for _ in $(seq 600); do
    state=$(scontrol show job "$job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2)
    case "$state" in COMPLETED) return 0 ;; FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) echo "slurm-test: job $job $state" >&2; return 1 ;; esac
    sleep 0.5
  done
  echo "slurm-test: job $job did not finish" >&2
  return 1
}

cd "$work"
read -r array merge < <("$root/examples/slurm/submit.sh" fit "$shards")
echo "slurm-test: fit array $array ($shards shards), merge $merge"
wait_for "$merge"
node -e "
  const ra = require('$root/dist/index.js');
  (async () => {
    const a = await ra.loadModel('$work/single.ran'), b = await ra.loadModel('$work/merged.ran');
    const wa = Buffer.from(a.readout.weights.buffer), wb = Buffer.from(b.readout.weights.buffer);
    if (a.readout.ridge !== b.readout.ridge) throw new Error('λ ' + b.readout.ridge + ' merged vs ' + a.readout.ridge);
    if (!wa.equals(wb)) throw new Error('the merged model differs from the one-process fit');
    if (JSON.stringify(a.config) !== JSON.stringify(b.config)) throw new Error('reservoir configs differ');
    console.log('slurm-test: merged model of ' + $shards + ' shards = one-process ran fit (λ ' + a.readout.ridge + ', ' + a.readout.weights.length + ' weights, same bits)');
  })().catch((e) => { console.error(e.message); process.exit(1); });
"

export TRIALS=8 PARTS=$work/search BEST=$work/best.json SEARCH_ARGS="--budget 1k"
$RAN search --data "$DATA" --model "$MODEL" --trials "$TRIALS" $SEARCH_ARGS --workers 1 >"$work/unsharded.json"
read -r first second merge < <("$root/examples/slurm/submit.sh" search 4)
echo "slurm-test: search round-1 array $first, round-2 array $second (4 shards each), merge $merge"
wait_for "$merge"
cmp "$work/unsharded.json" "$work/best.json"
echo "slurm-test: sharded search best = unsharded best: $(cut -c1-80 "$work/best.json")…"
