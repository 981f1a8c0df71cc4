/**
 * Sharded fit: statistics of shards, merged, against the one-process fit of the same data;
 * λ chosen on validation statistics against `Model.fit`'s choice; the .ranstats format.
 */
import { Model } from '../../lib/model/model';
import type { ReservoirConfig } from '../../lib/model/config';
import { Random } from '../../lib/random';
import { roundExact } from '../../lib/scaleout/exact';
import { decodeStats } from '../../lib/scaleout/file';
import { encodeShard, fitInOneProcess, fitJob, runShard } from '../../lib/scaleout/fit';
import { checkParts, sumParts } from '../../lib/scaleout/merge';
import type { StatsPart } from '../../lib/scaleout/file';

type NamedPart = StatsPart & { name: string };
import { batchesOf, parseShard, shardRange } from '../../lib/scaleout/shard';
import { solveStatistics } from '../../lib/scaleout/solve';
import type { TaskData } from '../../lib/tasks/types';
import { maxError, randomTensor, sameBits } from '../helpers';

const LIB = { name: 'test', version: '0' };

/** A task of random inputs: regression targets are a delayed input, classes the sign of a sum. */
function makeTask(seed: number, classification: boolean, counts = { train: 40, valid: 20, test: 10 }): TaskData {
  const t = 12;
  const split = (s: number, b: number) => {
    const x = randomTensor(seed * 10 + s, b, t, 2);
    const o = classification ? 3 : 2;
    const y = new Float32Array(b * t * o);
    const n = classification ? 2 : 8;
    const steps = new Int32Array(b * n);
    const rng = new Random(seed * 100 + s);
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < n; k++) steps[i * n + k] = classification ? t - n + k : 4 + k;
      for (let j = 1; j < t; j++) {
        if (classification) {
          const c = x.data[(i * t + j - 1) * 2]! + x.data[(i * t + j) * 2 + 1]! > 0 ? (rng.uniform() < 0.9 ? 1 : 2) : 0;
          y[(i * t + j) * o + c] = 1;
        } else {
          for (let d = 0; d < o; d++) y[(i * t + j) * o + d] = x.data[(i * t + j - 1) * 2 + d]! * (d + 1);
        }
      }
    }
    return {
      x,
      y: { data: y, shape: [b, t, o] as [number, number, number] },
      t: { data: steps, shape: [b, n] as [number, number] },
    };
  };
  return { classification, train: split(1, counts.train), valid: split(2, counts.valid), test: split(3, counts.test) };
}

const ESN: ReservoirConfig = { kind: 'esn', options: { inputDim: 2, units: 24, seed: 3 } };
const RANA: ReservoirConfig = { kind: 'ran-a', options: { inputDim: 2, units: 6, seed: 4 } };
const RIDGES = [1e-8, 1e-6, 1e-4, 1e-2, 1];

/** Shards 0..n−1 of a fit, each written to bytes and read back as `ran merge` reads them. */
async function shardParts(task: TaskData, config: ReservoirConfig, n: number, batchSize: number): Promise<NamedPart[]> {
  const job = fitJob(task, config, n, { ridges: RIDGES, batchSize });
  const parts: NamedPart[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const bytes = encodeShard(job, i, await runShard(task, job, i, 1), LIB);
    parts.push({ name: `part-${i}`, ...decodeStats(bytes, `part-${i}`) });
  }
  return parts;
}

describe('shards', () => {
  test('parseShard, shardRange and batchesOf', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['8/8', '-1/2', '1', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow(/--shard/);
    const cover: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [a, b] = shardRange(45, { index: i, count: 7 });
      for (let s = a; s < b; s++) cover.push(s);
    }
    expect(cover).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(batchesOf(3, 17, 5)).toEqual([
      [3, 5],
      [5, 10],
      [10, 15],
      [15, 17],
    ]);
  });
});

