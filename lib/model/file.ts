/**
 * Model files (docs/model-file.md): a fixed 32-byte preamble (magic, format version, header
 * length, file length, CRC-32), a UTF-8 JSON header (reservoir config with its seed, readout
 * shape and λ, payload layout, library version) and an 8-byte aligned little-endian payload
 * (the float64 readout weights and, for RAN-C with data keys, the float32 memory keys).
 *
 * Loading rebuilds the reservoir from its config and seed (plus the stored keys) and sets the
 * exact readout weights, so the loaded model predicts bit for bit like the saved one. Every
 * problem with a file (truncated, corrupted, other version, inconsistent) is a `RanError`
 * with code `ERR_RAN_MODEL_FILE` whose message names the file and what is wrong.
 */
import { promises as fs } from 'fs';
import * as zlib from 'zlib';
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { Ridge } from '../readout/ridge';
import {
  ARCHITECTURES,
  architecture,
  isArchitecture,
  readoutSizeOf,
  type ArchitectureDefinition,
} from '../architectures/index';
import type { CommonOptions, Reservoir } from '../reservoirs/reservoir';
import { configOf, type ReservoirConfig } from './config';
import { Model } from './model';

/** The 8 magic bytes every model file starts with: ASCII "RANMODEL". */
export const MODEL_FILE_MAGIC = 'RANMODEL';
/** The format version this library writes (and the newest it reads). */
export const MODEL_FILE_VERSION = 1;
/** The `format` field of the JSON header. */
export const MODEL_FILE_FORMAT = 'recurrent-attention/model';

const PREAMBLE = 32;
/** Headers larger than this are refused (a real header is a few kilobytes). */
const MAX_HEADER = 16 * 1024 * 1024;
const WEIGHTS = 'readout.weights';
/** Payload names besides the weights: the arrays architectures store (lib/architectures/). */
const STORED = new Set(ARCHITECTURES.flatMap((a) => architecture(a).stored?.names ?? []));

/** One array of the payload, as the header describes it. */
export interface ModelFileTensor {
  /** "readout.weights", or an array the architecture stores ("reservoir.memoryKeys"). */
  name: string;
  /** "float64" or "float32", little-endian. */
  dtype: 'float64' | 'float32';
  /** Dimensions, row-major. */
  shape: number[];
  /** Byte offset from the start of the payload (a multiple of 8). */
  offset: number;
  /** Length in bytes (product of the shape × element size). */
  length: number;
}

/** The JSON header of a model file (format version 1). */
export interface ModelFileHeader {
  /** Always "recurrent-attention/model". */
  format: string;
  /** The library that wrote the file. */
  library: { name: string; version: string };
  /** When the file was written (ISO 8601). */
  created: string;
  /** The reservoir: architecture and every option, seed included. */
  reservoir: ReservoirConfig;
  /** The readout's shape and the λ it was solved with. */
  readout: { features: number; outputs: number; ridge: number };
  /** Where the arrays are: `length` bytes follow the header, holding `tensors`. */
  payload: { length: number; tensors: ModelFileTensor[] };
}

/** Options of `encodeModel` / `saveModel`. */
export interface EncodeOptions {
  /** The `created` time written in the header (default: now). Fix it for byte-identical files. */
  created?: Date;
}

// ---------------------------------------------------------------- CRC-32 (IEEE 802.3, as zlib)

let table: Uint32Array | undefined;

