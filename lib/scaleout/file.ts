/**
 * `.ranstats` files (docs/scale-out.md): the statistics of one shard of a fit. A 32-byte
 * preamble (magic "RANSTATS", format version, header length, file length, CRC-32 of the rest),
 * a UTF-8 JSON header (the job: reservoir config with its seed, readout shape, λ candidates,
 * batch size, data fingerprint, shard i of n; the row counts; the payload layout) and an
 * 8-byte aligned little-endian float64 payload. XᵀX matrices are stored as their upper
 * triangle (row by row), every exact sum as its hi then lo words.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import { ErrorCodes, RanError } from '../errors';
import type { ReservoirConfig } from '../model/config';
import { crc32 } from '../model/file';
import type { ExactSum } from './exact';
import type { ShardStatistics, ValidationStatistics } from './statistics';

/** The 8 magic bytes: ASCII "RANSTATS". */
export const STATS_FILE_MAGIC = 'RANSTATS';
/** The format version written (and the newest read). */
export const STATS_FILE_VERSION = 1;
/** The `format` field of the header. */
export const STATS_FILE_FORMAT = 'recurrent-attention/stats';

const PREAMBLE = 32;
const MAX_HEADER = 16 * 1024 * 1024;
// On little-endian hosts (all supported ones) arrays are copied as bytes; DataView elsewhere.
const LITTLE = os.endianness() === 'LE';

/** What every part of one sharded fit shares; parts with different jobs are never merged. */
export interface StatsJob {
  reservoir: ReservoirConfig;
  readout: { features: number; outputs: number };
  ridges: number[];
  classification: boolean;
  batchSize: number;
  /** CRC-32s of the training and validation arrays (X, Y, T) and their sequence counts. */
  data: { fingerprint: string; train: number; valid: number };
  /** n: the number of shards. */
  shards: number;
}

/** The JSON header of a `.ranstats` file. */
export interface StatsFileHeader {
  format: string;
  library: { name: string; version: string };
  job: StatsJob;
  /** i: this part's shard, and the sequences [start, end) of each split it ran. */
  shard: { index: number; train: [number, number]; valid: [number, number] };
  rows: { train: number; valid: number };
  valid: 'gram' | 'rows';
  payload: { length: number; tensors: { name: string; length: number; offset: number }[] };
}

/** A decoded part. */
export interface StatsPart {
  header: StatsFileHeader;
  stats: ShardStatistics;
}

/** An ERR_RAN_STATS_FILE error. */
export function statsError(message: string): RanError {
  return new RanError(ErrorCodes.STATS_FILE, message);
}

function packUpper(a: Float64Array, f: number): Float64Array {
  const out = new Float64Array((f * (f + 1)) / 2);
  let k = 0;
  for (let i = 0; i < f; i++) for (let j = i; j < f; j++) out[k++] = a[i * f + j]!;
  return out;
}

function unpackUpper(p: Float64Array, f: number): Float64Array {
  const out = new Float64Array(f * f);
  let k = 0;
  for (let i = 0; i < f; i++) {
    for (let j = i; j < f; j++) {
      out[i * f + j] = p[k]!;
      out[j * f + i] = p[k++]!;
    }
  }
  return out;
}

function arraysOf(stats: ShardStatistics): [string, Float64Array][] {
  const f = stats.features;
  const exact = (name: string, s: ExactSum, sym: boolean): [string, Float64Array][] => [
    [`${name}.hi`, sym ? packUpper(s.hi, f) : s.hi],
    [`${name}.lo`, sym ? packUpper(s.lo, f) : s.lo],
  ];
  const out = [...exact('train.xtx', stats.train.xtx, true), ...exact('train.xty', stats.train.xty, false)];
  const v = stats.valid;
  if (v.kind === 'gram')
    out.push(
      ...exact('valid.xtx', v.xtx, true),
      ...exact('valid.xty', v.xty, false),
      ...exact('valid.yy', v.yy, false),
    );
  else out.push(['valid.x', v.x], ['valid.y', v.y]);
  return out;
}

