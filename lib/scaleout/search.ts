/**
 * A random search split over shards. The search has two rounds (lib/search/search.ts): round 1
 * is trials 0..n₁−1, whose configurations depend on (seed, trial) only; round 2 is the other
 * trials, drawn from the regime of round 1's best trial. Shard i of n runs the trials ≡ i
 * (mod n) of one round, with the configurations of the unsharded search, and writes a header
 * line then one JSON line per trial. A round-2 shard first reads every round-1 part to find
 * the regime. Merging checks that the parts cover every trial exactly once and picks the best
 * with the unsharded rule (`bestTrial`).
 */
import { isDeepStrictEqual } from 'util';
import type { Architecture, ReservoirConfig } from '../model/config';
import { runTrials } from '../search/pool';
import { bestTrial, firstRoundSize, planTrials, secondRoundRegime, trialRequests } from '../search/search';
import type { Regime } from '../search/space';
import type { TrialResult } from '../search/trial';
import type { TaskData } from '../tasks/types';
import { defaultThreads } from '../threads';
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

/** The header line of a part: its shard, its round and (round 2) the regime it drew from. */
export interface SearchHeader {
  search: SearchSpec;
  shard: number;
  round: 1 | 2;
  regime?: Regime;
}

/** One trial's line. */
export type TrialLine = Omit<TrialResult, 'milliseconds'> & { milliseconds?: number; config: ReservoirConfig };

/** A parsed part and the file it came from. */
export interface SearchPart {
  name: string;
  header: SearchHeader;
  lines: TrialLine[];
}

/** The spec of a search over a task folder. */
export function searchSpec(task: TaskData, o: Omit<SearchSpec, 'data'>): SearchSpec {
  return { ...o, data: dataFingerprint(task) };
}

/** Trials [start, end) of a round. */
export function roundRange(spec: SearchSpec, round: 1 | 2): [number, number] {
  const n1 = firstRoundSize(spec.trials);
  return round === 1 ? [0, n1] : [n1, spec.trials];
}

/** Runs the trials of one round that belong to shard i of n; lines in trial order. */
export async function runRound(
  dir: string,
  task: TaskData,
  spec: SearchSpec,
  shard: Shard,
  round: 1 | 2,
  regime: Regime,
  workers: number,
): Promise<TrialLine[]> {
  const shape = { inputDim: task.train.x.shape[2], outputs: task.train.y.shape[2] };
  const configs = planTrials(
    {
      architecture: spec.architecture,
      budget: spec.budget,
      trials: spec.trials,
      seed: spec.seed,
      maxFeatures: spec.maxFeatures,
    },
    shape,
    regime,
  );
  const threads = Math.max(1, Math.floor(defaultThreads() / Math.max(1, workers)));
  const [start, end] = roundRange(spec, round);
  const requests = trialRequests({ dir }, configs, 0, threads).filter(
    (r) => r.id >= start && r.id < end && r.id % shard.count === shard.index,
  );
  const results = await runTrials(requests, workers);
  return results.map((r) => ({ ...r, config: configs[r.id]! }));
}

/** The regime of round 2 from every round-1 line (in trial order). */
export function regimeOf(round1: readonly TrialLine[]): Regime {
  return secondRoundRegime(round1.map((l) => ({ milliseconds: 0, ...l })));
}

/** The whole search in this process: round 1, then round 2 from round 1's best regime. */
export async function runSearch(dir: string, task: TaskData, spec: SearchSpec, workers: number): Promise<TrialLine[]> {
  const all = { index: 0, count: 1 };
  const first = await runRound(dir, task, spec, all, 1, 'wide', workers);
  return [...first, ...(await runRound(dir, task, spec, all, 2, regimeOf(first), workers))];
}

/** The best trial as printed by `ran search` (no timing: the same line whatever the sharding). */
export function bestLine(lines: readonly TrialLine[]): TrialLine {
  const b = bestTrial(lines.map((l) => ({ milliseconds: 0, ...l })));
  const { milliseconds: _ms, ...rest } = lines.find((l) => l.id === b.id)!;
  return rest;
}

/** The text of a part: header line, then one line per trial. */
export function formatPart(header: SearchHeader, lines: readonly TrialLine[]): string {
  return `${[header, ...lines].map((l) => JSON.stringify(l)).join('\n')}\n`;
}

/**
 * Parses a part file: each header line starts a section (a shard of one round), followed by
 * its trial lines; an unsharded search's file has two sections. Errors name the file and line.
 */
