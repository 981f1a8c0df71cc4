/**
 * The one module that loads the native addon, and the private typed description of what
 * it exports. The public API is the classes in `reservoirs/` and `readout/`, not this.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCodes, RanError, describe } from './errors';

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
  /** Outputs [ridges][query rows][outputs] of a row collector's rows for every λ, from one eigendecomposition. */
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

/** Everything the addon exports. */
export interface NativeBinding {
  Network: new (spec: NativeNetworkSpec) => NativeNetwork;
  RidgeStats: new (features: number, outputs: number, options?: { rowsOnly?: boolean }) => NativeRidgeStats;
  spectralRadius(matrix: NativeMatrix, options?: { tolerance?: number; denseLimit?: number }): number;
  setMemoryLimit(bytes: number): void;
  buildInfo(): { variant: string; eigen: string; simd: string; hardwareThreads: number };
  /**
   * GFLOP/s (2n³ per product, median time) of an n×n matrix product through this addon's own
   * Eigen build: the machine ceiling the benchmarks report fractions of peak against. Blocks
   * the calling thread for about `minSeconds`.
   */
  gemmCeiling(options: NativeGemmCeilingOptions): number;
}

let cached: NativeBinding | undefined;

/** The package root: this file is lib/native.ts (tests) or dist/native.js (package). */
const packageRoot = path.resolve(__dirname, '..');

/** Environment variable naming one `.node` file to load instead of searching. */
export const BINARY_ENV = 'RECURRENT_ATTENTION_BINARY';

/** The parts of node-gyp-build 4.8 used here (its prebuild tag matching, exported by it). */
interface NodeGypBuild {
  (dir: string): unknown;
  path(dir: string): string;
  parseTuple?: (name: string) => { name: string; platform: string; architectures: string[] } | undefined;
  matchTuple?: (platform: string, arch: string) => (tuple: unknown) => boolean;
  compareTuples?: (a: { architectures: string[] }, b: { architectures: string[] }) => number;
  parseTags?: (file: string) => { file: string } | undefined;
  matchTags?: (runtime: string, abi: string) => (tags: unknown) => boolean;
  compareTags?: (runtime: string) => (a: { file: string }, b: { file: string }) => number;
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The prebuilt binary node-gyp-build would pick in `<root>/prebuilds/` (platform/arch tuple,
 * then the most specific matching tags: napi, glibc/musl, ...), without looking at
 * `build/` first as `require('node-gyp-build').path` does. Uses node-gyp-build's own matching
 * functions so the file-name rules cannot drift from scripts/prebuild.sh.
 */
function findPrebuild(ngb: NodeGypBuild, root: string): { dir: string; file?: string } {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  const { parseTuple, matchTuple, compareTuples, parseTags, matchTags, compareTags } = ngb;
  if (!parseTuple || !matchTuple || !compareTuples || !parseTags || !matchTags || !compareTags) {
    // A node-gyp-build without the helpers: only its own order (local build first) remains.
    try {
      const file = ngb.path(root);
      return { dir, file: file.startsWith(path.join(root, 'prebuilds') + path.sep) ? file : undefined };
    } catch {
      return { dir };
    }
  }
  const tuples = readdir(path.join(root, 'prebuilds'))
    .map(parseTuple)
    .filter((t): t is NonNullable<typeof t> => matchTuple(process.platform, process.arch)(t))
    .sort(compareTuples);
  const tuple = tuples[0];
  if (!tuple) return { dir };
  const tupleDir = path.join(root, 'prebuilds', tuple.name);
  const runtime = process.versions.electron ? 'electron' : 'node';
  const winner = readdir(tupleDir)
    .map(parseTags)
    .filter((t): t is NonNullable<typeof t> => matchTags(runtime, process.versions.modules)(t))
    .sort(compareTags(runtime))[0];
  return { dir: tupleDir, file: winner ? path.join(tupleDir, winner.file) : undefined };
}

/**
 * The `-march` levels the prebuilt binaries are built for: the x86-64 levels, baseline first,
 * and the one arm64 build (`armv8-a`, the baseline of that architecture).
 */
export type CpuVariant = 'x86-64-v2' | 'x86-64-v3' | 'x86-64-v4' | 'armv8-a';

/** Environment variable forcing a CPU variant of the prebuilt binary: baseline, v3 or v4. */
export const CPU_ENV = 'RAN_CPU';

/** The older name of RAN_CPU, still read; it takes the same values as RAN_CPU. */
export const CPU_VARIANT_ENV = 'RAN_CPU_VARIANT';

// Both spellings are accepted by both variables, so that the older RAN_CPU_VARIANT values keep working.
const VARIANT_NAMES: Readonly<Record<string, CpuVariant>> = {
  baseline: 'x86-64-v2',
  v3: 'x86-64-v3',
  v4: 'x86-64-v4',
  'x86-64-v2': 'x86-64-v2',
  'x86-64-v3': 'x86-64-v3',
  'x86-64-v4': 'x86-64-v4',
};
const ALLOWED = 'baseline, v3 or v4 (or the long names x86-64-v2, x86-64-v3, x86-64-v4)';

const V3_FLAGS = ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'];
const V4_FLAGS = ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];

