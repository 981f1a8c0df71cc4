/**
 * Runs trials in worker_threads, one per core by default. Results come back by trial id, so
 * the outcome does not depend on the number of workers or on which finishes first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { runTrial, type TrialRequest, type TrialResult } from './trial';

/**
 * The next request for worker k: one with the affinity it holds, else one no other worker
 * holds, else the first. Only the order of work changes, never a result.
 */
function pick(pending: readonly TrialRequest[], held: readonly (string | undefined)[], k: number): number {
  const mine = held[k];
  if (mine !== undefined) {
    const i = pending.findIndex((r) => r.affinity === mine);
    if (i >= 0) return i;
  }
  const free = pending.findIndex((r) => r.affinity === undefined || !held.includes(r.affinity));
  return free >= 0 ? free : 0;
}

/** Starts one search worker, a thread running ./worker (tests start it from the TypeScript source). */
export type WorkerFactory = () => Worker;

/**
 * Runs every request; `workers` 0 runs them in this thread, as does running from the
 * TypeScript sources (ts-jest) without `createWorker`, since no compiled worker.js exists there.
 */
export async function runTrials(
  requests: readonly TrialRequest[],
  workers: number,
  onResult?: (r: TrialResult, done: number) => void,
  createWorker?: WorkerFactory,
): Promise<TrialResult[]> {
  const results = new Array<TrialResult>(requests.length);
  const script = path.join(__dirname, 'worker.js');
  let done = 0;
  if (workers <= 0 || (createWorker === undefined && !fs.existsSync(script))) {
    for (let i = 0; i < requests.length; i++) {
      results[i] = await runTrial(requests[i]!);
      onResult?.(results[i]!, ++done);
    }
    return results;
  }
  const index = new Map(requests.map((r, i) => [r.id, i]));
  const pending = [...requests];
  const pool = Array.from({ length: Math.min(workers, requests.length) }, createWorker ?? (() => new Worker(script)));
  const held: (string | undefined)[] = pool.map(() => undefined);
  try {
    await Promise.all(
      pool.map(
        (w, k) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (pending.length === 0) {
                resolve();
                return;
              }
              const req = pending.splice(pick(pending, held, k), 1)[0]!;
              held[k] = req.affinity;
              w.postMessage(req);
            };
            w.on('message', (r: TrialResult) => {
              results[index.get(r.id)!] = r;
              onResult?.(r, ++done);
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (code !== 0) reject(new Error(`a search worker exited with code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
