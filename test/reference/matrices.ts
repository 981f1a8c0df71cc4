/** Slow, obvious dense expansions of the sparse matrix forms, independent of kernelForm's. */
import type { BlockMatrix, CsrMatrix } from '../../lib/reservoirs/weights';

/** Row-major n × n float32 of a BSR matrix. */
export function denseOfBlocks(m: BlockMatrix): Float32Array {
  const a = new Float32Array(m.n * m.n);
  const b = m.blockSize;
  for (let br = 0; br < m.n / b; br++)
    for (let p = m.blockRowPtr[br]!; p < m.blockRowPtr[br + 1]!; p++)
      for (let r = 0; r < b; r++)
        for (let c = 0; c < b; c++)
          a[(br * b + r) * m.n + m.blockCol[p]! * b + c] = m.blockValues[(p * b + r) * b + c]!;
  return a;
}

/** Row-major n × n float32 of a CSR matrix. */
export function denseOfCsr(m: CsrMatrix): Float32Array {
  const a = new Float32Array(m.n * m.n);
  for (let i = 0; i < m.n; i++)
    for (let p = m.rowPtr[i]!; p < m.rowPtr[i + 1]!; p++) a[i * m.n + m.colIdx[p]!] = m.values[p]!;
  return a;
}
