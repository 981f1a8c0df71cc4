/**
 * The statistics of one shard of a fit (docs/scale-out.md): the reservoir runs over the
 * shard's training sequences and accumulates XᵀX and XᵀY (exactly, as hi + lo sums of the
 * per-batch statistics), and over its validation sequences gathers what choosing λ needs:
 * - regression: the validation XᵀX, XᵀY and Σy² (the MSE of any W is a quadratic form of them);
 * - classification: the validation feature rows and targets at the scored steps (an error
 *   rate needs every row's arg max; scored steps are few per sequence in classification).
 */
import { ErrorCodes, RanError } from '../errors';
import type { Model } from '../model/model';
import type { Ridge } from '../readout/ridge';
import type { Reservoir } from '../reservoirs/reservoir';
import type { Split } from '../tasks/types';
import { sliceBatch, type IndexMatrix } from '../tensor';
import { addValues, exactZeros, type ExactSum } from './exact';
import { batchesOf } from './shard';

/** XᵀX [F × F] and XᵀY [F × O] of some rows, as exact sums. */
export interface GramStatistics {
  rows: number;
  xtx: ExactSum;
  xty: ExactSum;
}

/** What choosing λ needs of the validation split. */
export type ValidationStatistics =
  | (GramStatistics & { kind: 'gram'; /** Σ y² per output. */ yy: ExactSum })
  | {
      kind: 'rows';
      rows: number;
      /** Feature rows [rows × F]. */ x: Float64Array;
      /** Targets [rows × O]. */ y: Float64Array;
    };

/** The statistics of one shard (or of the whole data set: shard 0 of 1). */
export interface ShardStatistics {
  features: number;
  outputs: number;
  train: GramStatistics;
  valid: ValidationStatistics;
}

/** Sequences [start, end) of each split, batch size and threads of a shard's run. */
export interface ShardRun {
  train: [number, number];
  valid: [number, number];
  batchSize: number;
  threads?: number;
  classification: boolean;
}

function stepsOf(t: IndexMatrix, s0: number, s1: number): IndexMatrix {
  const n = t.shape[1];
  return { data: t.data.subarray(s0 * n, s1 * n), shape: [s1 - s0, n] };
}

/** Adds the Gram statistics of sequences [start, end) of a split, batch by batch. */
async function accumulateGram(
  model: Model,
  split: Split,
  range: [number, number],
  run: ShardRun,
  onBatch?: (readout: Ridge, s0: number, s1: number) => void,
): Promise<GramStatistics> {
  const res = model.reservoir;
  const outputs = split.y.shape[2];
  const readout = res.createReadout(outputs);
  const out: GramStatistics = {
    rows: 0,
    xtx: exactZeros(res.featureDim * res.featureDim),
    xty: exactZeros(res.featureDim * outputs),
  };
  for (const [s0, s1] of batchesOf(range[0], range[1], run.batchSize)) {
    readout.reset();
    await res.runAsync(sliceBatch(split.x, s0, s1), {
      train: { readout, targets: sliceBatch(split.y, s0, s1), select: { steps: stepsOf(split.t, s0, s1) } },
      threads: run.threads,
    });
    const e = readout.exportStatistics();
    addValues(out.xtx, e.xtx);
    addValues(out.xty, e.xty);
    out.rows += e.rows;
    onBatch?.(readout, s0, s1);
  }
  return out;
}

/** Σ y² per output at the scored steps of sequences [s0, s1). */
function sumSquares(split: Split, s0: number, s1: number): Float64Array {
  const [, t, o] = split.y.shape;
  const n = split.t.shape[1];
  const yy = new Float64Array(o);
  for (let s = s0; s < s1; s++) {
    for (let k = 0; k < n; k++) {
      const at = (s * t + split.t.data[s * n + k]!) * o;
      for (let j = 0; j < o; j++) yy[j] = yy[j]! + split.y.data[at + j]! * split.y.data[at + j]!;
    }
  }
  return yy;
}

/** Feature rows [state, input?, 1] and targets at the scored steps of sequences [start, end). */
async function gatherRows(
  res: Reservoir,
  split: Split,
  range: [number, number],
  run: ShardRun,
): Promise<ValidationStatistics> {
  const [, t, d] = split.x.shape;
  const o = split.y.shape[2];
  const n = split.t.shape[1];
  const f = res.featureDim;
  const size = res.stateSize;
  // The rows are rebuilt from the returned states y: a readout of o is not supported here.
  if (res.describe().populations.some((p) => (p.readoutState ?? 'y') !== 'y'))
    throw new RanError(ErrorCodes.INVALID_ARG, 'scale-out classification needs readoutState "y" (the default)');
  const withInput = f - size - 1 === d;
  const rows = (range[1] - range[0]) * n;
  const x = new Float64Array(rows * f);
  const y = new Float64Array(rows * o);
  // States of every step are returned: the batch is cut so that they stay under 64 MB.
  const batch = Math.max(1, Math.min(run.batchSize, Math.floor((64 * 1024 * 1024) / (4 * t * size))));
  let r = 0;
  for (const [s0, s1] of batchesOf(range[0], range[1], batch)) {
    const states = (await res.runAsync(sliceBatch(split.x, s0, s1), { states: true, threads: run.threads })).states!;
    for (let s = s0; s < s1; s++) {
      for (let k = 0; k < n; k++, r++) {
        const step = split.t.data[s * n + k]!;
        const st = ((s - s0) * t + step) * size;
        for (let j = 0; j < size; j++) x[r * f + j] = states.data[st + j]!;
        if (withInput) for (let j = 0; j < d; j++) x[r * f + size + j] = split.x.data[(s * t + step) * d + j]!;
        x[r * f + f - 1] = 1;
        for (let j = 0; j < o; j++) y[r * o + j] = split.y.data[(s * t + step) * o + j]!;
      }
    }
  }
  return { kind: 'rows', rows, x, y };
}

/** Runs the model's reservoir over a shard of the training and validation splits. */
export async function shardStatistics(
  model: Model,
  train: Split,
  valid: Split,
  run: ShardRun,
): Promise<ShardStatistics> {
  const res = model.reservoir;
  const outputs = train.y.shape[2];
  const trainStats = await accumulateGram(model, train, run.train, run);
  let validStats: ValidationStatistics;
  if (run.classification) {
    validStats = await gatherRows(res, valid, run.valid, run);
  } else {
    const yy = exactZeros(outputs);
    const g = await accumulateGram(model, valid, run.valid, run, (_r, s0, s1) =>
      addValues(yy, sumSquares(valid, s0, s1)),
    );
    validStats = { kind: 'gram', ...g, yy };
  }
  return { features: res.featureDim, outputs, train: trainStats, valid: validStats };
}
