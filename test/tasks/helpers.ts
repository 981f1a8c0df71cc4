/** Small helpers shared by the task tests (not a test file). */
import type { IndexMatrix, Tensor3 } from '../../lib/tensor';

/** Row (b, t) of a tensor as a plain array. */
export function row(x: Tensor3, b: number, t: number): number[] {
  const [, T, D] = x.shape;
  return Array.from(x.data.subarray((b * T + t) * D, (b * T + t + 1) * D));
}

/** Entries of row b of an index matrix. */
export function steps(t: IndexMatrix, b: number): number[] {
  const n = t.shape[1];
  return Array.from(t.data.subarray(b * n, (b + 1) * n));
}

/** Index of the single 1 of a one-hot row, or −1 if the row is not one-hot. */
export function oneHotIndex(r: readonly number[]): number {
  let idx = -1;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === 1) {
      if (idx >= 0) return -1;
      idx = i;
    } else if (r[i] !== 0) return -1;
  }
  return idx;
}

/** True when every entry of the row is 0. */
export function isZero(r: readonly number[]): boolean {
  return r.every((v) => v === 0);
}

/** A tensor of the same shape filled with a per-step function of (b, t) → row. */
export function predict(y: Tensor3, f: (b: number, t: number) => ArrayLike<number>): Tensor3 {
  const [B, T, D] = y.shape;
  const data = new Float32Array(B * T * D);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) data.set(f(b, t), (b * T + t) * D);
  return { data, shape: [B, T, D] };
}

/** All-zero tensor of the same shape. */
export function zerosLike(y: Tensor3): Tensor3 {
  return { data: new Float32Array(y.data.length), shape: y.shape };
}

/** One-hot vector. */
export function oneHot(n: number, k: number): number[] {
  const v = new Array<number>(n).fill(0);
  v[k] = 1;
  return v;
}

/** Byte-wise equality of two typed arrays (much faster than jest's toEqual on large arrays). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
