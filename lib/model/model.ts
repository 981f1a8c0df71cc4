/**
 * A trained model: any reservoir composed with a ridge readout. States stream into the
 * readout's statistics batch by batch (memory is bounded by the batch, not by B × T), and λ
 * is chosen on validation data from one accumulation.
 */
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { Ridge } from '../readout/ridge';
import { architecture, isArchitecture } from '../architectures/index';
import type { Reservoir, Selection } from '../reservoirs/reservoir';
import { score } from '../tasks/score';
import { sliceBatch, toTensor3, type IndexMatrix, type Tensor3, type TensorLike } from '../tensor';
import * as v from '../validate';
import { FIT_OPTION_KEYS, fitArguments, type ArrayFitOptions } from './arguments';
import { configOf, createReservoir, type ReservoirConfig } from './config';

/** Training or evaluation data: inputs, targets and which steps count. */
export interface SequenceData {
  /** Inputs [B, T, D]: a Tensor3, nested arrays, `{ data, shape }` with any numeric array (see TensorLike). */
  x: Tensor3;
  /** Targets [B, T, outputs], in any form `x` takes. */
  y: Tensor3;
  /** Prediction steps per sequence (STREAM's T). Without it: `washout` or `last`. */
  t?: IndexMatrix;
  /** All steps after this many are used (when `t` is absent; default 0). */
  washout?: number;
  /** Use only the last step of each sequence (sequence classification). */
  last?: boolean;
}

/** A STREAM-like task: three splits and the scoring kind. */
export interface TaskLike {
  classification: boolean;
  train: SequenceData;
  valid: SequenceData;
  test: SequenceData;
}

/** Progress of a long call. */
export interface Progress {
  phase: 'train' | 'validate' | 'solve' | 'predict';
  done: number;
  total: number;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Validation data used to choose λ among `ridges` (a task's `valid` split by default). */
  validation?: SequenceData;
  /** Candidate λ; the one with the best validation score is kept (default 1e-8 … 1e2, one per decade). */
  ridges?: readonly number[];
  /** Classification (error rate) or regression (MSE) scoring for the λ choice (a task's flag by default; else MSE). */
  classification?: boolean;
  /** Sequences per native call (default 256): bounds memory. */
  batchSize?: number;
  /** Native threads (default `RAN_THREADS` or all cores). */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** What `fit` found. */
export interface FitReport {
  /** The λ kept. */
  ridge: number;
  /**
   * Validation score of each candidate λ (absent without validation data), and the MSE of the
   * readout output on the same steps (breaks ties in score: 20 answers give steps of 0.05).
   */
  validation?: { ridge: number; score: number; mse: number }[];
  /** Training rows accumulated. */
  rows: number;
  /** Wall time in milliseconds. */
  milliseconds: number;
}

/** Default λ candidates: one per decade from 1e-8 to 1e2. */
export const DEFAULT_RIDGES: readonly number[] = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100];

function isTask(d: unknown): d is TaskLike {
  return d !== null && typeof d === 'object' && 'train' in d && 'valid' in d && 'test' in d;
}

function selectionOf(d: SequenceData, name: string): Selection {
  if (d.t !== undefined) return { steps: d.t };
  if (d.last) return 'last';
  return { washout: v.integer(`${name}.washout`, d.washout ?? 0, 0) };
}

function checkData(d: unknown, name: string): SequenceData {
  if (d === null || typeof d !== 'object') invalidArg(name, '{ x, y, t? }', d);
  const s = {
    ...(d as SequenceData),
    x: toTensor3(`${name}.x`, (d as SequenceData).x),
    y: toTensor3(`${name}.y`, (d as SequenceData).y),
  };
  v.tensor3(`${name}.x`, s.x);
  v.tensor3(`${name}.y`, s.y);
  if (s.y.shape[0] !== s.x.shape[0] || s.y.shape[1] !== s.x.shape[1]) {
    throw new RanError(
      ErrorCodes.SHAPE,
      `\`${name}.y\` has shape [${s.y.shape.join(', ')}], \`${name}.x\` is [${s.x.shape.join(', ')}]`,
    );
  }
  if (s.t !== undefined) v.indexMatrix(`${name}.t`, s.t, s.x.shape[0], s.x.shape[1]);
  return s;
}

/** Rows of `out` [B, T, O] at the selected steps, in the order of the selection. */
function gather(out: Tensor3, d: SequenceData): { y: Tensor3; yHat: Tensor3; t: IndexMatrix } {
  return { y: d.y, yHat: out, t: d.t ?? stepsOf(d) };
}

function stepsOf(d: SequenceData): IndexMatrix {
  const [b, t] = d.x.shape;
  if (d.last) return { data: Int32Array.from({ length: b }, () => t - 1), shape: [b, 1] };
  const w = d.washout ?? 0;
  const n = t - w;
  const data = new Int32Array(b * n);
  for (let s = 0; s < b; s++) for (let k = 0; k < n; k++) data[s * n + k] = w + k;
  return { data, shape: [b, n] };
}

/** Rows whose largest output (ties: lowest index) is not the target's, as tasks/score.ts counts them. */
function misclassified(p: Float64Array, y: Float64Array, rows: number, outputs: number): number {
  let wrong = 0;
  for (let r = 0; r < rows; r++) if (argmax(p, r * outputs, outputs) !== argmax(y, r * outputs, outputs)) wrong++;
  return wrong;
}

function argmax(a: Float64Array, off: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (a[off + k]! > a[off + best]!) best = k;
  return best;
}

function squaredError(p: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i]! - y[i]!) ** 2;
  return sum;
}

