/**
 * RAN-C (architecture.md): attention units ("cortex", no feed-forward) and key–value memory
 * units ("hippocampus") wired by one block-sparse graph rescaled to spectral radius ρ.
 */
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { Random } from '../random';
import { toTensor3, type TensorLike } from '../tensor';
import * as v from '../validate';
import { Reservoir, type CommonOptions } from './reservoir';
import {
  VARIANT_KEYS,
  attentionPopulation,
  attentionVariantFields,
  attentionVariantOptions,
  memoryPopulation,
  variantSeed,
  type AttentionVariantOptions,
} from './units';
import { checkWeightBytes, csrBytes } from './limits';
import { drawRecurrent } from './recurrentCache';
import { blockSparse, uniformMatrix } from './weights';

/** Connectivity per pair of populations: `attentionToMemory` is the fraction of attention units each memory unit receives from, etc. */
export interface PopulationConnectivity {
  attentionToAttention: number;
  attentionToMemory: number;
  memoryToAttention: number;
  memoryToMemory: number;
}

/**
 * Options of RAN-C. Names follow architecture.md; the variants are `AttentionVariantOptions`
 * (of the attention units; `readoutState` applies to the memory units too).
 */
export interface DecomposedReservoirOptions extends CommonOptions, AttentionVariantOptions {
  /** Attention units M_a (default 32). */
  attentionUnits?: number;
  /** Memory units M_f (default 32). */
  memoryUnits?: number;
  /** Unit width d, shared by both kinds (default 16). */
  width?: number;
  /** Context length k of the attention units (default 8). */
  context?: number;
  /** Attention heads (default 1). */
  heads?: number;
  /** Attention softmax temperature (default 1). */
  temperature?: number;
  /** Keys and values per memory unit P (default 32). */
  slots?: number;
  /** Memory retrieval φ: ReLU of the scores or a softmax over the P keys (default "softmax"). */
  retrieval?: 'relu' | 'softmax';
  /** Memory temperature: scores are κ·z / temperature (default 1). */
  memoryTemperature?: number;
  /** "random" keys (default) or "data": drive vectors sampled by `fitKeys` from training inputs. */
  keys?: 'random' | 'data';
  /**
   * "random" memory values (default) or "data" (needs `keys: "data"`): each value is its own
   * stored key, scaled like the random values, so that a retrieved episode returns its content
   * rather than a random vector.
   */
  values?: 'random' | 'data';
  /** Connectivity, one number for all pairs or one per pair of populations (default 0.2). */
  connectivity?: number | PopulationConnectivity;
  /** Spectral radius ρ of the whole recurrent matrix (default 0.9). */
  spectralRadius?: number;
  /** Leak rate, one for both populations or one each (default 0.5). */
  leakRate?: number | { attention: number; memory: number };
  /** Input scaling σ_in (default 1). */
  inputScaling?: number;
  /** Bias scaling σ_b (default 0.2). */
  biasScaling?: number;
  /** Fraction of memory units that also receive the input (default 0). */
  memoryInputFraction?: number;
  /** Unit weights shared within each population (default false). */
  shared?: boolean;
  /** Scale of W_V of the attention units (default 1): the attention read-out's share of the drive. */
  valueScale?: number;
  /** Scale of the memory values (default 1). */
  memoryValueScale?: number;
}

const KEYS = [
  'inputDim',
  'seed',
  'includeInput',
  'attentionUnits',
  'memoryUnits',
  'width',
  'context',
  'heads',
  'temperature',
  'slots',
  'retrieval',
  'memoryTemperature',
  'keys',
  'values',
  'connectivity',
  'spectralRadius',
  'leakRate',
  'inputScaling',
  'biasScaling',
  'memoryInputFraction',
  'shared',
  'valueScale',
  'memoryValueScale',
  ...VARIANT_KEYS,
];

