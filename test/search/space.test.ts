import { planTrials } from '../../lib/search/search';
import { sample, spaceFor, SPACES, taskFamily, TASK_FAMILIES } from '../../lib/search/space';
import { ARCHITECTURES } from '../../lib/model/config';
import { TASK_NAMES } from '../../lib/tasks/names';
import { Random } from '../../lib/random';

describe('search spaces per task family', () => {
  test('every family task is a STREAM task; unknown and family-less tasks use the default spaces', () => {
    for (const t of Object.keys(TASK_FAMILIES)) expect(TASK_NAMES).toContain(t);
    expect(taskFamily(undefined)).toBe('default');
    expect(taskFamily('no_such_task')).toBe('default');
    expect(taskFamily('toString')).toBe('default');
    for (const a of ARCHITECTURES) {
      expect(spaceFor(a)).toBe(SPACES[a]);
      expect(spaceFor(a, 'sequential_mnist')).toBe(SPACES[a]);
    }
  });

  test('the shared dimensions get the same family ranges for the ESN and the RANs', () => {
    for (const task of ['simple_copy', 'bracket_matching']) {
      const esn = spaceFor('esn', task);
      for (const a of ARCHITECTURES) {
        const s = spaceFor(a, task);
        for (const k of ['leakRate', 'spectralRadius', 'inputScaling', 'biasScaling']) expect(s[k]).toEqual(esn[k]);
      }
    }
  });

  test('delay family: no leak to speak of, radius near 1, small inputs; integrate family: small leak rates', () => {
    const rng = new Random(1);
    for (let i = 0; i < 200; i++) {
      const d = sample(spaceFor('ran-a', 'simple_copy'), rng);
      expect(d.leakRate).toBeGreaterThanOrEqual(0.9);
      expect(d.spectralRadius).toBeGreaterThanOrEqual(0.8);
      expect(d.spectralRadius).toBeLessThanOrEqual(1.05);
      expect(d.inputScaling).toBeLessThanOrEqual(0.5);
      expect(d.valueScale).toBeLessThanOrEqual(1);
      const g = sample(spaceFor('esn', 'sorting_problem'), rng);
      expect(g.leakRate).toBeGreaterThanOrEqual(0.005);
      expect(g.leakRate).toBeLessThanOrEqual(0.1);
    }
  });

  test('planTrials with a task draws from its family; without, from the default space', () => {
    const shape = { inputDim: 4, outputs: 3 };
    const withTask = planTrials({ architecture: 'esn', budget: 10000, trials: 6, seed: 0, task: 'simple_copy' }, shape);
    const without = planTrials({ architecture: 'esn', budget: 10000, trials: 6, seed: 0 }, shape);
    expect(withTask[0]).toEqual(without[0]); // trial 0 = the defaults either way
    for (const c of withTask.slice(1)) expect((c.options as { leakRate: number }).leakRate).toBeGreaterThanOrEqual(0.9);
    expect(planTrials({ architecture: 'esn', budget: 10000, trials: 6, seed: 0, task: 'sequential_mnist' }, shape)).toEqual(without);
  });
});
