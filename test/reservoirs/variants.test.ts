/**
 * The attention unit variants (architecture.md, "Attention unit variants"): native runs against
 * the float64 reference on random inputs of several shapes, bit-identity across thread counts and
 * batches, option checks, budget sizing and model-file round trips.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ErrorCodes } from '../../lib/errors';
import { sizeForBudget } from '../../lib/model/budget';
import { loadModel, saveModel } from '../../lib/model/file';
import { Model } from '../../lib/model/model';
import { shardStatistics } from '../../lib/scaleout/statistics';
import { native, type NativeNetworkSpec } from '../../lib/native';
import { Ridge } from '../../lib/readout/ridge';
import { AttentionReservoir, type AttentionReservoirOptions } from '../../lib/reservoirs/attention';
import { DecomposedReservoir, type DecomposedReservoirOptions } from '../../lib/reservoirs/decomposed';
import type { Reservoir } from '../../lib/reservoirs/reservoir';
import { writeThreshold, type AttentionVariantOptions } from '../../lib/reservoirs/units';
import { referenceFeatures, referenceRun } from '../reference/network';
import { maxError, randomTensor, sameBits, throwsCode } from '../helpers';

const ATOL = 5e-5;
const RTOL = 5e-5;

/** Readout outputs = features (identity weights), compared with the reference features. */
function checkFeatures(res: Reservoir, x: ReturnType<typeof randomTensor>): void {
  const [b, t] = x.shape;
  const f = res.featureDim;
  const readout = new Ridge({ features: f, outputs: f });
  const eye = new Float64Array(f * f);
  for (let i = 0; i < f; i++) eye[i * f + i] = 1;
  readout.setWeights(eye);
  const got = res.run(x, { readout }).outputs!;
  const ref = referenceRun(res.describe(), x.data, b, t);
  const want = referenceFeatures(res.describe(), ref.states, x.data, b, t, true, ref.fast);
  expect(want.length).toBe(b * t * f);
  expect(maxError(got.data, want, ATOL, RTOL)).toBeLessThanOrEqual(1);
}

/** Inputs with runs of zero steps (answer phases), so that gated writes skip some steps. */
function withZeroSteps(seed: number, b: number, t: number, d: number): ReturnType<typeof randomTensor> {
  const x = randomTensor(seed, b, t, d);
  for (let s = 0; s < b; s++)
    for (let step = 0; step < t; step++)
      if ((step + s) % 3 === 1 || step % 7 > 4) x.data.fill(0, (s * t + step) * d, (s * t + step + 1) * d);
  return x;
}

const VARIANTS: Array<[string, AttentionVariantOptions]> = [
  ['readout o', { readoutState: 'o' }],
  ['readout both', { readoutState: 'both' }],
  ['cosine', { scores: 'cosine', sharpness: 5 }],
  ['cosine tied', { scores: 'cosine', sharpness: 12, tiedKeys: true }],
  ['position bias', { positionBias: 0.8 }],
  ['slots from the input', { slotContent: 'input' }],
  ['slots from the state', { slotContent: 'state' }],
  ['gated writes', { gatedWrites: true }],
  [
    'gated writes rate 0.4, cosine, bias, both',
    { gatedWrites: true, writeRate: 0.4, scores: 'cosine', positionBias: 0.5, readoutState: 'both' },
  ],
  ['input slots, gated, tied', { slotContent: 'input', gatedWrites: true, writeRate: 0.7, tiedKeys: true }],
];