/** Fills defaults and checks every option. */
export function decomposedReservoirOptions(options: DecomposedReservoirOptions): Required<DecomposedReservoirOptions> {
  const o = v.options('options', options);
  v.knownKeys('options', o, KEYS);
  const width = v.integer('width', o.width ?? 16, 1, 4096);
  const heads = v.integer('heads', o.heads ?? 1, 1, width);
  if (width % heads !== 0) invalidArg('heads', `a divisor of width (${width})`, heads);
  const c = o.connectivity ?? 0.2;
  let connectivity: number | PopulationConnectivity;
  if (typeof c === 'number') {
    connectivity = v.number('connectivity', c, 0, 1);
  } else {
    if (c === null || typeof c !== 'object')
      invalidArg('connectivity', 'a number or an object per pair of populations', c);
    connectivity = {
      attentionToAttention: v.number('connectivity.attentionToAttention', c.attentionToAttention, 0, 1),
      attentionToMemory: v.number('connectivity.attentionToMemory', c.attentionToMemory, 0, 1),
      memoryToAttention: v.number('connectivity.memoryToAttention', c.memoryToAttention, 0, 1),
      memoryToMemory: v.number('connectivity.memoryToMemory', c.memoryToMemory, 0, 1),
    };
  }
  const l = o.leakRate ?? 0.5;
  let leakRate: number | { attention: number; memory: number };
  if (typeof l === 'number') {
    leakRate = v.number('leakRate', l, 0, 1, { min: true });
  } else {
    if (l === null || typeof l !== 'object') invalidArg('leakRate', 'a number or { attention, memory }', l);
    leakRate = {
      attention: v.number('leakRate.attention', l.attention, 0, 1, { min: true }),
      memory: v.number('leakRate.memory', l.memory, 0, 1, { min: true }),
    };
  }
  return {
    inputDim: v.integer('inputDim', o.inputDim, 0, 1 << 20),
    seed: v.integer('seed', o.seed ?? 0, 0),
    includeInput: v.boolean('includeInput', o.includeInput ?? true),
    attentionUnits: v.integer('attentionUnits', o.attentionUnits ?? 32, 1, 1 << 16),
    memoryUnits: v.integer('memoryUnits', o.memoryUnits ?? 32, 1, 1 << 16),
    width,
    context: v.integer('context', o.context ?? 8, 1, 4096),
    heads,
    temperature: v.number('temperature', o.temperature ?? 1, 0, 1e6, { min: true }),
    slots: v.integer('slots', o.slots ?? 32, 1, 1 << 16),
    retrieval: v.oneOf('retrieval', o.retrieval ?? 'softmax', ['relu', 'softmax'] as const),
    memoryTemperature: v.number('memoryTemperature', o.memoryTemperature ?? 1, 0, 1e6, { min: true }),
    keys: v.oneOf('keys', o.keys ?? 'random', ['random', 'data'] as const),
    values: v.oneOf('values', o.values ?? 'random', ['random', 'data'] as const),
    connectivity,
    spectralRadius: v.number('spectralRadius', o.spectralRadius ?? 0.9, 0, 100),
    leakRate,
    inputScaling: v.number('inputScaling', o.inputScaling ?? 1, 0, 1e6),
    biasScaling: v.number('biasScaling', o.biasScaling ?? 0.2, 0, 1e6),
    memoryInputFraction: v.number('memoryInputFraction', o.memoryInputFraction ?? 0, 0, 1),
    shared: v.boolean('shared', o.shared ?? false),
    valueScale: v.number('valueScale', o.valueScale ?? 1, 0, 1e6),
    memoryValueScale: v.number('memoryValueScale', o.memoryValueScale ?? 1, 0, 1e6),
    ...attentionVariantOptions(o),
  };
}

function checkValuesOption(o: Required<DecomposedReservoirOptions>): void {
  if (o.values === 'data' && o.keys !== 'data')
    invalidArg('values', '"random" unless keys is "data" (data values are the stored keys)', o.values);
}

/** RAN-C: attention units and key–value memory units in one reservoir. */
export class DecomposedReservoir extends Reservoir<DecomposedReservoirOptions> {
  readonly kind = 'ran-c';
  private keysFitted = false;