/** The short name of a variant, as RAN_CPU spells it. */
export function cpuVariantShortName(variant: CpuVariant): 'baseline' | 'v3' | 'v4' {
  return variant === 'x86-64-v2' || variant === 'armv8-a' ? 'baseline' : variant === 'x86-64-v3' ? 'v3' : 'v4';
}

/**
 * The variant forced by RAN_CPU (or its alias RAN_CPU_VARIANT), or undefined when neither is
 * set. An empty value counts as unset. Throws ERR_RAN_INVALID_ARG for an unknown value or when
 * the two variables name different variants: a typo must not silently load another binary.
 */
export function forcedCpuVariant(env: Readonly<Record<string, string | undefined>> = process.env): CpuVariant | undefined {
  const read = (name: string): CpuVariant | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const v = VARIANT_NAMES[raw.trim().toLowerCase()];
    if (!v) {
      throw new RanError(ErrorCodes.INVALID_ARG, `environment variable \`${name}\` must be ${ALLOWED}, got ${describe(raw)}`);
    }
    return v;
  };
  const short = read(CPU_ENV);
  const long = read(CPU_VARIANT_ENV);
  if (short && long && short !== long) {
    throw new RanError(
      ErrorCodes.INVALID_ARG,
      `environment variables \`${CPU_ENV}\` (${describe(env[CPU_ENV])}, ${short}) and \`${CPU_VARIANT_ENV}\` ` +
        `(${describe(env[CPU_VARIANT_ENV])}, ${long}) force different CPU variants; set only ${CPU_ENV}`,
    );
  }
  return short ?? long;
}

/** The CPU's feature flags from /proc/cpuinfo, or undefined where they cannot be read (not Linux x64). */
export function cpuFlags(): Set<string> | undefined {
  if (process.arch !== 'x64' || process.platform !== 'linux') return undefined;
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return undefined;
  }
}

/** The flags `variant` needs that `flags` lacks (empty: the CPU runs it). */
export function missingCpuFlags(variant: CpuVariant, flags: ReadonlySet<string>): string[] {
  const needed = cpuVariantShortName(variant) === 'baseline' ? [] : variant === 'x86-64-v3' ? V3_FLAGS : [...V3_FLAGS, ...V4_FLAGS];
  return needed.filter((f) => !flags.has(f));
}

/** The best level a CPU with these flags runs (x86-64-v2 when the flags are unknown). */
export function detectCpuVariant(flags: ReadonlySet<string> | undefined): CpuVariant {
  if (!flags || missingCpuFlags('x86-64-v3', flags).length > 0) return 'x86-64-v2';
  return missingCpuFlags('x86-64-v4', flags).length === 0 ? 'x86-64-v4' : 'x86-64-v3';
}

/**
 * The level whose prebuilt binary is loaded: the one forced by RAN_CPU (alias
 * RAN_CPU_VARIANT), else the best this CPU runs (from /proc/cpuinfo's flags on Linux x64;
 * `armv8-a` on arm64, which has one build). One instruction set per binary: Eigen objects
 * built for AVX-512 and for a generic target must never be mixed in one file.
 */
export function cpuVariant(): CpuVariant {
  const forced = forcedCpuVariant();
  // RAN_CPU=baseline names arm64's one build too.
  if (process.arch === 'arm64' && (forced === undefined || forced === 'x86-64-v2')) return 'armv8-a';
  return forced ?? detectCpuVariant(cpuFlags());
}

/** Which variable set the forced variant, for messages ("RAN_CPU=v4"). */
function forcedBy(): string {
  const name = process.env[CPU_ENV]?.trim() ? CPU_ENV : CPU_VARIANT_ENV;
  return `${name}=${process.env[name]?.trim() ?? ''}`;
}

/**
 * Loads the addon once, from the first of:
 *   1. the file named by RECURRENT_ATTENTION_BINARY, if set (nothing else is tried);
 *   2. `prebuilds/<platform>-<arch>/` (the binary shipped in the npm package), the file
 *      node-gyp-build's tag rules select — or its faster twin for this CPU in
 *      `prebuilds/<platform>-<arch>/cpu/<x86-64-v3|x86-64-v4>/` when present;
 *      with RAN_CPU (or RAN_CPU_VARIANT) set, exactly that variant's file and nothing else;
 *   3. a local build from source in `build/Release` (then `build/Debug`).
 * If none loads, throws ERR_RAN_NATIVE_LOAD listing every place looked at and why it failed.
 */
