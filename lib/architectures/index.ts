/**
 * The registry of architectures: every module that handles architectures reads it. Adding one
 * is a module like ./esn.ts (an `ArchitectureDefinition`) and one line in `REGISTRY`
 * (docs/architecture.md, "Adding an architecture").
 */
import { invalidArg } from '../errors';
import type { ArchitectureDefinition } from './architecture';
import { esn } from './esn';
import { ranA } from './ran-a';
import { ranC } from './ran-c';

// The order is part of the reproducibility contract: a search seeds its draws with the
// architecture's index (lib/search/search.ts). New architectures go at the end.
const REGISTRY = { esn, 'ran-a': ranA, 'ran-c': ranC } as const;

type Registry = typeof REGISTRY;
/** One of the architecture names. */
export type Architecture = keyof Registry;
/** The options of an architecture. */
export type OptionsOf<K extends Architecture> = Parameters<Registry[K]['create']>[0];
/** The architectures, by name, in registry order. */
export const ARCHITECTURES = Object.keys(REGISTRY) as readonly Architecture[];

/** Whether `name` is a known architecture. */
export function isArchitecture(name: unknown): name is Architecture {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REGISTRY, name);
}

/**
 * The definition of architecture `name`; anything else is an `ERR_RAN_INVALID_ARG` error naming
 * `argument` and the known architectures.
 */
export function architecture(name: unknown, argument = 'kind'): ArchitectureDefinition {
  if (!isArchitecture(name)) invalidArg(argument, `one of ${ARCHITECTURES.join(', ')}`, name);
  return REGISTRY[name];
}

export type { ArchitectureDefinition, PopulationShape, StoredArray, StoredArrays } from './architecture';
export { readoutSizeOf, stateSizeOf } from './architecture';
