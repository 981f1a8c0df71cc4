/**
 * What every reservoir shares: a native composed network built from a seed, run over
 * [B, T, D] batches, whose states go to the caller or stream into a ridge readout.
 */
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { native, type NativeNetwork, type NativeNetworkSpec, type NativeRunOptions } from '../native';
import { CallQueue } from '../queue';
import { Ridge } from '../readout/ridge';
import { attentionOptions, readoutOptions, trainOptions } from './run-options';
import { toTensor3, type IndexMatrix, type Tensor3, type TensorLike } from '../tensor';
import { defaultThreads } from '../threads';
import * as v from '../validate';

/** Ids that let `cancel(id)` abort one asynchronous call among several in progress. */
let nextCallId = 1;

/**
 * Asynchronous runs in native code at once per reservoir: the native pool's size (`RAN_THREADS`
 * or the cores), at most libuv's thread pool (`UV_THREADPOOL_SIZE`, default 4), so waiting
 * runs queue here (bounded, in order) rather than hold libuv threads other I/O needs.
 */
function callBudget(): number {
  const uv = Number(process.env['UV_THREADPOOL_SIZE']);
  return Math.max(1, Math.min(defaultThreads(), Number.isInteger(uv) && uv > 0 ? uv : 4));
}

function nonZeros(a: Float32Array): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) count++;
  return count;
}

/** Which steps of each sequence feed the readout's statistics. */
export type Selection =
  /** STREAM's prediction steps: per sequence a list of steps of this call. */
  | { steps: IndexMatrix }
  /** Every step after the first `washout` steps since the last reset. */
  | { washout: number }
  /** The last step of each sequence (sequence classification). */
  | 'last';

/** Streams the run's features into a readout's statistics, without storing states. */
export interface TrainTarget {
  readout: Ridge;
  /** Targets [B, T, outputs], aligned with the input. */
  targets: Tensor3;
  select: Selection;
}

/** Options of `run` / `runAsync`. */
export interface RunOptions {
  /**
   * Start from a zero state (default true). Such runs each have their own state, so any number run at once
   * on one reservoir. Use false to continue the carried state (a long series in chunks): that run needs the
   * carried state to be final, and is refused with ERR_RAN_BUSY while other runs of this reservoir are in
   * progress. After a set of calls, the carried state is the one the last call *started* left.
   */
  reset?: boolean;
  /** Return the states [B, T, stateSize] (default false: memory then does not grow with T). */
  states?: boolean;
  /** Return the readout's outputs [B, T, outputs] at every step. */
  readout?: Ridge;
  /** Compute the outputs only at these steps (per sequence) or at the last step; the others stay 0. */
  outputSteps?: IndexMatrix | 'last';
  /** Accumulate features and targets into a readout's statistics. */
  train?: TrainTarget;
  /** Return attention weights of these units of the first attention population: [B, T, units, heads, context], age 0 = newest. */
  attentionUnits?: readonly number[];
  /**
   * Return `attentionStats`: per attention unit, what its weights did over this run (computed inside the
   * step, cheap enough for every run of a search). Only for reservoirs with attention units.
   */
  attentionStats?: boolean;
  /** Native threads (default: `RAN_THREADS` or the number of cores). Results do not depend on it. */
  threads?: number;
  /** Aborts an asynchronous run (ERR_RAN_ABORTED); the state is reset. */
  signal?: AbortSignal;
}

/** Attention weights of chosen units. */
export interface AttentionWeights {
  data: Float32Array;
  /** [B, T, units, heads, context]; entry `age` 0 is the current step's item. */
  shape: [number, number, number, number, number];
}

/**
 * What the attention units did over a run, one entry per attention unit (in the order of the reservoir's
 * populations, units in order). Means over every sequence, step and head at which at least two context slots
 * were filled; a unit that never had two (context 1, or a run shorter than 2 steps) reports what one slot
 * gives: entropy 0, newest weight 1, lag 0. The same bits for any thread count.
 */
export interface AttentionStats {
  /** Entropy of the weights divided by log(filled slots): 1 = uniform over the slots, 0 = one slot. */
  relativeEntropy: Float64Array;
  /** Weight on the newest slot (the current step's key and value). */
  newestWeight: Float64Array;
  /** Mean age, in steps, of the attended mass: Σ_s w_s · age_s (0 = the current step). */
  meanLag: Float64Array;
}

