/** Weights of attention and memory units, drawn from the seed (architecture.md, RAN-A and RAN-C). */
import type { NativePopulation } from '../native';
import type { Random } from '../random';
import { fanInMatrices } from './weights';

/** Options of a population of attention units. */
export interface AttentionUnitOptions {
  units: number;
  width: number;
  context: number;
  heads: number;
  temperature: number;
  ffHidden: number;
  activation: 'relu' | 'gelu';
  shared: boolean;
  leakRate: number;
  queryScale: number;
  keyScale: number;
  valueScale: number;
  ffScale: number;
}

/** Draws W_Q, W_K, W_V (then W_1, W_2 if ffHidden > 0), each N(0, 1/fan_in) × its scale. */
export function attentionPopulation(rng: Random, o: AttentionUnitOptions, offset: number): NativePopulation {
  const copies = o.shared ? 1 : o.units;
  const d = o.width;
  const p: NativePopulation = {
    kind: 'attention',
    units: o.units,
    width: d,
    offset,
    leakRate: o.leakRate,
    shared: o.shared,
    context: o.context,
    heads: o.heads,
    temperature: o.temperature,
    ffHidden: o.ffHidden,
    activation: o.activation,
    wQ: fanInMatrices(rng, copies, d, d, o.queryScale),
    wK: fanInMatrices(rng, copies, d, d, o.keyScale),
    wV: fanInMatrices(rng, copies, d, d, o.valueScale),
  };
  if (o.ffHidden > 0) {
    p.w1 = fanInMatrices(rng, copies, o.ffHidden, d, o.ffScale);
    p.w2 = fanInMatrices(rng, copies, d, o.ffHidden, o.ffScale);
  }
  return p;
}

/** Options of a population of key–value memory units. */
export interface MemoryUnitOptions {
  units: number;
  width: number;
  slots: number;
  retrieval: 'relu' | 'softmax';
  temperature: number;
  shared: boolean;
  leakRate: number;
  valueScale: number;
}

/**
 * Random keys N(0, 1/d) (unit norm on average) and values: N(0, 1/P) × scale for ReLU
 * retrieval (many slots add up), N(0, 1) × scale for softmax (weights sum to 1).
 */
export function memoryPopulation(rng: Random, o: MemoryUnitOptions, offset: number): NativePopulation {
  const copies = o.shared ? 1 : o.units;
  const d = o.width;
  const keys = fanInMatrices(rng, copies, o.slots, d, 1);
  const values = fanInMatrices(
    rng,
    copies,
    o.slots,
    d,
    o.retrieval === 'relu' ? o.valueScale * Math.sqrt(d / o.slots) : o.valueScale * Math.sqrt(d),
  );
  return {
    kind: 'memory',
    units: o.units,
    width: d,
    offset,
    leakRate: o.leakRate,
    shared: o.shared,
    slots: o.slots,
    retrieval: o.retrieval,
    temperature: o.temperature,
    keys,
    values,
  };
}
