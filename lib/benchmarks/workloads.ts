/**
 * The fixed benchmark workloads of shared/spec/bench-workloads.md (W1, W2, W3, W3F, W4, W5)
 * at exactly the spec's sizes, float32 unless stated, with fixed seeds. `quick` gives
 * reduced sizes for smoke runs (their JSON lines carry `"quick": true` and are not
 * comparable with full runs).
 */
import { AttentionReservoir, ESN, Model, Random, Ridge, type Tensor3 } from '../index';
import { loadMnist, mnistSequences, type MnistSequences } from '../tasks/mnist';

/** Seed of every weight and every input of the benchmarks (the peers use the same number). */
export const SEED = 20240601;

/** Workload ids in run order. */
export const WORKLOADS = ['W1', 'W2', 'W3', 'W3F', 'W4', 'W5'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

/** The spec's metric of each workload. */
export const METRIC: Record<WorkloadId, string> = {
  W1: 'steps_per_s',
  W2: 'seq_steps_per_s',
  W3: 'seq_steps_per_s',
  W3F: 'seq_steps_per_s',
  W4: 'fits_per_s',
  W5: 'seconds',
};

export interface EsnSizes {
  units: number;
  inputDim: number;
  batch: number;
  steps: number;
  connectivity: number;
  spectralRadius: number;
  leakRate: number;
}

export interface AttentionSizes {
  units: number;
  width: number;
  context: number;
  heads: number;
  ffHidden: number;
  activation: 'relu';
  connectivity: number;
  spectralRadius: number;
  leakRate: number;
  inputDim: number;
  batch: number;
  steps: number;
}

export interface RidgeSizes {
  rows: number;
  features: number;
  outputs: number;
  ridge: number;
  /** Rows per addRows call (the rows stream into the statistics in chunks). */
  chunk: number;
}

export interface MnistSizes {
  train: number;
  test: number;
  /**
   * Digits (disjoint from train and test) on which λ is chosen among `ridges`, from one
   * accumulation and one eigendecomposition; their run is part of the timed training.
   */
  valid: number;
  /**
   * Candidate λ: one per decade 1e-6 … 1e2. (Below that, XᵀX + λI of these digits is close to
   * singular: some pixel rows are 0 in every digit.)
   */
  ridges: readonly number[];
}

export interface Sizes {
  W1: EsnSizes;
  W2: EsnSizes;
  W3: AttentionSizes;
  W3F: AttentionSizes;
  W4: RidgeSizes;
  W5: MnistSizes;
}

/** The spec's sizes (quick = false) or reduced smoke-run sizes. */
export function sizes(quick = false): Sizes {
  const w3: AttentionSizes = {
    units: 64,
    width: 16,
    context: 8,
    heads: 1,
    ffHidden: 0,
    activation: 'relu',
    connectivity: 0.1,
    spectralRadius: 0.9,
    leakRate: 0.3,
    inputDim: 28,
    batch: 100,
    steps: 28,
  };
  const s: Sizes = {
    W1: { units: 1000, inputDim: 1, batch: 1, steps: 10000, connectivity: 0.1, spectralRadius: 0.9, leakRate: 0.3 },
    // connectivity 1: the ESN then stores W dense (dense when connectivity ≥ 1/3).
    W2: { units: 1000, inputDim: 28, batch: 100, steps: 28, connectivity: 1, spectralRadius: 0.9, leakRate: 0.3 },
    W3: w3,
    W3F: { ...w3, ffHidden: 64 },
    W4: { rows: 100000, features: 1000, outputs: 10, ridge: 1e-6, chunk: 10000 },
    W5: { train: 2000, test: 500, valid: 500, ridges: [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100] },
  };
  if (quick) {
    s.W1.steps = 1000;
    s.W4.rows = 10000;
    s.W5.train = 500;
    s.W5.test = 200;
    s.W5.valid = 200;
  }
  return s;
}

/** Uniform [lo, hi) float32 inputs [B, T, D] from a seeded generator. */
export function uniformInput(batch: number, steps: number, dim: number, seed: number, lo = 0, hi = 1): Tensor3 {
  const rng = new Random(seed);
  const data = new Float32Array(batch * steps * dim);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniformIn(lo, hi);
  return { data, shape: [batch, steps, dim] };
}

/** An ESN workload (W1, W2): the network, its input, and the sequence-steps of one run. */
export interface EsnWorkload {
  esn: ESN;
  x: Tensor3;
  units: number;
}

export function esnWorkload(s: EsnSizes, inputSeed: number): EsnWorkload {
  const esn = new ESN({
    inputDim: s.inputDim,
    units: s.units,
    connectivity: s.connectivity,
    spectralRadius: s.spectralRadius,
    leakRate: s.leakRate,
    seed: SEED,
  });
  // W1 input in [-1, 1] (a driving signal), W2 in [0, 1] (pixel-like columns), as the peers.
  const x =
    s.inputDim === 1
      ? uniformInput(s.batch, s.steps, 1, inputSeed, -1, 1)
      : uniformInput(s.batch, s.steps, s.inputDim, inputSeed);
  return { esn, x, units: s.batch * s.steps };
}

/** An attention-reservoir workload (W3, W3F). */
export interface AttentionWorkload {
  reservoir: AttentionReservoir;
  x: Tensor3;
  units: number;
}

export function attentionWorkload(s: AttentionSizes, inputSeed: number): AttentionWorkload {
  const reservoir = new AttentionReservoir({
    inputDim: s.inputDim,
    units: s.units,
    width: s.width,
    context: s.context,
    heads: s.heads,
    ffHidden: s.ffHidden,
    activation: s.activation,
    connectivity: s.connectivity,
    spectralRadius: s.spectralRadius,
    leakRate: s.leakRate,
    seed: SEED,
  });
  return { reservoir, x: uniformInput(s.batch, s.steps, s.inputDim, inputSeed), units: s.batch * s.steps };
}

/** W4 data: X [rows × features] standard normal, Y = X B + 0.01 noise (float64), made once. */
export interface RidgeData {
  x: Float64Array;
  y: Float64Array;
}

export function ridgeData(s: RidgeSizes, seed: number): RidgeData {
  const rng = new Random(seed);
  const { rows, features: f, outputs: o } = s;
  const beta = new Float64Array(f * o);
  for (let i = 0; i < beta.length; i++) beta[i] = rng.normal();
  const x = new Float64Array(rows * f);
  const y = new Float64Array(rows * o);
  for (let r = 0; r < rows; r++) {
    const xr = r * f;
    for (let j = 0; j < f; j++) x[xr + j] = rng.normal();
    for (let k = 0; k < o; k++) {
      let acc = 0;
      for (let j = 0; j < f; j++) acc += x[xr + j]! * beta[j * o + k]!;
      y[r * o + k] = acc + 0.01 * rng.normal();
    }
  }
  return { x, y };
}

/**
 * One W4 fit on a single readout: all rows streamed in chunks, each accumulated by `threads`
 * native threads (`addRows(x, y, { threads })`), then the Cholesky solve.
 */
export function ridgeFit(s: RidgeSizes, d: RidgeData, threads = 1): Float64Array {
  const ridge = new Ridge({ features: s.features, outputs: s.outputs });
  const f = s.features,
    o = s.outputs;
  for (let r0 = 0; r0 < s.rows; r0 += s.chunk) {
    const r1 = Math.min(s.rows, r0 + s.chunk);
    ridge.addRows(d.x.subarray(r0 * f, r1 * f), d.y.subarray(r0 * o, r1 * o), { threads });
  }
  return ridge.solve(s.ridge);
}

/**
 * One W4 fit with `parts` readouts accumulating disjoint row ranges concurrently
 * (`stats.addRowsAsync`, off the event loop, one thread each), merged in order, then solved:
 * the way to use several cores before `addRows` took `threads` (no longer timed by run.ts).
 */
export async function ridgeFitParallel(s: RidgeSizes, d: RidgeData, parts: number): Promise<Float64Array> {
  const f = s.features,
    o = s.outputs;
  const readouts = Array.from({ length: parts }, () => new Ridge({ features: f, outputs: o }));
  const per = Math.ceil(s.rows / parts);
  await Promise.all(
    readouts.map(async (ridge, p) => {
      const end = Math.min(s.rows, (p + 1) * per);
      for (let r0 = p * per; r0 < end; r0 += s.chunk) {
        const r1 = Math.min(end, r0 + s.chunk);
        await ridge.stats.addRowsAsync(d.x.subarray(r0 * f, r1 * f), d.y.subarray(r0 * o, r1 * o));
      }
    }),
  );
  for (let p = 1; p < parts; p++) readouts[0]!.merge(readouts[p]!);
  return readouts[0]!.solve(s.ridge);
}

/** W5 data: a seeded permutation of the built-in 10 000-digit pool: `train`, then `test`, then `valid` digits. */
export interface MnistData {
  train: MnistSequences;
  test: MnistSequences;
  valid: MnistSequences;
}

export function mnistData(s: MnistSizes): MnistData {
  const pool = loadMnist();
  const perm = new Random(SEED).permutation(pool.count);
  return {
    train: mnistSequences(pool, perm.slice(0, s.train)),
    test: mnistSequences(pool, perm.slice(s.train, s.train + s.test)),
    valid: mnistSequences(pool, perm.slice(s.train + s.test, s.train + s.test + s.valid)),
  };
}

/** One W5 run: RAN-A at its default size, fit on the train digits, error rate on the test digits. */
export async function mnistEndToEnd(
  s: MnistSizes,
  d: MnistData,
  threads: number,
): Promise<{ error: number; ridge: number; fitMs: number; testMs: number; architecture: string }> {
  const t0 = process.hrtime.bigint();
  const model = new Model({ kind: 'ran-a', options: { inputDim: 28, seed: 0 } });
  const report = await model.fit(
    { x: d.train.x, y: d.train.y, t: d.train.t },
    { ridges: s.ridges, validation: { x: d.valid.x, y: d.valid.y, t: d.valid.t }, classification: true, threads },
  );
  const t1 = process.hrtime.bigint();
  const error = await model.evaluate({ x: d.test.x, y: d.test.y, t: d.test.t }, true, { threads });
  const t2 = process.hrtime.bigint();
  model.reservoir.dispose();
  const o = model.reservoir.options as unknown as { units: number; width: number; context: number; ffHidden: number };
  return {
    error,
    ridge: report.ridge,
    fitMs: Number(t1 - t0) / 1e6,
    testMs: Number(t2 - t1) / 1e6,
    architecture: `ran-a default (units ${o.units}, width ${o.width}, context ${o.context}, ffHidden ${o.ffHidden})`,
  };
}