  constructor(options: DecomposedReservoirOptions) {
    const o = decomposedReservoirOptions(options);
    checkValuesOption(o);
    {
      const m = o.attentionUnits + o.memoryUnits,
        d = o.width,
        n = m * d;
      const c = o.connectivity;
      const cs =
        typeof c === 'number'
          ? [c]
          : [c.attentionToAttention, c.attentionToMemory, c.memoryToAttention, c.memoryToMemory];
      const nnz = Math.max(...cs) * m * m * d * d;
      const ca = o.shared ? 1 : o.attentionUnits,
        cm = o.shared ? 1 : o.memoryUnits;
      checkWeightBytes(
        'DecomposedReservoir',
        8 * m * m +
          8 * nnz +
          csrBytes(n, nnz) +
          4 * n * (o.inputDim + 1) +
          4 * ca * 3 * d * d +
          4 * cm * 2 * o.slots * d,
      );
    }
    // Draw order: recurrent blocks, W_in, b, memory units receiving input, attention unit weights, memory unit weights.
    const rng = new Random(o.seed);
    const ma = o.attentionUnits;
    const mf = o.memoryUnits;
    const d = o.width;
    const c: PopulationConnectivity =
      typeof o.connectivity === 'number'
        ? {
            attentionToAttention: o.connectivity,
            attentionToMemory: o.connectivity,
            memoryToAttention: o.connectivity,
            memoryToMemory: o.connectivity,
          }
        : o.connectivity;
    // Unit m receives from unit j: "attention→memory" is a memory unit m receiving from an attention unit j.
    const key = `ran-c|${o.seed}|${ma}|${mf}|${d}|${c.attentionToAttention}|${c.attentionToMemory}|${c.memoryToAttention}|${c.memoryToMemory}`;
    const { w, r0 } = drawRecurrent(
      rng,
      key,
      () =>
        blockSparse(
          rng,
          ma + mf,
          d,
          (m, j) => {
            const toMemory = m >= ma;
            const fromMemory = j >= ma;
            if (!toMemory) return fromMemory ? c.memoryToAttention : c.attentionToAttention;
            return fromMemory ? c.memoryToMemory : c.attentionToMemory;
          },
          'normal',
        ),
      o.spectralRadius,
    );
    const n = (ma + mf) * d;
    const wIn = uniformMatrix(rng, n, o.inputDim, o.inputScaling);
    const bias = uniformMatrix(rng, n, 1, o.biasScaling);
    const receives = Array.from({ length: mf }, () => rng.uniform() < o.memoryInputFraction);
    for (let m = 0; m < mf; m++) {
      if (receives[m]) continue;
      wIn.fill(0, (ma + m) * d * o.inputDim, (ma + m + 1) * d * o.inputDim);
    }
    const leakA = typeof o.leakRate === 'number' ? o.leakRate : o.leakRate.attention;
    const leakM = typeof o.leakRate === 'number' ? o.leakRate : o.leakRate.memory;
    const att = attentionPopulation(
      rng,
      {
        units: ma,
        width: d,
        context: o.context,
        heads: o.heads,
        temperature: o.temperature,
        ffHidden: 0,
        activation: 'relu',
        shared: o.shared,
        leakRate: leakA,
        queryScale: 1,
        keyScale: 1,
        valueScale: o.valueScale,
        ffScale: 1,
        tiedKeys: o.tiedKeys,
      },
      0,
    );
    Object.assign(
      att,
      attentionVariantFields(
        { ...o, units: ma, heads: o.heads, context: o.context, width: d, shared: o.shared },
        variantSeed(o.seed),
        wIn,
        o.inputDim,
        0,
      ),
    );
    const mem = memoryPopulation(
      rng,
      {
        units: mf,
        width: d,
        slots: o.slots,
        retrieval: o.retrieval,
        temperature: o.memoryTemperature,
        shared: o.shared,
        leakRate: leakM,
        valueScale: o.memoryValueScale,
      },
      ma * d,
    );
    if (o.readoutState !== 'y') mem.readoutState = o.readoutState;
    super(o, { inputDim: o.inputDim, n, populations: [att, mem], w, wIn, bias });
    this.radiusBeforeScaling = r0;
  }

