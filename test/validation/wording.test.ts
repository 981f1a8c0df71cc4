/**
 * Validation happens once, in TypeScript, under the public names; the addon re-checks only
 * what keeps it in bounds (native/addon/args.h). Whichever side reports, the words are the
 * same: these tests call the raw binding and the TypeScript checks with the same bad values
 * and compare the messages character for character.
 */
import { ESN } from '../../lib/reservoirs/esn';
import { Ridge } from '../../lib/readout/ridge';
import { native } from '../../lib/native';
import { RanError, describe as describeValue, shapeMismatch } from '../../lib/errors';
import * as v from '../../lib/validate';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RanError);
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}

/** Values of every JavaScript kind, none of them an integer in [1, 1024]. */
const BAD: unknown[] = [
  null,
  'x',
  'a string longer than forty characters, cut at forty',
  '',
  true,
  false,
  NaN,
  Infinity,
  -Infinity,
  -1,
  0,
  -0,
  1.5,
  0.1,
  1e-7,
  2 ** 31,
  1e21,
  1e300,
  [],
  [1, 2],
  {},
  new Float32Array(2),
  new Float64Array(1),
  new Int32Array(1),
  new Uint8Array(1),
  new BigInt64Array(1),
  new DataView(new ArrayBuffer(1)),
  () => 1,
  Symbol('s'),
  10n,
];

describe('the addon and TypeScript word argument errors the same way', () => {
  test.each(BAD.map((b) => [describeValue(b), b]))('an integer argument given %s', (_, bad) => {
    const fromNative = messageOf(() => native().threadPool(bad as never));
    const fromTs = messageOf(() => v.integer('size', bad, 1, 1024));
    expect(fromNative).toBe(fromTs);
  });

  // (null is an absent dense matrix, a CSR one then; a Float32Array is the right kind.)
  const notFloat32 = BAD.filter((b) => b !== null && !(b instanceof Float32Array));
  test.each(notFloat32.map((b) => [describeValue(b), b]))('a typed-array argument given %s', (_, bad) => {
    const fromNative = messageOf(() => native().spectralRadius({ n: 2, dense: bad as never }));
    const fromTs = messageOf(() => {
      if (!v.isTypedArray(bad, 'Float32Array')) v.oneOf('dense', bad, []);
    });
    // The same "got" part; the expectation differs only in what is expected.
    expect(fromNative.split(', got ')[1]).toBe(fromTs.split(', got ')[1]);
    expect(fromNative).toBe(`\`dense\` must be a Float32Array, got ${describeValue(bad)}`);
  });

  test('wrong lengths, enum strings and non-finite values', () => {
    expect(messageOf(() => native().spectralRadius({ n: 2, dense: new Float32Array(3) }))).toBe(
      messageOf(() => shapeMismatch('dense', 4, 3)),
    );
    expect(messageOf(() => native().gemmCeiling({ dtype: 'float16' as never }))).toBe(
      messageOf(() => v.oneOf('dtype', 'float16', ['float32', 'float64'])),
    );
    const x = { data: Float32Array.from([0, NaN]), shape: [1, 2, 1] as [number, number, number] };
    expect(messageOf(() => new ESN({ inputDim: 1, units: 3, seed: 1 }).run(x))).toBe(
      '`x` must be finite, found NaN at [0, 1, 0]',
    );
    const r = new Ridge({ features: 2, outputs: 1 });
    expect(messageOf(() => r.setWeights(Float64Array.from([1, -Infinity])))).toBe(
      '`weights` must be finite, found -Infinity at [1, 0]',
    );
    expect(messageOf(() => r.addRows(Float64Array.from([1, Infinity]), Float64Array.from([0])))).toBe(
      '`x` must be finite, found Infinity at [0, 1]',
    );
  });

  test('a repeated attention unit is refused under its public name', () => {
    const { AttentionReservoir } = jest.requireActual('../../lib/reservoirs/attention');
    const res = new AttentionReservoir({ inputDim: 1, units: 3, width: 4, seed: 1 });
    const x = { data: new Float32Array(2), shape: [1, 2, 1] as [number, number, number] };
    expect(messageOf(() => res.run(x, { attentionUnits: [0, 2, 0] }))).toBe(
      '`options.attentionUnits[2]` must be a unit not already listed, got 0',
    );
  });
});
