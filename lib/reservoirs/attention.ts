/**
 * RAN-A (architecture.md): a reservoir whose M units are attention blocks of width d over
 * their own last k items, wired by a block-sparse random matrix rescaled to spectral radius ρ.
 */
import { invalidArg } from '../errors';
import { Random } from '../random';
import * as v from '../validate';
import { Reservoir, type CommonOptions } from './reservoir';
import {
  VARIANT_KEYS,
  attentionPopulation,
  attentionVariantFields,
  attentionVariantOptions,
  variantSeed,
  type AttentionVariantOptions,
} from './units';
import { checkWeightBytes, csrBytes } from './limits';
import { drawRecurrent } from './recurrentCache';
import { blockSparse, uniformMatrix } from './weights';

/** Options of RAN-A. Names follow architecture.md; the variants are `AttentionVariantOptions`. */
export interface AttentionReservoirOptions extends CommonOptions, AttentionVariantOptions {
  /** Number of attention units M (default 32). */
  units?: number;
  /** Unit width d (default 16). */
  width?: number;
  /** Context length k: items each unit attends over (default 16: the best of 1–16 on Sequential MNIST, bracket matching and selective copy in docs/results.md). */
  context?: number;
  /** Attention heads; must divide d (default 1). */
  heads?: number;
  /** Softmax temperature: scores are q·key / (√d_head · temperature) (default 1). */
  temperature?: number;
  /** Feed-forward hidden width d_ff; 0 turns the feed-forward half off (default 32). */
  ffHidden?: number;
  /** Feed-forward activation φ (default "relu"). */
  activation?: 'relu' | 'gelu';
  /** Fraction of units each unit receives from (default 0.2). */
  connectivity?: number;
  /** Spectral radius ρ of the whole Md×Md recurrent matrix (default 0.9). */
  spectralRadius?: number;
  /** Leak rate α in (0, 1] (default 0.5). */
  leakRate?: number;
  /** Input scaling σ_in: W_in uniform in [−σ_in, σ_in] (default 1). */
  inputScaling?: number;
  /** Bias scaling σ_b (default 0.2). */
  biasScaling?: number;
  /** One set of unit weights (W_Q, W_K, W_V, W_1, W_2) shared by all units (default false). */
  shared?: boolean;
  /** Scale of W_Q (default 1). */
  queryScale?: number;
  /** Scale of W_K (default 1). */
  keyScale?: number;
  /** Scale of W_V (default 1). */
  valueScale?: number;
  /** Scale of W_1 and W_2 (default 1). */
  ffScale?: number;
}

const KEYS = [
  'inputDim',
  'seed',
  'includeInput',
  'units',
  'width',
  'context',
  'heads',
  'temperature',
  'ffHidden',
  'activation',
  'connectivity',
  'spectralRadius',
  'leakRate',
  'inputScaling',
  'biasScaling',
  'shared',
  'queryScale',
  'keyScale',
  'valueScale',
  'ffScale',
  ...VARIANT_KEYS,
];

/** Fills defaults and checks every option. */
export function attentionReservoirOptions(options: AttentionReservoirOptions): Required<AttentionReservoirOptions> {
  const o = v.options('options', options);
  v.knownKeys('options', o, KEYS);
  const width = v.integer('width', o.width ?? 16, 1, 4096);
  const heads = v.integer('heads', o.heads ?? 1, 1, width);
  if (width % heads !== 0) invalidArg('heads', `a divisor of width (${width})`, heads);
  return {
    inputDim: v.integer('inputDim', o.inputDim, 0, 1 << 20),
    seed: v.integer('seed', o.seed ?? 0, 0),
    includeInput: v.boolean('includeInput', o.includeInput ?? true),
    units: v.integer('units', o.units ?? 32, 1, 1 << 16),
    width,
    context: v.integer('context', o.context ?? 16, 1, 4096),
    heads,
    temperature: v.number('temperature', o.temperature ?? 1, 0, 1e6, { min: true }),
    ffHidden: v.integer('ffHidden', o.ffHidden ?? 32, 0, 1 << 16),
    activation: v.oneOf('activation', o.activation ?? 'relu', ['relu', 'gelu'] as const),
    connectivity: v.number('connectivity', o.connectivity ?? 0.2, 0, 1),
    spectralRadius: v.number('spectralRadius', o.spectralRadius ?? 0.9, 0, 100),
    leakRate: v.number('leakRate', o.leakRate ?? 0.5, 0, 1, { min: true }),
    inputScaling: v.number('inputScaling', o.inputScaling ?? 1, 0, 1e6),
    biasScaling: v.number('biasScaling', o.biasScaling ?? 0.2, 0, 1e6),
    shared: v.boolean('shared', o.shared ?? false),
    queryScale: v.number('queryScale', o.queryScale ?? 1, 0, 1e6),
    keyScale: v.number('keyScale', o.keyScale ?? 1, 0, 1e6),
    valueScale: v.number('valueScale', o.valueScale ?? 1, 0, 1e6),
    ffScale: v.number('ffScale', o.ffScale ?? 1, 0, 1e6),
    ...attentionVariantOptions(o),
  };
}

/** RAN-A: a reservoir of attention-block units. */
export class AttentionReservoir extends Reservoir<AttentionReservoirOptions> {
  readonly kind = 'ran-a';

  constructor(options: AttentionReservoirOptions) {
    const o = attentionReservoirOptions(options);
    {
      const m = o.units,
        d = o.width,
        n = m * d,
        copies = o.shared ? 1 : m;
      const nnz = o.connectivity * m * m * d * d;
      checkWeightBytes(
        'AttentionReservoir',
        8 * m * m +
          8 * nnz +
          csrBytes(n, nnz) +
          4 * n * (o.inputDim + 1) +
          4 * copies * (3 * d * d + 2 * o.ffHidden * d),
      );
    }
    // Draw order: recurrent blocks, W_in, b, then the unit weights.
    const rng = new Random(o.seed);
    const key = `ran-a|${o.seed}|${o.units}|${o.width}|${o.connectivity}`;
    const { w, r0 } = drawRecurrent(
      rng,
      key,
      () => blockSparse(rng, o.units, o.width, () => o.connectivity, 'normal'),
      o.spectralRadius,
    );
    const n = o.units * o.width;
    const wIn = uniformMatrix(rng, n, o.inputDim, o.inputScaling);
    const bias = uniformMatrix(rng, n, 1, o.biasScaling);
    const pop = {
      ...attentionPopulation(rng, o, 0),
      ...attentionVariantFields(o, variantSeed(o.seed), wIn, o.inputDim, 0),
    };
    super(o, { inputDim: o.inputDim, n, populations: [pop], w, wIn, bias });
    this.radiusBeforeScaling = r0;
  }
}
