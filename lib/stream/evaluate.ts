/**
 * The STREAM evaluation: for each task, seed and architecture, a seeded random search on the
 * validation split, then the best trial's test score; mean and spread over seeds.
 */
import type { Architecture } from '../model/config';
import { TrialPool } from '../search/pool';
import type { AttentionJob, AttentionResult, Job, JobResult } from '../search/job';
import { bestTrial, firstRoundSize, planTrials, secondRoundRegime, trialRequests } from '../search/search';
import type { Regime } from '../search/space';
import type { AttentionUse } from './attention';
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
  /** Number of task and reservoir seeds: firstSeed … firstSeed + seeds − 1. */
  seeds: number;
  /**
   * First seed (default 0). Development seeds (0–99) shape the library; report seeds
   * (1000 and up) are used only for the published tables (docs/results.md).
   */
  firstSeed?: number;
  /** Search trials per (task, seed, model); trial 0 is the defaults. */
  trials: number;
  /** Trials run at once: this thread and `workers` − 1 worker_threads (default: one per core; 0 or 1: this thread alone). */
  workers?: number;
  /** Cap on readout features (default 1000). */
  maxFeatures?: number;
  /** Reads the task from a folder of .npy files instead of generating it. */
  dataDir?: string;
  /**
   * Called after each search trial. Trials are scored on validation only (`r.test` is NaN):
   * the chosen trial of each search is scored on test afterwards, in the cell.
   */
  onTrial?: (done: number, total: number, r: TrialResult) => void;
}

/** The best trial of one (task, model, seed) search. */
export interface SeedResult {
  seed: number;
  /** Test score (error rate or MSE). */
  score: number;
  valid: number;
  /** Validation MSE of the readout output of the best trial (the tie-break). */
  validMse: number;
  /** Trial index of the best trial within its search (0 = the defaults). */
  trial: number;
  /** Regime of round 2 of the search, chosen on round 1's validation scores. */
  regime: Regime;
  /** Attention statistics of the best trial on validation sequences (none without attention or with k = 1). */
  attention?: AttentionUse;
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
  // Sample standard deviation (n − 1); 0 for a single seed.
  const std = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std };
}

interface Search {
  task: string;
  model: Architecture;
  seed: number;
  source: TaskSource;
  shape: { inputDim: number; outputs: number };
  ids: number[];
  regime: Regime;
}

/**
 * Checks the options at the boundary: `seeds` in [1, 1000], `trials` in [1, 10^6], `workers`
 * in [0, 1024] (0: in this thread), a positive integer `budget`, known task names,
 * architectures and difficulty.
 */
function checkStreamOptions(o: StreamOptions): void {
  if (o === null || typeof o !== 'object') invalidArg('options', 'a StreamOptions object', o);
  if (o.dataDir === undefined) {
    if (!Array.isArray(o.tasks) || o.tasks.length === 0)
      invalidArg('options.tasks', 'a non-empty array of task names', o.tasks);
    (o.tasks as unknown[]).forEach((t, i) => {
      if (typeof t !== 'string' || !isTaskName(t)) invalidArg(`options.tasks[${i}]`, 'a canonical task name', t);
    });
  } else if (typeof o.dataDir !== 'string' || o.dataDir === '')
    invalidArg('options.dataDir', 'a folder path', o.dataDir);
  if (!Array.isArray(o.models) || o.models.length === 0)
    invalidArg('options.models', 'a non-empty array of architectures', o.models);
  o.models.forEach((m, i) => v.oneOf(`options.models[${i}]`, m, ARCHITECTURES));
  v.oneOf('options.difficulty', o.difficulty, DIFFICULTIES);
  v.integer('options.budget', o.budget, 1);
  v.integer('options.seeds', o.seeds, 1, 1000);
  if (o.firstSeed !== undefined) v.integer('options.firstSeed', o.firstSeed, 0, 2 ** 31 - 1);
  v.integer('options.trials', o.trials, 1, 1_000_000);
  if (o.workers !== undefined) v.integer('options.workers', o.workers, 0, 1024);
  if (o.maxFeatures !== undefined) v.integer('options.maxFeatures', o.maxFeatures, 2);
  if (o.onTrial !== undefined && typeof o.onTrial !== 'function')
    invalidArg('options.onTrial', 'a function', o.onTrial);
}

