/**
 * Mackey–Glass delay differential equation
 * `dx/dt = β·x(t−τ) / (1 + x(t−τ)^n) − γ·x(t)`, chaotic for the classic τ = 17.
 *
 * Integration: classical fourth-order Runge–Kutta (RK4) with step `dt` (default 0.1 time
 * units, so τ/dt = 170 steps of history); the delayed term at the half steps is the linear
 * interpolation of the two neighbouring history points. The history before t = 0 is the
 * constant `x0`. The series is sampled every `sampleStep` time units (default 1, i.e. every
 * 10 integration steps), after dropping the first `washout` samples.
 */
import { checkForecast, forecastPair, type Dataset, type ForecastOptions } from './types';

/** Options of {@link mackeyGlass}; every field has the classic default. */
export interface MackeyGlassOptions extends ForecastOptions {
  /** Number of (input, target) pairs returned. */
  readonly length: number;
  /** Delay τ (default 17). */
  readonly tau?: number;
  /** β (default 0.2). */
  readonly beta?: number;
  /** γ (default 0.1). */
  readonly gamma?: number;
  /** Exponent n (default 10). */
  readonly n?: number;
  /** RK4 step dt in time units (default 0.1); τ and `sampleStep` must be multiples of it. */
  readonly dt?: number;
  /** Time between returned samples (default 1). */
  readonly sampleStep?: number;
  /** Constant initial history x(t ≤ 0) (default 1.2). */
  readonly x0?: number;
  /** Samples dropped at the start (default 0). */
  readonly washout?: number;
}

import { checkBytes, checkSteps, count, finite, record } from '../bounds';
import { ErrorCodes, RanError } from '../errors';

function stepsOf(name: string, value: number, dt: number): number {
  const k = Math.round(value / dt);
  if (k < 1 || Math.abs(k * dt - value) > 1e-9 * Math.max(1, value)) {
    throw new RanError(ErrorCodes.INVALID_ARG, `${name} (${value}) must be a positive multiple of dt (${dt})`);
  }
  return k;
}

/**
 * A Mackey–Glass series as a forecasting dataset: `x` holds `length` samples (float64
 * integration, returned as float32), `y` the same series `horizon` samples later.
 * Deterministic from the options. `length` and `washout` are integers ≥ 0 with
 * (length + horizon + washout) · sampleStep / dt + τ / dt at most 2^28 integration steps, whose
 * history (8 bytes a step) fits the memory limit (else ERR_RAN_TOO_LARGE).
 */
export function mackeyGlass(options: MackeyGlassOptions): Dataset {
  record('options', options, 'an options object { length, … }');
  const { length, horizon } = checkForecast(options.length, options.horizon);
  return forecastPair(mackeyGlassSeries({ ...options, length: length + horizon }), length, 1, horizon);
}

/** `length` samples of the Mackey–Glass series. */
function mackeyGlassSeries(options: MackeyGlassOptions): Float32Array {
  const { length } = options;
  const tau = options.tau ?? 17;
  const beta = options.beta ?? 0.2;
  const gamma = options.gamma ?? 0.1;
  const n = options.n ?? 10;
  const dt = options.dt ?? 0.1;
  const sampleStep = options.sampleStep ?? 1;
  const x0 = options.x0 ?? 1.2;
  const washout = options.washout ?? 0;
  count('options.length + horizon', length, 0);
  count('options.washout', washout, 0);
  for (const [k, v] of [
    ['beta', beta],
    ['gamma', gamma],
    ['n', n],
    ['x0', x0],
  ] as const)
    finite(`options.${k}`, v);
  finite('options.dt', dt, true);
  const lag = stepsOf('tau', finite('options.tau', tau, true), dt);
  const every = stepsOf('sampleStep', finite('options.sampleStep', sampleStep, true), dt);
  const totalSteps = (length + washout) * every;
  checkSteps('(length + horizon + washout) · sampleStep / dt', totalSteps + lag);
  checkBytes(`a Mackey–Glass series of ${length} samples`, 8 * (lag + totalSteps + 1) + 4 * length);
  // hist[i] = x at time (i − lag)·dt; indices 0..lag are the constant history.
  const hist = new Float64Array(lag + totalSteps + 1).fill(x0);
  const f = (x: number, xd: number): number => (beta * xd) / (1 + Math.pow(xd, n)) - gamma * x;
  const out = new Float32Array(length);
  let o = 0;
  for (let s = 0; s < totalSteps; s++) {
    const i = lag + s; // current index
    const x = hist[i] as number;
    const d0 = hist[i - lag] as number;
    const d1 = hist[i - lag + 1] as number;
    const dh = 0.5 * (d0 + d1);
    const k1 = f(x, d0);
    const k2 = f(x + 0.5 * dt * k1, dh);
    const k3 = f(x + 0.5 * dt * k2, dh);
    const k4 = f(x + dt * k3, d1);
    hist[i + 1] = x + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    if ((s + 1) % every === 0) {
      const sample = (s + 1) / every - 1;
      if (sample >= washout) out[o++] = hist[i + 1] as number;
    }
  }
  return out;
}
