/**
 * The native draw of a sparse uniform recurrent matrix gives the TypeScript draw's numbers,
 * bit for bit, and leaves the generator where the TypeScript draw leaves it.
 */
import { native } from '../../lib/native';
import { Random } from '../../lib/random';
import { sparseSquare, sparseSquareReference } from '../../lib/reservoirs/weights';
import { sameBits, throwsCode } from '../helpers';

test.each([
  [0, 1, 0.5],
  [1, 7, 0],
  [2, 7, 1],
  [3, 50, 0.1],
  [4, 333, 0.02],
  [5, 996, 0.2],
  [2 ** 40 + 3, 128, 0.37],
])('seed %d, n = %d, c = %d: same matrix and generator state as the TypeScript draw', (seed, n, c) => {
  const a = new Random(seed);
  const b = new Random(seed);
  a.normal(); // a spare normal pending: the draw must keep it
  b.normal();
  const got = sparseSquare(a, n, c, 'uniform');
  const want = sparseSquareReference(b, n, c, 'uniform');
  expect(got.n).toBe(n);
  expect(Array.from(got.rowPtr)).toEqual(Array.from(want.rowPtr));
  expect(Array.from(got.colIdx)).toEqual(Array.from(want.colIdx));
  expect(sameBits(got.values, want.values)).toBe(true);
  expect({ ...a }).toEqual({ ...b }); // every field, the same representation
  for (let i = 0; i < 5; i++) expect(a.normal()).toBe(b.normal());
});

test('normal entries stay in TypeScript (same as the reference)', () => {
  const got = sparseSquare(new Random(9), 40, 0.3, 'normal');
  const want = sparseSquareReference(new Random(9), 40, 0.3, 'normal');
  expect(sameBits(got.values, want.values)).toBe(true);
});

test('bad arguments to the native draw are clear errors', () => {
  const draw = (s: Int32Array, n: number, c: number): unknown => native().drawSparseUniform(s, n, c);
  throwsCode(() => draw(new Int32Array(3), 10, 0.1), 'ERR_RAN_SHAPE'); // state must hold 4 words
  throwsCode(() => draw(new Int32Array(4), 0, 0.1), 'ERR_RAN_INVALID_ARG');
  throwsCode(() => draw(new Int32Array(4), 2.5, 0.1), 'ERR_RAN_INVALID_ARG');
  throwsCode(() => draw(new Int32Array(4), 10, 1.5), 'ERR_RAN_INVALID_ARG');
  throwsCode(() => draw(new Int32Array(4), 10, NaN), 'ERR_RAN_INVALID_ARG');
});
