import { checkBytes, count } from './bounds';
import { ErrorCodes, RanError, describe, invalidArg, shapeMismatch } from './errors';
import { isTypedArray, tensor3 as checkTensor3 } from './validate';

/** A float32 tensor of shape [B, T, D] stored row-major: element (b, t, d) at (b·T + t)·D + d. */
export interface Tensor3 {
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number];
}

/** An integer matrix of shape [B, n] stored row-major (e.g. STREAM's prediction steps `T`). */
export interface IndexMatrix {
  readonly data: Int32Array;
  readonly shape: readonly [number, number];
}

/** A zero-filled [B, T, D] tensor (integer sizes; ERR_RAN_TOO_LARGE past the memory limit). */
export function zeros3(b: number, t: number, d: number): Tensor3 {
  count('b', b, 0);
  count('t', t, 0);
  count('d', d, 0);
  checkBytes(`a [${b}, ${t}, ${d}] tensor`, 4 * b * t * d);
  return { data: new Float32Array(b * t * d), shape: [b, t, d] };
}

/** Wraps existing data as a [B, T, D] tensor, checking the length. */
export function tensor3(data: Float32Array, shape: readonly [number, number, number]): Tensor3 {
  if (!isTypedArray(data, 'Float32Array')) invalidArg('data', 'a Float32Array', data);
  if (!Array.isArray(shape) || shape.length !== 3) invalidArg('shape', 'an array [B, T, D]', shape);
  const [b, t, d] = shape;
  count('shape[0]', b, 0);
  count('shape[1]', t, 0);
  count('shape[2]', d, 0);
  if (data.length !== b * t * d) shapeMismatch('data', b * t * d, data.length, `shape [${b}, ${t}, ${d}]`);
  return { data, shape: [b, t, d] };
}

/** Sequences b0..b1−1 of a tensor, as a view (no copy). */
export function sliceBatch(x: Tensor3, b0: number, b1: number): Tensor3 {
  checkTensor3('x', x);
  count('b0', b0, 0, x.shape[0]);
  count('b1', b1, b0, x.shape[0]);
  const [, t, d] = x.shape;
  return { data: x.data.subarray(b0 * t * d, b1 * t * d), shape: [b1 - b0, t, d] };
}

/**
 * Anything the library accepts where it needs a [B, T, D] tensor:
 * - a {@link Tensor3} (`{ data: Float32Array, shape: [B, T, D] }`, used as is, no copy);
 * - `{ data, shape }` with any numeric array (Float64Array, number[], …) and shape [B, T, D],
 *   or [T, D] for a single sequence;
 * - nested arrays: `number[][][]` ([B][T][D]), `number[][]` (one sequence, [T][D]);
 * - a flat array (`number[]`, Float32Array, Float64Array) of one sequence of scalars ([T]).
 * Inner rows may be typed arrays too.
 */
export type TensorLike =
  | Tensor3
  | { readonly data: ArrayLike<number>; readonly shape: readonly [number, number, number] | readonly [number, number] }
  | ArrayLike<ArrayLike<ArrayLike<number>>>
  | ArrayLike<ArrayLike<number>>
  | ArrayLike<number>;

/** The typed array's class name (`Float32Array`, …), or '' for anything else. */
export const tagOf = (v: unknown): string =>
  ArrayBuffer.isView(v) ? (v as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag] : '';
/** An array or typed array (not a DataView): something rows or values can be read from by index. */
export const isRow = (v: unknown): v is ArrayLike<unknown> =>
  Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

function shapeError(message: string): never {
  throw new RanError(ErrorCodes.SHAPE, message);
}

/** Throws the INVALID_ARG error for a value at `at` that is not a number. */
export function notNumber(at: string, got: unknown): never {
  throw new RanError(ErrorCodes.INVALID_ARG, `\`${at}\` must be a number, got ${describe(got)}`);
}

/** Copies `{ data, shape }` with a non-float32 (or untyped) data array into a Tensor3. */
function fromShaped(name: string, value: { data: unknown; shape: unknown }): Tensor3 {
  const { data, shape } = value;
  if (
    !Array.isArray(shape) ||
    (shape.length !== 2 && shape.length !== 3) ||
    !shape.every((n) => Number.isInteger(n) && n >= 0)
  ) {
    invalidArg(`${name}.shape`, 'an array of non-negative integers [B, T, D], or [T, D] for one sequence', shape);
  }
  const dims = (shape.length === 2 ? [1, ...(shape as number[])] : shape) as [number, number, number];
  if (!isRow(data) || tagOf(data) === 'BigInt64Array' || tagOf(data) === 'BigUint64Array') {
    invalidArg(`${name}.data`, 'a Float32Array, Float64Array or array of numbers', data);
  }
  const n = dims[0] * dims[1] * dims[2];
  if (data.length !== n) shapeMismatch(`${name}.data`, n, data.length, `shape [${shape.join(', ')}]`);
  if (tagOf(data) === 'Float32Array') return { data: data as Float32Array, shape: dims };
  const out = new Float32Array(n);
  if (ArrayBuffer.isView(data)) out.set(data as unknown as ArrayLike<number>);
  else
    for (let i = 0; i < n; i++)
      out[i] = typeof data[i] === 'number' ? (data[i] as number) : notNumber(`${name}.data[${i}]`, data[i]);
  return { data: out, shape: dims };
}

