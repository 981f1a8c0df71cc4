/**
 * Random fixed weights, drawn in TypeScript from the portable generator so that the same
 * seed gives the same weights on every platform; the spectral radius is computed natively.
 */
import { native, type NativeMatrix } from '../native';
import { Random } from '../random';

/** Entry distribution of random matrices. */
export type Distribution = 'uniform' | 'normal';

/** A CSR matrix under construction; block-sparse matrices also keep their block structure. */
export interface Csr {
  n: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
  /** Square blocks of this size (block-sparse matrices only). */
  blockSize?: number;
}

/** Draws one entry: uniform in [-1, 1) or standard normal. */
export function draw(rng: Random, dist: Distribution): number {
  return dist === 'uniform' ? 2 * rng.uniform() - 1 : rng.normal();
}

/** n×n matrix whose entries are non-zero with probability c (row by row, column by column). */
export function sparseSquare(rng: Random, n: number, c: number, dist: Distribution): Csr {
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (rng.uniform() < c) {
        cols.push(j);
        vals.push(draw(rng, dist));
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  return { n, rowPtr, colIdx: Int32Array.from(cols), values: Float32Array.from(vals) };
}

/**
 * Block-sparse matrix of `units` blocks of size d×d: block (m, j) is present with
 * probability c (unit m receives from unit j), entries drawn from `dist`.
 * `allowed(m, j)` gives the connectivity of each pair of units (RAN-C populations).
 */
export function blockSparse(
  rng: Random,
  units: number,
  d: number,
  connectivity: (m: number, j: number) => number,
  dist: Distribution,
): Csr {
  const present: boolean[][] = [];
  for (let m = 0; m < units; m++) {
    const row: boolean[] = [];
    for (let j = 0; j < units; j++) row.push(rng.uniform() < connectivity(m, j));
    present.push(row);
  }
  const n = units * d;
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const blocks: Map<string, Float64Array> = new Map();
  for (let m = 0; m < units; m++) {
    for (let j = 0; j < units; j++) {
      if (!present[m]![j]) continue;
      const b = new Float64Array(d * d);
      for (let k = 0; k < d * d; k++) b[k] = draw(rng, dist);
      blocks.set(`${m},${j}`, b);
    }
  }
  for (let m = 0; m < units; m++) {
    for (let r = 0; r < d; r++) {
      for (let j = 0; j < units; j++) {
        const b = blocks.get(`${m},${j}`);
        if (!b) continue;
        for (let c = 0; c < d; c++) {
          cols.push(j * d + c);
          vals.push(b[r * d + c] as number);
        }
      }
      rowPtr[m * d + r + 1] = cols.length;
    }
  }
  return { n, rowPtr, colIdx: Int32Array.from(cols), values: Float32Array.from(vals), blockSize: d };
}

/** Largest |eigenvalue| of a CSR matrix (dense eigensolver up to n = 256, Arnoldi beyond, tolerance 1e-6). */
export function spectralRadiusOf(m: Csr): number {
  return native().spectralRadius({ n: m.n, rowPtr: m.rowPtr, colIdx: m.colIdx, values: m.values });
}

/**
 * Rescales the matrix in place so its spectral radius is `rho` (computed, not bounded).
 * A matrix whose radius is 0 (nilpotent or empty) is left as it is.
 */
export function rescaleToRadius(m: Csr, rho: number): number {
  const r0 = spectralRadiusOf(m);
  if (r0 > 0) {
    const s = rho / r0;
    for (let i = 0; i < m.values.length; i++) m.values[i] = (m.values[i] as number) * s;
  }
  return r0;
}

/**
 * The matrix as the addon reads it: dense when at least a third of entries are non-zero,
 * else block-sparse (BSR) for block-sparse matrices, else CSR.
 */
export function toNativeMatrix(m: Csr): NativeMatrix {
  if (m.blockSize !== undefined && m.blockSize > 1 && m.values.length * 3 < m.n * m.n) return toBlocks(m, m.blockSize);
  if (m.values.length * 3 >= m.n * m.n) {
    const dense = new Float32Array(m.n * m.n);
    for (let i = 0; i < m.n; i++) {
      for (let p = m.rowPtr[i] as number; p < (m.rowPtr[i + 1] as number); p++)
        dense[i * m.n + (m.colIdx[p] as number)] = m.values[p] as number;
    }
    return { n: m.n, dense };
  }
  return m;
}

/** BSR form of a block-sparse CSR matrix whose rows list each block's columns contiguously. */
function toBlocks(m: Csr, bs: number): NativeMatrix {
  const rows = m.n / bs;
  const blockRowPtr = new Int32Array(rows + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let br = 0; br < rows; br++) {
    // Block columns of this block row, from its first row (all rows of a block row share them).
    const first = br * bs;
    const blocks: number[] = [];
    for (let p = m.rowPtr[first]!; p < m.rowPtr[first + 1]!; p += bs) blocks.push(m.colIdx[p]! / bs);
    for (const bc of blocks) {
      cols.push(bc);
      for (let r = 0; r < bs; r++) {
        const row = first + r;
        const k = blocks.indexOf(bc);
        const start = m.rowPtr[row]! + k * bs;
        for (let c = 0; c < bs; c++) values.push(m.values[start + c]!);
      }
    }
    blockRowPtr[br + 1] = cols.length;
  }
  return {
    n: m.n,
    blockSize: bs,
    blockRowPtr,
    blockCol: Int32Array.from(cols),
    blockValues: Float32Array.from(values),
  };
}

/** rows×cols matrix, uniform in [-scale, scale). */
export function uniformMatrix(rng: Random, rows: number, cols: number, scale: number): Float32Array {
  const a = new Float32Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = scale * (2 * rng.uniform() - 1);
  return a;
}

/** `copies` matrices rows×cols with entries N(0, 1/cols) × scale (fan-in scaling). */
export function fanInMatrices(rng: Random, copies: number, rows: number, cols: number, scale: number): Float32Array {
  const a = new Float32Array(copies * rows * cols);
  const s = scale / Math.sqrt(cols);
  for (let i = 0; i < a.length; i++) a[i] = s * rng.normal();
  return a;
}
