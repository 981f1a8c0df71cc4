import { ESN } from '../../lib/reservoirs/esn';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { Ridge } from '../../lib/readout/ridge';
import { buildInfo, memoryLimit, native, setMemoryLimit } from '../../lib/native';
import { RanError } from '../../lib/errors';
import { randomTensor, throwsCode } from '../helpers';

describe('bad input gets a clear error with a stable code', () => {
  const esn = new ESN({ inputDim: 2, units: 10, seed: 1 });

  test('options', () => {
    expect(() => new ESN({ inputDim: 2, units: -3 })).toThrow(/`units` must be an integer in \[1, \d+\], got -3/);
    throwsCode(() => new ESN({ inputDim: 2, units: -3 }), 'ERR_RAN_INVALID_ARG');
    expect(() => new ESN({ inputDim: 2, leakRate: 0 })).toThrow(/`leakRate`/);
    expect(() => new ESN({ inputDim: 2, spectralRadius: NaN })).toThrow(/`spectralRadius` must be a finite number/);
    expect(() => new ESN({ inputDim: 2, connectivity: 2 })).toThrow(/`connectivity`/);
    expect(() => new ESN({ inputDim: 2, unit: 5 } as never)).toThrow(/unknown option "unit"/);
    expect(() => new ESN({ units: 5 } as never)).toThrow(/`inputDim`/);
    expect(() => new AttentionReservoir({ inputDim: 1, width: 6, heads: 4 })).toThrow(
      /`heads` must be a divisor of width \(6\), got 4/,
    );
    expect(() => new ESN({ inputDim: 1, seed: 1.5 })).toThrow(/`seed`/);
  });

  test('tensors: wrong type, length, feature count', () => {
    expect(() => esn.run({ data: 'x', shape: [1, 10, 2] } as never)).toThrow(
      /`x.data` must be a Float32Array, Float64Array or array of numbers, got "x"/,
    );
    throwsCode(() => esn.run({ data: new Float32Array(19), shape: [1, 10, 2] }), 'ERR_RAN_SHAPE');
    expect(() => esn.run({ data: new Float32Array(30), shape: [1, 10, 3] })).toThrow(/must have 2 features per step/);
    expect(() => esn.run({ data: new Float32Array(0), shape: [0, 10, 2] })).toThrow(
      /B\)` must be an integer >= 1, got 0/,
    );
    throwsCode(() => esn.run(null as never), 'ERR_RAN_INVALID_ARG');
  });

  test('NaN and Infinity are rejected with the position of the first bad value', () => {
    const x = randomTensor(1, 3, 5, 2);
    x.data[(2 * 5 + 4) * 2 + 1] = NaN;
    expect(() => esn.run(x)).toThrow(/`x` must be finite, found NaN at \[2, 4, 1\]/);
    x.data[(2 * 5 + 4) * 2 + 1] = 0;
    x.data[3] = Infinity;
    throwsCode(() => esn.run(x), 'ERR_RAN_NOT_FINITE');
    const ridge = new Ridge({ features: 2, outputs: 1 });
    throwsCode(() => ridge.addRows(Float64Array.from([1, NaN]), Float64Array.from([1])), 'ERR_RAN_NOT_FINITE');
  });

  test('training targets and selections', () => {
    const x = randomTensor(1, 2, 5, 2);
    const r = esn.createReadout(1);
    expect(() => esn.run(x, { train: { readout: r, targets: randomTensor(2, 2, 4, 1), select: 'last' } })).toThrow(
      /targets` has shape \[2, 4, 1\]/,
    );
    expect(() =>
      esn.run(x, {
        train: {
          readout: r,
          targets: randomTensor(2, 2, 5, 1),
          select: { steps: { data: Int32Array.from([0, 5]), shape: [2, 1] } },
        },
      }),
    ).toThrow(/must be a step in \[0, 5\), got 5/);
    throwsCode(
      () => esn.run(x, { train: { readout: r, targets: randomTensor(2, 2, 5, 1), select: 'first' as never } }),
      'ERR_RAN_INVALID_ARG',
    );
    const wrong = new Ridge({ features: 4, outputs: 1 });
    expect(() => esn.run(x, { train: { readout: wrong, targets: randomTensor(2, 2, 5, 1), select: 'last' } })).toThrow(
      /has 4 features, this reservoir has 13/,
    );
    throwsCode(() => esn.run(x, { readout: r }), 'ERR_RAN_STATE');
  });

  test('carrying state over with another batch size is an ERR_RAN_STATE error', () => {
    esn.run(randomTensor(1, 3, 5, 2));
    throwsCode(() => esn.run(randomTensor(1, 2, 5, 2), { reset: false }), 'ERR_RAN_STATE');
    expect(() => esn.run(randomTensor(1, 2, 5, 2))).not.toThrow();
  });

  test('the addon throws RanErrors (one error family), synchronously and from async calls', async () => {
    const b = native();
    const caught = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const sync = caught(() => new b.RidgeStats(0, 1));
    expect(sync).toBeInstanceOf(RanError);
    expect(sync).toMatchObject({ name: 'RanError', code: 'ERR_RAN_INVALID_ARG' });
    const wrongType = caught(() => b.spectralRadius({ n: 2, dense: new Float64Array(4) as never }));
    expect(wrongType).toBeInstanceOf(RanError);
    const esn = new ESN({ inputDim: 1, units: 300, connectivity: 1, seed: 3 });
    const ctl = new AbortController();
    const p = esn.runAsync(randomTensor(5, 16, 20000, 1), { signal: ctl.signal, threads: 1 });
    setTimeout(() => ctl.abort(), 20);
    const rejected = await p.catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(RanError);
    expect(rejected).toMatchObject({ code: 'ERR_RAN_ABORTED' });
  });

  test('buildInfo() and the memory limit are typed functions of the package', () => {
    const info = buildInfo();
    expect(typeof info.variant).toBe('string');
    expect(['avx512', 'avx2', 'sse2', 'neon', 'none']).toContain(info.simd);
    expect(info.hardwareThreads).toBeGreaterThan(0);
    const before = memoryLimit();
    setMemoryLimit(1e6);
    try {
      throwsCode(
        () => new ESN({ inputDim: 1, units: 100, seed: 1 }).run(randomTensor(1, 50, 100, 1), { states: true }),
        'ERR_RAN_TOO_LARGE',
      );
    } finally {
      setMemoryLimit(before);
    }
    throwsCode(() => setMemoryLimit(-1), 'ERR_RAN_INVALID_ARG');
  });

  test('native boundary: exact typed-array kinds and lengths are checked', () => {
    const b = native();
    expect(() => new b.RidgeStats(0, 1)).toThrow(/`features` must be an integer in \[1, 65536\], got 0/);
    throwsCode(() => new b.RidgeStats(3.5, 1), 'ERR_RAN_INVALID_ARG');
    expect(() => b.spectralRadius({ n: 3, dense: new Float32Array(8) })).toThrow(/`dense` must hold 9 values, got 8/);
    expect(() =>
      b.spectralRadius({
        n: 2,
        rowPtr: Int32Array.from([0, 1, 2]),
        colIdx: Int32Array.from([0, 7]),
        values: new Float32Array(2),
      }),
    ).toThrow(/colIdx\[1\]/);
    const spec = new ESN({ inputDim: 1, units: 4, seed: 1 }).describe();
    expect(() => new b.Network({ ...spec, bias: new Float32Array(3) })).toThrow(/bias` must hold 4 values, got 3/);
    expect(() => new b.Network({ ...spec, wIn: new Float64Array(4) as never })).toThrow(
      /must be a Float32Array, got a Float64Array/,
    );
    expect(() => new b.Network({ ...spec, populations: [{ ...spec.populations[0]!, kind: 'lstm' as never }] })).toThrow(
      /`populations\[0\].kind` must be one of "tanh", "attention", "memory", got "lstm"/,
    );
    const net = new b.Network(spec);
    expect(() => net.run(new Float32Array(5), 2, 3)).toThrow(/`x` must hold 6 values, got 5/);
    throwsCode(() => net.run(new Float32Array(6), -2, 3), 'ERR_RAN_INVALID_ARG');
    net.dispose();
    throwsCode(() => net.run(new Float32Array(6), 2, 3), 'ERR_RAN_STATE');
  });

  test('allocations above the memory limit are refused before allocating', () => {
    const b = native();
    b.setMemoryLimit(1e6);
    try {
      throwsCode(() => esn.run(randomTensor(1, 100, 1000, 2), { states: true }), 'ERR_RAN_TOO_LARGE');
      throwsCode(() => new Ridge({ features: 2000, outputs: 1 }), 'ERR_RAN_TOO_LARGE');
    } finally {
      b.setMemoryLimit(4 * 1024 ** 3);
    }
  });
});

describe('async calls', () => {
  test('runAsync equals run, bit for bit', async () => {
    const esn = new ESN({ inputDim: 2, units: 40, seed: 3 });
    const x = randomTensor(5, 7, 20, 2);
    const a = esn.run(x, { states: true }).states!.data;
    const b = (await esn.runAsync(x, { states: true })).states!.data;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  test('a run that continues the carried state is refused with ERR_RAN_BUSY during another call, then it works again', async () => {
    const esn = new ESN({ inputDim: 1, units: 300, seed: 3 });
    const x = randomTensor(5, 64, 400, 1);
    const first = esn.runAsync(x);
    await expect(esn.runAsync(x, { reset: false })).rejects.toMatchObject({ code: 'ERR_RAN_BUSY' });
    throwsCode(() => esn.run(x, { reset: false }), 'ERR_RAN_BUSY');
    await first;
    await expect(esn.runAsync(x, { reset: false })).resolves.toBeDefined();
  });

  test('an AbortSignal stops a long run quickly and the reservoir stays usable', async () => {
    const esn = new ESN({ inputDim: 1, units: 500, connectivity: 1, seed: 3 });
    const x = randomTensor(5, 64, 20000, 1);
    const ctl = new AbortController();
    const started = Date.now();
    const p = esn.runAsync(x, { signal: ctl.signal, threads: 1 });
    setTimeout(() => ctl.abort(), 50);
    await expect(p).rejects.toMatchObject({ code: 'ERR_RAN_ABORTED' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(esn.stepCount).toBe(0);
    await expect(esn.runAsync(randomTensor(1, 2, 3, 1))).resolves.toBeDefined();
  });

  test('an aborted training run leaves the readout statistics untouched', async () => {
    const esn = new ESN({ inputDim: 1, units: 400, connectivity: 1, seed: 3 });
    const r = esn.createReadout(1);
    const x = randomTensor(5, 64, 10000, 1);
    const ctl = new AbortController();
    const p = esn.runAsync(x, { signal: ctl.signal, train: { readout: r, targets: x, select: { washout: 0 } } });
    setTimeout(() => ctl.abort(), 30);
    await expect(p).rejects.toMatchObject({ code: 'ERR_RAN_ABORTED' });
    expect(r.rows).toBe(0);
  });
});
