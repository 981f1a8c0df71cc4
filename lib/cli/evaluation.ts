/**
 * What `ran stream` and `ran eval` share: their options, the run with a progress line, and the
 * output (a text table, or JSON lines with one line per failed trial, and the HTML report).
 */
import * as fs from 'fs';
import { ARCHITECTURES, type Architecture } from '../model/config';
import { parseBudget } from '../model/budget';
import { evaluateStream, type StreamCell } from '../stream/evaluate';
import { DIFFICULTIES, type Difficulty } from '../tasks/configs';
import { TASK_NAMES, canonicalTaskName, type TaskName } from '../tasks/names';
import { defaultThreads } from '../threads';
import { checkOutputPath, parseCommand, parseList, positive, usage } from './command';
import { tableRows, textTable } from './format';
import { progressLine } from './progress';

/** The options of `ran stream` and `ran eval`. */
export const EVALUATION_OPTIONS = {
  tasks: { type: 'string' },
  models: { type: 'string' },
  budget: { type: 'string' },
  difficulty: { type: 'string' },
  seeds: { type: 'string' },
  'first-seed': { type: 'string' },
  trials: { type: 'string' },
  workers: { type: 'string' },
  'max-features': { type: 'string' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  data: { type: 'string' },
} as const;

/** Help lines of the options both commands take. */
export const EVALUATION_HELP = `  --models all|a,b,...    architectures: ${ARCHITECTURES.join(', ')} (default all)
  --budget 1k|10k|100k|1M trainable-parameter budget: readout weights (default 10k)
  --seeds N               number of task and reservoir seeds (default 1)
  --first-seed S          seeds S..S+N-1 (default 0): development seeds 0-99, report seeds 1000+
  --trials N              random-search trials per task, seed and model (default 8)
  --workers N             trials run at once: this thread and N - 1 worker threads (default: one per core)
  --max-features N        cap on readout features (default 1000)
  --json                  print JSON lines (one per task, model and seed; one per failed trial)
  --report FILE.html      also write an HTML report (needs the optional packages vega, vega-lite)

Scores are test-split errors (error rate or MSE, lower is better) of the trial with the best
validation score, beside the best published STREAM results (EST paper). The exit code is 1
when any trial failed, 2 for a mistake on the command line.`;

/** A parsed evaluation request. */
interface Plan {
  tasks: TaskName[];
  models: Architecture[];
  budgetName: string;
  budget: number;
  difficulty: Difficulty;
  seeds: number;
  firstSeed: number;
  trials: number;
  workers: number;
  maxFeatures: number;
  json: boolean;
  report?: string;
  dataDir?: string;
}

function firstSeed(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0)
    usage(`--first-seed must be an integer >= 0, got "${value}"`);
  return n;
}

function plan(
  values: ReturnType<typeof parseCommand<typeof EVALUATION_OPTIONS>>['values'],
  dataDir: string | undefined,
): Plan {
  const budgetName = values.budget ?? '10k';
  let budget: number;
  try {
    budget = parseBudget(budgetName);
  } catch (e) {
    usage(`--budget: ${e instanceof Error ? e.message : String(e)}`);
  }
  const difficulty = (values.difficulty ?? 'small') as Difficulty;
  if (!DIFFICULTIES.includes(difficulty)) usage(`--difficulty must be one of ${DIFFICULTIES.join(', ')}`);
  if (values.report !== undefined) checkOutputPath('report', values.report);
  return {
    tasks: parseList<TaskName>(values.tasks, TASK_NAMES, 'task', canonicalTaskName),
    models: parseList<Architecture>(values.models, ARCHITECTURES, 'model'),
    budgetName,
    budget,
    difficulty,
    seeds: positive(values.seeds, 1, 'seeds'),
    firstSeed: firstSeed(values['first-seed']),
    trials: positive(values.trials, 8, 'trials'),
    workers: positive(values.workers, defaultThreads(), 'workers'),
    maxFeatures: positive(values['max-features'], 1000, 'max-features'),
    json: values.json === true,
    report: values.report,
    dataDir,
  };
}

