/**
 * Postcasting tasks: recall what was seen `delay` steps ago, at every step from then on
 * (spec §3.3 `discrete_postcasting`, §3.4 `continuous_postcasting`).
 */
import { ErrorCodes, RanError } from '../errors';
import { checkCounts, checkInt, generateSamples, type SampleCounts, type SampleSpec, type TaskData } from './types';

/** Parameters of `continuous_postcasting` (reference keyword names). */
export interface ContinuousPostcastingParams extends SampleCounts {
  /** Sequence length L. */
  readonly sequence_length: number;
  /** Delay d. */
  readonly delay: number;
}

/** Parameters of `discrete_postcasting` (reference keyword names). */
export interface DiscretePostcastingParams extends ContinuousPostcastingParams {
  /** Number of symbols S. */
  readonly n_symbols: number;
}

/** Reference generator defaults of `discrete_postcasting`. */
export const DISCRETE_POSTCASTING_DEFAULTS: DiscretePostcastingParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 1000,
  delay: 10,
  n_symbols: 8,
};

/** Reference generator defaults of `continuous_postcasting`. */
export const CONTINUOUS_POSTCASTING_DEFAULTS: ContinuousPostcastingParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 1000,
  delay: 10,
};

/**
 * `discrete_postcasting` (spec §3.3): `c_t ~ U{0..S−1}` i.i.d., `X[t] = onehot_S(c_t)`,
 * `Y[t] = onehot_S(c_{t−d})` for t ≥ d (zero rows before), `T = [d, …, L−1]`.
 * Shapes [B, L, S] / [B, L, S] / [B, L − d]. Classification.
 */
export function discretePostcasting(p: DiscretePostcastingParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const d = p.delay;
  const S = p.n_symbols;
  checkInt('sequence_length', L, 1);
  checkInt('n_symbols', S, 1);
  checkInt('delay', d, 0);
  if (d >= L) throw new RanError(ErrorCodes.INVALID_ARG, `delay (${d}) must be smaller than sequence_length (${L})`);
  const spec: SampleSpec = {
    steps: L,
    dIn: S,
    dOut: S,
    nT: L - d,
    write(rng, x, y, t) {
      const c = new Int32Array(L);
      for (let i = 0; i < L; i++) {
        c[i] = rng.integer(S);
        x[i * S + (c[i] as number)] = 1;
      }
      for (let i = d; i < L; i++) {
        y[i * S + (c[i - d] as number)] = 1;
        t[i - d] = i;
      }
    },
  };
  return generateSamples(spec, p, seed, true);
}

/**
 * `continuous_postcasting` (spec §3.4): `u_t ~ U(−0.8, 0.8)` i.i.d., `X[t] = u_t`,
 * `Y[t] = u_{t−d}` for t ≥ d (0 before), `T = [d, …, L−1]`. One channel. Regression.
 */
export function continuousPostcasting(p: ContinuousPostcastingParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  const d = p.delay;
  checkInt('sequence_length', L, 1);
  checkInt('delay', d, 0);
  if (d >= L) throw new RanError(ErrorCodes.INVALID_ARG, `delay (${d}) must be smaller than sequence_length (${L})`);
  const spec: SampleSpec = {
    steps: L,
    dIn: 1,
    dOut: 1,
    nT: L - d,
    write(rng, x, y, t) {
      for (let i = 0; i < L; i++) x[i] = rng.uniformIn(-0.8, 0.8);
      for (let i = d; i < L; i++) {
        y[i] = x[i - d] as number;
        t[i - d] = i;
      }
    },
  };
  return generateSamples(spec, p, seed, false);
}