/** What a run returns, each part only when asked for. */
export interface RunResult {
  states?: Tensor3;
  outputs?: Tensor3;
  attention?: AttentionWeights;
  attentionStats?: AttentionStats;
}

/** Options every reservoir accepts. */
export interface CommonOptions {
  /** Input dimension D_in. */
  inputDim: number;
  /** Seed of every random weight (default 0). */
  seed?: number;
  /** Add the input u(t) to the readout features (default true). */
  includeInput?: boolean;
}

/** The interface shared by `ESN`, `AttentionReservoir` and `DecomposedReservoir`. */
export abstract class Reservoir<O extends CommonOptions = CommonOptions> {
  /** Architecture name: "esn", "ran-a" or "ran-c". */
  abstract readonly kind: string;
  /** The options with every default filled in. */
  readonly options: Readonly<Required<O>>;
  /** The native network (private API). */
  protected network: NativeNetwork;
  /** The spectral radius of the recurrent matrix before rescaling. */
  protected radiusBeforeScaling = 0;
  private spec: NativeNetworkSpec;
  /** Asynchronous runs wait here for a slot of the thread budget (see `maxQueued`). */
  private readonly calls = new CallQueue(callBudget(), 'this reservoir');

  protected constructor(options: Required<O>, spec: NativeNetworkSpec) {
    this.options = Object.freeze({ ...options });
    this.spec = spec;
    this.network = new (native().Network)(spec);
  }

  private get common(): Required<CommonOptions> {
    return this.options as unknown as Required<CommonOptions>;
  }

  /** The seed all weights were drawn from. */
  get seed(): number {
    return this.common.seed;
  }

  /** Input dimension. */
  get inputDim(): number {
    return this.common.inputDim;
  }

  /** Number of state entries (N for an ESN, M·d for RAN-A, (M_a + M_f)·d for RAN-C). */
  get stateSize(): number {
    return this.spec.n;
  }

  /** State entries the readout reads: y and/or o of each population (`readoutState`), n when it reads y alone. */
  get readoutStates(): number {
    return this.spec.populations.reduce((f, p) => f + p.units * p.width * (p.readoutState === 'both' ? 2 : 1), 0);
  }

  /** Readout features per step: the read states (y, o or both), then the input if `includeInput`, then the constant 1. */
  get featureDim(): number {
    return this.readoutStates + (this.common.includeInput ? this.spec.inputDim : 0) + 1;
  }

  /** Trainable parameters of a ridge readout with `outputs` outputs: (features + 1) · outputs. */
  trainableParameters(outputs: number): number {
    v.integer('outputs', outputs, 0);
    return this.featureDim * outputs;
  }

  /**
   * Number of fixed random weights (recurrent non-zeros, input, bias, unit weights). The
   * non-zeros of a W handed to the kernel dense are counted as such, not its n² entries, so
   * the count does not depend on the form the kernel runs fastest on.
   */
  get fixedParameters(): number {
    const s = this.spec;
    let count =
      ('dense' in s.w ? nonZeros(s.w.dense) : 'blockValues' in s.w ? s.w.blockValues.length : s.w.values.length) +
      s.wIn.length +
      s.bias.length;
    for (const p of s.populations) {
      for (const a of [p.wQ, p.wK, p.wV, p.w1, p.w2, p.keys, p.values, p.writeGate]) count += a ? a.length : 0;
    }
    return count;
  }

  /** Steps run since the last reset. */
  get stepCount(): number {
    return this.network.stepCount;
  }

  /** Creates a ridge readout sized for this reservoir. */
  createReadout(outputs: number, ridge = 1e-6): Ridge {
    return new Ridge({ features: this.featureDim, outputs, ridge });
  }

  /** Forgets the carried state (and attention contexts). ERR_RAN_BUSY while a run with `reset: false` is in progress. */
  reset(): void {
    this.network.reset();
  }

  /**
   * Most asynchronous runs that may wait for a free slot (default 1024). Runs that start from
   * a reset state (the default, and every `Model.predict`/`evaluate`) share this reservoir:
   * those beyond the thread budget wait in arrival order; one more than `maxQueued` waiting
   * is refused at once with ERR_RAN_BUSY. Set 0 to refuse instead of waiting.
   */
  get maxQueued(): number {
    return this.calls.maxQueued;
  }

  set maxQueued(n: number) {
    this.calls.maxQueued = n;
  }

