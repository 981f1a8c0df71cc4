/**
 * The documented random-search spaces, one per architecture (lib/architectures/), narrowed
 * per task family.
 */
import type { Random } from '../random';
import { ARCHITECTURES, architecture, type Architecture } from '../architectures/index';
import type { Space } from './common-space';

export type { Dimension, Space } from './common-space';

/** Search spaces per architecture (each architecture's module in lib/architectures/ holds its own). */
export const SPACES: Readonly<Record<Architecture, Space>> = Object.fromEntries(ARCHITECTURES.map((a) => [a, architecture(a).space])) as Record<Architecture, Space>;

/**
 * Task families with their own ranges for the dimensions every architecture shares (leak
 * rate, spectral radius, input scaling), so that the ESN and the RANs get the same help:
 *
 * - `delay`: recall of an input a fixed number of steps later (simple copy: 28 steps). A
 *   reservoir solves it in its linear regime with no leak: leak rate 0.9–1, spectral radius
 *   0.8–1.05, small input scaling (docs/results.md, "Why the hard tasks are hard").
 * - `integrate`: answers that depend on counts or on a bag of (symbol, tag) items seen over
 *   the whole sequence (bracket matching, selective copy, sorting): small leak rates
 *   (0.005–0.1), the region where the 30-trial searches put every winner.
 * - `default`: the spaces of `SPACES` (every other task, Sequential MNIST included).
 */
export type TaskFamily = 'default' | 'delay' | 'integrate';

/** The family of each task that has one; tasks not listed use `default`. */
export const TASK_FAMILIES: Readonly<Record<string, TaskFamily>> = {
  simple_copy: 'delay',
  bracket_matching: 'integrate',
  selective_copy: 'integrate',
  sorting_problem: 'integrate',
};

const FAMILY_COMMON: Readonly<Record<Exclude<TaskFamily, 'default'>, Space>> = {
  delay: {
    leakRate: { kind: 'uniform', min: 0.9, max: 1 },
    spectralRadius: { kind: 'uniform', min: 0.8, max: 1.05 },
    inputScaling: { kind: 'log', min: 0.02, max: 0.5 },
  },
  integrate: {
    leakRate: { kind: 'log', min: 0.005, max: 0.1 },
    inputScaling: { kind: 'log', min: 0.05, max: 5 },
  },
};

/** Extra RAN dimensions per family (not shared with the ESN, which has no such option). */
const FAMILY_RAN: Readonly<Record<Exclude<TaskFamily, 'default'>, Partial<Record<Architecture, Space>>>> = {
  delay: {
    // The attention adds W_V z (RAN-C: the memory read-out) to the drive and changes the effective radius: a small value scale keeps the linear memory.
    'ran-a': { valueScale: { kind: 'log', min: 0.1, max: 1 } },
    'ran-c': { memoryValueScale: { kind: 'log', min: 0.1, max: 1 } },
  },
  integrate: {
    // A context as long as the whole sorting sequence (21 steps).
    'ran-a': { context: { kind: 'choice', values: [1, 2, 4, 8, 16, 32] } },
    'ran-c': { context: { kind: 'choice', values: [1, 2, 4, 8, 16, 32] } },
  },
};

/** The family of a task (`default` for unknown names). */
export function taskFamily(task: string | undefined): TaskFamily {
  return (task !== undefined && Object.prototype.hasOwnProperty.call(TASK_FAMILIES, task) ? TASK_FAMILIES[task] : undefined) ?? 'default';
}

/** The search space of an architecture on a task: `SPACES[architecture]` with its family's ranges. */
export function spaceFor(name: Architecture, task?: string): Space {
  const space = architecture(name, 'architecture').space;
  const family = taskFamily(task);
  if (family === 'default') return space;
  return { ...space, ...FAMILY_COMMON[family], ...(FAMILY_RAN[family][name] ?? {}) };
}

/** Draws one point of a space (dimensions in a fixed, sorted order, so draws are reproducible). */
export function sample(space: Space, rng: Random): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const name of Object.keys(space).sort()) {
    const d = space[name]!;
    if (d.kind === 'uniform') out[name] = d.min + (d.max - d.min) * rng.uniform();
    else if (d.kind === 'log') out[name] = Math.exp(Math.log(d.min) + (Math.log(d.max) - Math.log(d.min)) * rng.uniform());
    else out[name] = d.values[rng.integer(d.values.length)]!;
  }
  return out;
}
