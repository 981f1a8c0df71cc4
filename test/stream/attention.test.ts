import { attentionUse } from '../../lib/stream/attention';
import { evaluateStream } from '../../lib/stream/evaluate';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { randomTensor } from '../helpers';

describe('attention use of a configuration', () => {
  const x = randomTensor(3, 4, 20, 2);

  test('no statistics for the ESN or a context of one slot', () => {
    expect(attentionUse({ kind: 'esn', options: { inputDim: 2, units: 10 } }, x, x)).toBeUndefined();
    expect(
      attentionUse({ kind: 'ran-a', options: { inputDim: 2, units: 3, width: 4, context: 1 } }, x, x),
    ).toBeUndefined();
  });

  test('entropy in [0, 1], newest weight in [0, 1], lag within the context; a cold softmax is sharper than a hot one', () => {
    const hot = attentionUse(
      { kind: 'ran-a', options: { inputDim: 2, units: 3, width: 4, context: 6, temperature: 100, seed: 1 } },
      x,
      x,
    )!;
    const cold = attentionUse(
      { kind: 'ran-a', options: { inputDim: 2, units: 3, width: 4, context: 6, temperature: 0.01, seed: 1 } },
      x,
      x,
    )!;
    for (const s of [hot, cold]) {
      expect(s.context).toBe(6);
      expect(s.entropy).toBeGreaterThanOrEqual(0);
      expect(s.entropy).toBeLessThanOrEqual(1 + 1e-9);
      expect(s.newest).toBeGreaterThanOrEqual(0);
      expect(s.newest).toBeLessThanOrEqual(1);
      expect(s.lag).toBeGreaterThanOrEqual(0);
      expect(s.lag).toBeLessThanOrEqual(5);
    }
    expect(hot.entropy).toBeGreaterThan(0.99);
    expect(cold.entropy).toBeLessThan(hot.entropy - 0.2);
  });

  test('agrees with the native attentionStats of the same run (unit means)', () => {
    const config = {
      kind: 'ran-a' as const,
      options: { inputDim: 2, units: 3, width: 4, context: 5, heads: 2, temperature: 0.3, seed: 4 },
    };
    const mine = attentionUse(config, x, x)!;
    const res = new AttentionReservoir(config.options);
    const stats = res.run(x, { attentionStats: true, threads: 1 }).attentionStats!;
    res.dispose();
    const mean = (a: Float64Array): number => a.reduce((u, v) => u + v, 0) / a.length;
    expect(mine.entropy).toBeCloseTo(mean(stats.relativeEntropy), 4);
    expect(mine.newest).toBeCloseTo(mean(stats.newestWeight), 4);
    expect(mine.lag).toBeCloseTo(mean(stats.meanLag), 3);
  });

  test('gated writes: filled slots counted from the writes, not from the step number', () => {
    // Only every third step has a nonzero input; a zero input never writes (|g·u| > θ‖u‖ fails),
    // and with writeRate 1 (θ = 0) every nonzero input writes. So at step t a unit has filled
    // min(writes so far, k) slots, fewer than min(t + 1, k).
    const [b, t, d, k] = [3, 24, 2, 6];
    const gx = randomTensor(11, b, t, d);
    for (let s = 0; s < b; s++)
      for (let step = 0; step < t; step++)
        if (step % 3 !== 0) gx.data.fill(0, (s * t + step) * d, (s * t + step + 1) * d);
    const options = {
      inputDim: d,
      units: 3,
      width: 4,
      context: k,
      heads: 2,
      temperature: 0.3,
      seed: 5,
      gatedWrites: true,
    };
    const use = attentionUse({ kind: 'ran-a', options }, gx, gx)!;
    // Reference: the captured weights by age, pooled per unit over the (sequence, step, head)
    // with two filled slots, then averaged over the units.
    const res = new AttentionReservoir(options);
    const a = res.run(gx, { attentionUnits: [0, 1, 2], threads: 1 }).attention!.data;
    res.dispose();
    const [units, heads] = [3, 2];
    const per = Array.from({ length: units }, () => ({ h: 0, newest: 0, lag: 0, n: 0 }));
    for (let s = 0; s < b; s++)
      for (let step = 0; step < t; step++) {
        const filled = Math.min(Math.floor(step / 3) + 1, k);
        if (filled < 2) continue;
        for (let u = 0; u < units; u++)
          for (let hd = 0; hd < heads; hd++) {
            const off = (((s * t + step) * units + u) * heads + hd) * k;
            let h = 0;
            for (let age = 0; age < filled; age++) {
              const w = a[off + age]!;
              if (w > 0) h -= w * Math.log(w);
              per[u]!.lag += age * w;
            }
            for (let age = filled; age < k; age++) expect(a[off + age]).toBe(0);
            per[u]!.h += h / Math.log(filled);
            per[u]!.newest += a[off]!;
            per[u]!.n++;
          }
      }
    const mean = (f: (p: (typeof per)[0]) => number): number => per.reduce((sum, p) => sum + f(p) / p.n, 0) / units;
    expect(use.entropy).toBeCloseTo(
      mean((p) => p.h),
      4,
    );
    expect(use.newest).toBeCloseTo(
      mean((p) => p.newest),
      4,
    );
    expect(use.lag).toBeCloseTo(
      mean((p) => p.lag),
      3,
    );
  });

  test('RAN-C with data keys is replayed with its keys fitted', () => {
    const s = attentionUse(
      {
        kind: 'ran-c',
        options: { inputDim: 2, attentionUnits: 2, memoryUnits: 2, width: 4, slots: 4, keys: 'data', context: 3 },
      },
      x,
      x,
    );
    expect(s!.entropy).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('evaluateStream seeds', () => {
  test('firstSeed picks the seeds; the spread is the sample standard deviation (n − 1)', async () => {
    const cells = await evaluateStream({
      tasks: ['adding_problem'],
      models: ['esn'],
      budget: 500,
      difficulty: 'small',
      trials: 1,
      seeds: 2,
      firstSeed: 1000,
      workers: 0,
    });
    expect(cells[0]!.perSeed.map((s) => s.seed)).toEqual([1000, 1001]);
    const [a, b] = cells[0]!.scores as [number, number];
    expect(cells[0]!.std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 12);
  }, 60000);
});
