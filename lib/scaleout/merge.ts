/**
 * Merging the parts of a sharded fit: every part must belong to the same job and the shards
 * must be exactly 0..n−1; the statistics are summed in shard order (exact sums, so the
 * order does not change the bits) and validation rows concatenated in shard order.
 */
import { isDeepStrictEqual } from 'util';
import { addExact, exactZeros } from './exact';
import { statsError, type StatsJob, type StatsPart } from './file';
import type { ShardStatistics, ValidationStatistics } from './statistics';

/** A part and the file it came from (named in errors). */
export interface NamedPart {
  name: string;
  part: StatsPart;
}

/** The first field of the job where two parts differ. */
function difference(a: StatsJob, b: StatsJob): string | undefined {
  for (const key of Object.keys(a) as (keyof StatsJob)[]) if (!isDeepStrictEqual(a[key], b[key])) return key;
  return undefined;
}

/** Checks that the parts are the shards 0..n−1 of one job; returns them in shard order. */
export function checkParts(parts: readonly NamedPart[]): NamedPart[] {
  if (parts.length === 0) throw statsError('no parts to merge');
  const first = parts[0]!;
  const job = first.part.header.job;
  for (const p of parts.slice(1)) {
    const d = difference(job, p.part.header.job);
    if (d !== undefined) throw statsError(`${p.name} is foreign: its "${d}" differs from ${first.name}'s (a part of another fit)`);
  }
  const byShard = new Map<number, NamedPart>();
  for (const p of parts) {
    const i = p.part.header.shard.index;
    if (!Number.isInteger(i) || i < 0 || i >= job.shards) throw statsError(`${p.name}: shard ${i} outside 0..${job.shards - 1}`);
    const other = byShard.get(i);
    if (other) throw statsError(`shard ${i}/${job.shards} is given twice: ${other.name} and ${p.name}`);
    byShard.set(i, p);
  }
  const missing = Array.from({ length: job.shards }, (_, i) => i).filter((i) => !byShard.has(i));
  if (missing.length > 0) throw statsError(`missing shard(s) ${missing.map((i) => `${i}/${job.shards}`).join(', ')} (have ${parts.map((p) => p.name).join(', ')})`);
  return Array.from({ length: job.shards }, (_, i) => byShard.get(i)!);
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Sums the statistics of parts already checked and ordered by `checkParts`. */
export function sumParts(ordered: readonly NamedPart[]): ShardStatistics {
  const { features: f, outputs: o } = ordered[0]!.part.header.job.readout;
  const train = { rows: 0, xtx: exactZeros(f * f), xty: exactZeros(f * o) };
  for (const { part } of ordered) {
    train.rows += part.stats.train.rows;
    addExact(train.xtx, part.stats.train.xtx);
    addExact(train.xty, part.stats.train.xty);
  }
  const vs = ordered.map((p) => p.part.stats.valid);
  let valid: ValidationStatistics;
  if (vs[0]!.kind === 'gram') {
    const g = { kind: 'gram' as const, rows: 0, xtx: exactZeros(f * f), xty: exactZeros(f * o), yy: exactZeros(o) };
    for (const v of vs as Extract<ValidationStatistics, { kind: 'gram' }>[]) {
      g.rows += v.rows;
      addExact(g.xtx, v.xtx);
      addExact(g.xty, v.xty);
      addExact(g.yy, v.yy);
    }
    valid = g;
  } else {
    const rs = vs as Extract<ValidationStatistics, { kind: 'rows' }>[];
    valid = { kind: 'rows', rows: rs.reduce((a, v) => a + v.rows, 0), x: concat(rs.map((v) => v.x)), y: concat(rs.map((v) => v.y)) };
  }
  return { features: f, outputs: o, train, valid };
}
