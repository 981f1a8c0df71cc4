/**
 * A random search split over shards: shard i of n runs the trials whose index is ≡ i (mod n),
 * with the configurations of the unsharded search (`planTrials` draws them in trial order
 * from the seed alone), and writes one JSON line per trial after a header line. Merging
 * checks that the parts cover every trial exactly once and picks the best with the same rule
 * (`bestTrial`: lowest validation score, ties to the lowest index).
 */
import type { Architecture, ReservoirConfig } from '../model/config';
import { runTrials } from '../search/pool';
import { bestTrial, planTrials, trialRequests } from '../search/search';
import type { TrialResult } from '../search/trial';
import type { TaskData } from '../tasks/types';
import { defaultThreads } from '../threads';
import { isDeepStrictEqual } from 'util';
import { statsError } from './file';
import { dataFingerprint } from './fit';
import type { Shard } from './shard';

/** What defines a search (every part of a sharded search shares it). */
export interface SearchSpec {
  architecture: Architecture;
  budget: number;
  trials: number;
  seed: number;
  maxFeatures: number;
  /** Fingerprint of the task's training and validation data. */
  data: string;
  shards: number;
}

/** The header line of a part. */
export interface SearchHeader {
  search: SearchSpec;
  shard: number;
}

/** One trial's line. */
export type TrialLine = Omit<TrialResult, 'milliseconds'> & { milliseconds?: number; config: ReservoirConfig };

/** The spec of a search over a task folder. */
export function searchSpec(task: TaskData, o: Omit<SearchSpec, 'data'>): SearchSpec {
  return { ...o, data: dataFingerprint(task) };
}

/** Runs the trials of shard i of n; lines in trial order. */
export async function runSearchShard(dir: string, task: TaskData, spec: SearchSpec, shard: Shard, workers: number, onTrial?: (line: TrialLine) => void): Promise<TrialLine[]> {
  const shape = { inputDim: task.train.x.shape[2], outputs: task.train.y.shape[2] };
  const configs = planTrials({ architecture: spec.architecture, budget: spec.budget, trials: spec.trials, seed: spec.seed, maxFeatures: spec.maxFeatures }, shape);
  const threads = Math.max(1, Math.floor(defaultThreads() / Math.max(1, workers)));
  const requests = trialRequests({ dir }, configs, 0, threads).filter((r) => r.id % shard.count === shard.index);
  const lineOf = (r: TrialResult): TrialLine => ({ ...r, config: configs[r.id]! });
  const results = await runTrials(requests, workers, (r) => onTrial?.(lineOf(r)));
  return results.map(lineOf);
}

/** The best trial as printed by `ran search` (no timing: the same line whatever the sharding). */
export function bestLine(lines: readonly TrialLine[]): TrialLine {
  const b = bestTrial(lines.map((l) => ({ ...l, milliseconds: 0 }))) as TrialLine;
  const line = lines.find((l) => l.id === b.id)!;
  const { milliseconds: _ms, ...rest } = line;
  return rest;
}

/** Parses a part's text: its header and trial lines; errors name the file and line. */
export function parseSearchPart(text: string, name: string): { header: SearchHeader; lines: TrialLine[] } {
  const rows = text.split('\n').filter((l) => l.trim().length > 0);
  const parse = (l: string, i: number): unknown => {
    try {
      return JSON.parse(l);
    } catch (e) {
      throw statsError(`${name}:${i + 1}: not JSON (${(e as Error).message})`);
    }
  };
  const header = parse(rows[0] ?? '', 0) as SearchHeader;
  if (header === null || typeof header !== 'object' || typeof header.search !== 'object' || !Number.isInteger(header.shard)) throw statsError(`${name}:1: not a \`ran search\` part (no {"search": …, "shard": i} header)`);
  const lines = rows.slice(1).map((l, i) => parse(l, i + 1) as TrialLine);
  lines.forEach((l, i) => {
    if (!Number.isInteger(l?.id) || l.config === undefined) throw statsError(`${name}:${i + 2}: not a trial line`);
    // JSON has no Infinity: a failed trial's scores come back as null.
    l.valid = l.valid ?? Infinity;
    l.test = l.test ?? Infinity;
    l.ridge = l.ridge ?? NaN;
  });
  return { header, lines };
}

/** Checks that parts are the shards 0..n−1 of one search with every trial once; returns all trial lines in id order. */
export function mergeSearchParts(parts: readonly { name: string; header: SearchHeader; lines: TrialLine[] }[]): { spec: SearchSpec; lines: TrialLine[] } {
  if (parts.length === 0) throw statsError('no parts to merge');
  const spec = parts[0]!.header.search;
  const byShard = new Map<number, string>();
  for (const p of parts) {
    const s = p.header.search;
    const differs = (Object.keys(spec) as (keyof SearchSpec)[]).find((k) => !isDeepStrictEqual(spec[k], s[k]));
    if (differs) throw statsError(`${p.name} is foreign: its "${differs}" differs from ${parts[0]!.name}'s (a part of another search)`);
    const i = p.header.shard;
    if (i < 0 || i >= spec.shards) throw statsError(`${p.name}: shard ${i} outside 0..${spec.shards - 1}`);
    if (byShard.has(i)) throw statsError(`shard ${i}/${spec.shards} is given twice: ${byShard.get(i)} and ${p.name}`);
    byShard.set(i, p.name);
  }
  const missing = Array.from({ length: spec.shards }, (_, i) => i).filter((i) => !byShard.has(i));
  if (missing.length > 0) throw statsError(`missing shard(s) ${missing.map((i) => `${i}/${spec.shards}`).join(', ')}`);
  const lines: TrialLine[] = new Array(spec.trials);
  for (const p of parts) {
    for (const l of p.lines) {
      if (l.id < 0 || l.id >= spec.trials || l.id % spec.shards !== p.header.shard) throw statsError(`${p.name}: trial ${l.id} does not belong to shard ${p.header.shard}/${spec.shards}`);
      if (lines[l.id]) throw statsError(`${p.name}: trial ${l.id} appears twice`);
      lines[l.id] = l;
    }
  }
  const absent = lines.length - lines.filter(Boolean).length;
  if (absent > 0) throw statsError(`${absent} trial(s) missing, e.g. trial ${Array.from(lines.keys()).find((i) => !lines[i])} (an unfinished part?)`);
  return { spec, lines };
}
