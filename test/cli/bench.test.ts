import { spawnSync } from 'child_process';
import * as path from 'path';

// `ran bench` from dist/: the workloads ship with the package (lib/benchmarks/).
const cli = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

test('`ran bench --quick --only W1,W3` prints the spec’s JSON lines (workload, impl, metric, value, threads) from the shipped runner', () => {
  const r = spawnSync(
    'node',
    [cli, 'bench', '--quick', '--only', 'W1,W3', '--threads', '1', '--no-ceiling', '--no-reference'],
    { encoding: 'utf8' },
  );
  expect(r.status).toBe(0);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.map((l) => `${String(l['workload'])}/${String(l['impl'])}/${String(l['threads'])}`)).toEqual([
    'W1/native/1',
    'W3/native/1',
  ]);
  for (const l of lines) {
    expect(Number.isFinite(l['value'])).toBe(true);
    expect(l['value']).toBeGreaterThan(0);
    expect(l).toMatchObject({ quick: true, metric: expect.stringMatching(/steps_per_s$/) });
    expect((l['samples'] as number) >= 3).toBe(true);
  }
  expect(r.stderr).toMatch(/\[bench\] total/);
});

test('`ran bench` refuses an unknown workload, and an --out in a missing folder before running anything', () => {
  const bad = spawnSync('node', [cli, 'bench', '--only', 'W9'], { encoding: 'utf8' });
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toMatch(/unknown workload W9/);
  const out = spawnSync('node', [cli, 'bench', '--quick', '--out', '/no/such/dir/b.jsonl'], { encoding: 'utf8' });
  expect(out.status).not.toBe(0);
  expect(out.stderr).toMatch(/--out \/no\/such\/dir\/b\.jsonl: the folder \/no\/such\/dir does not exist/);
  expect(out.stdout).toBe('');
});