export function native(): NativeBinding {
  if (cached) return cached;
  const tried: string[] = [];
  const attempt = (file: string): NativeBinding | undefined => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return require(file) as NativeBinding;
    } catch (e) {
      tried.push(`${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      return undefined;
    }
  };

  // Checked first so that a typo in RAN_CPU is reported even when another rule decides.
  const forced = forcedCpuVariant();
  const override = process.env[BINARY_ENV];
  if (override) {
    cached = attempt(path.resolve(override));
    if (cached) return cached;
    throw loadError(tried, `${BINARY_ENV} is set, so nothing else was tried. Unset it to use the package's own binaries.`);
  }

  let ngb: NodeGypBuild | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    ngb = require('node-gyp-build') as NodeGypBuild;
  } catch (e) {
    tried.push(`node-gyp-build: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (forced) {
    if (!ngb) throw loadError(tried, `${forcedBy()} forces a prebuilt binary, and prebuilds/ cannot be searched without node-gyp-build.`);
    const file = forcedPrebuildFile(findPrebuild(ngb, packageRoot), forced, cpuFlags(), forcedBy());
    cached = attempt(file);
    if (cached) return cached;
    throw loadError(tried, `${forcedBy()} is set, so nothing else was tried. Unset it to load the best binary available.`);
  }
  if (ngb) {
    const prebuild = findPrebuild(ngb, packageRoot);
    const variant = cpuVariant();
    if (prebuild.file && variant !== 'x86-64-v2') {
      const fast = path.join(prebuild.dir, 'cpu', variant, path.basename(prebuild.file));
      if (fs.existsSync(fast)) cached = attempt(fast);
      if (cached) return cached;
    }
    if (prebuild.file) cached = attempt(prebuild.file);
    else tried.push(`${prebuild.dir}: no prebuilt binary for ${process.platform}-${process.arch}`);
    if (cached) return cached;
  }

  for (const config of ['Release', 'Debug']) {
    const dir = path.join(packageRoot, 'build', config);
    const file = readdir(dir).find((f) => f.endsWith('.node'));
    if (file) cached = attempt(path.join(dir, file));
    else if (config === 'Release') tried.push(`${dir}: no local build`);
    if (cached) return cached;
  }
  throw loadError(tried, 'Build from source with `npm run build:native` (needs cmake ≥ 3.15 and a C++17 compiler).');
}

/** The variants present in a prebuilds/<platform>-<arch>/ folder, by their RAN_CPU names. */
function availableVariants(prebuild: { dir: string; file?: string }): string[] {
  if (!prebuild.file) return [];
  const base = path.basename(prebuild.file);
  const levels: CpuVariant[] = ['x86-64-v3', 'x86-64-v4'];
  return ['baseline', ...levels.filter((l) => fs.existsSync(path.join(prebuild.dir, 'cpu', l, base))).map(cpuVariantShortName)];
}

/**
 * The prebuilt file of a forced variant: node-gyp-build's pick for the baseline, its twin in
 * `cpu/<level>/` for v3 and v4. A forced variant is that file and nothing else, as with
 * RECURRENT_ATTENTION_BINARY: falling back would silently measure or ship another build.
 * Throws ERR_RAN_NATIVE_LOAD when the file is missing, or when the CPU's flags are known and
 * lack the variant's instructions — such a binary loads, then kills the process with an
 * illegal instruction at its first kernel call, which no error handler can report.
 */
export function forcedPrebuildFile(prebuild: { dir: string; file?: string }, variant: CpuVariant, flags: ReadonlySet<string> | undefined, setting: string): string {
  if (flags) {
    const missing = missingCpuFlags(variant, flags);
    if (missing.length > 0) {
      throw new RanError(
        ErrorCodes.NATIVE_LOAD,
        `recurrent-attention: ${setting} forces the ${variant} binary, but this CPU lacks ${missing.join(', ')} (/proc/cpuinfo): ` +
          `it would die of an illegal instruction. This CPU runs ${cpuVariantShortName(detectCpuVariant(flags))}; unset ${CPU_ENV} to pick it automatically.`,
      );
    }
  }
  const available = availableVariants(prebuild);
  if (!prebuild.file) {
    throw new RanError(
      ErrorCodes.NATIVE_LOAD,
      `recurrent-attention: ${setting} forces a prebuilt binary, but ${prebuild.dir} holds none for ${process.platform}-${process.arch} ` +
        `(make them with \`npm run build:prebuilds\`). A local build in build/ is not used when a variant is forced: unset ${CPU_ENV}, or set ${BINARY_ENV}.`,
    );
  }
  const file = cpuVariantShortName(variant) === 'baseline' ? prebuild.file : path.join(prebuild.dir, 'cpu', variant, path.basename(prebuild.file));
  if (!fs.existsSync(file)) {
    throw new RanError(
      ErrorCodes.NATIVE_LOAD,
      `recurrent-attention: ${setting} forces the ${variant} binary, but ${file} does not exist ` +
        `(prebuilt variants here: ${available.join(', ')}). Pick one of those, or unset ${CPU_ENV} to load the best one this CPU runs.`,
    );
  }
  return file;
}

function loadError(tried: string[], hint: string): RanError {
  return new RanError(
    ErrorCodes.NATIVE_LOAD,
    `recurrent-attention: no native binary could be loaded for ${process.platform}-${process.arch} (Node ${process.versions.node}). ` +
      `Looked at: ${tried.join('; ')}. ${hint}`,
  );
}
