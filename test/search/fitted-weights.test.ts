import { runTrial, type TrialRequest } from '../../lib/search/trial';
import type { ReservoirConfig } from '../../lib/model/config';
import { DEFAULT_RIDGES } from '../../lib/model/model';

// A search scores its chosen trial on test from the readout weights the trial returned,
// instead of fitting it again: the score must be the same bits as a trial scored on test.
describe('a trial scored on test from its returned weights', () => {
  const task = { name: 'discrete_pattern_completion', difficulty: 'small' as const, seed: 3 };
  const configs: ReservoirConfig[] = [
    { kind: 'esn', options: { inputDim: 4, units: 120, seed: 3, connectivity: 0.1, leakRate: 0.7 } },
    { kind: 'ran-a', options: { inputDim: 4, units: 8, seed: 3, context: 4 } },
    // Data keys: the refit-free path must redo the data-dependent set-up.
    { kind: 'ran-c', options: { inputDim: 4, attentionUnits: 4, memoryUnits: 4, seed: 3, keys: 'data' } },
    { kind: 'ran-c', options: { inputDim: 4, attentionUnits: 4, memoryUnits: 4, seed: 5, keys: 'random' } },
  ];

  test.each(configs.map((c) => [c.kind, c] as const))('%s: same test score, same bits', async (_kind, config) => {
    const req: TrialRequest = { id: 7, task, config, ridges: [...DEFAULT_RIDGES], threads: 1 };
    const full = await runTrial(req);
    const searched = await runTrial({ ...req, scoreTest: false, keepWeights: true });
    expect(full.error).toBeUndefined();
    expect(Number.isNaN(searched.test)).toBe(true);
    expect(Object.prototype.toString.call(searched.weights)).toBe('[object Float64Array]');
    expect([searched.valid, searched.validMse, searched.ridge]).toEqual([full.valid, full.validMse, full.ridge]);
    const fitted = { weights: searched.weights!, ridge: searched.ridge };
    const scored = await runTrial({ ...req, fitted });
    expect(scored.error).toBeUndefined();
    expect(Object.is(scored.test, full.test)).toBe(true);
    expect(scored.ridge).toBe(full.ridge);
    expect([scored.trainable, scored.fixed]).toEqual([full.trainable, full.fixed]);
    expect(full.weights).toBeUndefined();
  });

  test('weights of the wrong length fail the trial with a clear error, never a throw', async () => {
    const req: TrialRequest = { id: 1, task, config: configs[0]!, ridges: [1e-4], threads: 1 };
    const r = await runTrial({ ...req, fitted: { weights: new Float64Array(3), ridge: 1e-4 } });
    expect(r.error).toMatch(/weights/);
    expect(r.test).toBe(Infinity);
  });
});
