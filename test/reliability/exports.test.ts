/**
 * Export-wide fuzzing: every function and class of lib/index.ts (tasks.* and datasets.*
 * included) called with hostile arguments in child processes (fixtures/fuzz-exports.js, on
 * the compiled dist/). Each call has a time limit: a call that runs past it is a hang and
 * fails the test with the call that hung; a crash of the child fails it too; every error must
 * carry a documented ERR_RAN_* code.
 */
import { fork } from 'child_process';
import * as path from 'path';
import * as ran from '../../lib/index';

const FIXTURE = path.join(__dirname, 'fixtures', 'fuzz-exports.js');
const SHARDS = 2;
const RUNS = Number(process.env['RAN_FUZZ_RUNS'] ?? 60);
/** A call slower than this is a hang (generous: the machine running CI may be loaded). */
const CALL_LIMIT_MS = Number(process.env['RAN_FUZZ_CALL_MS'] ?? 10000);

interface ShardResult {
  exports: string[];
  calls: number;
  bad: string[];
  hung?: string;
  crashed?: string;
}

function runShard(shard: number): Promise<ShardResult> {
  return new Promise((resolve) => {
    const child = fork(FIXTURE, [String(shard), String(SHARDS), '20260601', String(RUNS)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const result: ShardResult = { exports: [], calls: 0, bad: [] };
    let stderr = '';
    let current = '';
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on(
      'message',
      (m: { start?: string; done?: boolean; bad?: string; exports?: string[]; finished?: boolean }) => {
        if (m.exports) result.exports = m.exports;
        if (m.bad) result.bad.push(m.bad);
        if (m.finished) finished = true;
        if (m.start !== undefined) {
          current = m.start;
          result.calls++;
          timer = setTimeout(() => {
            result.hung = `${current} ran for more than ${CALL_LIMIT_MS} ms`;
            child.kill('SIGKILL');
          }, CALL_LIMIT_MS);
        }
        if (m.done) clearTimeout(timer);
      },
    );
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!result.hung && (!finished || code !== 0))
        result.crashed = `exit ${code} ${signal ?? ''} during ${current}\n${stderr}`;
      resolve(result);
    });
  });
}

/** Every callable export of the package, as the fuzzer names them. */
function exportedCallables(): string[] {
  const out: string[] = [];
  const add = (prefix: string, obj: object): void => {
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'function') out.push(prefix + k);
  };
  add('', ran);
  add('tasks.', ran.tasks);
  add('datasets.', ran.datasets);
  return out.sort();
}

test('every export: results or ERR_RAN_* errors, no hang, no crash', async () => {
  const started = Date.now();
  const shards = await Promise.all(Array.from({ length: SHARDS }, (_, i) => runShard(i)));
  for (const s of shards) {
    expect(s.hung).toBeUndefined();
    expect(s.crashed).toBeUndefined();
    expect(s.bad).toEqual([]);
  }
  // The fuzzer covered exactly what lib/index.ts exports (the compiled package is current).
  expect(shards[0]!.exports).toEqual(exportedCallables());
  expect(shards[0]!.exports).toEqual(
    expect.arrayContaining([
      'tasks.sinusSeries',
      'tasks.streamLorenzTrajectory',
      'tasks.drawBracketString',
      'datasets.lorenz',
    ]),
  );
  const calls = shards.reduce((n, s) => n + s.calls, 0);
  expect(calls).toBeGreaterThan(RUNS * shards[0]!.exports.length);
  console.log(
    `export fuzzing: ${calls} calls over ${shards[0]!.exports.length} exports in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}, 120000);
