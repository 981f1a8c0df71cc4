/**
 * Random fixed weights, drawn in TypeScript from the portable generator so that the same
 * seed gives the same weights on every platform; the spectral radius is computed natively.
 */
import { native, type NativeMatrix } from '../native';
import { Random } from '../random';
import { fillNormals } from './nativeNormals';
import { takeNormals } from './normalStream';

/** Entry distribution of random matrices. */
export type Distribution = 'uniform' | 'normal';

/** A matrix in CSR form, as drawn by `sparseSquare`. */
export type CsrMatrix = Extract<NativeMatrix, { rowPtr: Int32Array }>;
/** A matrix in block-sparse (BSR) form, as drawn by `blockSparse`. */
export type BlockMatrix = Extract<NativeMatrix, { blockSize: number }>;

/** Draws one entry: uniform in [-1, 1) or standard normal. */
export function draw(rng: Random, dist: Distribution): number {
  return dist === 'uniform' ? 2 * rng.uniform() - 1 : rng.normal();
}

/** A Float32Array/Int32Array that grows by doubling (values are written in order). */
function grown<T extends Float32Array | Int32Array>(a: T, needed: number): T {
  if (needed <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(needed, 2 * a.length));
  b.set(a);
  return b;
}

/** The generator's state words (xoshiro128**), as lib/random.ts holds them. */
type GeneratorWords = { s0: number; s1: number; s2: number; s3: number };

/**
 * n×n matrix whose entries are non-zero with probability c (row by row, column by column), in
 * CSR form. Uniform entries are drawn natively (the same numbers and generator state as
 * `sparseSquareReference`, bit for bit: n² uniforms are most of an ESN's set-up).
 */
export function sparseSquare(rng: Random, n: number, c: number, dist: Distribution): CsrMatrix {
  if (dist !== 'uniform' || n > 65536) return sparseSquareReference(rng, n, c, dist);
  const words = rng as unknown as GeneratorWords;
  const state = Int32Array.of(words.s0, words.s1, words.s2, words.s3);
  const m = native().drawSparseUniform(state, n, c);
  [words.s0, words.s1, words.s2, words.s3] = state as unknown as [number, number, number, number];
  return { n, ...m };
}

/** `sparseSquare` in TypeScript, one `rng` call at a time (normal entries, and the tests' reference). */
export function sparseSquareReference(rng: Random, n: number, c: number, dist: Distribution): CsrMatrix {
  const rowPtr = new Int32Array(n + 1);
  let colIdx = new Int32Array(Math.ceil(c * n * n * 1.05) + 16);
  let values = new Float32Array(colIdx.length);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (rng.uniform() < c) {
        if (nnz === colIdx.length) {
          colIdx = grown(colIdx, nnz + 1);
          values = grown(values, nnz + 1);
        }
        colIdx[nnz] = j;
        values[nnz++] = draw(rng, dist);
      }
    }
    rowPtr[i + 1] = nnz;
  }
  return { n, rowPtr, colIdx: colIdx.slice(0, nnz), values: values.slice(0, nnz) };
}

/**
 * Block-sparse matrix of `units` blocks of size d×d, drawn straight into the BSR form the
 * kernel reads: block (m, j) is present with probability c (unit m receives from unit j),
 * its entries drawn from `dist` row by row. `allowed(m, j)` gives the connectivity of each
 * pair of units (RAN-C populations). Draw order: every presence, then each present block's
 * entries, blocks in row-major order (the BSR order).
 */
export function blockSparse(
  rng: Random,
  units: number,
  d: number,
  connectivity: (m: number, j: number) => number,
  dist: Distribution,
): BlockMatrix {
  const present = new Uint8Array(units * units);
  const blockRowPtr = new Int32Array(units + 1);
  for (let m = 0; m < units; m++) {
    let count = blockRowPtr[m]!;
    for (let j = 0; j < units; j++) {
      if (rng.uniform() < connectivity(m, j)) {
        present[m * units + j] = 1;
        count++;
      }
    }
    blockRowPtr[m + 1] = count;
  }
  const blocks = blockRowPtr[units]!;
  const blockCol = new Int32Array(blocks);
  const blockValues = new Float32Array(blocks * d * d);
  let p = 0;
  for (let m = 0; m < units; m++) for (let j = 0; j < units; j++) if (present[m * units + j]) blockCol[p++] = j;
  // The entries are one run of draws: normals come from the addon's port of the generator.
  if (dist === 'normal') {
    const normals = new Float64Array(blockValues.length);
    fillNormals(rng, normals);
    blockValues.set(normals);
  } else for (let k = 0; k < blockValues.length; k++) blockValues[k] = draw(rng, dist);
  return { n: units * d, blockSize: d, blockRowPtr, blockCol, blockValues };
}

/** The values array of a matrix (the one rescaling multiplies). */
export function valuesOf(m: NativeMatrix): Float32Array {
  return 'dense' in m ? m.dense : 'blockValues' in m ? m.blockValues : m.values;
}

/** The same matrix with another values array (same length). */
export function withValues(m: NativeMatrix, values: Float32Array): NativeMatrix {
  if ('dense' in m) return { n: m.n, dense: values };
  if ('blockValues' in m) return { ...m, blockValues: values };
  return { ...m, values };
}

/**
 * Largest |eigenvalue| of a matrix in any form the kernel reads: dense eigensolver up to
 * n = 256, beyond it thick-restarted Arnoldi until the Ritz residual is within 1e-6 of the
 * value (agreement with the dense eigensolver ~1e-8 on random reservoirs).
 */
export function spectralRadiusOf(m: NativeMatrix): number {
  return native().spectralRadius(m);
}

/**
 * The form the kernel runs fastest on, from a drawn CSR or BSR matrix: dense when at least a
 * third of the entries are non-zero (two thirds for blocks of 8 or more, which the kernel
 * runs about as fast per weight as a dense W: RAN-A 62 × 16 units at c = 0.4, 50 steps, one
 * thread, 2.1 ms blocked vs 3.3 ms dense for one sequence, 6.4–7.0 vs 11 ms for 16);
 * blocks of size 1 as CSR (the same arrays); else as drawn. Every form sums each row's
 * non-zeros in column order (drive.h), so the form changes no bit.
 */
export function kernelForm(m: CsrMatrix | BlockMatrix): NativeMatrix {
  const values = valuesOf(m);
  const blocked = 'blockSize' in m && m.blockSize >= 8;
  if (values.length * (blocked ? 1.5 : 3) >= m.n * m.n) {
    const dense = new Float32Array(m.n * m.n);
    if ('blockValues' in m) {
      const b = m.blockSize;
      for (let br = 0; br < m.n / b; br++)
        for (let p = m.blockRowPtr[br]!; p < m.blockRowPtr[br + 1]!; p++)
          for (let r = 0; r < b; r++)
            dense.set(values.subarray((p * b + r) * b, (p * b + r + 1) * b), (br * b + r) * m.n + m.blockCol[p]! * b);
    } else {
      for (let i = 0; i < m.n; i++)
        for (let p = m.rowPtr[i]!; p < m.rowPtr[i + 1]!; p++) dense[i * m.n + m.colIdx[p]!] = values[p]!;
    }
    return { n: m.n, dense };
  }
  if ('blockValues' in m && m.blockSize === 1)
    return { n: m.n, rowPtr: m.blockRowPtr, colIdx: m.blockCol, values: m.blockValues };
  return m;
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
  // The trials of a search replay one recorded run of normals (normalStream.ts).
  const normals = takeNormals(rng, a.length);
  for (let i = 0; i < a.length; i++) a[i] = s * normals[i]!;
  return a;
}
