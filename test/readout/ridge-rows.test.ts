/**
 * Ridge.addRows and predict take the tensor forms `run` takes ({ data, shape }, nested arrays)
 * besides flat Float64Array/Float32Array rows: the same rows give the same statistics, bit for
 * bit, and a bad form gets an error naming the argument, as `run`'s input does.
 */
import { Ridge } from '../../lib/readout/ridge';
import { Random } from '../../lib/random';
import { sameBits, throwsCode } from '../helpers';

const F = 3,
  O = 2,
  B = 2,
  T = 5;

function rows(seed: number, n: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}
function nest(flat: Float64Array, width: number): number[][] {
  return Array.from({ length: flat.length / width }, (_, r) => Array.from(flat.subarray(r * width, (r + 1) * width)));
}
function statsOf(add: (r: Ridge) => void): { xtx: Float64Array; xty: Float64Array; rows: number } {
  const r = new Ridge({ features: F, outputs: O });
  add(r);
  return r.exportStatistics();
}

describe('Ridge rows in tensor forms', () => {
  const x = rows(1, B * T * F);
  const y = rows(2, B * T * O);
  const flat = statsOf((r) => r.addRows(x, y));

  const forms: [string, unknown, unknown][] = [
    ['{ data, shape: [rows, width] }', { data: x, shape: [B * T, F] }, { data: y, shape: [B * T, O] }],
    ['{ data, shape: [B, T, width] }', { data: x, shape: [B, T, F] }, { data: y, shape: [B, T, O] }],
    [
      '{ data: number[], shape }',
      { data: Array.from(x), shape: [B, T, F] },
      { data: Array.from(y), shape: [B * T, O] },
    ],
    ['nested [rows][width]', nest(x, F), nest(y, O)],
    [
      'nested [B][T][width]',
      [nest(x.subarray(0, T * F), F), nest(x.subarray(T * F), F)],
      [nest(y.subarray(0, T * O), O), nest(y.subarray(T * O), O)],
    ],
  ];
  for (const [name, fx, fy] of forms) {
    test(`${name} gives the statistics of the flat rows, bit for bit`, () => {
      const s = statsOf((r) => r.addRows(fx as never, fy as never));
      expect(s.rows).toBe(B * T);
      expect(sameBits(s.xtx, flat.xtx)).toBe(true);
      expect(sameBits(s.xty, flat.xty)).toBe(true);
    });
  }

  test('float32 tensor data passes as float32 rows', () => {
    const x32 = Float32Array.from(x);
    const a = statsOf((r) => r.addRows(x32, y));
    const b = statsOf((r) => r.addRows({ data: x32, shape: [B, T, F] }, { data: y, shape: [B, T, O] }));
    expect(sameBits(a.xtx, b.xtx)).toBe(true);
  });

  test('predict takes the same forms', () => {
    const r = new Ridge({ features: F, outputs: O });
    r.addRows(x, y);
    r.solve(1e-3);
    const p = r.predict(x);
    expect(sameBits(r.predict({ data: x, shape: [B, T, F] }), p)).toBe(true);
    expect(sameBits(r.predict(nest(x, F)), p)).toBe(true);
  });

  test('bad forms name the argument', () => {
    const r = new Ridge({ features: F, outputs: O });
    expect(() => r.addRows({ data: x, shape: [B, T, F + 1] }, y)).toThrow(
      `\`x.shape\` must end in ${F} (the readout's values per row), got [2, 5, 4]`,
    );
    throwsCode(() => r.addRows({ data: x, shape: [B, T, F + 1] }, y), 'ERR_RAN_SHAPE');
    expect(() => r.addRows(x, { data: y, shape: [B * T + 1, O] })).toThrow(
      '`y.data` must hold 22 values (shape [11, 2]), got 20',
    );
    expect(() => r.addRows({ data: x, shape: [F] }, y)).toThrow(
      /`x.shape` must be an array of non-negative integers \[rows, width\] or \[B, T, width\], got/,
    );
    expect(() => r.addRows(x, { data: ['a', 1], shape: [1, O] } as never)).toThrow(
      '`y.data[0]` must be a number, got "a"',
    );
    expect(() =>
      r.addRows(
        [
          [1, 2, 3],
          [1, 2],
        ],
        y,
      ),
    ).toThrow('`x[1]` must hold 3 values (one row), got 2');
    expect(() => r.addRows([[1, 2, 'c']] as never, [[1, 2]])).toThrow('`x[0][2]` must be a number, got "c"');
    throwsCode(() => r.addRows(new Int32Array(3) as never, y), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => r.addRows('rows' as never, y), 'ERR_RAN_INVALID_ARG');
    // rows of x and y still have to agree (checked natively, as for flat rows)
    throwsCode(() => r.addRows({ data: x, shape: [B, T, F] }, nest(y, O).slice(1)), 'ERR_RAN_SHAPE');
    expect(r.rows).toBe(0);
  });
});
