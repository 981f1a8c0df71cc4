/**
 * The documented random-search spaces, one per architecture. Leak rates reach 0.005: small
 * leak rates matter on the memory tasks.
 */
import { invalidArg } from '../errors';
import { Random } from '../random';
import type { Architecture } from '../model/config';

/** One dimension of a search space. */
export type Dimension =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'log'; min: number; max: number }
  | { kind: 'choice'; values: readonly (number | string)[] };

/** A search space: option name → dimension. */
export type Space = Readonly<Record<string, Dimension>>;

const COMMON: Space = {
  spectralRadius: { kind: 'uniform', min: 0.1, max: 1.5 },
  leakRate: { kind: 'log', min: 0.005, max: 1 },
  inputScaling: { kind: 'log', min: 0.02, max: 5 },
  biasScaling: { kind: 'uniform', min: 0, max: 1 },
};

/** Search spaces per architecture. */
export const SPACES: Readonly<Record<Architecture, Space>> = {
  esn: { ...COMMON, connectivity: { kind: 'choice', values: [0.02, 0.05, 0.1, 0.2] } },
  'ran-a': {
    ...COMMON,
    connectivity: { kind: 'choice', values: [0.05, 0.1, 0.2, 0.4] },
    context: { kind: 'choice', values: [1, 2, 4, 8, 16] },
    temperature: { kind: 'log', min: 0.25, max: 4 },
    ffHidden: { kind: 'choice', values: [0, 16, 32] },
    heads: { kind: 'choice', values: [1, 2] },
  },
  'ran-c': {
    ...COMMON,
    connectivity: { kind: 'choice', values: [0.05, 0.1, 0.2, 0.4] },
    context: { kind: 'choice', values: [1, 2, 4, 8, 16] },
    temperature: { kind: 'log', min: 0.25, max: 4 },
    slots: { kind: 'choice', values: [16, 32, 64] },
    retrieval: { kind: 'choice', values: ['relu', 'softmax'] },
    memoryTemperature: { kind: 'log', min: 0.1, max: 2 },
    keys: { kind: 'choice', values: ['random', 'data'] },
  },
};

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
export function spaceFor(architecture: Architecture, task?: string): Space {
  const family = taskFamily(task);
  if (family === 'default') return SPACES[architecture];
  return { ...SPACES[architecture], ...FAMILY_COMMON[family], ...(FAMILY_RAN[family][architecture] ?? {}) };
}

function checkDimension(name: string, d: Dimension): void {
  if (d === null || typeof d !== 'object') invalidArg(name, "{ kind: 'uniform' | 'log' | 'choice', … }", d);
  if (d.kind === 'choice') {
    if (!Array.isArray(d.values) || d.values.length === 0) invalidArg(`${name}.values`, 'a non-empty array', d.values);
  } else if (d.kind === 'uniform' || d.kind === 'log') {
    const low = d.kind === 'log' ? Number.MIN_VALUE : -Number.MAX_VALUE;
    if (typeof d.min !== 'number' || !(d.min >= low) || !Number.isFinite(d.min)) invalidArg(`${name}.min`, d.kind === 'log' ? 'a finite number > 0' : 'a finite number', d.min);
    if (typeof d.max !== 'number' || !(d.max >= d.min) || !Number.isFinite(d.max)) invalidArg(`${name}.max`, `a finite number >= min`, d.max);
  } else {
    invalidArg(`${name}.kind`, "'uniform', 'log' or 'choice'", (d as { kind: unknown }).kind);
  }
}

/** Draws one point of a space (dimensions in a fixed, sorted order, so draws are reproducible). */
export function sample(space: Space, rng: Random): Record<string, number | string> {
  if (space === null || typeof space !== 'object') invalidArg('space', 'a search space { name: dimension }', space);
  if (!(rng instanceof Random)) invalidArg('rng', 'a Random', rng);
  const out: Record<string, number | string> = {};
  for (const name of Object.keys(space).sort()) {
    const d = space[name]!;
    checkDimension(`space.${name}`, d);
    if (d.kind === 'uniform') out[name] = d.min + (d.max - d.min) * rng.uniform();
    else if (d.kind === 'log') out[name] = Math.exp(Math.log(d.min) + (Math.log(d.max) - Math.log(d.min)) * rng.uniform());
    else out[name] = d.values[rng.integer(d.values.length)]!;
  }
  return out;
}
