/**
 * Memory checks made before the random weights are drawn: a reservoir whose fixed weights
 * would need more than the addon's memory limit (`setMemoryLimit(bytes)`)
 * is refused with ERR_RAN_TOO_LARGE instead of exhausting the JavaScript heap.
 */
import { ErrorCodes, RanError } from '../errors';
import { native } from '../native';

const DEFAULT_LIMIT = 4 * 1024 * 1024 * 1024;

/** The addon's memory limit in bytes. */
export function memoryLimit(): number {
  const b = native() as unknown as { memoryLimit?: () => number };
  return typeof b.memoryLimit === 'function' ? b.memoryLimit() : DEFAULT_LIMIT;
}

/**
 * Bytes held while drawing a CSR matrix of `nnz` expected non-zeros (JavaScript arrays of
 * columns and values, their typed copies) over `cells` candidate entries, plus the dense copy
 * handed to the addon when at least a third of the entries are non-zero.
 */
export function csrBytes(n: number, nnz: number): number {
  return 24 * nnz + 4 * (n + 1) + (nnz * 3 >= n * n ? 4 * n * n : 0);
}

/** Throws ERR_RAN_TOO_LARGE when `bytes` exceed the memory limit. */
export function checkWeightBytes(kind: string, bytes: number): void {
  const limit = memoryLimit();
  if (!(bytes <= limit)) {
    throw new RanError(
      ErrorCodes.TOO_LARGE,
      `this ${kind} would need about ${(bytes / 1e9).toFixed(3)} GB of fixed weights, above the memory limit of ${(limit / 1e9).toFixed(3)} GB; ` +
        'use fewer units, a smaller width, context or connectivity, or raise setMemoryLimit(bytes)',
    );
  }
}
