/**
 * NARMA-10 (Atiya & Parlos 2000; the reservoir-computing standard):
 * `y(t+1) = 0.3·y(t) + 0.05·y(t)·Σ_{i=0}^{9} y(t−i) + 1.5·u(t−9)·u(t) + 0.1`,
 * input `u(t) ~ U(0, 0.5)` i.i.d. drawn from the seeded {@link Random}, y = 0 before t = 0
 * and u = 0 before t = 0. A discrete map: no integration step.
 */
import { checkBytes, checkSteps, count, record } from '../bounds';
import { ErrorCodes, RanError } from '../errors';
import { Random } from '../random';
import type { Dataset } from './types';

/** Options of {@link narma10}. */
export interface NarmaOptions {
  /** Number of (input, target) pairs returned. */
  readonly length: number;
  /** Seed of the input stream (default 0). */
  readonly seed?: number;
  /** Initial pairs dropped (default 0; 200 or more removes the start-up transient). */
  readonly washout?: number;
  /** Order of the system (default 10). */
  readonly order?: number;
}

/**
 * A NARMA series as a dataset, deterministic from `seed`: `x` [1, length, 1] holds the inputs
 * u(t), `y` [1, length, 1] the targets y(t+1), computed from u(0..t) (a causal model can
 * predict `y` at step t). `length`, `washout` (≥ 0) and `order` (≥ 1) are integers with
 * (length + washout) · order at most 2^28 and the series within the memory limit (else
 * ERR_RAN_TOO_LARGE).
 * @throws RanError (ERR_RAN_NOT_FINITE) if the recurrence diverges (it very rarely does for order 10 with U(0, 0.5) inputs)
 */
export function narma10(options: NarmaOptions): Dataset {
  record('options', options, 'an options object { length, … }');
  const { length } = options;
  const washout = options.washout ?? 0;
  const order = options.order ?? 10;
  count('options.length', length, 0);
  count('options.washout', washout, 0);
  count('options.order', order, 1);
  const rng = new Random(options.seed ?? 0);
  const total = length + washout;
  checkSteps('(length + washout) · order', total * order);
  checkBytes(`a NARMA series of ${total} steps`, 16 * total + 8 * length);
  const u = new Float64Array(total);
  for (let t = 0; t < total; t++) u[t] = rng.uniformIn(0, 0.5);
  const y = new Float64Array(total + 1);
  for (let t = 0; t < total; t++) {
    let sum = 0;
    for (let i = 0; i < order && t - i >= 0; i++) sum += y[t - i] as number;
    const uLag = t - (order - 1) >= 0 ? (u[t - (order - 1)] as number) : 0;
    const yt = y[t] as number;
    const next = 0.3 * yt + 0.05 * yt * sum + 1.5 * uLag * (u[t] as number) + 0.1;
    if (!Number.isFinite(next) || Math.abs(next) > 1e6)
      throw new RanError(ErrorCodes.NOT_FINITE, `NARMA-${order} diverged at step ${t} (seed ${options.seed ?? 0})`);
    y[t + 1] = next;
  }
  return {
    x: { data: new Float32Array(u.subarray(washout)), shape: [1, length, 1] },
    y: { data: new Float32Array(y.subarray(washout + 1)), shape: [1, length, 1] },
  };
}
