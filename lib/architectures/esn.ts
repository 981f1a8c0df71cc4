/** The echo state network baseline ("esn"): one population of tanh units. */
import { ESN, esnOptions, type ESNOptions } from '../reservoirs/esn';
import { COMMON_SPACE } from '../search/common-space';
import type { ArchitectureDefinition } from './architecture';

export const esn: ArchitectureDefinition<ESNOptions, ESN> = {
  name: 'esn',
  label: 'ESN',
  normalize: esnOptions,
  create: (options) => new ESN(options),
  populations: (o) => [{ kind: 'tanh', units: o.units, width: 1 }],
  sizeFor: (states) => (states >= 1 ? { options: { units: states }, states } : undefined),
  smallestState: () => 1,
  space: { ...COMMON_SPACE, connectivity: { kind: 'choice', values: [0.02, 0.05, 0.1, 0.2] } },
};
