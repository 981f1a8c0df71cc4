/**
 * Concurrent runs on one reservoir (issue 16): runs that reset each have their own state,
 * the weights are shared read-only, and every call gets the same bits as when the calls
 * run one after another — for any pool size and any per-call thread count. ERR_RAN_BUSY
 * remains for carried state, reset/dispose during calls and one readout trained twice.
 */
import { ESN } from '../../lib/reservoirs/esn';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import type { Reservoir, RunOptions, RunResult } from '../../lib/reservoirs/reservoir';
import { native } from '../../lib/native';
import { randomTensor, sameBits } from '../helpers';

const pool = (size?: number): { size: number; peak: number } =>
  (native() as unknown as { threadPool(size?: number): { size: number; peak: number } }).threadPool(size);
const originalSize = pool().size;
afterAll(() => pool(originalSize));

function reservoirs(): [string, Reservoir][] {
  return [
    ['esn', new ESN({ inputDim: 2, units: 60, seed: 4 })],
    ['ran-a', new AttentionReservoir({ inputDim: 2, units: 6, width: 8, context: 5, seed: 4 })],
    [
      'ran-c',
      new DecomposedReservoir({
        inputDim: 2,
        attentionUnits: 3,
        memoryUnits: 3,
        width: 4,
        context: 3,
        slots: 5,
        seed: 4,
      }),
    ],
  ];
}

/** Calls of different batch sizes (tiles of 1, 4, 8 and 16 lanes), each asking for states and outputs. */
function calls(res: Reservoir): { x: ReturnType<typeof randomTensor>; options: RunOptions }[] {
  const readout = res.createReadout(2);
  const xt = randomTensor(90, 3, 30, 2);
  res.run(xt, { train: { readout, targets: randomTensor(91, 3, 30, 2), select: { washout: 5 } } });
  readout.solve();
  return [1, 3, 7, 17, 33, 2, 16, 9].map((b, i) => ({
    x: randomTensor(100 + i, b, 12 + i, 2),
    options: {
      states: true,
      readout,
      threads: 1 + (i % 3),
      ...(res.kind === 'ran-a' ? { attentionUnits: [0, 2] } : {}),
    },
  }));
}

function same(a: RunResult, b: RunResult): boolean {
  return (
    sameBits(a.states!.data, b.states!.data) &&
    sameBits(a.outputs!.data, b.outputs!.data) &&
    (a.attention === undefined) === (b.attention === undefined) &&
    (a.attention === undefined || sameBits(a.attention.data, b.attention!.data))
  );
}

describe('concurrent runs on one reservoir', () => {
  for (const size of [1, 2, 4]) {
    test(`concurrent async and sync runs equal sequential runs, bit for bit (pool of ${size})`, async () => {
      pool(size);
      for (const [, res] of reservoirs()) {
        const list = calls(res);
        const sequential = list.map((c) => res.run(c.x, c.options));
        pool();
        const pending = list.map((c) => res.runAsync(c.x, c.options));
        const syncMeanwhile = res.run(list[2]!.x, list[2]!.options); // while the others run
        const concurrent = await Promise.all(pending);
        expect(pool().peak).toBeLessThanOrEqual(size);
        concurrent.forEach((r, i) => expect(same(r, sequential[i]!)).toBe(true));
        expect(same(syncMeanwhile, sequential[2]!)).toBe(true);
        res.dispose();
      }
    });
  }

  test('training runs into different readouts at once give the statistics of sequential runs', async () => {
    const res = new AttentionReservoir({ inputDim: 2, units: 4, width: 8, context: 3, seed: 2 });
    const xs = [5, 17, 2].map((b, i) => randomTensor(200 + i, b, 20, 2));
    const ys = xs.map((x, i) => randomTensor(300 + i, x.shape[0], 20, 1));
    const seq = xs.map((x, i) => {
      const r = res.createReadout(1);
      res.run(x, { train: { readout: r, targets: ys[i]!, select: { washout: 3 } } });
      return r.exportStatistics();
    });
    const readouts = xs.map(() => res.createReadout(1));
    await Promise.all(
      xs.map((x, i) =>
        res.runAsync(x, { threads: 2, train: { readout: readouts[i]!, targets: ys[i]!, select: { washout: 3 } } }),
      ),
    );
    readouts.forEach((r, i) => {
      const s = r.exportStatistics();
      expect(sameBits(s.xtx, seq[i]!.xtx)).toBe(true);
      expect(sameBits(s.xty, seq[i]!.xty)).toBe(true);
    });
  });

  test('the carried state after concurrent calls is the one the last started call left', async () => {
    const res = new ESN({ inputDim: 1, units: 50, seed: 8 });
    const long = randomTensor(1, 4, 3000, 1);
    const short = randomTensor(2, 4, 5, 1);
    const next = randomTensor(3, 4, 6, 1);
    const expected = (() => {
      res.run(short);
      return res.run(next, { states: true, reset: false }).states!.data;
    })();
    const a = res.runAsync(long); // started first, ends last
    const b = res.runAsync(short);
    await Promise.all([a, b]);
    expect(res.stepCount).toBe(5);
    expect(sameBits(res.run(next, { states: true, reset: false }).states!.data, expected)).toBe(true);
  });
});

