/**
 * The native accumulation of XᵀX and XᵀY (register tiles over packed slabs, threaded):
 * against a slow float64 reference on awkward shapes, bit identity across thread counts,
 * argument errors; and the validation of the same-build GEMM ceiling.
 */
import { Ridge } from '../../lib/readout/ridge';
import { native } from '../../lib/native';
import { Random } from '../../lib/random';
import { normalEquations } from '../reference/ridge';
import { maxError, sameBits, throwsCode } from '../helpers';

function randomRows(seed: number, r: number, f: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: r * f }, () => rng.normal());
}

function filled(
  x: Float64Array | Float32Array,
  y: Float64Array | Float32Array,
  f: number,
  o: number,
  threads: number,
): Ridge {
  const ridge = new Ridge({ features: f, outputs: o });
  ridge.addRows(x, y, { threads });
  return ridge;
}

// The kernel tiles 24 features × 8 (AVX-512; 12 × 4 with AVX2) over slabs of 256 rows: the
// shapes cover a single feature, features not a multiple of any tile, fewer rows than
// features, outputs wider than a tile, and several slabs with a partial last one.
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [37, 1, 3],
  [5, 40, 2],
  [3, 131, 1],
  [300, 25, 17],
  [600, 97, 10],
  [1000, 129, 4],
  [257, 48, 9],
];

describe('ridge accumulation vs the float64 reference', () => {
  test.each(shapes)('rows=%i features=%i outputs=%i', (r, f, o) => {
    const x = randomRows(10 + r, r, f);
    const y = randomRows(20 + f, r, o);
    const ref = normalEquations(x, y, f, o);
    for (const threads of [1, 2]) {
      const got = filled(x, y, f, o, threads).exportStatistics();
      expect(got.rows).toBe(r);
      // Sums of r products of standard normals: rounding grows like r·ε·(typical |x|²).
      const atol = 1e-14 * r + 1e-300;
      expect(maxError(got.xtx, ref.xtx, atol, 1e-12)).toBeLessThanOrEqual(1);
      expect(maxError(got.xty, ref.xty, atol, 1e-12)).toBeLessThanOrEqual(1);
      // The exported matrix is exactly symmetric (one triangle is accumulated and mirrored).
      let symmetric = true;
      for (let i = 0; i < f; i++) for (let j = 0; j < i; j++) symmetric &&= got.xtx[i * f + j] === got.xtx[j * f + i];
      expect(symmetric).toBe(true);
    }
  });

  test('Float32Array rows give the statistics of the same values in float64', () => {
    const [r, f, o] = [300, 53, 3];
    const x32 = Float32Array.from(randomRows(1, r, f));
    const y32 = Float32Array.from(randomRows(2, r, o));
    const a = filled(x32, y32, f, o, 2).exportStatistics();
    const b = filled(Float64Array.from(x32), Float64Array.from(y32), f, o, 1).exportStatistics();
    expect(sameBits(a.xtx, b.xtx)).toBe(true);
    expect(sameBits(a.xty, b.xty)).toBe(true);
  });

  test('rows split over several calls and merged add up to the one-call statistics', () => {
    const [r, f, o] = [900, 70, 2];
    const x = randomRows(3, r, f);
    const y = randomRows(4, r, o);
    const all = filled(x, y, f, o, 2);
    const parts = new Ridge({ features: f, outputs: o });
    for (const [r0, r1] of [
      [0, 1],
      [1, 300],
      [300, 301],
      [301, 900],
    ] as const)
      parts.addRows(x.subarray(r0 * f, r1 * f), y.subarray(r0 * o, r1 * o), { threads: 2 });
    expect(parts.rows).toBe(r);
    expect(maxError(parts.exportStatistics().xtx, all.exportStatistics().xtx, 1e-11, 1e-12)).toBeLessThanOrEqual(1);
    expect(maxError(parts.exportStatistics().xty, all.exportStatistics().xty, 1e-11, 1e-12)).toBeLessThanOrEqual(1);
  });
});

