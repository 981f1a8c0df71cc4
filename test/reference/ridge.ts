/** Slow float64 reference of the ridge readout: normal equations and a Cholesky solve in plain loops. */

/** XᵀX [f][f] and XᵀY [f][o] of rows x [r][f], y [r][o]. */
export function normalEquations(
  x: Float64Array,
  y: Float64Array,
  f: number,
  o: number,
): { xtx: Float64Array; xty: Float64Array } {
  const r = x.length / f;
  const xtx = new Float64Array(f * f);
  const xty = new Float64Array(f * o);
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < f; i++) {
      const xi = x[k * f + i]!;
      for (let j = 0; j < f; j++) xtx[i * f + j]! += xi * x[k * f + j]!;
      for (let j = 0; j < o; j++) xty[i * o + j]! += xi * y[k * o + j]!;
    }
  }
  return { xtx, xty };
}

/** Solves (A + λI) W = B by Cholesky; A [f][f] symmetric, B [f][o]. */
export function ridgeSolve(a: Float64Array, b: Float64Array, f: number, o: number, lambda: number): Float64Array {
  const l = new Float64Array(f * f);
  for (let i = 0; i < f; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * f + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= l[i * f + k]! * l[j * f + k]!;
      if (i === j) {
        if (s <= 0) throw new Error('not positive definite');
        l[i * f + i] = Math.sqrt(s);
      } else {
        l[i * f + j] = s / l[j * f + j]!;
      }
    }
  }
  const w = new Float64Array(f * o);
  for (let c = 0; c < o; c++) {
    const z = new Float64Array(f);
    for (let i = 0; i < f; i++) {
      let s = b[i * o + c]!;
      for (let k = 0; k < i; k++) s -= l[i * f + k]! * z[k]!;
      z[i] = s / l[i * f + i]!;
    }
    for (let i = f - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < f; k++) s -= l[k * f + i]! * w[k * o + c]!;
      w[i * o + c] = s / l[i * f + i]!;
    }
  }
  return w;
}
