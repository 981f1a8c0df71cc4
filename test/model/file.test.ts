/** Model files: round trips with bit-identical predictions, every error case, and a fuzzed loader. */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ErrorCodes, RanError } from '../../lib/errors';
import {
  crc32,
  crc32Table,
  decodeModel,
  encodeModel,
  loadModel,
  saveModel,
  MODEL_FILE_MAGIC,
  MODEL_FILE_VERSION,
  type ModelFileHeader,
} from '../../lib/model/file';
import type { ReservoirConfig } from '../../lib/model/config';
import { Model } from '../../lib/model/model';
import { Random } from '../../lib/random';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import type { NativeNetworkSpec } from '../../lib/native';
import { randomTensor, sameBits } from '../helpers';

const FILE = ErrorCodes.MODEL_FILE;
const CREATED = new Date('2024-01-02T03:04:05.000Z');

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ran-model-file-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const data = { x: randomTensor(1, 6, 12, 3), y: randomTensor(2, 6, 12, 2), washout: 2 };
const probe = randomTensor(3, 3, 10, 3);

async function fitted(config: ReservoirConfig, ridges: number[] = [1e-3]): Promise<Model> {
  const model = new Model(config);
  const r = model.reservoir;
  if (r instanceof DecomposedReservoir && r.options.keys === 'data' && !r.hasDataKeys) r.fitKeys(data.x);
  await model.fit(data, { ridges, threads: 1 });
  return model;
}

const CONFIGS: Record<string, ReservoirConfig> = {
  esn: { kind: 'esn', options: { inputDim: 3, units: 20, seed: 11, connectivity: 0.3 } },
  'ran-a': { kind: 'ran-a', options: { inputDim: 3, units: 5, width: 4, context: 3, ffHidden: 6, seed: 12 } },
  'ran-c random keys': {
    kind: 'ran-c',
    options: { inputDim: 3, attentionUnits: 3, memoryUnits: 2, width: 4, slots: 5, context: 3, seed: 13 },
  },
  'ran-c data keys': {
    kind: 'ran-c',
    options: {
      inputDim: 3,
      attentionUnits: 3,
      memoryUnits: 2,
      width: 4,
      slots: 5,
      context: 3,
      seed: 14,
      keys: 'data',
      memoryInputFraction: 0.5,
    },
  },
  'ran-c data keys, shared': {
    kind: 'ran-c',
    options: {
      inputDim: 3,
      attentionUnits: 2,
      memoryUnits: 3,
      width: 4,
      slots: 4,
      context: 2,
      seed: 15,
      keys: 'data',
      shared: true,
    },
  },
};

