import { ESN } from '../../lib/reservoirs/esn';
import { Ridge } from '../../lib/readout/ridge';
import { Random } from '../../lib/random';
import { normalEquations, ridgeSolve } from '../reference/ridge';
import { referenceFeatures, referenceRun } from '../reference/network';
import { maxError, randomTensor, sameBits, throwsCode } from '../helpers';

function randomRows(seed: number, r: number, f: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: r * f }, () => rng.normal());
}

describe('ridge readout vs float64 reference', () => {
  test.each([
    [50, 5, 1],
    [300, 40, 3],
    [1000, 129, 10],
  ])('rows=%i features=%i outputs=%i', (r, f, o) => {
    const x = randomRows(1, r, f);
    const y = randomRows(2, r, o);
    const ridge = new Ridge({ features: f, outputs: o });
    ridge.addRows(x, y);
    const ref = normalEquations(x, y, f, o);
    const saved = ridge.exportStatistics();
    expect(saved.rows).toBe(r);
    expect(maxError(saved.xtx, ref.xtx, 1e-9, 1e-10)).toBeLessThanOrEqual(1);
    expect(maxError(saved.xty, ref.xty, 1e-9, 1e-10)).toBeLessThanOrEqual(1);
    for (const lambda of [1e-6, 0.1, 10]) {
      const w = ridge.solve(lambda);
      expect(maxError(w, ridgeSolve(ref.xtx, ref.xty, f, o, lambda), 1e-10, 1e-8)).toBeLessThanOrEqual(1);
    }
  });

  test('the λ sweep equals separate Cholesky solves', () => {
    const x = randomRows(3, 200, 30);
    const y = randomRows(4, 200, 2);
    const ridge = new Ridge({ features: 30, outputs: 2 });
    ridge.addRows(x, y);
    const lambdas = [1e-8, 1e-4, 1e-2, 1, 100];
    const sweep = ridge.sweep(lambdas);
    lambdas.forEach((l, i) => expect(maxError(sweep[i]!, ridge.solve(l), 1e-12, 1e-8)).toBeLessThanOrEqual(1));
  });

  test('partial statistics from separate batches add up to the one-shot statistics', () => {
    const x = randomRows(5, 400, 12);
    const y = randomRows(6, 400, 3);
    const all = new Ridge({ features: 12, outputs: 3 });
    all.addRows(x, y);
    const a = new Ridge({ features: 12, outputs: 3 });
    const b = new Ridge({ features: 12, outputs: 3 });
    a.addRows(x.subarray(0, 150 * 12), y.subarray(0, 150 * 3));
    b.addRows(x.subarray(150 * 12), y.subarray(150 * 3));
    // Saved and restored statistics merge the same way.
    const c = new Ridge({ features: 12, outputs: 3 });
    c.importStatistics(b.exportStatistics());
    a.merge(c);
    expect(a.rows).toBe(400);
    expect(maxError(a.exportStatistics().xtx, all.exportStatistics().xtx, 1e-12, 1e-12)).toBeLessThanOrEqual(1);
    expect(maxError(a.solve(1e-3), all.solve(1e-3), 1e-12, 1e-9)).toBeLessThanOrEqual(1);
  });

  test('a singular system gets ERR_RAN_SINGULAR, and λ > 0 fixes it', () => {
    const ridge = new Ridge({ features: 4, outputs: 1 });
    ridge.addRows(Float64Array.from([1, 2, 0, 0, 2, 4, 0, 0]), Float64Array.from([1, 2]));
    throwsCode(() => ridge.solve(0), 'ERR_RAN_SINGULAR');
    throwsCode(() => ridge.sweep([0]), 'ERR_RAN_SINGULAR');
    expect(ridge.solve(1e-3).every(Number.isFinite)).toBe(true);
    const swept = ridge.sweep([0, 1e-3], { skipSingular: true });
    expect(swept[0]).toBeUndefined();
    expect(swept[1]!.every(Number.isFinite)).toBe(true);
  });

  test('solving before any data is an ERR_RAN_STATE error', () => {
    throwsCode(() => new Ridge({ features: 3, outputs: 1 }).solve(), 'ERR_RAN_STATE');
  });

  test('async solve equals sync solve', async () => {
    const ridge = new Ridge({ features: 8, outputs: 2 });
    ridge.addRows(randomRows(7, 50, 8), randomRows(8, 50, 2));
    const a = await ridge.solveAsync(0.5);
    expect(sameBits(a, ridge.solve(0.5))).toBe(true);
  });
});

