/** Shards of a set of sequences: `i/n` on the command line, contiguous ranges of sequences. */
import { invalidArg } from '../errors';

/** Shard `index` of `count` (0 ≤ index < count). */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (0 ≤ i < n). */
export function parseShard(text: string, name = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(String(text).trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    invalidArg(name, '"i/n" with 0 <= i < n (e.g. 0/4)', text);
  }
  return { index, count };
}

/** The sequences [start, end) of shard i of n over `total` sequences: ⌊i·B/n⌋ to ⌊(i+1)·B/n⌋. */
export function shardRange(total: number, shard: Shard): [number, number] {
  return [Math.floor((shard.index * total) / shard.count), Math.floor(((shard.index + 1) * total) / shard.count)];
}

/**
 * Batches of a range, cut on the global grid of `batch` sequences (multiples of `batch`
 * from sequence 0), so that a shard starting on a multiple of `batch` runs exactly the
 * batches of a one-process run.
 */
export function batchesOf(start: number, end: number, batch: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s0 = start; s0 < end;) {
    const s1 = Math.min(end, (Math.floor(s0 / batch) + 1) * batch);
    out.push([s0, s1]);
    s0 = s1;
  }
  return out;
}
