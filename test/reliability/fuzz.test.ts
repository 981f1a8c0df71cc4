/**
 * Property-based fuzzing of the public API (fast-check, fixed seed). The property everywhere:
 * a call returns a result that agrees with the float64 reference, or throws a documented
 * error (a `code` starting with ERR_RAN_) — never a crash, a hang or another exception.
 */
import fc from 'fast-check';
import { ESN } from '../../lib/reservoirs/esn';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import type { Reservoir } from '../../lib/reservoirs/reservoir';
import { Ridge } from '../../lib/readout/ridge';
import { native } from '../../lib/native';
import { referenceRun } from '../reference/network';
import { maxError, randomTensor, sameBits } from '../helpers';

const SEED = 20240608;
const LIMIT = 32 * 1024 * 1024;
const DEFAULT_LIMIT = 4 * 1024 * 1024 * 1024;

beforeAll(() => native().setMemoryLimit(LIMIT));
afterAll(() => native().setMemoryLimit(DEFAULT_LIMIT));

/** A documented error: has a string `code` starting with ERR_RAN_ (anything else is rethrown). */
function documented(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_RAN_')) return code;
  throw new Error(`undocumented exception: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string };

function attempt<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, code: documented(e) };
  }
}

async function attemptAsync<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, code: documented(e) };
  }
}

/** Any value: valid-looking numbers, edge numbers, wrong types. */
const junk = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -1, -0, 0, 0.5, 1.5, 2 ** 31, 2 ** 53, 1e300, -1e300, Number.MIN_VALUE),
  fc.constantFrom(null, 'relu', 'x', '', true, false, [], {}, [1, 2], new Float32Array(2), () => 1, Symbol('s'), 10n),
);
/** Per option: a valid arbitrary and an arbitrary that also yields invalid values. */
type Spec = Record<string, [fc.Arbitrary<unknown>, fc.Arbitrary<unknown>]>;
const both = (
  valid: fc.Arbitrary<unknown>,
  extra: fc.Arbitrary<unknown>,
): [fc.Arbitrary<unknown>, fc.Arbitrary<unknown>] => [
  valid,
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: extra }),
];
const size = both(
  fc.integer({ min: 1, max: 6 }),
  fc.oneof(fc.integer({ min: -2, max: 0 }), fc.constantFrom(1 << 16, 1 << 20, 1 << 30, 2 ** 40), junk),
);
const unit = both(fc.double({ min: 0.05, max: 1, noNaN: true }), fc.oneof(fc.constantFrom(0, 1.0000001, -0.1), junk));
const scale = both(fc.double({ min: 0, max: 3, noNaN: true }), fc.oneof(fc.constantFrom(1e6, 1e7, -1), junk));
const flag = both(fc.boolean(), junk);
const pick = <T>(values: T[]): [fc.Arbitrary<unknown>, fc.Arbitrary<unknown>] => both(fc.constantFrom(...values), junk);

/**
 * Option objects: 3 in 4 have only valid values (every key present or absent), the rest mix in
 * invalid values, huge sizes and an unknown key. `inputDim` is always there (it is required).
 */
function optionsOf(spec: Spec, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(spec);
  const valid = fc.record(Object.fromEntries(keys.map((k) => [k, spec[k]![0]])), {
    requiredKeys: keys.filter((k) => ['inputDim', 'features', 'outputs', ...required].includes(k)),
  });
  const any = fc
    .tuple(
      fc.record(Object.fromEntries(keys.map((k) => [k, spec[k]![1]])), { requiredKeys: [] }),
      fc.option(fc.constantFrom('unit', 'Units', 'leak_rate'), { nil: undefined, freq: 5 }),
    )
    .map(([o, extra]) => (extra ? { ...o, [extra]: 1 } : o));
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: any });
}

const common: Spec = {
  inputDim: both(fc.integer({ min: 0, max: 4 }), fc.oneof(size[1], junk)),
  seed: both(fc.nat(), junk),
  includeInput: flag,
};
const esnOptions = optionsOf(
  {
    ...common,
    units: both(fc.integer({ min: 1, max: 40 }), size[1]),
    spectralRadius: scale,
    leakRate: unit,
    inputScaling: scale,
    biasScaling: scale,
    connectivity: unit,
    distribution: pick(['uniform', 'normal']),
  },
  ['units'],
); // the default (500 units) takes a second to draw
const attentionOptions = optionsOf(
  {
    ...common,
    units: size,
    width: size,
    context: size,
    heads: both(fc.constant(1), fc.integer({ min: 0, max: 4 })),
    temperature: both(fc.double({ min: 0.05, max: 3, noNaN: true }), fc.oneof(fc.constant(0), scale[1])),
    ffHidden: both(fc.integer({ min: 0, max: 6 }), size[1]),
    activation: pick(['relu', 'gelu']),
    connectivity: unit,
    spectralRadius: scale,
    leakRate: unit,
    inputScaling: scale,
    biasScaling: scale,
    shared: flag,
    queryScale: scale,
    keyScale: scale,
    valueScale: scale,
    ffScale: scale,
  },
  ['units', 'width'],
);
const decomposedOptions = optionsOf(
  {
    ...common,
    attentionUnits: size,
    memoryUnits: size,
    width: size,
    context: size,
    heads: both(fc.constant(1), fc.integer({ min: 0, max: 4 })),
    temperature: both(fc.double({ min: 0.05, max: 3, noNaN: true }), fc.oneof(fc.constant(0), scale[1])),
    slots: size,
    retrieval: pick(['relu', 'softmax']),
    memoryTemperature: both(fc.double({ min: 0.05, max: 3, noNaN: true }), fc.oneof(fc.constant(0), scale[1])),
    keys: pick(['random']),
    connectivity: both(
      fc.oneof(
        unit[0],
        fc.record({
          attentionToAttention: unit[0],
          attentionToMemory: unit[0],
          memoryToAttention: unit[0],
          memoryToMemory: unit[0],
        }),
      ),
      fc.oneof(
        fc.record({
          attentionToAttention: unit[1],
          attentionToMemory: unit[1],
          memoryToAttention: unit[1],
          memoryToMemory: unit[1],
        }),
        junk,
      ),
    ),
    spectralRadius: scale,
    leakRate: both(
      fc.oneof(unit[0], fc.record({ attention: unit[0], memory: unit[0] })),
      fc.oneof(fc.record({ attention: unit[1], memory: unit[1] }), junk),
    ),
    inputScaling: scale,
    biasScaling: scale,
    memoryInputFraction: both(fc.double({ min: 0, max: 1, noNaN: true }), junk),
    shared: flag,
    memoryValueScale: scale,
  },
  ['attentionUnits', 'memoryUnits', 'width'],
);

/**
 * Drawing an n×n ESN matrix costs n² random draws whatever the connectivity (the draw order
 * is part of the reproducibility contract); keep valid-but-slow constructions out of the run.
 */
function affordable(o: Record<string, unknown>): boolean {
  const big = (v: unknown): boolean => typeof v === 'number' && v > 64;
  if (
    big(o['units']) &&
    !(typeof o['connectivity'] === 'number' && o['connectivity'] >= 0.01) &&
    o['connectivity'] !== undefined
  )
    return false;
  return true;
}

const KINDS = [
  { name: 'ESN', make: (o: Record<string, unknown>) => new ESN(o as never), options: esnOptions },
  {
    name: 'AttentionReservoir',
    make: (o: Record<string, unknown>) => new AttentionReservoir(o as never),
    options: attentionOptions,
  },
  {
    name: 'DecomposedReservoir',
    make: (o: Record<string, unknown>) => new DecomposedReservoir(o as never),
    options: decomposedOptions,
  },
] as const;

/** Options whose float32 run stays close to the float64 reference (no extreme scales). */
function tame(r: Reservoir): boolean {
  const o = r.options as unknown as Record<string, unknown>;
  for (const k of [
    'inputScaling',
    'biasScaling',
    'queryScale',
    'keyScale',
    'valueScale',
    'ffScale',
    'memoryValueScale',
    'spectralRadius',
  ]) {
    if (typeof o[k] === 'number' && o[k] > 3) return false;
  }
  for (const k of ['temperature', 'memoryTemperature']) if (typeof o[k] === 'number' && o[k] < 0.2) return false;
  return r.stateSize <= 400;
}

describe('fuzzing: random options, shapes and values', () => {
  for (const kind of KINDS) {
    test(`${kind.name}: construction and one run agree with the reference or throw ERR_RAN_*`, () => {
      let built = 0;
      let compared = 0;
      fc.assert(
        fc.property(
          kind.options.filter(affordable),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 0, max: 1 << 20 }),
          (options, b, t, dataSeed) => {
            const t0 = Date.now();
            const made = attempt(() => kind.make(options));
            if (process.env['RAN_FUZZ_TIME'] && Date.now() - t0 > 200)
              console.log(Date.now() - t0, JSON.stringify(options), made.ok ? 'ok' : made.code);
            if (!made.ok) return;
            built++;
            const res = made.value;
            try {
              const x = randomTensor(dataSeed, b, t, res.inputDim);
              const out = attempt(() => res.run(x, { states: true, threads: 1 + (dataSeed % 3) }));
              if (!out.ok) {
                expect(['ERR_RAN_TOO_LARGE']).toContain(out.code);
                return;
              }
              const states = out.value.states!;
              expect(states.shape).toEqual([b, t, res.stateSize]);
              for (const v of states.data) expect(Number.isFinite(v)).toBe(true);
              if (tame(res)) {
                compared++;
                const ref = referenceRun(res.describe(), x.data, b, t);
                expect(maxError(states.data, ref.states, 3e-4, 3e-4)).toBeLessThanOrEqual(1);
              }
            } finally {
              res.dispose();
            }
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
      expect(built).toBeGreaterThan(5);
      expect(compared).toBeGreaterThan(0);
    });
  }

  test('run inputs: wrong kinds, NaN/Inf, empty, negative and huge shapes, detached buffers', () => {
    const esn = new ESN({ inputDim: 2, units: 12, seed: 3 });
    const ran = new AttentionReservoir({
      inputDim: 2,
      units: 3,
      width: 4,
      context: 3,
      ffHidden: 4,
      connectivity: 1,
      seed: 3,
    });
    const kinds = [
      (n: number) => new Float32Array(n),
      (n: number) => new Float64Array(n),
      (n: number) => new Int32Array(n),
      (n: number) => new Uint8Array(n),
      (n: number) => Array.from({ length: n }, () => 0),
      (n: number) => new Float32Array(new SharedArrayBuffer(4 * n)),
      (n: number) => {
        const a = new Float32Array(n);
        structuredClone(a.buffer, { transfer: [a.buffer] });
        return a;
      },
      (n: number) => new Float32Array(new ArrayBuffer(4 * n + 8), 8, n),
    ];
    const dim = fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: -1, max: 4 }) },
      { weight: 1, arbitrary: fc.constantFrom(1 << 30, 2 ** 31, 2 ** 53, NaN, Infinity, 1.5, -0) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: kinds.length - 1 }),
        fc.tuple(dim, dim, dim),
        fc.integer({ min: -2, max: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, 1e38, -1e38, 3.4e38)), { maxLength: 2 }),
        fc.boolean(),
        fc.constantFrom(
          undefined,
          { reset: false },
          { states: true },
          { threads: 0 },
          { threads: 2 },
          { attentionUnits: [0, 2] },
          { attentionUnits: [5] },
          { attentionUnits: [] },
          { bogus: 1 },
          null,
          5,
          { signal: new AbortController().signal },
        ),
        (k, shape, lengthDelta, bad, useRan, options) => {
          const res = useRan ? ran : esn;
          const [b, t, d] = shape;
          const count =
            Number.isSafeInteger(b * t * d) && b * t * d >= 0 && b * t * d < 1e6 ? b * t * d + lengthDelta : 4;
          const data = kinds[k]!(Math.max(0, count)) as Float32Array;
          for (const [i, v] of bad)
            if (data.length > 0 && !Object.isFrozen(data)) (data as unknown as number[])[i % data.length] = v;
          const out = attempt(() => res.run({ data, shape: [b, t, d] } as never, options as never));
          if (out.ok) {
            // Every accepted call was a well-formed tensor of finite numbers (plain data in:
            // float32 as is, other numeric arrays copied).
            expect([
              '[object Float32Array]',
              '[object Float64Array]',
              '[object Int32Array]',
              '[object Uint8Array]',
              '[object Array]',
            ]).toContain(Object.prototype.toString.call(data));
            expect(data.length).toBe(b * t * d);
            for (const v of data) expect(Number.isFinite(v)).toBe(true);
          } else if (out.code === 'ERR_RAN_NOT_FINITE') {
            expect(bad.length).toBeGreaterThan(0);
          }
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
    esn.dispose();
    ran.dispose();
  });

  test('Ridge: random options, rows, λ and calls', () => {
    const rowsArb = fc.tuple(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      fc.constantFrom('f64', 'f32', 'i32', 'array', 'detached', 'wrongLength'),
      fc.constantFrom(0, NaN, Infinity, 1e308),
    );
    fc.assert(
      fc.property(
        optionsOf({ features: size, outputs: size, ridge: scale }),
        fc.array(
          fc.oneof(
            rowsArb.map((r) => ['addRows', r] as const),
            fc.tuple(fc.constant('solve' as const), fc.oneof(scale[1], fc.constant(undefined))),
            fc.constantFrom(
              ['reset'] as const,
              ['export'] as const,
              ['sweep'] as const,
              ['merge'] as const,
              ['predict'] as const,
              ['import'] as const,
            ),
          ),
          { maxLength: 8 },
        ),
        (options, calls) => {
          const made = attempt(() => new Ridge(options as never));
          if (!made.ok) return;
          const r = made.value;
          const f = r.features;
          const o = r.outputs;
          let rows = 0;
          for (const call of calls) {
            if (call[0] === 'addRows') {
              const [n, seed, same, kind, bad] = call[1];
              const make = (len: number): unknown => {
                const a = new Float64Array(len).map((_, i) => Math.sin(seed * 100 + i));
                if (kind === 'f32') return Float32Array.from(a);
                if (kind === 'i32') return Int32Array.from(a);
                if (kind === 'array') return Array.from(a);
                if (kind === 'detached') structuredClone(a.buffer, { transfer: [a.buffer] });
                if (kind === 'wrongLength') return a.subarray(0, Math.max(0, len - 1));
                if (bad !== 0 && len > 0) a[len - 1] = bad;
                return a;
              };
              const x = make(n * f);
              const y = make((same ? n : n + 1) * o);
              const out = attempt(() => r.addRows(x as never, y as never));
              if (out.ok) {
                // Accepted: float arrays, not detached, of matching row counts.
                expect(['f64', 'f32', 'wrongLength']).toContain(kind);
                const xr = (x as Float64Array).length / f;
                expect((y as Float64Array).length / o).toBe(xr);
                rows += xr;
              }
            } else if (call[0] === 'solve') {
              const out = attempt(() => r.solve(call[1] as never));
              if (out.ok) {
                expect(out.value.length).toBe(f * o);
                for (const v of out.value) expect(Number.isFinite(v)).toBe(true);
              } else {
                expect(['ERR_RAN_INVALID_ARG', 'ERR_RAN_STATE', 'ERR_RAN_SINGULAR', 'ERR_RAN_TOO_LARGE']).toContain(
                  out.code,
                );
              }
            } else if (call[0] === 'reset') {
              r.reset();
              rows = 0;
            } else if (call[0] === 'export') {
              const e = r.exportStatistics();
              expect(e.rows).toBe(rows);
              expect(e.xtx.length).toBe(f * f);
            } else if (call[0] === 'sweep') {
              attempt(() => r.sweep([0, 1e-3, 1], { skipSingular: true }));
            } else if (call[0] === 'merge') {
              const other = new Ridge({ features: f, outputs: o });
              attempt(() => r.merge(other));
              attempt(() => r.merge(r));
              attempt(() => r.merge({} as never));
            } else if (call[0] === 'predict') {
              attempt(() => r.predict(new Float64Array(2 * f)));
              attempt(() => r.predict(new Float64Array(f + 1)));
            } else {
              attempt(() => r.importStatistics(r.exportStatistics()));
              attempt(() =>
                r.importStatistics({
                  features: f,
                  outputs: o,
                  rows: -1,
                  xtx: new Float64Array(1),
                  xty: new Float64Array(1),
                }),
              );
              attempt(() => r.importStatistics(null as never));
            }
            expect(r.rows).toBe(rows);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

type Op =
  | 'run'
  | 'runNoReset'
  | 'runAsync'
  | 'runAsyncNoAwait'
  | 'reset'
  | 'dispose'
  | 'train'
  | 'trainAsync'
  | 'solve'
  | 'solveAsyncNoAwait'
  | 'addRows'
  | 'predict'
  | 'abort';

describe('fuzzing: random call orders', () => {
  test('run/reset/runAsync/dispose/train/solve in any order: results or ERR_RAN_*, no corruption', async () => {
    const ops: Op[] = [
      'run',
      'runNoReset',
      'runAsync',
      'runAsyncNoAwait',
      'reset',
      'dispose',
      'train',
      'trainAsync',
      'solve',
      'solveAsyncNoAwait',
      'addRows',
      'predict',
      'abort',
    ];
    const x = randomTensor(11, 2, 6, 2);
    const y = randomTensor(12, 2, 6, 1);
    const makers = [
      () => new ESN({ inputDim: 2, units: 10, seed: 5 }),
      () =>
        new AttentionReservoir({ inputDim: 2, units: 2, width: 4, context: 3, ffHidden: 4, connectivity: 1, seed: 5 }),
      () =>
        new DecomposedReservoir({
          inputDim: 2,
          attentionUnits: 2,
          memoryUnits: 2,
          width: 4,
          context: 3,
          slots: 4,
          connectivity: 1,
          seed: 5,
        }),
    ];
    const baselines = makers.map((m) => {
      const r = m();
      const s = r.run(x, { states: true }).states!.data;
      r.dispose();
      return s;
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.constantFrom(...ops), { minLength: 1, maxLength: 14 }),
        async (which, sequence) => {
          const res = makers[which]!();
          const readout = res.createReadout(1, 1e-3);
          const pending: Promise<unknown>[] = [];
          let disposed = false;
          const track = (p: Promise<unknown>): void => {
            pending.push(
              p.then(
                () => undefined,
                (e) => void documented(e),
              ),
            );
          };
          for (const op of sequence) {
            let out: Outcome<unknown>;
            switch (op) {
              case 'run':
                out = attempt(() => res.run(x, { states: true }));
                break;
              case 'runNoReset':
                out = attempt(() => res.run(x, { reset: false }));
                break;
              case 'runAsync':
                out = await attemptAsync(() => res.runAsync(x, { states: true }));
                break;
              case 'runAsyncNoAwait':
                out = attempt(() => track(res.runAsync(x, { states: true, threads: 2 })));
                break;
              case 'reset':
                out = attempt(() => res.reset());
                break;
              case 'dispose':
                out = attempt(() => res.dispose());
                if (out.ok) disposed = true;
                break;
              case 'train':
                out = attempt(() => res.run(x, { train: { readout, targets: y, select: { washout: 1 } } }));
                break;
              case 'trainAsync':
                out = attempt(() => track(res.runAsync(x, { train: { readout, targets: y, select: 'last' } })));
                break;
              case 'solve':
                out = attempt(() => readout.solve());
                break;
              case 'solveAsyncNoAwait':
                out = attempt(() => track(readout.solveAsync()));
                break;
              case 'addRows':
                out = attempt(() => readout.addRows(new Float64Array(readout.features), new Float64Array(1)));
                break;
              case 'predict':
                out = attempt(() => res.run(x, { readout }));
                break;
              case 'abort': {
                const ac = new AbortController();
                const p = res.runAsync(x, { signal: ac.signal });
                ac.abort();
                out = await attemptAsync(() => p);
                break;
              }
            }
            if (!out.ok) {
              if (disposed) expect(['ERR_RAN_STATE', 'ERR_RAN_BUSY', 'ERR_RAN_ABORTED']).toContain(out.code);
              else expect(['ERR_RAN_BUSY', 'ERR_RAN_STATE', 'ERR_RAN_ABORTED', 'ERR_RAN_SINGULAR']).toContain(out.code);
            }
          }
          await Promise.all(pending);
          if (!disposed) {
            // Whatever happened before, a run from a reset state gives the same bits.
            const again = res.run(x, { states: true }).states!.data;
            expect(sameBits(again, baselines[which]!)).toBe(true);
            res.dispose();
          } else {
            expect(attempt(() => res.run(x))).toEqual({ ok: false, code: 'ERR_RAN_STATE' });
          }
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});
