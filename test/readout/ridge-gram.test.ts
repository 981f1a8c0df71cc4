/**
 * The λ path in the cheaper space: with fewer training rows than features the readout solves
 * through the Gram matrix X Xᵀ of the rows, otherwise through XᵀX; and `predictSweep` gives
 * the outputs of collected query rows for every λ. Both spaces against the float64 reference.
 */
import { Ridge } from '../../lib/readout/ridge';
import { Random } from '../../lib/random';
import { normalEquations, ridgeSolve } from '../reference/ridge';
import { maxError, throwsCode } from '../helpers';

function randomRows(seed: number, r: number, f: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: r * f }, () => rng.normal());
}

/** Rows × weights in plain loops. */
function times(x: Float64Array, w: Float64Array, f: number, o: number): Float64Array {
  const r = x.length / f;
  const out = new Float64Array(r * o);
  for (let i = 0; i < r; i++)
    for (let k = 0; k < o; k++) for (let j = 0; j < f; j++) out[i * o + k]! += x[i * f + j]! * w[j * o + k]!;
  return out;
}

const LAMBDAS = [1e-3, 0.1, 10];

// [training rows, features, outputs, rows per addRows call]: the first three stay in the Gram
// space (rows < features), the others cross into, or start in, the XᵀX space.
const SHAPES: [number, number, number, number][] = [
  [20, 60, 1, 20],
  [50, 200, 3, 16],
  [99, 100, 10, 33],
  [150, 100, 2, 40],
  [300, 40, 3, 300],
];

describe.each(SHAPES)('rows=%i features=%i outputs=%i (batches of %i)', (r, f, o, chunk) => {
  const x = randomRows(r * 7 + f, r, f);
  const y = randomRows(r * 7 + f + 1, r, o);
  const xq = randomRows(r * 7 + f + 2, 13, f);
  const yq = randomRows(r * 7 + f + 3, 13, o);
  const ref = normalEquations(x, y, f, o);
  const expected = LAMBDAS.map((l) => ridgeSolve(ref.xtx, ref.xty, f, o, l));
  const ridge = new Ridge({ features: f, outputs: o });
  for (let k = 0; k < r; k += chunk)
    ridge.addRows(x.subarray(k * f, Math.min(r, k + chunk) * f), y.subarray(k * o, Math.min(r, k + chunk) * o));

  test('sweep equals the reference Cholesky solve for every λ', () => {
    ridge.sweep(LAMBDAS).forEach((w, i) => expect(maxError(w!, expected[i]!, 1e-9, 1e-6)).toBeLessThanOrEqual(1));
  });

  test('predictSweep equals query rows × the reference weights', () => {
    const queries = new Ridge({ features: f, outputs: o, rowsOnly: true });
    queries.addRows(xq.subarray(0, 5 * f), yq.subarray(0, 5 * o));
    queries.addRows(xq.subarray(5 * f), yq.subarray(5 * o));
    expect(queries.rows).toBe(13);
    const kept = queries.keptRows();
    expect(Array.from(kept.x)).toEqual(Array.from(xq));
    expect(Array.from(kept.y)).toEqual(Array.from(yq));
    ridge
      .predictSweep(queries, LAMBDAS)
      .forEach((p, i) => expect(maxError(p!, times(xq, expected[i]!, f, o), 1e-9, 1e-6)).toBeLessThanOrEqual(1));
  });

  test('the other space (statistics reloaded: XᵀX only) gives the same path', () => {
    const primal = new Ridge({ features: f, outputs: o });
    primal.importStatistics(ridge.exportStatistics());
    const a = ridge.sweep(LAMBDAS);
    primal.sweep(LAMBDAS).forEach((w, i) => expect(maxError(w!, a[i]!, 1e-9, 1e-6)).toBeLessThanOrEqual(1));
  });

  test('λ = 0 is singular exactly when XᵀX is (rank below the features)', () => {
    if (r < f) {
      expect(ridge.sweep([0, 1], { skipSingular: true })[0]).toBeUndefined();
      throwsCode(() => ridge.sweep([0]), 'ERR_RAN_SINGULAR');
    } else {
      expect(ridge.sweep([0], { skipSingular: true })[0]).toBeDefined();
    }
  });
});

describe('row collectors', () => {
  test('a collector cannot be solved or exported, and only a collector can be queried', () => {
    const queries = new Ridge({ features: 4, outputs: 1, rowsOnly: true });
    queries.addRows(randomRows(1, 3, 4), randomRows(2, 3, 1));
    throwsCode(() => queries.solve(1), 'ERR_RAN_STATE');
    throwsCode(() => queries.exportStatistics(), 'ERR_RAN_STATE');
    const ridge = new Ridge({ features: 4, outputs: 1 });
    ridge.addRows(randomRows(3, 10, 4), randomRows(4, 10, 1));
    throwsCode(() => ridge.predictSweep(ridge, [1]), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => ridge.predictSweep(new Ridge({ features: 5, outputs: 1, rowsOnly: true }), [1]), 'ERR_RAN_SHAPE');
    expect(ridge.predictSweep(queries, [1, 2]).map((p) => p!.length)).toEqual([3, 3]);
  });

  test('adding rows after a sweep invalidates the kept decomposition', () => {
    const x = randomRows(5, 30, 8);
    const y = randomRows(6, 30, 2);
    const ridge = new Ridge({ features: 8, outputs: 2 });
    ridge.addRows(x.subarray(0, 5 * 8), y.subarray(0, 5 * 2));
    ridge.sweep([0.1]);
    ridge.addRows(x.subarray(5 * 8), y.subarray(5 * 2));
    const ref = normalEquations(x, y, 8, 2);
    expect(maxError(ridge.sweep([0.1])[0]!, ridgeSolve(ref.xtx, ref.xty, 8, 2, 0.1), 1e-10, 1e-8)).toBeLessThanOrEqual(
      1,
    );
  });
});
