#!/usr/bin/env bash
# CI phase: load test of the example service (examples/serve/) on 127.0.0.1 with autocannon.
# scripts/load-test.js trains a small model, starts and stops the service itself, and exits 1
# when a bound is broken (errors, malformed requests not answered 400, event-loop delay p99
# >= 10 ms, RSS growth > 64 MiB). About 40 s; `timeout` is the hard stop if anything hangs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
test -f dist/index.js || { echo "dist/ is missing: run npm run build first" >&2; exit 1; }
exec timeout --kill-after=10 120 node scripts/load-test.js "$@"
