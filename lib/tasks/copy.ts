/**
 * Copy tasks: `simple_copy` (spec §3.8) and `selective_copy` (spec §3.9).
 */
import { ErrorCodes, RanError } from '../errors';
import { checkCounts, checkInt, generateSamples, type SampleCounts, type SampleSpec, type TaskData } from './types';

/** Parameters of `simple_copy` (reference keyword names). */
export interface SimpleCopyParams extends SampleCounts {
  /** Number L of symbols to copy. */
  readonly sequence_length: number;
  /** Delay d between the end of the symbols and the trigger. */
  readonly delay: number;
  /** Number of symbols S. */
  readonly n_symbols: number;
}

/** Parameters of `selective_copy` (reference keyword names). */
export interface SelectiveCopyParams extends SimpleCopyParams {
  /** Number K of marked symbols to reproduce (K < L). */
  readonly n_markers: number;
}

/** Reference generator defaults of `simple_copy`. */
export const SIMPLE_COPY_DEFAULTS: SimpleCopyParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 100,
  delay: 10,
  n_symbols: 8,
};

/** Reference generator defaults of `selective_copy`. */
export const SELECTIVE_COPY_DEFAULTS: SelectiveCopyParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 100,
  delay: 2,
  n_markers: 2,
  n_symbols: 8,
};

/**
 * `simple_copy` (spec §3.8): N = 2L + d + 1, input width S + 1. Symbols one-hot at steps
 * 0..L−1, trigger (channel S) at step L + d; target `Y[L+d+1+k] = onehot_S(c_k)`;
 * `T = [L+d+1, …, 2L+d]`. Classification.
 */
export function simpleCopy(p: SimpleCopyParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const d = p.delay;
  const S = p.n_symbols;
  checkInt('sequence_length', L, 1);
  checkInt('delay', d, 0);
  checkInt('n_symbols', S, 1);
  const N = 2 * L + d + 1;
  const D = S + 1;
  const spec: SampleSpec = {
    steps: N,
    dIn: D,
    dOut: S,
    nT: L,
    write(rng, x, y, t) {
      for (let k = 0; k < L; k++) {
        const c = rng.integer(S);
        x[k * D + c] = 1;
        const step = L + d + 1 + k;
        y[step * S + c] = 1;
        t[k] = step;
      }
      x[(L + d) * D + S] = 1;
    },
  };
  return generateSamples(spec, p, seed, true);
}

/**
 * `selective_copy` (spec §3.9): N = L + d + 1 + K, input width S + 2. Symbols one-hot at
 * steps 0..L−1, marker (channel S) at K distinct sorted positions, trigger (channel S+1)
 * at step L + d; target `Y[L+d+1+j]` = the j-th marked symbol; `T = [L+d+1, …, L+d+K]`.
 * Classification.
 */
export function selectiveCopy(p: SelectiveCopyParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const d = p.delay;
  const K = p.n_markers;
  const S = p.n_symbols;
  checkInt('sequence_length', L, 1);
  checkInt('delay', d, 0);
  checkInt('n_symbols', S, 1);
  checkInt('n_markers', K, 0);
  if (K >= L)
    throw new RanError(ErrorCodes.INVALID_ARG, `n_markers (${K}) must be smaller than sequence_length (${L})`);
  const N = L + d + 1 + K;
  const D = S + 2;
  const spec: SampleSpec = {
    steps: N,
    dIn: D,
    dOut: S,
    nT: K,
    write(rng, x, y, t) {
      const c = new Int32Array(L);
      for (let i = 0; i < L; i++) {
        c[i] = rng.integer(S);
        x[i * D + (c[i] as number)] = 1;
      }
      const marks = rng.choose(L, K).sort((a, b) => a - b);
      for (let j = 0; j < K; j++) {
        const pos = marks[j] as number;
        x[pos * D + S] = 1;
        const step = L + d + 1 + j;
        y[step * S + (c[pos] as number)] = 1;
        t[j] = step;
      }
      x[(L + d) * D + S + 1] = 1;
    },
  };
  return generateSamples(spec, p, seed, true);
}