/**
 * A search's trial requests: validation only; the chosen trial alone is scored on test, from
 * the readout weights its trial returns (no second fit).
 */
function searchRequests(
  source: TaskSource,
  configs: Parameters<typeof trialRequests>[1],
  first: number,
  threads: number,
): TrialRequest[] {
  return trialRequests(source, configs, first, threads).map((r) => ({ ...r, scoreTest: false, keepWeights: true }));
}

/**
 * With RAN_STREAM_TIMING=1, each phase's wall time and its jobs' summed time go to stderr
 * (where an evaluation's time goes; never changes a result).
 */
function phaseTimer(): (phase: string, jobs?: readonly { milliseconds?: number }[]) => void {
  if (process.env['RAN_STREAM_TIMING'] !== '1') return () => undefined;
  let last = performance.now();
  return (phase, jobs = []) => {
    const now = performance.now();
    const busy = jobs.reduce((a, r) => a + (r.milliseconds ?? 0), 0);
    process.stderr.write(
      `timing ${phase}: ${(now - last).toFixed(0)} ms wall, ${busy.toFixed(0)} ms in ${jobs.length} jobs\n`,
    );
    last = now;
  };
}

/** Runs the evaluation (two rounds per search); the result does not depend on the number of workers. */
export async function evaluateStream(o: StreamOptions): Promise<StreamCell[]> {
  checkStreamOptions(o);
  const lap = phaseTimer();
  const workers = o.workers ?? defaultThreads();
  const threads = Math.max(1, Math.floor(defaultThreads() / Math.max(1, workers)));
  const requests: TrialRequest[] = [];
  const searches: Search[] = [];
  const metrics = new Map<string, 'error' | 'mse'>();
  const tasks = o.dataDir !== undefined ? ['data'] : o.tasks;
  const firstSeed = o.firstSeed ?? 0;
  const n1 = firstRoundSize(o.trials);
  for (const task of tasks) {
    for (let seed = firstSeed; seed < firstSeed + o.seeds; seed++) {
      const source: TaskSource =
        o.dataDir !== undefined ? { dir: o.dataDir } : { name: task, difficulty: o.difficulty, seed };
      const data = loadTask(source);
      metrics.set(task, data.classification ? 'error' : 'mse');
      const shape = { inputDim: data.train.x.shape[2], outputs: data.train.y.shape[2] };
      for (const model of o.models) {
        const configs = planTrials(
          { architecture: model, budget: o.budget, trials: o.trials, seed, maxFeatures: o.maxFeatures },
          shape,
        ).slice(0, n1);
        const reqs = searchRequests(source, configs, requests.length, threads);
        searches.push({ task, model, seed, source, shape, ids: reqs.map((r) => r.id), regime: 'wide' });
        requests.push(...reqs);
      }
    }
  }
  lap('tasks and round-1 plans (main thread)');
  const total = searches.length * o.trials;
  let done = 0;
  // One pool for both rounds and the attention replays: its workers keep their caches.
  const pool = new TrialPool(workers);
  const attention = new Map<Search, AttentionUse | undefined>();
  let results: TrialResult[];
  try {
    results = await pool.run<TrialResult>(requests, (r) => o.onTrial?.(++done, total, r));
    lap('round 1', results);
    // Round 2: each search draws its remaining trials from the regime of its best round-1 trial.
    const second: TrialRequest[] = [];
    for (const s of searches) {
      s.regime = secondRoundRegime(s.ids.map((id) => results[id]!));
      const configs = planTrials(
        { architecture: s.model, budget: o.budget, trials: o.trials, seed: s.seed, maxFeatures: o.maxFeatures },
        s.shape,
        s.regime,
      ).slice(n1);
      const reqs = searchRequests(s.source, configs, requests.length + second.length, threads);
      s.ids.push(...reqs.map((r) => r.id));
      second.push(...reqs);
    }
    requests.push(...second);
    results.push(...(await pool.run<TrialResult>(second, (r) => o.onTrial?.(++done, total, r))));
    lap('round 2', results.slice(requests.length - second.length));
    // The best trial of each search, rebuilt by the worker that holds its matrix with the
    // readout weights its trial returned: its test score (the same model, so the same bits)
    // and its attention statistics.
    const bestIds = searches.map((s) => bestTrial(s.ids.map((id) => results[id]!)).id);
    const finals: Job[] = bestIds.map((id, i) => {
      const { weights, ridge } = results[id]!;
      const fitted = weights !== undefined ? { fitted: { weights, ridge } } : {};
      return { ...requests[id]!, id: i, scoreTest: true, keepWeights: false, ...fitted };
    });
    for (const r of results) delete r.weights;
    bestIds.forEach((id, i) => {
      const best = requests[id]!;
      const job: AttentionJob = { job: 'attention', id: searches.length + i, task: best.task, config: best.config };
      finals.push({ ...job, ...(best.affinity !== undefined ? { affinity: best.affinity } : {}) });
    });
    const replayed = await pool.run<JobResult>(finals);
    lap('test scores and attention of the chosen trials', replayed.slice(0, searches.length) as TrialResult[]);
    bestIds.forEach((id, i) => {
      const final = replayed[i] as TrialResult;
      // Scoring the test split can fail (e.g. NaN in its inputs): the chosen trial then failed.
      results[id] = { ...results[id]!, test: final.test, ...(final.error !== undefined ? { error: final.error } : {}) };
      attention.set(searches[i]!, (replayed[searches.length + i] as AttentionResult).attention);
    });
  } finally {
    await pool.close();
  }
  return tasks.flatMap((task) =>
    o.models.map((model) => cellOf(task, model, metrics.get(task)!, searches, requests, results, attention)),
  );
}

