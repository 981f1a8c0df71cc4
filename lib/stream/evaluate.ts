/**
 * The STREAM evaluation: for each task, seed and architecture, a seeded random search on the
 * validation split, then the best trial's test score; mean and spread over seeds.
 */
import type { Architecture } from '../model/config';
import { runTrials } from '../search/pool';
import { bestTrial, planTrials, trialRequests } from '../search/search';
import { loadTask, type TaskSource, type TrialRequest, type TrialResult } from '../search/trial';
import type { Difficulty } from '../tasks/configs';
import type { TaskName } from '../tasks/names';
import { defaultThreads } from '../threads';
import { invalidArg } from '../errors';
import { ARCHITECTURES } from '../model/config';
import { DIFFICULTIES } from '../tasks/configs';
import { isTaskName } from '../tasks/names';
import * as v from '../validate';

/** Options of a STREAM evaluation. */
export interface StreamOptions {
  tasks: readonly TaskName[];
  models: readonly Architecture[];
  /** Trainable-parameter budget (readout weights). */
  budget: number;
  difficulty: Difficulty;
  /** Task and reservoir seeds 0..seeds−1. */
  seeds: number;
  /** Search trials per (task, seed, model); trial 0 is the defaults. */
  trials: number;
  /** worker_threads (default: one per core). */
  workers?: number;
  /** Cap on readout features (default 1000). */
  maxFeatures?: number;
  /** Reads the task from a folder of .npy files instead of generating it. */
  dataDir?: string;
  onTrial?: (done: number, total: number, r: TrialResult) => void;
}

/** The best trial of one (task, model, seed) search. */
export interface SeedResult {
  seed: number;
  /** Test score (error rate or MSE). */
  score: number;
  valid: number;
  trainable: number;
  fixed: number;
  /** Wall time of the whole search (all its trials), seconds of worker time. */
  seconds: number;
  config: TrialRequest['config'];
}

/** One cell of the result table. */
export interface StreamCell {
  /** "error" (classification) or "mse". */
  metric: 'error' | 'mse';
  perSeed: SeedResult[];
  task: string;
  model: Architecture;
  /** Test score of the best trial, per seed. */
  scores: number[];
  mean: number;
  std: number;
  /** Validation score of the best trial, per seed. */
  valid: number[];
  trainable: number;
  fixed: number;
  /** Mean wall time of one trial (fit + scoring) in seconds. */
  trialSeconds: number;
  /** Config of the best trial of seed 0. */
  best: TrialRequest['config'];
  failures: string[];
  /** The trials that threw, per seed: `trial` counts from 0 within its search. */
  failedTrials: { seed: number; trial: number; error: string }[];
}

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, std };
}

/**
 * Checks the options at the boundary: `seeds` in [1, 1000], `trials` in [1, 10^6], `workers`
 * in [0, 1024] (0: in this thread), a positive integer `budget`, known task names,
 * architectures and difficulty.
 */
function checkStreamOptions(o: StreamOptions): void {
  if (o === null || typeof o !== 'object') invalidArg('options', 'a StreamOptions object', o);
  if (o.dataDir === undefined) {
    if (!Array.isArray(o.tasks) || o.tasks.length === 0) invalidArg('options.tasks', 'a non-empty array of task names', o.tasks);
    o.tasks.forEach((t, i) => { if (!isTaskName(t)) invalidArg(`options.tasks[${i}]`, 'a canonical task name', t); });
  } else if (typeof o.dataDir !== 'string' || o.dataDir === '') invalidArg('options.dataDir', 'a folder path', o.dataDir);
  if (!Array.isArray(o.models) || o.models.length === 0) invalidArg('options.models', 'a non-empty array of architectures', o.models);
  o.models.forEach((m, i) => v.oneOf(`options.models[${i}]`, m, ARCHITECTURES));
  v.oneOf('options.difficulty', o.difficulty, DIFFICULTIES);
  v.integer('options.budget', o.budget, 1);
  v.integer('options.seeds', o.seeds, 1, 1000);
  v.integer('options.trials', o.trials, 1, 1_000_000);
  if (o.workers !== undefined) v.integer('options.workers', o.workers, 0, 1024);
  if (o.maxFeatures !== undefined) v.integer('options.maxFeatures', o.maxFeatures, 2);
  if (o.onTrial !== undefined && typeof o.onTrial !== 'function') invalidArg('options.onTrial', 'a function', o.onTrial);
}

/** Runs the evaluation; the result does not depend on the number of workers. */
export async function evaluateStream(o: StreamOptions): Promise<StreamCell[]> {
  checkStreamOptions(o);
  const workers = o.workers ?? defaultThreads();
  const threads = Math.max(1, Math.floor(defaultThreads() / Math.max(1, workers)));
  const requests: TrialRequest[] = [];
  const groups: { task: string; model: Architecture; seed: number; ids: number[] }[] = [];
  const metrics = new Map<string, 'error' | 'mse'>();
  const tasks = o.dataDir !== undefined ? ['data'] : o.tasks;
  for (const task of tasks) {
    for (let seed = 0; seed < o.seeds; seed++) {
      const source: TaskSource = o.dataDir !== undefined ? { dir: o.dataDir } : { name: task, difficulty: o.difficulty, seed };
      const data = loadTask(source);
      metrics.set(task, data.classification ? 'error' : 'mse');
      const shape = { inputDim: data.train.x.shape[2], outputs: data.train.y.shape[2] };
      for (const model of o.models) {
        const configs = planTrials({ architecture: model, budget: o.budget, trials: o.trials, seed, maxFeatures: o.maxFeatures, task: o.dataDir !== undefined ? undefined : task }, shape);
        const reqs = trialRequests(source, configs, requests.length, threads);
        groups.push({ task, model, seed, ids: reqs.map((r) => r.id) });
        requests.push(...reqs);
      }
    }
  }
  const results = await runTrials(requests, workers, (r, done) => o.onTrial?.(done, requests.length, r));
  const cells: StreamCell[] = [];
  for (const task of tasks) {
    for (const model of o.models) {
      const mine = groups.filter((g) => g.task === task && g.model === model).sort((a, b) => a.seed - b.seed);
      const bests = mine.map((g) => bestTrial(g.ids.map((id) => results[id]!)));
      const all = mine.flatMap((g) => g.ids.map((id) => results[id]!));
      const scores = bests.map((b) => b.test);
      const perSeed = mine.map((g, i) => {
        const b = bests[i]!;
        return { seed: g.seed, score: b.test, valid: b.valid, trainable: b.trainable, fixed: b.fixed, seconds: g.ids.reduce((a, id) => a + results[id]!.milliseconds, 0) / 1000, config: requests[b.id]!.config };
      });
      cells.push({
        task,
        model,
        metric: metrics.get(task)!,
        perSeed,
        scores,
        ...meanStd(scores),
        valid: bests.map((b) => b.valid),
        trainable: bests[0]!.trainable,
        fixed: bests[0]!.fixed,
        trialSeconds: all.reduce((a, r) => a + r.milliseconds, 0) / all.length / 1000,
        best: requests[bests[0]!.id]!.config,
        failures: all.filter((r) => r.error).map((r) => `trial ${r.id}: ${r.error}`),
        failedTrials: mine.flatMap((g) => g.ids.flatMap((id, trial) => (results[id]!.error ? [{ seed: g.seed, trial, error: results[id]!.error! }] : []))),
      });
    }
  }
  return cells;
}
