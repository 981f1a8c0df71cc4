/** The one shape every dataset generator returns. */
import { ErrorCodes, RanError, describe } from '../errors';
import type { Tensor3 } from '../tensor';

/**
 * Inputs and targets of one sequence, both [1, length, D], aligned step by step: ready for
 * `model.fit(x, y, { washout })` and `model.predict(x)`. For a forecasting series, `y` is `x`
 * `horizon` samples ahead.
 */
export interface Dataset {
  readonly x: Tensor3;
  readonly y: Tensor3;
}

/** Options every forecasting series takes. */
export interface ForecastOptions {
  /** Samples ahead the target is (default 1: one-step-ahead prediction). */
  readonly horizon?: number;
}

/** Checks `length` and `horizon` of a forecasting series. */
export function checkForecast(length: unknown, horizon: unknown): { length: number; horizon: number } {
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
    throw new RanError(ErrorCodes.INVALID_ARG, `\`options.length\` must be an integer >= 0, got ${String(length)}`);
  }
  const h = horizon ?? 1;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1)
    throw new RanError(ErrorCodes.INVALID_ARG, `\`options.horizon\` must be an integer >= 1, got ${describe(h)}`);
  return { length, horizon: h };
}

/** x = series[0, length), y = series[horizon, horizon + length), as [1, length, dim] views. */
export function forecastPair(series: Float32Array, length: number, dim: number, horizon: number): Dataset {
  return {
    x: { data: series.subarray(0, length * dim), shape: [1, length, dim] },
    y: { data: series.subarray(horizon * dim, (horizon + length) * dim), shape: [1, length, dim] },
  };
}
