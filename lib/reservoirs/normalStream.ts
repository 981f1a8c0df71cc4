/**
 * Standard normals drawn once per process and replayed. The unit weights of a reservoir
 * (W_Q, W_K, W_V, W_1, W_2, memory keys and values) are one run of `rng.normal()` from the
 * generator's state after W, W_in and b; the trials of a search share that state (same seed,
 * size and connectivity) and differ in how many normals they take (context, heads or d_ff
 * change the shapes, not the stream) and in the scales they multiply them by. Replaying a
 * recorded run gives the same numbers and leaves the generator in the same state, bit for
 * bit, as drawing them afresh.
 */
import type { Random } from '../random';
import { fillNormals, type GeneratorState } from './nativeNormals';

interface Stream {
  /** A copy of the generator, positioned after the last recorded normal. */
  gen: Random;
  values: Float64Array;
  /** Generator words after normal i: words[4i .. 4i + 3]. */
  words: Int32Array;
  /** Whether a spare normal was pending after normal i. */
  spare: Uint8Array;
  length: number;
}

const MAX_STREAMS = 4;
// 25 bytes per recorded normal: at most 4 × 13 MB.
const MAX_LENGTH = 1 << 19;
// Shorter runs are drawn afresh unless they continue a recorded one: recording costs 25 bytes
// per normal and bookkeeping per new generator state, which a process that builds many small
// reservoirs (a server) would pay for nothing.
const MIN_LENGTH = 4096;
const streams: Stream[] = [];
/** Where a handed-out run ended: the generator state it left → its stream and position. */
const ends = new Map<string, { stream: Stream; at: number }>();

function keyOf(rng: Random): string {
  const s = rng as unknown as GeneratorState;
  return `${s.s0},${s.s1},${s.s2},${s.s3},${s.spareNormal}`;
}

function copyOf(rng: Random): Random {
  return Object.assign(Object.create(Object.getPrototypeOf(rng) as object) as Random, rng);
}

function extend(s: Stream, length: number): void {
  if (length > s.values.length) {
    const cap = Math.max(length, 2 * s.values.length);
    const values = new Float64Array(cap);
    values.set(s.values.subarray(0, s.length));
    const words = new Int32Array(4 * cap);
    words.set(s.words.subarray(0, 4 * s.length));
    const spare = new Uint8Array(cap);
    spare.set(s.spare.subarray(0, s.length));
    Object.assign(s, { values, words, spare });
  }
  if (length > s.length)
    fillNormals(
      s.gen,
      s.values.subarray(s.length, length),
      s.words.subarray(4 * s.length, 4 * length),
      s.spare.subarray(s.length, length),
    );
  s.length = Math.max(s.length, length);
}

function find(rng: Random): { stream: Stream; at: number } {
  const known = ends.get(keyOf(rng));
  if (known) return known;
  // A new run reuses the arrays of the oldest one: a process that builds reservoirs of ever
  // new seeds then allocates nothing here (freed and reallocated buffers grow the RSS).
  let stream: Stream;
  if (streams.length < MAX_STREAMS) {
    stream = {
      gen: copyOf(rng),
      values: new Float64Array(1024),
      words: new Int32Array(4096),
      spare: new Uint8Array(1024),
      length: 0,
    };
  } else {
    stream = streams.shift()!;
    for (const [k, e] of ends) if (e.stream === stream) ends.delete(k);
    stream.gen = copyOf(rng);
    stream.length = 0;
  }
  streams.push(stream);
  ends.set(keyOf(rng), { stream, at: 0 });
  return { stream, at: 0 };
}

/** Drawn afresh: runs too short to be worth recording or too long to keep. */
function drawFresh(rng: Random, count: number): Float64Array {
  const out = new Float64Array(count);
  fillNormals(rng, out);
  return out;
}

/**
 * The next `count` values of `rng.normal()` (a view, valid until the next call), with `rng`
 * left where drawing them would leave it.
 */
export function takeNormals(rng: Random, count: number): Float64Array {
  const known = ends.get(keyOf(rng));
  if (known === undefined && count < MIN_LENGTH) return drawFresh(rng, count);
  const { stream, at } = known ?? find(rng);
  const end = at + count;
  if (end + 1 > MAX_LENGTH) return drawFresh(rng, count); // too long to keep
  // One normal beyond the run: a pending spare is the next value of the stream.
  extend(stream, end + 1);
  if (count > 0) {
    const r = rng as unknown as GeneratorState;
    const w = stream.words;
    r.s0 = w[4 * (end - 1)]!;
    r.s1 = w[4 * (end - 1) + 1]!;
    r.s2 = w[4 * (end - 1) + 2]!;
    r.s3 = w[4 * (end - 1) + 3]!;
    r.spareNormal = stream.spare[end - 1] ? stream.values[end]! : null;
    ends.set(keyOf(rng), { stream, at: end });
  }
  return stream.values.subarray(at, end);
}

/** Forgets every recorded run (tests compare replayed and fresh draws). */
export function clearNormalStreams(): void {
  streams.length = 0;
  ends.clear();
}
