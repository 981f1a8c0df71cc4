import * as fs from 'fs';
import { tableRows } from '../../lib/cli/format';
import { renderReport } from '../../lib/report/html';
import type { StreamCell } from '../../lib/stream/evaluate';
import { formatScore } from '../../lib/report/charts';
import { dataMarks, models, samplePage, svgs } from './page';

// A tiny real evaluation, rendered once and checked as text (the browser checks are in browser.test.ts).
let cells: StreamCell[];
let html: string;
let dir: string;

beforeAll(async () => {
  ({ cells, html, dir } = await samplePage());
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('renderReport', () => {
  test('a self-contained page: the score table and at least four drawn SVG charts, no scripts, nothing external', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/<table>/);
    for (const t of ['sequential_mnist', 'continuous_postcasting', 'published best (1k)']) expect(html).toContain(t);
    const charts = svgs(html);
    expect(charts.length).toBeGreaterThanOrEqual(4);
    for (const svg of charts) {
      expect((svg.match(/<path|<rect/g) ?? []).length).toBeGreaterThan(0);
      expect(dataMarks(svg)).toBeGreaterThan(0);
      const [, w, h] = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg) ?? [];
      expect(Number(w)).toBeGreaterThan(100);
      expect(Number(h)).toBeGreaterThan(50);
    }
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(img|link|iframe|object|embed)\b|url\((?!#)/i);
    // ids are unique on the page (several SVGs, each with clip paths and gradients)
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
    // the sample section: state traces of sequential_mnist and RAN-A's attention weights
    expect(html).toContain('state x(t)');
    expect(html).toContain('Attention weights');
    expect(html).not.toContain('No sample could be replayed');
  });

  test('the bar chart draws one bar per model and task, and the published reference', () => {
    const score = svgs(html)[0]!;
    const bars = score
      .split('class="mark-rect role-mark')
      .slice(1)
      .map((p) => (p.slice(0, p.indexOf('</g>')).match(/<path[^>]*\sd="M/g) ?? []).length);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(cells.length);
    expect(score).toMatch(/stroke-dasharray="6,3"/);
  });

  test('a task with a one-dimensional input (continuous_postcasting) draws its input as a line', async () => {
    const mine = cells.filter((c) => c.task === 'continuous_postcasting');
    const page = await renderReport({ rows: tableRows(mine, models, '1k'), cells: mine, meta: {}, budget: '1k' });
    expect(svgs(page).length).toBe(6); // scores, parameters, trace, attention, predictions, λ
    for (const svg of svgs(page)) expect(dataMarks(svg)).toBeGreaterThan(0);
    expect(page).toContain('continuous_postcasting, test sequence 0');
    expect(page).not.toMatch(/could not be (drawn|replayed)/);
  });
});

describe('the report’s content (issue 15)', () => {
  test('the header names the package version, the CPU variant, the thread count and the command line', async () => {
    const version = (require('../../package.json') as { version: string }).version;
    expect(html).toContain(`version <b>${version}</b>`);
    expect(html).toMatch(/cpu variant <b>[\w-]+ \(\w+\)<\/b>/);
    expect(html).toMatch(/native threads <b>\d+<\/b>/);
    const page = await renderReport({
      rows: tableRows(cells, models, '1k'),
      cells,
      meta: {},
      budget: '1k',
      command: 'ran stream --tasks a --report r.html',
    });
    expect(page).toContain('$ ran stream --tasks a --report r.html');
  });

  test('heatmaps are PNG images (one pixel per cell), not one SVG path per cell', () => {
    const attention = svgs(html).find((svg) => svg.includes('id="attention-'))!;
    const images = attention.match(/<image[^>]*href="data:image\/png;base64,[^"]+"/g) ?? [];
    expect(images.length).toBeGreaterThan(0);
    expect((attention.match(/<path/g) ?? []).length).toBeLessThan(200);
    // sequential_mnist's 28-dimensional input is an image too
    expect(svgs(html).find((svg) => svg.includes('input u(t)'))).toMatch(/<image[^>]*data:image\/png/);
  });

  test('predictions against targets and validation score against λ of the refitted model, with its test score equal to the search’s', () => {
    expect(html).toContain('Predictions and the choice of λ');
    expect(html).not.toContain('could not be refitted');
    const ridge = svgs(html).find((svg) => svg.includes('λ (ridge)'))!;
    expect(dataMarks(ridge)).toBeGreaterThan(0);
    const best = cells.filter((c) => c.task === 'sequential_mnist').sort((a, b) => a.mean - b.mean)[0]!;
    const shown =
      /refitted from its configuration and seed \d+ \(the fit of its trial: λ chosen on the validation split\); test score ([0-9.e-]+)\.<\/p>/.exec(
        html,
      );
    expect(shown?.[1]).toBe(formatScore(best.perSeed[0]!.score));
  });
});
