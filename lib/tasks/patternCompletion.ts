/**
 * Pattern completion: fill in the masked elements of a periodic sequence
 * (spec §3.5 `discrete_pattern_completion`, §3.6 `continuous_pattern_completion`).
 */
import { ErrorCodes, RanError } from '../errors';
import { checkCounts, checkInt, generateSamples, type SampleCounts, type SampleSpec, type TaskData } from './types';

/** Parameters of `continuous_pattern_completion` (reference keyword names). */
export interface ContinuousPatternCompletionParams extends SampleCounts {
  /** Sequence length L. */
  readonly sequence_length: number;
  /** Length B of the repeated base pattern. */
  readonly base_length: number;
  /** Mask ratio ρ_m: `floor(L·ρ_m)` positions are masked. */
  readonly mask_ratio: number;
}

/** Parameters of `discrete_pattern_completion` (reference keyword names). */
export interface DiscretePatternCompletionParams extends ContinuousPatternCompletionParams {
  /** Number of symbols S. */
  readonly n_symbols: number;
}

/** Reference generator defaults of `discrete_pattern_completion`. */
export const DISCRETE_PATTERN_COMPLETION_DEFAULTS: DiscretePatternCompletionParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 1000,
  n_symbols: 8,
  base_length: 5,
  mask_ratio: 0.2,
};

/** Reference generator defaults of `continuous_pattern_completion`. */
export const CONTINUOUS_PATTERN_COMPLETION_DEFAULTS: ContinuousPatternCompletionParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 100,
  base_length: 5,
  mask_ratio: 0.2,
};

function maskCount(L: number, ratio: number): number {
  const m = Math.floor(L * ratio);
  if (!(m >= 0 && m <= L))
    throw new RanError(ErrorCodes.INVALID_ARG, `mask_ratio must be in [0, 1], got ${String(ratio)}`);
  return m;
}

/**
 * `discrete_pattern_completion` (spec §3.5): base pattern `p_j ~ U{0..S−1}`, `q_t = p_{t mod B}`,
 * `floor(L·ρ_m)` distinct masked positions. `X[t] = onehot_{S+1}(a_t)` with the mask token S
 * (last channel) at masked steps; `Y[t] = onehot_S(q_t)` at every step; `T` = the mask
 * positions in draw order (unsorted). Classification.
 */
export function discretePatternCompletion(p: DiscretePatternCompletionParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const S = p.n_symbols;
  const B = p.base_length;
  checkInt('sequence_length', L, 1);
  checkInt('n_symbols', S, 1);
  checkInt('base_length', B, 1);
  const m = maskCount(L, p.mask_ratio);
  const D = S + 1;
  const spec: SampleSpec = {
    steps: L,
    dIn: D,
    dOut: S,
    nT: m,
    write(rng, x, y, t) {
      const base = new Int32Array(B);
      for (let j = 0; j < B; j++) base[j] = rng.integer(S);
      const mask = rng.choose(L, m);
      const masked = new Uint8Array(L);
      for (let k = 0; k < m; k++) {
        const pos = mask[k] as number;
        masked[pos] = 1;
        t[k] = pos;
      }
      for (let i = 0; i < L; i++) {
        const q = base[i % B] as number;
        x[i * D + (masked[i] ? S : q)] = 1;
        y[i * S + q] = 1;
      }
    },
  };
  return generateSamples(spec, p, seed, true);
}

/**
 * `continuous_pattern_completion` (spec §3.6): base pattern `p_j ~ U(0, 1)`,
 * `q_t = p_{t mod B}`, `floor(L·ρ_m)` masked positions where `X[t] = −1`, `q_t` elsewhere;
 * `Y[t] = q_t` at every step; `T` = mask positions (draw order). One channel. Regression.
 */
export function continuousPatternCompletion(p: ContinuousPatternCompletionParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const B = p.base_length;
  checkInt('sequence_length', L, 1);
  checkInt('base_length', B, 1);
  const m = maskCount(L, p.mask_ratio);
  const spec: SampleSpec = {
    steps: L,
    dIn: 1,
    dOut: 1,
    nT: m,
    write(rng, x, y, t) {
      const base = new Float64Array(B);
      for (let j = 0; j < B; j++) base[j] = rng.uniform();
      const mask = rng.choose(L, m);
      for (let i = 0; i < L; i++) {
        const q = base[i % B] as number;
        x[i] = q;
        y[i] = q;
      }
      for (let k = 0; k < m; k++) {
        const pos = mask[k] as number;
        x[pos] = -1;
        t[k] = pos;
      }
    },
  };
  return generateSamples(spec, p, seed, false);
}
