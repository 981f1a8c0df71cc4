/**
 * Bounds on lengths, counts and allocations of the data generators (tasks, datasets, Random):
 * a length is an integer in [min, MAX_COUNT], and a call that would allocate more than the
 * memory limit (`setMemoryLimit(bytes)`, 4 GiB by default) throws
 * ERR_RAN_TOO_LARGE before allocating, instead of running for minutes or exhausting memory.
 */
import { ErrorCodes, RanError, invalidArg } from './errors';
import { memoryLimit } from './reservoirs/limits';

/** Largest length or count any generator accepts (2^31 − 1, the largest typed-array index everywhere). */
export const MAX_COUNT = 2 ** 31 - 1;

/** An integer length or count in [min, max]; throws ERR_RAN_INVALID_ARG naming it otherwise. */
export function count(name: string, value: unknown, min: number, max = MAX_COUNT): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidArg(name, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** Throws ERR_RAN_TOO_LARGE when `bytes` exceed the memory limit (NaN counts as too large). */
export function checkBytes(what: string, bytes: number): void {
  const limit = memoryLimit();
  if (!(bytes <= limit)) {
    throw new RanError(
      ErrorCodes.TOO_LARGE,
      `${what} would need about ${(bytes / 1e9).toFixed(3)} GB, above the memory limit of ${(limit / 1e9).toFixed(3)} GB; ` +
        'ask for less, or raise setMemoryLimit(bytes)',
    );
  }
}

/** A plain object (options or parameters); throws ERR_RAN_INVALID_ARG otherwise. */
export function record<T extends object>(name: string, value: unknown, expected = 'an object'): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalidArg(name, expected, value);
  return value as T;
}

/** Most elementary steps (integration steps, recurrence terms) one generator call may take: 2^28. */
export const MAX_STEPS = 2 ** 28;

/** Throws ERR_RAN_INVALID_ARG when a call would take more than {@link MAX_STEPS} steps (`what` names the product). */
export function checkSteps(what: string, steps: number): void {
  if (!(steps <= MAX_STEPS)) {
    throw new RanError(
      ErrorCodes.INVALID_ARG,
      `${what} must be at most 2^28 = ${MAX_STEPS} steps per call, got ${steps}`,
    );
  }
}

/** A finite number (optionally > 0); throws ERR_RAN_INVALID_ARG naming it otherwise. */
export function finite(name: string, value: unknown, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive && !(value > 0))) {
    invalidArg(name, positive ? 'a finite number > 0' : 'a finite number', value);
  }
  return value;
}
