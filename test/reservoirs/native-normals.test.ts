/**
 * The addon's port of the generator draws the same normals as lib/random.ts, bit for bit,
 * and leaves the generator in the same state (words, pending spare), whatever the state it
 * starts from: fresh (unsigned words), after draws (signed words), with a spare pending.
 */
import { Random } from '../../lib/random';
import { fillNormals } from '../../lib/reservoirs/nativeNormals';
import { sameBits } from '../helpers';

interface Fields {
  s0: number;
  s1: number;
  s2: number;
  s3: number;
  spareNormal: number | null;
}

function fieldsOf(r: Random): Fields {
  const f = r as unknown as Fields;
  return { s0: f.s0, s1: f.s1, s2: f.s2, s3: f.s3, spareNormal: f.spareNormal };
}

function copyOf(r: Random): Random {
  return Object.assign(Object.create(Object.getPrototypeOf(r) as object) as Random, r);
}

test.each([
  [0, 0, 1],
  [1, 0, 7],
  [2, 3, 1000],
  [3, 1, 1],
  [4, 5, 4096],
  [2 ** 40 + 3, 2, 300_000],
])('seed %i after %i uniforms: %i normals as Random.normal draws them', (seed, uniforms, count) => {
  const js = new Random(seed);
  for (let i = 0; i < uniforms; i++) js.uniform();
  if (uniforms % 2 === 1) js.normal(); // a spare pending
  const nat = copyOf(js);
  const want = new Float64Array(count);
  const wantWords = new Int32Array(4 * count);
  const wantSpare = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    want[i] = js.normal();
    const f = fieldsOf(js);
    wantWords.set([f.s0, f.s1, f.s2, f.s3], 4 * i);
    wantSpare[i] = f.spareNormal === null ? 0 : 1;
  }
  const got = new Float64Array(count);
  const words = new Int32Array(4 * count);
  const spares = new Uint8Array(count);
  fillNormals(nat, got, words, spares);
  expect(sameBits(got, want)).toBe(true);
  expect(Array.from(words)).toEqual(Array.from(wantWords));
  expect(Array.from(spares)).toEqual(Array.from(wantSpare));
  expect(fieldsOf(nat)).toEqual(fieldsOf(js));
  // Without the record, the same numbers; then both generators go on alike.
  const again = copyOf(nat);
  const more = new Float64Array(5);
  fillNormals(again, more);
  for (let i = 0; i < 5; i++) expect(Object.is(more[i], js.normal())).toBe(true);
  expect(again.uniform()).toBe(js.uniform());
});

test('an empty run leaves the generator as it was', () => {
  const r = new Random(9);
  const before = fieldsOf(r);
  fillNormals(r, new Float64Array(0));
  expect(fieldsOf(r)).toEqual(before);
});
