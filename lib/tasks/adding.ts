/** `adding_problem` (spec §3.10): add the two marked numbers, as a classification over sums. */
import { checkCounts, checkInt, generateSamples, type SampleCounts, type SampleSpec, type TaskData } from './types';

/** Parameters of `adding_problem` (reference keyword names). */
export interface AddingProblemParams extends SampleCounts {
  /** Number L of numbers in the sequence. */
  readonly sequence_length: number;
  /** Largest number M (numbers range over 1..M, code a = number − 1). */
  readonly max_number: number;
}

/** Reference generator defaults of `adding_problem`. */
export const ADDING_PROBLEM_DEFAULTS: AddingProblemParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 100,
  max_number: 9,
};

/**
 * `adding_problem` (spec §3.10): N = L + 2, input width M + 2 (codes one-hot on 0..M−1,
 * marker channel M at the two chosen steps, trigger channel M+1 at step L), target width
 * 2M − 1 with `onehot(s − 2)` at step L + 1, `T = [L+1]`. Classification.
 */
export function addingProblem(p: AddingProblemParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const M = p.max_number;
  checkInt('sequence_length', L, 2);
  checkInt('max_number', M, 1);
  const N = L + 2;
  const D = M + 2;
  const Dout = 2 * M - 1;
  const spec: SampleSpec = {
    steps: N,
    dIn: D,
    dOut: Dout,
    nT: 1,
    write(rng, x, y, t) {
      const a = new Int32Array(L);
      for (let i = 0; i < L; i++) {
        a[i] = rng.integer(M);
        x[i * D + (a[i] as number)] = 1;
      }
      const [i, j] = rng.choose(L, 2) as [number, number];
      x[i * D + M] = 1;
      x[j * D + M] = 1;
      x[L * D + M + 1] = 1;
      const sum = (a[i] as number) + 1 + (a[j] as number) + 1;
      y[(L + 1) * Dout + (sum - 2)] = 1;
      t[0] = L + 1;
    },
  };
  return generateSamples(spec, p, seed, true);
}
