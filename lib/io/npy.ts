/**
 * A small reader and writer for NumPy `.npy` files (format versions 1.0 and 2.0; 3.0 is
 * read too). Supported: little-endian `<f4` (float32), `<f8` (float64), `<i4` (int32),
 * `<i8` (int64, as BigInt64Array), C order. Anything else — big-endian or other dtypes,
 * `fortran_order: True`, a bad magic string, a malformed header, a truncated file or
 * trailing bytes — throws an {@link NpyError} (code `ERR_RAN_NPY`) naming the file and
 * what was expected.
 *
 * No npm package fitted (zero dependencies, maintained, reading and writing these four
 * dtypes), so this is written here; the format is NumPy's `numpy.lib.format`.
 */
import * as fs from 'fs';
import * as os from 'os';
import { invalidArg } from '../errors';

/** The supported element types. */
export type NpyDtype = 'float32' | 'float64' | 'int32' | 'int64';

/** Typed array of each supported dtype. */
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array;

/** A decoded (or to-be-encoded) n-dimensional array in C order. */
export interface NpyArray {
  /** Element type. */
  readonly dtype: NpyDtype;
  /** Shape; `[]` for a 0-d array (one element). */
  readonly shape: readonly number[];
  /** Elements in C (row-major) order. */
  readonly data: NpyData;
}

/** Error thrown for unsupported or malformed `.npy` data; `code` is always `ERR_RAN_NPY`. */
export class NpyError extends Error {
  /** Machine-readable code: `ERR_RAN_NPY`. */
  readonly code = 'ERR_RAN_NPY';
  /** The file (or `<buffer>`) the error is about. */
  readonly file: string;
  /** @param file the file being read or written; @param message what is wrong and what was expected */
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'NpyError';
    this.file = file;
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Readonly<Record<NpyDtype, string>> = { float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8' };
const SIZE: Readonly<Record<NpyDtype, number>> = { float32: 4, float64: 8, int32: 4, int64: 8 };
const LITTLE = os.endianness() === 'LE';

function dtypeOfDescr(descr: string): NpyDtype | null {
  for (const k of Object.keys(DESCR) as NpyDtype[]) if (DESCR[k] === descr) return k;
  return null;
}

/** The typed-array kind by its tag, so arrays from another realm (worker, vm, jest) are recognised too. */
function tagOf(data: unknown): string {
  return ArrayBuffer.isView(data) ? (data as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag] : '';
}

/** The dtype of a typed array. */
export function dtypeOf(data: NpyData): NpyDtype {
  switch (tagOf(data)) {
    case 'Float32Array':
      return 'float32';
    case 'Float64Array':
      return 'float64';
    case 'Int32Array':
      return 'int32';
    case 'BigInt64Array':
      return 'int64';
    default:
      throw new NpyError(
        '<array>',
        `cannot store ${tagOf(data) || typeof data} in .npy: expected Float32Array, Float64Array, Int32Array or BigInt64Array`,
      );
  }
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function parseHeader(header: string, file: string): { dtype: NpyDtype; shape: number[] } {
  const bad = (what: string): NpyError =>
    new NpyError(file, `malformed .npy header (${what}): ${JSON.stringify(header.trim())}`);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!header.trim().startsWith('{') || !descr || !fortran || !shape)
    throw bad("expected {'descr': ..., 'fortran_order': ..., 'shape': (...)}");
  const d = descr[1] as string;
  const dtype = dtypeOfDescr(d);
  if (!dtype) {
    throw new NpyError(
      file,
      `unsupported dtype '${d}'; expected one of '<f4', '<f8', '<i4', '<i8' (little-endian float32, float64, int32, int64)`,
    );
  }
  if (fortran[1] === 'True') throw new NpyError(file, 'fortran_order is True; expected C order (fortran_order False)');
  const dims = (shape[1] as string)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const out: number[] = [];
  for (const s of dims) {
    if (!/^\d+L?$/.test(s)) throw bad(`shape entry "${s}" is not a non-negative integer`);
    out.push(parseInt(s, 10));
  }
  return { dtype, shape: out };
}

/**
 * Decodes the bytes of a `.npy` file.
 * @param bytes the whole file
 * @param file name used in error messages
 * @throws NpyError (code `ERR_RAN_NPY`) for anything unsupported or malformed
 */
export function decodeNpy(bytes: Uint8Array, file = '<buffer>'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(file, 'not a .npy file: expected the magic string \\x93NUMPY at the start');
  }
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError(file, 'truncated .npy header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new NpyError(file, `unsupported .npy format version ${major}.${minor}; expected 1.0 or 2.0`);
  }
  if (bytes.length < start + headerLen) {
    throw new NpyError(
      file,
      `truncated .npy header: ${headerLen} header bytes announced, ${bytes.length - start} present`,
    );
  }
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + start, headerLen).toString(
    major === 3 ? 'utf8' : 'latin1',
  );
  const { dtype, shape } = parseHeader(header, file);
  const n = product(shape);
  const size = SIZE[dtype];
  const dataStart = start + headerLen;
  const have = bytes.length - dataStart;
  if (have !== n * size) {
    throw new NpyError(
      file,
      have < n * size
        ? `truncated data: shape (${shape.join(', ')}) of ${DESCR[dtype]} needs ${n * size} bytes, found ${have}`
        : `${have - n * size} unexpected trailing bytes after the ${n * size} data bytes of shape (${shape.join(', ')})`,
    );
  }
  const buf = new ArrayBuffer(n * size);
  new Uint8Array(buf).set(bytes.subarray(dataStart, dataStart + n * size));
  let data: NpyData;
  switch (dtype) {
    case 'float32':
      data = new Float32Array(buf);
      break;
    case 'float64':
      data = new Float64Array(buf);
      break;
    case 'int32':
      data = new Int32Array(buf);
      break;
    case 'int64':
      data = new BigInt64Array(buf);
      break;
  }
  if (!LITTLE) {
    const dv = new DataView(buf);
    for (let i = 0; i < n; i++) {
      const o = i * size;
      if (dtype === 'float32') (data as Float32Array)[i] = dv.getFloat32(o, true);
      else if (dtype === 'float64') (data as Float64Array)[i] = dv.getFloat64(o, true);
      else if (dtype === 'int32') (data as Int32Array)[i] = dv.getInt32(o, true);
      else (data as BigInt64Array)[i] = dv.getBigInt64(o, true);
    }
  }
  return { dtype, shape, data };
}