/** CRC-32 (polynomial 0xEDB88320, as zlib and PNG) of bytes, by table; the portable fallback. */
export function crc32Table(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of bytes: node's `zlib.crc32` where it exists (Node ≥ 20.15 / 22.2), else `crc32Table`. */
export function crc32(bytes: Uint8Array): number {
  return typeof zlibCrc32 === 'function' ? zlibCrc32(bytes) >>> 0 : crc32Table(bytes);
}

// ---------------------------------------------------------------- library version

function libraryInfo(): { name: string; version: string } {
  try {
    // lib/model (ts-jest) and dist/model (compiled) are both two levels below the package root.
    const pkg = require('../../package.json') as { name?: unknown; version?: unknown };
    return {
      name: typeof pkg.name === 'string' ? pkg.name : 'recurrent-attention',
      version: typeof pkg.version === 'string' ? pkg.version : 'unknown',
    };
  } catch {
    return { name: 'recurrent-attention', version: 'unknown' };
  }
}

// ---------------------------------------------------------------- encoding

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Encodes a fitted model as the bytes of a model file (format version 1, docs/model-file.md).
 * Synchronous and side-effect free. Throws `ERR_RAN_STATE` if the model is not fitted.
 */
export function encodeModel(model: Model, options: EncodeOptions = {}): Uint8Array {
  if (!(model instanceof Model)) invalidArg('model', 'a Model', model);
  const readout = model.readout;
  const weights = readout?.weights;
  if (!readout || !weights)
    throw new RanError(ErrorCodes.STATE, 'the model is not fitted: call fit() before saving it');
  const config = configOf(model.reservoir);
  const arch = architecture(config.kind, 'model.reservoir.kind');
  const created = options.created ?? new Date();
  if (!(created instanceof Date) || Number.isNaN(created.getTime()))
    invalidArg('options.created', 'a valid Date', created);

  const tensors: ModelFileTensor[] = [];
  const arrays: (Float64Array | Float32Array)[] = [];
  let offset = 0;
  const add = (name: string, data: Float64Array | Float32Array, shape: number[]): void => {
    const t: ModelFileTensor = {
      name,
      dtype: data.BYTES_PER_ELEMENT === 8 ? 'float64' : 'float32',
      shape,
      offset,
      length: data.byteLength,
    };
    tensors.push(t);
    arrays.push(data);
    offset = align8(offset + data.byteLength);
  };
  add(WEIGHTS, weights, [readout.features, readout.outputs]);
  for (const a of arch.stored?.save(model.reservoir) ?? []) add(a.name, a.data, a.shape);
  const header: ModelFileHeader = {
    format: MODEL_FILE_FORMAT,
    library: libraryInfo(),
    created: created.toISOString(),
    reservoir: config,
    readout: { features: readout.features, outputs: readout.outputs, ridge: readout.ridge },
    payload: { length: offset, tensors },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  // Spaces pad the header so the payload starts on an 8-byte boundary.
  const headerLength = align8(PREAMBLE + json.length) - PREAMBLE;
  const total = PREAMBLE + headerLength + offset;
  const bytes = new Uint8Array(total);
  bytes.set(
    MODEL_FILE_MAGIC.split('').map((c) => c.charCodeAt(0)),
    0,
  );
  bytes.set(json, PREAMBLE);
  bytes.fill(0x20, PREAMBLE + json.length, PREAMBLE + headerLength);
  const view = new DataView(bytes.buffer);
  const payload = PREAMBLE + headerLength;
  tensors.forEach((t, i) => {
    const a = arrays[i]!;
    const at = payload + t.offset;
    // BYTES_PER_ELEMENT, not instanceof: arrays made by the addon may come from another realm (jest).
    if (a.BYTES_PER_ELEMENT === 8) for (let k = 0; k < a.length; k++) view.setFloat64(at + 8 * k, a[k]!, true);
    else for (let k = 0; k < a.length; k++) view.setFloat32(at + 4 * k, a[k]!, true);
  });
  view.setUint32(8, MODEL_FILE_VERSION, true);
  view.setUint32(12, headerLength, true);
  view.setUint32(16, total % 0x100000000, true);
  view.setUint32(20, Math.floor(total / 0x100000000), true);
  view.setUint32(24, crc32(bytes.subarray(PREAMBLE)), true);
  // bytes 28..31: reserved, zero.
  return bytes;
}

/**
 * Writes a fitted model to `path` (docs/model-file.md). The file is written to a temporary
 * name beside it and renamed, so a crash never leaves a half-written model under `path`.
 * Throws `ERR_RAN_STATE` if the model is not fitted, `ERR_RAN_MODEL_FILE` if writing fails.
 */
export async function saveModel(model: Model, path: string, options: EncodeOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) invalidArg('path', 'a non-empty string', path);
  const bytes = encodeModel(model, options);
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}.tmp`;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const err = new RanError(ErrorCodes.MODEL_FILE, `cannot write model file "${path}": ${(e as Error).message}`);
    (err as { cause?: unknown }).cause = e;
    throw err;
  }
}

// ---------------------------------------------------------------- decoding

type Fail = (what: string, cause?: unknown) => never;

function failer(source: string): Fail {
  return (what, cause) => {
    const err = new RanError(ErrorCodes.MODEL_FILE, `model file ${source}: ${what}`);
    if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
    throw err;
  };
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const isCount = (x: unknown, min = 0): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= min;

/** Checks the header's fields and types (not yet their consistency with the payload). */
function checkHeader(h: unknown, fail: Fail): ModelFileHeader {
  if (!isObject(h)) fail('the header is not a JSON object');
  if (h.format !== MODEL_FILE_FORMAT)
    fail(`the header's "format" is ${JSON.stringify(h.format) ?? 'missing'}, expected "${MODEL_FILE_FORMAT}"`);
  const lib = h.library;
  if (!isObject(lib) || typeof lib.version !== 'string') fail('the header misses "library.version"');
  if (typeof h.created !== 'string') fail('the header misses "created"');
  const res = h.reservoir;
  if (!isObject(res)) fail('the header misses "reservoir"');
  if (typeof res.kind !== 'string') fail('the header misses "reservoir.kind"');
  if (!isArchitecture(res.kind)) {
    fail(`unknown reservoir kind ${JSON.stringify(res.kind)} (this library knows ${ARCHITECTURES.join(', ')})`);
  }
  if (!isObject(res.options)) fail('the header misses "reservoir.options"');
  const ro = h.readout;
  if (!isObject(ro)) fail('the header misses "readout"');
  if (!isCount(ro.features, 1)) fail('"readout.features" must be a positive integer');
  if (!isCount(ro.outputs, 1)) fail('"readout.outputs" must be a positive integer');
  if (typeof ro.ridge !== 'number' || !Number.isFinite(ro.ridge) || ro.ridge < 0)
    fail('"readout.ridge" must be a finite number >= 0');
  const p = h.payload;
  if (!isObject(p)) fail('the header misses "payload"');
  if (!isCount(p.length)) fail('"payload.length" must be an integer >= 0');
  if (!Array.isArray(p.tensors)) fail('"payload.tensors" must be an array');
  p.tensors.forEach((t: unknown, i: number) => {
    const at = `"payload.tensors[${i}]"`;
    if (!isObject(t)) fail(`${at} is not an object`);
    if (typeof t.name !== 'string') fail(`${at} misses "name"`);
    if (t.dtype !== 'float64' && t.dtype !== 'float32')
      fail(`${at} has dtype ${JSON.stringify(t.dtype) ?? 'missing'}, expected "float64" or "float32"`);
    if (!Array.isArray(t.shape) || !t.shape.every((d: unknown) => isCount(d))) fail(`${at} has no valid "shape"`);
    if (!isCount(t.offset) || t.offset % 8 !== 0) fail(`${at} "offset" must be a multiple of 8`);
    if (!isCount(t.length)) fail(`${at} has no valid "length"`);
  });
  return h as unknown as ModelFileHeader;
}

