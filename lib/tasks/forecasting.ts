/**
 * Single-series STREAM tasks: `sinus_forecasting` (spec §3.1) and `chaotic_forecasting`
 * (spec §3.2), split into nested prefixes as in spec §1.4. Both are deterministic.
 */
import { checkBytes, count, record } from '../bounds';
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { isTypedArray } from '../validate';
import { checkInt, range, type Split, type TaskData } from './types';

/** Parameters of the two forecasting tasks (reference keyword names). */
export interface ForecastingParams {
  /** Series length L. */
  readonly sequence_length: number;
  /** Forecast horizon h (steps ahead). */
  readonly forecast_length: number;
  /** Training ratio r_tr. */
  readonly training_ratio: number;
  /** Validation ratio r_va. */
  readonly validation_ratio: number;
  /** Testing ratio r_te; only used in the sum check (spec §5, defect 2). */
  readonly testing_ratio: number;
}

/** Generator defaults of the reference (used only when a config omits a parameter). */
export const FORECASTING_DEFAULTS: ForecastingParams = {
  sequence_length: 1000,
  forecast_length: 1,
  training_ratio: 0.8,
  validation_ratio: 0.1,
  testing_ratio: 0.1,
};

/**
 * Splits one series into the nested train / valid / test prefixes of spec §1.4.
 *
 * @param x input series, `L·D` values row-major ([L, D])
 * @param y target series, same layout
 * @param dim number of channels D
 * @param p the forecasting parameters (L, h and the ratios)
 * @throws Error when `r_tr + r_te + r_va !== 1` in float64 (exact check, as the reference)
 */
export function splitSeries(x: Float32Array, y: Float32Array, dim: number, p: ForecastingParams): TaskData {
  checkForecasting(p);
  count('dim', dim, 1);
  const L = p.sequence_length;
  const h = p.forecast_length;
  if (!isTypedArray(x, 'Float32Array')) invalidArg('x', 'a Float32Array', x);
  if (!isTypedArray(y, 'Float32Array')) invalidArg('y', 'a Float32Array', y);
  if (x.length < L * dim || y.length < L * dim)
    throw new RanError(
      ErrorCodes.SHAPE,
      `\`x\` and \`y\` need sequence_length · dim = ${L * dim} values, got ${x.length} and ${y.length}`,
    );
  for (const k of ['training_ratio', 'validation_ratio', 'testing_ratio'] as const) {
    if (typeof p[k] !== 'number' || !(p[k] >= 0 && p[k] <= 1)) invalidArg(k, 'a number in [0, 1]', p[k]);
  }
  // Exact float64 check, summed in the reference's order (train + test + valid).
  if (p.training_ratio + p.testing_ratio + p.validation_ratio !== 1) {
    throw new RanError(
      ErrorCodes.INVALID_ARG,
      `training_ratio + testing_ratio + validation_ratio must equal 1 exactly (float64), got ` +
        `${p.training_ratio} + ${p.testing_ratio} + ${p.validation_ratio} = ` +
        `${p.training_ratio + p.testing_ratio + p.validation_ratio}`,
    );
  }
  const nTr = Math.floor(L * p.training_ratio);
  const nVa = Math.floor(L * (p.training_ratio + p.validation_ratio));
  const part = (n: number, t: Int32Array): Split => ({
    x: { data: x.slice(0, n * dim), shape: [1, n, dim] },
    y: { data: y.slice(0, n * dim), shape: [1, n, dim] },
    t: { data: t, shape: [1, t.length] },
  });
  return {
    classification: false,
    train: part(nTr, range(h, nTr)),
    valid: part(nVa, range(nTr, nVa)),
    test: part(L, range(nVa, L)),
  };
}

function checkForecasting(p: ForecastingParams): void {
  record('params', p, 'an object of task parameters');
  checkInt('sequence_length', p.sequence_length, 1);
  checkInt('forecast_length', p.forecast_length, 0);
  // The series of L + h points in float64, then x and y in float32 and their three prefixes.
  checkBytes(
    `a series of ${p.sequence_length + p.forecast_length} points`,
    8 * 3 * (p.sequence_length + p.forecast_length) + 4 * 3 * 8 * p.sequence_length,
  );
}

