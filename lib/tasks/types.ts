/**
 * Shared types and helpers of the STREAM task generators
 * (see `shared/spec/stream-tasks.md`, sections 1.2–1.4).
 */
import { checkBytes, count, record } from '../bounds';
import { Random } from '../random';
import type { IndexMatrix, Tensor3 } from '../tensor';

/** One split of a STREAM task: inputs `X`, targets `Y` and prediction steps `T` (spec §1.2). */
export interface Split {
  /** Inputs, shape [B, N, D_in]. */
  readonly x: Tensor3;
  /** Targets, shape [B, N, D_out]. */
  readonly y: Tensor3;
  /** Prediction time steps of each sample, shape [B, n_T]. */
  readonly t: IndexMatrix;
}

/** The three splits of a generated task plus the scoring kind (the reference's returned dict). */
export interface TaskData {
  /** True → scored by error rate, false → by MSE (spec §1.5). */
  readonly classification: boolean;
  /** Training split. */
  readonly train: Split;
  /** Validation split. */
  readonly valid: Split;
  /** Test split (the one scores are reported on). */
  readonly test: Split;
}

/** Sample counts of a multi-sequence task (spec §1.3). */
export interface SampleCounts {
  /** Number of training samples. */
  readonly n_train: number;
  /** Number of validation samples. */
  readonly n_valid: number;
  /** Number of test samples. */
  readonly n_test: number;
}

/**
 * Layout and one-sample procedure of a multi-sequence task. `write` fills the zeroed
 * rows of one sample: `x` has N·D_in entries, `y` N·D_out, `t` n_T.
 */
export interface SampleSpec {
  /** Time length N of every sample. */
  readonly steps: number;
  /** Input width D_in. */
  readonly dIn: number;
  /** Output width D_out. */
  readonly dOut: number;
  /** Number of prediction steps n_T. */
  readonly nT: number;
  /** Draws one sample from `rng` and writes it into the (zero-filled) views. */
  write(rng: Random, x: Float32Array, y: Float32Array, t: Int32Array): void;
}

/** Throws ERR_RAN_INVALID_ARG unless `v` is an integer in [`min`, 2^31 − 1]. */
export function checkInt(name: string, v: number, min: number): void {
  count(name, v, min);
}

/** Checks the sample counts of a multi-sequence task (an object of integers in [0, 2^31 − 1]). */
export function checkCounts(c: SampleCounts): void {
  record('params', c, 'an object of task parameters');
  checkInt('n_train', c.n_train, 0);
  checkInt('n_valid', c.n_valid, 0);
  checkInt('n_test', c.n_test, 0);
}

/** Throws ERR_RAN_TOO_LARGE when the three splits of `spec` would not fit the memory limit. */
function checkSampleBytes(spec: SampleSpec, c: SampleCounts): void {
  const n = c.n_train + c.n_valid + c.n_test;
  checkBytes(`${n} samples of ${spec.steps} steps`, n * (4 * spec.steps * (spec.dIn + spec.dOut) + 4 * spec.nT));
}

function makeSplit(spec: SampleSpec, rng: Random, n: number): Split {
  const { steps, dIn, dOut, nT } = spec;
  const x = new Float32Array(n * steps * dIn);
  const y = new Float32Array(n * steps * dOut);
  const t = new Int32Array(n * nT);
  for (let b = 0; b < n; b++) {
    spec.write(
      rng,
      x.subarray(b * steps * dIn, (b + 1) * steps * dIn),
      y.subarray(b * steps * dOut, (b + 1) * steps * dOut),
      t.subarray(b * nT, (b + 1) * nT),
    );
  }
  return {
    x: { data: x, shape: [n, steps, dIn] },
    y: { data: y, shape: [n, steps, dOut] },
    t: { data: t, shape: [n, nT] },
  };
}

/**
 * Draws `n_train + n_valid + n_test` independent samples in sequence from one generator
 * seeded with `seed` and splits them train / valid / test in that order (spec §1.3).
 */
export function generateSamples(
  spec: SampleSpec,
  counts: SampleCounts,
  seed: number,
  classification: boolean,
): TaskData {
  checkCounts(counts);
  const rng = new Random(seed);
  checkSampleBytes(spec, counts);
  const train = makeSplit(spec, rng, counts.n_train);
  const valid = makeSplit(spec, rng, counts.n_valid);
  const test = makeSplit(spec, rng, counts.n_test);
  return { classification, train, valid, test };
}

/** Integers a, a+1, …, b−1 as an Int32Array. */
export function range(a: number, b: number): Int32Array {
  const r = new Int32Array(Math.max(0, b - a));
  for (let i = 0; i < r.length; i++) r[i] = a + i;
  return r;
}
