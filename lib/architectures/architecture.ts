/**
 * What the library needs to know about one architecture, in one place: how to check its
 * options and build it, how big it is, how to size it to a budget, where a random search
 * looks, what a report labels, and what a model file stores besides the seed. Every module
 * that handles architectures (model config, model file, budget, search space, report, CLI)
 * reads the registry (./index.ts) instead of naming architectures.
 */
import type { CommonOptions, Reservoir } from '../reservoirs/reservoir';
import type { Tensor3 } from '../tensor';
import type { Space } from '../search/common-space';

/** One population of units, as a report describes it. */
export interface PopulationShape {
  /** Unit kind: "tanh", "attention" or "memory". */
  kind: string;
  /** Number of units. */
  units: number;
  /** Width d of each unit (state entries per unit). */
  width: number;
  /** What the readout reads of it (attention and memory units): "y" (default), "o" or "both" (2 features per entry). */
  readoutState?: 'y' | 'o' | 'both';
}

/** An array a model file stores beside the readout: reservoir data its seed does not reproduce. */
export interface StoredArray {
  /** Name in the model file's payload, e.g. "reservoir.memoryKeys". */
  name: string;
  /** The values, float32. */
  data: Float32Array;
  /** Dimensions, row-major. */
  shape: number[];
}

/** Arrays of a reservoir that model files store (optional part of an architecture). */
export interface StoredArrays<O extends CommonOptions, R extends Reservoir<O>> {
  /** Every name this architecture may store. */
  readonly names: readonly string[];
  /** Why array `name` cannot belong to a reservoir with `options`, or undefined when it can. */
  refuse(name: string, options: Required<O>): string | undefined;
  /** The arrays of `reservoir` to save (none when it holds nothing the seed does not give). */
  save(reservoir: R): StoredArray[];
  /** Puts a saved array back; a mismatch calls `fail` with what is wrong. */
  restore(reservoir: R, array: StoredArray, fail: (what: string) => never): void;
}

/**
 * One architecture. Methods use method syntax so that a definition for specific options
 * (`ArchitectureDefinition<ESNOptions, ESN>`) fits the registry's general type.
 */
export interface ArchitectureDefinition<
  O extends CommonOptions = CommonOptions,
  R extends Reservoir<O> = Reservoir<O>,
> {
  /** Name in configs, model files and the CLI ("esn"). */
  readonly name: string;
  /** Display name in tables and reports ("ESN"). */
  readonly label: string;
  /** Fills defaults and checks every option (a `RanError` naming the bad option). */
  normalize(options: O): Required<O>;
  /** Builds the reservoir (same options and seed, same weights). */
  create(options: O): R;
  /** The populations a reservoir with these options has, in state order, without building it. */
  populations(options: Required<O>): PopulationShape[];
  /**
   * Budget sizing: the size options (e.g. `{ units }`) of the largest reservoir with at most
   * `states` state entries at unit width `width` and the state entries it has, or undefined
   * when even the smallest is larger.
   */
  sizeFor(states: number, width: number): { options: Partial<O>; states: number } | undefined;
  /** State entries of the smallest reservoir at unit width `width` (named in budget errors). */
  smallestState(width: number): number;
  /** The random-search space when nothing narrows it. */
  readonly space: Space;
  /** Data-dependent set-up before training on `x` (e.g. RAN-C's keys drawn from the data). */
  prepare?(reservoir: R, x: Tensor3, options: { threads?: number }): void;
  /** Arrays that model files store beside the readout. */
  readonly stored?: StoredArrays<O, R>;
}

/** Readout features from the states of populations: Σ units × width, twice for `readoutState: "both"`. */
export function readoutSizeOf(populations: readonly PopulationShape[]): number {
  return populations.reduce((n, p) => n + p.units * p.width * (p.readoutState === 'both' ? 2 : 1), 0);
}

/** State entries of populations: Σ units × width. */
export function stateSizeOf(populations: readonly PopulationShape[]): number {
  return populations.reduce((n, p) => n + p.units * p.width, 0);
}