describe('ERR_RAN_BUSY only where it protects something', () => {
  const busy = { code: 'ERR_RAN_BUSY' };

  test('a run with reset: false waits for no one: it is refused while other runs are in progress', async () => {
    const res = new ESN({ inputDim: 1, units: 200, seed: 3 });
    const x = randomTensor(5, 32, 400, 1);
    const first = res.runAsync(x);
    expect(() => res.run(x, { reset: false })).toThrow(expect.objectContaining(busy));
    await expect(res.runAsync(x, { reset: false })).rejects.toMatchObject(busy);
    await expect(res.runAsync(x)).resolves.toBeDefined(); // a reset run is not refused
    await first;
    expect(() => res.run(x, { reset: false })).not.toThrow();
  });

  test('reset() during a reset: false run, dispose() during any run', async () => {
    const res = new ESN({ inputDim: 1, units: 200, seed: 3 });
    const x = randomTensor(5, 32, 400, 1);
    res.run(x);
    const carried = res.runAsync(x, { reset: false });
    expect(() => res.reset()).toThrow(expect.objectContaining(busy));
    expect(() => res.dispose()).toThrow(expect.objectContaining(busy));
    await carried;
    const fresh = res.runAsync(x);
    expect(() => res.reset()).not.toThrow(); // a reset run does not use the carried state
    expect(() => res.dispose()).toThrow(expect.objectContaining(busy));
    await fresh;
    expect(res.stepCount).toBe(0); // reset() came after `fresh` started: it wins
    res.dispose();
  });

  test('one readout trained by two calls at once', async () => {
    const res = new ESN({ inputDim: 1, units: 200, seed: 3 });
    const x = randomTensor(5, 32, 400, 1);
    const readout = res.createReadout(1);
    const first = res.runAsync(x, { train: { readout, targets: x, select: { washout: 0 } } });
    await expect(res.runAsync(x, { train: { readout, targets: x, select: { washout: 0 } } })).rejects.toMatchObject(
      busy,
    );
    await first;
    expect(readout.rows).toBe(32 * 400);
  });

  test('an abort cancels its own call only', async () => {
    const res = new ESN({ inputDim: 1, units: 300, connectivity: 1, seed: 3 });
    const x = randomTensor(5, 16, 4000, 1);
    const ctl = new AbortController();
    const aborted = res.runAsync(x, { signal: ctl.signal, threads: 1 });
    const other = res.runAsync(x, { states: true, threads: 1 });
    setTimeout(() => ctl.abort(), 20);
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_RAN_ABORTED' });
    const done = await other;
    expect(sameBits(done.states!.data, res.run(x, { states: true }).states!.data)).toBe(true);
  });
});

describe('the ridge kernel draws its threads from the same pool', () => {
  test('concurrent addRowsAsync on several statistics: the bits of one thread, the peak within the pool', async () => {
    const { Ridge } = await import('../../lib/readout/ridge');
    const rows = 3000,
      f = 150;
    const x = randomTensor(7, 1, rows, f).data;
    const y = randomTensor(8, 1, rows, 2).data;
    const one = new Ridge({ features: f, outputs: 2 });
    one.addRows(x, y, { threads: 1 });
    for (const size of [1, 3]) {
      pool(size);
      pool();
      const many = [0, 1, 2, 3].map(() => new Ridge({ features: f, outputs: 2 }));
      await Promise.all(many.map((r) => r.stats.addRowsAsync(x, y, { threads: 4 })));
      expect(pool().peak).toBeLessThanOrEqual(size);
      for (const r of many) {
        expect(sameBits(r.exportStatistics().xtx, one.exportStatistics().xtx)).toBe(true);
        expect(sameBits(r.exportStatistics().xty, one.exportStatistics().xty)).toBe(true);
      }
    }
  });
});

describe('one readout trained over several runs', () => {
  // Each run merges its statistics into the readout while its own worker lease is alive; that
  // merge leases workers again, and used to wait forever for a slot the run itself held.
  test.each([
    [1, 1],
    [1, 2],
    [2, 2],
    [4, 3],
  ])(
    'pool of %i, %i threads per call: sync and async runs complete, same weights as pool 1',
    async (size, threads) => {
      const solveAfterThreeRuns = async (poolSize: number, t: number): Promise<Float64Array> => {
        pool(poolSize);
        const res = new ESN({ inputDim: 2, units: 40, seed: 9 });
        const readout = res.createReadout(1);
        for (let k = 0; k < 3; k++) {
          const x = randomTensor(40 + k, 64, 12, 2);
          const train = { readout, targets: randomTensor(50 + k, 64, 12, 1), select: 'last' as const };
          if (k === 1) res.run(x, { threads: t, train });
          else await res.runAsync(x, { threads: t, train });
        }
        const w = readout.solve(1e-3);
        res.dispose();
        return w;
      };
      const reference = await solveAfterThreeRuns(1, 1);
      expect(sameBits(await solveAfterThreeRuns(size, threads), reference)).toBe(true);
    },
    60_000,
  );
});
