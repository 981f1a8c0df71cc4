import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tableRows } from '../../lib/cli/format';
import type { Architecture } from '../../lib/model/config';
import { renderReport } from '../../lib/report/html';
import { formatScore } from '../../lib/report/charts';
import { TASK_NAMES } from '../../lib/tasks/names';
import { evaluateStream, type StreamCell } from '../../lib/stream/evaluate';
import { readPng } from './png';

// A tiny real evaluation, rendered once and checked as text (a) and in headless Chromium (b).
const models: Architecture[] = ['esn', 'ran-a'];
let cells: StreamCell[];
let html: string;
let dir: string;
let file: string;

/** The inline SVGs of a page. */
function svgs(page: string): string[] {
  return page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

/** Drawn data marks of a Vega SVG: shapes inside `role-mark` groups (not axes, legends or titles). */
function dataMarks(svg: string): number {
  let count = 0;
  for (const part of svg.split('class="mark-').slice(1)) {
    if (!/^(rect|line|symbol|area|rule|text|image) role-mark/.test(part)) continue;
    const group = part.slice(0, part.indexOf('</g>'));
    count += (group.match(/<(path[^>]*\sd="M|line\s|text\s|image\s)/g) ?? []).length;
  }
  return count;
}

/** The Debian chromium binary, or undefined. */
function findChromium(): string | undefined {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

function chromium(binary: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-chromium-'));
  try {
    const r = spawnSync(
      binary,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', ...args],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 },
    );
    if (r.error) throw r.error;
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  cells = await evaluateStream({ tasks: ['sequential_mnist', 'continuous_postcasting'], models, budget: 1000, difficulty: 'small', trials: 1, seeds: 1, workers: 0 });
  html = await renderReport({ rows: tableRows(cells, models, '1k'), cells, meta: { difficulty: 'small', budget: '1k', seeds: 1, trials: 1 }, budget: '1k' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-report-'));
  file = path.join(dir, 'report.html');
  fs.writeFileSync(file, html);
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
    const bars = score.split('class="mark-rect role-mark').slice(1).map((p) => (p.slice(0, p.indexOf('</g>')).match(/<path[^>]*\sd="M/g) ?? []).length);
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
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const version = (require('../../package.json') as { version: string }).version;
    expect(html).toContain(`version <b>${version}</b>`);
    expect(html).toMatch(/cpu variant <b>[\w-]+ \(\w+\)<\/b>/);
    expect(html).toMatch(/native threads <b>\d+<\/b>/);
    const page = await renderReport({ rows: tableRows(cells, models, '1k'), cells, meta: {}, budget: '1k', command: 'ran stream --tasks a --report r.html' });
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
    const shown = /refitted from its configuration and seed \d+ \(the fit of its trial: λ chosen on the validation split\); test score ([0-9.e-]+)\.<\/p>/.exec(html);
    expect(shown?.[1]).toBe(formatScore(best.perSeed[0]!.score));
  });

  test('a default-size report (12 tasks, 3 models) stays under 1 MB', async () => {
    const all = await evaluateStream({ tasks: [...TASK_NAMES], models: ['esn', 'ran-a', 'ran-c'], budget: 10000, difficulty: 'small', trials: 1, seeds: 1, workers: 0 });
    const page = await renderReport({ rows: tableRows(all, ['esn', 'ran-a', 'ran-c'], '10k'), cells: all, meta: {}, budget: '10k' });
    expect(page).toContain('Attention weights');
    expect(page).toContain('Predictions and the choice of λ');
    expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
  }, 600_000);
});

describe('the report in headless Chromium', () => {
  const binary = findChromium();

  test('loads without errors and keeps every chart with a size and marks', () => {
    if (!binary) {
      throw new Error('chromium is not installed: this test needs Debian\'s chromium (`apt-get install -y chromium`, as .ci/run does); it is not skipped');
    }
    const r = chromium(binary, ['--dump-dom', `file://${file}`]);
    expect(r.status).toBe(0);
    // console messages (errors, warnings, uncaught exceptions) are logged as INFO:CONSOLE
    expect(r.stderr.split('\n').filter((l) => /CONSOLE|Uncaught|net::ERR_/.test(l))).toEqual([]);
    const dom = r.stdout;
    expect(dom).toMatch(/<main>/);
    expect(dom).toContain('STREAM evaluation');
    const charts = svgs(dom);
    expect(charts.length).toBe(svgs(html).length);
    for (const svg of charts) {
      const [, w, h] = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg) ?? [];
      expect(Number(w)).toBeGreaterThan(0);
      expect(Number(h)).toBeGreaterThan(0);
      expect(dataMarks(svg)).toBeGreaterThan(0);
    }
  });

  test('a screenshot is not blank', () => {
    if (!binary) throw new Error('chromium is not installed: `apt-get install -y chromium` (see .ci/run)');
    const png = path.join(dir, 'report.png');
    const r = chromium(binary, ['--window-size=1200,2400', `--screenshot=${png}`, `file://${file}`]);
    expect(r.status).toBe(0);
    const img = readPng(fs.readFileSync(png));
    expect(img.width).toBe(1200);
    // share of clearly non-white pixels, and number of distinct colours
    let ink = 0;
    const colours = new Set<number>();
    for (let i = 0; i < img.pixels.length; i += img.channels) {
      const [r0, g0, b0] = [img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!];
      if (r0 + g0 + b0 < 600) ink++;
      colours.add(((r0 >> 3) << 10) | ((g0 >> 3) << 5) | (b0 >> 3));
    }
    expect(ink / (img.width * img.height)).toBeGreaterThan(0.03);
    expect(colours.size).toBeGreaterThan(100);
  });
});
