/**
 * Portable seeded random numbers: xoshiro128** (Blackman & Vigna) seeded by splitmix32.
 *
 * Every transform here uses only integer operations, +, −, ×, ÷ and `Math.sqrt` (all
 * correctly rounded by IEEE 754), never `Math.log`/`Math.cos`, whose last bits may differ
 * between JavaScript engines. So the same seed gives the same numbers, bit for bit, on
 * every platform and Node version.
 */
import { checkBytes, count } from './bounds';
import { invalidArg } from './errors';

const LN2 = 0.6931471805599453;

/** Natural logarithm from +, ×, ÷ only (portable, ~1 ulp); x must be finite and > 0. */
export function portableLog(x: number): number {
  let e = 0;
  let m = x;
  // Range reduction by exact powers of two, to m in [sqrt(1/2), sqrt(2)).
  while (m >= 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  while (m < 0.7071067811865476) {
    m *= 2;
    e -= 1;
  }
  // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172: the series converges fast.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= s2;
    if (term < 1e-20 && term > -1e-20) break;
  }
  return 2 * sum + e * LN2;
}

/** xoshiro128** generator with uniform and normal transforms. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  /** @param seed any integer in [0, 2^53); the same seed always gives the same stream. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      invalidArg('seed', 'a non-negative safe integer', seed);
    }
    // splitmix32 over both halves of the seed, so seeds above 2^32 differ too.
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9);
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform float64 in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float64 in [a, b). */
  uniformIn(a: number, b: number): number {
    if (typeof a !== 'number' || typeof b !== 'number')
      invalidArg(typeof a !== 'number' ? 'a' : 'b', 'a number', typeof a !== 'number' ? a : b);
    return a + (b - a) * this.uniform();
  }

  /** Uniform integer in [0, n), unbiased (rejection), n ≤ 2^32. */
  integer(n: number): number {
    if (!(Number.isInteger(n) && n > 0 && n <= 4294967296)) {
      invalidArg('n', 'an integer in [1, 2^32]', n);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal N(0, 1) by Marsaglia's polar method (portable log). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * portableLog(s)) / s);
      this.spareNormal = v * f;
      return u * f;
    }
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(a: T[]): T[] {
    if (!Array.isArray(a)) invalidArg('a', 'an array', a);
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = a[i] as T;
      a[i] = a[j] as T;
      a[j] = tmp;
    }
    return a;
  }

  /** A uniformly random permutation of 0..n−1. */
  permutation(n: number): number[] {
    count('n', n, 0);
    checkBytes(`a permutation of ${n}`, 8 * n);
    const p = Array.from({ length: n }, (_, i) => i);
    return this.shuffle(p);
  }

  /** k distinct integers from [0, n), in the random order of the draw. */
  choose(n: number, k: number): number[] {
    count('n', n, 0);
    count('k', k, 0, n);
    checkBytes(`choosing from ${n} values`, 8 * n);
    // Partial Fisher–Yates: every k-subset and order equally likely.
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.integer(n - i);
      const tmp = p[i] as number;
      p[i] = p[j] as number;
      p[j] = tmp;
    }
    return p.slice(0, k);
  }
}