/** Copies nested rows of depth `depth` (1: [T], 2: [T][D], 3: [B][T][D]) into a Tensor3. */
function fromNested(name: string, value: ArrayLike<unknown>, depth: 1 | 2 | 3): Tensor3 {
  const seqs = (depth === 3 ? value : [value]) as ArrayLike<unknown>[];
  const prefix = (b: number): string => (depth === 3 ? `${name}[${b}]` : name);
  const b = seqs.length;
  const t = depth === 1 ? value.length : (seqs[0]?.length ?? 0);
  const first = depth === 1 ? undefined : seqs[0]?.[0];
  const d = depth === 1 ? 1 : isRow(first) ? first.length : notNumberRow(`${prefix(0)}[0]`, first);
  const out = new Float32Array(b * t * d);
  for (let s = 0; s < b; s++) {
    const seq = seqs[s];
    if (!isRow(seq)) invalidArg(prefix(s), 'an array of steps', seq);
    if (seq.length !== t)
      shapeError(
        `\`${prefix(s)}\` has ${seq.length} steps, \`${prefix(0)}\` has ${t}: sequences must have the same length (ragged input)`,
      );
    for (let k = 0; k < t; k++) {
      const base = (s * t + k) * d;
      if (depth === 1) {
        const x = seq[k];
        out[base] = typeof x === 'number' ? x : notNumber(`${name}[${k}]`, x);
        continue;
      }
      const row = seq[k];
      if (!isRow(row)) notNumberRow(`${prefix(s)}[${k}]`, row);
      if (row.length !== d)
        shapeError(
          `\`${prefix(s)}[${k}]\` has ${row.length} features, \`${prefix(0)}[0]\` has ${d}: every step must have the same length (ragged input)`,
        );
      if (ArrayBuffer.isView(row)) {
        out.set(row as unknown as ArrayLike<number>, base);
        continue;
      }
      for (let j = 0; j < d; j++) {
        const x = row[j];
        out[base + j] = typeof x === 'number' ? x : notNumber(`${prefix(s)}[${k}][${j}]`, x);
      }
    }
  }
  return { data: out, shape: [b, t, d] };
}

function notNumberRow(at: string, got: unknown): never {
  throw new RanError(
    ErrorCodes.INVALID_ARG,
    `\`${at}\` must be an array of numbers (one step's features), got ${describe(got)}`,
  );
}

/** The nesting depth of an array by its first elements: 1 ([T]), 2 ([T][D]) or 3 ([B][T][D]). */
function depthOf(name: string, value: ArrayLike<unknown>): 1 | 2 | 3 {
  if (value.length === 0) invalidArg(name, 'a non-empty array', value);
  if (ArrayBuffer.isView(value)) return 1;
  const a = value[0];
  if (!isRow(a)) return 1;
  if (ArrayBuffer.isView(a)) return 2;
  if (a.length === 0) invalidArg(`${name}[0]`, 'a non-empty array', a);
  return isRow(a[0]) ? 3 : 2;
}

/**
 * The one conversion of user data to a [B, T, D] float32 tensor (see {@link TensorLike}): a
 * Tensor3 is returned as is (no copy), everything else is copied once. Ragged input is
 * ERR_RAN_SHAPE, non-numeric input ERR_RAN_INVALID_ARG, both naming `name` and the index.
 * NaN and ±Infinity are left for the callers' finiteness checks.
 */
export function toTensor3(name: string, value: unknown): Tensor3 {
  if (value !== null && typeof value === 'object' && !isRow(value) && 'data' in value && 'shape' in value) {
    const t = value;
    if (tagOf(t.data) === 'Float32Array' && Array.isArray(t.shape) && t.shape.length === 3) return t as Tensor3;
    return fromShaped(name, t);
  }
  if (!isRow(value) || tagOf(value) === 'BigInt64Array' || tagOf(value) === 'BigUint64Array') {
    invalidArg(
      name,
      'a tensor { data, shape: [B, T, D] }, nested arrays [B][T][D] or [T][D], or a series of numbers',
      value,
    );
  }
  return fromNested(name, value, depthOf(name, value));
}
