import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import { ESN } from '../../lib/reservoirs/esn';
import { native, type NativeNetworkSpec } from '../../lib/native';
import { referenceRun } from '../reference/network';
import { maxError, randomTensor, sameBits } from '../helpers';

const ATOL = 5e-5;
const RTOL = 5e-5;

describe('RAN-A native vs float64 reference', () => {
  // M, d, k, heads, d_ff, activation, shared, B, T
  const shapes: Array<[number, number, number, number, number, 'relu' | 'gelu', boolean, number, number]> = [
    [3, 4, 1, 1, 0, 'relu', false, 1, 12],
    [5, 8, 4, 2, 16, 'relu', false, 3, 15],
    [4, 6, 3, 3, 5, 'gelu', true, 17, 10],
    [8, 16, 8, 1, 32, 'relu', false, 5, 20],
    [2, 2, 16, 1, 4, 'gelu', false, 2, 30],
  ];
  test.each(shapes)(
    'M=%i d=%i k=%i heads=%i d_ff=%i %s shared=%s B=%i T=%i',
    (units, width, context, heads, ffHidden, activation, shared, b, t) => {
      const res = new AttentionReservoir({
        inputDim: 3,
        units,
        width,
        context,
        heads,
        ffHidden,
        activation,
        shared,
        connectivity: 0.5,
        temperature: 0.7,
        seed: 5,
      });
      const x = randomTensor(21, b, t, 3);
      const att = [0, units - 1];
      const got = res.run(x, { states: true, attentionUnits: att });
      const ref = referenceRun(res.describe(), x.data, b, t, att);
      expect(maxError(got.states!.data, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
      expect(got.attention!.shape).toEqual([b, t, 2, heads, context]);
      expect(maxError(got.attention!.data, ref.attention, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    },
  );
});

describe('RAN-C native vs float64 reference', () => {
  // M_a, M_f, d, k, P, retrieval, memoryInputFraction, B, T
  const shapes: Array<[number, number, number, number, number, 'relu' | 'softmax', number, number, number]> = [
    [2, 2, 4, 2, 3, 'softmax', 0, 1, 10],
    [4, 3, 8, 4, 16, 'relu', 0.5, 4, 12],
    [3, 5, 6, 3, 7, 'softmax', 1, 18, 9],
  ];
  test.each(shapes)(
    'M_a=%i M_f=%i d=%i k=%i P=%i %s input to memory=%f B=%i T=%i',
    (ma, mf, width, context, slots, retrieval, frac, b, t) => {
      const res = new DecomposedReservoir({
        inputDim: 2,
        attentionUnits: ma,
        memoryUnits: mf,
        width,
        context,
        slots,
        retrieval,
        memoryInputFraction: frac,
        connectivity: {
          attentionToAttention: 0.5,
          attentionToMemory: 0.7,
          memoryToAttention: 0.3,
          memoryToMemory: 0.4,
        },
        leakRate: { attention: 0.6, memory: 0.9 },
        memoryTemperature: 0.8,
        seed: 9,
      });
      const x = randomTensor(22, b, t, 2);
      const got = res.run(x, { states: true });
      const ref = referenceRun(res.describe(), x.data, b, t);
      expect(maxError(got.states!.data, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
    },
  );

  test('only attention units receive the input by default', () => {
    const res = new DecomposedReservoir({ inputDim: 3, attentionUnits: 2, memoryUnits: 3, width: 4, seed: 1 });
    const s = res.describe();
    const memRows = s.wIn.subarray(2 * 4 * 3);
    expect(memRows.every((v) => v === 0)).toBe(true);
    expect(s.wIn.subarray(0, 2 * 4 * 3).some((v) => v !== 0)).toBe(true);
  });

  test('valueScale scales the attention units’ W_V only, and the states follow the reference', () => {
    const base = { inputDim: 2, attentionUnits: 3, memoryUnits: 2, width: 4, context: 3, seed: 4 };
    const one = new DecomposedReservoir(base);
    const cool = new DecomposedReservoir({ ...base, valueScale: 0.05 });
    const [a, b] = [one.describe(), cool.describe()];
    const wv1 = a.populations[0]!.wV!;
    const wv2 = b.populations[0]!.wV!;
    for (let i = 0; i < wv1.length; i++) expect(wv2[i]).toBeCloseTo(wv1[i]! * 0.05, 6);
    expect(sameBits(a.populations[0]!.wQ!, b.populations[0]!.wQ!)).toBe(true);
    expect(sameBits(a.populations[1]!.values!, b.populations[1]!.values!)).toBe(true);
    const x = randomTensor(9, 2, 7, 2);
    const states = cool.run(x, { states: true }).states!.data;
    expect(maxError(states, referenceRun(b, x.data, 2, 7).states, ATOL, RTOL)).toBeLessThanOrEqual(1);
    expect(() => new DecomposedReservoir({ ...base, valueScale: -1 })).toThrow(/valueScale/);
    one.dispose();
    cool.dispose();
  });

  test('data keys: fitKeys stores unit-norm drive vectors and changes the states', () => {
    const res = new DecomposedReservoir({
      inputDim: 2,
      attentionUnits: 3,
      memoryUnits: 2,
      width: 4,
      slots: 5,
      keys: 'data',
      seed: 2,
    });
    const x = randomTensor(3, 4, 10, 2);
    const before = res.run(x, { states: true }).states!.data;
    res.fitKeys(x);
    expect(res.hasDataKeys).toBe(true);
    const keys = res.describe().populations[1]!.keys!;
    for (let i = 0; i < keys.length / 4; i++) {
      const norm = Math.hypot(...Array.from(keys.subarray(i * 4, i * 4 + 4)));
      expect(Math.abs(norm - 1)).toBeLessThan(1e-5);
    }
    const after = res.run(x, { states: true }).states!.data;
    expect(sameBits(before, after)).toBe(false);
    const ref = referenceRun(res.describe(), x.data, 4, 10);
    expect(maxError(after, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
  });
});

describe('attention properties', () => {
  test('weights sum to 1 over the filled slots; before k steps only filled slots are attended', () => {
    const k = 5;
    const res = new AttentionReservoir({ inputDim: 2, units: 4, width: 8, context: k, heads: 2, seed: 3 });
    const b = 3;
    const t = 12;
    const a = res.run(randomTensor(4, b, t, 2), { attentionUnits: [0, 1, 2, 3] }).attention!;
    for (let s = 0; s < b; s++) {
      for (let step = 0; step < t; step++) {
        for (let u = 0; u < 4; u++) {
          for (let h = 0; h < 2; h++) {
            const base = (((s * t + step) * 4 + u) * 2 + h) * k;
            const w = Array.from(a.data.subarray(base, base + k));
            const filled = Math.min(step + 1, k);
            expect(Math.abs(w.slice(0, filled).reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-5);
            expect(w.slice(filled).every((v) => v === 0)).toBe(true);
            expect(w.slice(0, filled).every((v) => v > 0)).toBe(true);
          }
        }
      }
    }
  });

  test('k = 1 attends with weight 1', () => {
    const res = new AttentionReservoir({ inputDim: 1, units: 3, width: 4, context: 1, seed: 1 });
    const a = res.run(randomTensor(1, 2, 6, 1), { attentionUnits: [0, 2] }).attention!;
    expect(a.data.every((v) => v === 1)).toBe(true);
  });

  test('reduction: d = 1, k = 1, no feed-forward and W_V = 0 is exactly an ESN unit', () => {
    const res = new AttentionReservoir({
      inputDim: 2,
      units: 20,
      width: 1,
      context: 1,
      ffHidden: 0,
      valueScale: 0,
      leakRate: 0.4,
      connectivity: 0.3,
      seed: 6,
    });
    const spec = res.describe();
    const tanhSpec: NativeNetworkSpec = {
      ...spec,
      populations: [{ kind: 'tanh', units: 20, width: 1, offset: 0, leakRate: 0.4 }],
    };
    const esn = new (native().Network)(tanhSpec);
    const x = randomTensor(7, 3, 25, 2);
    const a = res.run(x, { states: true }).states!.data;
    const e = esn.run(x.data, 3, 25, { states: true }).states!;
    expect(sameBits(a, e)).toBe(true);
  });

  test.each([
    { units: 12, width: 16, context: 6, ffHidden: 24, connectivity: 0.2 },
    { units: 4, width: 20, context: 3, ffHidden: 0, heads: 2 },
    { units: 7, width: 16, context: 16, ffHidden: 40, shared: true },
    { units: 3, width: 32, context: 2, ffHidden: 16, activation: 'gelu' as const },
  ])('one sequence alone (one-lane kernels) matches its lane in a batch: %o', (o) => {
    // Dense enough for CSR, or sparse enough for blocks (below 1/3).
    const res = new AttentionReservoir({ inputDim: 3, connectivity: 0.5, seed: 13, ...o });
    const x = randomTensor(9, 6, 11, 3);
    const all = res.run(x, { states: true }).states!.data;
    const n = res.stateSize;
    for (const s of [0, 5]) {
      const single = {
        data: x.data.slice(s * 11 * 3, (s + 1) * 11 * 3),
        shape: [1, 11, 3] as [number, number, number],
      };
      expect(sameBits(res.run(single, { states: true }).states!.data, all.subarray(s * 11 * n, (s + 1) * 11 * n))).toBe(
        true,
      );
    }
  });

  test.each([
    { attentionUnits: 3, memoryUnits: 4, width: 16, slots: 32, retrieval: 'softmax' as const },
    { attentionUnits: 2, memoryUnits: 3, width: 12, slots: 21, retrieval: 'relu' as const },
    { attentionUnits: 2, memoryUnits: 5, width: 16, slots: 40, retrieval: 'softmax' as const, shared: true },
  ])('RAN-C: one sequence alone (one-lane memory units) matches its lane in a batch: %o', (o) => {
    const res = new DecomposedReservoir({ inputDim: 2, seed: 14, ...o });
    const x = randomTensor(10, 5, 9, 2);
    const all = res.run(x, { states: true }).states!.data;
    const n = res.stateSize;
    for (const s of [1, 4]) {
      const single = { data: x.data.slice(s * 9 * 2, (s + 1) * 9 * 2), shape: [1, 9, 2] as [number, number, number] };
      expect(sameBits(res.run(single, { states: true }).states!.data, all.subarray(s * 9 * n, (s + 1) * 9 * n))).toBe(
        true,
      );
    }
  });

  test('determinism across runs, thread counts, batch composition and chunks', () => {
    const res = new AttentionReservoir({ inputDim: 3, units: 6, width: 8, context: 4, seed: 11 });
    const x = randomTensor(8, 20, 14, 3);
    const one = res.run(x, { states: true, threads: 1 }).states!.data;
    const two = res.run(x, { states: true, threads: 2 }).states!.data;
    expect(sameBits(one, two)).toBe(true);
    const n = res.stateSize;
    const s = 18;
    const single = { data: x.data.slice(s * 14 * 3, (s + 1) * 14 * 3), shape: [1, 14, 3] as [number, number, number] };
    expect(sameBits(res.run(single, { states: true }).states!.data, one.subarray(s * 14 * n, (s + 1) * 14 * n))).toBe(
      true,
    );
    const first = res.run({ data: single.data.slice(0, 9 * 3), shape: [1, 9, 3] }, { states: true }).states!.data;
    const rest = res.run({ data: single.data.slice(9 * 3), shape: [1, 5, 3] }, { states: true, reset: false }).states!
      .data;
    expect(sameBits(first, one.subarray(s * 14 * n, (s * 14 + 9) * n))).toBe(true);
    expect(sameBits(rest, one.subarray((s * 14 + 9) * n, (s + 1) * 14 * n))).toBe(true);
  });

  test('causality and the echo state property hold for RAN-A', () => {
    const res = new AttentionReservoir({
      inputDim: 1,
      units: 8,
      width: 8,
      context: 4,
      spectralRadius: 0.8,
      leakRate: 0.5,
      seed: 2,
    });
    const x = randomTensor(1, 1, 150, 1);
    const a = res.run(x, { states: true }).states!.data;
    const y = { data: Float32Array.from(x.data), shape: x.shape };
    y.data[60] = 3;
    const b = res.run(y, { states: true }).states!.data;
    const n = res.stateSize;
    expect(sameBits(a.subarray(0, 60 * n), b.subarray(0, 60 * n))).toBe(true);
    res.run(randomTensor(9, 1, 40, 1, 3));
    const c = res.run(x, { states: true, reset: false }).states!.data;
    const dist = (t: number): number =>
      Math.hypot(...Array.from(a.subarray(t * n, (t + 1) * n)).map((v, i) => v - c[t * n + i]!));
    expect(dist(0)).toBeGreaterThan(1e-2);
    expect(dist(149)).toBeLessThan(1e-4 * dist(0));
  });

  test('parameter counts', () => {
    const res = new AttentionReservoir({ inputDim: 3, units: 4, width: 8, ffHidden: 16, seed: 1 });
    expect(res.featureDim).toBe(4 * 8 + 3 + 1);
    expect(res.trainableParameters(10)).toBe((4 * 8 + 3 + 1) * 10);
    const s = res.describe();
    const w = 'dense' in s.w ? s.w.dense.length : 'blockValues' in s.w ? s.w.blockValues.length : s.w.values.length;
    expect(res.fixedParameters).toBe(w + 32 * 3 + 32 + 4 * (3 * 64 + 2 * 128));
  });

  test('parameter counts: a W handed to the kernel dense counts its non-zeros, not n²', () => {
    const res = new ESN({ inputDim: 3, units: 60, connectivity: 0.5, seed: 2 });
    const s = res.describe();
    expect('dense' in s.w).toBe(true);
    const dense = (s.w as { dense: Float32Array }).dense;
    const nnz = dense.filter((v) => v !== 0).length;
    expect(nnz).toBeLessThan(0.7 * 60 * 60);
    expect(res.fixedParameters).toBe(nnz + 60 * 3 + 60);
    res.dispose();
  });
});