/** The architecture, its checked options and the readout features they give, or a failure. */
function reservoirOf(
  config: ReservoirConfig,
  fail: Fail,
): { arch: ArchitectureDefinition; options: Required<CommonOptions>; features: number } {
  const arch = architecture(config.kind);
  try {
    const options = arch.normalize(config.options);
    const features = readoutSizeOf(arch.populations(options)) + (options.includeInput ? options.inputDim : 0) + 1;
    return { arch, options, features };
  } catch (e) {
    return fail(`invalid reservoir options: ${(e as Error).message}`, e);
  }
}

function readTensor(bytes: Uint8Array, start: number, t: ModelFileTensor): Float64Array | Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start + t.offset, t.length);
  if (t.dtype === 'float64') {
    const a = new Float64Array(t.length / 8);
    for (let k = 0; k < a.length; k++) a[k] = view.getFloat64(8 * k, true);
    return a;
  }
  const a = new Float32Array(t.length / 4);
  for (let k = 0; k < a.length; k++) a[k] = view.getFloat32(4 * k, true);
  return a;
}

/** Checks the 32-byte preamble; returns the header length and the file length it declares. */
function checkPreamble(bytes: Uint8Array, fail: Fail): { headerLength: number; total: number } {
  const magic = MODEL_FILE_MAGIC.split('').map((c) => c.charCodeAt(0));
  for (let i = 0; i < Math.min(bytes.length, magic.length); i++) {
    if (bytes[i] !== magic[i])
      fail(`not a recurrent-attention model file (it does not start with the magic bytes "${MODEL_FILE_MAGIC}")`);
  }
  if (bytes.length < PREAMBLE) fail(`truncated: ${bytes.length} bytes, shorter than the ${PREAMBLE}-byte preamble`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 0) fail('invalid format version 0');
  if (version > MODEL_FILE_VERSION) {
    fail(
      `format version ${version} is newer than this library reads (up to ${MODEL_FILE_VERSION}): upgrade recurrent-attention (this is ${libraryInfo().version})`,
    );
  }
  const headerLength = view.getUint32(12, true);
  const total = view.getUint32(16, true) + view.getUint32(20, true) * 0x100000000;
  if (view.getUint32(28, true) !== 0) fail('corrupted: the reserved preamble bytes 28..31 are not zero');
  if (bytes.length < total) fail(`truncated: ${bytes.length} bytes, the preamble declares ${total}`);
  if (bytes.length > total)
    fail(`corrupted: ${bytes.length - total} bytes beyond the ${total} bytes the preamble declares`);
  if (headerLength % 8 !== 0 || headerLength > MAX_HEADER || PREAMBLE + headerLength > total) {
    fail(`corrupted: header length ${headerLength} is not a multiple of 8 within the file's ${total} bytes`);
  }
  const stored = view.getUint32(24, true);
  const actual = crc32(bytes.subarray(PREAMBLE));
  if (stored !== actual)
    fail(`checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)}): the file is corrupted`);
  return { headerLength, total };
}

