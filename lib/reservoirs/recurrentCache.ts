/**
 * The recurrent matrix of a seed, drawn and measured once per process. A random search
 * builds many reservoirs that share a seed, a size and a connectivity and differ in ρ, leak
 * rate or scalings: the draw (n² uniforms) and the spectral radius (an iterative
 * eigensolver) are then the same every time. The cache keeps the matrix before rescaling,
 * its radius, and the generator's state after the draw, so a reservoir built from the cache
 * is the same, bit for bit, as one built afresh: the same values scaled by the same ρ / r0,
 * and the same W_in, b and unit weights drawn next.
 */
import type { Random } from '../random';
import { spectralRadiusOf, type Csr } from './weights';

interface Entry {
  w: Csr;
  r0: number;
  after: Random;
}

const entries = new Map<string, Entry>();
const MAX_ENTRIES = 4;
// Larger matrices are not kept: the cache would then hold hundreds of megabytes per worker.
const MAX_VALUES = 4_000_000;

function snapshot(rng: Random): Random {
  return Object.assign(Object.create(Object.getPrototypeOf(rng) as object) as Random, rng);
}

/**
 * The matrix `draw()` makes from `rng` (whose seed and draw parameters `key` must name
 * completely), rescaled to spectral radius `rho`; `rng` is left where the draw leaves it.
 * Returns the matrix and its radius before rescaling (0: nilpotent or empty, left as is).
 */
export function drawRecurrent(rng: Random, key: string, draw: () => Csr, rho: number): { w: Csr; r0: number } {
  let e = entries.get(key);
  if (e) {
    entries.delete(key); // most recently used last
    entries.set(key, e);
    Object.assign(rng, e.after);
  } else {
    const w = draw();
    e = { w: { ...w, values: w.values.slice() }, r0: spectralRadiusOf(w), after: snapshot(rng) };
    if (w.values.length <= MAX_VALUES) {
      entries.set(key, e);
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    }
  }
  // The same arithmetic as rescaleToRadius: each float32 value times ρ / r0.
  const values = e.w.values.slice();
  if (e.r0 > 0) {
    const s = rho / e.r0;
    for (let i = 0; i < values.length; i++) values[i] = values[i]! * s;
  }
  return { w: { ...e.w, values }, r0: e.r0 };
}

/** Forgets every cached matrix (tests compare cached and fresh draws). */
export function clearRecurrentCache(): void {
  entries.clear();
}
