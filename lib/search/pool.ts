/**
 * Runs trials in worker_threads, one per core by default. Results come back by trial id, so
 * the outcome does not depend on the number of workers or on which finishes first.
 *
 * A `TrialPool` keeps its workers between batches (the two rounds of a search, every task
 * and model of one evaluation): each worker keeps what it has drawn and measured (its task
 * cache and reservoirs/recurrentCache.ts), which a fresh thread would redo.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { runJob, type Job, type JobResult } from './job';
import type { TrialRequest, TrialResult } from './trial';

/**
 * The next request for worker k: one with the affinity it holds, else one no other worker
 * holds, else the first. Only the order of work changes, never a result.
 */
function pick(pending: readonly Job[], held: readonly (string | undefined)[], k: number): number {
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

interface Slot {
  worker: Worker;
  onResult?: (r: JobResult) => void;
  onFail?: (e: Error) => void;
  failure?: Error;
}

/**
 * Worker threads kept across batches of jobs. `workers` 0 runs jobs in this thread, as does
 * running from the TypeScript sources (ts-jest) without `createWorker`, since no compiled
 * worker.js exists there. Call `close()` when done (it ends the threads).
 */
export class TrialPool {
  private readonly slots: Slot[] = [];
  private readonly held: (string | undefined)[] = [];
  private readonly inThread: boolean;
  private closed = false;

  constructor(
    private readonly workers: number,
    private readonly createWorker?: WorkerFactory,
  ) {
    const script = path.join(__dirname, 'worker.js');
    this.inThread = workers <= 0 || (createWorker === undefined && !fs.existsSync(script));
    this.start = createWorker ?? (() => new Worker(script));
  }

  private readonly start: WorkerFactory;

  /** Threads started so far (at most `workers`, started as batches need them). */
  get threads(): number {
    return this.slots.length;
  }

  private grow(count: number): void {
    while (this.slots.length < Math.min(this.workers, count)) {
      const slot: Slot = { worker: this.start() };
      const fail = (e: Error): void => {
        slot.failure = e;
        slot.onFail?.(e);
      };
      slot.worker.on('message', (r: JobResult) => slot.onResult?.(r));
      slot.worker.on('error', fail);
      slot.worker.on('exit', (code) => {
        if (!this.closed) fail(new Error(`a search worker exited with code ${code}`));
      });
      this.slots.push(slot);
      this.held.push(undefined);
    }
  }

  /** Runs every job; results in the order of `jobs`. */
  async run<R extends JobResult>(jobs: readonly Job[], onResult?: (r: R, done: number) => void): Promise<R[]> {
    if (this.closed) throw new Error('the trial pool is closed');
    const results = new Array<R>(jobs.length);
    let done = 0;
    if (this.inThread) {
      for (let i = 0; i < jobs.length; i++) {
        results[i] = (await runJob(jobs[i]!)) as R;
        onResult?.(results[i]!, ++done);
      }
      return results;
    }
    const index = new Map(jobs.map((r, i) => [r.id, i]));
    const pending = [...jobs];
    this.grow(jobs.length);
    const busy = this.slots.slice(0, Math.min(this.slots.length, jobs.length));
    try {
      await Promise.all(
        busy.map((slot, k) =>
          this.drain(slot, k, pending, (r) => {
            results[index.get(r.id)!] = r as R;
            onResult?.(r as R, ++done);
          }),
        ),
      );
    } finally {
      for (const slot of busy) {
        slot.onResult = undefined;
        slot.onFail = undefined;
      }
    }
    return results;
  }

  /** Feeds worker k from `pending` until it is empty and the worker's last job came back. */
  private drain(slot: Slot, k: number, pending: Job[], take: (r: JobResult) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (slot.failure) {
        reject(slot.failure);
        return;
      }
      const send = (): void => {
        if (pending.length === 0) {
          resolve();
          return;
        }
        const job = pending.splice(pick(pending, this.held, k), 1)[0]!;
        this.held[k] = job.affinity;
        slot.worker.postMessage(job);
      };
      slot.onResult = (r) => {
        take(r);
        send();
      };
      slot.onFail = reject;
      send();
    });
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** Runs every request in a pool of its own (closed before returning). */
export async function runTrials(
  requests: readonly TrialRequest[],
  workers: number,
  onResult?: (r: TrialResult, done: number) => void,
  createWorker?: WorkerFactory,
): Promise<TrialResult[]> {
  const pool = new TrialPool(workers, createWorker);
  try {
    return await pool.run<TrialResult>(requests, onResult);
  } finally {
    await pool.close();
  }
}
