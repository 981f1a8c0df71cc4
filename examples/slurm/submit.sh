#!/bin/bash
# Submits a sharded job as a Slurm job array and its merge as a job that runs only when every
# array task succeeded:
#   examples/slurm/submit.sh fit    [shards]   (DATA, MODEL, PARTS, OUT, FIT_ARGS)
#   examples/slurm/submit.sh search [shards]   (DATA, MODEL, TRIALS, PARTS, BEST, SEARCH_ARGS)
# Prints the two job ids. Extra sbatch options (partition, account, time) go in SBATCH_ARGS.
set -euo pipefail
kind=${1:?usage: submit.sh fit|search [shards]}
shards=${2:-16}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "$kind" in fit | search) ;; *) echo "submit.sh: fit or search, got $kind" >&2; exit 2 ;; esac
mkdir -p "${PARTS:?set PARTS}"
# shellcheck disable=SC2086
array=$(sbatch --parsable --export=ALL ${SBATCH_ARGS:-} --array=0-$((shards - 1)) "$here/$kind-shard.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable --export=ALL ${SBATCH_ARGS:-} --dependency=afterok:"$array" --kill-on-invalid-dep=yes "$here/$kind-merge.sbatch")
echo "$array ${merge%%;*}"