describe('RAN-A variants: native vs float64 reference', () => {
  // M, d, k, heads, d_ff, shared, B, T (B = 1, 4, 8, 16 and 17 lanes: every tile kernel)
  const shapes: Array<[number, number, number, number, number, boolean, number, number]> = [
    [3, 4, 3, 1, 0, false, 1, 14],
    [4, 8, 5, 2, 8, true, 3, 16],
    [2, 6, 4, 3, 0, false, 8, 12],
    [5, 4, 8, 2, 4, false, 17, 18],
  ];
  for (const [name, variant] of VARIANTS) {
    test.each(shapes)(
      `${name}: M=%i d=%i k=%i heads=%i d_ff=%i shared=%s B=%i T=%i`,
      (units, width, context, heads, ffHidden, shared, b, t) => {
        const res = new AttentionReservoir({
          inputDim: 3,
          units,
          width,
          context,
          heads,
          ffHidden,
          shared,
          connectivity: 0.5,
          temperature: 0.7,
          seed: 5,
          ...variant,
        });
        const x = withZeroSteps(21, b, t, 3);
        const att = [0, units - 1];
        const got = res.run(x, { states: true, attentionUnits: att });
        const ref = referenceRun(res.describe(), x.data, b, t, att);
        expect(maxError(got.states!.data, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
        expect(maxError(got.attention!.data, ref.attention, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
        checkFeatures(res, x);
      },
    );
  }

  test('context 64 with every variant at once', () => {
    const res = new AttentionReservoir({
      inputDim: 2,
      units: 3,
      width: 8,
      context: 64,
      heads: 2,
      ffHidden: 4,
      seed: 3,
      scores: 'cosine',
      positionBias: 0.2,
      gatedWrites: true,
      writeRate: 0.8,
      readoutState: 'both',
    });
    const x = withZeroSteps(8, 5, 150, 2);
    const got = res.run(x, { states: true, attentionUnits: [1] });
    const ref = referenceRun(res.describe(), x.data, 5, 150, [1]);
    expect(maxError(got.states!.data, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
    expect(maxError(got.attention!.data, ref.attention, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
  });
});

describe('RAN-C variants: native vs float64 reference', () => {
  const cases: Array<[string, Partial<DecomposedReservoirOptions>, number]> = [
    ['readout o (memory units too)', { readoutState: 'o' }, 5],
    ['readout both, cosine', { readoutState: 'both', scores: 'cosine' }, 17],
    ['gated input slots with position bias', { slotContent: 'input', gatedWrites: true, positionBias: 1 }, 4],
    ['state slots, data values', { slotContent: 'state', keys: 'data', values: 'data' }, 8],
  ];
  test.each(cases)('%s, B=%i', (_name, variant, b) => {
    const res = new DecomposedReservoir({
      inputDim: 2,
      attentionUnits: 3,
      memoryUnits: 2,
      width: 4,
      context: 4,
      heads: 2,
      slots: 6,
      seed: 9,
      ...variant,
    });
    const x = withZeroSteps(22, b, 13, 2);
    if (res.options.keys === 'data') res.fitKeys(x);
    const got = res.run(x, { states: true });
    const ref = referenceRun(res.describe(), x.data, b, 13);
    expect(maxError(got.states!.data, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
    checkFeatures(res, x);
  });
});

describe('variant properties', () => {
  test('gated writes: a zero input writes nothing, so an answer phase keeps the context', () => {
    const res = new AttentionReservoir({ inputDim: 2, units: 2, width: 4, context: 3, gatedWrites: true, seed: 1 });
    const x = randomTensor(4, 1, 10, 2);
    x.data.fill(0, 2 * 2); // steps 2.. are zero
    const a = res.run(x, { attentionUnits: [0] }).attention!;
    // Two writes (steps 0 and 1), then the same two slots at every later step.
    for (let step = 1; step < 10; step++) {
      const w = Array.from(a.data.subarray(step * 3, step * 3 + 3));
      expect(w[2]).toBe(0);
      expect(Math.abs(w[0]! + w[1]! - 1)).toBeLessThan(1e-6);
    }
  });

  test('gated writes: the write threshold gives the write rate on isotropic inputs', () => {
    expect(writeThreshold(1)).toBe(0);
    expect(writeThreshold(0.3173105)).toBeCloseTo(1, 5); // P(|N(0,1)| > 1)
    expect(writeThreshold(0.0455003)).toBeCloseTo(2, 4);
  });

  test('position bias: with a large γ each head attends to its own lag', () => {
    const k = 6;
    const res = new AttentionReservoir({
      inputDim: 2,
      units: 4,
      width: 4,
      context: k,
      heads: 2,
      positionBias: 50,
      seed: 2,
    });
    const bias = res.describe().populations[0]!.positionBias!;
    const a = res.run(randomTensor(5, 1, 20, 2), { attentionUnits: [0, 1, 2, 3] }).attention!;
    const step = 19;
    for (let h = 0; h < 8; h++) {
      const lag = Array.from(bias.subarray(h * k, (h + 1) * k)).indexOf(0);
      expect(a.data[(step * 8 + h) * k + lag]!).toBeGreaterThan(0.99);
    }
  });

  test('cosine scores stay sharp at a small input scale, where dot scores are uniform', () => {
    // With tied keys the newest slot's cosine is 1, the largest possible, whatever the drive's length.
    const base = { inputDim: 3, units: 3, width: 8, context: 4, ffHidden: 0, biasScaling: 0, tiedKeys: true, seed: 4 };
    const x = randomTensor(6, 4, 30, 3, 0.01);
    const cosine = new AttentionReservoir({ ...base, scores: 'cosine', sharpness: 30 });
    const dot = new AttentionReservoir(base);
    for (const w of cosine.run(x, { attentionStats: true }).attentionStats!.newestWeight)
      expect(w).toBeGreaterThan(0.5);
    for (const e of dot.run(x, { attentionStats: true }).attentionStats!.relativeEntropy)
      expect(e).toBeGreaterThan(0.99);
  });

  test('readout o: features are the un-leaked outputs; y is unchanged by the option', () => {
    const base = { inputDim: 2, units: 3, width: 4, context: 3, leakRate: 0.1, seed: 7 };
    const x = randomTensor(9, 3, 11, 2);
    const y = new AttentionReservoir(base).run(x, { states: true }).states!.data;
    const withO = new AttentionReservoir({ ...base, readoutState: 'o' });
    expect(sameBits(withO.run(x, { states: true }).states!.data, y)).toBe(true);
    expect(withO.featureDim).toBe(12 + 2 + 1);
    expect(new AttentionReservoir({ ...base, readoutState: 'both' }).featureDim).toBe(24 + 2 + 1);
  });

  test('defaults: the variant options change nothing when off', () => {
    const base = { inputDim: 2, units: 3, width: 4, context: 3, seed: 7 };
    const off: AttentionReservoirOptions = {
      ...base,
      readoutState: 'y',
      scores: 'dot',
      tiedKeys: false,
      positionBias: 0,
      slotContent: 'drive',
      gatedWrites: false,
    };
    const a = new AttentionReservoir(base).describe();
    const b = new AttentionReservoir(off).describe();
    expect(Object.keys(b.populations[0]!).sort()).toEqual(Object.keys(a.populations[0]!).sort());
    expect(sameBits(a.populations[0]!.wQ!, b.populations[0]!.wQ!)).toBe(true);
  });
});

describe('attention statistics with gated writes', () => {
  test('against the reference weights, filled slots counted per (sequence, step)', () => {
    const k = 5;
    const units = 4;
    const heads = 2;
    const res = new AttentionReservoir({
      inputDim: 3,
      units,
      width: 8,
      context: k,
      heads,
      gatedWrites: true,
      writeRate: 0.8,
      positionBias: 0.3,
      seed: 6,
    });
    const [b, t] = [19, 30];
    const x = withZeroSteps(12, b, t, 3);
    const got = res.run(x, { attentionStats: true }).attentionStats!;
    const all = Array.from({ length: units }, (_, i) => i);
    const w = referenceRun(res.describe(), x.data, b, t, all).attention;
    const sums = Array.from({ length: units }, (): [number, number, number, number] => [0, 0, 0, 0]);
    for (let r = 0; r < b * t; r++)
      for (let m = 0; m < units; m++)
        for (let h = 0; h < heads; h++) {
          const a = Array.from(w.subarray(((r * units + m) * heads + h) * k, ((r * units + m) * heads + h + 1) * k));
          const filled = a.filter((v) => v > 0).length;
          if (filled < 2) continue;
          const acc = sums[m]!;
          acc[0] += -a.reduce((e, v) => (v > 0 ? e + v * Math.log(v) : e), 0) / Math.log(filled);
          acc[1] += a[0]!;
          acc[2] += a.reduce((e, v, age) => e + v * age, 0);
          acc[3] += 1;
        }
    for (let m = 0; m < units; m++) {
      const acc = sums[m]!;
      if (acc[3] === 0) acc.splice(0, 4, 0, 1, 0, 1); // never two slots: what one slot gives
      expect(Math.abs(got.relativeEntropy[m]! - acc[0] / acc[3])).toBeLessThan(1e-5);
      expect(Math.abs(got.newestWeight[m]! - acc[1] / acc[3])).toBeLessThan(1e-5);
      expect(Math.abs(got.meanLag[m]! - acc[2] / acc[3])).toBeLessThan(1e-4);
    }
  });
});

describe('variant determinism', () => {
  const configs: Array<[string, AttentionReservoirOptions]> = [
    [
      'gated, cosine, bias, both',
      {
        inputDim: 3,
        units: 6,
        width: 8,
        context: 8,
        heads: 2,
        gatedWrites: true,
        writeRate: 0.6,
        scores: 'cosine',
        positionBias: 0.3,
        readoutState: 'both',
        seed: 3,
      },
    ],
    [
      'input slots, o',
      { inputDim: 3, units: 6, width: 8, context: 8, slotContent: 'input', readoutState: 'o', seed: 4 },
    ],
  ];
  test.each(configs)('%s: same bits for any thread count and batch', (_name, options) => {
    const res = new AttentionReservoir(options);
    const x = withZeroSteps(11, 37, 25, 3);
    const f = res.featureDim;
    const readout = new Ridge({ features: f, outputs: 2 });
    readout.setWeights(Float64Array.from({ length: f * 2 }, (_, i) => Math.sin(i)));
    const runs = [1, 2, 4].map((threads) => res.run(x, { states: true, readout, attentionStats: true, threads }));
    for (const r of runs.slice(1)) {
      expect(sameBits(r.states!.data, runs[0]!.states!.data)).toBe(true);
      expect(sameBits(r.outputs!.data, runs[0]!.outputs!.data)).toBe(true);
      expect(sameBits(r.attentionStats!.relativeEntropy, runs[0]!.attentionStats!.relativeEntropy)).toBe(true);
    }
    // Sequence 20 alone (a one-lane tile) gives the bits it gets in the batch.
    const single = { data: x.data.slice(20 * 25 * 3, 21 * 25 * 3), shape: [1, 25, 3] as [number, number, number] };
    const alone = res.run(single, { states: true, readout, threads: 1 });
    const n = res.stateSize;
    expect(sameBits(alone.states!.data, runs[0]!.states!.data.subarray(20 * 25 * n, 21 * 25 * n))).toBe(true);
    expect(sameBits(alone.outputs!.data, runs[0]!.outputs!.data.subarray(20 * 25 * 2, 21 * 25 * 2))).toBe(true);
  });
});

describe('variant options', () => {
  const bad: Array<[string, Partial<AttentionReservoirOptions>]> = [
    ['readoutState', { readoutState: 'x' as 'y' }],
    ['scores', { scores: 'l2' as 'dot' }],
    ['sharpness', { sharpness: 0 }],
    ['tiedKeys', { tiedKeys: 1 as unknown as boolean }],
    ['positionBias', { positionBias: -1 }],
    ['slotContent', { slotContent: 'keys' as 'drive' }],
    ['gatedWrites', { gatedWrites: 'yes' as unknown as boolean }],
    ['writeRate', { writeRate: 0 }],
    ['writeRate', { writeRate: 1.5 }],
  ];
  test.each(bad)('%s: a RanError naming the option', (name, o) => {
    const e = throwsCode(
      () => new AttentionReservoir({ inputDim: 2, units: 2, width: 4, ...o }),
      ErrorCodes.INVALID_ARG,
    );
    expect(e.message).toContain(name);
    throwsCode(() => new DecomposedReservoir({ inputDim: 2, ...o }), ErrorCodes.INVALID_ARG);
  });

  test('the native spec: gated writes without inputDim, and a bad choice, are clear errors', () => {
    const spec = new AttentionReservoir({ inputDim: 2, units: 2, width: 4, context: 2, seed: 1 }).describe();
    const pop = spec.populations[0]!;
    const gated: NativeNetworkSpec = {
      ...spec,
      populations: [{ ...pop, gatedWrites: true, writeGate: new Float32Array(0) }],
    };
    expect(() => new (native().Network)(gated)).toThrow(/inputDim must be positive/);
    const choice = { ...spec, populations: [{ ...pop, readoutState: 'z' as 'y' }] };
    expect(() => new (native().Network)(choice)).toThrow(/readoutState` must be one of "y", "o", "both"/);
    const gates = {
      ...spec,
      populations: [{ ...pop, gatedWrites: true, inputDim: 2, writeGate: new Float32Array(3) }],
    };
    expect(() => new (native().Network)(gates)).toThrow(/writeGate` must hold 4 values/);
  });
});

describe('budgets and model files', () => {
  test('readoutState "both" halves the reservoir at the same feature budget', () => {
    const y = sizeForBudget('ran-a', 10_000, 3, 10, 16);
    const both = sizeForBudget('ran-a', 10_000, 3, 10, 16, 1000, { readoutState: 'both' });
    expect(y.options.units).toBe(Math.floor((1000 - 4) / 16));
    expect(both.options.units).toBe(Math.floor((1000 - 4) / 32));
    expect(both.features).toBe(both.options.units! * 32 + 4);
    const res = new AttentionReservoir({ inputDim: 3, width: 16, units: both.options.units, readoutState: 'both' });
    expect(res.featureDim).toBe(both.features);
    const c = sizeForBudget('ran-c', 10_000, 3, 10, 16, 1000, { readoutState: 'both' });
    const rc = new DecomposedReservoir({ inputDim: 3, width: 16, ...c.options, readoutState: 'both' });
    expect(rc.featureDim).toBe(c.features);
  });

  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ran-variants-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test.each([
    [
      'ran-a',
      {
        inputDim: 3,
        units: 4,
        width: 4,
        context: 5,
        seed: 12,
        readoutState: 'both',
        scores: 'cosine',
        positionBias: 0.4,
        gatedWrites: true,
        writeRate: 0.5,
        slotContent: 'input',
        tiedKeys: true,
      },
    ],
    [
      'ran-c',
      {
        inputDim: 3,
        attentionUnits: 3,
        memoryUnits: 2,
        width: 4,
        slots: 5,
        context: 3,
        seed: 13,
        readoutState: 'o',
        slotContent: 'state',
        gatedWrites: true,
      },
    ],
  ] as const)('%s with variants: a model file round trip predicts the same bits', async (kind, options) => {
    const data = { x: withZeroSteps(1, 6, 12, 3), y: randomTensor(2, 6, 12, 2), washout: 2 };
    const model = new Model({ kind, options } as never);
    await model.fit(data, { ridges: [1e-3], threads: 1 });
    const file = path.join(dir, `${kind}.ran`);
    await saveModel(model, file);
    const loaded = await loadModel(file);
    expect(loaded.config).toEqual(model.config);
    const probe = withZeroSteps(3, 3, 10, 3);
    const a = await model.predict(probe, { threads: 1 });
    const b = await loaded.predict(probe, { threads: 2 });
    expect(sameBits(a.data, b.data)).toBe(true);
  });

  test('scale-out classification refuses a readout of o (its rows are rebuilt from y)', async () => {
    const model = new Model({ kind: 'ran-a', options: { inputDim: 3, units: 2, width: 4, readoutState: 'o' } });
    const split = {
      x: randomTensor(1, 4, 6, 3),
      y: randomTensor(2, 4, 6, 2),
      t: { data: new Int32Array(4).fill(5), shape: [4, 1] as [number, number] },
    };
    const run = {
      train: [0, 4] as [number, number],
      valid: [0, 4] as [number, number],
      batchSize: 2,
      classification: true,
    };
    await expect(shardStatistics(model, split, split, run)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARG });
  });
});
