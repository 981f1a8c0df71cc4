/** Argument checks shared by the public classes; each throws a RanError naming the argument. */
import { ErrorCodes, RanError, invalidArg, shapeMismatch } from './errors';
import { didYouMean } from './suggest';
import type { IndexMatrix, Tensor3 } from './tensor';

/**
 * Typed-array kind checks that work across JavaScript realms: arrays made by the addon or in
 * another context (jest, vm, worker messages) fail `instanceof` but carry the right tag.
 */
export function isTypedArray<K extends 'Float32Array' | 'Float64Array' | 'Int32Array' | 'Uint8Array'>(
  v: unknown,
  kind: K,
): v is K extends 'Float32Array'
  ? Float32Array
  : K extends 'Float64Array'
    ? Float64Array
    : K extends 'Int32Array'
      ? Int32Array
      : Uint8Array {
  return ArrayBuffer.isView(v) && (v as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag] === kind;
}

/** True when the typed array's buffer was transferred (its contents are gone). */
export function isDetached(a: ArrayBufferView): boolean {
  const buf = a.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buf.detached === 'boolean') return buf.detached;
  if (buf.byteLength !== 0) return false;
  try {
    buf.slice(0, 0); // throws a TypeError on a detached buffer (Node < 22 has no `detached`)
    return false;
  } catch {
    return true;
  }
}

/** An integer in [min, max]. */
export function integer(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    invalidArg(name, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`, v);
  }
  return v;
}

/** A finite number in a range; `open` excludes the bounds. */
export function number(
  name: string,
  v: unknown,
  min: number,
  max: number,
  open: { min?: boolean; max?: boolean } = {},
): number {
  const lowOk = (x: number): boolean => (open.min ? x > min : x >= min);
  const highOk = (x: number): boolean => (open.max ? x < max : x <= max);
  if (typeof v !== 'number' || !Number.isFinite(v) || !lowOk(v) || !highOk(v)) {
    const lo = open.min ? '(' : '[';
    const hi = open.max ? ')' : ']';
    invalidArg(name, `a finite number in ${lo}${min}, ${max}${hi}`, v);
  }
  return v;
}

/** One of the listed strings. */
export function oneOf<T extends string>(name: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    invalidArg(name, `one of ${values.map((x) => `"${x}"`).join(', ')}`, v);
  }
  return v as T;
}

/** A boolean. */
export function boolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') invalidArg(name, 'a boolean', v);
  return v;
}

/** Rejects option keys that the function does not know (a typo would otherwise be silently ignored). */
export function knownKeys(name: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new RanError(
        ErrorCodes.INVALID_ARG,
        `\`${name}\` has an unknown option "${key}"${didYouMean(key, allowed)}; known options: ${allowed.join(', ')}`,
      );
    }
  }
}

/** A plain options object (or undefined → {}). */
export function options<T extends object>(name: string, v: T | undefined): T {
  if (v === undefined) return {} as T;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) invalidArg(name, 'an options object', v);
  return v;
}

/** A well-formed [B, T, D] float32 tensor, optionally with a required D. */
export function tensor3(name: string, x: unknown, d?: number): Tensor3 {
  if (x === null || typeof x !== 'object') invalidArg(name, 'a tensor { data: Float32Array, shape: [B, T, D] }', x);
  const t = x as Partial<Tensor3>;
  if (!isTypedArray(t.data, 'Float32Array')) invalidArg(`${name}.data`, 'a Float32Array', t.data);
  if (isDetached(t.data))
    invalidArg(`${name}.data`, 'a Float32Array whose buffer is not detached (transferred)', t.data);
  const shape = t.shape;
  if (!Array.isArray(shape) || shape.length !== 3) invalidArg(`${name}.shape`, 'an array [B, T, D]', shape);
  const [b, steps, dim] = shape as number[];
  integer(`${name}.shape[0] (B)`, b, 1);
  integer(`${name}.shape[1] (T)`, steps, 1);
  integer(`${name}.shape[2] (D)`, dim, 0);
  const needed = (b as number) * (steps as number) * (dim as number);
  if (t.data.length !== needed) shapeMismatch(`${name}.data`, needed, t.data.length, `shape [${shape.join(', ')}]`);
  if (d !== undefined && dim !== d) {
    throw new RanError(
      ErrorCodes.SHAPE,
      `\`${name}\` must have ${d} features per step (shape [B, T, ${d}]), got ${String(dim)}`,
    );
  }
  return t as Tensor3;
}

/** Prediction steps [B, n] with values in [0, T). */
export function indexMatrix(name: string, t: unknown, batch: number, steps: number): IndexMatrix {
  if (t === null || typeof t !== 'object') invalidArg(name, 'an index matrix { data: Int32Array, shape: [B, n] }', t);
  const m = t as Partial<IndexMatrix>;
  if (!isTypedArray(m.data, 'Int32Array')) invalidArg(`${name}.data`, 'an Int32Array', m.data);
  if (isDetached(m.data))
    invalidArg(`${name}.data`, 'an Int32Array whose buffer is not detached (transferred)', m.data);
  if (!Array.isArray(m.shape) || m.shape.length !== 2) invalidArg(`${name}.shape`, 'an array [B, n]', m.shape);
  const [b, n] = m.shape as number[];
  if (b !== batch)
    throw new RanError(ErrorCodes.SHAPE, `\`${name}\` has ${String(b)} rows, the input has ${batch} sequences`);
  integer(`${name}.shape[1]`, n, 1);
  if (m.data.length !== batch * (n as number)) shapeMismatch(`${name}.data`, batch * (n as number), m.data.length);
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i] as number;
    if (v < 0 || v >= steps) {
      throw new RanError(
        ErrorCodes.INVALID_ARG,
        `\`${name}[${Math.floor(i / (n as number))}, ${i % (n as number)}]\` must be a step in [0, ${steps}), got ${v}`,
      );
    }
  }
  return m as IndexMatrix;
}
