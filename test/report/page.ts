/**
 * The page both report tests check: a tiny real evaluation rendered once per test file, as
 * text (report.test.ts) and in headless Chromium (browser.test.ts, an integration test).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tableRows } from '../../lib/cli/format';
import type { Architecture } from '../../lib/model/config';
import { renderReport } from '../../lib/report/html';
import { evaluateStream, type StreamCell } from '../../lib/stream/evaluate';

/** The evaluated models. */
export const models: Architecture[] = ['esn', 'ran-a'];

/** A rendered page, written to `file` in the temporary folder `dir`. */
export interface SamplePage {
  cells: StreamCell[];
  html: string;
  dir: string;
  file: string;
}

/** Evaluates two tasks with one trial and renders the report. */
export async function samplePage(): Promise<SamplePage> {
  const cells = await evaluateStream({
    tasks: ['sequential_mnist', 'continuous_postcasting'],
    models,
    budget: 1000,
    difficulty: 'small',
    trials: 1,
    seeds: 1,
    workers: 0,
  });
  const html = await renderReport({
    rows: tableRows(cells, models, '1k'),
    cells,
    meta: { difficulty: 'small', budget: '1k', seeds: 1, trials: 1 },
    budget: '1k',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-report-'));
  const file = path.join(dir, 'report.html');
  fs.writeFileSync(file, html);
  return { cells, html, dir, file };
}

/** The inline SVGs of a page. */
export function svgs(page: string): string[] {
  return page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

/** Drawn data marks of a Vega SVG: shapes and images inside `role-mark` groups (not axes, legends or titles). */
export function dataMarks(svg: string): number {
  let count = 0;
  for (const part of svg.split('class="mark-').slice(1)) {
    if (!/^(rect|line|symbol|area|rule|text|image) role-mark/.test(part)) continue;
    const group = part.slice(0, part.indexOf('</g>'));
    count += (group.match(/<(path[^>]*\sd="M|line\s|text\s|image\s)/g) ?? []).length;
  }
  return count;
}
