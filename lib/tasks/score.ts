/** STREAM's `compute_score` (spec §1.5). Lower is better for every task. */
import type { IndexMatrix, Tensor3 } from '../tensor';

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
 * @throws RangeError on mismatched shapes or out-of-range steps
 */
export function score(
  y: Tensor3,
  yHat: Tensor3,
  t: IndexMatrix,
  classification: boolean | ScoreCategory,
  options: ScoreOptions = {},
): number {
  const [B, N, D] = y.shape;
  if (yHat.shape[0] !== B || yHat.shape[1] !== N || yHat.shape[2] !== D) {
    throw new RangeError(`yHat shape [${yHat.shape.join(', ')}] differs from y shape [${y.shape.join(', ')}]`);
  }
  const [tb, nT] = t.shape;
  if (tb !== B) throw new RangeError(`T has ${tb} rows but y has ${B} samples`);
  if (B === 0 || nT === 0 || D === 0) throw new RangeError('nothing to score (empty batch, T or output)');
  for (let i = 0; i < t.data.length; i++) {
    const s = t.data[i] as number;
    if (s < 0 || s >= N) throw new RangeError(`prediction step ${s} outside [0, ${N})`);
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
    const threshold = options.threshold ?? 0.5;
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
  throw new RangeError(`unknown score category "${String(category)}"`);
}