/**
 * The frequency-modulated sine of spec §3.1, `n = L + h` points:
 * `s_k = sin(2π·10·t_k + sin(2π·0.5·t_k))` on `t_k = k·step`, `step = (n/100)/(n−1)`,
 * the last point exactly `n/100` (as `numpy.linspace(0, n/100, n)`). `n`: an integer in
 * [0, 2^31 − 1] whose 8·n bytes fit the memory limit (else ERR_RAN_TOO_LARGE).
 */
export function sinusSeries(n: number): Float64Array {
  count('n', n, 0);
  checkBytes(`a series of ${n} points`, 8 * n);
  const stop = n / 100;
  const s = new Float64Array(n);
  const step = n > 1 ? stop / (n - 1) : 0;
  for (let k = 0; k < n; k++) {
    const t = k === n - 1 && n > 1 ? stop : k * step;
    s[k] = Math.sin(2 * Math.PI * 10 * t + Math.sin(2 * Math.PI * 0.5 * t));
  }
  return s;
}

/**
 * `sinus_forecasting` (spec §3.1): input `x[k] = s_k`, target `y[k] = s_{k+h}`,
 * k = 0..L−1, one channel, regression. Deterministic (no seed).
 */
export function sinusForecasting(params: ForecastingParams): TaskData {
  checkForecasting(params);
  const L = params.sequence_length;
  const h = params.forecast_length;
  const s = sinusSeries(L + h);
  const x = new Float32Array(L);
  const y = new Float32Array(L);
  for (let k = 0; k < L; k++) {
    x[k] = s[k] as number;
    y[k] = s[k + h] as number;
  }
  return splitSeries(x, y, 1, params);
}

/** σ of STREAM's Lorenz system. */
export const STREAM_LORENZ_SIGMA = 10;
/** ρ of STREAM's Lorenz system. */
export const STREAM_LORENZ_RHO = 28;
/** β of STREAM's Lorenz system: 2.667, not exactly 8/3 (spec §5, defect 3). */
export const STREAM_LORENZ_BETA = 2.667;
/** Euler step of STREAM's Lorenz system. */
export const STREAM_LORENZ_DT = 0.01;

/**
 * The raw STREAM Lorenz trajectory (spec §3.2): forward Euler, dt = 0.01, σ = 10, ρ = 28,
 * β = 2.667, from (0, 1, 1.05); `n` points, v_0 the initial condition; [n, 3] row-major.
 * `n`: an integer in [0, 2^31 − 1] whose 24·n bytes fit the memory limit (else ERR_RAN_TOO_LARGE).
 */
export function streamLorenzTrajectory(n: number): Float64Array {
  count('n', n, 0);
  checkBytes(`a trajectory of ${n} points`, 24 * n);
  const v = new Float64Array(n * 3);
  let x = 0;
  let y = 1;
  let z = 1.05;
  const dt = STREAM_LORENZ_DT;
  for (let k = 0; k < n; k++) {
    v[3 * k] = x;
    v[3 * k + 1] = y;
    v[3 * k + 2] = z;
    const dx = STREAM_LORENZ_SIGMA * (y - x);
    const dy = STREAM_LORENZ_RHO * x - y - x * z;
    const dz = x * y - STREAM_LORENZ_BETA * z;
    x += dt * dx;
    y += dt * dy;
    z += dt * dz;
  }
  return v;
}

/**
 * `chaotic_forecasting` (spec §3.2): the Euler Lorenz trajectory of `L + h` points, each
 * coordinate normalised over all points to `(c − mean) / (3·std)` (population std);
 * input = state k, target = state k + h, three channels x, y, z; regression.
 * Deterministic (no seed).
 */
export function chaoticForecasting(params: ForecastingParams): TaskData {
  checkForecasting(params);
  const L = params.sequence_length;
  const h = params.forecast_length;
  const n = L + h;
  const v = streamLorenzTrajectory(n);
  for (let c = 0; c < 3; c++) {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += v[3 * k + c] as number;
    mean /= n;
    let vr = 0;
    for (let k = 0; k < n; k++) {
      const d = (v[3 * k + c] as number) - mean;
      vr += d * d;
    }
    const std = Math.sqrt(vr / n);
    for (let k = 0; k < n; k++) v[3 * k + c] = ((v[3 * k + c] as number) - mean) / (3 * std);
  }
  const x = new Float32Array(v.subarray(0, 3 * L));
  const y = new Float32Array(v.subarray(3 * h, 3 * (L + h)));
  return splitSeries(x, y, 3, params);
}
