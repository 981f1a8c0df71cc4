/**
 * Exchange of STREAM tasks with Python as a folder of `.npy` files named like the
 * reference's dictionary keys: `X_train.npy`, `Y_train.npy`, `T_train.npy`, `X_valid.npy`,
 * …, `T_test.npy`, plus `meta.json` with at least `{"classification": true|false}` (SD's
 * `{"category": "classification" | "regression" | "multi_classification"}` is accepted too).
 *
 * X and Y must be 3-D ([B, N, D]), T 2-D ([B, n_T]) and integer (int32 or int64), with
 * matching B and N and every step in [0, N); other files get an error with code
 * `ERR_RAN_TASK_FOLDER` (npy-level problems keep `ERR_RAN_NPY`).
 *
 * Python side: `np.save(f"{d}/X_train.npy", task["X_train"])` for each key and
 * `json.dump({"classification": bool(task["classification"])}, open(f"{d}/meta.json", "w"))`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { invalidArg } from '../errors';
import type { IndexMatrix, Tensor3 } from '../tensor';
import { indexMatrix, options as optionsObject, tensor3 } from '../validate';
import type { ScoreCategory } from '../tasks/score';
import type { Split, TaskData } from '../tasks/types';
import { readNpy, toFloat32, writeNpy, type NpyArray } from './npy';

/** Error for an inconsistent task folder; `code` is `ERR_RAN_TASK_FOLDER`. */
export class TaskFolderError extends Error {
  /** Machine-readable code: `ERR_RAN_TASK_FOLDER`. */
  readonly code = 'ERR_RAN_TASK_FOLDER';
  /** @param message what is wrong, naming the file */
  constructor(message: string) {
    super(message);
    this.name = 'TaskFolderError';
  }
}

/** The split names, as in the file names. */
export const SPLIT_NAMES = ['train', 'valid', 'test'] as const;

