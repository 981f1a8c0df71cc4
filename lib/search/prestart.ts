/**
 * Search workers started early: a worker thread takes ~0.1 s to boot and load the library,
 * which `ran eval` / `ran stream` would otherwise wait for after loading its own modules,
 * reading the task and planning the trials. Started first, the workers load while the main
 * thread does that. This module loads nothing of the library (only Node's modules and
 * ../threads), so it can run before the rest of the CLI.
 *
 * A worker started here is the one `TrialPool` would start; the pool takes it instead of a
 * new one. Until taken it does not keep the process alive (unref), so an unused one costs
 * only its start-up.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { defaultThreads } from '../threads';

/** The compiled worker script (absent when running from the TypeScript sources). */
export const WORKER_SCRIPT = path.join(__dirname, 'worker.js');

const spares: { worker: Worker; failed: boolean }[] = [];

/** Starts `count` search workers for a later `TrialPool` (none when there is no compiled worker script). */
export function prestartWorkers(count: number): void {
  if (!fs.existsSync(WORKER_SCRIPT)) return;
  for (let i = 0; i < count; i++) {
    const spare = { worker: new Worker(WORKER_SCRIPT), failed: false };
    spare.worker.unref();
    // A spare that fails before it is taken is dropped; the pool then starts a new one,
    // whose failure it sees.
    spare.worker.once('error', () => (spare.failed = true));
    spare.worker.once('exit', () => (spare.failed = true));
    spares.push(spare);
  }
}

/** A started worker of `prestartWorkers` that has not failed, or undefined. */
export function takeWorker(): Worker | undefined {
  for (let s = spares.shift(); s; s = spares.shift()) {
    if (s.failed) continue;
    s.worker.removeAllListeners();
    s.worker.ref();
    return s.worker;
  }
  return undefined;
}

/** The value of `--name N` or `--name=N` in argv, if it is a whole number. */
function intOption(argv: readonly string[], name: string): number | undefined {
  let text: string | undefined;
  argv.forEach((a, i) => {
    if (a === name) text = argv[i + 1];
    else if (a.startsWith(`${name}=`)) text = a.slice(name.length + 1);
  });
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * How many worker threads `ran eval` or `ran stream` will start (argv without `node
 * main.js`): one less than its `--workers` (default one per core) or its `--trials`, the
 * smaller (search/pool.ts runs one job in the main thread); 0 for other commands, help,
 * or anything it cannot read (a malformed option: the command reports it).
 */
export function workersToPrestart(argv: readonly string[]): number {
  const [name, ...rest] = argv;
  if ((name !== 'eval' && name !== 'stream') || rest.includes('--help') || rest.includes('-h')) return 0;
  let workers: number | undefined;
  try {
    const given = rest.some((a) => a === '--workers' || a.startsWith('--workers='));
    workers = given ? intOption(rest, '--workers') : defaultThreads();
  } catch {
    return 0; // a bad RAN_THREADS: the command reports it
  }
  if (workers === undefined) return 0;
  // The trial pool runs one job in the main thread and the others in workers − 1 threads.
  return Math.max(0, Math.min(workers, intOption(rest, '--trials') ?? workers, 64) - 1);
}

/** Starts the workers `ran eval` / `ran stream` will use (see `workersToPrestart`). */
export function prestartForCommand(argv: readonly string[]): void {
  prestartWorkers(workersToPrestart(argv));
}
