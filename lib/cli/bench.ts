/**
 * `ran bench`: runs the benchmark suite of the source tree (bench/, W1–W5 of
 * docs/benchmarks.md, or with `--scaling` the scaling benchmark of docs/scaling.md). The suite is not shipped in the npm package; from a clone it is
 * compiled by `npx tsc -p bench/tsconfig.json`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Runs the compiled benchmark runner with `args`; returns its exit code. `--scaling` runs
 * bench/scaling.ts instead (time and memory against sequence length, docs/scaling.md) with
 * the other arguments.
 */
export function runBench(args: string[]): number {
  const root = path.resolve(__dirname, '..', '..');
  // `--scaling` and `--search` (W6, the whole-search benchmark) pick another runner.
  const scaling = args.includes('--scaling');
  const search = args.includes('--search');
  const runner = path.join(root, 'dist-bench', 'bench', scaling ? 'scaling.js' : search ? 'search.js' : 'run.js');
  args = args.filter((a) => a !== '--scaling' && a !== '--search');
  if (!fs.existsSync(runner)) {
    process.stderr.write(
      `ran bench: the benchmark suite is not built (looked for ${runner}).\n` +
        'It lives in the source tree: clone the repository, then run `npx tsc -p bench/tsconfig.json` and `ran bench` again.\n',
    );
    return 2;
  }
  const r = spawnSync(process.execPath, [runner, ...args], { stdio: 'inherit' });
  return r.status ?? 1;
}
