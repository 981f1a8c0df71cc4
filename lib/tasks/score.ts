/** STREAM's `compute_score` (spec §1.5). Lower is better for every task. */
import { ErrorCodes, RanError, invalidArg } from '../errors';
import type { IndexMatrix, Tensor3 } from '../tensor';
import { isTypedArray, tensor3 } from '../validate';

/** Score categories: SB/EST's boolean flag or SD's `category` string. */
export type ScoreCategory = 'classification' | 'regression' | 'multi_classification';

/** Options of {@link score}. */
export interface ScoreOptions {
  /** Threshold on sigmoid(output) for `multi_classification` (default 0.5, i.e. output ≥ 0). */
  readonly threshold?: number;
}

function argmax(a: Float32Array, off: number, n: number): number {
  let best = 0;
  let bv = a[off] as number;
  for (let k = 1; k < n; k++) {
    const v = a[off + k] as number;
    if (v > bv) {
      bv = v;
      best = k;
    }
  }
  return best;
}

/**
 * Scores `yHat` against `y` at the prediction steps `t` (spec §1.5):
 * - classification (`true` / `'classification'`): error rate `1 − accuracy` over all
 *   (sample, step) pairs, class = index of the largest entry, ties → lowest index (an
 *   all-zero row predicts class 0);
 * - regression (`false` / `'regression'`): mean of (ŷ − y)² over all B·n_T·D_out entries;
 * - `'multi_classification'` (SD): per-bit error, predicted bit = sigmoid(ŷ) ≥ threshold
 *   (default 0.5, i.e. ŷ ≥ 0), target bit = y ≥ 0.5.
 *
 * @param y targets [B, N, D_out]
 * @param yHat model outputs, same shape
 * @param t prediction steps [B, n_T], each in [0, N)
 * @param classification the task's flag or SD category
 * @throws RanError (ERR_RAN_SHAPE, ERR_RAN_INVALID_ARG) on malformed or mismatched shapes or out-of-range steps
 */
export function score(
  y: Tensor3,
  yHat: Tensor3,
  t: IndexMatrix,
  classification: boolean | ScoreCategory,
  options: ScoreOptions = {},
): number {
  tensor3('y', y);
  tensor3('yHat', yHat);
  if (
    t === null ||
    typeof t !== 'object' ||
    !isTypedArray(t.data, 'Int32Array') ||
    !Array.isArray(t.shape) ||
    t.shape.length !== 2
  ) {
    invalidArg('t', 'an index matrix { data: Int32Array, shape: [B, n_T] }', t);
  }
  if (!Number.isInteger(t.shape[1]) || t.shape[1] < 0 || t.data.length !== t.shape[0] * t.shape[1]) {
    throw new RanError(
      ErrorCodes.SHAPE,
      `\`t.data\` has ${t.data.length} values, shape [${String(t.shape)}] needs their product`,
    );
  }
  const [B, N, D] = y.shape;
  if (yHat.shape[0] !== B || yHat.shape[1] !== N || yHat.shape[2] !== D) {
    throw new RanError(
      ErrorCodes.SHAPE,
      `yHat shape [${yHat.shape.join(', ')}] differs from y shape [${y.shape.join(', ')}]`,
    );
  }
  const [tb, nT] = t.shape;
  if (tb !== B) throw new RanError(ErrorCodes.SHAPE, `T has ${tb} rows but y has ${B} samples`);
  if (B === 0 || nT === 0 || D === 0)
    throw new RanError(ErrorCodes.SHAPE, 'nothing to score (empty batch, T or output)');
  for (let i = 0; i < t.data.length; i++) {
    const s = t.data[i] as number;
    if (s < 0 || s >= N) throw new RanError(ErrorCodes.INVALID_ARG, `prediction step ${s} outside [0, ${N})`);
  }
  const category: ScoreCategory =
    typeof classification === 'boolean' ? (classification ? 'classification' : 'regression') : classification;
  const yd = y.data;
  const pd = yHat.data;
  if (category === 'classification') {
    let correct = 0;
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < nT; k++) {
        const off = (b * N + (t.data[b * nT + k] as number)) * D;
        if (argmax(pd, off, D) === argmax(yd, off, D)) correct++;
      }
    }
    return 1 - correct / (B * nT);
  }
  if (category === 'regression') {
    let sum = 0;
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < nT; k++) {
        const off = (b * N + (t.data[b * nT + k] as number)) * D;
        for (let d = 0; d < D; d++) {
          const e = (pd[off + d] as number) - (yd[off + d] as number);
          sum += e * e;
        }
      }
    }
    return sum / (B * nT * D);
  }
  if (category === 'multi_classification') {
    const threshold = options?.threshold ?? 0.5;
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1))
      invalidArg('options.threshold', 'a number in [0, 1]', threshold);
    let same = 0;
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < nT; k++) {
        const off = (b * N + (t.data[b * nT + k] as number)) * D;
        for (let d = 0; d < D; d++) {
          const p = pd[off + d] as number;
          const bit = threshold === 0.5 ? p >= 0 : 1 / (1 + Math.exp(-p)) >= threshold;
          if (bit === (yd[off + d] as number) >= 0.5) same++;
        }
      }
    }
    return 1 - same / (B * nT * D);
  }
  throw new RanError(ErrorCodes.INVALID_ARG, `unknown score category "${String(category)}"`);
}