  /** True once `fitKeys` has stored drive vectors as keys (only with `keys: "data"`). */
  get hasDataKeys(): boolean {
    return this.keysFitted;
  }

  /**
   * `keys: "data"`: runs the training inputs once and stores, for each memory unit, P drive
   * vectors z sampled at random (sequence, step) pairs, normalised to unit length, as its keys
   * (one-shot storage of episodes). Deterministic from the seed.
   */
  fitKeys(input: TensorLike, options: { threads?: number } = {}): void {
    const x = toTensor3('x', input);
    if (this.options.keys !== 'data') {
      throw new RanError(ErrorCodes.STATE, 'fitKeys() needs the option keys: "data"');
    }
    const spec = this.describe();
    const mem = spec.populations[1]!;
    const d = mem.width;
    const slots = mem.slots!;
    const { drives } = this.network.run(v.tensor3('x', x, spec.inputDim).data, x.shape[0], x.shape[1], {
      drives: true,
      threads: options.threads ?? 1,
    });
    this.network.reset();
    const [b, t] = x.shape;
    const rng = new Random(this.options.seed + 0x5eed);
    const copies = mem.shared ? 1 : mem.units;
    const keys = new Float32Array(copies * slots * d);
    for (let u = 0; u < copies; u++) {
      for (let p = 0; p < slots; p++) {
        const row = rng.integer(b * t);
        const base = row * spec.n + mem.offset + u * d;
        let norm = 0;
        for (let j = 0; j < d; j++) norm += (drives![base + j] as number) ** 2;
        const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let j = 0; j < d; j++) keys[(u * slots + p) * d + j] = (drives![base + j] as number) * s;
      }
    }
    this.rebuild({
      ...spec,
      populations: spec.populations.map((p, i) => (i === 1 ? { ...p, keys, ...this.dataValues(keys) } : p)),
    });
    this.keysFitted = true;
  }

  /** `values: "data"`: the values are the keys, scaled like the random values (`memoryPopulation`). */
  private dataValues(keys: Float32Array): { values?: Float32Array } {
    if (this.options.values !== 'data') return {};
    const d = this.options.width;
    const s =
      this.options.memoryValueScale *
      (this.options.retrieval === 'relu' ? Math.sqrt(d / this.options.slots) : Math.sqrt(d));
    return { values: keys.map((k) => k * s) };
  }

  /**
   * `keys: "data"`: replaces the memory keys by saved ones (e.g. from a model file), laid out
   * like `describe().populations[1].keys`: [copies × slots × width], copies = 1 if `shared`
   * else the memory units. The array is copied; the state is reset.
   */
  setMemoryKeys(keys: Float32Array): void {
    if (this.options.keys !== 'data') {
      throw new RanError(ErrorCodes.STATE, 'setMemoryKeys() needs the option keys: "data"');
    }
    if (!v.isTypedArray(keys, 'Float32Array')) invalidArg('keys', 'a Float32Array', keys);
    const spec = this.describe();
    const mem = spec.populations[1]!;
    const expected = mem.keys!.length;
    if (keys.length !== expected) {
      throw new RanError(
        ErrorCodes.SHAPE,
        `\`keys\` must hold ${expected} values (${mem.shared ? 1 : mem.units} × ${mem.slots} × ${mem.width}), got ${keys.length}`,
      );
    }
    for (let i = 0; i < keys.length; i++) {
      if (!Number.isFinite(keys[i]!))
        throw new RanError(ErrorCodes.NOT_FINITE, `\`keys\` holds ${keys[i]} at index ${i}`);
    }
    const populations = spec.populations.map((p, i) =>
      i === 1 ? { ...p, keys: keys.slice(), ...this.dataValues(keys) } : p,
    );
    this.rebuild({ ...spec, populations });
    this.keysFitted = true;
  }
}
