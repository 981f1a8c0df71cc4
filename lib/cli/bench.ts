/**
 * `ran bench`: runs the benchmark suite of the source tree (bench/, W1–W5 of
 * docs/benchmarks.md). The suite is not shipped in the npm package; from a clone it is
 * compiled by `npx tsc -p bench/tsconfig.json`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Runs the compiled benchmark runner with `args`; returns its exit code. */
export function runBench(args: string[]): number {
  const root = path.resolve(__dirname, '..', '..');
  const runner = path.join(root, 'dist-bench', 'bench', 'run.js');
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
