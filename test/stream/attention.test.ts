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
