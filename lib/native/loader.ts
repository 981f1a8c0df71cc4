/**
 * Loads the native addon once per process (prebuilt binary for this CPU, or a local build)
 * and hands it the JavaScript error class its errors are made of.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ErrorCodes, RanError } from '../errors';
import type { NativeBinding } from './binding';
import { CPU_ENV, CPU_VARIANT_ENV, cpuFlags, cpuVariant, cpuVariantShortName, detectCpuVariant, forcedCpuVariant, missingCpuFlags, type CpuVariant } from './cpu';

let cached: NativeBinding | undefined;

/** The package root: this file is lib/native/loader.ts (tests) or dist/native/loader.js (package). */
const packageRoot = path.resolve(__dirname, '..', '..');

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
       
      const binding = require(file) as NativeBinding;
      // The addon's errors are RanErrors (it keeps the class per environment, as
      // better-sqlite3 keeps SqliteError); a binary without the hook is not this version's.
      binding.setErrorClass(RanError);
      return binding;
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