/** The bytes of a `.ranstats` file. */
export function encodeStats(
  header: Omit<StatsFileHeader, 'format' | 'payload' | 'rows' | 'valid'>,
  stats: ShardStatistics,
): Uint8Array {
  const arrays = arraysOf(stats);
  let offset = 0;
  const tensors = arrays.map(([name, a]) => {
    const t = { name, length: a.length, offset };
    offset += 8 * a.length;
    return t;
  });
  const full: StatsFileHeader = {
    format: STATS_FILE_FORMAT,
    ...header,
    rows: { train: stats.train.rows, valid: stats.valid.rows },
    valid: stats.valid.kind,
    payload: { length: offset, tensors },
  };
  const json = Buffer.from(JSON.stringify(full), 'utf8');
  const headerLength = Math.ceil((PREAMBLE + json.length) / 8) * 8 - PREAMBLE;
  const total = PREAMBLE + headerLength + offset;
  const bytes = new Uint8Array(total);
  bytes.set(Buffer.from(STATS_FILE_MAGIC, 'ascii'), 0);
  bytes.set(json, PREAMBLE);
  bytes.fill(0x20, PREAMBLE + json.length, PREAMBLE + headerLength);
  const view = new DataView(bytes.buffer);
  const payload = PREAMBLE + headerLength;
  arrays.forEach(([, a], i) => {
    const at = payload + tensors[i]!.offset;
    if (LITTLE) bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    else for (let k = 0; k < a.length; k++) view.setFloat64(at + 8 * k, a[k]!, true);
  });
  view.setUint32(8, STATS_FILE_VERSION, true);
  view.setUint32(12, headerLength, true);
  view.setUint32(16, total % 0x100000000, true);
  view.setUint32(20, Math.floor(total / 0x100000000), true);
  view.setUint32(24, crc32(bytes.subarray(PREAMBLE)), true);
  return bytes;
}

