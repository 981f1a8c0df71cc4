/**
 * The row forms `Ridge.addRows` accepts, as `run` accepts its tensors: flat rows, `{ data,
 * shape }` or nested arrays, converted to the flat Float64Array or Float32Array the native
 * statistics read. Float32 and Float64 data pass through without a copy; anything else is
 * copied to float64 (a readout's statistics are float64, so targets keep their precision).
 */
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { isRow, notNumber, tagOf } from '../tensor';

/**
 * Rows of a readout: a flat Float64Array or Float32Array (`rows × width` values, row-major);
 * `{ data, shape }` with shape [rows, width] or [B, T, width] (the states and targets of B
 * sequences of T steps) and any numeric array as data; or nested arrays [rows][width] or
 * [B][T][width].
 */
export type RowsLike =
  | Float64Array
  | Float32Array
  | { readonly data: ArrayLike<number>; readonly shape: readonly number[] }
  | ArrayLike<ArrayLike<number>>
  | ArrayLike<ArrayLike<ArrayLike<number>>>;

const isFloat = (v: unknown): v is Float64Array | Float32Array =>
  tagOf(v) === 'Float64Array' || tagOf(v) === 'Float32Array';
const isBigInt = (v: unknown): boolean => tagOf(v) === 'BigInt64Array' || tagOf(v) === 'BigUint64Array';
const number = (at: string, x: unknown): number => (typeof x === 'number' ? x : notNumber(at, x));

/** `{ data, shape }`: shape [rows, width] or [B, T, width], data of their product's length. */
function fromShaped(
  name: string,
  value: { data: unknown; shape: unknown },
  width: number,
): Float64Array | Float32Array {
  const { data, shape } = value;
  if (
    !Array.isArray(shape) ||
    (shape.length !== 2 && shape.length !== 3) ||
    !shape.every((n) => Number.isInteger(n) && n >= 0)
  ) {
    invalidArg(`${name}.shape`, 'an array of non-negative integers [rows, width] or [B, T, width]', shape);
  }
  const dims = shape as number[];
  if (dims[dims.length - 1] !== width)
    throw new RanError(
      ErrorCodes.SHAPE,
      `\`${name}.shape\` must end in ${width} (the readout's values per row), got [${dims.join(', ')}]`,
    );
  if (!isRow(data) || isBigInt(data))
    invalidArg(`${name}.data`, 'a Float32Array, Float64Array or array of numbers', data);
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length !== n)
    throw new RanError(
      ErrorCodes.SHAPE,
      `\`${name}.data\` must hold ${n} values (shape [${dims.join(', ')}]), got ${data.length}`,
    );
  if (isFloat(data)) return data;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = number(`${name}.data[${i}]`, data[i]);
  return out;
}

/** Nested arrays [rows][width] or [B][T][width] (depth from the first element), rows `width` long. */
function fromNested(name: string, value: ArrayLike<unknown>, width: number): Float64Array {
  const first = value[0] as ArrayLike<unknown>;
  const depth = first.length > 0 && isRow(first[0]) ? 3 : 2;
  const out: number[] = [];
  const row = (v: unknown, at: string): void => {
    if (!isRow(v) || isBigInt(v) || (v.length > 0 && isRow(v[0]))) invalidArg(at, `a row of ${width} numbers`, v);
    if (v.length !== width)
      throw new RanError(ErrorCodes.SHAPE, `\`${at}\` must hold ${width} values (one row), got ${v.length}`);
    for (let j = 0; j < width; j++) out.push(number(`${at}[${j}]`, v[j]));
  };
  for (let i = 0; i < value.length; i++) {
    const at = `${name}[${i}]`;
    if (depth === 2) {
      row(value[i], at);
      continue;
    }
    const seq = value[i];
    if (!isRow(seq) || isBigInt(seq)) invalidArg(at, 'an array of rows', seq);
    for (let t = 0; t < seq.length; t++) row(seq[t], `${at}[${t}]`);
  }
  return Float64Array.from(out);
}

/** Rows as the native statistics read them; `width` is the readout's features (x) or outputs (y). */
export function toRows(name: string, value: unknown, width: number): Float64Array | Float32Array {
  if (isFloat(value)) return value;
  if (value !== null && typeof value === 'object' && !isRow(value) && 'data' in value && 'shape' in value)
    return fromShaped(name, value, width);
  if (Array.isArray(value) && value.length > 0 && isRow(value[0])) return fromNested(name, value, width);
  return invalidArg(
    name,
    `a Float64Array or Float32Array of rows of ${width}, a tensor { data, shape: [rows, ${width}] or [B, T, ${width}] }, or nested arrays [rows][${width}]`,
    value,
  );
}
