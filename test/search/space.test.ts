import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bestTrial, firstRoundRegime, firstRoundSize, planTrials, secondRoundRegime } from '../../lib/search/search';
import { REGIMES, sample, spaceFor, SPACES } from '../../lib/search/space';
import type { TrialResult } from '../../lib/search/trial';
import { evaluateStream } from '../../lib/stream/evaluate';
import { writeTaskFolder } from '../../lib/io/taskFolder';
import { buildTask } from '../../lib/tasks/index';
import { ARCHITECTURES, createReservoir } from '../../lib/model/config';
import { Random } from '../../lib/random';

function result(id: number, valid: number, validMse: number): TrialResult {
  return { id, valid, validMse, test: 0, ridge: 1, milliseconds: 0, trainable: 0, fixed: 0 };
}

describe('search regimes (no task names)', () => {
  test('the wide regime is the architecture space; the shared dimensions get the same ranges for the ESN and the RANs', () => {
    for (const a of ARCHITECTURES) expect(spaceFor(a)).toBe(SPACES[a]);
    for (const regime of REGIMES) {
      const esn = spaceFor('esn', regime);
      for (const a of ARCHITECTURES) {
        const s = spaceFor(a, regime);
        for (const k of ['leakRate', 'spectralRadius', 'inputScaling', 'biasScaling']) expect(s[k]).toEqual(esn[k]);
      }
    }
  });

  test('linear regime: no leak to speak of, radius near 1, small inputs; integrate regime: small leak rates', () => {
    const rng = new Random(1);
    for (let i = 0; i < 200; i++) {
      const d = sample(spaceFor('ran-a', 'linear'), rng);
      expect(d.leakRate).toBeGreaterThanOrEqual(0.9);
      expect(d.spectralRadius).toBeGreaterThanOrEqual(0.8);
      expect(d.spectralRadius).toBeLessThanOrEqual(1.05);
      expect(d.inputScaling).toBeLessThanOrEqual(0.5);
      expect(d.valueScale).toBeLessThanOrEqual(1);
      const g = sample(spaceFor('esn', 'integrate'), rng);
      expect(g.leakRate).toBeGreaterThanOrEqual(0.005);
      expect(g.leakRate).toBeLessThanOrEqual(0.1);
    }
  });

  test('linear regime: RAN-A draws have the attention and feed-forward paths scaled down (ESN-like loop gain), RAN-C draws keep their attention', () => {
    const rng = new Random(2);
    for (let i = 0; i < 200; i++) {
      const a = sample(spaceFor('ran-a', 'linear'), rng);
      const c = sample(spaceFor('ran-c', 'linear'), rng);
      for (const scale of [a.valueScale, a.ffScale]) {
        expect(scale).toBeGreaterThanOrEqual(0.01);
        expect(scale).toBeLessThanOrEqual(0.1);
      }
      expect(c.valueScale).toBeUndefined();
      expect(c.memoryValueScale).toBeGreaterThanOrEqual(0.1);
    }
    // Integrate regime: about half the RAN draws have k = 1 (no blur of the leaky sum).
    for (const a of ['ran-a', 'ran-c'] as const) {
      const ks = Array.from({ length: 400 }, () => sample(spaceFor(a, 'integrate'), rng).context);
      const ones = ks.filter((k) => k === 1).length / ks.length;
      expect(ones).toBeGreaterThan(0.4);
      expect(ones).toBeLessThan(0.6);
      expect(Math.max(...(ks as number[]))).toBe(32);
    }
    // Every drawn option is one the architecture accepts.
    const configs = planTrials(
      { architecture: 'ran-a', budget: 10000, trials: 6, seed: 3 },
      { inputDim: 2, outputs: 1 },
      'linear',
    );
    for (const config of configs) expect(() => createReservoir(config).dispose()).not.toThrow();
  });

  test('round 1 is trial 0 (the defaults) and one draw per regime in turn; round 2 draws from the regime it is given', () => {
    const shape = { inputDim: 4, outputs: 3 };
    expect(firstRoundSize(1)).toBe(1);
    expect(firstRoundSize(8)).toBe(5);
    expect(firstRoundSize(30)).toBe(16);
    const wide = planTrials({ architecture: 'esn', budget: 10000, trials: 12, seed: 0 }, shape);
    const linear = planTrials({ architecture: 'esn', budget: 10000, trials: 12, seed: 0 }, shape, 'linear');
    const n1 = firstRoundSize(12);
    expect(linear.slice(0, n1)).toEqual(wide.slice(0, n1)); // round 1 does not depend on round 2
    expect(Object.keys(wide[0]!.options).sort()).toEqual(['inputDim', 'seed', 'units']);
    for (let i = 1; i < n1; i++) {
      if (firstRoundRegime(i) === 'linear')
        expect((wide[i]!.options as { leakRate: number }).leakRate).toBeGreaterThanOrEqual(0.9);
    }
    for (const c of linear.slice(n1)) expect((c.options as { leakRate: number }).leakRate).toBeGreaterThanOrEqual(0.9);
    expect(linear.slice(n1)).not.toEqual(wide.slice(n1));
  });

  test('the best trial: lowest validation score, ties broken by the validation MSE, then the earliest trial', () => {
    expect(bestTrial([result(0, 0.1, 0.5), result(1, 0.1, 0.3), result(2, 0.2, 0.1)]).id).toBe(1);
    expect(bestTrial([result(0, 0.1, 0.3), result(1, 0.1, 0.3)]).id).toBe(0);
    expect(bestTrial([result(0, NaN, 0.1), result(1, 0.9, NaN)]).id).toBe(1);
    // round 1 of 8 trials: 0 defaults, 1 wide, 2 linear, 3 integrate, 4 wide
    expect(
      secondRoundRegime([
        result(0, 0.5, 1),
        result(1, 0.5, 1),
        result(2, 0.2, 1),
        result(3, 0.2, 0.5),
        result(4, 0.3, 1),
      ]),
    ).toBe('integrate');
    expect(secondRoundRegime([result(0, 0.1, 1), result(1, 0.5, 1)])).toBe('wide');
  });

  test('ran eval --data on a folder written from a generated task gives the same search as ran stream', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-same-'));
    try {
      writeTaskFolder(dir, buildTask('adding_problem', { difficulty: 'small', seed: 0 }));
      const common = {
        models: ['esn', 'ran-a'] as const,
        budget: 1000,
        difficulty: 'small' as const,
        trials: 4,
        seeds: 1,
        workers: 0,
      };
      const stream = await evaluateStream({ ...common, models: [...common.models], tasks: ['adding_problem'] });
      const folder = await evaluateStream({ ...common, models: [...common.models], tasks: [], dataDir: dir });
      const strip = (cells: typeof stream) => cells.map((c) => c.perSeed.map(({ seconds: _s, ...rest }) => rest));
      expect(stream[1]!.perSeed[0]!.attention === undefined || stream[1]!.perSeed[0]!.attention.entropy <= 1).toBe(
        true,
      );
      expect(strip(folder)).toEqual(strip(stream));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120000);
});
