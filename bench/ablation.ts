/**
 * Ablations of RAN-A / RAN-C on STREAM `small` tasks (issue "Results"): which part buys
 * which task. Every variant starts from the architecture's defaults and changes one thing;
 * λ is chosen on the validation split. On development seeds (0-99, the default) it prints
 * validation scores only; test scores only on report seeds (1000 and up), which
 * scripts/results.js uses for docs/results.md. Mean ± std (n − 1) over seeds.
 *
 *     npx tsc -p bench/tsconfig.json && node dist-bench/bench/ablation.js [--tasks a,b] [--seeds 3] [--first-seed 0] [--out results.md] [--jsonl raw.jsonl]
 */
import * as fs from 'fs';
import { Model, buildTask, type ReservoirConfig } from '../lib';

interface Variant {
  name: string;
  config: (inputDim: number, seed: number) => ReservoirConfig;
}

const A =
  (o: Record<string, unknown>) =>
  (inputDim: number, seed: number): ReservoirConfig => ({
    kind: 'ran-a',
    options: { inputDim, seed, units: 60, ...o },
  });
const C =
  (o: Record<string, unknown>) =>
  (inputDim: number, seed: number): ReservoirConfig => ({
    kind: 'ran-c',
    options: { inputDim, seed, attentionUnits: 30, memoryUnits: 30, ...o },
  });

/** The variants: each differs from its architecture's defaults by one option. */
export const VARIANTS: Variant[] = [
  { name: 'ESN (960 units)', config: (inputDim, seed) => ({ kind: 'esn', options: { inputDim, seed, units: 960 } }) },
  { name: 'RAN-A defaults (60 units × 16, k=16, FF 32)', config: A({}) },
  { name: 'RAN-A k=1', config: A({ context: 1 }) },
  { name: 'RAN-A k=2', config: A({ context: 2 }) },
  { name: 'RAN-A k=4', config: A({ context: 4 }) },
  { name: 'RAN-A k=8', config: A({ context: 8 }) },
  { name: 'RAN-A k=32', config: A({ context: 32 }) },
  { name: 'RAN-A d=8 (120 units)', config: A({ width: 8, units: 120 }) },
  { name: 'RAN-A 30 units', config: A({ units: 30 }) },
  // With the feed-forward off a RAN-A unit is a RAN-C attention unit: this row is also RAN-C without memory units.
  { name: 'RAN-A FF off (= RAN-C without memory units)', config: A({ ffHidden: 0 }) },
  { name: 'RAN-A no recurrence (ρ=0)', config: A({ spectralRadius: 0 }) },
  // Unit variants (issue 14 §3), each alone on the defaults; 'y+o' halves the units to keep the feature count.
  { name: 'RAN-A readout of o(t)', config: A({ readoutState: 'o' }) },
  { name: 'RAN-A readout of y(t) and o(t) (30 units)', config: A({ readoutState: 'both', units: 30 }) },
  { name: 'RAN-A cosine scores (β=8)', config: A({ scores: 'cosine' }) },
  { name: 'RAN-A cosine scores, tied keys', config: A({ scores: 'cosine', tiedKeys: true }) },
  { name: 'RAN-A position bias γ=1', config: A({ positionBias: 1 }) },
  { name: 'RAN-A slots hold the input', config: A({ slotContent: 'input' }) },
  { name: 'RAN-A slots hold the state', config: A({ slotContent: 'state' }) },
  { name: 'RAN-A gated writes (rate 0.5)', config: A({ gatedWrites: true, writeRate: 0.5 }) },
  { name: 'RAN-A k=64', config: A({ context: 64 }) },
  { name: 'RAN-C defaults (30+30 units, k=8, P=32, softmax)', config: C({}) },
  { name: 'RAN-C position bias γ=1', config: C({ positionBias: 1 }) },
  { name: 'RAN-C slots hold the state', config: C({ slotContent: 'state' }) },
  { name: 'RAN-C readout of o(t)', config: C({ readoutState: 'o' }) },
  { name: 'RAN-C data keys', config: C({ keys: 'data' }) },
  { name: 'RAN-C data keys and values', config: C({ keys: 'data', values: 'data' }) },
  { name: 'RAN-C ReLU retrieval', config: C({ retrieval: 'relu' }) },
];

/** One ablation measurement (a line of the raw data). */
export interface AblationRecord {
  task: string;
  variant: string;
  seed: number;
  /** "valid" on development seeds, "test" on report seeds. */
  split: 'valid' | 'test';
  score: number;
}

/** First report seed: below it only validation scores are measured. */
export const FIRST_REPORT_SEED = 1000;

/** Runs every variant on every task and seed; test scores only on report seeds. */
export async function runAblation(
  tasks: readonly string[],
  seeds: readonly number[],
  onRecord?: (r: AblationRecord) => void,
): Promise<AblationRecord[]> {
  const records: AblationRecord[] = [];
  for (const task of tasks) {
    for (const v of VARIANTS) {
      for (const seed of seeds) {
        const data = buildTask(task, { seed });
        const model = new Model(v.config(data.train.x.shape[2], seed));
        const fit = await model.fit(data);
        const split = seed >= FIRST_REPORT_SEED ? 'test' : 'valid';
        const score =
          split === 'test'
            ? await model.evaluate(data.test, data.classification)
            : fit.validation!.find((x) => x.ridge === fit.ridge)!.score;
        model.reservoir.dispose();
        const r: AblationRecord = { task, variant: v.name, seed, split, score };
        records.push(r);
        onRecord?.(r);
      }
    }
  }
  return records;
}

/** Mean ± sample standard deviation (n − 1), three decimals. */
export function meanStdCell(scores: readonly number[]): string {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = scores.length < 2 ? 0 : Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1));
  return `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
}

/** The markdown table of ablation records: one row per variant, one column per task. */
export function ablationTable(records: readonly AblationRecord[]): string {
  const tasks = [...new Set(records.map((r) => r.task))];
  const rows: string[] = [`| variant | ${tasks.join(' | ')} |`, `|---|${tasks.map(() => '---').join('|')}|`];
  for (const v of VARIANTS) {
    const cells = tasks.map((t) =>
      meanStdCell(records.filter((r) => r.task === t && r.variant === v.name).map((r) => r.score)),
    );
    rows.push(`| ${v.name} | ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const get = (k: string, d: string): string => {
    const i = args.indexOf(k);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : d;
  };
  const tasks = get(
    '--tasks',
    'sequential_mnist,bracket_matching,simple_copy,selective_copy,sorting_problem,discrete_postcasting',
  ).split(',');
  const first = Number(get('--first-seed', '0'));
  const seeds = Array.from({ length: Number(get('--seeds', '3')) }, (_, i) => first + i);
  const out = get('--out', '');
  const jsonl = get('--jsonl', '');
  const records = await runAblation(tasks, seeds, (r) => {
    process.stderr.write(`${r.task}\t${r.variant}\tseed ${r.seed}\t${r.split} ${r.score.toFixed(3)}\n`);
    if (jsonl) fs.appendFileSync(jsonl, `${JSON.stringify(r)}\n`);
  });
  const table = ablationTable(records);
  process.stdout.write(`${records[0]?.split ?? 'valid'} scores\n${table}\n`);
  if (out) fs.writeFileSync(out, `${table}\n`);
}

if (require.main === module) void main();
