/** The STREAM result table, as text (the HTML report is in `lib/report/`). */
import { bestPublished, publishedResult, type Budget, type PublishedModel } from '../stream/published';
import type { StreamCell } from '../stream/evaluate';
import type { TaskName } from '../tasks/names';
import { architecture, type Architecture } from '../architectures/index';

const MODELS: PublishedModel[] = ['EST', 'Transformer', 'LSTM', 'GRU'];

/** Best published seed-mean at a budget: "0.338 (Transformer)". */
export function publishedAt(task: string, budget: string): { mean: number; model: string } | undefined {
  let best: { mean: number; model: string } | undefined;
  for (const m of MODELS) {
    const r = publishedResult(task as TaskName, budget as Budget, m);
    if (r && (best === undefined || r.mean < best.mean)) best = { mean: r.mean, model: m };
  }
  return best;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'failed';
  if (x === 0) return '0';
  return Math.abs(x) < 0.001 ? x.toExponential(1) : x.toFixed(3);
}

/** Rows of the result table: task, each model's mean ± std, the published best at the budget and overall. */
export function tableRows(cells: StreamCell[], models: readonly Architecture[], budget: string): string[][] {
  const tasks = [...new Set(cells.map((c) => c.task))];
  const header = [
    'task',
    ...models.map((m) => architecture(m).label),
    `published best (${budget})`,
    'published best (any budget)',
  ];
  const rows = [header];
  for (const task of tasks) {
    const row = [task];
    for (const m of models) {
      const c = cells.find((x) => x.task === task && x.model === m);
      row.push(c ? (c.scores.length > 1 ? `${fmt(c.mean)} ± ${fmt(c.std)}` : fmt(c.mean)) : '-');
    }
    const at = publishedAt(task, budget);
    row.push(at ? `${fmt(at.mean)} ${at.model}` : '-');
    let overall = '-';
    try {
      const b = bestPublished(task as TaskName);
      overall = `${fmt(b.mean)} ${b.model} ${b.budget}`;
    } catch {
      // tasks read from a folder have no published result
    }
    row.push(overall);
    rows.push(row);
  }
  return rows;
}

/** A fixed-width text table. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
