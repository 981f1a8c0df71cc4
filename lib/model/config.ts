/** A reservoir described as plain data (kind + options), so it can be saved, searched and sent to workers. */
import { invalidArg } from '../errors';
import { AttentionReservoir, type AttentionReservoirOptions } from '../reservoirs/attention';
import { DecomposedReservoir, type DecomposedReservoirOptions } from '../reservoirs/decomposed';
import { ESN, type ESNOptions } from '../reservoirs/esn';
import { Reservoir } from '../reservoirs/reservoir';

/** The architectures, by name. */
export const ARCHITECTURES = ['esn', 'ran-a', 'ran-c'] as const;
/** One of the architecture names. */
export type Architecture = (typeof ARCHITECTURES)[number];

/** A reservoir as plain data. */
export type ReservoirConfig =
  | { kind: 'esn'; options: ESNOptions }
  | { kind: 'ran-a'; options: AttentionReservoirOptions }
  | { kind: 'ran-c'; options: DecomposedReservoirOptions };

/** Builds the reservoir a config describes (same config and seed → same weights). */
export function createReservoir(config: ReservoirConfig): Reservoir {
  if (config === null || typeof config !== 'object') invalidArg('config', '{ kind, options }', config);
  switch (config.kind) {
    case 'esn':
      return new ESN(config.options);
    case 'ran-a':
      return new AttentionReservoir(config.options);
    case 'ran-c':
      return new DecomposedReservoir(config.options);
    default:
      return invalidArg('config.kind', `one of ${ARCHITECTURES.join(', ')}`, (config as { kind: unknown }).kind);
  }
}

/** The config of an existing reservoir (its options with every default filled in). */
export function configOf(reservoir: Reservoir): ReservoirConfig {
  if (!(reservoir instanceof Reservoir)) invalidArg('reservoir', 'a Reservoir (ESN, AttentionReservoir or DecomposedReservoir)', reservoir);
  return { kind: reservoir.kind as Architecture, options: { ...reservoir.options } } as ReservoirConfig;
}
