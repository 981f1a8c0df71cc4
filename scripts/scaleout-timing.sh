#!/usr/bin/env bash
# Timing of a sharded fit against a one-process fit on this machine (docs/scale-out.md, "Cost").
# For n = 1, 2, 4 shards, interleaved with the one-process fit in each round: the n shards run
# as separate processes, at most `nproc` at a time (threads split between them), then `ran merge`.
# Writes one JSON line per measurement to docs/data/scaleout-timing.jsonl (or $OUT), with the
# load average before each. Usage: scripts/scaleout-timing.sh [rounds] [training sequences]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
rounds=${1:-3}
sequences=${2:-1024}
out=${OUT:-$root/docs/data/scaleout-timing.jsonl}
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ran="node $root/dist/cli/main.js"
node scripts/scaleout-task.js "$root" "$tmp/task" "$sequences"
args=(--data "$tmp/task" --model ran-a --budget 2000)
now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
record() { echo "{\"round\":$1,\"kind\":\"$2\",\"shards\":$3,\"seconds\":$4,\"merge\":${5:-0},\"load\":$6,\"sequences\":$sequences,\"cores\":$cores}" | tee -a "$out"; }
: >"$out"
for round in $(seq "$rounds"); do
  for n in 1 2 4; do
    l=$(load); t0=$(now)
    $ran fit "${args[@]}" --threads "$cores" --out "$tmp/one.ran" >/dev/null
    record "$round" one-process 1 "$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b-a}')" 0 "$l"
    parallel=$((n < cores ? n : cores))
    threads=$((cores / parallel))
    rm -f "$tmp"/part-*.ranstats
    l=$(load); t0=$(now)
    seq 0 $((n - 1)) | xargs -P "$parallel" -I{} $ran fit "${args[@]}" --threads "$threads" --shard "{}/$n" --stats-out "$tmp/part-{}.ranstats" >/dev/null
    t1=$(now)
    $ran merge "$tmp"/part-*.ranstats --out "$tmp/merged.ran" >/dev/null
    t2=$(now)
    record "$round" sharded "$n" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$(awk -v a="$t1" -v b="$t2" 'BEGIN{print b-a}')" "$l"
    cmp <(node -e "require('$root/dist/index.js').loadModel('$tmp/one.ran').then(m=>process.stdout.write(Buffer.from(m.readout.weights.buffer).toString('hex')))") \
        <(node -e "require('$root/dist/index.js').loadModel('$tmp/merged.ran').then(m=>process.stdout.write(Buffer.from(m.readout.weights.buffer).toString('hex')))") >/dev/null \
      || echo "scaleout-timing: n=$n merged weights differ from the one-process fit" >&2
  done
done
ls -l "$tmp"/part-*.ranstats | awk '{ print "part size", $5, $9 }'