  /** Asynchronous runs in progress and waiting on this reservoir. */
  get pendingRuns(): { running: number; queued: number } {
    return { running: this.calls.running, queued: this.calls.queued };
  }

  /** Frees the native memory; the reservoir can no longer run. ERR_RAN_BUSY while any run is in progress or queued. */
  dispose(): void {
    if (!this.calls.idle)
      throw new RanError(
        ErrorCodes.BUSY,
        `cannot dispose the reservoir: ${this.calls.running} run(s) in progress and ${this.calls.queued} queued`,
      );
    this.network.dispose();
  }

  /** The network description handed to the addon (weights included), for tests and saving. */
  describe(): NativeNetworkSpec {
    return this.spec;
  }

  /** Runs the reservoir over x [B, T, inputDim] (any form of TensorLike) synchronously. */
  run(x: TensorLike, options?: RunOptions): RunResult {
    const { args, finish } = this.prepare(x, options, false);
    return finish(this.network.run(...args));
  }

  /**
   * Runs off the event loop; supports `signal`. Runs from a reset state may be called many
   * times at once, each on its own state: beyond the thread budget (`RAN_THREADS` or the
   * cores) they wait in a bounded queue (see `maxQueued`). A run with `reset: false`
   * continues the carried state and is refused (ERR_RAN_BUSY) while another run is in
   * progress or queued.
   */
  async runAsync(x: TensorLike, options?: RunOptions): Promise<RunResult> {
    const { args, finish } = this.prepare(x, options, true);
    const signal = options?.signal;
    if (signal?.aborted) throw new RanError(ErrorCodes.ABORTED, 'the run was aborted before it started');
    if (args[3].reset === false && !this.calls.idle) {
      throw new RanError(
        ErrorCodes.BUSY,
        `a run with \`reset: false\` continues the carried state: it cannot overlap the ${this.calls.running + this.calls.queued} run(s) in progress or queued on this reservoir`,
      );
    }
    return this.calls.run(async () => {
      // Calls run concurrently: an abort cancels this call only.
      const callId = signal ? nextCallId++ : 0;
      if (signal) args[3].callId = callId;
      const onAbort = (): void => this.network.cancel(callId);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return finish(await this.network.runAsync(...args));
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    }, signal);
  }

  /** Replaces the network (used when weights are refitted, e.g. data keys). */
  protected rebuild(spec: NativeNetworkSpec): void {
    this.network.dispose();
    this.spec = spec;
    this.network = new (native().Network)(spec);
  }

  private prepare(
    input: TensorLike,
    options: RunOptions | undefined,
    async: boolean,
  ): {
    args: [Float32Array, number, number, NativeRunOptions];
    finish: (r: import('../native').NativeRunResult) => RunResult;
  } {
    const o = v.options('options', options);
    v.knownKeys('options', o, [
      'reset',
      'states',
      'readout',
      'outputSteps',
      'train',
      'attentionUnits',
      'attentionStats',
      'threads',
      'signal',
    ]);
    if (!async && o.signal !== undefined)
      invalidArg('options.signal', 'undefined in a synchronous run (use runAsync)', o.signal);
    const x = v.tensor3('x', toTensor3('x', input), this.spec.inputDim);
    const [b, t] = x.shape;
    const reset = o.reset === undefined ? true : v.boolean('options.reset', o.reset);
    const n: NativeRunOptions = {
      reset,
      states: o.states === undefined ? false : v.boolean('options.states', o.states),
      includeInput: this.common.includeInput,
      includeBias: true,
      threads: o.threads === undefined ? defaultThreads() : v.integer('options.threads', o.threads, 1, 1024),
    };
    if (o.readout !== undefined || o.outputSteps !== undefined) readoutOptions(o, n, this.featureDim, b, t);
    if (o.train !== undefined) trainOptions(o.train, n, this.featureDim, b, t);
    const capture = attentionOptions(o, n, this.spec);
    const finish = (r: import('../native').NativeRunResult): RunResult => {
      const out: RunResult = {};
      if (r.states) out.states = { data: r.states, shape: [b, t, this.spec.n] };
      if (r.outputs && o.readout) out.outputs = { data: r.outputs, shape: [b, t, o.readout.outputs] };
      if (r.attentionStats) out.attentionStats = r.attentionStats;
      if (r.attention && capture)
        out.attention = { data: r.attention, shape: [b, t, capture.units, capture.heads, capture.context] };
      return out;
    };
    return { args: [x.data, b, t, n], finish };
  }
}
