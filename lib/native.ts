/**
 * The one module that loads the native addon, and the private typed description of what
 * it exports. The public API is the classes in `reservoirs/` and `readout/`, not this.
 */
import * as path from 'path';
import { ErrorCodes, RanError } from './errors';

/** A population of the composed network as the addon reads it (architecture.md). */
export interface NativePopulation {
  kind: 'tanh' | 'attention' | 'memory';
  units: number;
  width: number;
  offset: number;
  leakRate: number;
  shared?: boolean;
  temperature?: number;
  context?: number;
  heads?: number;
  ffHidden?: number;
  activation?: 'relu' | 'gelu';
  wQ?: Float32Array;
  wK?: Float32Array;
  wV?: Float32Array;
  w1?: Float32Array;
  w2?: Float32Array;
  slots?: number;
  retrieval?: 'relu' | 'softmax';
  keys?: Float32Array;
  values?: Float32Array;
}

/** A recurrent matrix: dense row-major, or CSR. */
export type NativeMatrix =
  | { n: number; dense: Float32Array }
  | { n: number; rowPtr: Int32Array; colIdx: Int32Array; values: Float32Array };

/** The full network description passed to `new Network(spec)`. */
export interface NativeNetworkSpec {
  inputDim: number;
  n: number;
  populations: NativePopulation[];
  w: NativeMatrix;
  wIn: Float32Array;
  bias: Float32Array;
}

/** Options of one native run. */
export interface NativeRunOptions {
  states?: boolean;
  drives?: boolean;
  includeInput?: boolean;
  includeBias?: boolean;
  threads?: number;
  readout?: Float64Array;
  readoutOutputs?: number;
  stats?: NativeRidgeStats;
  targets?: Float32Array;
  select?: 'steps' | 'washout' | 'last';
  steps?: Int32Array;
  stepsPerSequence?: number;
  washout?: number;
  attentionPopulation?: number;
  attentionUnits?: Int32Array;
}

/** What a native run returns (each field only when asked for). */
export interface NativeRunResult {
  states?: Float32Array;
  drives?: Float32Array;
  outputs?: Float32Array;
  attention?: Float32Array;
}

/** Native composed network. */
export interface NativeNetwork {
  run(x: Float32Array, batch: number, steps: number, options?: NativeRunOptions): NativeRunResult;
  runAsync(x: Float32Array, batch: number, steps: number, options?: NativeRunOptions): Promise<NativeRunResult>;
  reset(): void;
  cancel(): void;
  dispose(): void;
  featureDim(includeInput: boolean, includeBias: boolean): number;
  readonly stepCount: number;
  readonly carriedBatch: number;
  readonly stateSize: number;
  readonly busy: boolean;
}

/** Native float64 normal equations. */
export interface NativeRidgeStats {
  readonly features: number;
  readonly outputs: number;
  readonly rows: number;
  addRows(x: Float64Array | Float32Array, y: Float64Array | Float32Array): void;
  addRowsAsync(x: Float64Array | Float32Array, y: Float64Array | Float32Array): Promise<void>;
  merge(other: NativeRidgeStats): void;
  reset(): void;
  export(): { xtx: Float64Array; xty: Float64Array; rows: number };
  import(saved: { xtx: Float64Array; xty: Float64Array; rows: number }): void;
  solve(ridge: number | Float64Array, options?: { skipSingular?: boolean }): Float64Array;
  solveAsync(ridge: number | Float64Array, options?: { skipSingular?: boolean }): Promise<Float64Array>;
}

/** Everything the addon exports. */
export interface NativeBinding {
  Network: new (spec: NativeNetworkSpec) => NativeNetwork;
  RidgeStats: new (features: number, outputs: number) => NativeRidgeStats;
  spectralRadius(matrix: NativeMatrix, options?: { tolerance?: number; denseLimit?: number }): number;
  setMemoryLimit(bytes: number): void;
  buildInfo(): { variant: string; eigen: string; simd: string; hardwareThreads: number };
}

let cached: NativeBinding | undefined;

/** The package root: this file is lib/native.ts (tests) or dist/native.js (package). */
const packageRoot = path.resolve(__dirname, '..');

/**
 * Loads the addon once: `prebuilds/<platform>-<arch>/` first, then a local build in
 * `build/Release`, both found by node-gyp-build.
 */
export function native(): NativeBinding {
  if (cached) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const load = require('node-gyp-build') as (dir: string) => unknown;
    cached = load(packageRoot) as NativeBinding;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new RanError(
      ErrorCodes.NATIVE_LOAD,
      `recurrent-attention: no native binary could be loaded for ${process.platform}-${process.arch} (Node ${process.versions.node}). ` +
        `Looked in ${path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`)} and ${path.join(packageRoot, 'build', 'Release')}. ` +
        `Build from source with \`npm run build:native\` (needs cmake ≥ 3.15 and a C++17 compiler). Cause: ${reason}`,
    );
  }
  return cached;
}
