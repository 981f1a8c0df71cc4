/**
 * The documented random-search spaces, one per architecture (lib/architectures/), and the
 * regimes a search narrows them to (chosen from the data, never from a task's name).
 */
import { invalidArg } from '../errors';
import { Random } from '../random';
import { ARCHITECTURES, architecture, type Architecture } from '../architectures/index';
import type { Dimension, Space } from './common-space';

export type { Dimension, Space } from './common-space';

/** Search spaces per architecture (each architecture's module in lib/architectures/ holds its own). */
export const SPACES: Readonly<Record<Architecture, Space>> = Object.fromEntries(
  ARCHITECTURES.map((a) => [a, architecture(a).space]),
) as Record<Architecture, Space>;

/**
 * Regimes: narrower ranges of the dimensions every architecture shares (leak rate, spectral
 * radius, input scaling), the same for the ESN and the RANs, plus a few RAN-only ranges. No
 * task name selects one: the search tries every regime in its first round and keeps the one
 * whose best trial has the best validation score (`lib/search/search.ts`).
 *
 * - `wide`: the spaces of `SPACES`.
 * - `linear`: no leak and a radius near 1 with small inputs: the linear memory a fixed lag
 *   needs (leak rate 0.9–1, spectral radius 0.8–1.05, input scaling 0.02–0.5).
 * - `integrate`: small leak rates (0.005–0.1): a slowly fading sum of the inputs, for answers
 *   that depend on counts or on a bag of items seen over a whole sequence.
 */
export type Regime = 'wide' | 'linear' | 'integrate';

/** Every regime, in the order the first round of a search cycles through them. */
export const REGIMES: readonly Regime[] = ['wide', 'linear', 'integrate'];

const REGIME_COMMON: Readonly<Record<Exclude<Regime, 'wide'>, Space>> = {
  linear: {
    leakRate: { kind: 'uniform', min: 0.9, max: 1 },
    spectralRadius: { kind: 'uniform', min: 0.8, max: 1.05 },
    inputScaling: { kind: 'log', min: 0.02, max: 0.5 },
  },
  integrate: {
    leakRate: { kind: 'log', min: 0.005, max: 0.1 },
    inputScaling: { kind: 'log', min: 0.05, max: 5 },
  },
};

/** Scales of the attention, feed-forward and memory paths that let a RAN unit run as cool as an ESN neuron. */
const LOW_GAIN: Dimension = { kind: 'log', min: 0.01, max: 0.1 };

/** Extra RAN dimensions per regime (not shared with the ESN, which has no such option). */
const REGIME_RAN: Readonly<Record<Exclude<Regime, 'wide'>, Partial<Record<Architecture, Space>>>> = {
  linear: {
    // The attention adds W_V·(mean of past z) to the drive, the feed-forward W_2 φ(W_1 r), and
    // RAN-C's memory units their read-out: each multiplies the loop gain beyond ρ. Down to 0.01
    // (log), the unit is an ESN neuron block with a little attention: the linear memory of an
    // ESN at the same ρ (docs/results.md, "Easy tasks").
    'ran-a': { valueScale: LOW_GAIN, ffScale: LOW_GAIN },
    'ran-c': { valueScale: LOW_GAIN, memoryValueScale: LOW_GAIN },
  },
  integrate: {
    // Contexts as long as a whole short sequence.
    'ran-a': { context: { kind: 'choice', values: [1, 2, 4, 8, 16, 32] } },
    'ran-c': { context: { kind: 'choice', values: [1, 2, 4, 8, 16, 32] } },
  },
};

/** The search space of an architecture in a regime (`wide`: the architecture's own space). */
export function spaceFor(name: Architecture, regime: Regime = 'wide'): Space {
  const space = architecture(name, 'architecture').space;
  if (!REGIMES.includes(regime)) invalidArg('regime', `one of ${REGIMES.join(', ')}`, regime);
  if (regime === 'wide') return space;
  return { ...space, ...REGIME_COMMON[regime], ...(REGIME_RAN[regime][name] ?? {}) };
}

function checkDimension(name: string, d: Dimension): void {
  if (d === null || typeof d !== 'object') invalidArg(name, "{ kind: 'uniform' | 'log' | 'choice', … }", d);
  if (d.kind === 'choice') {
    if (!Array.isArray(d.values) || d.values.length === 0) invalidArg(`${name}.values`, 'a non-empty array', d.values);
  } else if (d.kind === 'uniform' || d.kind === 'log') {
    const low = d.kind === 'log' ? Number.MIN_VALUE : -Number.MAX_VALUE;
    if (typeof d.min !== 'number' || !(d.min >= low) || !Number.isFinite(d.min))
      invalidArg(`${name}.min`, d.kind === 'log' ? 'a finite number > 0' : 'a finite number', d.min);
    if (typeof d.max !== 'number' || !(d.max >= d.min) || !Number.isFinite(d.max))
      invalidArg(`${name}.max`, `a finite number >= min`, d.max);
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
    else if (d.kind === 'log')
      out[name] = Math.exp(Math.log(d.min) + (Math.log(d.max) - Math.log(d.min)) * rng.uniform());
    else out[name] = d.values[rng.integer(d.values.length)]!;
  }
  return out;
}