describe('states streamed into the readout', () => {
  const b = 19;
  const t = 13;
  const d = 2;
  const esn = new ESN({ inputDim: d, units: 30, seed: 12 });
  const x = randomTensor(13, b, t, d);
  const y = randomTensor(14, b, t, 2);
  const f = esn.featureDim;
  const ref = referenceRun(esn.describe(), x.data, b, t);
  const feats = referenceFeatures(esn.describe(), ref.states, x.data, b, t);

  function referenceStats(pick: (s: number, step: number) => boolean): {
    xtx: Float64Array;
    xty: Float64Array;
    rows: number;
  } {
    const rows: number[] = [];
    for (let s = 0; s < b; s++) for (let step = 0; step < t; step++) if (pick(s, step)) rows.push(s * t + step);
    const fx = new Float64Array(rows.length * f);
    const fy = new Float64Array(rows.length * 2);
    rows.forEach((r, i) => {
      fx.set(feats.subarray(r * f, (r + 1) * f), i * f);
      fy[i * 2] = y.data[r * 2]!;
      fy[i * 2 + 1] = y.data[r * 2 + 1]!;
    });
    return { ...normalEquations(fx, fy, f, 2), rows: rows.length };
  }

  test.each(['washout', 'last', 'steps'] as const)('selection by %s matches the reference statistics', (mode) => {
    const ridge = esn.createReadout(2);
    const steps = new Int32Array(b * 3);
    for (let s = 0; s < b; s++) steps.set([s % t, (s * 5 + 3) % t, t - 1 - (s % 2)], s * 3);
    const select =
      mode === 'washout'
        ? { washout: 4 }
        : mode === 'last'
          ? ('last' as const)
          : { steps: { data: steps, shape: [b, 3] as [number, number] } };
    esn.run(x, { train: { readout: ridge, targets: y, select }, threads: 2 });
    const pick = (s: number, step: number): boolean =>
      mode === 'washout'
        ? step >= 4
        : mode === 'last'
          ? step === t - 1
          : Array.from(steps.subarray(s * 3, s * 3 + 3)).includes(step);
    const want = referenceStats(pick);
    const got = ridge.exportStatistics();
    expect(got.rows).toBe(want.rows);
    expect(maxError(got.xtx, want.xtx, 1e-4, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxError(got.xty, want.xty, 1e-4, 1e-5)).toBeLessThanOrEqual(1);
  });

  test('statistics are bit-identical with 1 and 2 threads', () => {
    const r1 = esn.createReadout(2);
    const r2 = esn.createReadout(2);
    esn.run(x, { train: { readout: r1, targets: y, select: { washout: 2 } }, threads: 1 });
    esn.run(x, { train: { readout: r2, targets: y, select: { washout: 2 } }, threads: 2 });
    expect(sameBits(r1.exportStatistics().xtx, r2.exportStatistics().xtx)).toBe(true);
    expect(sameBits(r1.exportStatistics().xty, r2.exportStatistics().xty)).toBe(true);
  });

  test('readout outputs equal features · W', () => {
    const ridge = esn.createReadout(2);
    esn.run(x, { train: { readout: ridge, targets: y, select: { washout: 0 } } });
    const w = ridge.solve(1e-3);
    const out = esn.run(x, { readout: ridge }).outputs!;
    const want = ridge.predict(feats, w);
    expect(out.shape).toEqual([b, t, 2]);
    expect(maxError(out.data, want, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
  });

  test('outputs computed only at chosen steps equal the all-step outputs there and are 0 elsewhere', () => {
    const ridge = esn.createReadout(2);
    esn.run(x, { train: { readout: ridge, targets: y, select: { washout: 0 } } });
    ridge.solve(1e-3);
    const all = esn.run(x, { readout: ridge }).outputs!.data;
    const steps = new Int32Array(b * 2);
    for (let s = 0; s < b; s++) steps.set([s % t, t - 1], s * 2);
    const some = esn.run(x, { readout: ridge, outputSteps: { data: steps, shape: [b, 2] } }).outputs!.data;
    const last = esn.run(x, { readout: ridge, outputSteps: 'last' }).outputs!.data;
    for (let s = 0; s < b; s++) {
      for (let step = 0; step < t; step++) {
        for (let o = 0; o < 2; o++) {
          const i = (s * t + step) * 2 + o;
          expect(some[i]).toBe(step === s % t || step === t - 1 ? all[i] : 0);
          expect(last[i]).toBe(step === t - 1 ? all[i] : 0);
        }
      }
    }
    throwsCode(
      () => esn.run(x, { readout: ridge, outputSteps: { data: new Int32Array(b).fill(t), shape: [b, 1] } }),
      'ERR_RAN_INVALID_ARG',
    );
    throwsCode(() => esn.run(x, { outputSteps: 'last' }), 'ERR_RAN_INVALID_ARG');
  });

  test('memory does not grow with T when states are streamed into the readout', () => {
    const big = new ESN({ inputDim: 1, units: 200, seed: 1 });
    const long = randomTensor(3, 1, 100000, 1);
    const target = randomTensor(4, 1, 100000, 1);
    const ridge = big.createReadout(1);
    global.gc?.();
    const before = process.memoryUsage();
    big.run(long, { train: { readout: ridge, targets: target, select: { washout: 10 } } });
    const after = process.memoryUsage();
    // Stored states would take 100000 × 200 × 4 B = 80 MB. (Under ASan, RSS holds the allocator's
    // quarantine of freed memory: only the external memory is meaningful there.)
    if (!process.env['RAN_SANITIZED']) expect(after.rss - before.rss).toBeLessThan(20e6);
    expect(after.external + after.arrayBuffers - before.external - before.arrayBuffers).toBeLessThan(5e6);
    expect(ridge.rows).toBe(100000 - 10);
  });
});
