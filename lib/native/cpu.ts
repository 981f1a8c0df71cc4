/**
 * CPU detection: which x86-64 level of the prebuilt binary this CPU runs (from
 * /proc/cpuinfo's flags), or which one RAN_CPU forces.
 */
import * as fs from 'fs';
import { ErrorCodes, RanError, describe } from '../errors';

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
