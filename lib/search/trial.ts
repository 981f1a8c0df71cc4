/** One search trial: build a reservoir from a config, fit it on a task, score valid and test. */
import { readTaskFolder } from '../io/taskFolder';
import { createReservoir, type ReservoirConfig } from '../model/config';
import { Model } from '../model/model';
import type { StreamTask } from '../tasks/index';
import type { Difficulty } from '../tasks/configs';
import type { TaskData } from '../tasks/types';

/** Where a trial's task comes from: a STREAM generator, or a folder of .npy files. */
export type TaskSource = { name: string; difficulty: Difficulty; seed: number } | { dir: string };

/** What a worker is asked to do. */
export interface TrialRequest {
  id: number;
  task: TaskSource;
  config: ReservoirConfig;
  ridges: number[];
  threads: number;
  /**
   * Trials with the same affinity share their recurrent matrix (same seed, size and
   * connectivity): the pool sends them to the same worker when it can, so each worker draws
   * and measures fewer matrices (reservoirs/recurrentCache.ts). Never changes a result.
   */
  affinity?: string;
  /**
   * Score the test split too (default true). A search leaves it out of its trials and scores
   * only the chosen one (the test split is often as long as the training split).
   */
  scoreTest?: boolean;
  /** Return the readout's weights (`TrialResult.weights`), so the trial can be scored later without a refit. */
  keepWeights?: boolean;
  /** The readout of an earlier run of this request (weights and λ): skip the fit and score test only. */
  fitted?: { weights: Float64Array; ridge: number };
}

/** What a trial measured. */
export interface TrialResult {
  id: number;
  valid: number;
  /** Validation MSE of the readout output at the chosen λ (breaks ties in `valid`). */
  validMse: number;
  /** Test score; NaN when the request had `scoreTest: false`. */
  test: number;
  ridge: number;
  milliseconds: number;
  trainable: number;
  fixed: number;
  /** The readout's weights, with `keepWeights`. */
  weights?: Float64Array;
  error?: string;
}

const cache = new Map<string, TaskData | StreamTask>();

/** The task of a source, generated (or read) once per process. */
export function loadTask(source: TaskSource): TaskData | StreamTask {
  const key = JSON.stringify(source);
  let task = cache.get(key);
  if (!task) {
    task =
      'dir' in source
        ? readTaskFolder(source.dir)
        : // The generators load only when a task is generated (a worker running a folder's task never needs them).
          (require('../tasks/index') as typeof import('../tasks/index')).buildTask(source.name, {
            difficulty: source.difficulty,
            seed: source.seed,
          });
    if (cache.size > 8) cache.clear();
    cache.set(key, task);
  }
  return task;
}

/** Runs one trial; a failing configuration gives an infinite score and its error, never a throw. */
export async function runTrial(req: TrialRequest): Promise<TrialResult> {
  const started = Date.now();
  let model: Model | undefined;
  try {
    const task = loadTask(req.task);
    model = new Model(createReservoir(req.config));
    // With the weights of an earlier run the same model is rebuilt without a fit (no validation score).
    if (req.fitted) model.useFittedWeights(task.train, req.fitted.weights, req.fitted.ridge, { threads: req.threads });
    const fit = req.fitted
      ? { ridge: req.fitted.ridge, validation: undefined }
      : await model.fit(task, { ridges: req.ridges, threads: req.threads });
    const chosen = fit.validation?.find((v) => v.ridge === fit.ridge);
    const test =
      req.scoreTest === false ? NaN : await model.evaluate(task.test, task.classification, { threads: req.threads });
    return {
      id: req.id,
      valid: chosen?.score ?? NaN,
      validMse: chosen?.mse ?? NaN,
      test,
      ridge: fit.ridge,
      milliseconds: Date.now() - started,
      trainable: model.trainableParameters,
      fixed: model.fixedParameters,
      ...(req.keepWeights === true && model.readout?.weights ? { weights: model.readout.weights } : {}),
    };
  } catch (e) {
    return {
      id: req.id,
      valid: Infinity,
      validMse: Infinity,
      test: Infinity,
      ridge: NaN,
      milliseconds: Date.now() - started,
      trainable: 0,
      fixed: 0,
      error: e instanceof Error ? e.message : String(e),
    };
  } finally {
    model?.reservoir.dispose();
  }
}
