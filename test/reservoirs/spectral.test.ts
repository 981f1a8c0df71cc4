/**
 * The spectral radius as computed (Arnoldi beyond 256, dense eigenvalues below) against the
 * dense eigensolver on random matrices of several sizes, connectivities and forms, and the
 * weights drawn straight into the kernel's form.
 */
import { native } from '../../lib/native';
import { Random } from '../../lib/random';
import {
  blockSparse,
  kernelForm,
  sparseSquare,
  spectralRadiusOf,
  type BlockMatrix,
  type CsrMatrix,
} from '../../lib/reservoirs/weights';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { denseOfBlocks, denseOfCsr } from '../reference/matrices';

function denseOf(m: CsrMatrix | BlockMatrix): Float32Array {
  return 'blockValues' in m ? denseOfBlocks(m) : denseOfCsr(m);
}

function csrOfBlocks(m: BlockMatrix): CsrMatrix {
  const b = m.blockSize;
  const rowPtr = new Int32Array(m.n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let br = 0; br < m.n / b; br++)
    for (let r = 0; r < b; r++) {
      for (let p = m.blockRowPtr[br]!; p < m.blockRowPtr[br + 1]!; p++)
        for (let c = 0; c < b; c++) {
          cols.push(m.blockCol[p]! * b + c);
          vals.push(m.blockValues[(p * b + r) * b + c]!);
        }
      rowPtr[br * b + r + 1] = cols.length;
    }
  return { n: m.n, rowPtr, colIdx: Int32Array.from(cols), values: Float32Array.from(vals) };
}

const exact = (dense: Float32Array, n: number): number => native().spectralRadius({ n, dense }, { denseLimit: 100000 });

describe('spectral radius', () => {
  test.each([
    [300, 0.02, 'uniform'],
    [400, 0.1, 'uniform'],
    [500, 0.2, 'normal'],
    [700, 0.05, 'uniform'],
    [600, 0.4, 'uniform'],
  ] as const)('Arnoldi on CSR n=%i c=%f (%s) matches the dense eigensolver within 1e-6', (n, c, dist) => {
    for (const seed of [1, 2]) {
      const m = sparseSquare(new Random(seed * 31 + n), n, c, dist);
      const want = exact(denseOf(m), n);
      expect(Math.abs(spectralRadiusOf(m) - want) / want).toBeLessThan(1e-6);
      expect(Math.abs(spectralRadiusOf(kernelForm(m)) - want) / want).toBeLessThan(1e-6);
    }
  });

  test.each([
    [20, 16, 0.2],
    [40, 8, 0.1],
    [50, 16, 0.4],
    [62, 16, 0.05],
    [300, 1, 0.1],
  ])('Arnoldi on BSR units=%i d=%i c=%f matches the dense eigensolver, as its CSR form does', (units, d, c) => {
    const m = blockSparse(new Random(units + d), units, d, () => c, 'normal');
    const n = units * d;
    const want = exact(denseOf(m), n);
    const got = spectralRadiusOf(m);
    expect(Math.abs(got - want) / want).toBeLessThan(1e-6);
    // The CSR form of the same matrix: the same radius within the tolerance.
    expect(Math.abs(spectralRadiusOf(csrOfBlocks(m)) - want) / want).toBeLessThan(1e-6);
    expect(native().spectralRadius(m, { denseLimit: 100000 })).toBe(want);
  });

  test('bad BSR input is a clear error', () => {
    const m = blockSparse(new Random(1), 4, 4, () => 0.5, 'normal');
    expect(() => native().spectralRadius({ ...m, blockSize: 3 })).toThrow(/blockSize/);
    expect(() => native().spectralRadius({ ...m, blockCol: m.blockCol.map(() => 9) })).toThrow(/blockCol/);
    expect(() => native().spectralRadius({ ...m, blockValues: m.blockValues.subarray(1) })).toThrow(/blockValues/);
  });
});