function cellOf(
  task: string,
  model: Architecture,
  metric: 'error' | 'mse',
  searches: readonly Search[],
  requests: readonly TrialRequest[],
  results: readonly TrialResult[],
  attention: ReadonlyMap<Search, AttentionUse | undefined>,
): StreamCell {
  const mine = searches.filter((g) => g.task === task && g.model === model).sort((a, b) => a.seed - b.seed);
  const bests = mine.map((g) => bestTrial(g.ids.map((id) => results[id]!)));
  const all = mine.flatMap((g) => g.ids.map((id) => results[id]!));
  const scores = bests.map((b) => b.test);
  const perSeed = mine.map((g, i) => {
    const b = bests[i]!;
    return {
      seed: g.seed,
      score: b.test,
      valid: b.valid,
      validMse: b.validMse,
      trial: g.ids.indexOf(b.id),
      regime: g.regime,
      attention: attention.get(g),
      trainable: b.trainable,
      fixed: b.fixed,
      seconds: g.ids.reduce((a, id) => a + results[id]!.milliseconds, 0) / 1000,
      config: requests[b.id]!.config,
    };
  });
  return {
    task,
    model,
    metric,
    perSeed,
    scores,
    ...meanStd(scores),
    valid: bests.map((b) => b.valid),
    trainable: bests[0]!.trainable,
    fixed: bests[0]!.fixed,
    trialSeconds: all.reduce((a, r) => a + r.milliseconds, 0) / all.length / 1000,
    best: requests[bests[0]!.id]!.config,
    failures: all.filter((r) => r.error).map((r) => `trial ${r.id}: ${r.error}`),
    failedTrials: mine.flatMap((g) =>
      g.ids.flatMap((id, trial) => (results[id]!.error ? [{ seed: g.seed, trial, error: results[id]!.error }] : [])),
    ),
  };
}
