import fc from 'fast-check';
import { AttentionReservoir, DecomposedReservoir, ESN, Model, datasets, toTensor3, type Tensor3 } from '../../lib';
import { randomTensor, throwsCode } from '../helpers';

/** The obvious flattening of [B][T][D] nested arrays, for comparison. */
function flatten(nested: number[][][]): number[] {
  const out: number[] = [];
  for (const seq of nested) for (const step of seq) for (const v of step) out.push(v);
  return out;
}

function nestedOf(t: Tensor3): number[][][] {
  const [b, steps, d] = t.shape;
  return Array.from({ length: b }, (_, s) =>
    Array.from({ length: steps }, (_, k) => Array.from(t.data.subarray((s * steps + k) * d, (s * steps + k + 1) * d))),
  );
}

const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('toTensor3: one conversion at the boundary', () => {
  test('nested [B][T][D] arrays of random shapes give the row-major float32 tensor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        (b, t, d, seed) => {
          const nested = nestedOf(randomTensor(seed >>> 0, b, t, d));
          const x = toTensor3('x', nested);
          expect(x.shape).toEqual([b, t, d]);
          expect(Array.from(x.data)).toEqual(Array.from(Float32Array.from(flatten(nested))));
        },
      ),
      { numRuns: 40 },
    );
  });

  test('one sequence [T][D], a flat series [T], Float64Array with a shape, typed rows', () => {
    expect(
      toTensor3('x', [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).toEqual({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 3, 2] });
    expect(toTensor3('x', [0.5, 1.5])).toEqual({ data: Float32Array.from([0.5, 1.5]), shape: [1, 2, 1] });
    expect(toTensor3('x', Float64Array.from([0.1, 0.2, 0.3]))).toEqual({
      data: Float32Array.from([0.1, 0.2, 0.3]),
      shape: [1, 3, 1],
    });
    const f64 = Float64Array.from({ length: 12 }, (_, i) => i / 7);
    expect(toTensor3('x', { data: f64, shape: [2, 3, 2] })).toEqual({ data: Float32Array.from(f64), shape: [2, 3, 2] });
    expect(toTensor3('x', { data: Array.from(f64), shape: [6, 2] })).toEqual({
      data: Float32Array.from(f64),
      shape: [1, 6, 2],
    });
    expect(toTensor3('x', [Float32Array.from([1, 2]), Float64Array.from([3, 4])])).toEqual({
      data: Float32Array.from([1, 2, 3, 4]),
      shape: [1, 2, 2],
    });
  });

  test('a float32 Tensor3 is passed through without a copy', () => {
    const t = randomTensor(1, 2, 3, 4);
    expect(toTensor3('x', t)).toBe(t);
  });

  test('ragged or non-numeric input is a clear error naming the argument and the index', () => {
    expect(throwsCode(() => toTensor3('train.x', [[[1], [2]], [[1]]]), 'ERR_RAN_SHAPE').message).toMatch(
      /`train\.x\[1\]` has 1 steps, `train\.x\[0\]` has 2.*ragged/,
    );
    expect(throwsCode(() => toTensor3('x', [[1, 2], [3]]), 'ERR_RAN_SHAPE').message).toMatch(
      /`x\[1\]` has 1 features.*ragged/,
    );
    expect(throwsCode(() => toTensor3('x', [[1, 'a']]), 'ERR_RAN_INVALID_ARG').message).toMatch(
      /`x\[0\]\[1\]` must be a number, got "a"/,
    );
    expect(throwsCode(() => toTensor3('x', [[[1, 2]], [[3, null]]]), 'ERR_RAN_INVALID_ARG').message).toMatch(
      /`x\[1\]\[0\]\[1\]` must be a number, got null/,
    );
    expect(throwsCode(() => toTensor3('x', [1, [2]]), 'ERR_RAN_INVALID_ARG').message).toMatch(
      /`x\[1\]` must be a number/,
    );
    expect(throwsCode(() => toTensor3('x', []), 'ERR_RAN_INVALID_ARG').message).toMatch(/non-empty/);
    expect(throwsCode(() => toTensor3('x', 'abc'), 'ERR_RAN_INVALID_ARG').message).toMatch(/`x` must be a tensor/);
    expect(
      throwsCode(() => toTensor3('x', { data: new Float64Array(5), shape: [2, 3] }), 'ERR_RAN_SHAPE').message,
    ).toMatch(/`x\.data` must hold 6 values \(shape \[2, 3\]\), got 5/);
    expect(
      throwsCode(() => toTensor3('x', { data: new Float64Array(6), shape: [6] }), 'ERR_RAN_INVALID_ARG').message,
    ).toMatch(/`x\.shape`/);
    expect(throwsCode(() => toTensor3('x', { data: ['1', 2], shape: [2, 1] }), 'ERR_RAN_INVALID_ARG').message).toMatch(
      /`x\.data\[0\]` must be a number/,
    );
  });
});