export function parseSearchPart(text: string, name: string): SearchPart[] {
  const sections: SearchPart[] = [];
  text.split('\n').forEach((row, i) => {
    if (row.trim().length === 0) return;
    let v: unknown;
    try {
      v = JSON.parse(row);
    } catch (e) {
      throw statsError(`${name}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (v !== null && typeof v === 'object' && 'search' in v) {
      const h = v as SearchHeader;
      if (typeof h.search !== 'object' || !Number.isInteger(h.shard) || (h.round !== 1 && h.round !== 2))
        throw statsError(`${name}:${i + 1}: a header line needs "search", "shard" and "round"`);
      sections.push({ name, header: h, lines: [] });
      return;
    }
    const l = v as TrialLine;
    if (sections.length === 0)
      throw statsError(`${name}:1: not a \`ran search\` part (no {"search", "shard", "round"} header)`);
    if (l === null || typeof l !== 'object' || !Number.isInteger(l.id) || l.config === undefined)
      throw statsError(`${name}:${i + 1}: not a trial line`);
    // JSON has no Infinity or NaN: they come back as null (the best-trial rule ranks both last).
    l.valid = l.valid ?? Infinity;
    l.validMse = l.validMse ?? NaN;
    l.test = l.test ?? Infinity;
    l.ridge = l.ridge ?? NaN;
    sections[sections.length - 1]!.lines.push(l);
  });
  if (sections.length === 0) throw statsError(`${name}: empty (no header line)`);
  return sections;
}

/** Checks that `parts` are the shards 0..n−1 of one round of `spec` with each of its trials once; its lines in trial order. */
function roundLines(spec: SearchSpec, round: 1 | 2, parts: readonly SearchPart[]): TrialLine[] {
  const byShard = new Map<number, string>();
  for (const p of parts) {
    const i = p.header.shard;
    if (i < 0 || i >= spec.shards) throw statsError(`${p.name}: shard ${i} outside 0..${spec.shards - 1}`);
    if (byShard.has(i))
      throw statsError(`round ${round} shard ${i}/${spec.shards} is given twice: ${byShard.get(i)} and ${p.name}`);
    byShard.set(i, p.name);
  }
  const missing = Array.from({ length: spec.shards }, (_, i) => i).filter((i) => !byShard.has(i));
  if (missing.length > 0)
    throw statsError(`missing round-${round} shard(s) ${missing.map((i) => `${i}/${spec.shards}`).join(', ')}`);
  const [start, end] = roundRange(spec, round);
  const lines = new Array<TrialLine>(end - start);
  for (const p of parts) {
    for (const l of p.lines) {
      if (l.id < start || l.id >= end || l.id % spec.shards !== p.header.shard)
        throw statsError(
          `${p.name}: trial ${l.id} does not belong to round ${round}, shard ${p.header.shard}/${spec.shards}`,
        );
      if (lines[l.id - start]) throw statsError(`${p.name}: trial ${l.id} appears twice`);
      lines[l.id - start] = l;
    }
  }
  const absent = Array.from(lines.keys()).filter((k) => !lines[k]);
  if (absent.length > 0)
    throw statsError(
      `${absent.length} round-${round} trial(s) missing, e.g. trial ${start + absent[0]!} (an unfinished part?)`,
    );
  return lines;
}

/** The common spec of parts (all of the same search, else an error naming the foreign one). */
function commonSpec(parts: readonly SearchPart[]): SearchSpec {
  if (parts.length === 0) throw statsError('no parts to merge');
  const spec = parts[0]!.header.search;
  for (const p of parts) {
    const differs = (Object.keys(spec) as (keyof SearchSpec)[]).find(
      (k) => !isDeepStrictEqual(spec[k], p.header.search[k]),
    );
    if (differs)
      throw statsError(
        `${p.name} is foreign: its "${differs}" differs from ${parts[0]!.name}'s (a part of another search)`,
      );
  }
  return spec;
}

/** Round 1 of a sharded search, checked complete: its spec, lines and the regime of round 2. */
export function firstRound(parts: readonly SearchPart[]): { spec: SearchSpec; lines: TrialLine[]; regime: Regime } {
  const spec = commonSpec(parts);
  const other = parts.find((p) => p.header.round !== 1);
  if (other) throw statsError(`${other.name} is a round-${other.header.round} part, expected round-1 parts`);
  const lines = roundLines(spec, 1, parts);
  return { spec, lines, regime: regimeOf(lines) };
}

/** Every trial of a sharded search (round 1 and round 2 parts), checked; lines in trial order. */
export function mergeSearchParts(parts: readonly SearchPart[]): { spec: SearchSpec; lines: TrialLine[] } {
  const spec = commonSpec(parts);
  const first = firstRound(parts.filter((p) => p.header.round === 1));
  const second = parts.filter((p) => p.header.round === 2);
  const [start, end] = roundRange(spec, 2);
  if (start === end) {
    if (second.length > 0) throw statsError(`${second[0]!.name}: a search of ${spec.trials} trial(s) has no round 2`);
    return { spec, lines: first.lines };
  }
  if (second.length === 0)
    throw statsError(`no round-2 parts (trials ${start}..${end - 1}): run the round-2 shards (--round1 …)`);
  const wrong = second.find((p) => p.header.regime !== first.regime);
  if (wrong)
    throw statsError(
      `${wrong.name} drew round 2 from "${String(wrong.header.regime)}", round 1's best trial gives "${first.regime}"`,
    );
  return { spec, lines: [...first.lines, ...roundLines(spec, 2, second)] };
}