/**
 * Lower validation score first; a tie is broken by the MSE of the readout output (NaN counts
 * as worst), then by the earlier candidate.
 */
export function betterScore(a: { score: number; mse: number }, b: { score: number; mse: number }): boolean {
  const sa = Number.isNaN(a.score) ? Infinity : a.score;
  const sb = Number.isNaN(b.score) ? Infinity : b.score;
  if (sa !== sb) return sa < sb;
  const ma = Number.isNaN(a.mse) ? Infinity : a.mse;
  const mb = Number.isNaN(b.mse) ? Infinity : b.mse;
  return ma < mb;
}

/** A reservoir plus a ridge readout. */
export class Model {
  /** The reservoir (fixed random weights). */
  readonly reservoir: Reservoir;
  /** The readout, created by the first `fit` (or `load`). */
  readout: Ridge | undefined;

  constructor(reservoir: Reservoir | ReservoirConfig) {
    if (reservoir === null || typeof reservoir !== 'object')
      invalidArg('reservoir', 'a Reservoir or a config { kind, options }', reservoir);
    this.reservoir = 'run' in reservoir ? reservoir : createReservoir(reservoir);
  }

  /** The reservoir as plain data. */
  get config(): ReservoirConfig {
    return configOf(this.reservoir);
  }

  /** Trainable parameters of the readout ((features + 1) × outputs), 0 before fitting. */
  get trainableParameters(): number {
    return this.readout ? this.readout.trainableParameters : 0;
  }

  /** Fixed random weights of the reservoir. */
  get fixedParameters(): number {
    return this.reservoir.fixedParameters;
  }

