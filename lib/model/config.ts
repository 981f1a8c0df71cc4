/** A reservoir described as plain data (kind + options), so it can be saved, searched and sent to workers. */
import { invalidArg } from '../errors';
import { ARCHITECTURES, architecture, type Architecture, type OptionsOf } from '../architectures/index';
import { Reservoir } from '../reservoirs/reservoir';

export { ARCHITECTURES, type Architecture };

/** A reservoir as plain data: an architecture's name and its options. */
export type ReservoirConfig = { [K in Architecture]: { kind: K; options: OptionsOf<K> } }[Architecture];

/** Builds the reservoir a config describes (same config and seed → same weights). */
export function createReservoir(config: ReservoirConfig): Reservoir {
  if (config === null || typeof config !== 'object') invalidArg('config', '{ kind, options }', config);
  return architecture(config.kind, 'config.kind').create(config.options);
}

/** The config of an existing reservoir (its options with every default filled in). */
export function configOf(reservoir: Reservoir): ReservoirConfig {
  if (!(reservoir instanceof Reservoir))
    invalidArg('reservoir', 'a Reservoir (ESN, AttentionReservoir or DecomposedReservoir)', reservoir);
  return {
    kind: architecture(reservoir.kind, 'reservoir.kind').name,
    options: { ...reservoir.options },
  } as ReservoirConfig;
}
