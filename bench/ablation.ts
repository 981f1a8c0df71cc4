/**
 * Ablations of RAN-A / RAN-C on STREAM `small` tasks (issue "Results"): which part buys
 * which task. Every variant starts from the architecture's defaults and changes one thing;
 * λ is chosen on the validation split, the test error is reported, mean ± std over seeds.
 *
 *     npx tsc -p bench/tsconfig.json && node dist-bench/bench/ablation.js [--tasks a,b] [--seeds 3] [--out results.md]
 */
import * as fs from 'fs';
import { Model, buildTask, type ReservoirConfig } from '../lib';

interface Variant {
  name: string;
  config: (inputDim: number, seed: number) => ReservoirConfig;
}

const A = (o: Record<string, unknown>) => (inputDim: number, seed: number): ReservoirConfig => ({ kind: 'ran-a', options: { inputDim, seed, units: 60, ...o } });
const C = (o: Record<string, unknown>) => (inputDim: number, seed: number): ReservoirConfig => ({ kind: 'ran-c', options: { inputDim, seed, attentionUnits: 30, memoryUnits: 30, ...o } });

/** The variants: each differs from its architecture's defaults by one option. */
export const VARIANTS: Variant[] = [
  { name: 'ESN (960 units)', config: (inputDim, seed) => ({ kind: 'esn', options: { inputDim, seed, units: 960 } }) },
  { name: 'RAN-A defaults (60 units × 16, k=8, FF 32)', config: A({}) },
  { name: 'RAN-A k=1', config: A({ context: 1 }) },
  { name: 'RAN-A k=2', config: A({ context: 2 }) },
  { name: 'RAN-A k=4', config: A({ context: 4 }) },
  { name: 'RAN-A k=16', config: A({ context: 16 }) },
  { name: 'RAN-A d=8 (120 units)', config: A({ width: 8, units: 120 }) },
  { name: 'RAN-A 30 units', config: A({ units: 30 }) },
  { name: 'RAN-A FF off', config: A({ ffHidden: 0 }) },
  { name: 'RAN-A no recurrence (ρ=0)', config: A({ spectralRadius: 0 }) },
  { name: 'RAN-C defaults (30+30 units, P=32, softmax)', config: C({}) },
  { name: 'RAN-C data keys', config: C({ keys: 'data' }) },
  { name: 'RAN-C ReLU retrieval', config: C({ retrieval: 'relu' }) },
  { name: 'RAN-C memory units off (60 attention units)', config: (inputDim, seed) => ({ kind: 'ran-a', options: { inputDim, seed, units: 60, ffHidden: 0 } }) },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const get = (k: string, d: string): string => {
    const i = args.indexOf(k);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : d;
  };
  const tasks = get('--tasks', 'sequential_mnist,bracket_matching,simple_copy,selective_copy,sorting_problem,discrete_postcasting').split(',');
  const seeds = Number(get('--seeds', '3'));
  const out = get('--out', '');
  const rows: string[] = [`| variant | ${tasks.join(' | ')} |`, `|---|${tasks.map(() => '---').join('|')}|`];
  const cells = new Map<string, string[]>();
  for (const task of tasks) {
    for (const v of VARIANTS) {
      const scores: number[] = [];
      for (let seed = 0; seed < seeds; seed++) {
        const data = buildTask(task, { seed });
        const model = new Model(v.config(data.train.x.shape[2], seed));
        await model.fit(data);
        scores.push(await model.evaluate(data.test, data.classification));
        model.reservoir.dispose();
      }
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
      const cell = `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
      cells.set(v.name, [...(cells.get(v.name) ?? []), cell]);
      process.stderr.write(`${task}\t${v.name}\t${cell}\n`);
    }
  }
  for (const v of VARIANTS) rows.push(`| ${v.name} | ${(cells.get(v.name) ?? []).join(' | ')} |`);
  const table = rows.join('\n');
  process.stdout.write(`${table}\n`);
  if (out) fs.writeFileSync(out, `${table}\n`);
}

void main();
