/** `sorting_problem` (spec §3.11): output the symbols in the order given by their position tags. */
import { checkCounts, checkInt, generateSamples, type SampleCounts, type SampleSpec, type TaskData } from './types';

/** Parameters of `sorting_problem` (reference keyword names). */
export interface SortingProblemParams extends SampleCounts {
  /** Number L of symbols to sort. */
  readonly sequence_length: number;
  /** Number of symbols S. */
  readonly n_symbols: number;
}

/** Reference generator defaults of `sorting_problem`. */
export const SORTING_PROBLEM_DEFAULTS: SortingProblemParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 100,
  n_symbols: 8,
};

/**
 * `sorting_problem` (spec §3.11): N = 2L + 1, input width S + L + 1. Step t < L carries
 * `onehot(c_t)` on channels 0..S−1 and the tag `π_t` on channel S + π_t; trigger channel
 * S + L at step L; target `Y[L+1+π_t] = onehot_S(c_t)`; `T = [L+1, …, 2L]`. Classification.
 */
export function sortingProblem(p: SortingProblemParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const S = p.n_symbols;
  checkInt('sequence_length', L, 1);
  checkInt('n_symbols', S, 1);
  const N = 2 * L + 1;
  const D = S + L + 1;
  const spec: SampleSpec = {
    steps: N,
    dIn: D,
    dOut: S,
    nT: L,
    write(rng, x, y, t) {
      const c = new Int32Array(L);
      for (let i = 0; i < L; i++) c[i] = rng.integer(S);
      const perm = rng.permutation(L);
      for (let i = 0; i < L; i++) {
        const ci = c[i] as number;
        const tag = perm[i] as number;
        x[i * D + ci] = 1;
        x[i * D + S + tag] = 1;
        y[(L + 1 + tag) * S + ci] = 1;
      }
      x[L * D + S + L] = 1;
      for (let k = 0; k < L; k++) t[k] = L + 1 + k;
    },
  };
  return generateSamples(spec, p, seed, true);
}
