/** Weights of attention and memory units, drawn from the seed (architecture.md, RAN-A and RAN-C). */
import type { NativePopulation } from '../native';
import { Random } from '../random';
import * as v from '../validate';
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
  /** Use W_K as W_Q (the tied variant). */
  tiedKeys?: boolean;
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
  // W_Q is drawn either way, so that the other weights do not depend on the option.
  if (o.tiedKeys) p.wQ = p.wK!.slice();
  return p;
}

/** What a readout reads of attention or memory units: the state y (leaked), the fast output o, or both. */
export type ReadoutState = 'y' | 'o' | 'both';

/**
 * The attention unit variants (architecture.md, "Attention unit variants"), options of RAN-A
 * and RAN-C alike. The defaults are the units as first stated.
 */
export interface AttentionVariantOptions {
  /** What the readout reads: the state y(t) (default), the un-leaked output o(t), or both ([y; o]: twice the features per unit). */
  readoutState?: ReadoutState;
  /** "dot" (default): q·k / (√d_head · temperature); "cosine": β · cos(q, k), sharp whatever the input scaling. */
  scores?: 'dot' | 'cosine';
  /** β of cosine scores (default 8). */
  sharpness?: number;
  /** Queries use the key matrix (W_Q = W_K), so that a slot's key matches the query of the step that wrote it (default false). */
  tiedKeys?: boolean;
  /** γ ≥ 0: each head of each unit prefers its own lag λ (drawn from the seed in [0, k)); scores get −γ·|age − λ| (default 0: none). */
  positionBias?: number;
  /** What a slot's key and value are computed from: "drive" z (default), "input" W_in u only, or "state" y(t−1). */
  slotContent?: 'drive' | 'input' | 'state';
  /** Write a slot only when a fixed random projection of the input crosses a threshold (never on a zero input) (default false). */
  gatedWrites?: boolean;
  /** With `gatedWrites`: the fraction of isotropic random inputs that write, in (0, 1] (default 1: every non-zero input). */
  writeRate?: number;
}

/** The option names of `AttentionVariantOptions`. */
export const VARIANT_KEYS = [
  'readoutState',
  'scores',
  'sharpness',
  'tiedKeys',
  'positionBias',
  'slotContent',
  'gatedWrites',
  'writeRate',
] as const;

/** Fills the variant defaults and checks them. */
export function attentionVariantOptions(o: AttentionVariantOptions): Required<AttentionVariantOptions> {
  return {
    readoutState: v.oneOf('readoutState', o.readoutState ?? 'y', ['y', 'o', 'both'] as const),
    scores: v.oneOf('scores', o.scores ?? 'dot', ['dot', 'cosine'] as const),
    sharpness: v.number('sharpness', o.sharpness ?? 8, 0, 1e6, { min: true }),
    tiedKeys: v.boolean('tiedKeys', o.tiedKeys ?? false),
    positionBias: v.number('positionBias', o.positionBias ?? 0, 0, 1e6),
    slotContent: v.oneOf('slotContent', o.slotContent ?? 'drive', ['drive', 'input', 'state'] as const),
    gatedWrites: v.boolean('gatedWrites', o.gatedWrites ?? false),
    writeRate: v.number('writeRate', o.writeRate ?? 1, 0, 1, { min: true }),
  };
}

/** The seed of the variants' own draws (position lags, write gates). */
export function variantSeed(seed: number): number {
  return (seed + 0x7a51) >>> 0;
}

/** P(|N(0, 1)| > x) = erfc(x / √2), Abramowitz and Stegun 7.1.26 (absolute error < 1.5e-7). */
function normalTail(x: number): number {
  const t = 1 / (1 + 0.3275911 * (x / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-(x * x) / 2);
}

/** θ with P(|N(0, 1)| > θ) = rate: the write threshold of gated writes (g ~ N(0, I), so g·û ~ N(0, 1)). */
export function writeThreshold(rate: number): number {
  if (rate >= 1) return 0;
  let lo = 0,
    hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalTail(mid) > rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The spec fields of the variants for an attention population of `units` units over the state
 * rows [offset, offset + units·width) (their W_in rows from `wIn`). Draws from its own stream
 * (`seed`), so that every other weight is the same with and without variants.
 */
export function attentionVariantFields(
  o: Required<AttentionVariantOptions> & {
    units: number;
    width: number;
    heads: number;
    context: number;
    shared: boolean;
  },
  seed: number,
  wIn: Float32Array,
  inputDim: number,
  offset: number,
): Partial<NativePopulation> {
  const rng = new Random(seed);
  const f: Partial<NativePopulation> = {};
  if (o.readoutState !== 'y') f.readoutState = o.readoutState;
  if (o.scores === 'cosine') {
    f.scores = 'cosine';
    f.sharpness = o.sharpness;
  }
  if (o.positionBias > 0) {
    const copies = o.shared ? 1 : o.units;
    const k = o.context;
    const bias = new Float32Array(copies * o.heads * k);
    for (let h = 0; h < copies * o.heads; h++) {
      const lag = rng.integer(k);
      for (let age = 0; age < k; age++) bias[h * k + age] = -o.positionBias * Math.abs(age - lag);
    }
    f.relativeBias = true;
    f.positionBias = bias;
  }
  if (o.slotContent !== 'drive') f.slotContent = o.slotContent;
  if (o.slotContent === 'input' || o.gatedWrites) f.inputDim = inputDim;
  if (o.slotContent === 'input') f.wSlot = wIn.slice(offset * inputDim, (offset + o.units * o.width) * inputDim);
  if (o.gatedWrites) {
    const gate = new Float32Array(o.units * inputDim);
    for (let i = 0; i < gate.length; i++) gate[i] = rng.normal();
    f.gatedWrites = true;
    f.writeThreshold = writeThreshold(o.writeRate);
    f.writeGate = gate;
  }
  return f;
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
