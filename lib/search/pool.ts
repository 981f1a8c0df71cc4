/**
 * Runs trials in worker_threads, one per core by default. Results come back by trial id, so
 * the outcome does not depend on the number of workers or on which finishes first.
 *
 * A `TrialPool` keeps its workers between batches (the two rounds of a search, every task
 * and model of one evaluation): each worker keeps what it has drawn and measured (its task
 * cache and reservoirs/recurrentCache.ts), which a fresh thread would redo.
 */
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import {
  cachedRecurrentKeys,
  installRecurrent,
  logRecurrent,
  recurrentEntry,
  takeRecurrentLog,
  type SharedRecurrent,
} from '../reservoirs/recurrentCache';
import { runJob, type Job, type JobResult } from './job';
import type { WorkerReply, WorkerRequest } from './messages';
import { takeWorker, WORKER_SCRIPT } from './prestart';
import type { TrialRequest, TrialResult } from './trial';

/** Starts one search worker, a thread running ./worker (tests start it from the TypeScript source). */
export type WorkerFactory = () => Worker;

interface Slot {
  /** The thread; undefined for the slot that runs jobs in this thread. */
  worker?: Worker;
  /** Hands the slot a job. */
  post: (request: WorkerRequest) => void;
  onReply?: (m: WorkerReply) => void;
  onFail?: (e: Error) => void;
  failure?: Error;
  /** The recurrent-cache keys the worker said it holds after its last job. */
  holds: Set<string>;
}

/**
 * Matrices kept by the pool to hand to other workers, as many as a worker's cache holds
 * (each up to its 4 M values; the largest are not cached at all).
 */
const MAX_SHARED = 4;

/**
 * Worker threads kept across batches of jobs. `workers` runs at most that many jobs at once:
 * one in this thread (which would otherwise only wait) and the others in `workers` − 1
 * worker threads. `workers` 0 or 1 runs jobs one by one in this thread, as does running from
 * the TypeScript sources (ts-jest) without `createWorker`, since no compiled worker.js exists
 * there. Call `close()` when done (it ends the threads).
 *
 * The pool knows, from the workers' replies, which recurrent matrices (cache keys) the jobs
 * of each affinity use, which worker holds which, and keeps a copy of each one drawn: a job
 * goes preferably to a worker that holds its matrices, else to one that will draw a matrix
 * nobody has yet, else with copies of the matrices it needs; a job whose matrices another
 * worker is drawing right now waits for them rather than being drawn twice. Only where and
 * when work runs changes, never a result.
 */
export class TrialPool {
  private readonly slots: Slot[] = [];
  private readonly inThread: boolean;
  private closed = false;
  private readonly start: WorkerFactory;
  /** Cache keys used by the jobs of each affinity. */
  private readonly keysOf = new Map<string, Set<string>>();
  /** Matrices drawn by the workers, by cache key, most recent last. */
  private readonly shared = new Map<string, SharedRecurrent>();

  constructor(
    private readonly workers: number,
    private readonly createWorker?: WorkerFactory,
  ) {
    this.inThread = workers <= 1 || (createWorker === undefined && !fs.existsSync(WORKER_SCRIPT));
    this.start = createWorker ?? (() => takeWorker() ?? new Worker(WORKER_SCRIPT));
  }

  /** Recurrent matrices the workers drew so far (each shared one counts once). */
  get matricesDrawn(): number {
    return this.drawnCount;
  }

  private drawnCount = 0;

  /** Worker threads started so far (at most `workers` − 1, started as batches need them). */
  get threads(): number {
    return this.slots.filter((s) => s.worker).length;
  }

