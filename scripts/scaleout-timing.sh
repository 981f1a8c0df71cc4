#!/usr/bin/env bash
# Timing of a sharded fit against a one-process fit on this machine (docs/scale-out.md, "Cost").
# For n = 1, 2, 4 shards, interleaved with the one-process fit in each round: the n shards run
# as separate processes, at most `nproc` at a time (threads split between them), then `ran merge`.
# Writes one JSON line per measurement to docs/data/scaleout-timing-<sequences>.jsonl (or $OUT), with the
# load average before each. Usage: scripts/scaleout-timing.sh [rounds] [training sequences]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
rounds=${1:-3}
sequences=${2:-1024}
out=${OUT:-$root/docs/data/scaleout-timing-$sequences.jsonl}
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ran="node $root/dist/cli/main.js"
node scripts/scaleout-task.js "$root" "$tmp/task" "$sequences"
args=(--data "$tmp/task" --model ran-a --budget 2000)
load() { cut -d' ' -f1 /proc/loadavg; }
# Wall and CPU (user + system, children included) seconds of a command: "wall cpu".
timed() {
  local TIMEFORMAT='%R %U %S' t
  t=$({ time "$@" >/dev/null; } 2>&1 | tail -1)
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' <<<"$t"
}
record() { echo "{\"round\":$1,\"kind\":\"$2\",\"shards\":$3,\"wall\":$4,\"cpu\":$5,\"mergeWall\":${6:-0},\"mergeCpu\":${7:-0},\"load\":$8,\"sequences\":$sequences,\"cores\":$cores}" | tee -a "$out"; }
shards() { seq 0 $(($1 - 1)) | xargs -P "$2" -I{} $ran fit "${args[@]}" --threads "$3" --shard "{}/$1" --stats-out "$tmp/part-{}.ranstats"; }
weights() { node -e "require('$root/dist/index.js').loadModel('$1').then(m=>process.stdout.write(Buffer.from(m.readout.weights.buffer).toString('hex')))"; }
: >"$out"
for round in $(seq "$rounds"); do
  for n in 1 2 4; do
    l=$(load)
    read -r w c < <(timed $ran fit "${args[@]}" --threads "$cores" --out "$tmp/one.ran")
    record "$round" one-process 1 "$w" "$c" 0 0 "$l"
    parallel=$((n < cores ? n : cores))
    rm -f "$tmp"/part-*.ranstats
    l=$(load)
    read -r w c < <(timed shards "$n" "$parallel" $((cores / parallel)))
    read -r mw mc < <(timed $ran merge "$tmp"/part-*.ranstats --out "$tmp/merged.ran")
    record "$round" sharded "$n" "$w" "$c" "$mw" "$mc" "$l"
    cmp <(weights "$tmp/one.ran") <(weights "$tmp/merged.ran") >/dev/null || echo "scaleout-timing: n=$n merged weights differ from the one-process fit" >&2
  done
done
ls -l "$tmp"/part-*.ranstats | awk '{ print "part size", $5, $9 }'
