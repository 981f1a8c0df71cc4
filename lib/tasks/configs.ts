/**
 * Difficulty levels of spec §4: `small` (SB 0.1.2 = SB 0.1.7 = SD = EST's small_eval),
 * `medium` (SB 0.1.7 / SD table of 2025-07-17), `medium-v0.1.2` (SB 0.1.2's medium: small
 * parameters with more data) and `large` (SB 0.1.7 / SD). Read them with {@link getConfig},
 * which returns a copy: the tables are frozen and never mutated (spec §5, defect 6).
 */
import type { AddingProblemParams } from './adding';
import type { BracketMatchingParams } from './brackets';
import type { SelectiveCopyParams, SimpleCopyParams } from './copy';
import type { ForecastingParams } from './forecasting';
import type { SequentialMnistParams } from './mnist';
import { TASK_NAMES, isTaskName, type TaskName } from './names';
import { ErrorCodes, RanError, describe, invalidArg } from '../errors';
import type { ContinuousPatternCompletionParams, DiscretePatternCompletionParams } from './patternCompletion';
import type { ContinuousPostcastingParams, DiscretePostcastingParams } from './postcasting';
import type { SortingProblemParams } from './sorting';

/** Parameter type of each task. */
export interface TaskParamsMap {
  /** §3.1 */
  sinus_forecasting: ForecastingParams;
  /** §3.2 */
  chaotic_forecasting: ForecastingParams;
  /** §3.3 */
  discrete_postcasting: DiscretePostcastingParams;
  /** §3.4 */
  continuous_postcasting: ContinuousPostcastingParams;
  /** §3.5 */
  discrete_pattern_completion: DiscretePatternCompletionParams;
  /** §3.6 */
  continuous_pattern_completion: ContinuousPatternCompletionParams;
  /** §3.7 */
  bracket_matching: BracketMatchingParams;
  /** §3.8 */
  simple_copy: SimpleCopyParams;
  /** §3.9 */
  selective_copy: SelectiveCopyParams;
  /** §3.10 */
  adding_problem: AddingProblemParams;
  /** §3.11 */
  sorting_problem: SortingProblemParams;
  /** §3.12 */
  sequential_mnist: SequentialMnistParams;
}

/** A full level: parameters for every task. */
export type LevelConfig = { readonly [K in TaskName]: Readonly<TaskParamsMap[K]> };

/** The difficulty level names. */
export const DIFFICULTIES = ['small', 'medium', 'medium-v0.1.2', 'large'] as const;

/** A difficulty level name. */
export type Difficulty = (typeof DIFFICULTIES)[number];

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(o);
}

const RATIOS = { training_ratio: 0.45, validation_ratio: 0.1, testing_ratio: 0.45 } as const;

function counts(
  n_train: number,
  n_valid: number,
  n_test: number,
): { n_train: number; n_valid: number; n_test: number } {
  return { n_train, n_valid, n_test };
}

const SMALL_COUNTS = counts(100, 20, 100);

/** `small` (spec §4.1). */
const SMALL: LevelConfig = {
  sinus_forecasting: { sequence_length: 200, forecast_length: 5, ...RATIOS },
  chaotic_forecasting: { sequence_length: 200, forecast_length: 5, ...RATIOS },
  discrete_postcasting: { ...SMALL_COUNTS, sequence_length: 50, delay: 5, n_symbols: 3 },
  continuous_postcasting: { ...SMALL_COUNTS, sequence_length: 50, delay: 5 },
  discrete_pattern_completion: { ...SMALL_COUNTS, sequence_length: 60, n_symbols: 3, base_length: 4, mask_ratio: 0.2 },
  continuous_pattern_completion: { ...SMALL_COUNTS, sequence_length: 60, base_length: 4, mask_ratio: 0.2 },
  bracket_matching: { ...SMALL_COUNTS, sequence_length: 50, max_depth: 5 },
  simple_copy: { ...SMALL_COUNTS, sequence_length: 22, delay: 5, n_symbols: 3 },
  selective_copy: { ...SMALL_COUNTS, sequence_length: 40, delay: 5, n_markers: 5, n_symbols: 3 },
  adding_problem: { ...SMALL_COUNTS, sequence_length: 10, max_number: 3 },
  sorting_problem: { ...SMALL_COUNTS, sequence_length: 10, n_symbols: 3 },
  sequential_mnist: { ...SMALL_COUNTS },
};

const MEDIUM_COUNTS = counts(1000, 200, 1000);

