/**
 * W6, the search benchmark (issue 17): a 30-trial random search timed end to end as a whole
 * process — `ran eval --data <folder>` with the ESN and with RAN-A — beside the NumPy peer
 * `shared/peers/esn_search.py` on the same folder with the same reservoir size, trials and
 * workers, interleaved in one run. Three task shapes: many scored rows (selective_copy), few
 * rows with many features (sequential_mnist), one long series (chaotic_forecasting).
 *
 *     npx tsc -p bench/tsconfig.json && npm run build:ts
 *     node dist-bench/bench/search.js [--quick] [--reps 2] [--tasks a,b] [--models esn,ran-a]
 *          [--trials 30] [--workers 2] [--budget 10000] [--max-features 1000] [--no-peer]
 *          [--cli label=path/to/main.js ...] [--out w6.jsonl]
 *
 * Every `--cli` is timed in the same rounds (interleaved A/B of two builds). JSON lines on
 * stdout: one per (task, model, impl) with the best and median wall time, trials/s, and the
 * ratios `vs_numpy` (same task, ESN size) and for RAN-A `vs_esn` (its time over the ESN's).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureAddon, log, median, type Line } from './common';

// The library loads the addon on import; dist-bench/ needs its build link first.
ensureAddon();
const { buildTask, sizeForBudget, writeTaskFolder } = require('../lib/index') as typeof import('../lib/index');

/** The three shapes of issue 17. */
export const SEARCH_TASKS = ['selective_copy', 'sequential_mnist', 'chaotic_forecasting'] as const;

interface Args {
  reps: number;
  tasks: string[];
  models: string[];
  trials: number;
  workers: number;
  budget: number;
  maxFeatures: number;
  peer: boolean;
  python: string;
  data: string;
  clis: { label: string; path: string }[];
  out?: string;
}

function repoRoot(): string {
  // dist-bench/bench/search.js or bench/search.ts: the repository is two or one level up.
  for (const up of ['..', path.join('..', '..')]) {
    const r = path.resolve(__dirname, up);
    if (fs.existsSync(path.join(r, 'package.json'))) return r;
  }
  return process.cwd();
}