// Below about 2e7 FLOPs per call the kernel keeps to one thread, so these shapes are large
// enough for 2–4 threads to share the work.
describe('ridge accumulation: the same bits for any thread count', () => {
  test.each([
    [2000, 260, 10],
    [1100, 131, 3],
    [5, 40, 2],
  ])('rows=%i features=%i outputs=%i, threads 1, 2, 3, 4', (r, f, o) => {
    const x = randomRows(5, r, f);
    const y = randomRows(6, r, o);
    const one = filled(x, y, f, o, 1).exportStatistics();
    for (const threads of [2, 3, 4]) {
      const many = filled(x, y, f, o, threads).exportStatistics();
      expect(sameBits(many.xtx, one.xtx)).toBe(true);
      expect(sameBits(many.xty, one.xty)).toBe(true);
    }
  });

  test('addRowsAsync with threads equals addRows with one thread, and the weights too', async () => {
    const [r, f, o] = [1500, 200, 4];
    const x = randomRows(7, r, f);
    const y = randomRows(8, r, o);
    const sync = filled(x, y, f, o, 1);
    const async = new Ridge({ features: f, outputs: o });
    await async.stats.addRowsAsync(x, y, { threads: 2 });
    expect(sameBits(async.exportStatistics().xtx, sync.exportStatistics().xtx)).toBe(true);
    expect(sameBits(async.exportStatistics().xty, sync.exportStatistics().xty)).toBe(true);
    expect(sameBits(async.solve(1e-3), sync.solve(1e-3))).toBe(true);
  });

  test('the same chunking gives the same bits whatever the thread count per chunk', () => {
    const [r, f, o] = [1200, 250, 2];
    const x = randomRows(9, r, f);
    const y = randomRows(10, r, o);
    const a = new Ridge({ features: f, outputs: o });
    const b = new Ridge({ features: f, outputs: o });
    for (let r0 = 0; r0 < r; r0 += 500) {
      const r1 = Math.min(r, r0 + 500);
      a.addRows(x.subarray(r0 * f, r1 * f), y.subarray(r0 * o, r1 * o), { threads: 1 });
      b.addRows(x.subarray(r0 * f, r1 * f), y.subarray(r0 * o, r1 * o), { threads: r0 === 500 ? 2 : 3 });
    }
    expect(sameBits(a.exportStatistics().xtx, b.exportStatistics().xtx)).toBe(true);
  });
});

