/**
 * Errors of the library. Every error thrown by the library, in TypeScript or in the native
 * addon, carries a stable `code` (listed in the README) and a message that names the
 * argument and what was expected.
 */

/** The stable error codes. */
export const ErrorCodes = {
  /** An argument has the wrong type or a value outside its range. */
  INVALID_ARG: 'ERR_RAN_INVALID_ARG',
  /** Array lengths do not match the declared shapes. */
  SHAPE: 'ERR_RAN_SHAPE',
  /** Input data holds NaN or ±Infinity. */
  NOT_FINITE: 'ERR_RAN_NOT_FINITE',
  /** The ridge system is not positive definite (raise `ridge`). */
  SINGULAR: 'ERR_RAN_SINGULAR',
  /** The call would allocate more than the memory limit. */
  TOO_LARGE: 'ERR_RAN_TOO_LARGE',
  /** The call was aborted by its AbortSignal. */
  ABORTED: 'ERR_RAN_ABORTED',
  /** An asynchronous call is already running on this object. */
  BUSY: 'ERR_RAN_BUSY',
  /** The object is in the wrong state for this call (disposed, other batch size, nothing fitted). */
  STATE: 'ERR_RAN_STATE',
  /** An iterative method did not converge. */
  NO_CONVERGENCE: 'ERR_RAN_NO_CONVERGENCE',
  /** No native binary could be loaded. */
  NATIVE_LOAD: 'ERR_RAN_NATIVE_LOAD',
  /** A model file is truncated, corrupted or of an unsupported version. */
  MODEL_FILE: 'ERR_RAN_MODEL_FILE',
  /** An optional package (vega, vega-lite, mnist) is needed for this call and not installed. */
  MISSING_DEPENDENCY: 'ERR_RAN_MISSING_DEPENDENCY',
  /** A `.ranstats` file (statistics of a shard) is corrupted, foreign to the others or missing. */
  STATS_FILE: 'ERR_RAN_STATS_FILE',
} as const;

/** One of the library's error codes. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | 'ERR_RAN_NPY' | 'ERR_RAN_INTERNAL';

/** An error raised by the library, with a stable `code`. */
export class RanError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(typeof message === 'string' ? message : String(message));
    this.name = 'RanError';
    this.code = code;
  }
}

/**
 * A short description of a value for error messages ("-3", "\"relu\"", "a Float64Array"); the
 * addon's Describe (native/addon/args.cpp) prints every value the same way.
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'boolean') return String(value);
  if (ArrayBuffer.isView(value)) {
    // The built-in kind (a subclass or a foreign realm keeps it); "an" before Int…, as the addon words it.
    const kind = (value as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
    return `${/^[AEIO]/.test(kind) ? 'an' : 'a'} ${kind}`;
  }
  if (Array.isArray(value)) return 'an Array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'bigint') return `a bigint (${value}n)`;
  return 'an object';
}

/**
 * Throws ERR_RAN_SHAPE: "`name` must hold <expected> values (<why>), got <got>"; the addon's
 * ShapeError (native/addon/args.cpp) words it the same way.
 */
export function shapeMismatch(name: string, expected: number, got: number, why?: string): never {
  throw new RanError(
    ErrorCodes.SHAPE,
    `\`${name}\` must hold ${expected} values${why === undefined ? '' : ` (${why})`}, got ${got}`,
  );
}

/** Throws ERR_RAN_INVALID_ARG: "`name` must be <expected>, got <value>". */
export function invalidArg(name: string, expected: string, got: unknown): never {
  throw new RanError(ErrorCodes.INVALID_ARG, `\`${String(name)}\` must be ${expected}, got ${describe(got)}`);
}
