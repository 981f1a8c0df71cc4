/**
 * The documented random-search spaces, one per architecture. Leak rates reach 0.005: small
 * leak rates matter on the memory tasks.
 */
import type { Random } from '../random';
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