describe('ridge accumulation: bad input', () => {
  const ridge = new Ridge({ features: 3, outputs: 2 });
  const x = randomRows(11, 4, 3);
  const y = randomRows(12, 4, 2);

  test('threads must be an integer in [1, 1024]', () => {
    for (const threads of [0, -1, 1.5, 1025, NaN, '2'])
      throwsCode(() => ridge.addRows(x, y, { threads: threads as number }), 'ERR_RAN_INVALID_ARG');
    expect(() => ridge.addRows(x, y, { threads: 0 })).toThrow(
      /`options.threads` must be an integer in \[1, 1024\], got 0/,
    );
    throwsCode(() => ridge.addRows(x, y, { thread: 2 } as never), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => ridge.addRows(x, y, 2 as never), 'ERR_RAN_INVALID_ARG');
    const stats = ridge.stats;
    expect(() => stats.addRows(x, y, { threads: 0 })).toThrow(/`threads` must be an integer in \[1, 1024\], got 0/);
    throwsCode(() => stats.addRows(x, y, 3 as never), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => stats.addRowsAsync(x, y, { threads: 2.5 }), 'ERR_RAN_INVALID_ARG');
    expect(ridge.rows).toBe(0);
  });

  test('non-finite values are found wherever they are, and nothing is added', () => {
    const big = randomRows(13, 3000, 3);
    for (const at of [0, 1, 4095, 4096, 8999]) {
      const bad = big.slice();
      bad[at] = at % 2 ? Infinity : NaN;
      const e = throwsCode(() => ridge.addRows(bad, new Float64Array(3000 * 2), { threads: 2 }), 'ERR_RAN_NOT_FINITE');
      expect(e.message).toContain(`at [${Math.floor(at / 3)}, ${at % 3}]`);
    }
    const bad32 = Float32Array.from(big);
    bad32[7000] = -Infinity;
    expect(() => ridge.addRows(bad32, new Float32Array(3000 * 2))).toThrow(
      /`x` must be finite, found -Infinity at \[2333, 1\]/,
    );
    const badY = new Float32Array(3000 * 2);
    badY[5] = NaN;
    expect(() => ridge.addRows(big, badY)).toThrow(/`y` must be finite, found NaN at \[2, 1\]/);
    expect(ridge.rows).toBe(0);
    expect(ridge.exportStatistics().xtx.every((v) => v === 0)).toBe(true);
  });

  test('a bad value late in a large call leaves earlier statistics exactly as they were', () => {
    // Large calls check values as they are packed and restore the statistics on failure;
    // small ones (fewer values than the statistics hold) check first. Both paths here.
    for (const [r, f, o] of [
      [2000, 150, 3],
      [4, 150, 3],
    ] as const) {
      const stats = new Ridge({ features: f, outputs: o });
      stats.addRows(randomRows(14, 300, f), randomRows(15, 300, o), { threads: 2 });
      const before = stats.exportStatistics();
      const x = randomRows(16, r, f);
      x[(r - 1) * f + f - 1] = NaN;
      expect(() => stats.addRows(x, randomRows(17, r, o), { threads: 2 })).toThrow(
        new RegExp(`found NaN at \\[${r - 1}, ${f - 1}\\]`),
      );
      const y = randomRows(18, r, o);
      y[(r - 1) * o] = Infinity;
      expect(() => stats.addRows(randomRows(16, r, f), y, { threads: 2 })).toThrow(
        new RegExp(`\`y\` must be finite, found Infinity at \\[${r - 1}, 0\\]`),
      );
      const after = stats.exportStatistics();
      expect(after.rows).toBe(300);
      expect(sameBits(after.xtx, before.xtx)).toBe(true);
      expect(sameBits(after.xty, before.xty)).toBe(true);
    }
  });

  test('kinds and shapes', () => {
    throwsCode(() => ridge.addRows(new Int32Array(3) as never, new Float64Array(2)), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => ridge.addRows(new Float64Array(4), new Float64Array(2)), 'ERR_RAN_SHAPE');
    expect(() => ridge.addRows(new Float64Array(6), new Float64Array(2))).toThrow(
      /`y` must hold 4 values \(one row per row of `x`: 2 rows of 2\), got 2/,
    );
  });
});

describe('gemmCeiling', () => {
  const b = native();

  test('returns a positive GFLOP/s figure for both element types and several threads', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const threads of [1, 2]) {
        const g = b.gemmCeiling({ dtype, n: 96, threads, minSeconds: 0 });
        expect(Number.isFinite(g) && g > 0).toBe(true);
      }
    }
    expect(b.gemmCeiling({ dtype: 'float64', n: 1, minSeconds: 0 })).toBeGreaterThan(0);
  });

  test('argument validation', () => {
    throwsCode(() => b.gemmCeiling(undefined as never), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => b.gemmCeiling({} as never), 'ERR_RAN_INVALID_ARG');
    expect(() => b.gemmCeiling({ dtype: 'float16' as never })).toThrow(
      /`dtype` must be one of "float32", "float64", got "float16"/,
    );
    expect(() => b.gemmCeiling({ dtype: 32 as never })).toThrow(/`dtype` must be one of "float32", "float64", got 32/);
    for (const n of [0, -5, 1.5, 16385, NaN])
      throwsCode(() => b.gemmCeiling({ dtype: 'float32', n, minSeconds: 0 }), 'ERR_RAN_INVALID_ARG');
    for (const threads of [0, 2.5, 1025])
      throwsCode(() => b.gemmCeiling({ dtype: 'float32', n: 8, threads, minSeconds: 0 }), 'ERR_RAN_INVALID_ARG');
    for (const minSeconds of [-1, NaN, Infinity, 601, '1']) {
      throwsCode(
        () => b.gemmCeiling({ dtype: 'float64', n: 8, minSeconds: minSeconds as number }),
        'ERR_RAN_INVALID_ARG',
      );
    }
  });

  test('matrices above the memory limit are refused before allocating', () => {
    const limit = (b as unknown as { memoryLimit(): number }).memoryLimit();
    try {
      b.setMemoryLimit(1e6);
      throwsCode(() => b.gemmCeiling({ dtype: 'float64', n: 2048 }), 'ERR_RAN_TOO_LARGE');
    } finally {
      b.setMemoryLimit(limit);
    }
  });
});
