/**
 * Runs of `rng.normal()` drawn by the addon's port of the generator (native/include/
 * portable_random.h): the same numbers, and `rng` left in the same state, bit for bit, at
 * a tenth of the cost. RAN-A draws hundreds of thousands of normals per recurrent matrix
 * (its blocks) and per set of unit weights.
 */
import { native } from '../native';
import type { Random } from '../random';

/** The generator's fields (xoshiro128** words and the spare of the polar method). */
export interface GeneratorState {
  s0: number;
  s1: number;
  s2: number;
  s3: number;
  spareNormal: number | null;
}

const words = new Int32Array(4);
const spare = new Float64Array(2);

/**
 * Fills `out` with the next `out.length` values of `rng.normal()` and leaves `rng` where
 * drawing them would; `after` and `spares` (when given) get the generator's words and
 * whether a spare was pending after each value.
 */
export function fillNormals(rng: Random, out: Float64Array, after?: Int32Array, spares?: Uint8Array): void {
  if (out.length === 0) return;
  const g = rng as unknown as GeneratorState;
  words[0] = g.s0;
  words[1] = g.s1;
  words[2] = g.s2;
  words[3] = g.s3;
  spare[0] = g.spareNormal === null ? 0 : 1;
  spare[1] = g.spareNormal ?? 0;
  native().normals(words, spare, out, after, spares);
  // The TypeScript keeps the words as signed 32-bit integers once it has drawn; a run served
  // by a pending spare alone draws none, and its fields stay as they were.
  if ((words[0] ^ g.s0) | (words[1] ^ g.s1) | (words[2] ^ g.s2) | (words[3] ^ g.s3)) {
    g.s0 = words[0]!;
    g.s1 = words[1]!;
    g.s2 = words[2]!;
    g.s3 = words[3]!;
  }
  g.spareNormal = spare[0] ? spare[1] : null;
}