function parseArgs(argv: string[]): Args {
  const root = repoRoot();
  const a: Args = {
    reps: 2,
    tasks: [...SEARCH_TASKS],
    models: ['esn', 'ran-a'],
    trials: 30,
    workers: 2,
    budget: 10000,
    maxFeatures: 1000,
    peer: true,
    python: '/usr/bin/python3',
    data: path.join(os.tmpdir(), 'ran-w6-data'),
    clis: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    const int = (): number => {
      const n = Number(next());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${k}: a positive integer`);
      return n;
    };
    if (k === '--quick') {
      a.reps = 1;
      a.trials = 6;
    } else if (k === '--reps') a.reps = int();
    else if (k === '--tasks') a.tasks = next().split(',');
    else if (k === '--models') a.models = next().split(',');
    else if (k === '--trials') a.trials = int();
    else if (k === '--workers') a.workers = int();
    else if (k === '--budget') a.budget = int();
    else if (k === '--max-features') a.maxFeatures = int();
    else if (k === '--no-peer') a.peer = false;
    else if (k === '--python') a.python = next();
    else if (k === '--data') a.data = next();
    else if (k === '--out') a.out = next();
    else if (k === '--cli') {
      const [label, p] = next().split('=');
      if (!label || !p) throw new Error('--cli label=path/to/cli/main.js');
      a.clis.push({ label, path: path.resolve(p) });
    } else if (k === '--help' || k === '-h') {
      log(
        'usage: node dist-bench/bench/search.js [--quick] [--reps N] [--tasks a,b] [--models esn,ran-a] [--trials N] [--workers N] [--budget N] [--max-features N] [--no-peer] [--python P] [--data DIR] [--cli label=main.js ...] [--out f]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  if (a.clis.length === 0) a.clis.push({ label: 'native', path: path.join(root, 'dist', 'cli', 'main.js') });
  return a;
}

/** Writes DATA/<task>/seed0 with writeTaskFolder (STREAM `small`, seed 0) unless present. */
function ensureFolder(data: string, task: string): string {
  const dir = path.join(data, task, 'seed0');
  if (!fs.existsSync(path.join(dir, 'meta.json')))
    writeTaskFolder(dir, buildTask(task, { difficulty: 'small', seed: 0 }));
  return dir;
}

const TIME = '/usr/bin/time';

/**
 * Wall seconds of one whole process (it must succeed), and its CPU seconds (user + system,
 * from /usr/bin/time when present): on a shared machine the wall time mostly measures the
 * other tenants, the CPU time what the process itself needed.
 */
function timeProcess(cmd: string, args: string[]): { wall: number; cpu?: number } {
  const withTime = fs.existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const r = withTime
    ? spawnSync(TIME, ['-f', 'RAN_W6_TIME %U %S', cmd, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      })
    : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /RAN_W6_TIME ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : undefined };
}

/** Runs W6 and returns its lines (also printed as JSON lines on stdout). */
export function runSearchBench(argv: string[]): Line[] {
  const a = parseArgs(argv);
  const peerScript = path.join(repoRoot(), '..', 'shared', 'peers', 'esn_search.py');
  if (a.peer && !fs.existsSync(peerScript)) throw new Error(`no NumPy peer at ${peerScript} (or pass --no-peer)`);
  const times = new Map<string, number[]>();
  const cpus = new Map<string, number[]>();
  const meta = new Map<string, Record<string, unknown>>();
  const add = (key: string, t: { wall: number; cpu?: number }): number => {
    (times.get(key) ?? times.set(key, []).get(key)!).push(t.wall);
    if (t.cpu !== undefined) (cpus.get(key) ?? cpus.set(key, []).get(key)!).push(t.cpu);
    return t.wall;
  };
  log(
    `[W6] ${a.reps} round(s), tasks ${a.tasks.join(',')}, ${a.trials} trials, ${a.workers} workers, budget ${a.budget}, load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  for (let rep = 0; rep < a.reps; rep++) {
    for (const task of a.tasks) {
      const dir = ensureFolder(a.data, task);
      const shape = readShape(dir);
      const esnUnits = sizeForBudget('esn', a.budget, shape.inputDim, shape.outputs, 16, a.maxFeatures).options.units!;
      for (const model of a.models) {
        for (const cli of a.clis) {
          const key = `${task}|${model}|${cli.label}`;
          const s = add(
            key,
            timeProcess(process.execPath, [
              cli.path,
              'eval',
              '--data',
              dir,
              '--models',
              model,
              '--trials',
              String(a.trials),
              '--workers',
              String(a.workers),
              '--budget',
              String(a.budget),
              '--max-features',
              String(a.maxFeatures),
              '--json',
            ]),
          );
          const size = sizeForBudget(model as 'esn', a.budget, shape.inputDim, shape.outputs, 16, a.maxFeatures);
          meta.set(key, { task, model, impl: cli.label, features: size.features });
          log(
            `[W6] ${task} ${model} ${cli.label}: ${s.toFixed(2)} s (cpu ${cpus.get(key)?.at(-1)?.toFixed(2) ?? '?'} s)`,
          );
        }
        if (model === 'esn' && a.peer) {
          const key = `${task}|esn|numpy`;
          const out = path.join(os.tmpdir(), `ran-w6-peer-${process.pid}.json`);
          const s = add(
            key,
            timeProcess(a.python, [
              peerScript,
              '--data',
              a.data,
              '--tasks',
              task,
              '--seeds',
              '0',
              '--budgets',
              String(a.budget),
              '--n-cap',
              String(esnUnits),
              '--trials',
              String(a.trials),
              '--workers',
              String(a.workers),
              '--out',
              out,
            ]),
          );
          meta.set(key, { task, model: 'esn', impl: 'numpy', features: esnUnits + shape.inputDim + 1 });
          log(`[W6] ${task} esn numpy: ${s.toFixed(2)} s (cpu ${cpus.get(key)?.at(-1)?.toFixed(2) ?? '?'} s)`);
        }
      }
    }
  }
  const lines: Line[] = [];
  for (const [key, ts] of times) {
    const m = meta.get(key)!;
    const best = Math.min(...ts);
    const line: Line = {
      workload: 'W6',
      impl: String(m.impl),
      metric: 'trials_per_s',
      value: a.trials / best,
      threads: a.workers,
      ...m,
      trials: a.trials,
      best_s: best,
      median_s: median(ts),
      samples: ts,
      load: os.loadavg()[0],
    };
    const cpu = cpus.get(key);
    if (cpu) Object.assign(line, { cpu_best_s: Math.min(...cpu), cpu_samples: cpu });
    const peer = `${String(m.task)}|esn|numpy`;
    if (times.has(peer) && m.impl !== 'numpy') {
      line.vs_numpy = Math.min(...times.get(peer)!) / best;
      if (cpu && cpus.has(peer)) line.cpu_vs_numpy = Math.min(...cpus.get(peer)!) / Math.min(...cpu);
    }
    const esn = `${String(m.task)}|esn|${String(m.impl)}`;
    if (times.has(esn) && m.model !== 'esn') {
      line.time_vs_esn = best / Math.min(...times.get(esn)!);
      if (cpu && cpus.has(esn)) line.cpu_vs_esn = Math.min(...cpu) / Math.min(...cpus.get(esn)!);
    }
    lines.push(line);
  }
  for (const l of lines) process.stdout.write(`${JSON.stringify(l)}\n`);
  if (a.out) fs.writeFileSync(a.out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return lines;
}

function readShape(dir: string): { inputDim: number; outputs: number } {
  // The .npy headers give the shapes without reading the data.
  const shapeOf = (f: string): number[] => {
    const head = fs.readFileSync(path.join(dir, f)).subarray(0, 256).toString('latin1');
    const m = /'shape':\s*\(([^)]*)\)/.exec(head);
    if (!m) throw new Error(`no shape in ${f}`);
    return m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
  };
  return { inputDim: shapeOf('X_train.npy')[2]!, outputs: shapeOf('Y_train.npy')[2]! };
}

if (require.main === module) {
  try {
    runSearchBench(process.argv.slice(2));
  } catch (e) {
    log(`[W6] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
