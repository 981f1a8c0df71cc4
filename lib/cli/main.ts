#!/usr/bin/env node
/** `ran`: the command-line interface (STREAM evaluation, evaluation on .npy folders). */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { Presets, SingleBar } from 'cli-progress';
import { ARCHITECTURES, type Architecture } from '../model/config';
import { parseBudget } from '../model/budget';
import { evaluateStream, type StreamCell } from '../stream/evaluate';
import { DIFFICULTIES, type Difficulty } from '../tasks/configs';
import { TASK_NAMES, canonicalTaskName, type TaskName } from '../tasks/names';
import { defaultThreads } from '../threads';
import { runBench } from './bench';
import { tableRows, textTable } from './format';

const HELP = `ran — Recurrent Attention Networks (reservoir computing with attention units)

Usage:
  ran stream [options]            evaluate models on the STREAM benchmark (generated data)
  ran eval --data DIR [options]   the same on a task read from a folder of .npy files
  ran bench [--quick] [--only W1,W3] [--threads 1,2]   speed benchmarks W1–W5 (from a clone)
  ran bench --scaling [--quick] [--report F.html]      time and memory vs sequence length (from a clone)
  ran bench --search [--quick] [--tasks a,b]           W6: 30-trial searches beside the NumPy peer (from a clone)
  ran --help | --version

Options:
  --tasks all|a,b,...     STREAM tasks (default all 12)
  --models esn,ran-a,ran-c  architectures (default all three)
  --budget 1k|10k|100k|1M trainable-parameter budget: readout weights (default 10k)
  --difficulty small|medium|medium-v0.1.2|large  (default small)
  --seeds N               task and reservoir seeds 0..N-1 (default 1)
  --trials N              random-search trials per task, seed and model (default 8)
  --workers N             worker threads (default: one per core)
  --max-features N        cap on readout features (default 1000)
  --json                  print the results as JSON instead of a table
  --report FILE.html      also write an HTML report
  --data DIR              (eval) folder with X_train.npy, Y_train.npy, T_train.npy, ... and meta.json

Scores are test-split errors (error rate or MSE, lower is better) of the trial with
the best validation score, beside the best published STREAM results (EST paper).`;

function fail(message: string): never {
  process.stderr.write(`ran: ${message}\n`);
  process.exit(2);
}

function parseList<T extends string>(value: string | undefined, all: readonly T[], name: string, canon: (s: string) => T = (s) => s as T): T[] {
  if (value === undefined || value === 'all') return [...all];
  const out = value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    try {
      return canon(s);
    } catch {
      return fail(`unknown ${name} "${s}"; known: ${all.join(', ')}`);
    }
  });
  for (const v of out) if (!all.includes(v)) fail(`unknown ${name} "${v}"; known: ${all.join(', ')}`);
  return out;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'bench') {
    process.exitCode = runBench(argv.slice(1));
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        tasks: { type: 'string' },
        models: { type: 'string' },
        budget: { type: 'string' },
        difficulty: { type: 'string' },
        seeds: { type: 'string' },
        trials: { type: 'string' },
        workers: { type: 'string' },
        'max-features': { type: 'string' },
        json: { type: 'boolean' },
        report: { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    fail(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    process.stdout.write(`${(require('../../package.json') as { version: string }).version}\n`);
    return;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (command !== 'stream' && command !== 'eval') fail(`unknown command "${command}"\n\n${HELP}`);
  if (command === 'eval' && values.data === undefined) fail('eval needs --data DIR');
  if (command === 'eval' && !fs.existsSync(values.data!)) fail(`--data: no folder "${values.data}"`);
  const tasks = parseList<TaskName>(values.tasks, TASK_NAMES, 'task', canonicalTaskName);
  const models = parseList<Architecture>(values.models, ARCHITECTURES, 'model');
  const budgetName = values.budget ?? '10k';
  let budget: number;
  try {
    budget = parseBudget(budgetName);
  } catch (e) {
    fail(`--budget: ${e instanceof Error ? e.message : String(e)}`);
  }
  const difficulty = (values.difficulty ?? 'small') as Difficulty;
  if (!DIFFICULTIES.includes(difficulty)) fail(`--difficulty must be one of ${DIFFICULTIES.join(', ')}`);
  const seeds = positive(values.seeds, 1, 'seeds');
  const trials = positive(values.trials, 8, 'trials');
  const workers = positive(values.workers, defaultThreads(), 'workers');
  const maxFeatures = positive(values['max-features'], 1000, 'max-features');
  const started = Date.now();
  // A progress bar on stderr, only when stderr is a terminal (never in pipes, logs or CI).
  const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'ran {bar} {value}/{total} trials | {eta_formatted} left', hideCursor: true }, Presets.shades_classic) : undefined;
  let barStarted = false;
  const cells: StreamCell[] = await evaluateStream({
    tasks,
    models,
    budget,
    difficulty,
    seeds,
    trials,
    workers,
    maxFeatures,
    dataDir: command === 'eval' ? values.data : undefined,
    onTrial: (done, total) => {
      if (!bar) return;
      if (!barStarted) {
        bar.start(total, 0);
        barStarted = true;
      }
      bar.update(done);
    },
  });
  if (barStarted) bar?.stop();
  const seconds = (Date.now() - started) / 1000;
  const rows = tableRows(cells, models, budgetName);
  if (values.json) {
    // JSON lines: one object per (task, model, seed); the table goes to stderr on a terminal.
    for (const c of cells) {
      for (const s of c.perSeed) {
        const line = { task: c.task, model: c.model, budget: budgetName, difficulty, seed: s.seed, score: s.score, metric: c.metric, validScore: s.valid, trainableParams: s.trainable, fixedParams: s.fixed, seconds: s.seconds, trials, config: s.config.options };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
    }
    if (process.stderr.isTTY) process.stderr.write(`${textTable(rows)}\n`);
  } else {
    process.stdout.write(`STREAM ${difficulty}, budget ${budgetName} trainable parameters, ${seeds} seed(s), ${trials} trials per model; test scores (lower is better)\n\n`);
    process.stdout.write(`${textTable(rows)}\n\n${cells.length} searches, ${cells.reduce((a, c) => a + c.scores.length * trials, 0)} trials in ${seconds.toFixed(1)} s with ${workers} worker(s)\n`);
    const failed = cells.flatMap((c) => c.failures);
    if (failed.length > 0) process.stdout.write(`${failed.length} trial(s) failed, e.g. ${failed[0]}\n`);
  }
  if (values.report !== undefined) {
    // Loaded only for a report: the chart libraries take a third of a short run's start-up.
    const { renderReport } = await import('../report/html');
    fs.writeFileSync(values.report, await renderReport({ rows, cells, meta: { difficulty, budget: budgetName, seeds, trials, seconds: seconds.toFixed(1), date: new Date().toISOString() }, budget: budgetName, dataDir: command === 'eval' ? values.data : undefined }));
    if (!values.json) process.stdout.write(`report written to ${values.report}\n`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const err = e as { code?: string; message?: string };
  process.stderr.write(`ran: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}\n`);
  process.exit(1);
});
