/**
 * RAN-C ("ran-c"): attention units then key–value memory units. With `keys: "data"` the memory
 * keys are drawn from the training inputs before training, and model files store them.
 */
import {
  DecomposedReservoir,
  decomposedReservoirOptions,
  type DecomposedReservoirOptions,
} from '../reservoirs/decomposed';
import { COMMON_SPACE } from '../search/common-space';
import type { ArchitectureDefinition } from './architecture';

const KEYS = 'reservoir.memoryKeys';

/** [copies, slots, width] of the memory keys: copies = 1 when `shared`, else the memory units. */
function keyShape(reservoir: DecomposedReservoir): number[] {
  const mem = reservoir.describe().populations[1]!;
  return [mem.shared ? 1 : mem.units, mem.slots!, mem.width];
}

export const ranC: ArchitectureDefinition<DecomposedReservoirOptions, DecomposedReservoir> = {
  name: 'ran-c',
  label: 'RAN-C',
  normalize: decomposedReservoirOptions,
  create: (options) => new DecomposedReservoir(options),
  populations: (o) => [
    { kind: 'attention', units: o.attentionUnits, width: o.width, readoutState: o.readoutState },
    { kind: 'memory', units: o.memoryUnits, width: o.width, readoutState: o.readoutState },
  ],
  // Half the units attend (rounded up), the others are memory units.
  sizeFor: (states, width) => {
    const units = Math.floor(states / width);
    if (units < 2) return undefined;
    const attentionUnits = Math.ceil(units / 2);
    return { options: { attentionUnits, memoryUnits: units - attentionUnits }, states: units * width };
  },
  smallestState: (width) => 2 * width,
  space: {
    ...COMMON_SPACE,
    connectivity: { kind: 'choice', values: [0.05, 0.1, 0.2, 0.4] },
    context: { kind: 'choice', values: [1, 2, 4, 8, 16] },
    temperature: { kind: 'log', min: 0.25, max: 4 },
    slots: { kind: 'choice', values: [16, 32, 64] },
    retrieval: { kind: 'choice', values: ['relu', 'softmax'] },
    memoryTemperature: { kind: 'log', min: 0.1, max: 2 },
    keys: { kind: 'choice', values: ['random', 'data'] },
    // Attention unit variants that won on development seeds' validation scores (issue 14 §3,
    // scripts/variants.js): slots holding the state, and per-head lag biases (0: none).
    slotContent: { kind: 'choice', values: ['drive', 'state'] },
    positionBias: { kind: 'choice', values: [0, 0.5, 1, 2] },
  },
  prepare: (reservoir, x, options) => {
    if (reservoir.options.keys === 'data' && !reservoir.hasDataKeys) reservoir.fitKeys(x, options);
  },
  stored: {
    names: [KEYS],
    refuse: (name, options) =>
      name === KEYS && options.keys !== 'data'
        ? `"${KEYS}" is only valid for a ran-c reservoir with keys: "data"`
        : undefined,
    save: (reservoir) =>
      reservoir.options.keys === 'data' && reservoir.hasDataKeys
        ? [{ name: KEYS, data: reservoir.describe().populations[1]!.keys!, shape: keyShape(reservoir) }]
        : [],
    restore: (reservoir, array, fail) => {
      const shape = keyShape(reservoir);
      if (array.shape.length !== 3 || array.shape.some((d, i) => d !== shape[i])) {
        fail(`"${KEYS}" has shape [${array.shape.join(', ')}], the reservoir needs [${shape.join(', ')}]`);
      }
      reservoir.setMemoryKeys(array.data);
    },
  },
};
