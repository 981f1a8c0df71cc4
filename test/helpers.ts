/** Shared test helpers: seeded random tensors and comparisons. */
import { Random } from '../lib/random';
import type { Tensor3 } from '../lib/tensor';

/** A [B, T, D] tensor uniform in [-scale, scale), from a seed. */
export function randomTensor(seed: number, b: number, t: number, d: number, scale = 1): Tensor3 {
  const rng = new Random(seed);
  const data = new Float32Array(b * t * d);
  for (let i = 0; i < data.length; i++) data[i] = scale * (2 * rng.uniform() - 1);
  return { data, shape: [b, t, d] };
}

/** Largest |a − b| / (atol + rtol·|b|) over all entries: ≤ 1 means within tolerance. */
export function maxError(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

/** True when two float arrays are bit-identical. */
export function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return Buffer.compare(Buffer.from(ua), Buffer.from(ub)) === 0;
}

/** Runs fn, expects it to throw an error with this `code`, and returns the error. */
export function throwsCode(fn: () => unknown, code: string): Error & { code: string } {
  try {
    fn();
  } catch (e) {
    expect((e as { code?: unknown }).code).toBe(code);
    return e as Error & { code: string };
  }
  throw new Error(`expected an error with code ${code}, nothing was thrown`);
}
