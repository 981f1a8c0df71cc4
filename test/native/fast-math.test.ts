/**
 * The kernels' exp, expm1 and tanh (native/include/fast_math.h: one shared polynomial, see
 * its comments) against float64 references (JavaScript's Math.exp/expm1/tanh, correctly
 * rounded to within a float64 ulp) over the whole float range: every 2^12-th float bit
 * pattern (a million values, every binade of both signs), a dense grid where the functions
 * bend, and the special values. Errors are in float32 ulps of the reference value.
 */
import { native } from '../../lib/native';

/** Every `stride`-th float32 bit pattern, both signs, NaNs excluded, plus a dense [-20, 20] grid. */
function sampleFloats(stride: number): Float32Array {
  const bits = new Uint32Array(2 * Math.ceil(0x7f800000 / stride) + 80001);
  let n = 0;
  for (let b = 0; b < 0x7f800000; b += stride) {
    bits[n++] = b;
    bits[n++] = (b | 0x80000000) >>> 0;
  }
  const out = new Float32Array(bits.buffer, 0, n);
  const grid = new Float32Array(80001);
  for (let i = 0; i <= 80000; i++) grid[i] = -20 + i * 0.0005;
  const all = new Float32Array(n + grid.length);
  all.set(out);
  all.set(grid, n);
  return all;
}

/** The distance between float32 neighbours at |v| (the smallest subnormal step below 2^-126). */
function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

const xs = sampleFloats(1 << 12);

/** The largest error, in float32 ulps of the reference, of `fn` over the sample within [lo, hi]. */
function worstUlps(fn: 'exp' | 'expm1' | 'tanh', ref: (x: number) => number, lo = -Infinity, hi = Infinity): number {
  const y = native().fastMath(fn, xs);
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x >= lo && x <= hi) worst = Math.max(worst, Math.abs(y[i]! - ref(x)) / ulp32(ref(x)));
  }
  return worst;
}

describe('fast_math.h: exp, expm1 and tanh as the kernels compute them', () => {
  // Measured over every 2^10-th float (4 M values): exp 0.95, expm1 1.37, tanh 2.33 ulps at most.
  test('exp: within 1 ulp on [-87, 88]; saturates outside (e^-87 below, e^88 above); NaN stays NaN', () => {
    expect(worstUlps('exp', Math.exp, -87, 88)).toBeLessThanOrEqual(1);
    const [lo, hi] = native().fastMath('exp', Float32Array.from([-87, 88]));
    const edges = native().fastMath('exp', Float32Array.from([-Infinity, -1e30, -88, 89, 1e30, Infinity, NaN]));
    expect(Array.from(edges.subarray(0, 3))).toEqual([lo, lo, lo]);
    expect(Array.from(edges.subarray(3, 6))).toEqual([hi, hi, hi]);
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThan(1.7e-38);
    expect(Number.isFinite(hi)).toBe(true);
    expect(Number.isNaN(edges[6]!)).toBe(true);
  });

  test('expm1: within 1.5 ulps on [-87, 88], also near 0 (no cancellation)', () => {
    expect(worstUlps('expm1', Math.expm1, -87, 88)).toBeLessThanOrEqual(1.5);
  });

  test('tanh: within 2.5 ulps everywhere, exactly odd, ±1 beyond 9 and at ±inf, ±0 kept, NaN stays NaN', () => {
    expect(worstUlps('tanh', Math.tanh)).toBeLessThanOrEqual(2.5);
    const y = native().fastMath('tanh', xs);
    let notSaturated = 0;
    for (let i = 0; i < xs.length; i++) if (Math.abs(xs[i]!) > 9 && y[i] !== Math.sign(xs[i]!)) notSaturated++;
    expect(notSaturated).toBe(0);
    const neg = native().fastMath('tanh', xs.map((x) => -x));
    let notOdd = 0;
    for (let i = 0; i < xs.length; i++) if (!Object.is(neg[i], -y[i]!)) notOdd++;
    expect(notOdd).toBe(0);
    const edges = native().fastMath('tanh', Float32Array.from([Infinity, -Infinity, 0, -0, NaN, 2 ** -149]));
    expect(Array.from(edges.subarray(0, 2))).toEqual([1, -1]);
    expect(Object.is(edges[2], 0)).toBe(true);
    expect(Object.is(edges[3], -0)).toBe(true);
    expect(Number.isNaN(edges[4]!)).toBe(true);
    expect(edges[5]).toBe(2 ** -149);
  });

  test('GELU (tanh form) within 4e-7 of the float64 formula on [-10, 10]', () => {
    const x = new Float32Array(20001).map((_, i) => -10 + i * 0.001);
    const y = native().fastMath('gelu', x);
    const ref = (v: number): number => 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i]! - ref(x[i]!)) / (1 + Math.abs(ref(x[i]!))));
    expect(worst).toBeLessThan(4e-7);
  });

  test('a bad function name or array is an ERR_RAN_INVALID_ARG', () => {
    expect(() => native().fastMath('log' as never, new Float32Array(1))).toThrow(
      /`fn` must be one of "exp", "expm1", "tanh", "gelu", got "log"/,
    );
    expect(() => native().fastMath('exp', new Float64Array(1) as never)).toThrow(/`x` must be a Float32Array/);
  });
});
