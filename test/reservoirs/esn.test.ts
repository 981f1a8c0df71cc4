import { ESN } from '../../lib/reservoirs/esn';
import { native } from '../../lib/native';
import { denseW, referenceRun } from '../reference/network';
import { maxError, randomTensor, sameBits } from '../helpers';

// float32 kernels against the float64 reference: |Δ| ≤ 2e-5 + 1e-5·|ref|.
const ATOL = 2e-5;
const RTOL = 1e-5;

describe('ESN native kernel vs float64 reference', () => {
  const shapes: Array<[number, number, number, number, number]> = [
    // B, T, D_in, N, connectivity
    [1, 30, 1, 10, 0.5],
    [3, 17, 2, 37, 0.1],
    [17, 9, 5, 50, 0.2],
    [6, 11, 0, 20, 1],
    [2, 25, 3, 300, 0.05],
  ];
  test.each(shapes)('B=%i T=%i D=%i N=%i c=%f', (b, t, d, n, c) => {
    const esn = new ESN({
      inputDim: d,
      units: n,
      connectivity: c,
      leakRate: 0.7,
      spectralRadius: 1.1,
      inputScaling: 0.8,
      biasScaling: 0.5,
      seed: 7,
    });
    const x = randomTensor(11, b, t, d);
    const got = esn.run(x, { states: true }).states!;
    const ref = referenceRun(esn.describe(), x.data, b, t);
    expect(got.shape).toEqual([b, t, n]);
    expect(maxError(got.data, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
  });
});

describe('ESN properties', () => {
  test('the spectral radius equals the requested value (dense eigenvalues of the scaled W)', () => {
    for (const [units, rho, c] of [
      [40, 0.9, 0.2],
      [300, 1.25, 0.05],
      [600, 0.5, 0.1],
    ] as const) {
      const esn = new ESN({ inputDim: 1, units, spectralRadius: rho, connectivity: c, seed: 3 });
      const w = denseW(esn.describe());
      const r = native().spectralRadius({ n: units, dense: Float32Array.from(w) }, { denseLimit: 100000 });
      expect(Math.abs(r - rho) / rho).toBeLessThan(1e-5);
    }
  });

  test('Arnoldi and the dense eigen-solver agree on random sparse matrices', () => {
    const esn = new ESN({ inputDim: 1, units: 400, connectivity: 0.05, spectralRadius: 0.8, seed: 5 });
    const w = Float32Array.from(denseW(esn.describe()));
    const dense = native().spectralRadius({ n: 400, dense: w }, { denseLimit: 100000 });
    const arnoldi = native().spectralRadius({ n: 400, dense: w }, { denseLimit: 0 });
    expect(Math.abs(dense - arnoldi) / dense).toBeLessThan(1e-6);
  });

  test('echo state property: runs from different initial states converge', () => {
    const esn = new ESN({ inputDim: 1, units: 100, spectralRadius: 0.8, leakRate: 0.5, seed: 2 });
    const prefix = randomTensor(1, 1, 50, 1, 3);
    const x = randomTensor(2, 1, 200, 1);
    const a = esn.run(x, { states: true }).states!.data;
    esn.run(prefix);
    const b = esn.run(x, { states: true, reset: false }).states!.data;
    const dist = (t: number): number => {
      let s = 0;
      for (let i = 0; i < 100; i++) s += (a[t * 100 + i]! - b[t * 100 + i]!) ** 2;
      return Math.sqrt(s);
    };
    expect(dist(0)).toBeGreaterThan(1e-2);
    expect(dist(199)).toBeLessThan(dist(0) * 1e-4);
  });

  test('causality: changing the input at step t leaves earlier states bit-identical', () => {
    const esn = new ESN({ inputDim: 2, units: 60, seed: 4 });
    const x = randomTensor(3, 2, 40, 2);
    const a = esn.run(x, { states: true }).states!.data;
    const y = { data: Float32Array.from(x.data), shape: x.shape };
    y.data[(0 * 40 + 25) * 2] = 5;
    const b = esn.run(y, { states: true }).states!.data;
    expect(sameBits(a.subarray(0, 25 * 60), b.subarray(0, 25 * 60))).toBe(true);
    expect(sameBits(a.subarray(25 * 60, 26 * 60), b.subarray(25 * 60, 26 * 60))).toBe(false);
    // The other sequence of the batch is untouched.
    expect(sameBits(a.subarray(40 * 60), b.subarray(40 * 60))).toBe(true);
  });

  test('determinism: same seed gives the same weights and bit-identical states', () => {
    const x = randomTensor(9, 4, 30, 3);
    const a = new ESN({ inputDim: 3, units: 80, seed: 42 });
    const b = new ESN({ inputDim: 3, units: 80, seed: 42 });
    const c = new ESN({ inputDim: 3, units: 80, seed: 43 });
    expect(sameBits(a.describe().wIn, b.describe().wIn)).toBe(true);
    expect(sameBits(a.run(x, { states: true }).states!.data, b.run(x, { states: true }).states!.data)).toBe(true);
    expect(sameBits(a.describe().wIn, c.describe().wIn)).toBe(false);
  });

  test.each([
    ['dense', 0.5],
    ['sparse', 0.1],
  ])("a sequence's states do not depend on its batch, chunks or threads (%s W)", (_, c) => {
    const esn = new ESN({ inputDim: 3, units: 70, connectivity: c, seed: 8 });
    const x = randomTensor(5, 21, 24, 3); // 21 sequences: a tile of 16 and one of 8 lanes
    const whole = esn.run(x, { states: true, threads: 1 }).states!.data;
    const two = esn.run(x, { states: true, threads: 2 }).states!.data;
    expect(sameBits(whole, two)).toBe(true);
    const per = 24 * 70;
    for (const s of [0, 7, 16, 20]) {
      const single = {
        data: x.data.slice(s * 24 * 3, (s + 1) * 24 * 3),
        shape: [1, 24, 3] as [number, number, number],
      };
      const alone = esn.run(single, { states: true }).states!.data;
      expect(sameBits(alone, whole.subarray(s * per, (s + 1) * per))).toBe(true);
      // Chunked: steps 0..9 then 10..23 with the state carried over.
      const first = esn.run({ data: single.data.slice(0, 10 * 3), shape: [1, 10, 3] }, { states: true }).states!.data;
      const rest = esn.run({ data: single.data.slice(10 * 3), shape: [1, 14, 3] }, { states: true, reset: false })
        .states!.data;
      expect(sameBits(first, alone.subarray(0, 10 * 70))).toBe(true);
      expect(sameBits(rest, alone.subarray(10 * 70))).toBe(true);
    }
  });

  test.each([
    [203, 0.15],
    [64, 0.5],
    [517, 0.05],
  ])(
    'one sequence alone (row-sliced kernel on AVX-512) matches its lane in a batch: %i units, connectivity %f',
    (units, c) => {
      const esn = new ESN({ inputDim: 2, units, connectivity: c, seed: 11 });
      const x = randomTensor(6, 18, 15, 2);
      const whole = esn.run(x, { states: true }).states!.data;
      const per = 15 * units;
      for (const s of [0, 17]) {
        const single = {
          data: x.data.slice(s * 15 * 2, (s + 1) * 15 * 2),
          shape: [1, 15, 2] as [number, number, number],
        };
        const alone = esn.run(single, { states: true }).states!.data;
        expect(sameBits(alone, whole.subarray(s * per, (s + 1) * per))).toBe(true);
      }
    },
  );

  test.each([
    [17, 37],
    [20, 37],
    [29, 16],
    [3, 100],
  ])(
    'a batch of %i (a tile of 16 and a narrower one) on a dense W of %i units: every sequence as alone',
    (batch, units) => {
      const esn = new ESN({ inputDim: 3, units, connectivity: 1, seed: 12 });
      const x = randomTensor(7, batch, 9, 3);
      const whole = esn.run(x, { states: true, threads: 2 }).states!.data;
      const per = 9 * units;
      for (const s of [0, 15, batch - 1]) {
        if (s >= batch) continue;
        const single = { data: x.data.slice(s * 9 * 3, (s + 1) * 9 * 3), shape: [1, 9, 3] as [number, number, number] };
        expect(sameBits(esn.run(single, { states: true }).states!.data, whole.subarray(s * per, (s + 1) * per))).toBe(
          true,
        );
      }
    },
  );

  test('golden first weights: W_in and b of a small ESN are the documented draws of the generator', () => {
    // Draw order: W row by row (connectivity 1: per entry one uniform to keep it, one for its
    // value), then W_in (units × inputDim, σ_in · (2u − 1)), then b (σ_b · (2u − 1)), in float32.
    // Computed with the Python generator of test/random/golden.test.ts (run with python3):
    //   r = Rng(1)
    //   for _ in range(9): r.uniform(); r.uniform()
    //   f32 = lambda x: struct.unpack('f', struct.pack('f', x))[0]
    //   print([repr(f32(1.0 * (2 * r.uniform() - 1))) for _ in range(6)])
    //   print([repr(f32(0.2 * (2 * r.uniform() - 1))) for _ in range(3)])
    const esn = new ESN({ inputDim: 2, units: 3, connectivity: 1, seed: 1 });
    try {
      const spec = esn.describe();
      expect(Array.from(spec.wIn)).toEqual([
        -0.8614409565925598, -0.2869901955127716, 0.8893656730651855, 0.9342528581619263, -0.756661057472229,
        -0.5141997337341309,
      ]);
      expect(Array.from(spec.bias)).toEqual([0.031231049448251724, -0.18897131085395813, -0.1867808699607849]);
    } finally {
      esn.dispose();
    }
  });
});