  private grow(count: number): void {
    if (this.slots.length === 0) this.slots.push(this.here());
    while (this.slots.length < Math.min(this.workers, count)) {
      const worker = this.start();
      const slot: Slot = { worker, post: (r) => worker.postMessage(r), holds: new Set() };
      const fail = (e: Error): void => {
        slot.failure = e;
        slot.onFail?.(e);
      };
      worker.on('message', (m: WorkerReply) => slot.onReply?.(m));
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!this.closed) fail(new Error(`a search worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  /**
   * The slot of this thread: it runs a job as a worker does (reservoirs/recurrentCache.ts
   * logs what it draws), after the current event-loop turn.
   */
  private here(): Slot {
    logRecurrent(true);
    const post = (r: WorkerRequest): void => {
      setImmediate(() => {
        run(r).catch((e: Error) => slot.onFail?.(e));
      });
    };
    const slot: Slot = { holds: new Set(cachedRecurrentKeys()), post };
    const run = async (r: WorkerRequest): Promise<void> => {
      for (const e of r.install) installRecurrent(e);
      const result = await runJob(r.job);
      const { drawn, used } = takeRecurrentLog();
      // Matrices this thread held before the pool started are shared too.
      const held = used.map(recurrentEntry).filter((e) => e !== undefined && !drawn.some((d) => d.key === e.key));
      slot.onReply?.({ result, drawn, used, cached: cachedRecurrentKeys(), held: held as SharedRecurrent[] });
    };
    return slot;
  }

  /**
   * The next job for `slot` (an index into `pending`): one whose matrices it holds, else one
   * of an affinity not yet seen nor running, else one whose matrices it will be sent; -1 when
   * every pending job waits for matrices that another worker is drawing (`drawing`).
   */
  private pick(pending: readonly Job[], slot: Slot, drawing: ReadonlySet<string>): number {
    const local = pending.findIndex((j) => {
      const keys = j.affinity === undefined ? undefined : this.keysOf.get(j.affinity);
      return j.affinity === undefined || (keys !== undefined && [...keys].every((k) => slot.holds.has(k)));
    });
    if (local >= 0) return local;
    const fresh = pending.findIndex((j) => !this.keysOf.has(j.affinity!) && !drawing.has(j.affinity!));
    if (fresh >= 0) return fresh;
    return pending.findIndex((j) => this.keysOf.has(j.affinity!));
  }

  /** Copies of the matrices `job` needs that `slot` does not hold. */
  private toInstall(job: Job, slot: Slot): SharedRecurrent[] {
    const keys = job.affinity === undefined ? undefined : this.keysOf.get(job.affinity);
    const out: SharedRecurrent[] = [];
    for (const k of keys ?? []) {
      const e = this.shared.get(k);
      if (e && !slot.holds.has(k)) out.push(e);
    }
    return out;
  }

  /** Records what a worker drew and used for `job`. */
  private learn(job: Job, slot: Slot, m: WorkerReply): void {
    slot.holds = new Set(m.cached);
    this.drawnCount += m.drawn.length;
    for (const e of [...(m.held ?? []), ...m.drawn]) {
      this.shared.delete(e.key);
      this.shared.set(e.key, e);
      if (this.shared.size > MAX_SHARED) this.shared.delete(this.shared.keys().next().value!);
    }
    if (job.affinity === undefined) return;
    const keys = this.keysOf.get(job.affinity) ?? new Set<string>();
    for (const k of m.used) keys.add(k);
    this.keysOf.set(job.affinity, keys);
  }

  /** Runs every job; results in the order of `jobs`. */
  async run<R extends JobResult>(jobs: readonly Job[], onResult?: (r: R, done: number) => void): Promise<R[]> {
    if (this.closed) throw new Error('the trial pool is closed');
    const results = new Array<R>(jobs.length);
    if (jobs.length === 0) return results;
    let done = 0;
    if (this.inThread) {
      for (let i = 0; i < jobs.length; i++) {
        results[i] = (await runJob(jobs[i]!)) as R;
        onResult?.(results[i]!, ++done);
      }
      return results;
    }
    const index = new Map(jobs.map((r, i) => [r.id, i]));
    this.grow(jobs.length);
    const busy = this.slots.slice(0, Math.min(this.slots.length, jobs.length));
    try {
      await this.dispatch(busy, [...jobs], (r) => {
        results[index.get(r.id)!] = r as R;
        onResult?.(r as R, ++done);
      });
    } finally {
      for (const slot of busy) {
        slot.onReply = undefined;
        slot.onFail = undefined;
      }
    }
    return results;
  }

  /** Feeds the workers of `busy` from `pending` until every job came back. */
  private dispatch(busy: Slot[], pending: Job[], take: (r: JobResult) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const running = new Array<Job | undefined>(busy.length);
      // Affinities whose first job is running: their matrices are being drawn.
      const drawing = new Set<string>();
      let left = pending.length;
      const feed = (): void => {
        busy.forEach((slot, k) => {
          if (running[k] || pending.length === 0) return;
          const i = this.pick(pending, slot, drawing);
          if (i < 0) return; // woken by the next reply
          const job = pending.splice(i, 1)[0]!;
          running[k] = job;
          if (job.affinity !== undefined && !this.keysOf.has(job.affinity)) drawing.add(job.affinity);
          const request: WorkerRequest = { job, install: this.toInstall(job, slot) };
          for (const e of request.install) slot.holds.add(e.key);
          slot.post(request);
        });
      };
      for (const [k, slot] of busy.entries()) {
        if (slot.failure) {
          reject(slot.failure);
          return;
        }
        slot.onFail = reject;
        slot.onReply = (m) => {
          const job = running[k]!;
          running[k] = undefined;
          this.learn(job, slot, m);
          if (job.affinity !== undefined) drawing.delete(job.affinity);
          take(m.result);
          if (--left === 0) resolve();
          else feed();
        };
      }
      feed();
    });
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.slots.length > 0) logRecurrent(false);
    await Promise.all(this.slots.flatMap((s) => (s.worker ? [s.worker.terminate()] : [])));
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
