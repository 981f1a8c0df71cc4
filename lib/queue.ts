/**
 * A bounded queue of asynchronous native calls on one object. At most `concurrency` calls run
 * at once (the thread budget); further calls wait in arrival order, at most `maxQueued` of
 * them; past that bound a call is refused at once with ERR_RAN_BUSY rather than piling up
 * memory and latency without limit (a server then answers "busy" and the client retries).
 */
import { ErrorCodes, RanError } from './errors';
import * as v from './validate';

/** Default bound of waiting calls per object: enough for a burst of a few hundred requests. */
export const DEFAULT_MAX_QUEUED = 1024;

/** Runs asynchronous calls with bounded concurrency and a bounded waiting line. */
export class CallQueue {
  private runningCalls = 0;
  private readonly waiting: (() => void)[] = [];
  private maxConcurrent: number;
  private bound = DEFAULT_MAX_QUEUED;

  /** @param concurrency calls run at once (at least 1) */
  constructor(
    concurrency: number,
    private readonly owner: string,
  ) {
    this.maxConcurrent = v.integer('concurrency', concurrency, 1, 1 << 16);
  }

  /** Calls running now. */
  get running(): number {
    return this.runningCalls;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** True when no call runs or waits. */
  get idle(): boolean {
    return this.runningCalls === 0 && this.waiting.length === 0;
  }

  /** Calls that may run at once. */
  get concurrency(): number {
    return this.maxConcurrent;
  }

  set concurrency(n: number) {
    this.maxConcurrent = v.integer('concurrency', n, 1, 1 << 16);
    this.drain();
  }

  /** Most calls that may wait; a call beyond it is refused with ERR_RAN_BUSY. */
  get maxQueued(): number {
    return this.bound;
  }

  set maxQueued(n: number) {
    this.bound = v.integer('maxQueued', n, 0, 1 << 24);
  }

  /**
   * Runs `task` when a slot is free. Rejects with ERR_RAN_BUSY when `maxQueued` calls already
   * wait, and with ERR_RAN_ABORTED when `signal` aborts while the call waits.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new RanError(ErrorCodes.ABORTED, 'the call was aborted before it started');
    if (this.runningCalls >= this.maxConcurrent || this.waiting.length > 0) await this.wait(signal);
    else this.runningCalls++;
    try {
      return await task();
    } finally {
      this.runningCalls--;
      this.drain();
    }
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.waiting.length >= this.bound) {
      throw new RanError(
        ErrorCodes.BUSY,
        `${this.owner} is busy: ${this.runningCalls} call(s) running and ${this.waiting.length} waiting, the most allowed (maxQueued = ${this.bound}); retry later or raise maxQueued`,
      );
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new RanError(ErrorCodes.ABORTED, 'the call was aborted while it waited in the queue'));
      };
      const waiter = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Starts waiting calls while slots are free (the slot is taken before the waiter resumes). */
  private drain(): void {
    while (this.runningCalls < this.maxConcurrent && this.waiting.length > 0) {
      this.runningCalls++;
      this.waiting.shift()!();
    }
  }
}
