/**
 * The report in headless Chromium (an integration test: `npm run test:integration`, jest
 * project `integration`). It needs Debian's chromium, which .ci/run installs; without it the
 * tests fail and say so, they are not skipped.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataMarks, samplePage, svgs } from './page';
import { readPng } from './png';

let html: string;
let dir: string;
let file: string;

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
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--enable-logging=stderr',
        '--v=0',
        ...args,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 },
    );
    if (r.error) throw r.error;
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  ({ html, dir, file } = await samplePage());
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the report in headless Chromium', () => {
  const binary = findChromium();

  test('loads without errors and keeps every chart with a size and marks', () => {
    if (!binary) {
      throw new Error(
        "chromium is not installed: this test needs Debian's chromium (`apt-get install -y chromium`, as .ci/run does); it is not skipped",
      );
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
