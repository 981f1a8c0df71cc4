/**
 * The types of what the native addon exports (native/addon/): the network spec it reads,
 * its run options and results, and its classes. Private API: lib/reservoirs and
 * lib/readout use them; users use the typed functions of lib/native/index.ts.
 */
import type { ErrorCode } from '../errors';

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
  /** Attention and memory units: what the readout reads, y (default), o or both. */
  readoutState?: 'y' | 'o' | 'both';
  scores?: 'dot' | 'cosine';
  sharpness?: number;
  relativeBias?: boolean;
  /** [units or 1][heads][context], added to the scores by age (with `relativeBias`). */
  positionBias?: Float32Array;
  slotContent?: 'drive' | 'input' | 'state';
  inputDim?: number;
  /** [units][width][inputDim]: W_in rows of the population (slotContent "input"). */
  wSlot?: Float32Array;
  gatedWrites?: boolean;
  writeThreshold?: number;
  /** [units][inputDim] (gatedWrites). */
  writeGate?: Float32Array;
}

/** A recurrent matrix: dense row-major, or CSR. */
export type NativeMatrix =
  | { n: number; dense: Float32Array }
  | { n: number; blockSize: number; blockRowPtr: Int32Array; blockCol: Int32Array; blockValues: Float32Array }
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
  /** Run from zeros on a state of the call's own (default false: continue the carried state). */
  reset?: boolean;
  /** An id for `cancel(id)`. */
  callId?: number;
  states?: boolean;
  drives?: boolean;
  includeInput?: boolean;
  includeBias?: boolean;
  threads?: number;
  readout?: Float64Array;
  readoutOutputs?: number;
  outputSelect?: 'all' | 'steps' | 'last';
  outputSteps?: Int32Array;
  outputStepsPerSequence?: number;
  stats?: NativeRidgeStats;
  targets?: Float32Array;
  select?: 'steps' | 'washout' | 'last';
  steps?: Int32Array;
  stepsPerSequence?: number;
  washout?: number;
  attentionPopulation?: number;
  attentionUnits?: Int32Array;
  /** Return `attentionStats` (per unit of every attention population). */
  attentionStats?: boolean;
}

/** What a native run returns (each field only when asked for). */
export interface NativeRunResult {
  states?: Float32Array;
  drives?: Float32Array;
  outputs?: Float32Array;
  attention?: Float32Array;
  attentionStats?: { relativeEntropy: Float64Array; newestWeight: Float64Array; meanLag: Float64Array };
}

/** Native composed network. */
export interface NativeNetwork {
  run(x: Float32Array, batch: number, steps: number, options?: NativeRunOptions): NativeRunResult;
  runAsync(x: Float32Array, batch: number, steps: number, options?: NativeRunOptions): Promise<NativeRunResult>;
  reset(): void;
  /** Cancels the calls in progress started with `callId` (all of them without an id). */
  cancel(callId?: number): void;
  dispose(): void;
  featureDim(includeInput: boolean, includeBias: boolean): number;
  readonly stepCount: number;
  readonly carriedBatch: number;
  readonly stateSize: number;
  /** True while any run is in progress. */
  readonly busy: boolean;
}

/** Native float64 normal equations. */
export interface NativeRidgeStats {
  readonly features: number;
  readonly outputs: number;
  readonly rows: number;
  /** `threads` (default 1) splits the work; the statistics are the same bits for any count. */
  addRows(x: Float64Array | Float32Array, y: Float64Array | Float32Array, options?: { threads?: number }): void;
  addRowsAsync(x: Float64Array | Float32Array, y: Float64Array | Float32Array, options?: { threads?: number }): Promise<void>;
  merge(other: NativeRidgeStats): void;
  reset(): void;
  export(): { xtx: Float64Array; xty: Float64Array; rows: number };
  import(saved: { xtx: Float64Array; xty: Float64Array; rows: number }): void;
  solve(ridge: number | Float64Array, options?: { skipSingular?: boolean }): Float64Array;
  solveAsync(ridge: number | Float64Array, options?: { skipSingular?: boolean }): Promise<Float64Array>;
  /** The rows held (a row collector's, or while there are no more rows than features). */
  keptRows(): { x: Float64Array; y: Float64Array };
  /** Outputs [ridges][query rows][outputs] of a row collector's rows for every λ, from one factorisation family. */
  predictSweep(queries: NativeRidgeStats, ridges: Float64Array, options?: { skipSingular?: boolean }): Float64Array;
  predictSweepAsync(queries: NativeRidgeStats, ridges: Float64Array, options?: { skipSingular?: boolean }): Promise<Float64Array>;
}

/** Options of `gemmCeiling`. */
export interface NativeGemmCeilingOptions {
  /** Element type of the product. */
  dtype: 'float32' | 'float64';
  /** Matrix size n of the n×n product (default 2048, at most 16384). */
  n?: number;
  /** Threads, each computing a block of C's columns (default 1). */
  threads?: number;
  /** Minimum seconds of timed repetitions (default 1; at least 3 repetitions after a warm-up). */
  minSeconds?: number;
}

/** What `buildInfo()` reports of the loaded binary. */
export interface NativeBuildInfo {
  /** The `-march` level it was built for ("native" for a build from source). */
  variant: string;
  /** The bundled Eigen version. */
  eigen: string;
  /** The widest vector instructions it uses: "avx512", "avx2", "sse2", "neon" or "none". */
  simd: string;
  /** Threads the machine runs at once. */
  hardwareThreads: number;
}

/** Everything the addon exports. */
export interface NativeBinding {
  Network: new (spec: NativeNetworkSpec) => NativeNetwork;
  RidgeStats: new (features: number, outputs: number, options?: { rowsOnly?: boolean }) => NativeRidgeStats;
  spectralRadius(matrix: NativeMatrix, options?: { tolerance?: number; denseLimit?: number }): number;
  /**
   * The CSR matrix of `sparseSquare` (reservoirs/weights.ts) with uniform entries, drawn from
   * the xoshiro128** `state` (lib/random.ts's four words), which it advances in place.
   */
  drawSparseUniform(state: Int32Array, n: number, c: number): { rowPtr: Int32Array; colIdx: Int32Array; values: Float32Array };
  /**
   * The next `out.length` normals of lib/random.ts's generator, drawn natively (the same bits):
   * `state` (its four words) and `spare` ([pending ? 1 : 0, value]) are updated in place;
   * `words` and `spares`, when given, record the state after each normal.
   */
  normals(state: Int32Array, spare: Float64Array, out: Float64Array, words?: Int32Array, spares?: Uint8Array): void;
  setMemoryLimit(bytes: number): void;
  memoryLimit(): number;
  /** Hands the addon the class its errors are made of: `new cls(code, message)`. */
  setErrorClass(cls: new (code: ErrorCode, message: string) => Error): void;
  buildInfo(): NativeBuildInfo;
  /** Sets the size of the compute thread pool when given; the size and the most threads that computed at once since the last call. */
  threadPool(size?: number): { size: number; peak: number };
  /**
   * GFLOP/s (2n³ per product, median time) of an n×n matrix product through this addon's own
   * Eigen build: the machine ceiling the benchmarks report fractions of peak against. Blocks
   * the calling thread for about `minSeconds`.
   */
  gemmCeiling(options: NativeGemmCeilingOptions): number;
  /** The kernels' exp, expm1, tanh or GELU (native/include/fast_math.h) of every value, for the accuracy tests. */
  fastMath(fn: 'exp' | 'expm1' | 'tanh' | 'gelu', x: Float32Array): Float32Array;
}