/** JSON lines: one per (task, model, seed), then one per failed trial. */
function jsonLines(cells: StreamCell[], p: Plan): string[] {
  const lines: string[] = [];
  for (const c of cells) {
    for (const s of c.perSeed) {
      lines.push(
        JSON.stringify({
          task: c.task,
          model: c.model,
          budget: p.budgetName,
          difficulty: p.difficulty,
          seed: s.seed,
          score: s.score,
          metric: c.metric,
          validScore: s.valid,
          validMse: s.validMse,
          trial: s.trial,
          regime: s.regime,
          attention: s.attention,
          trainableParams: s.trainable,
          fixedParams: s.fixed,
          seconds: s.seconds,
          trials: p.trials,
          config: s.config.options,
        }),
      );
    }
    for (const f of c.failedTrials)
      lines.push(
        JSON.stringify({
          task: c.task,
          model: c.model,
          budget: p.budgetName,
          difficulty: p.difficulty,
          seed: f.seed,
          trial: f.trial,
          failed: true,
          error: f.error,
        }),
      );
  }
  return lines;
}

/** Runs `ran stream` (no dataDir) or `ran eval` on parsed arguments; resolves to the exit code. */
export async function runEvaluation(argv: string[], command: 'stream' | 'eval'): Promise<number> {
  const { values } = parseCommand(argv, EVALUATION_OPTIONS);
  if (command === 'stream' && values.data !== undefined)
    usage('--data belongs to `ran eval` (ran stream generates its tasks)');
  if (command === 'eval' && values.data === undefined) usage('eval needs --data DIR');
  if (command === 'eval' && !fs.existsSync(values.data!)) usage(`--data: no folder "${values.data}"`);
  const p = plan(values, command === 'eval' ? values.data : undefined);
  // Load the report's optional packages now: a missing one must not wait for the end of the run.
  const report = p.report !== undefined ? await import('../report/html') : undefined;
  if (report) await (await import('../report/vega')).loadVega();
  const started = Date.now();
  const bar = progressLine('ran');
  const { tasks, models, budget, difficulty, seeds, firstSeed, trials, workers, maxFeatures, dataDir } = p;
  const streamOptions = { tasks, models, budget, difficulty, seeds, firstSeed, trials, workers, maxFeatures, dataDir };
  const cells = await evaluateStream({ ...streamOptions, onTrial: (done, total) => bar?.update(done, total) });
  bar?.stop();
  const seconds = (Date.now() - started) / 1000;
  const rows = tableRows(cells, p.models, p.budgetName);
  const failed = cells.flatMap((c) => c.failures);
  if (p.json) {
    for (const line of jsonLines(cells, p)) process.stdout.write(`${line}\n`);
    if (process.stderr.isTTY) process.stderr.write(`${textTable(rows)}\n`);
  } else {
    process.stdout.write(
      `STREAM ${p.difficulty}, budget ${p.budgetName} trainable parameters, ${p.seeds} seed(s), ${p.trials} trials per model; test scores (lower is better)\n\n`,
    );
    process.stdout.write(
      `${textTable(rows)}\n\n${cells.length} searches, ${cells.reduce((a, c) => a + c.scores.length * p.trials, 0)} trials in ${seconds.toFixed(1)} s with ${p.workers} worker(s)\n`,
    );
  }
  if (failed.length > 0) process.stderr.write(`ran: ${failed.length} trial(s) failed, e.g. ${failed[0]}\n`);
  if (report && p.report !== undefined) {
    const meta = {
      difficulty: p.difficulty,
      budget: p.budgetName,
      seeds: p.seeds,
      trials: p.trials,
      workers: p.workers,
      seconds: seconds.toFixed(1),
      date: new Date().toISOString(),
    };
    const commandLine = ['ran', command, ...argv]
      .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
      .join(' ');
    fs.writeFileSync(
      p.report,
      await report.renderReport({
        rows,
        cells,
        meta,
        budget: p.budgetName,
        dataDir: p.dataDir,
        difficulty: p.difficulty,
        command: commandLine,
      }),
    );
    if (!p.json) process.stdout.write(`report written to ${p.report}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}
