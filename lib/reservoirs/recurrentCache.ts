/**
 * The recurrent matrix of a seed, drawn and measured once per process. A random search
 * builds many reservoirs that share a seed, a size and a connectivity and differ in ρ, leak
 * rate or scalings: the draw (n² uniforms) and the spectral radius (an iterative
 * eigensolver) are then the same every time. The cache keeps the matrix before rescaling,
 * its radius, and the generator's state after the draw, so a reservoir built from the cache
 * is the same, bit for bit, as one built afresh: the same values scaled by the same ρ / r0,
 * and the same W_in, b and unit weights drawn next. The matrix is kept in the form the
 * kernel reads, so a trial only rescales its values.
 *
 * Search workers share what they draw (search/pool.ts): a worker logs the entries it draws
 * and the keys its jobs use, the pool hands an entry to the next worker whose job needs it,
 * and that worker installs it instead of drawing it again — the same values, radius and
 * generator state, so the same bits as its own draw.
 */
import type { NativeMatrix } from '../native';
import type { Random } from '../random';
import { kernelForm, spectralRadiusOf, valuesOf, withValues, type BlockMatrix, type CsrMatrix } from './weights';

interface Entry {
  w: NativeMatrix;
  r0: number;
  /** The generator's fields after the draw (a Random, or a plain copy from another thread). */
  after: Random;
}

/** A cached matrix as it travels between threads (structured clone keeps every bit). */
export interface SharedRecurrent extends Entry {
  key: string;
}

const entries = new Map<string, Entry>();
const MAX_ENTRIES = 4;
// Larger matrices are not kept: the cache would then hold hundreds of megabytes per worker.
const MAX_VALUES = 4_000_000;

/** What this thread drew and used since `takeRecurrentLog` last ran; undefined: not logging. */
let log: { drawn: SharedRecurrent[]; used: Set<string> } | undefined;

function remember(key: string, e: Entry): void {
  entries.set(key, e);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

function snapshot(rng: Random): Random {
  return Object.assign(Object.create(Object.getPrototypeOf(rng) as object) as Random, rng);
}

/**
 * The matrix `draw()` makes from `rng` (whose seed and draw parameters `key` must name
 * completely), in the kernel's form (`kernelForm`), rescaled to spectral radius `rho`; `rng`
 * is left where the draw leaves it. Returns the matrix and its radius before rescaling (0:
 * nilpotent or empty, left as is), measured on the drawn sparse form.
 */
export function drawRecurrent(
  rng: Random,
  key: string,
  draw: () => CsrMatrix | BlockMatrix,
  rho: number,
): { w: NativeMatrix; r0: number } {
  log?.used.add(key);
  let e = entries.get(key);
  if (e) {
    entries.delete(key); // most recently used last
    entries.set(key, e);
    Object.assign(rng, e.after);
  } else {
    const drawn = draw();
    e = { r0: spectralRadiusOf(drawn), after: snapshot(rng), w: kernelForm(drawn) };
    if (valuesOf(e.w).length <= MAX_VALUES) {
      remember(key, e);
      log?.drawn.push({ key, ...e });
    }
  }
  // Rescaled to ρ: each float32 value times ρ / r0, into a new array.
  const from = valuesOf(e.w);
  const values = new Float32Array(from.length);
  if (e.r0 > 0) {
    const s = rho / e.r0;
    for (let i = 0; i < values.length; i++) values[i] = from[i]! * s;
  } else values.set(from);
  return { w: withValues(e.w, values), r0: e.r0 };
}

/** Forgets every cached matrix (tests compare cached and fresh draws). */
export function clearRecurrentCache(): void {
  entries.clear();
}

/**
 * Starts (or, `on` false, stops and clears) logging draws and used keys for
 * `takeRecurrentLog`: search workers and a trial pool's own thread only, since the log holds
 * the matrices until taken.
 */
export function logRecurrent(on = true): void {
  log = on ? (log ?? { drawn: [], used: new Set() }) : undefined;
}

/**
 * The entries this thread drew and cached, and every key it looked up, since the last call
 * (empty unless `logRecurrent` was called); clears the log.
 */
export function takeRecurrentLog(): { drawn: SharedRecurrent[]; used: string[] } {
  if (!log) return { drawn: [], used: [] };
  const out = { drawn: log.drawn, used: [...log.used] };
  log = { drawn: [], used: new Set() };
  return out;
}

/** The keys held now, least recently used first. */
export function cachedRecurrentKeys(): string[] {
  return [...entries.keys()];
}

/**
 * Caches a matrix drawn elsewhere (by another search worker) under its key: a later
 * `drawRecurrent` with that key uses it as if this thread had drawn it.
 */
export function installRecurrent(e: SharedRecurrent): void {
  if (entries.has(e.key) || valuesOf(e.w).length > MAX_VALUES) return;
  remember(e.key, { w: e.w, r0: e.r0, after: e.after });
}

/** The cached matrix of `key` as `installRecurrent` takes it (the cache's own arrays), or undefined. */
export function recurrentEntry(key: string): SharedRecurrent | undefined {
  const e = entries.get(key);
  return e && { key, ...e };
}
