#!/bin/bash
# Submits a sharded job as Slurm job arrays and its merge as a job that runs only when every
# array task succeeded (afterok):
#   examples/slurm/submit.sh fit    [shards]   (DATA, MODEL, PARTS, OUT, FIT_ARGS)
#       array of fit shards -> merge
#   examples/slurm/submit.sh search [shards]   (DATA, MODEL, TRIALS, PARTS, BEST, SEARCH_ARGS)
#       array of round-1 shards -> array of round-2 shards -> merge
# Prints the job ids. Extra sbatch options (partition, account, time) go in SBATCH_ARGS.
set -euo pipefail
kind=${1:?usage: submit.sh fit|search [shards]}
shards=${2:-16}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "${PARTS:?set PARTS}"
submit() { # [sbatch options...] script -> job id
  local id
  # shellcheck disable=SC2086
  id=$(sbatch --parsable --export=ALL ${SBATCH_ARGS:-} "$@")
  echo "${id%%;*}"
}
after() { echo "--dependency=afterok:$1 --kill-on-invalid-dep=yes"; }
case "$kind" in
  fit)
    array=$(submit --array=0-$((shards - 1)) "$here/fit-shard.sbatch")
    # shellcheck disable=SC2046
    merge=$(submit $(after "$array") "$here/fit-merge.sbatch")
    echo "$array $merge" ;;
  search)
    first=$(ROUND=1 submit --array=0-$((shards - 1)) "$here/search-shard.sbatch")
    # shellcheck disable=SC2046
    second=$(ROUND=2 submit $(after "$first") --array=0-$((shards - 1)) "$here/search-shard.sbatch")
    # shellcheck disable=SC2046
    merge=$(submit $(after "$second") "$here/search-merge.sbatch")
    echo "$first $second $merge" ;;
  *) echo "submit.sh: fit or search, got $kind" >&2; exit 2 ;;
esac
