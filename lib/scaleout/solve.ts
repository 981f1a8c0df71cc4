/**
 * A model from (merged) statistics: the readout solved for each candidate λ from the training
 * XᵀX and XᵀY, λ chosen on the validation statistics by `Model.fit`'s rule (`betterScore`:
 * lowest validation score, ties to the lowest validation MSE, then to the first candidate; a
 * singular λ is skipped).
 */
import { ErrorCodes, RanError } from '../errors';
import type { ReservoirConfig } from '../model/config';
import { Model, betterScore } from '../model/model';
import { score } from '../tasks/score';
import { roundExact } from './exact';
import type { ShardStatistics, ValidationStatistics } from './statistics';

/** What the solve found. */
export interface SolveReport {
  ridge: number;
  /** Validation score and MSE of each candidate (absent with one λ). */
  validation?: { ridge: number; score: number; mse: number }[];
  rows: number;
}

/** MSE over every scored entry of W [F × O], from validation Gram statistics (rounded once). */
function gramMse(
  v: Extract<ValidationStatistics, { kind: 'gram' }>,
  f: number,
  o: number,
): (w: Float64Array) => number {
  const xtx = roundExact(v.xtx);
  const xty = roundExact(v.xty);
  const yy = roundExact(v.yy);
  return (w) => {
    let sse = 0;
    for (let j = 0; j < o; j++) {
      let quad = 0;
      let cross = 0;
      for (let a = 0; a < f; a++) {
        let row = 0;
        for (let b = 0; b < f; b++) row += xtx[a * f + b]! * w[b * o + j]!;
        quad += w[a * o + j]! * row;
        cross += w[a * o + j]! * xty[a * o + j]!;
      }
      sse += yy[j]! - 2 * cross + quad;
    }
    // Rounding can take a near-perfect fit's error slightly below zero.
    return Math.max(0, sse) / (v.rows * o);
  };
}

/** Error rate and MSE of W on the validation rows, outputs rounded to float32 as a run returns them. */
function rowsScore(
  v: Extract<ValidationStatistics, { kind: 'rows' }>,
  w: Float64Array,
  f: number,
  o: number,
): { score: number; mse: number } {
  const yHat = new Float32Array(v.rows * o);
  for (let r = 0; r < v.rows; r++) {
    for (let j = 0; j < o; j++) {
      let acc = 0;
      for (let a = 0; a < f; a++) acc += v.x[r * f + a]! * w[a * o + j]!;
      yHat[r * o + j] = acc;
    }
  }
  const t = { data: Int32Array.from({ length: v.rows }, (_, i) => i), shape: [1, v.rows] as [number, number] };
  const y = { data: Float32Array.from(v.y), shape: [1, v.rows, o] as [number, number, number] };
  const out = { data: yHat, shape: [1, v.rows, o] as [number, number, number] };
  return { score: score(y, out, t, true), mse: score(y, out, t, false) };
}

/** The validation score and MSE of weights W [F × O]: MSE twice (regression), or error rate and MSE (classification). */
export function validationScorer(
  v: ValidationStatistics,
  f: number,
  o: number,
): (w: Float64Array) => { score: number; mse: number } {
  if (v.kind === 'rows') return (w) => rowsScore(v, w, f, o);
  const mse = gramMse(v, f, o);
  return (w) => {
    const m = mse(w);
    return { score: m, mse: m };
  };
}

/** Builds the model of `config` with the readout solved from `stats`, λ among `ridges`. */
export async function solveStatistics(
  config: ReservoirConfig,
  stats: ShardStatistics,
  ridges: readonly number[],
): Promise<{ model: Model; report: SolveReport }> {
  const model = new Model(config);
  const { features: f, outputs: o } = stats;
  if (stats.train.rows === 0)
    throw new RanError(ErrorCodes.STATE, 'no training rows were accumulated: every shard was empty');
  const readout = model.reservoir.createReadout(o, ridges[0]);
  readout.importStatistics({
    features: f,
    outputs: o,
    rows: stats.train.rows,
    xtx: roundExact(stats.train.xtx),
    xty: roundExact(stats.train.xty),
  });
  const report: SolveReport = { ridge: ridges[0]!, rows: stats.train.rows };
  if (ridges.length === 1 || stats.valid.rows === 0) {
    await readout.solveAsync(ridges[0]);
  } else {
    const solved = await readout.sweepAsync(ridges, { skipSingular: true });
    if (solved.every((w) => w === undefined))
      throw new RanError(
        ErrorCodes.SINGULAR,
        `XᵀX + λI is singular for every candidate λ (${ridges.join(', ')}); add larger ridges`,
      );
    const scoreOf = validationScorer(stats.valid, f, o);
    const scores = ridges.map((ridge, l) => ({
      ridge,
      ...(solved[l] === undefined ? { score: Infinity, mse: Infinity } : scoreOf(solved[l])),
    }));
    let best = 0;
    scores.forEach((s, i) => {
      if (betterScore(s, scores[best]!)) best = i;
    });
    readout.setWeights(solved[best]!);
    readout.ridge = ridges[best]!;
    report.ridge = ridges[best]!;
    report.validation = scores;
  }
  model.readout = readout;
  return { model, report };
}
