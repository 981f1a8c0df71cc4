/**
 * The classic echo state network (architecture.md, "ESN"), the baseline of every result:
 * x(t) = (1 − α) x(t−1) + α tanh(W_in u(t) + W x(t−1) + b).
 */
import { Random } from '../random';
import * as v from '../validate';
import { Reservoir, type CommonOptions } from './reservoir';
import { checkWeightBytes, csrBytes } from './limits';
import { drawRecurrent } from './recurrentCache';
import { sparseSquare, uniformMatrix, type Distribution } from './weights';

/** Options of an ESN. Names follow architecture.md. */
export interface ESNOptions extends CommonOptions {
  /** Number of tanh units N (default 500). */
  units?: number;
  /** Spectral radius ρ of W (default 0.9). */
  spectralRadius?: number;
  /** Leak rate α in (0, 1] (default 0.3). */
  leakRate?: number;
  /** Input scaling σ_in: W_in uniform in [−σ_in, σ_in] (default 1). */
  inputScaling?: number;
  /** Bias scaling σ_b: b uniform in [−σ_b, σ_b] (default 0.2). */
  biasScaling?: number;
  /** Fraction c of non-zero recurrent links (default 0.1). */
  connectivity?: number;
  /** Distribution of the non-zero entries of W before rescaling (default "uniform"). */
  distribution?: Distribution;
}

const KEYS = [
  'inputDim',
  'seed',
  'includeInput',
  'units',
  'spectralRadius',
  'leakRate',
  'inputScaling',
  'biasScaling',
  'connectivity',
  'distribution',
];

/** Fills defaults and checks every option. */
export function esnOptions(options: ESNOptions): Required<ESNOptions> {
  const o = v.options('options', options);
  v.knownKeys('options', o, KEYS);
  return {
    inputDim: v.integer('inputDim', o.inputDim, 0, 1 << 20),
    seed: v.integer('seed', o.seed ?? 0, 0),
    includeInput: v.boolean('includeInput', o.includeInput ?? true),
    units: v.integer('units', o.units ?? 500, 1, 1 << 20),
    spectralRadius: v.number('spectralRadius', o.spectralRadius ?? 0.9, 0, 100),
    leakRate: v.number('leakRate', o.leakRate ?? 0.3, 0, 1, { min: true }),
    inputScaling: v.number('inputScaling', o.inputScaling ?? 1, 0, 1e6),
    biasScaling: v.number('biasScaling', o.biasScaling ?? 0.2, 0, 1e6),
    connectivity: v.number('connectivity', o.connectivity ?? 0.1, 0, 1),
    distribution: v.oneOf('distribution', o.distribution ?? 'uniform', ['uniform', 'normal'] as const),
  };
}

/** An echo state network of tanh units with a native, batched state update. */
export class ESN extends Reservoir<ESNOptions> {
  readonly kind = 'esn';

  constructor(options: ESNOptions) {
    const o = esnOptions(options);
    const n = o.units;
    checkWeightBytes('ESN', csrBytes(n, o.connectivity * n * n) + 4 * n * (o.inputDim + 1));
    // Draw order (part of the reproducibility contract): W row by row, then W_in, then b.
    const rng = new Random(o.seed);
    const key = `esn|${o.seed}|${o.units}|${o.connectivity}|${o.distribution}`;
    const { w, r0 } = drawRecurrent(
      rng,
      key,
      () => sparseSquare(rng, o.units, o.connectivity, o.distribution),
      o.spectralRadius,
    );
    const wIn = uniformMatrix(rng, o.units, o.inputDim, o.inputScaling);
    const bias = uniformMatrix(rng, o.units, 1, o.biasScaling);
    super(o, {
      inputDim: o.inputDim,
      n: o.units,
      populations: [{ kind: 'tanh', units: o.units, width: 1, offset: 0, leakRate: o.leakRate }],
      w,
      wIn,
      bias,
    });
    this.radiusBeforeScaling = r0;
  }
}
