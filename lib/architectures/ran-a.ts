/** RAN-A ("ran-a"): one population of attention-block units. */
import { AttentionReservoir, attentionReservoirOptions, type AttentionReservoirOptions } from '../reservoirs/attention';
import { COMMON_SPACE } from '../search/common-space';
import type { ArchitectureDefinition } from './architecture';

export const ranA: ArchitectureDefinition<AttentionReservoirOptions, AttentionReservoir> = {
  name: 'ran-a',
  label: 'RAN-A',
  normalize: attentionReservoirOptions,
  create: (options) => new AttentionReservoir(options),
  populations: (o) => [{ kind: 'attention', units: o.units, width: o.width, readoutState: o.readoutState }],
  sizeFor: (states, width) => {
    const units = Math.floor(states / width);
    return units >= 1 ? { options: { units }, states: units * width } : undefined;
  },
  smallestState: (width) => width,
  space: {
    ...COMMON_SPACE,
    connectivity: { kind: 'choice', values: [0.05, 0.1, 0.2, 0.4] },
    context: { kind: 'choice', values: [1, 2, 4, 8, 16] },
    temperature: { kind: 'log', min: 0.25, max: 4 },
    ffHidden: { kind: 'choice', values: [0, 16, 32] },
    heads: { kind: 'choice', values: [1, 2] },
    // Attention unit variants that won on development seeds' validation scores (issue 14 §3,
    // scripts/variants.js): slots holding the state, and per-head lag biases (0: none).
    slotContent: { kind: 'choice', values: ['drive', 'state'] },
    positionBias: { kind: 'choice', values: [0, 0.5, 1, 2] },
  },
};
