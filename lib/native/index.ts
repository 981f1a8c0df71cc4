/**
 * The native addon: its loader (loader.ts), CPU detection (cpu.ts), the types of what it
 * exports (binding.ts), and the few typed functions users need of it.
 */
import { native } from './loader';
import type { NativeBuildInfo } from './binding';
import * as v from '../validate';

export * from './binding';
export { BINARY_ENV, forcedPrebuildFile, native } from './loader';
export { CPU_ENV, CPU_VARIANT_ENV, cpuFlags, cpuVariant, cpuVariantShortName, detectCpuVariant, forcedCpuVariant, missingCpuFlags, type CpuVariant } from './cpu';

/** Which native binary is loaded: its CPU level, SIMD width, Eigen version and the machine's threads. */
export function buildInfo(): NativeBuildInfo {
  return native().buildInfo();
}

/** The most bytes one native call may allocate (default 4 GiB); calls above it throw ERR_RAN_TOO_LARGE. */
export function memoryLimit(): number {
  return native().memoryLimit();
}

/** Sets the most bytes one native call may allocate (default 4 GiB). */
export function setMemoryLimit(bytes: number): void {
  native().setMemoryLimit(v.number('bytes', bytes, 0, Number.MAX_VALUE, { min: true }));
}
