import { lorenz, mackeyGlass, narma10 } from '../../lib/datasets';
import { sameBytes } from '../tasks/helpers';

test('Mackey–Glass τ = 17: bounded chaotic series in the classic range, deterministic', () => {
  const mg = mackeyGlass({ length: 2000, washout: 200 });
  const s = mg.x.data;
  expect(mg.x.shape).toEqual([1, 2000, 1]);
  expect(mg.y.shape).toEqual([1, 2000, 1]);
  // The target is the series one sample later.
  expect(sameBytes(mg.y.data.subarray(0, 1999), s.subarray(1))).toBe(true);
  expect(s.length).toBe(2000);
  let min = Infinity,
    max = -Infinity,
    mean = 0;
  for (const v of s) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    mean += v / s.length;
  }
  // The τ = 17 attractor lies roughly within [0.2, 1.4] with mean ≈ 0.9.
  expect(min).toBeGreaterThan(0.15);
  expect(max).toBeLessThan(1.45);
  expect(mean).toBeGreaterThan(0.8);
  expect(mean).toBeLessThan(1.0);
  expect(sameBytes(mackeyGlass({ length: 2000, washout: 200 }).x.data, s)).toBe(true);
  const ahead = mackeyGlass({ length: 100, washout: 200, horizon: 5 });
  expect(sameBytes(ahead.y.data.subarray(0, 95), ahead.x.data.subarray(5))).toBe(true);
  expect(sameBytes(ahead.x.data, s.subarray(0, 100))).toBe(true);
  // Halving the RK4 step barely changes the start of the series (fourth-order accuracy).
  const fine = mackeyGlass({ length: 50, dt: 0.05 }).x.data;
  const coarse = mackeyGlass({ length: 50 }).x.data;
  for (let i = 0; i < 50; i++) expect(Math.abs((fine[i] as number) - (coarse[i] as number))).toBeLessThan(1e-4);
  // Constant history x0 = 1.2: the first sample (t = 1) follows dx/dt ≈ 0.2·1.2/(1 + 1.2^10) − 0.1·x.
  expect(coarse[0]).toBeLessThan(1.2);
  expect(() => mackeyGlass({ length: 10, sampleStep: 0.25 })).toThrow(/multiple of dt/);
});

test('NARMA-10: inputs in [0, 0.5), recurrence holds, seeded', () => {
  const n = narma10({ length: 500, seed: 3 });
  expect(n.x.shape).toEqual([1, 500, 1]);
  expect(n.y.shape).toEqual([1, 500, 1]);
  const u = n.x.data,
    y = n.y.data;
  expect(u.length).toBe(500);
  expect(y.length).toBe(500);
  for (const v of u) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(0.5);
  }
  // target[t] = y(t+1) = 0.3 y(t) + 0.05 y(t) Σ_{i=0}^{9} y(t−i) + 1.5 u(t−9) u(t) + 0.1
  for (const t of [20, 100, 499]) {
    const yt = y[t - 1] as number;
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += y[t - 1 - i] as number;
    const expected = 0.3 * yt + 0.05 * yt * sum + 1.5 * (u[t - 9] as number) * (u[t] as number) + 0.1;
    expect(y[t]).toBeCloseTo(expected, 5);
  }
  expect(y[0]).toBeCloseTo(0.1, 6); // y(1) = 0.1 + 1.5·u(−9)·u(0), u(−9) = 0
  expect(sameBytes(narma10({ length: 500, seed: 3 }).y.data, y)).toBe(true);
  expect(sameBytes(narma10({ length: 500, seed: 4 }).x.data, u)).toBe(false);
  const w = narma10({ length: 100, seed: 3, washout: 400 });
  expect(sameBytes(w.y.data, y.subarray(400))).toBe(true);
});

test('Lorenz (σ = 10, ρ = 28, β = 8/3, RK4 dt = 0.01): shape, first step, attractor bounds', () => {
  const pair = lorenz({ length: 3000, washout: 500 });
  const l = pair.x;
  expect(l.shape).toEqual([1, 3000, 3]);
  expect(pair.y.shape).toEqual([1, 3000, 3]);
  expect(sameBytes(pair.y.data.subarray(0, 2999 * 3), l.data.subarray(3))).toBe(true);
  let maxAbsX = 0,
    minZ = Infinity,
    maxZ = -Infinity;
  for (let k = 0; k < 3000; k++) {
    maxAbsX = Math.max(maxAbsX, Math.abs(l.data[3 * k] as number));
    minZ = Math.min(minZ, l.data[3 * k + 2] as number);
    maxZ = Math.max(maxZ, l.data[3 * k + 2] as number);
  }
  expect(maxAbsX).toBeGreaterThan(10);
  expect(maxAbsX).toBeLessThan(25);
  expect(minZ).toBeGreaterThan(0);
  expect(maxZ).toBeLessThan(55);
  const start = lorenz({ length: 2 }).x;
  expect(Array.from(start.data.subarray(0, 3))).toEqual([1, 1, 1]);
  // RK4 agrees with a much finer step after one sample.
  const fine = lorenz({ length: 2, dt: 0.001, sampleEvery: 10 }).x;
  for (let c = 0; c < 3; c++)
    expect(Math.abs((start.data[3 + c] as number) - (fine.data[3 + c] as number))).toBeLessThan(1e-5); // float32 output
  expect(sameBytes(lorenz({ length: 3000, washout: 500 }).x.data, l.data)).toBe(true);
});

test('every dataset returns one shape, { x, y } of [1, length, D] tensors, and checks length and horizon', () => {
  for (const d of [mackeyGlass({ length: 30 }), narma10({ length: 30 }), lorenz({ length: 30 })]) {
    expect(Object.keys(d).sort()).toEqual(['x', 'y']);
    expect(d.x.shape.slice(0, 2)).toEqual([1, 30]);
    expect(d.y.shape).toEqual(d.x.shape);
    expect(d.x.data.length).toBe(30 * d.x.shape[2]);
  }
  expect(() => mackeyGlass({ length: 10, horizon: 0 })).toThrow(/horizon/);
  expect(() => lorenz({ length: -1 })).toThrow(/length/);
});
