/**
 * Double-double sums: each entry is kept as hi + lo (Knuth's TwoSum), so a sum of float64
 * statistics is carried to about 106 bits. Rounded once at the end, the result is the float64
 * nearest the exact sum of the parts, whatever the order and grouping of the additions: a
 * sharded fit (shards summed by `ran merge`) and a one-process fit then give the same bits.
 */

/** A float64 array carried as hi + lo words. */
export interface ExactSum {
  hi: Float64Array;
  lo: Float64Array;
}

/** A zero sum of `length` entries. */
export function exactZeros(length: number): ExactSum {
  return { hi: new Float64Array(length), lo: new Float64Array(length) };
}

/** acc += x (float64 values, no error term), entry by entry. */
export function addValues(acc: ExactSum, x: ArrayLike<number>): void {
  const { hi, lo } = acc;
  for (let i = 0; i < hi.length; i++) {
    const a = hi[i]!;
    const b = x[i]!;
    const s = a + b;
    const bb = s - a;
    lo[i] = lo[i]! + (a - (s - bb) + (b - bb));
    hi[i] = s;
  }
}

/** acc += other (another hi + lo sum), entry by entry. */
export function addExact(acc: ExactSum, other: ExactSum): void {
  addValues(acc, other.hi);
  const { lo } = acc;
  for (let i = 0; i < lo.length; i++) lo[i] = lo[i]! + other.lo[i]!;
}

/** The float64 value of each entry: hi + lo, rounded once. */
export function roundExact(acc: ExactSum): Float64Array {
  const out = new Float64Array(acc.hi.length);
  for (let i = 0; i < out.length; i++) out[i] = acc.hi[i]! + acc.lo[i]!;
  return out;
}
