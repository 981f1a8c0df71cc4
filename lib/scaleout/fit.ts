/**
 * A fit as a job over shards: shard i of n runs the reservoir over its training and
 * validation sequences and returns statistics; the statistics of all shards, summed, give
 * the model. A one-process fit is the job with one shard, so it gives the same bits as a
 * sharded one (docs/scale-out.md).
 */
import { createReservoir, type ReservoirConfig } from '../model/config';
import { crc32 } from '../model/file';
import { Model } from '../model/model';
import { DecomposedReservoir } from '../reservoirs/decomposed';
import { ErrorCodes, RanError } from '../errors';
import type { TaskData } from '../tasks/types';
import { encodeStats, type StatsJob } from './file';
import { shardRange, type Shard } from './shard';
import { shardStatistics, type ShardStatistics } from './statistics';
import { solveStatistics, type SolveReport } from './solve';

/** Options of a sharded or one-process fit. */
export interface ShardFitOptions {
  ridges: readonly number[];
  /** Sequences per native call (default 256); shards cut on multiples of it match a one-process fit bit for bit. */
  batchSize?: number;
  threads?: number;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** CRC-32s of the training and validation X, Y and T: parts of different data never merge. */
export function dataFingerprint(task: TaskData): string {
  const s = [task.train, task.valid]
    .flatMap((p) => [p.x.data, p.y.data, p.t.data])
    .map((a) => crc32(bytesOf(a)).toString(16).padStart(8, '0'));
  return `${s.join('')}${task.classification ? 'c' : 'r'}`;
}

/** The job every shard of a fit shares. */
export function fitJob(task: TaskData, config: ReservoirConfig, shards: number, options: ShardFitOptions): StatsJob {
  const res = createReservoir(config);
  try {
    if (res instanceof DecomposedReservoir && res.options.keys === 'data') {
      throw new RanError(
        ErrorCodes.INVALID_ARG,
        'a RAN-C with keys "data" fits its keys on the whole training set: use keys "random" for a sharded fit',
      );
    }
    return {
      reservoir: config,
      readout: { features: res.featureDim, outputs: task.train.y.shape[2] },
      ridges: [...options.ridges],
      classification: task.classification,
      batchSize: options.batchSize ?? 256,
      data: { fingerprint: dataFingerprint(task), train: task.train.x.shape[0], valid: task.valid.x.shape[0] },
      shards,
    };
  } finally {
    res.dispose();
  }
}

/** Runs shard i of n of a fit: its statistics. */
export async function runShard(
  task: TaskData,
  job: StatsJob,
  index: number,
  threads?: number,
): Promise<ShardStatistics> {
  const shard: Shard = { index, count: job.shards };
  const model = new Model(job.reservoir);
  try {
    return await shardStatistics(model, task.train, task.valid, {
      train: shardRange(job.data.train, shard),
      valid: shardRange(job.data.valid, shard),
      batchSize: job.batchSize,
      threads,
      classification: job.classification,
    });
  } finally {
    model.reservoir.dispose();
  }
}

/** The bytes of shard i's `.ranstats` file. */
export function encodeShard(
  job: StatsJob,
  index: number,
  stats: ShardStatistics,
  library: { name: string; version: string },
): Uint8Array {
  const shard: Shard = { index, count: job.shards };
  return encodeStats(
    {
      library,
      job,
      shard: { index, train: shardRange(job.data.train, shard), valid: shardRange(job.data.valid, shard) },
    },
    stats,
  );
}

/** A one-process fit: the job with one shard, solved. */
export async function fitInOneProcess(
  task: TaskData,
  config: ReservoirConfig,
  options: ShardFitOptions,
): Promise<{ model: Model; report: SolveReport }> {
  const job = fitJob(task, config, 1, options);
  const stats = await runShard(task, job, 0, options.threads);
  return solveStatistics(config, stats, job.ridges);
}