/** `medium` as in SB 0.1.7 and SD (spec §4.2, second table). */
const MEDIUM: LevelConfig = {
  sinus_forecasting: { sequence_length: 2000, forecast_length: 15, ...RATIOS },
  chaotic_forecasting: { sequence_length: 2000, forecast_length: 15, ...RATIOS },
  discrete_postcasting: { ...MEDIUM_COUNTS, sequence_length: 100, delay: 15, n_symbols: 8 },
  continuous_postcasting: { ...MEDIUM_COUNTS, sequence_length: 100, delay: 15 },
  discrete_pattern_completion: {
    ...MEDIUM_COUNTS,
    sequence_length: 150,
    n_symbols: 8,
    base_length: 10,
    mask_ratio: 0.2,
  },
  continuous_pattern_completion: { ...MEDIUM_COUNTS, sequence_length: 150, base_length: 10, mask_ratio: 0.2 },
  bracket_matching: { ...MEDIUM_COUNTS, sequence_length: 100, max_depth: 10 },
  simple_copy: { ...MEDIUM_COUNTS, sequence_length: 50, delay: 10, n_symbols: 8 },
  selective_copy: { ...MEDIUM_COUNTS, sequence_length: 80, delay: 10, n_markers: 10, n_symbols: 8 },
  adding_problem: { ...MEDIUM_COUNTS, sequence_length: 20, max_number: 8 },
  sorting_problem: { ...MEDIUM_COUNTS, sequence_length: 20, n_symbols: 8 },
  sequential_mnist: { ...MEDIUM_COUNTS },
};

const V012_COUNTS = counts(10000, 200, 1000);

/** `medium` as in SB 0.1.2 (spec §4.2, first paragraph): small parameters, more data. */
const MEDIUM_V012: LevelConfig = {
  sinus_forecasting: { ...SMALL.sinus_forecasting, sequence_length: 20000 },
  chaotic_forecasting: { ...SMALL.chaotic_forecasting, sequence_length: 20000 },
  discrete_postcasting: { ...SMALL.discrete_postcasting, ...V012_COUNTS },
  continuous_postcasting: { ...SMALL.continuous_postcasting, ...V012_COUNTS },
  discrete_pattern_completion: { ...SMALL.discrete_pattern_completion, ...V012_COUNTS },
  continuous_pattern_completion: { ...SMALL.continuous_pattern_completion, ...V012_COUNTS },
  bracket_matching: { ...SMALL.bracket_matching, ...V012_COUNTS },
  simple_copy: { ...SMALL.simple_copy, ...V012_COUNTS },
  selective_copy: { ...SMALL.selective_copy, ...V012_COUNTS },
  adding_problem: { ...SMALL.adding_problem, ...V012_COUNTS },
  sorting_problem: { ...SMALL.sorting_problem, ...V012_COUNTS },
  sequential_mnist: { ...V012_COUNTS },
};

const LARGE_COUNTS = counts(10000, 2000, 10000);

/** `large` (spec §4.3, SB 0.1.7 / SD). */
const LARGE: LevelConfig = {
  sinus_forecasting: { sequence_length: 20000, forecast_length: 50, ...RATIOS },
  chaotic_forecasting: { sequence_length: 20000, forecast_length: 50, ...RATIOS },
  discrete_postcasting: { ...LARGE_COUNTS, sequence_length: 300, delay: 50, n_symbols: 8 },
  continuous_postcasting: { ...LARGE_COUNTS, sequence_length: 300, delay: 50 },
  discrete_pattern_completion: {
    ...LARGE_COUNTS,
    sequence_length: 500,
    n_symbols: 20,
    base_length: 25,
    mask_ratio: 0.2,
  },
  // base_length 20 (sic, not 25) as in the reference.
  continuous_pattern_completion: { ...LARGE_COUNTS, sequence_length: 500, base_length: 20, mask_ratio: 0.2 },
  bracket_matching: { ...LARGE_COUNTS, sequence_length: 300, max_depth: 30 },
  simple_copy: { ...LARGE_COUNTS, sequence_length: 150, delay: 30, n_symbols: 20 },
  selective_copy: { ...LARGE_COUNTS, sequence_length: 240, delay: 30, n_markers: 30, n_symbols: 20 },
  adding_problem: { ...LARGE_COUNTS, sequence_length: 50, max_number: 20 },
  sorting_problem: { ...LARGE_COUNTS, sequence_length: 50, n_symbols: 20 },
  sequential_mnist: { ...LARGE_COUNTS },
};

/** All levels, frozen. Use {@link getConfig} to get a mutable copy. */
export const CONFIGS: Readonly<Record<Difficulty, LevelConfig>> = deepFreeze({
  small: SMALL,
  medium: MEDIUM,
  'medium-v0.1.2': MEDIUM_V012,
  large: LARGE,
});

/** True when `d` is a known difficulty level. */
export function isDifficulty(d: string): d is Difficulty {
  return (DIFFICULTIES as readonly string[]).includes(d);
}

/**
 * A fresh copy of the parameters of `task` at `difficulty`.
 * @throws RanError (ERR_RAN_INVALID_ARG) for an unknown task or difficulty
 */
export function getConfig<K extends TaskName>(task: K, difficulty: Difficulty | string): TaskParamsMap[K] {
  if (!isTaskName(task)) invalidArg('task', `one of ${TASK_NAMES.join(', ')}`, task);
  if (!isDifficulty(difficulty)) {
    throw new RanError(
      ErrorCodes.INVALID_ARG,
      `unknown difficulty ${describe(difficulty)}; known: ${DIFFICULTIES.join(', ')}`,
    );
  }
  return { ...CONFIGS[difficulty][task] };
}