function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0] as number},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encodes an array as `.npy` bytes: version 1.0 (2.0 if the header needs more than
 * 65 535 bytes), header padded with spaces so that the data starts at a multiple of 64.
 * @throws NpyError when the shape does not match the data length
 */
export function encodeNpy(
  array: { readonly data: NpyData; readonly shape: readonly number[] },
  file = '<buffer>',
): Uint8Array {
  if (array === null || typeof array !== 'object') invalidArg('array', '{ data, shape }', array);
  if (!Array.isArray(array.shape)) invalidArg('array.shape', 'an array of non-negative integers', array.shape);
  const dtype = dtypeOf(array.data);
  const { shape, data } = array;
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0)
      throw new NpyError(file, `invalid shape (${shape.join(', ')}): expected non-negative integers`);
  }
  if (product(shape) !== data.length) {
    throw new NpyError(
      file,
      `shape (${shape.join(', ')}) needs ${product(shape)} elements, the data has ${data.length}`,
    );
  }
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  let version = 1;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 65535) {
    version = 2;
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - pre;
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  const size = SIZE[dtype];
  const out = new Uint8Array(total + data.length * size);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, headerLen, true);
  else dv.setUint32(8, headerLen, true);
  out.set(Buffer.from(header, 'latin1'), pre);
  if (LITTLE) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.length * size), total);
  } else {
    for (let i = 0; i < data.length; i++) {
      const o = total + i * size;
      if (dtype === 'float32') dv.setFloat32(o, (data as Float32Array)[i] as number, true);
      else if (dtype === 'float64') dv.setFloat64(o, (data as Float64Array)[i] as number, true);
      else if (dtype === 'int32') dv.setInt32(o, (data as Int32Array)[i] as number, true);
      else dv.setBigInt64(o, (data as BigInt64Array)[i] as bigint, true);
    }
  }
  return out;
}

/**
 * Reads a `.npy` file.
 * @throws NpyError (code `ERR_RAN_NPY`) for unsupported or malformed content; fs errors as is
 */
export function readNpy(file: string): NpyArray {
  if (typeof file !== 'string' || file === '') invalidArg('file', 'a file path', file);
  return decodeNpy(fs.readFileSync(file), file);
}

/** Writes an array to a `.npy` file (dtype from the typed array: Float32Array → `<f4`, etc.). */
export function writeNpy(file: string, array: { readonly data: NpyData; readonly shape: readonly number[] }): void {
  if (typeof file !== 'string' || file === '') invalidArg('file', 'a file path', file);
  fs.writeFileSync(file, encodeNpy(array, file));
}

/** The elements as float32 (int64 values converted with `Number`). */
export function toFloat32(data: NpyData): Float32Array {
  if (tagOf(data) === 'Float32Array') return data as Float32Array;
  if (tagOf(data) === 'BigInt64Array') return Float32Array.from(data as BigInt64Array, (v) => Number(v));
  return Float32Array.from(data as Float64Array | Int32Array);
}
