import { Model, betterScore } from '../../lib/model/model';
import { sizeForBudget, parseBudget } from '../../lib/model/budget';
import { planTrials, bestTrial } from '../../lib/search/search';
import { runTrials } from '../../lib/search/pool';
import { trialRequests } from '../../lib/search/search';
import { buildTask } from '../../lib/tasks/index';
import { ESN } from '../../lib/reservoirs/esn';
import * as path from 'path';
import type { Worker } from 'worker_threads';
import { randomTensor, throwsCode } from '../helpers';
import { sourceWorker } from '../source-worker';

describe('Model', () => {
  test('fits a STREAM task clearly better than chance and the λ choice is the best validation score', async () => {
    const task = buildTask('discrete_postcasting', { seed: 1 });
    const model = new Model({ kind: 'esn', options: { inputDim: 3, units: 200, leakRate: 0.9, seed: 1 } });
    const report = await model.fit(task);
    const best = Math.min(...report.validation!.map((v) => v.score));
    const chosen = report.validation!.find((v) => v.ridge === report.ridge)!;
    expect(chosen.score).toBe(best);
    // ties in the error rate are broken by the validation MSE of the readout output
    const tied = report.validation!.filter((v) => v.score === best);
    expect(chosen.mse).toBe(Math.min(...tied.map((v) => v.mse)));
    for (const v of report.validation!) expect(v.mse).toBeGreaterThan(0);
    const err = await model.evaluate(task.test, true);
    expect(err).toBeLessThan(0.2); // chance is 0.667
    expect(model.trainableParameters).toBe((200 + 3 + 1) * 3);
  });

  test('betterScore: lower score, then lower MSE; NaN is the worst', () => {
    expect(betterScore({ score: 0.1, mse: 9 }, { score: 0.2, mse: 1 })).toBe(true);
    expect(betterScore({ score: 0.1, mse: 0.5 }, { score: 0.1, mse: 0.6 })).toBe(true);
    expect(betterScore({ score: 0.1, mse: 0.6 }, { score: 0.1, mse: 0.6 })).toBe(false);
    expect(betterScore({ score: NaN, mse: 0 }, { score: 0.9, mse: 1 })).toBe(false);
    expect(betterScore({ score: 0.9, mse: 1 }, { score: NaN, mse: 0 })).toBe(true);
  });

  test.each(['ran-a', 'ran-c'] as const)(
    '%s with default options beats chance on Sequential MNIST and postcasting',
    async (kind) => {
      for (const [name, chance] of [
        ['sequential_mnist', 0.887],
        ['discrete_postcasting', 0.667],
        ['continuous_postcasting', 0.213],
      ] as const) {
        const task = buildTask(name, { seed: 2 });
        const inputDim = task.train.x.shape[2];
        const model = new Model(
          kind === 'ran-a' ? { kind, options: { inputDim, seed: 3 } } : { kind, options: { inputDim, seed: 3 } },
        );
        await model.fit(task);
        const s = await model.evaluate(task.test, task.classification);
        expect(s).toBeLessThan(0.75 * chance);
      }
    },
  );

  test('fit on plain data with a washout and predict; batching does not change the result', async () => {
    const x = randomTensor(1, 40, 30, 2);
    const y = randomTensor(2, 40, 30, 1);
    const a = new Model(new ESN({ inputDim: 2, units: 30, seed: 1 }));
    const b = new Model(new ESN({ inputDim: 2, units: 30, seed: 1 }));
    await a.fit({ x, y, washout: 5 }, { ridges: [1e-2] });
    await b.fit({ x, y, washout: 5 }, { ridges: [1e-2], batchSize: 7 });
    expect(a.readout!.rows).toBe(40 * 25);
    const pa = await a.predict(x);
    const pb = await b.predict(x, { batchSize: 3 });
    let diff = 0;
    for (let i = 0; i < pa.data.length; i++) diff = Math.max(diff, Math.abs(pa.data[i]! - pb.data[i]!));
    expect(diff).toBeLessThan(1e-6);
  });

  test('an AbortSignal stops fit with ERR_RAN_ABORTED', async () => {
    const model = new Model({ kind: 'esn', options: { inputDim: 1, units: 400, connectivity: 1, seed: 1 } });
    const ctl = new AbortController();
    ctl.abort();
    await expect(
      model.fit({ x: randomTensor(1, 4, 100, 1), y: randomTensor(2, 4, 100, 1) }, { signal: ctl.signal }),
    ).rejects.toMatchObject({ code: 'ERR_RAN_ABORTED' });
  });

  test('predict before fit is an ERR_RAN_STATE error', async () => {
    const model = new Model({ kind: 'esn', options: { inputDim: 1, units: 10 } });
    await expect(model.predict(randomTensor(1, 1, 5, 1))).rejects.toMatchObject({ code: 'ERR_RAN_STATE' });
  });
});

describe('budgets and search', () => {
  test('sizes fit the budget: (features) × outputs ≤ budget', () => {
    for (const kind of ['esn', 'ran-a', 'ran-c'] as const) {
      for (const budget of [1000, 10000, 100000]) {
        const s = sizeForBudget(kind, budget, 29, 10);
        expect(s.features * 10).toBeLessThanOrEqual(budget);
        expect(s.features).toBeLessThanOrEqual(1000);
      }
    }
    expect(parseBudget('10k')).toBe(10000);
    expect(parseBudget('1M')).toBe(1000000);
    throwsCode(() => parseBudget('12q'), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => sizeForBudget('esn', 10, 29, 10), 'ERR_RAN_INVALID_ARG');
  });

  test('trial plans are reproducible and trial 0 is the defaults', () => {
    const a = planTrials({ architecture: 'ran-a', budget: 10000, trials: 5, seed: 3 }, { inputDim: 4, outputs: 3 });
    const b = planTrials({ architecture: 'ran-a', budget: 10000, trials: 5, seed: 3 }, { inputDim: 4, outputs: 3 });
    expect(a).toEqual(b);
    expect(Object.keys(a[0]!.options).sort()).toEqual(['inputDim', 'seed', 'units']);
    expect(a[1]).not.toEqual(a[2]);
  });

  test('the same search gives the same result with 0, 1 and 2 worker threads (workers 1, 2, 3)', async () => {
    const source = { name: 'adding_problem', difficulty: 'small' as const, seed: 0 };
    const configs = planTrials({ architecture: 'esn', budget: 1000, trials: 3, seed: 0 }, { inputDim: 5, outputs: 5 });
    const reqs = trialRequests(source, configs, 0, 1);
    const r0 = await runTrials(reqs, 0);
    // Real worker threads running lib/search/worker.ts from source, each with its own addon instance.
    const threadIds: number[] = [];
    const start = (): Worker => {
      const w = sourceWorker(path.join(__dirname, '..', '..', 'lib', 'search', 'worker.ts'));
      threadIds.push(w.threadId);
      return w;
    };
    // `workers` jobs at once: one in this thread, the others in workers − 1 threads.
    const r1 = await runTrials(reqs, 2, undefined, start);
    expect(threadIds).toHaveLength(1);
    const r2 = await runTrials(reqs, 3, undefined, start);
    expect(threadIds).toHaveLength(3);
    expect(new Set(threadIds).size).toBe(3);
    const key = (rs: typeof r0): number[][] => rs.map((r) => [r.id, r.valid, r.test, r.ridge]);
    expect(key(r1)).toEqual(key(r0));
    expect(key(r2)).toEqual(key(r0));
    expect(bestTrial(r0).valid).toBe(Math.min(...r0.map((r) => r.valid)));
  });
});