describe('sharded fit', () => {
  test('exported XᵀX is symmetric bit for bit (the file stores its upper triangle)', async () => {
    const task = makeTask(1, false);
    const job = fitJob(task, RANA, 1, { ridges: RIDGES, batchSize: 7 });
    const s = await runShard(task, job, 0, 2);
    const f = s.features;
    const xtx = roundExact(s.train.xtx);
    for (let i = 0; i < f; i++)
      for (let j = 0; j < i; j++) expect(Object.is(xtx[i * f + j], xtx[j * f + i])).toBe(true);
  });

  test.each([
    ['esn', false],
    ['ran-a', false],
    ['esn', true],
    ['ran-a', true],
  ] as const)(
    '%s (classification %s): n = 2, 4 shards on batch boundaries give the one-process model bit for bit',
    async (name, classification) => {
      const config = name === 'esn' ? ESN : RANA;
      const task = makeTask(2, classification);
      const one = await fitInOneProcess(task, config, { ridges: RIDGES, batchSize: 5, threads: 2 });
      const expected = await one.model.predict(task.test.x);
      for (const n of [2, 4]) {
        const parts = await shardParts(task, config, n, 5);
        const { model, report } = await solveStatistics(
          config,
          sumParts(checkParts(parts).map((p) => p.stats)),
          RIDGES,
        );
        expect(report.ridge).toBe(one.report.ridge);
        expect(report.validation).toEqual(one.report.validation);
        expect(sameBits(model.readout!.weights!, one.model.readout!.weights!)).toBe(true);
        expect(sameBits((await model.predict(task.test.x)).data, expected.data)).toBe(true);
        model.reservoir.dispose();
      }
      one.model.reservoir.dispose();
    },
  );

  test('more shards than sequences (empty shards) still give the one-process model, with batches of one sequence', async () => {
    const task = makeTask(7, false, { train: 12, valid: 5, test: 3 });
    const one = await fitInOneProcess(task, ESN, { ridges: RIDGES, batchSize: 1 });
    const parts = await shardParts(task, ESN, 16, 1);
    expect(parts.filter((p) => p.stats.train.rows === 0).length).toBe(4);
    const { model } = await solveStatistics(ESN, sumParts(checkParts(parts).map((p) => p.stats)), RIDGES);
    expect(sameBits(model.readout!.weights!, one.model.readout!.weights!)).toBe(true);
    model.reservoir.dispose();
    one.model.reservoir.dispose();
  });

  test('shards off the batch boundaries: statistics within relative 1e-12 of the one-process fit', async () => {
    const task = makeTask(3, false, { train: 43, valid: 17, test: 5 });
    const job = fitJob(task, RANA, 1, { ridges: RIDGES, batchSize: 8 });
    const whole = await runShard(task, job, 0, 1);
    for (const n of [3, 5]) {
      const merged = sumParts(checkParts(await shardParts(task, RANA, n, 8)).map((p) => p.stats));
      expect(merged.train.rows).toBe(whole.train.rows);
      for (const [a, b] of [
        [merged.train.xtx, whole.train.xtx],
        [merged.train.xty, whole.train.xty],
      ]) {
        const ra = roundExact(a!);
        const rb = roundExact(b!);
        const scale = rb.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(maxError(ra, rb, 1e-12 * scale, 1e-12)).toBeLessThanOrEqual(1);
      }
    }
  });

  test.each([false, true])(
    'λ chosen on validation statistics as Model.fit chooses it (classification %s)',
    async (classification) => {
      const task = makeTask(4, classification);
      const ours = await fitInOneProcess(task, ESN, { ridges: RIDGES, batchSize: 16 });
      const lib = new Model(ESN);
      const fit = await lib.fit(task, { ridges: RIDGES, batchSize: 16 });
      expect(ours.report.ridge).toBe(fit.ridge);
      const a = ours.report.validation!.map((v) => v.score);
      const b = fit.validation!.map((v) => v.score);
      // MSE from the Gram form against MSE of float32 outputs; error rates from float32 outputs on both sides.
      expect(maxError(a, b, 1e-9, classification ? 0 : 1e-5)).toBeLessThanOrEqual(1);
      // The tie-break: validation MSE of the outputs (from rows or from the Gram form).
      const ma = ours.report.validation!.map((v) => v.mse);
      const mb = fit.validation!.map((v) => v.mse);
      expect(maxError(ma, mb, 1e-9, 1e-5)).toBeLessThanOrEqual(1);
      const p = await ours.model.predict(task.test.x);
      const q = await lib.predict(task.test.x);
      expect(maxError(p.data, q.data, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      ours.model.reservoir.dispose();
      lib.reservoir.dispose();
    },
  );
});

describe('.ranstats parts', () => {
  let parts: NamedPart[];
  let bytes: Uint8Array;
  const task = makeTask(5, false, { train: 12, valid: 6, test: 2 });
  beforeAll(async () => {
    parts = await shardParts(task, ESN, 3, 4);
    const job = fitJob(task, ESN, 3, { ridges: RIDGES, batchSize: 4 });
    bytes = encodeShard(job, 1, await runShard(task, job, 1, 1), LIB);
  });

  test('a corrupted, truncated or foreign-format file is refused with its name', () => {
    const bad = bytes.slice();
    bad[bad.length - 3]! ^= 1;
    expect(() => decodeStats(bad, 'p.ranstats')).toThrow(/p\.ranstats: checksum mismatch/);
    expect(() => decodeStats(bytes.subarray(0, bytes.length - 8), 'p.ranstats')).toThrow(/p\.ranstats: truncated/);
    expect(() => decodeStats(new Uint8Array(40), 'p.ranstats')).toThrow(/not a \.ranstats file/);
    try {
      decodeStats(bad, 'x');
    } catch (e) {
      expect((e as { code: string }).code).toBe('ERR_RAN_STATS_FILE');
    }
  });

  test('a missing, duplicated or foreign part is an error naming it', async () => {
    expect(() => checkParts(parts.filter((p) => p.name !== 'part-1'))).toThrow(/missing shard\(s\) 1\/3/);
    expect(() => checkParts([...parts, { ...parts[0]!, name: 'copy' }])).toThrow(
      /given twice: part-\d and copy|given twice: copy/,
    );
    const job = fitJob(task, { kind: 'esn', options: { ...ESN.options, seed: 99 } }, 3, {
      ridges: RIDGES,
      batchSize: 4,
    });
    const foreign = { name: 'other-1', ...decodeStats(encodeShard(job, 1, await runShard(task, job, 1, 1), LIB)) };
    expect(() => checkParts([parts[0]!, foreign, parts[2]!])).toThrow(/other-1 is foreign: its "reservoir" differs/);
    const otherData = makeTask(6, false, { train: 12, valid: 6, test: 2 });
    const job2 = fitJob(otherData, ESN, 3, { ridges: RIDGES, batchSize: 4 });
    const foreign2 = {
      name: 'data-1',
      ...decodeStats(encodeShard(job2, 1, await runShard(otherData, job2, 1, 1), LIB)),
    };
    expect(() => checkParts([parts[0]!, parts[1]!, parts[2]!, foreign2])).toThrow(
      /data-1 is foreign: its "data" differs/,
    );
  });

  test('a RAN-C with data keys is refused for a sharded fit', () => {
    expect(() =>
      fitJob(task, { kind: 'ran-c', options: { inputDim: 2, attentionUnits: 2, memoryUnits: 1, keys: 'data' } }, 2, {
        ridges: RIDGES,
      }),
    ).toThrow(/keys "random"/);
  });
});
