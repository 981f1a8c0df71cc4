/**
 * The two ways to call `Model.fit`: `fit(task | { x, y, washout? }, options?)` and, as
 * ReservoirPy users write it, `fit(X, Y, { washout, ...options }?)` with plain arrays.
 */
import { invalidArg } from '../errors';
import type { TensorLike } from '../tensor';
import * as v from '../validate';
import type { FitOptions, SequenceData, TaskLike } from './model';

/** Options of `fit(X, Y, options)`: those of `fit(data, options)` plus the data's own. */
export interface ArrayFitOptions extends FitOptions {
  /** Steps at the start of each sequence left out of training (ReservoirPy's `warmup`; default 0). */
  washout?: number;
  /** Train on the last step of each sequence only (sequence classification). */
  last?: boolean;
}

/** The options of `fit(data, options)`. */
export const FIT_OPTION_KEYS = [
  'validation',
  'ridges',
  'classification',
  'batchSize',
  'threads',
  'signal',
  'onProgress',
] as const;

/** True for what can only be data, never an options object: arrays, typed arrays, `{ data, shape }`. */
export function isDataLike(value: unknown): boolean {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return true;
  return value !== null && typeof value === 'object' && 'data' in value && 'shape' in value;
}

/** The (data, options) of either form of `fit`. */
export function fitArguments(a: unknown, b: unknown, c: unknown): [TaskLike | SequenceData, FitOptions] {
  if (!isDataLike(a)) {
    if (c !== undefined)
      invalidArg('fit(data, options)', 'two arguments (or fit(X, Y, options) with X and Y arrays)', c);
    return [a as TaskLike | SequenceData, b ?? {}];
  }
  if (!isDataLike(b)) invalidArg('Y', 'the targets of fit(X, Y, options?): an array or tensor like X', b);
  const o = v.options('options', c as ArrayFitOptions | undefined);
  v.knownKeys('options', o, [...FIT_OPTION_KEYS, 'washout', 'last']);
  const { washout, last, ...rest } = o;
  const data: SequenceData = { x: a as SequenceData['x'], y: b as SequenceData['y'] };
  if (washout !== undefined) data.washout = washout;
  if (last !== undefined) data.last = v.boolean('options.last', last);
  return [data, rest];
}

export type { TensorLike };