/** Every typed array of two network specs is bit-identical, every other field equal. */
function expectSameSpec(a: NativeNetworkSpec, b: NativeNetworkSpec): void {
  const walk = (x: unknown, y: unknown, at: string): void => {
    if (x instanceof Float32Array || x instanceof Float64Array) {
      expect([at, Object.prototype.toString.call(y), sameBits(x, y as Float32Array)]).toEqual([
        at,
        Object.prototype.toString.call(x),
        true,
      ]);
    } else if (ArrayBuffer.isView(x)) {
      expect([at, Array.from(y as Int32Array)]).toEqual([at, Array.from(x as Int32Array)]);
    } else if (x !== null && typeof x === 'object') {
      expect(Object.keys(y as object).sort()).toEqual(Object.keys(x).sort());
      for (const k of Object.keys(x))
        walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${at}.${k}`);
    } else {
      expect([at, y]).toEqual([at, x]);
    }
  };
  walk(a, b, 'spec');
}

describe('round trip', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    test(`${name}: same reservoir, same readout, bit-identical predictions`, async () => {
      const model = await fitted(config);
      const file = path.join(dir, `${name.replace(/[^a-z0-9]+/g, '-')}.ran`);
      await saveModel(model, file);
      const loaded = await loadModel(file);
      expect(loaded.config).toEqual(model.config);
      expectSameSpec(model.reservoir.describe(), loaded.reservoir.describe());
      expect(loaded.readout!.features).toBe(model.readout!.features);
      expect(loaded.readout!.outputs).toBe(model.readout!.outputs);
      expect(Object.is(loaded.readout!.ridge, model.readout!.ridge)).toBe(true);
      expect(sameBits(loaded.readout!.weights!, model.readout!.weights!)).toBe(true);
      const a = await model.predict(probe, { threads: 1 });
      const b = await loaded.predict(probe, { threads: 2 });
      expect(b.shape).toEqual(a.shape);
      expect(sameBits(a.data, b.data)).toBe(true);
      if (model.reservoir instanceof DecomposedReservoir && model.reservoir.options.keys === 'data') {
        expect((loaded.reservoir as DecomposedReservoir).hasDataKeys).toBe(true);
      }
      // Encoding is deterministic: the same model and time give the same bytes, also after a load.
      expect(
        Buffer.from(encodeModel(loaded, { created: CREATED })).equals(
          Buffer.from(encodeModel(model, { created: CREATED })),
        ),
      ).toBe(true);
    });
  }

  test('data keys are stored in the file (and differ from the seed keys)', async () => {
    const model = await fitted(CONFIGS['ran-c data keys']!);
    const bytes = encodeModel(model);
    const h = header(bytes);
    const keys = h.payload.tensors.find((t) => t.name === 'reservoir.memoryKeys')!;
    expect(keys).toMatchObject({ dtype: 'float32', shape: [2, 5, 4], length: 2 * 5 * 4 * 4 });
    const fresh = new DecomposedReservoir(CONFIGS['ran-c data keys']!.options);
    expect(sameBits(fresh.describe().populations[1]!.keys!, model.reservoir.describe().populations[1]!.keys!)).toBe(
      false,
    );
    // Random keys come from the seed: nothing but the weights in the payload.
    const plain = header(encodeModel(await fitted(CONFIGS['ran-c random keys']!)));
    expect(plain.payload.tensors.map((t) => t.name)).toEqual(['readout.weights']);
  });

  test('layout: magic, version, lengths, 8-byte alignment, CRC-32, header fields', async () => {
    const model = await fitted(CONFIGS['ran-c data keys']!);
    const bytes = encodeModel(model, { created: CREATED });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe(MODEL_FILE_MAGIC);
    expect(view.getUint32(8, true)).toBe(MODEL_FILE_VERSION);
    const headerLength = view.getUint32(12, true);
    expect((32 + headerLength) % 8).toBe(0);
    expect(view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32).toBe(bytes.length);
    expect(view.getUint32(24, true)).toBe(crc32Table(bytes.subarray(32)));
    expect(view.getUint32(28, true)).toBe(0);
    const h = header(bytes);
    const pkg = require('../../package.json') as { name: string; version: string };
    expect(h).toMatchObject({
      format: 'recurrent-attention/model',
      library: { name: pkg.name, version: pkg.version },
      created: CREATED.toISOString(),
    });
    expect(h.reservoir).toEqual(model.config);
    expect(h.reservoir.options.seed).toBe(14);
    expect(h.readout).toEqual({ features: model.readout!.features, outputs: 2, ridge: model.readout!.ridge });
    expect(bytes.length).toBe(32 + headerLength + h.payload.length);
    for (const t of h.payload.tensors) expect(t.offset % 8).toBe(0);
    const w = h.payload.tensors[0]!;
    const start = 32 + headerLength + w.offset;
    const copy = new Float64Array(bytes.slice(start, start + w.length).buffer);
    expect(sameBits(copy, model.readout!.weights!)).toBe(true);
  });

  test('CRC-32: table implementation matches the standard check value and zlib', () => {
    expect(crc32Table(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(new Uint8Array(0))).toBe(0);
    const rng = new Random(7);
    const bytes = Uint8Array.from({ length: 4099 }, () => rng.integer(256));
    const z = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
    if (typeof z === 'function') expect(crc32Table(bytes)).toBe(z(bytes) >>> 0);
    expect(crc32(bytes)).toBe(crc32Table(bytes));
  });
});

// ---------------------------------------------------------------- helpers for corrupted files

function header(bytes: Uint8Array): ModelFileHeader {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return JSON.parse(Buffer.from(bytes.subarray(32, 32 + n)).toString('utf8')) as ModelFileHeader;
}

/** Rewrites the header with `edit` (JSON text → JSON text), re-padding and fixing lengths and CRC. */
function withHeader(bytes: Uint8Array, edit: (json: string) => string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const n = view.getUint32(12, true);
  const payload = bytes.subarray(32 + n);
  const json = Buffer.from(
    edit(
      Buffer.from(bytes.subarray(32, 32 + n))
        .toString('utf8')
        .trimEnd(),
    ),
    'utf8',
  );
  const hl = Math.ceil((32 + json.length) / 8) * 8 - 32;
  const out = new Uint8Array(32 + hl + payload.length);
  out.set(bytes.subarray(0, 32));
  out.set(json, 32);
  out.fill(0x20, 32 + json.length, 32 + hl);
  out.set(payload, 32 + hl);
  const v = new DataView(out.buffer);
  v.setUint32(12, hl, true);
  v.setUint32(16, out.length, true);
  return fixCrc(out);
}

function editHeader(bytes: Uint8Array, edit: (h: Record<string, any>) => void): Uint8Array {
  return withHeader(bytes, (json) => {
    const h = JSON.parse(json) as Record<string, any>;
    edit(h);
    return JSON.stringify(h);
  });
}

function fixCrc(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(24, crc32Table(bytes.subarray(32)), true);
  return bytes;
}

function rejects(bytes: Uint8Array, pattern: RegExp, source = 'broken.ran'): RanError {
  let error: unknown;
  try {
    decodeModel(bytes, source);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RanError);
  expect((error as RanError).code).toBe(FILE);
  expect((error as RanError).message).toContain(`"${source}"`);
  expect((error as RanError).message).toMatch(pattern);
  return error as RanError;
}

describe('errors', () => {
  let good: Uint8Array;
  let keyed: Uint8Array;
  beforeAll(async () => {
    good = encodeModel(await fitted(CONFIGS.esn!));
    keyed = encodeModel(await fitted(CONFIGS['ran-c data keys']!));
  });
  const copy = (b: Uint8Array): Uint8Array => Uint8Array.from(b);

  test('an unfitted model is refused with ERR_RAN_STATE', async () => {
    const model = new Model(CONFIGS.esn!);
    expect(() => encodeModel(model)).toThrow(expect.objectContaining({ code: ErrorCodes.STATE }));
    await expect(saveModel(model, path.join(dir, 'unfitted.ran'))).rejects.toMatchObject({
      code: ErrorCodes.STATE,
      message: expect.stringMatching(/not fitted/),
    });
    await expect(fs.access(path.join(dir, 'unfitted.ran'))).rejects.toThrow();
  });

  test('bad arguments', async () => {
    expect(() => encodeModel({} as Model)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARG }));
    expect(() => decodeModel([1, 2] as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARG }),
    );
    await expect(loadModel('')).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARG });
  });

  test('missing file and unwritable path', async () => {
    const missing = path.join(dir, 'nope.ran');
    await expect(loadModel(missing)).rejects.toMatchObject({ code: FILE, message: expect.stringContaining(missing) });
    const model = await fitted(CONFIGS.esn!);
    const bad = path.join(dir, 'no-such-dir', 'm.ran');
    await expect(saveModel(model, bad)).rejects.toMatchObject({ code: FILE, message: expect.stringContaining(bad) });
  });

  test('truncated file (and the file name in the message from loadModel)', async () => {
    rejects(good.subarray(0, good.length - 1), /truncated/);
    rejects(good.subarray(0, 40), /truncated/);
    rejects(good.subarray(0, 20), /truncated/);
    rejects(good.subarray(0, 5), /truncated/);
    rejects(new Uint8Array(0), /truncated/);
    const file = path.join(dir, 'truncated.ran');
    await fs.writeFile(file, good.subarray(0, 100));
    await expect(loadModel(file)).rejects.toMatchObject({
      code: FILE,
      message: expect.stringMatching(new RegExp(`"${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}".*truncated`)),
    });
  });

  test('trailing bytes', () => {
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    rejects(longer, /beyond/);
  });

  test('bad magic', () => {
    const b = copy(good);
    b[3] = 0x41;
    rejects(b, /not a recurrent-attention model file/);
    rejects(Buffer.from('{"format":"recurrent-attention/model"}'), /magic/);
    rejects(Buffer.from('RANMOD'.padEnd(64, 'x')), /magic/);
  });

  test('newer or invalid format version', () => {
    const b = copy(good);
    new DataView(b.buffer).setUint32(8, MODEL_FILE_VERSION + 1, true);
    rejects(b, /format version 2 is newer.*upgrade/);
    new DataView(b.buffer).setUint32(8, 0, true);
    rejects(b, /format version 0/);
  });

  test('checksum mismatch', () => {
    const b = copy(good);
    b[b.length - 3]! ^= 0x10;
    rejects(b, /checksum mismatch/);
    const c = copy(good);
    c[40]! ^= 0x01;
    rejects(c, /checksum mismatch/);
    const d = copy(good);
    d[25]! ^= 0x80;
    rejects(d, /checksum mismatch/);
  });

  test('corrupted preamble lengths and reserved bytes', () => {
    const b = copy(good);
    new DataView(b.buffer).setUint32(12, 13, true);
    rejects(b, /header length/);
    const c = copy(good);
    new DataView(c.buffer).setUint32(12, good.length, true);
    rejects(c, /header length/);
    const d = copy(good);
    d[30] = 1;
    rejects(d, /reserved/);
  });

  test('header that is not JSON, not UTF-8, or not an object', () => {
    rejects(
      withHeader(good, (j) => j.slice(0, -1)),
      /not valid UTF-8 JSON/,
    );
    rejects(
      withHeader(good, () => '\xff'),
      /not valid UTF-8 JSON|format/,
    );
    const b = withHeader(good, (j) => j);
    b[33] = 0xc3; // a lone UTF-8 lead byte
    rejects(fixCrc(b), /not valid UTF-8 JSON/);
    rejects(
      withHeader(good, () => '[1, 2]'),
      /not a JSON object/,
    );
    rejects(
      withHeader(good, () => '"RANMODEL"'),
      /not a JSON object/,
    );
    rejects(
      withHeader(good, () => '['.repeat(200000) + ']'.repeat(200000)),
      /not a JSON object|not valid/,
    );
  });

  test.each([
    ['format', (h: Record<string, any>) => (h.format = 'other'), /"format"/],
    ['library', (h: Record<string, any>) => delete h.library, /library.version/],
    ['created', (h: Record<string, any>) => (h.created = 5), /created/],
    ['reservoir', (h: Record<string, any>) => delete h.reservoir, /"reservoir"/],
    ['reservoir.kind', (h: Record<string, any>) => delete h.reservoir.kind, /reservoir.kind/],
    ['reservoir.options', (h: Record<string, any>) => (h.reservoir.options = null), /reservoir.options/],
    ['readout', (h: Record<string, any>) => delete h.readout, /"readout"/],
    ['readout.features', (h: Record<string, any>) => (h.readout.features = -1), /readout.features/],
    ['readout.outputs', (h: Record<string, any>) => (h.readout.outputs = 1.5), /readout.outputs/],
    ['readout.ridge', (h: Record<string, any>) => (h.readout.ridge = 'x'), /readout.ridge/],
    ['payload', (h: Record<string, any>) => delete h.payload, /"payload"/],
    ['payload.tensors', (h: Record<string, any>) => (h.payload.tensors = {}), /payload.tensors/],
    ['tensor dtype', (h: Record<string, any>) => (h.payload.tensors[0].dtype = 'int8'), /dtype/],
    ['tensor offset', (h: Record<string, any>) => (h.payload.tensors[0].offset = 4), /offset/],
    ['tensor shape', (h: Record<string, any>) => (h.payload.tensors[0].shape = [-1]), /shape/],
    ['no weights', (h: Record<string, any>) => (h.payload.tensors = []), /no "readout.weights"/],
    ['unknown tensor', (h: Record<string, any>) => (h.payload.tensors[0].name = 'extra'), /unknown payload tensor/],
    ['duplicate tensor', (h: Record<string, any>) => h.payload.tensors.push(h.payload.tensors[0]), /twice/],
  ])('header misses or mangles %s', (_, edit, pattern) => {
    rejects(editHeader(good, edit), pattern);
  });

  test('unknown reservoir kind', () => {
    rejects(
      editHeader(good, (h) => (h.reservoir.kind = 'lstm')),
      /unknown reservoir kind "lstm"/,
    );
  });

  test('invalid reservoir options', () => {
    rejects(
      editHeader(good, (h) => (h.reservoir.options.units = 'many')),
      /invalid reservoir options.*units/,
    );
    rejects(
      editHeader(good, (h) => (h.reservoir.options.futureOption = 1)),
      /invalid reservoir options/,
    );
  });

  test('payload sizes that do not match features × outputs', () => {
    rejects(
      editHeader(good, (h) => (h.readout.outputs = 3)),
      /readout.weights.*\[\d+, 3\]/,
    );
    rejects(
      editHeader(good, (h) => (h.readout.features += 1)),
      /readout.weights/,
    );
    rejects(
      editHeader(good, (h) => (h.payload.tensors[0].length -= 8)),
      /holds \d+ bytes, its shape/,
    );
    rejects(
      editHeader(good, (h) => (h.payload.tensors[0].offset = 8)),
      /runs past/,
    );
    rejects(
      editHeader(good, (h) => (h.payload.length += 8)),
      /payload/,
    );
    // Weights consistent with the readout but not with the reservoir's size.
    rejects(
      editHeader(good, (h) => (h.reservoir.options.units = 21)),
      /reservoir gives 25 readout features, the readout has 24/,
    );
    // A huge reservoir is refused before it is built.
    rejects(
      editHeader(good, (h) => (h.reservoir.options.units = 1 << 20)),
      /readout features/,
    );
  });

  test('memory keys: wrong shape, wrong model, wrong dtype, not finite', () => {
    rejects(
      editHeader(keyed, (h) => (h.payload.tensors[1].shape = [5, 2, 4])),
      /memoryKeys.*shape \[5, 2, 4\]/,
    );
    rejects(
      editHeader(keyed, (h) => (h.reservoir.options.keys = 'random')),
      /only valid for a ran-c reservoir with keys: "data"/,
    );
    rejects(
      editHeader(keyed, (h) => {
        h.payload.tensors[1].dtype = 'float64';
        h.payload.tensors[1].shape = [2, 5, 2];
      }),
      /float32/,
    );
    const h = header(keyed);
    const k = h.payload.tensors[1]!;
    const b = copy(keyed);
    const start = 32 + new DataView(b.buffer).getUint32(12, true) + k.offset;
    new DataView(b.buffer).setFloat32(start + 4, NaN, true);
    rejects(fixCrc(b), /ERR_RAN_NOT_FINITE/);
    const w = copy(good);
    const ws = 32 + new DataView(w.buffer).getUint32(12, true);
    new DataView(w.buffer).setFloat64(ws + 16, Infinity, true);
    rejects(fixCrc(w), /readout weight 2 is Infinity/);
  });

  test('a valid file is still valid after the edit helpers (control)', () => {
    expect(decodeModel(editHeader(good, () => undefined))).toBeInstanceOf(Model);
    expect(decodeModel(withHeader(keyed, (j) => j + '   '))).toBeInstanceOf(Model);
    // Unknown header fields are ignored (additive changes within a version).
    expect(decodeModel(editHeader(good, (h) => (h.comment = 'hello')))).toBeInstanceOf(Model);
  });
});

describe('fuzz', () => {
  let files: Uint8Array[];
  beforeAll(async () => {
    files = [encodeModel(await fitted(CONFIGS.esn!)), encodeModel(await fitted(CONFIGS['ran-c data keys']!))];
  });

  /** Decodes and returns "ok" or the error code; anything but a RanError ERR_RAN_MODEL_FILE fails the test. */
  function outcome(bytes: Uint8Array, label: string): 'ok' | 'rejected' {
    try {
      const m = decodeModel(bytes, 'fuzz.ran');
      expect(m).toBeInstanceOf(Model);
      m.reservoir.dispose();
      return 'ok';
    } catch (e) {
      if (!(e instanceof RanError) || e.code !== FILE)
        throw new Error(`${label}: unexpected ${String(e)} (${(e as { code?: string }).code})`, { cause: e });
      return 'rejected';
    }
  }

  test('random byte mutations and truncations: a model or ERR_RAN_MODEL_FILE, never anything else', () => {
    const rng = new Random(2024);
    const counts = { ok: 0, rejected: 0 };
    for (let i = 0; i < 400; i++) {
      const src = files[i % files.length]!;
      const b = Uint8Array.from(src);
      const kind = i % 4;
      let bytes: Uint8Array = b;
      if (kind === 0) {
        bytes = b.subarray(0, rng.integer(b.length));
      } else {
        const n = 1 + rng.integer(8);
        // Mutations biased towards the preamble and header, where the structure is.
        for (let k = 0; k < n; k++)
          b[rng.uniform() < 0.6 ? rng.integer(Math.min(b.length, 400)) : rng.integer(b.length)] = rng.integer(256);
        // Half of the mutated files get a correct CRC, so the header and payload checks are reached.
        if (kind >= 2) fixCrc(b);
      }
      counts[outcome(bytes, `case ${i}`)]++;
    }
    expect(counts.rejected).toBeGreaterThan(200);
  });

  test('header edits with a valid checksum: random numbers, strings and deletions in the JSON', () => {
    const rng = new Random(99);
    const values: unknown[] = [
      0,
      -1,
      1,
      2,
      1.5,
      1e9,
      2 ** 31,
      -0,
      null,
      true,
      '',
      'x',
      [],
      {},
      'data',
      'ran-c',
      'esn',
      'float32',
      [1, 2],
    ];
    const counts = { ok: 0, rejected: 0 };
    for (let i = 0; i < 300; i++) {
      const src = files[i % files.length]!;
      const bytes = editHeader(src, (h) => {
        // Pick a random path in the header and replace or delete it.
        let node: any = h;
        let key: string | number = 'reservoir';
        for (let depth = 0; depth < 5; depth++) {
          const keys = Array.isArray(node) ? node.map((_: unknown, j: number) => j) : Object.keys(node);
          if (keys.length === 0) break;
          const picked: string | number | undefined = keys[rng.integer(keys.length)];
          if (picked === undefined) break;
          key = picked;
          if (node[key] === null || typeof node[key] !== 'object' || rng.uniform() < 0.3) break;
          node = node[key];
        }
        if (rng.uniform() < 0.2 && !Array.isArray(node)) delete node[key];
        else node[key] = values[rng.integer(values.length)];
      });
      counts[outcome(bytes, `case ${i}`)]++;
    }
    expect(counts.rejected).toBeGreaterThan(50);
  });
});