describe('plain arrays at the public entry points', () => {
  const x = randomTensor(3, 2, 25, 2);
  const y = randomTensor(4, 2, 25, 1);

  test('fit(X, Y, { washout }) on nested arrays equals fit({ x, y, washout }) on tensors, bit for bit', async () => {
    const a = new Model(new ESN({ inputDim: 2, units: 20, seed: 5 }));
    const b = new Model(new ESN({ inputDim: 2, units: 20, seed: 5 }));
    const ra = await a.fit({ x, y, washout: 4 }, { ridges: [1e-3] });
    const rb = await b.fit(nestedOf(x), nestedOf(y), { washout: 4, ridges: [1e-3] });
    expect(rb.rows).toBe(ra.rows);
    expect(rb.rows).toBe(2 * 21);
    expect(Buffer.from(b.readout!.weights!.buffer).equals(Buffer.from(a.readout!.weights!.buffer))).toBe(true);
    const pa = await a.predict(x);
    expect(sameBits((await b.predict(nestedOf(x))).data, pa.data)).toBe(true);
    // One sequence as [T][D] is the batch [1, T, D].
    const one = await b.predict(nestedOf(x)[1]!);
    expect(one.shape).toEqual([1, 25, 1]);
    expect(sameBits(one.data, pa.data.subarray(25))).toBe(true);
    // Float64Array with a shape.
    expect(sameBits((await b.predict({ data: Float64Array.from(x.data), shape: [2, 25, 2] })).data, pa.data)).toBe(
      true,
    );
  });

  test('a dataset goes straight into fit(x, y, { washout }) and predict(x)', async () => {
    const { x: u, y: target } = datasets.mackeyGlass({ length: 600 });
    const model = new Model({ kind: 'esn', options: { inputDim: 1, units: 50, spectralRadius: 0.9, seed: 1 } });
    await model.fit(u, target, { washout: 100, ridges: [1e-6] });
    const out = await model.predict(u);
    let mse = 0,
      variance = 0,
      mean = 0;
    for (let t = 100; t < 600; t++) mean += target.data[t]! / 500;
    for (let t = 100; t < 600; t++) {
      mse += (out.data[t]! - target.data[t]!) ** 2 / 500;
      variance += (target.data[t]! - mean) ** 2 / 500;
    }
    expect(mse).toBeLessThan(0.01 * variance);
  });

  test('Reservoir.run takes nested arrays and gives the states of the tensor', () => {
    const esn = new ESN({ inputDim: 2, units: 10, seed: 2 });
    const a = esn.run(x, { states: true }).states!;
    const b = esn.run(nestedOf(x), { states: true }).states!;
    expect(sameBits(b.data, a.data)).toBe(true);
    esn.dispose();
  });

  test('DecomposedReservoir.fitKeys takes nested arrays and samples the same keys', () => {
    const make = (): DecomposedReservoir =>
      new DecomposedReservoir({ inputDim: 2, attentionUnits: 4, memoryUnits: 2, width: 4, keys: 'data', seed: 3 });
    const a = make();
    const b = make();
    a.fitKeys(x);
    b.fitKeys(nestedOf(x));
    expect(Array.from(b.describe().populations[1]!.keys!)).toEqual(Array.from(a.describe().populations[1]!.keys!));
    a.dispose();
    b.dispose();
  });

  test('evaluate takes plain arrays; ragged targets name the argument', async () => {
    const model = new Model(new ESN({ inputDim: 2, units: 10, seed: 2 }));
    await model.fit({ x, y }, { ridges: [1e-3] });
    const s1 = await model.evaluate({ x, y, washout: 3 }, false);
    expect(await model.evaluate({ x: nestedOf(x) as never, y: nestedOf(y) as never, washout: 3 }, false)).toBe(s1);
    const ragged = nestedOf(y);
    ragged[1]!.pop();
    await expect(model.fit(nestedOf(x), ragged)).rejects.toThrow(/`train\.y\[1\]` has 24 steps/);
    await expect(model.fit(nestedOf(x) as never)).rejects.toThrow(/`Y` must be/);
  });
});

describe('"did you mean" for ReservoirPy names and near misses', () => {
  test.each([
    [
      'lr on ESN',
      () => new ESN({ inputDim: 1, lr: 0.3 } as never),
      /unknown option "lr" \(did you mean "leakRate"\? ReservoirPy's lr\)/,
    ],
    ['sr on ESN', () => new ESN({ inputDim: 1, sr: 0.9 } as never), /"sr" \(did you mean "spectralRadius"\?/],
    [
      'input_scaling on ESN',
      () => new ESN({ inputDim: 1, input_scaling: 0.5 } as never),
      /"input_scaling" \(did you mean "inputScaling"\?/,
    ],
    [
      'rc_connectivity on ESN',
      () => new ESN({ inputDim: 1, rc_connectivity: 0.1 } as never),
      /"rc_connectivity" \(did you mean "connectivity"\?/,
    ],
    [
      'units on DecomposedReservoir',
      () => new DecomposedReservoir({ inputDim: 1, units: 8 } as never),
      /"units" \(did you mean "attentionUnits"\?/,
    ],
    [
      'spectralRadus on AttentionReservoir',
      () => new AttentionReservoir({ inputDim: 1, spectralRadus: 0.9 } as never),
      /"spectralRadus" \(did you mean "spectralRadius"\?\)/,
    ],
    [
      'leak_rate on ESN',
      () => new ESN({ inputDim: 1, leak_rate: 0.3 } as never),
      /"leak_rate" \(did you mean "leakRate"\?/,
    ],
  ])('%s', (_, make, message) => {
    expect(throwsCode(make, 'ERR_RAN_INVALID_ARG').message).toMatch(message);
  });

  test('fit(X, Y, { warmup }) suggests washout; an unrelated name gets no guess', async () => {
    const model = new Model(new ESN({ inputDim: 2, units: 10, seed: 2 }));
    await expect(model.fit(x3(), y3(), { warmup: 10 } as never)).rejects.toThrow(
      /"warmup" \(did you mean "washout"\? ReservoirPy's warmup\)/,
    );
    expect(() => new ESN({ inputDim: 1, zzz: 1 } as never)).toThrow(/unknown option "zzz"; known options/);
  });
});

function x3(): number[][] {
  return [
    [0.1, 0.2],
    [0.3, 0.4],
    [0.5, 0.6],
  ];
}
function y3(): number[][] {
  return [[1], [2], [3]];
}
