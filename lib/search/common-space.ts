/**
 * Search-space types and the dimensions every architecture shares. Apart from space.ts so
 * that the architecture modules (lib/architectures/), which space.ts reads, can use them.
 */

/** One dimension of a search space. */
export type Dimension =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'log'; min: number; max: number }
  | { kind: 'choice'; values: readonly (number | string)[] };

/** A search space: option name → dimension. */
export type Space = Readonly<Record<string, Dimension>>;

/** The dimensions every architecture shares. Leak rates reach 0.005: small leak rates matter on the memory tasks. */
export const COMMON_SPACE: Space = {
  spectralRadius: { kind: 'uniform', min: 0.1, max: 1.5 },
  leakRate: { kind: 'log', min: 0.005, max: 1 },
  inputScaling: { kind: 'log', min: 0.02, max: 5 },
  biasScaling: { kind: 'uniform', min: 0, max: 1 },
};