/** A task read from a folder: the three splits, the scoring kind and the whole `meta.json`. */
export interface TaskFolder extends TaskData {
  /** Score category (from `classification` or SD's `category`). */
  readonly category: ScoreCategory;
  /** The parsed `meta.json`. */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Options of {@link writeTaskFolder}. */
export interface WriteTaskFolderOptions {
  /** Element type of X and Y (default `float32`; the Python reference itself uses float64). */
  readonly dtype?: 'float32' | 'float64';
  /** Extra entries for `meta.json` (e.g. name, difficulty, seed). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

function toTensor3(a: NpyArray, file: string): Tensor3 {
  if (a.shape.length !== 3) {
    throw new TaskFolderError(
      `${file}: expected a 3-D array [batch, time, features], got shape (${a.shape.join(', ')})`,
    );
  }
  const [b, t, d] = a.shape as [number, number, number];
  return { data: toFloat32(a.data), shape: [b, t, d] };
}

function toIndexMatrix(a: NpyArray, file: string): IndexMatrix {
  if (a.shape.length !== 2) {
    throw new TaskFolderError(`${file}: expected a 2-D integer array [batch, n_T], got shape (${a.shape.join(', ')})`);
  }
  if (a.dtype !== 'int32' && a.dtype !== 'int64') {
    throw new TaskFolderError(`${file}: expected int32 or int64 prediction steps, got ${a.dtype}`);
  }
  const [b, n] = a.shape as [number, number];
  const data = a.data instanceof Int32Array ? a.data : new Int32Array(a.data.length);
  if (a.data instanceof BigInt64Array) {
    for (let i = 0; i < a.data.length; i++) {
      const v = a.data[i] as bigint;
      if (v < -2147483648n || v > 2147483647n) throw new TaskFolderError(`${file}: step ${v} does not fit in int32`);
      data[i] = Number(v);
    }
  }
  return { data, shape: [b, n] };
}

function readSplit(dir: string, split: string): Split {
  const f = (k: string): string => path.join(dir, `${k}_${split}.npy`);
  const x = toTensor3(readNpy(f('X')), f('X'));
  const y = toTensor3(readNpy(f('Y')), f('Y'));
  const t = toIndexMatrix(readNpy(f('T')), f('T'));
  if (y.shape[0] !== x.shape[0] || y.shape[1] !== x.shape[1]) {
    throw new TaskFolderError(
      `${f('Y')}: shape [${y.shape.join(', ')}] does not match X's batch and time [${x.shape.join(', ')}]`,
    );
  }
  if (t.shape[0] !== x.shape[0])
    throw new TaskFolderError(`${f('T')}: ${t.shape[0]} rows, X has ${x.shape[0]} samples`);
  const N = x.shape[1];
  for (let i = 0; i < t.data.length; i++) {
    const s = t.data[i] as number;
    if (s < 0 || s >= N) throw new TaskFolderError(`${f('T')}: step ${s} outside [0, ${N})`);
  }
  return { x, y, t };
}

function readMeta(dir: string): { meta: Record<string, unknown>; category: ScoreCategory } {
  const file = path.join(dir, 'meta.json');
  let meta: unknown;
  try {
    meta = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TaskFolderError(`${file}: cannot read a JSON object (${(e as Error).message})`);
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw new TaskFolderError(`${file}: expected a JSON object`);
  const m = meta as Record<string, unknown>;
  if (typeof m.classification === 'boolean')
    return { meta: m, category: m.classification ? 'classification' : 'regression' };
  if (m.category === 'classification' || m.category === 'regression' || m.category === 'multi_classification') {
    return { meta: m, category: m.category };
  }
  throw new TaskFolderError(`${file}: expected "classification": true|false (or an SD "category")`);
}

/**
 * Reads a task folder written by Python or {@link writeTaskFolder}. X and Y are returned as
 * float32 whatever their stored dtype, T as int32.
 * @throws TaskFolderError / NpyError with a message naming the offending file
 */
export function readTaskFolder(dir: string): TaskFolder {
  if (typeof dir !== 'string' || dir === '') invalidArg('dir', 'a folder path', dir);
  const { meta, category } = readMeta(dir);
  return {
    classification: category !== 'regression',
    category,
    meta,
    train: readSplit(dir, 'train'),
    valid: readSplit(dir, 'valid'),
    test: readSplit(dir, 'test'),
  };
}

/**
 * Writes a task as `X_train.npy` … `T_test.npy` (X, Y float32 or float64, T int64 as NumPy's
 * default integer) plus `meta.json` = `{classification, ...options.meta}`. Creates `dir`.
 */
export function writeTaskFolder(dir: string, task: TaskData, options: WriteTaskFolderOptions = {}): void {
  if (typeof dir !== 'string' || dir === '') invalidArg('dir', 'a folder path', dir);
  if (task === null || typeof task !== 'object') invalidArg('task', '{ classification, train, valid, test }', task);
  for (const split of SPLIT_NAMES) {
    const s = task[split];
    if (s === null || typeof s !== 'object') invalidArg(`task.${split}`, '{ x, y, t }', s);
    const x = tensor3(`task.${split}.x`, s.x);
    tensor3(`task.${split}.y`, s.y);
    indexMatrix(`task.${split}.t`, s.t, x.shape[0], x.shape[1]);
  }
  optionsObject('options', options);
  fs.mkdirSync(dir, { recursive: true });
  const f64 = options.dtype === 'float64';
  for (const split of SPLIT_NAMES) {
    const s = task[split];
    for (const [key, tensor] of [
      ['X', s.x],
      ['Y', s.y],
    ] as const) {
      writeNpy(path.join(dir, `${key}_${split}.npy`), {
        data: f64 ? Float64Array.from(tensor.data) : tensor.data,
        shape: tensor.shape,
      });
    }
    writeNpy(path.join(dir, `T_${split}.npy`), {
      data: BigInt64Array.from(s.t.data, (v) => BigInt(v)),
      shape: s.t.shape,
    });
  }
  const meta = { ...(options.meta ?? {}), classification: task.classification };
  fs.writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}
