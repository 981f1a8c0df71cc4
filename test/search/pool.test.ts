import * as path from 'path';
import type { Worker } from 'worker_threads';
import { TrialPool } from '../../lib/search/pool';
import { planTrials, trialRequests } from '../../lib/search/search';
import type { AttentionResult } from '../../lib/search/job';
import type { TrialResult } from '../../lib/search/trial';
import { attentionOf } from '../../lib/search/job';
import { sourceWorker } from '../source-worker';
import { clearRecurrentCache } from '../../lib/reservoirs/recurrentCache';

const source = { name: 'adding_problem', difficulty: 'small' as const, seed: 0 };

function start(ids: number[]): () => Worker {
  return () => {
    const w = sourceWorker(path.join(__dirname, '..', '..', 'lib', 'search', 'worker.ts'));
    ids.push(w.threadId);
    return w;
  };
}

describe('TrialPool', () => {
  test('keeps its threads across batches, and results do not depend on the number of workers', async () => {
    const configs = planTrials(
      { architecture: 'ran-a', budget: 1000, trials: 4, seed: 1 },
      { inputDim: 5, outputs: 5 },
    );
    const first = trialRequests(source, configs.slice(0, 2), 0, 1);
    const second = trialRequests(source, configs.slice(2), 2, 1);
    const key = (rs: TrialResult[]): number[][] => rs.map((r) => [r.id, r.valid, r.test, r.ridge]);
    const inThread = new TrialPool(0);
    const expected = [...(await inThread.run<TrialResult>(first)), ...(await inThread.run<TrialResult>(second))];
    await inThread.close();
    expect(expected.every((r) => r.error === undefined)).toBe(true);
    for (const workers of [2, 3]) {
      const ids: number[] = [];
      const pool = new TrialPool(workers, start(ids));
      try {
        const got = [...(await pool.run<TrialResult>(first)), ...(await pool.run<TrialResult>(second))];
        expect(key(got)).toEqual(key(expected));
        // The attention replay of a config comes from a worker, as it would in this thread.
        const [use] = await pool.run<AttentionResult>([
          { job: 'attention', id: 0, task: source, config: configs[1]!, affinity: first[1]!.affinity },
        ]);
        expect(use!.attention).toEqual(attentionOf(configs[1]!, source));
        expect(use!.attention).toBeDefined();
      } finally {
        await pool.close();
      }
      // Batches of 2 jobs: one runs in this thread, the other in the one worker thread started.
      expect(ids).toHaveLength(1);
      expect(pool.threads).toBe(1);
    }
  }, 120_000);

  test('a matrix drawn by one worker is handed to the other: drawn once, same results as in one thread', async () => {
    // Four ESN trials on one recurrent matrix (same seed, size, connectivity), different ρ.
    const configs = [0.5, 0.7, 0.9, 1.1].map((spectralRadius) => ({
      kind: 'esn' as const,
      options: { inputDim: 5, units: 300, seed: 7, connectivity: 0.1, spectralRadius },
    }));
    const first = trialRequests(source, configs.slice(0, 1), 0, 1);
    const second = trialRequests(source, configs.slice(1), 1, 1);
    expect(new Set([...first, ...second].map((r) => r.affinity)).size).toBe(1);
    const key = (rs: TrialResult[]): number[][] => rs.map((r) => [r.id, r.valid, r.validMse, r.test, r.ridge]);
    const inThread = new TrialPool(0);
    const expected = [...(await inThread.run<TrialResult>(first)), ...(await inThread.run<TrialResult>(second))];
    clearRecurrentCache(); // the in-thread run above cached the matrix in this thread
    const ids: number[] = [];
    const pool = new TrialPool(3, start(ids));
    try {
      // The first batch (one job) runs in this thread, which draws the matrix; the second
      // starts two worker threads, which must get the matrix from the pool rather than draw it.
      const got = [...(await pool.run<TrialResult>(first)), ...(await pool.run<TrialResult>(second))];
      expect(ids).toHaveLength(2);
      expect(pool.threads).toBe(2);
      expect(key(got)).toEqual(key(expected));
      expect(got.every((r) => r.error === undefined)).toBe(true);
      expect(pool.matricesDrawn).toBe(1);
      expect(await pool.run<TrialResult>([])).toEqual([]); // an empty batch (a search without a round 2)
    } finally {
      await pool.close();
    }
  }, 120_000);
});
