import { checkBytes, count } from './bounds';
import { ErrorCodes, RanError, invalidArg } from './errors';
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
  if (data.length !== b * t * d) {
    throw new RanError(ErrorCodes.SHAPE, `tensor data has ${data.length} values, shape [${b}, ${t}, ${d}] needs ${b * t * d}`);
  }
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
