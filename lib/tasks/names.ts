/** Canonical STREAM task names and the older EST aliases (spec §1.6). */
import { ErrorCodes, RanError, describe } from '../errors';

/** The 12 canonical task names (SB 0.1.2), in the reference's order. */
export const TASK_NAMES = [
  'sinus_forecasting',
  'chaotic_forecasting',
  'discrete_postcasting',
  'continuous_postcasting',
  'discrete_pattern_completion',
  'continuous_pattern_completion',
  'bracket_matching',
  'simple_copy',
  'selective_copy',
  'adding_problem',
  'sorting_problem',
  'sequential_mnist',
] as const;

/** A canonical task name. */
export type TaskName = (typeof TASK_NAMES)[number];

/** EST (and STREAM 2024 README) names that differ from the canonical ones → canonical name. */
export const TASK_ALIASES: Readonly<Record<string, TaskName>> = {
  sin_forecasting: 'sinus_forecasting',
  continue_postcasting: 'continuous_postcasting',
  continue_pattern_completion: 'continuous_pattern_completion',
  copy_task: 'simple_copy',
  selective_copy_task: 'selective_copy',
  mnist_classification: 'sequential_mnist',
};

/** True when `name` is a canonical task name. */
export function isTaskName(name: string): name is TaskName {
  return (TASK_NAMES as readonly string[]).includes(name);
}

/**
 * The canonical name of a canonical or EST task name.
 * @throws RanError (ERR_RAN_INVALID_ARG) listing the known names when `name` is unknown
 */
export function canonicalTaskName(name: string): TaskName {
  if (isTaskName(name)) return name;
  const alias = Object.prototype.hasOwnProperty.call(TASK_ALIASES, name) ? TASK_ALIASES[name] : undefined;
  if (alias !== undefined) return alias;
  throw new RanError(
    ErrorCodes.INVALID_ARG,
    `unknown STREAM task ${describe(name)}; known: ${TASK_NAMES.join(', ')} (aliases: ${Object.keys(TASK_ALIASES).join(', ')})`,
  );
}