  /**
   * Fits the readout on a task (train split; λ chosen on its valid split) or on data. Runs off
   * the event loop in batches; honours `signal` and reports progress.
   */
  async fit(data: TaskLike | SequenceData, options?: FitOptions): Promise<FitReport>;
  /** ReservoirPy's form: `fit(X, Y, { washout })` with X and Y in any form of {@link TensorLike}. */
  async fit(x: TensorLike, y: TensorLike, options?: ArrayFitOptions): Promise<FitReport>;
  async fit(
    first: TaskLike | SequenceData | TensorLike,
    second?: FitOptions | TensorLike,
    third?: ArrayFitOptions,
  ): Promise<FitReport> {
    const started = Date.now();
    const [data, options] = fitArguments(first, second, third);
    const o = v.options('options', options);
    v.knownKeys('options', o, FIT_OPTION_KEYS);
    const train = checkData(isTask(data) ? data.train : data, 'train');
    const validation =
      o.validation !== undefined
        ? checkData(o.validation, 'options.validation')
        : isTask(data)
          ? checkData(data.valid, 'valid')
          : undefined;
    const classification = o.classification ?? (isTask(data) ? data.classification : false);
    const ridgeList: unknown = o.ridges ?? DEFAULT_RIDGES;
    if (!Array.isArray(ridgeList) || ridgeList.length === 0)
      invalidArg('options.ridges', 'a non-empty array of numbers >= 0', ridgeList);
    const ridges = (ridgeList as unknown[]).map((r, i) => v.number(`options.ridges[${i}]`, r, 0, Number.MAX_VALUE));
    const batch = v.integer('options.batchSize', o.batchSize ?? 256, 1);
    const outputs = train.y.shape[2];
    if (outputs < 1) invalidArg('train.y', 'at least one output per step', train.y.shape);
    // Data-dependent set-up of the architecture (RAN-C's data keys); a custom Reservoir subclass has none.
    if (isArchitecture(this.reservoir.kind))
      architecture(this.reservoir.kind).prepare?.(this.reservoir, train.x, { threads: o.threads });
    const readout = this.reservoir.createReadout(outputs, ridges[0]);
    const [b] = train.x.shape;
    for (let s0 = 0; s0 < b; s0 += batch) {
      const s1 = Math.min(b, s0 + batch);
      const sel = selectionOf(train, 'train');
      const part: Selection =
        typeof sel === 'object' && 'steps' in sel
          ? {
              steps: {
                data: sel.steps.data.subarray(s0 * sel.steps.shape[1], s1 * sel.steps.shape[1]),
                shape: [s1 - s0, sel.steps.shape[1]],
              },
            }
          : sel;
      await this.reservoir.runAsync(sliceBatch(train.x, s0, s1), {
        train: { readout, targets: sliceBatch(train.y, s0, s1), select: part },
        signal: o.signal,
        threads: o.threads,
      });
      o.onProgress?.({ phase: 'train', done: s1, total: b });
    }
    if (readout.rows === 0)
      throw new RanError(ErrorCodes.STATE, 'no training rows were selected: check `t`, `washout` or `last`');
    o.onProgress?.({ phase: 'solve', done: 0, total: 1 });
    const report: FitReport = { ridge: ridges[0]!, rows: readout.rows, milliseconds: 0 };
    if (validation === undefined || ridges.length === 1) {
      await readout.solveAsync(ridges[0]);
    } else {
      const scores = await this.validationScores(readout, validation, ridges, classification, batch, o);
      if (scores.every((v) => v.score === Infinity))
        throw new RanError(
          ErrorCodes.SINGULAR,
          `XᵀX + λI is singular for every candidate λ (${ridges.join(', ')}); add larger ridges`,
        );
      let best = 0;
      scores.forEach((sc, i) => {
        if (betterScore(sc, scores[best]!)) best = i;
      });
      // The decomposition behind the scores is kept by the readout: this is one product.
      readout.setWeights((await readout.sweepAsync([ridges[best]!]))[0]!);
      readout.ridge = ridges[best]!;
      report.ridge = ridges[best]!;
      report.validation = scores;
    }
    this.readout = readout;
    report.milliseconds = Date.now() - started;
    return report;
  }

  /**
   * The readout of an earlier `fit` of the same reservoir config on `train`: its weights and
   * λ, with the architecture's data-dependent set-up (RAN-C's data keys) redone on `train.x`.
   * The model then predicts the same bits as that fitted one, without a second fit (a
   * search scores its chosen trial on test this way).
   * @internal
   */
  useFittedWeights(
    train: SequenceData,
    weights: Float64Array,
    ridge: number,
    options: { threads?: number } = {},
  ): void {
    const x = checkData(train, 'train');
    if (isArchitecture(this.reservoir.kind))
      architecture(this.reservoir.kind).prepare?.(this.reservoir, x.x, { threads: options.threads });
    const readout = this.reservoir.createReadout(x.y.shape[2], ridge);
    readout.setWeights(weights);
    this.readout = readout;
  }

  /**
   * Most predictions that may wait for a free slot (the reservoir's `maxQueued`, default
   * 1024). `predict` and `evaluate` may be called many times at once on one model (as a server
   * does under load): each call starts from a reset state, calls beyond the thread budget wait
   * in arrival order, and a call beyond this bound is refused at once with ERR_RAN_BUSY.
   * Results are the same bits as the same calls made one after another.
   */
  get maxQueued(): number {
    return this.reservoir.maxQueued;
  }

  set maxQueued(n: number) {
    this.reservoir.maxQueued = n;
  }

  /** Outputs [B, T, outputs] at every step. Concurrent calls are allowed (see `maxQueued`). */
  async predict(
    input: TensorLike,
    options: Pick<FitOptions, 'batchSize' | 'threads' | 'signal' | 'onProgress'> = {},
  ): Promise<Tensor3> {
    if (!this.readout?.weights) throw new RanError(ErrorCodes.STATE, 'the model is not fitted: call fit() first');
    const x = v.tensor3('x', toTensor3('x', input), this.reservoir.inputDim);
    return this.predictWith(
      x,
      this.readout,
      v.integer('options.batchSize', options.batchSize ?? 256, 1),
      options,
      'predict',
    );
  }

