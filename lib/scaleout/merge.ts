/**
 * Merging the parts of a sharded fit: every part must belong to the same job and the shards
 * must be exactly 0..n−1 (checked on the headers alone); the statistics are then summed one
 * part at a time in shard order (exact sums: the order does not change the bits) and the
 * validation rows concatenated in shard order.
 */
import { isDeepStrictEqual } from 'util';
import { addExact, exactZeros } from './exact';
import { statsError, type StatsFileHeader, type StatsJob } from './file';
import type { GramStatistics, ShardStatistics, ValidationStatistics } from './statistics';

/** A part's header and the file it came from (named in errors). */
export interface PartHeader {
  name: string;
  header: StatsFileHeader;
}

/** The first field of the job where two parts differ. */
function difference(a: StatsJob, b: StatsJob): string | undefined {
  for (const key of Object.keys(a) as (keyof StatsJob)[]) if (!isDeepStrictEqual(a[key], b[key])) return key;
  return undefined;
}

/** Checks that the parts are the shards 0..n−1 of one job; returns them in shard order. */
export function checkParts<T extends PartHeader>(parts: readonly T[]): T[] {
  if (parts.length === 0) throw statsError('no parts to merge');
  const first = parts[0]!;
  const job = first.header.job;
  for (const p of parts.slice(1)) {
    const d = difference(job, p.header.job);
    if (d !== undefined)
      throw statsError(`${p.name} is foreign: its "${d}" differs from ${first.name}'s (a part of another fit)`);
  }
  const byShard = new Map<number, T>();
  for (const p of parts) {
    const i = p.header.shard.index;
    if (!Number.isInteger(i) || i < 0 || i >= job.shards)
      throw statsError(`${p.name}: shard ${i} outside 0..${job.shards - 1}`);
    const other = byShard.get(i);
    if (other) throw statsError(`shard ${i}/${job.shards} is given twice: ${other.name} and ${p.name}`);
    byShard.set(i, p);
  }
  const missing = Array.from({ length: job.shards }, (_, i) => i).filter((i) => !byShard.has(i));
  if (missing.length > 0)
    throw statsError(
      `missing shard(s) ${missing.map((i) => `${i}/${job.shards}`).join(', ')} (have ${parts.map((p) => p.name).join(', ')})`,
    );
  return Array.from({ length: job.shards }, (_, i) => byShard.get(i)!);
}

/** Running sum of parts, added one at a time in shard order (only one part in memory at a time). */
export class StatsSum {
  private readonly train: GramStatistics;
  private readonly gram: Extract<ValidationStatistics, { kind: 'gram' }>;
  private readonly rows: { x: Float64Array[]; y: Float64Array[]; count: number } = { x: [], y: [], count: 0 };
  private kind: ValidationStatistics['kind'] | undefined;

  constructor(
    private readonly features: number,
    private readonly outputs: number,
  ) {
    const f = features;
    const o = outputs;
    this.train = { rows: 0, xtx: exactZeros(f * f), xty: exactZeros(f * o) };
    this.gram = {
      kind: 'gram',
      rows: 0,
      xtx: { hi: new Float64Array(0), lo: new Float64Array(0) },
      xty: exactZeros(f * o),
      yy: exactZeros(o),
    };
  }

  /** Adds a part's statistics. */
  add(s: ShardStatistics): void {
    this.train.rows += s.train.rows;
    addExact(this.train.xtx, s.train.xtx);
    addExact(this.train.xty, s.train.xty);
    const v = s.valid;
    this.kind = v.kind;
    if (v.kind === 'gram') {
      // Allocated with the first validation Gram part: classification never pays for it.
      if (this.gram.xtx.hi.length === 0) this.gram.xtx = exactZeros(this.features * this.features);
      this.gram.rows += v.rows;
      addExact(this.gram.xtx, v.xtx);
      addExact(this.gram.xty, v.xty);
      addExact(this.gram.yy, v.yy);
    } else {
      this.rows.x.push(v.x);
      this.rows.y.push(v.y);
      this.rows.count += v.rows;
    }
  }

  /** The sum of the parts added. */
  result(): ShardStatistics {
    const valid: ValidationStatistics =
      this.kind === 'gram'
        ? this.gram
        : { kind: 'rows', rows: this.rows.count, x: concat(this.rows.x), y: concat(this.rows.y) };
    return { features: this.features, outputs: this.outputs, train: this.train, valid };
  }
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

/** Sums statistics already in shard order. */
export function sumParts(ordered: readonly ShardStatistics[]): ShardStatistics {
  const sum = new StatsSum(ordered[0]!.features, ordered[0]!.outputs);
  for (const s of ordered) sum.add(s);
  return sum.result();
}
