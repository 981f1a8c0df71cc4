/**
 * Reservoirs built from the per-process cache of recurrent matrices (a search's trials share
 * a seed and differ in ρ) are the same, bit for bit, as reservoirs built afresh.
 */
import { ESN } from '../../lib/reservoirs/esn';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import {
  cachedRecurrentKeys,
  clearRecurrentCache,
  installRecurrent,
  logRecurrent,
  takeRecurrentLog,
} from '../../lib/reservoirs/recurrentCache';
import { randomTensor, sameBits } from '../helpers';
import type { Reservoir } from '../../lib/reservoirs/reservoir';

function states(r: Reservoir, inputDim: number): Float32Array {
  const out = r.run(randomTensor(3, 2, 12, inputDim), { states: true }).states!.data;
  r.dispose();
  return out;
}

const makers = [
  [
    'esn',
    (rho: number) =>
      new ESN({ inputDim: 3, units: 300, seed: 11, spectralRadius: rho, connectivity: 0.05, inputScaling: 0.7 }),
  ],
  [
    'ran-a',
    (rho: number) =>
      new AttentionReservoir({ inputDim: 3, units: 20, seed: 11, spectralRadius: rho, connectivity: 0.2 }),
  ],
  [
    'ran-c',
    (rho: number) =>
      new DecomposedReservoir({
        inputDim: 3,
        attentionUnits: 10,
        memoryUnits: 8,
        seed: 11,
        spectralRadius: rho,
        connectivity: {
          attentionToAttention: 0.3,
          attentionToMemory: 0.1,
          memoryToAttention: 0.2,
          memoryToMemory: 0.5,
        },
      }),
  ],
] as const;

test.each(makers)('%s: a cached draw rescaled to another ρ equals a fresh one', (_kind, make) => {
  clearRecurrentCache();
  const first = make(0.9); // fills the cache
  first.dispose();
  const cached = make(0.4);
  const a = states(cached, 3);
  clearRecurrentCache();
  const fresh = make(0.4);
  expect(sameBits(a, states(fresh, 3))).toBe(true);
});

test.each(makers)(
  '%s: a matrix drawn in another thread (a structured clone of its entry), installed, equals a fresh draw',
  (_kind, make) => {
    clearRecurrentCache();
    takeRecurrentLog();
    logRecurrent();
    make(0.9).dispose(); // the "other worker" draws
    const log = takeRecurrentLog();
    expect(log.drawn).toHaveLength(1);
    expect(log.used).toEqual([log.drawn[0]!.key]);
    const shipped = structuredClone(log.drawn); // what postMessage delivers
    clearRecurrentCache();
    for (const e of shipped) installRecurrent(e);
    expect(cachedRecurrentKeys()).toEqual([shipped[0]!.key]);
    const installed = states(make(0.4), 3);
    const used = takeRecurrentLog();
    expect(used.drawn).toHaveLength(0); // no draw: the installed entry served
    expect(used.used).toEqual([shipped[0]!.key]);
    clearRecurrentCache();
    const fresh = states(make(0.4), 3);
    expect(sameBits(installed, fresh)).toBe(true);
  },
);