describe('weights in the kernel form', () => {
  test('blockSparse draws the same entries as a CSR expansion of its blocks', () => {
    const m = blockSparse(new Random(5), 10, 3, (i, j) => (i === j ? 0.9 : 0.3), 'uniform');
    const csr = csrOfBlocks(m);
    const rng = new Random(5);
    const present: boolean[] = [];
    for (let i = 0; i < 100; i++) present.push(rng.uniform() < (Math.floor(i / 10) === i % 10 ? 0.9 : 0.3));
    expect(m.blockCol.length).toBe(present.filter(Boolean).length);
    // The first present block's first entry is the first draw after the presences.
    expect(csr.values[0]).toBe(Math.fround(2 * rng.uniform() - 1));
  });

  test('kernelForm: dense from a third of the entries (two thirds for blocks of 8 or more), blocks of size 1 as CSR', () => {
    const sparse = blockSparse(new Random(2), 30, 4, () => 0.1, 'normal');
    expect('blockValues' in kernelForm(sparse)).toBe(true);
    const full = blockSparse(new Random(2), 30, 4, () => 0.6, 'normal');
    expect(kernelForm(full)).toEqual({ n: 120, dense: denseOfBlocks(full) });
    // Blocks of 8 or more stay blocks up to two thirds of the entries.
    expect('blockValues' in kernelForm(blockSparse(new Random(2), 30, 8, () => 0.6, 'normal'))).toBe(true);
    const full8 = blockSparse(new Random(2), 30, 8, () => 0.9, 'normal');
    expect(kernelForm(full8)).toEqual({ n: 240, dense: denseOfBlocks(full8) });
    const scalar = kernelForm(blockSparse(new Random(2), 30, 1, () => 0.1, 'normal'));
    expect('rowPtr' in scalar).toBe(true);
  });

  test('RAN-A of width 1 builds and runs (its blocks are a CSR matrix)', () => {
    const r = new AttentionReservoir({ inputDim: 2, units: 300, width: 1, connectivity: 0.1, ffHidden: 0, seed: 3 });
    const out = r.run({ data: new Float32Array(2 * 5 * 2).fill(0.5), shape: [2, 5, 2] }, { states: true });
    expect(out.states!.shape).toEqual([2, 5, 300]);
    r.dispose();
  });
});

describe('spectral radius of structured matrices', () => {
  /** n×n CSR with random normal entries at (i, j) where `keep(i, j)`. */
  function patterned(n: number, keep: (i: number, j: number) => boolean, seed: number): CsrMatrix {
    const rng = new Random(seed);
    const rowPtr = new Int32Array(n + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (keep(i, j) && rng.uniform() < 0.2) {
          cols.push(j);
          vals.push(rng.normal());
        }
      }
      rowPtr[i + 1] = cols.length;
    }
    return { n, rowPtr, colIdx: Int32Array.from(cols), values: Float32Array.from(vals) };
  }

  test.each([100, 400])('a strictly lower-triangular (nilpotent) matrix of size %i has radius 0', (n) => {
    const m = patterned(n, (i, j) => j < i, n);
    expect(spectralRadiusOf(m)).toBe(0);
    expect(spectralRadiusOf(kernelForm(m))).toBe(0);
    // Its powers vanish: W^n x = 0 for any x (the reference fact the radius 0 stands for).
    const d = denseOf(m);
    let x = Float64Array.from({ length: n }, (_, i) => 1 + (i % 7));
    for (let k = 0; k < n; k++) {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i]! += d[i * n + j]! * x[j]!;
      x = y;
    }
    expect(x.every((v) => v === 0)).toBe(true);
  });

  test('block-sparse matrices whose units feed forward only (no cycle) have radius 0', () => {
    const m = blockSparse(new Random(5), 40, 8, (unit, from) => (from < unit ? 0.3 : 0), 'normal');
    expect(m.blockValues.length).toBeGreaterThan(0);
    expect(spectralRadiusOf(m)).toBe(0);
  });

  // No Ritz vector converges on a cycle (n eigenvalues of equal modulus): the iteration ends
  // when its estimate stops moving, which is looser than the residual tolerance.
  test('a cycle through every node (n equal moduli) gives its radius within 1e-4', () => {
    const n = 300;
    const rowPtr = Int32Array.from({ length: n + 1 }, (_, i) => i);
    const colIdx = Int32Array.from({ length: n }, (_, i) => (i + 1) % n);
    const values = new Float32Array(n).fill(0.5);
    expect(Math.abs(spectralRadiusOf({ n, rowPtr, colIdx, values }) - 0.5) / 0.5).toBeLessThan(1e-4);
  });
});
