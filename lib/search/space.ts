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

/** Scales of RAN-A's attention and feed-forward paths that let a unit run as cool as a block of ESN neurons. */
const LOW_GAIN: Dimension = { kind: 'log', min: 0.01, max: 0.1 };

const INTEGRATE_CONTEXT: Dimension = { kind: 'choice', values: [1, 1, 1, 1, 1, 2, 4, 8, 16, 32] };

/** Extra RAN dimensions per regime (not shared with the ESN, which has no such option). */
const REGIME_RAN: Readonly<Record<Exclude<Regime, 'wide'>, Partial<Record<Architecture, Space>>>> = {
  linear: {
    // The attention adds W_V·(mean of past z) to the drive and the feed-forward W_2 φ(W_1 r):
    // each multiplies the loop gain beyond ρ. At 0.01-0.1 the unit is a block of ESN neurons
    // with a little attention, with the linear memory of an ESN at the same ρ (docs/results.md,
    // "Easy tasks, second round").
    'ran-a': { valueScale: LOW_GAIN, ffScale: LOW_GAIN },
    // RAN-C keeps its attention at full scale: simple copy needs its read-out (a value scale of
    // 0.01-0.1 errs 0.29-0.40, of 0.01-1 0.16-0.26, against 0.01-0.04 without; development seeds
    // 0-1, validation); its memory units go silent below 0.1.
    'ran-c': { memoryValueScale: { kind: 'log', min: 0.1, max: 1 } },
  },
  integrate: {
    // Half the draws at k = 1: averaging the last k drives blurs a sum that the leak already
    // integrates (adding: k = 1 errs 0.000 where k = 16 errs 0.11, docs/results.md); the other
    // half reach contexts as long as a whole short sequence.
    'ran-a': { context: INTEGRATE_CONTEXT },
    'ran-c': { context: INTEGRATE_CONTEXT },
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
