/**
 * The Lorenz system `dx/dt = σ(y − x)`, `dy/dt = ρx − y − xz`, `dz/dt = xy − βz` with the
 * standard σ = 10, ρ = 28, β = 8/3, integrated by classical fourth-order Runge–Kutta (RK4)
 * with step dt = 0.01 (default). Not STREAM's `chaotic_forecasting` series, which uses
 * forward Euler and β = 2.667 (see `lib/tasks/forecasting.ts`).
 */
import { checkBytes, checkSteps, count, finite, record } from '../bounds';
import { invalidArg } from '../errors';
import type { Tensor3 } from '../tensor';
import { checkForecast, forecastPair, type Dataset, type ForecastOptions } from './types';

/** Options of {@link lorenz}. */
export interface LorenzOptions extends ForecastOptions {
  /** Number of (input, target) pairs returned. */
  readonly length: number;
  /** RK4 step (default 0.01). */
  readonly dt?: number;
  /** Integration steps between returned samples (default 1). */
  readonly sampleEvery?: number;
  /** Samples dropped at the start, to leave the initial transient (default 0). */
  readonly washout?: number;
  /** Initial state (default [1, 1, 1]). */
  readonly initial?: readonly [number, number, number];
  /** σ (default 10). */
  readonly sigma?: number;
  /** ρ (default 28). */
  readonly rho?: number;
  /** β (default 8/3). */
  readonly beta?: number;
}

/**
 * A Lorenz trajectory as a forecasting dataset: `x` is [1, length, 3] (channels x, y, z, raw
 * units; the first sample is the initial state when `washout` is 0), `y` the trajectory
 * `horizon` samples later. Deterministic from the options. `length`, `washout` (≥ 0) and
 * `sampleEvery` (≥ 1) are integers with (washout + length + horizon) · sampleEvery at most 2^28
 * integration steps, and the series within the memory limit (else ERR_RAN_TOO_LARGE).
 */
export function lorenz(options: LorenzOptions): Dataset {
  record('options', options, 'an options object { length, … }');
  const { length, horizon } = checkForecast(options.length, options.horizon);
  return forecastPair(lorenzTrajectory({ ...options, length: length + horizon }).data, length, 3, horizon);
}

/** `length` samples of the trajectory, [1, length, 3]. */
function lorenzTrajectory(options: LorenzOptions): Tensor3 {
  const { length } = options;
  const dt = options.dt ?? 0.01;
  const every = options.sampleEvery ?? 1;
  const washout = options.washout ?? 0;
  const sigma = options.sigma ?? 10;
  const rho = options.rho ?? 28;
  const beta = options.beta ?? 8 / 3;
  count('options.length + horizon', length, 0);
  count('options.sampleEvery', every, 1);
  count('options.washout', washout, 0);
  for (const [k, v] of [
    ['dt', dt],
    ['sigma', sigma],
    ['rho', rho],
    ['beta', beta],
  ] as const)
    finite(`options.${k}`, v, k === 'dt');
  const initial = options.initial ?? [1, 1, 1];
  if (
    !Array.isArray(initial) ||
    initial.length !== 3 ||
    !initial.every((c) => typeof c === 'number' && Number.isFinite(c))
  )
    invalidArg('options.initial', 'three finite numbers [x, y, z]', initial);
  checkSteps('(washout + length + horizon) · sampleEvery', (washout + length) * every);
  checkBytes(`a Lorenz trajectory of ${length} samples`, 12 * length);
  let [x, y, z] = initial;
  const f = (a: number, b: number, c: number): [number, number, number] => [
    sigma * (b - a),
    rho * a - b - a * c,
    a * b - beta * c,
  ];
  const out = new Float32Array(length * 3);
  for (let s = 0; s < washout + length; s++) {
    if (s >= washout) {
      const o = (s - washout) * 3;
      out[o] = x;
      out[o + 1] = y;
      out[o + 2] = z;
    }
    for (let k = 0; k < every; k++) {
      const [a1, b1, c1] = f(x, y, z);
      const [a2, b2, c2] = f(x + 0.5 * dt * a1, y + 0.5 * dt * b1, z + 0.5 * dt * c1);
      const [a3, b3, c3] = f(x + 0.5 * dt * a2, y + 0.5 * dt * b2, z + 0.5 * dt * c2);
      const [a4, b4, c4] = f(x + dt * a3, y + dt * b3, z + dt * c3);
      x += (dt / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
      y += (dt / 6) * (b1 + 2 * b2 + 2 * b3 + b4);
      z += (dt / 6) * (c1 + 2 * c2 + 2 * c3 + c4);
    }
  }
  return { data: out, shape: [1, length, 3] };
}
