/**
 * Benchmark runner of a clone: the shipped runner (lib/benchmarks/run.ts, workloads W1–W5 of
 * shared/spec/bench-workloads.md, what `ran bench` runs in an installed package) plus the
 * slow TypeScript reference of the repository (bench/reference.ts), which is not shipped.
 *
 *     npx tsc -p bench/tsconfig.json
 *     node dist-bench/bench/run.js [--quick] [--only W1,W3] [--threads 1,2] [--no-reference] [--no-ceiling]
 *          [--out results.jsonl] [--peers peers.jsonl] [--ceilings flops.jsonl]
 */
import { runBenchmarks } from '../lib/benchmarks/run';
import { ensureAddon, log } from './common';
import { measureReference } from './reference';

ensureAddon();
runBenchmarks(process.argv.slice(2), { reference: measureReference }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  },
);