  /** The STREAM score (error rate or MSE) on data at its prediction steps. */
  async evaluate(
    data: SequenceData,
    classification: boolean,
    options: Pick<FitOptions, 'batchSize' | 'threads' | 'signal'> = {},
  ): Promise<number> {
    const d = checkData(data, 'data');
    if (!this.readout?.weights) throw new RanError(ErrorCodes.STATE, 'the model is not fitted: call fit() first');
    v.tensor3('data.x', d.x, this.reservoir.inputDim);
    // Outputs only at the scored steps: the readout product is skipped everywhere else.
    const out = await this.predictWith(
      d.x,
      this.readout,
      v.integer('options.batchSize', options.batchSize ?? 256, 1),
      options,
      'predict',
      stepsOf(d),
    );
    const g = gather(out, d);
    return score(g.y, g.yHat, g.t, classification);
  }

  /**
   * The validation score of every λ: the validation features are collected at the scored
   * steps (batch by batch) and one native call gives the outputs of every λ from one
   * factorisation of XᵀX (or of the Gram matrix). A λ for which XᵀX + λI is singular scores Infinity.
   */
  private async validationScores(
    readout: Ridge,
    d: SequenceData,
    ridges: readonly number[],
    classification: boolean,
    batch: number,
    o: FitOptions,
  ): Promise<{ ridge: number; score: number; mse: number }[]> {
    const outputs = readout.outputs;
    const queries = new Ridge({ features: readout.features, outputs, rowsOnly: true });
    const totals = ridges.map((ridge) => ({ ridge, squared: 0, wrong: 0, singular: false }));
    let rows = 0;
    const [b] = d.x.shape;
    const sel = selectionOf(d, 'validation');
    for (let s0 = 0; s0 < b; s0 += batch) {
      const s1 = Math.min(b, s0 + batch);
      const part: Selection =
        typeof sel === 'object' && 'steps' in sel
          ? {
              steps: {
                data: sel.steps.data.subarray(s0 * sel.steps.shape[1], s1 * sel.steps.shape[1]),
                shape: [s1 - s0, sel.steps.shape[1]],
              },
            }
          : sel;
      queries.reset();
      await this.reservoir.runAsync(sliceBatch(d.x, s0, s1), {
        train: { readout: queries, targets: sliceBatch(d.y, s0, s1), select: part },
        signal: o.signal,
        threads: o.threads,
      });
      const n = queries.rows;
      if (n > 0) {
        const y = queries.keptRows().y;
        const perRidge = await readout.predictSweepAsync(queries, ridges, { skipSingular: true });
        totals.forEach((total, l) => {
          const p = perRidge[l];
          if (p === undefined) total.singular = true;
          else {
            total.squared += squaredError(p, y);
            if (classification) total.wrong += misclassified(p, y, n, outputs);
          }
        });
        rows += n;
      }
      o.onProgress?.({ phase: 'validate', done: s1, total: b });
    }
    if (rows === 0)
      throw new RanError(ErrorCodes.STATE, 'no validation rows were selected: check `t`, `washout` or `last`');
    // STREAM's scores (tasks/score.ts): error rate over rows, or MSE over every entry.
    return totals.map(({ ridge, squared, wrong, singular }) => {
      if (singular) return { ridge, score: Infinity, mse: Infinity };
      const mse = squared / (rows * outputs);
      return { ridge, score: classification ? wrong / rows : mse, mse };
    });
  }

  private async predictWith(
    x: Tensor3,
    readout: Ridge,
    batch: number,
    o: Pick<FitOptions, 'threads' | 'signal' | 'onProgress'>,
    phase: Progress['phase'],
    steps?: IndexMatrix,
  ): Promise<Tensor3> {
    const [b, t] = x.shape;
    const out = new Float32Array(b * t * readout.outputs);
    for (let s0 = 0; s0 < b; s0 += batch) {
      const s1 = Math.min(b, s0 + batch);
      const n = steps?.shape[1] ?? 0;
      const outputSteps: IndexMatrix | undefined = steps
        ? { data: steps.data.subarray(s0 * n, s1 * n), shape: [s1 - s0, n] }
        : undefined;
      const r = await this.reservoir.runAsync(sliceBatch(x, s0, s1), {
        readout,
        outputSteps,
        signal: o.signal,
        threads: o.threads,
      });
      out.set(r.outputs!.data, s0 * t * readout.outputs);
      o.onProgress?.({ phase, done: s1, total: b });
    }
    return { data: out, shape: [b, t, readout.outputs] };
  }
}
