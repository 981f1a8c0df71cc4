import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The CLI as users run it: the compiled `dist/cli/main.js` (`npm run build` makes it).
const cli = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

describe('ran CLI', () => {
  beforeAll(() => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the tests`);
  });

  test('--help lists the commands; `ran stream --help` its options', () => {
    const out = execFileSync('node', [cli, '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/ran stream/);
    expect(execFileSync('node', [cli, 'stream', '--help'], { encoding: 'utf8' })).toMatch(/--budget 1k\|10k\|100k\|1M/);
  });

  test('bad arguments exit with code 2 and say what is wrong', () => {
    const r = spawnSync('node', [cli, 'stream', '--tasks', 'nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown task "nope"/);
    const b = spawnSync('node', [cli, 'stream', '--budget', '3q'], { encoding: 'utf8' });
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--budget/);
  });

  test('a short `ran stream --json` scores two tasks with the chosen models beside the published results', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-cli-'));
    const report = path.join(dir, 'r.html');
    const out = execFileSync(
      'node',
      [
        cli,
        'stream',
        '--tasks',
        'adding_problem,continue_postcasting',
        '--models',
        'esn,ran-a',
        '--trials',
        '2',
        '--budget',
        '1k',
        '--json',
        '--report',
        report,
      ],
      { encoding: 'utf8' },
    );
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((r) => `${String(r['task'])}/${String(r['model'])}`)).toEqual([
      'adding_problem/esn',
      'adding_problem/ran-a',
      'continuous_postcasting/esn',
      'continuous_postcasting/ran-a',
    ]);
    for (const r of lines) {
      for (const key of [
        'task',
        'model',
        'budget',
        'seed',
        'score',
        'metric',
        'trainableParams',
        'fixedParams',
        'seconds',
      ])
        expect(r).toHaveProperty(key);
      expect(r['trainableParams']).toBeLessThanOrEqual(1000);
      expect(Number.isFinite(r['score'])).toBe(true);
    }
    expect(lines[0]!['metric']).toBe('error');
    expect(lines[2]!['metric']).toBe('mse');
    // Better than the trivial predictors (majority 0.667; zero output 0.213).
    expect(lines[0]!['score']).toBeLessThan(0.6);
    expect(lines[2]!['score']).toBeLessThan(0.2);
    expect(fs.readFileSync(report, 'utf8')).toMatch(/<table>/);
  });

  test('the same seed gives the same results with 1 and 2 worker threads', () => {
    const args = [
      'stream',
      '--tasks',
      'bracket_matching,sequential_mnist',
      '--models',
      'esn,ran-c',
      '--trials',
      '3',
      '--budget',
      '1k',
      '--json',
    ];
    const run = (workers: string): unknown[] =>
      execFileSync('node', [cli, ...args, '--workers', workers], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((l) => {
          const r = JSON.parse(l) as Record<string, unknown>;
          return [r['task'], r['model'], r['score'], r['validScore'], r['config']];
        });
    const one = run('1');
    expect(one).toHaveLength(4);
    expect(run('2')).toEqual(one);
  });

  test('`ran eval --data DIR` reads a task folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-eval-'));
    const lib = require('../../lib') as typeof import('../../lib');
    lib.writeTaskFolder(dir, lib.buildTask('continuous_postcasting', { seed: 4 }));
    const out = execFileSync(
      'node',
      [cli, 'eval', '--data', dir, '--models', 'esn', '--trials', '2', '--budget', '1k', '--json'],
      { encoding: 'utf8' },
    );
    const line = JSON.parse(out.trim().split('\n')[0]!) as { score: number; metric: string };
    expect(line.metric).toBe('mse');
    expect(line.score).toBeLessThan(0.2);
  });
});