function readPreamble(bytes: Uint8Array, name: string): { headerLength: number } {
  if (bytes.length < PREAMBLE || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== STATS_FILE_MAGIC)
    throw statsError(`${name}: not a .ranstats file (no "RANSTATS" magic)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== STATS_FILE_VERSION)
    throw statsError(`${name}: format version ${version}, this library reads version ${STATS_FILE_VERSION}`);
  const total = view.getUint32(16, true) + view.getUint32(20, true) * 0x100000000;
  if (total !== bytes.length)
    throw statsError(`${name}: truncated or padded (${bytes.length} bytes, the preamble says ${total})`);
  if (crc32(bytes.subarray(PREAMBLE)) !== view.getUint32(24, true))
    throw statsError(`${name}: checksum mismatch (the file is corrupted)`);
  const headerLength = view.getUint32(12, true);
  if (headerLength > MAX_HEADER || PREAMBLE + headerLength > bytes.length || headerLength % 8 !== 0)
    throw statsError(`${name}: header length ${headerLength} is invalid`);
  return { headerLength };
}

/** Decodes a `.ranstats` file; every problem is an ERR_RAN_STATS_FILE error naming `name`. */
export function decodeStats(bytes: Uint8Array, name = 'statistics'): StatsPart {
  const { headerLength } = readPreamble(bytes, name);
  let header: StatsFileHeader;
  try {
    header = JSON.parse(
      Buffer.from(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)).toString('utf8'),
    ) as StatsFileHeader;
  } catch (e) {
    throw statsError(`${name}: the header is not JSON (${(e as Error).message})`);
  }
  if (header.format !== STATS_FILE_FORMAT)
    throw statsError(`${name}: format "${String(header.format)}", expected "${STATS_FILE_FORMAT}"`);
  const payload = PREAMBLE + headerLength;
  if (payload + header.payload.length !== bytes.length)
    throw statsError(
      `${name}: the payload is ${bytes.length - payload} bytes, the header says ${header.payload.length}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const get = (tensor: string): Float64Array => {
    const t = header.payload.tensors.find((x) => x.name === tensor);
    if (
      !t ||
      !Number.isSafeInteger(t.offset) ||
      !Number.isSafeInteger(t.length) ||
      t.offset < 0 ||
      t.length < 0 ||
      t.offset + 8 * t.length > header.payload.length
    )
      throw statsError(`${name}: no valid "${tensor}" array in the payload`);
    const at = bytes.byteOffset + payload + t.offset;
    if (LITTLE) return new Float64Array(bytes.buffer.slice(at, at + 8 * t.length));
    const out = new Float64Array(t.length);
    for (let k = 0; k < t.length; k++) out[k] = view.getFloat64(payload + t.offset + 8 * k, true);
    return out;
  };
  const { features: f, outputs: o } = header.job.readout;
  const exact = (n: string, sym: boolean): ExactSum =>
    sym
      ? { hi: unpackUpper(get(`${n}.hi`), f), lo: unpackUpper(get(`${n}.lo`), f) }
      : { hi: get(`${n}.hi`), lo: get(`${n}.lo`) };
  const valid: ValidationStatistics =
    header.valid === 'gram'
      ? {
          kind: 'gram',
          rows: header.rows.valid,
          xtx: exact('valid.xtx', true),
          xty: exact('valid.xty', false),
          yy: exact('valid.yy', false),
        }
      : { kind: 'rows', rows: header.rows.valid, x: get('valid.x'), y: get('valid.y') };
  const stats: ShardStatistics = {
    features: f,
    outputs: o,
    train: { rows: header.rows.train, xtx: exact('train.xtx', true), xty: exact('train.xty', false) },
    valid,
  };
  if (stats.train.xtx.hi.length !== f * f || stats.train.xty.hi.length !== f * o)
    throw statsError(`${name}: array sizes do not match ${f} features and ${o} outputs`);
  return { header, stats };
}

/** Writes a part (to a temporary name, then renamed: never a half-written file under `path`). */
export async function saveStats(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw statsError(`cannot write "${path}": ${(e as Error).message}`);
  }
}

/** Reads only a part's preamble and header (to check a set of parts before loading any payload). */
export async function loadStatsHeader(path: string): Promise<StatsFileHeader> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(path, 'r');
    const size = (await handle.stat()).size;
    const pre = Buffer.alloc(PREAMBLE);
    await handle.read(pre, 0, PREAMBLE, 0);
    if (size < PREAMBLE || pre.subarray(0, 8).toString('latin1') !== STATS_FILE_MAGIC)
      throw statsError(`${path}: not a .ranstats file (no "RANSTATS" magic)`);
    const version = pre.readUInt32LE(8);
    if (version !== STATS_FILE_VERSION)
      throw statsError(`${path}: format version ${version}, this library reads version ${STATS_FILE_VERSION}`);
    const total = pre.readUInt32LE(16) + pre.readUInt32LE(20) * 0x100000000;
    if (total !== size) throw statsError(`${path}: truncated or padded (${size} bytes, the preamble says ${total})`);
    const length = pre.readUInt32LE(12);
    if (length > MAX_HEADER || PREAMBLE + length > size)
      throw statsError(`${path}: header length ${length} is invalid`);
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, PREAMBLE);
    const header = JSON.parse(json.toString('utf8')) as StatsFileHeader;
    if (header?.format !== STATS_FILE_FORMAT)
      throw statsError(`${path}: format "${String(header?.format)}", expected "${STATS_FILE_FORMAT}"`);
    return header;
  } catch (e) {
    if (e instanceof RanError) throw e;
    throw statsError(`cannot read "${path}": ${(e as Error).message}`);
  } finally {
    await handle?.close();
  }
}

/** Reads and decodes a part. */
export async function loadStats(path: string): Promise<StatsPart> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw statsError(`cannot read "${path}": ${(e as Error).message}`);
  }
  return decodeStats(bytes, path);
}
