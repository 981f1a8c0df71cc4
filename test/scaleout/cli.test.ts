/**
 * `ran fit`, `ran merge` and `ran search` as users run them (the compiled CLI) on a STREAM
 * task folder: the saved model predicts like the library's model, a merged sharded fit is
 * the one-process fit bit for bit, a sharded search prints the unsharded best trial.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readNpy } from '../../lib/io/npy';
import { readTaskFolder, writeTaskFolder } from '../../lib/io/taskFolder';
import { loadModel } from '../../lib/model/file';
import { Model } from '../../lib/model/model';
import { buildTask } from '../../lib/tasks/index';
import { sliceBatch } from '../../lib/tensor';
import type { Split } from '../../lib/tasks/types';
import { maxError, sameBits } from '../helpers';

const cli = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const ran = (...args: string[]) => spawnSync('node', [cli, ...args], { encoding: 'utf8' });

let dir: string;
let data: string;

function cut(s: Split, b: number): Split {
  return {
    x: sliceBatch(s.x, 0, b),
    y: sliceBatch(s.y, 0, b),
    t: { data: s.t.data.subarray(0, b * s.t.shape[1]), shape: [b, s.t.shape[1]] },
  };
}

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the tests`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-scaleout-'));
  data = path.join(dir, 'task');
  const t = buildTask('discrete_postcasting', { difficulty: 'small', seed: 1 });
  writeTaskFolder(data, {
    classification: t.classification,
    train: cut(t.train, 48),
    valid: cut(t.valid, 16),
    test: cut(t.test, 16),
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ran fit / ran merge', () => {
  test('each command has its own --help', () => {
    for (const c of ['fit', 'merge', 'search']) {
      const r = ran(c, '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^ran ${c} —`));
    }
    expect(ran('--help').stdout).toMatch(/ran merge part-\*\.ranstats/);
  });

  test('output paths and arguments are checked before any work', () => {
    let r = ran('fit', '--data', data, '--model', 'esn', '--out', path.join(dir, 'no', 'such', 'm.ran'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out .*does not exist/);
    r = ran('fit', '--data', data, '--model', 'lstm', '--out', path.join(dir, 'm.ran'));
    expect(r.stderr).toMatch(/--model must be one of esn, ran-a, ran-c/);
    r = ran('fit', '--data', data, '--model', 'esn', '--shard', '2/2', '--stats-out', path.join(dir, 'p.ranstats'));
    expect(r.stderr).toMatch(/--shard must be "i\/n"/);
    r = ran('fit', '--data', path.join(dir, 'nothing'), '--model', 'esn', '--out', path.join(dir, 'm.ran'));
    expect(r.stderr).toMatch(/--data: no folder/);
    r = ran('merge', '--out', path.join(dir, 'm.ran'));
    expect(r.stderr).toMatch(/no \.ranstats parts/);
  });

  test('ran fit saves a model that ran predict runs and that predicts like the library fit; ran merge of 1, 2, 3 shards gives the same file content', async () => {
    const one = path.join(dir, 'one.ran');
    const r = ran(
      'fit',
      '--data',
      data,
      '--model',
      'ran-a',
      '--budget',
      '1k',
      '--batch-size',
      '4',
      '--out',
      one,
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const line = JSON.parse(r.stdout) as { ridge: number; config: { kind: 'ran-a'; options: Record<string, unknown> } };
    const saved = await loadModel(one);
    const task = readTaskFolder(data);
    const lib = new Model(line.config as never);
    const fit = await lib.fit(task, { batchSize: 4 });
    expect(saved.readout!.ridge).toBe(fit.ridge);
    const p = await saved.predict(task.test.x);
    const q = await lib.predict(task.test.x);
    expect(maxError(p.data, q.data, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    // ran fit -> ran predict: the outputs of the saved model, bit for bit.
    const yFile = path.join(dir, 'y.npy');
    const pr = ran('predict', one, '--data', data, '--out', yFile);
    expect(pr.status).toBe(0);
    const y = readNpy(yFile);
    expect(y.shape).toEqual(p.shape);
    expect(sameBits(y.data as Float32Array, p.data)).toBe(true);
    // 48 training sequences in batches of 4: 2 and 3 shards start on batch boundaries.
    for (const n of [1, 2, 3]) {
      const parts = Array.from({ length: n }, (_, i) => path.join(dir, `n${n}-part-${i}.ranstats`));
      parts.forEach((p, i) => {
        const s = ran(
          'fit',
          '--data',
          data,
          '--model',
          'ran-a',
          '--budget',
          '1k',
          '--batch-size',
          '4',
          '--shard',
          `${i}/${n}`,
          '--stats-out',
          p,
        );
        expect(s.stderr).toBe('');
        expect(s.status).toBe(0);
      });
      const out = path.join(dir, `merged-${n}.ran`);
      const m = ran('merge', ...parts.reverse(), '--out', out);
      expect(m.stderr).toBe('');
      const merged = await loadModel(out);
      expect(merged.readout!.ridge).toBe(saved.readout!.ridge);
      expect(sameBits(merged.readout!.weights!, saved.readout!.weights!)).toBe(true);
      expect(sameBits((await merged.predict(task.test.x)).data, p.data)).toBe(true);
      merged.reservoir.dispose();
    }
    const missing = ran(
      'merge',
      path.join(dir, 'n3-part-0.ranstats'),
      path.join(dir, 'n3-part-2.ranstats'),
      '--out',
      path.join(dir, 'x.ran'),
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ERR_RAN_STATS_FILE: missing shard\(s\) 1\/3/);
    const foreign = ran(
      'merge',
      path.join(dir, 'n2-part-0.ranstats'),
      path.join(dir, 'n3-part-1.ranstats'),
      '--out',
      path.join(dir, 'x.ran'),
    );
    expect(foreign.stderr).toMatch(/n3-part-1\.ranstats is foreign: its "shards" differs/);
    expect(fs.existsSync(path.join(dir, 'x.ran'))).toBe(false);
    saved.reservoir.dispose();
    lib.reservoir.dispose();
  });
});

describe('ran search', () => {
  test('sharded search (both rounds in 3 shards, merged) prints the unsharded best trial', () => {
    const args = ['search', '--data', data, '--model', 'esn', '--trials', '6', '--budget', '1k', '--workers', '1'];
    const whole = ran(...args, '--out', path.join(dir, 'all.jsonl'));
    expect(whole.stderr).toBe('');
    expect(whole.status).toBe(0);
    const best = JSON.parse(whole.stdout) as { id: number; valid: number };
    const rows = fs
      .readFileSync(path.join(dir, 'all.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: number; valid: number; round?: number });
    expect(rows.filter((r) => r.round !== undefined).map((r) => r.round)).toEqual([1, 2]);
    const trials = rows.filter((r) => r.round === undefined);
    expect(trials.map((l) => l.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Math.min(...trials.map((l) => l.valid))).toBe(best.valid);
    const r1 = [0, 1, 2].map((i) => path.join(dir, `r1-${i}.jsonl`));
    const r2 = [0, 1, 2].map((i) => path.join(dir, `r2-${i}.jsonl`));
    r1.forEach((p, i) => expect(ran(...args, '--shard', `${i}/3`, '--out', p).status).toBe(0));
    const early = ran(...args, '--shard', '0/3', '--round', '2', '--out', r2[0]!, r1[0]!, r1[2]!);
    expect(early.stderr).toMatch(/missing round-1 shard\(s\) 1\/3/);
    r2.forEach((p, i) => expect(ran(...args, '--shard', `${i}/3`, '--round', '2', '--out', p, ...r1).status).toBe(0));
    const merged = ran('search', '--merge', ...r2, ...r1, '--save', path.join(dir, 'best.json'));
    expect(merged.stderr).toBe('');
    expect(merged.stdout).toBe(whole.stdout);
    expect(fs.readFileSync(path.join(dir, 'best.json'), 'utf8')).toBe(whole.stdout);
    // The unsharded file is itself a complete set of parts.
    expect(ran('search', '--merge', path.join(dir, 'all.jsonl')).stdout).toBe(whole.stdout);
    expect(ran('search', '--merge', ...r1).stderr).toMatch(/no round-2 parts/);
    expect(ran('search', '--merge', r1[0]!, r1[2]!, ...r2).stderr).toMatch(/missing round-1 shard\(s\) 1\/3/);
    const text = fs.readFileSync(r2[1]!, 'utf8');
    const regime = (JSON.parse(text.split('\n')[0]!) as { regime: string }).regime;
    const forged = path.join(dir, 'r2-forged.jsonl');
    fs.writeFileSync(
      forged,
      text.replace(`"regime":"${regime}"`, `"regime":"${regime === 'wide' ? 'linear' : 'wide'}"`),
    );
    expect(ran('search', '--merge', ...r1, r2[0]!, forged, r2[2]!).stderr).toMatch(
      /r2-forged\.jsonl drew round 2 from/,
    );
    // The best line is a config for ran fit.
    const fit = ran(
      'fit',
      '--data',
      data,
      '--config',
      path.join(dir, 'best.json'),
      '--out',
      path.join(dir, 'best.ran'),
    );
    expect(fit.status).toBe(0);
  });
});