/** The payload's tensors by name: known names, once each, inside the payload, not overlapping, sizes matching shapes. */
function checkTensors(
  tensors: readonly ModelFileTensor[],
  payloadLength: number,
  fail: Fail,
): Map<string, ModelFileTensor> {
  const byName = new Map<string, ModelFileTensor>();
  const spans: [number, number][] = [];
  for (const t of tensors) {
    if (t.name !== WEIGHTS && !STORED.has(t.name)) fail(`unknown payload tensor ${JSON.stringify(t.name)}`);
    if (byName.has(t.name)) fail(`payload tensor "${t.name}" appears twice`);
    const size = t.dtype === 'float64' ? 8 : 4;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count * size !== t.length)
      fail(
        `payload tensor "${t.name}" holds ${t.length} bytes, its shape [${t.shape.join(', ')}] of ${t.dtype} needs ${count * size}`,
      );
    if (t.offset + t.length > payloadLength)
      fail(
        `payload tensor "${t.name}" (bytes ${t.offset}..${t.offset + t.length}) runs past the ${payloadLength}-byte payload`,
      );
    for (const [a, b] of spans)
      if (t.offset < b && a < t.offset + t.length) fail(`payload tensor "${t.name}" overlaps another`);
    spans.push([t.offset, t.offset + t.length]);
    byName.set(t.name, t);
  }
  return byName;
}

/** Builds the reservoir, puts its stored arrays back and sets the readout weights. */
function rebuildModel(
  h: ModelFileHeader,
  bytes: Uint8Array,
  start: number,
  byName: Map<string, ModelFileTensor>,
  fail: Fail,
): Model {
  const { features, outputs, ridge } = h.readout;
  const w = byName.get(WEIGHTS);
  if (!w) return fail(`the payload has no "${WEIGHTS}"`);
  if (w.dtype !== 'float64' || w.shape.length !== 2 || w.shape[0] !== features || w.shape[1] !== outputs) {
    fail(
      `"${WEIGHTS}" is ${w.dtype} [${w.shape.join(', ')}], the readout needs float64 [${features}, ${outputs}] (features × outputs)`,
    );
  }
  // The reservoir's size must match the readout before anything large is allocated.
  const { arch, options, features: expected } = reservoirOf(h.reservoir, fail);
  if (expected !== features) fail(`the reservoir gives ${expected} readout features, the readout has ${features}`);
  const stored = [...byName.values()].filter((t) => t.name !== WEIGHTS);
  for (const t of stored) {
    const refused = arch.stored?.names.includes(t.name)
      ? arch.stored.refuse(t.name, options)
      : `"${t.name}" is not valid for a ${arch.name} reservoir`;
    if (refused !== undefined) fail(refused);
    if (t.dtype !== 'float32') fail(`"${t.name}" must be float32, got ${t.dtype}`);
  }
  const weights = readTensor(bytes, start, w) as Float64Array;
  for (let i = 0; i < weights.length; i++) {
    if (!Number.isFinite(weights[i]!)) fail(`readout weight ${i} is ${weights[i]}`);
  }
  let reservoir: Reservoir | undefined;
  try {
    reservoir = arch.create(options);
    for (const t of stored)
      arch.stored!.restore(
        reservoir,
        { name: t.name, data: readTensor(bytes, start, t) as Float32Array, shape: t.shape },
        fail,
      );
    if (reservoir.featureDim !== features)
      fail(`the reservoir gives ${reservoir.featureDim} readout features, the readout has ${features}`);
    const readout = new Ridge({ features, outputs, ridge });
    readout.setWeights(weights);
    const model = new Model(reservoir);
    model.readout = readout;
    return model;
  } catch (e) {
    reservoir?.dispose();
    if (e instanceof RanError && e.code === ErrorCodes.MODEL_FILE) throw e;
    const code = (e as { code?: unknown } | null)?.code;
    return fail(
      `cannot rebuild the model (${typeof code === 'string' ? code + ': ' : ''}${e instanceof Error ? e.message : String(e)})`,
      e,
    );
  }
}

/** The preamble and header of a model file, checked (checksum included); the payload is not read. */
function decodeHeader(
  bytes: Uint8Array,
  fail: Fail,
): { header: ModelFileHeader; version: number; start: number; total: number } {
  if (!(bytes instanceof Uint8Array)) invalidArg('bytes', 'a Uint8Array', bytes);
  const { headerLength, total } = checkPreamble(bytes, fail);
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength));
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid UTF-8 JSON (${(e as Error).message})`, e);
  }
  return { header: checkHeader(parsed, fail), version, start: PREAMBLE + headerLength, total };
}

/**
 * The header of a model file (architecture, options, readout shape, λ, writer, date) and its
 * format version, after the same checks as `loadModel` but without rebuilding the model.
 * Problems are `RanError`s with code `ERR_RAN_MODEL_FILE` naming the file.
 */
export async function readModelHeader(path: string): Promise<{ version: number; header: ModelFileHeader }> {
  if (typeof path !== 'string' || path.length === 0) invalidArg('path', 'a non-empty string', path);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    return failer(`"${path}"`)(`cannot be read: ${(e as Error).message}`, e);
  }
  const { header, version } = decodeHeader(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    failer(`"${path}"`),
  );
  return { version, header };
}

/**
 * Decodes the bytes of a model file into a model that predicts bit for bit like the saved one.
 * Synchronous. Any problem with the bytes is a `RanError` with code `ERR_RAN_MODEL_FILE`;
 * `source` (a file name) is used in its messages.
 */
export function decodeModel(bytes: Uint8Array, source?: string): Model {
  if (source !== undefined && typeof source !== 'string')
    invalidArg('source', 'a file name (string) or undefined', source);
  const fail: Fail = failer(source === undefined ? 'bytes' : `"${source}"`);
  const { header: h, start, total } = decodeHeader(bytes, fail);
  const payloadLength = total - start;
  if (h.payload.length !== payloadLength)
    fail(`the header declares a ${h.payload.length}-byte payload, the file holds ${payloadLength}`);
  return rebuildModel(h, bytes, start, checkTensors(h.payload.tensors, payloadLength, fail), fail);
}

const hex = (n: number): string => '0x' + n.toString(16).padStart(8, '0');

/**
 * Reads a model file written by `saveModel` (any format version up to `MODEL_FILE_VERSION`).
 * Every problem, a missing or unreadable file included, is a `RanError` with code
 * `ERR_RAN_MODEL_FILE` whose message names the file.
 */
export async function loadModel(path: string): Promise<Model> {
  if (typeof path !== 'string' || path.length === 0) invalidArg('path', 'a non-empty string', path);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    return failer(`"${path}"`)(`cannot be read: ${(e as Error).message}`, e);
  }
  return decodeModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
