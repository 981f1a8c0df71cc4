import { buildTask, chaoticForecasting, sinusForecasting, splitSeries, streamLorenzTrajectory } from '../../lib/tasks';
import { sameBytes, steps } from './helpers';

describe.each([
  ['sinus_forecasting', 1],
  ['chaotic_forecasting', 3],
] as const)('%s', (name, D) => {
  const task = buildTask(name);
  const h = 5;

  test('splits are nested prefixes of one series with Y[k] = X[k + h]', () => {
    const full = task.test;
    for (const s of [task.train, task.valid, task.test]) {
      const n = s.x.shape[1];
      expect(sameBytes(s.x.data, full.x.data.subarray(0, n * D))).toBe(true);
      expect(sameBytes(s.y.data, full.y.data.subarray(0, n * D))).toBe(true);
    }
    const L = 200;
    expect(sameBytes(full.y.data.subarray(0, (L - h) * D), full.x.data.subarray(h * D, L * D))).toBe(true);
  });

  test('T: train h..n_tr−1, valid n_tr..n_va−1, test n_va..L−1 (float64 floors 90 and 110)', () => {
    const rangeOf = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
    expect(steps(task.train.t, 0)).toEqual(rangeOf(5, 90));
    expect(steps(task.valid.t, 0)).toEqual(rangeOf(90, 110));
    expect(steps(task.test.t, 0)).toEqual(rangeOf(110, 200));
  });
});

test('float64 floor rules: floor(200·(0.45 + 0.1)) = 110 although the product is 110.00000000000001', () => {
  expect(200 * (0.45 + 0.1)).toBe(110.00000000000001);
  expect(Math.floor(200 * (0.45 + 0.1))).toBe(110);
  expect(Math.floor(60 * 0.2)).toBe(12);
  const t = buildTask('discrete_pattern_completion');
  expect(t.test.t.shape[1]).toBe(12);
});

test('the ratio check is an exact float64 equality (0.7 / 0.1 / 0.2 is rejected, as the reference)', () => {
  expect(() =>
    buildTask('sinus_forecasting', { overrides: { training_ratio: 0.7, validation_ratio: 0.1, testing_ratio: 0.2 } }),
  ).toThrow(/must equal 1 exactly/);
  expect(() =>
    buildTask('sinus_forecasting', { overrides: { training_ratio: 0.8, validation_ratio: 0.1, testing_ratio: 0.1 } }),
  ).not.toThrow();
});

test('sinus: value of the frequency-modulated sine on the linspace grid', () => {
  const t = sinusForecasting({
    sequence_length: 200,
    forecast_length: 5,
    training_ratio: 0.45,
    validation_ratio: 0.1,
    testing_ratio: 0.45,
  });
  const n = 205;
  const step = n / 100 / (n - 1);
  for (const k of [0, 1, 57, 199]) {
    const tk = k * step;
    expect(t.test.x.data[k]).toBeCloseTo(Math.sin(2 * Math.PI * 10 * tk + Math.sin(2 * Math.PI * 0.5 * tk)), 6);
  }
  // Last target = the last grid point, exactly n/100 = 2.05.
  expect(t.test.y.data[199]).toBeCloseTo(Math.sin(2 * Math.PI * 10 * 2.05 + Math.sin(2 * Math.PI * 0.5 * 2.05)), 6);
});

test('chaotic: Euler Lorenz from (0, 1, 1.05) with β = 2.667; channels mean 0 and std 1/3 over the L + h points', () => {
  const raw = streamLorenzTrajectory(3);
  expect(Array.from(raw.subarray(0, 3))).toEqual([0, 1, 1.05]);
  // One Euler step of dt = 0.01: dx = 10·(1 − 0), dy = 0 − 1 − 0, dz = 0 − 2.667·1.05.
  expect(raw[3]).toBeCloseTo(0.1, 12);
  expect(raw[4]).toBeCloseTo(0.99, 12);
  expect(raw[5]).toBeCloseTo(1.05 - 0.01 * 2.667 * 1.05, 12);

  const L = 200,
    h = 5;
  const t = chaoticForecasting({
    sequence_length: L,
    forecast_length: h,
    training_ratio: 0.45,
    validation_ratio: 0.1,
    testing_ratio: 0.45,
  });
  const x = t.test.x.data;
  const y = t.test.y.data;
  for (let c = 0; c < 3; c++) {
    // the L + h points: x[0..L−1] then y[L−h..L−1]
    const pts: number[] = [];
    for (let k = 0; k < L; k++) pts.push(x[3 * k + c] as number);
    for (let k = L - h; k < L; k++) pts.push(y[3 * k + c] as number);
    expect(pts.length).toBe(L + h);
    const mean = pts.reduce((a, v) => a + v, 0) / pts.length;
    const std = Math.sqrt(pts.reduce((a, v) => a + (v - mean) ** 2, 0) / pts.length);
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(std).toBeCloseTo(1 / 3, 6);
  }
});

test('splitSeries: batch 1, nested prefixes, T from the floors', () => {
  const x = Float32Array.from({ length: 10 }, (_, i) => i);
  const s = splitSeries(x, x, 1, {
    sequence_length: 10,
    forecast_length: 1,
    training_ratio: 0.5,
    validation_ratio: 0.2,
    testing_ratio: 0.3,
  });
  expect(s.train.x.shape).toEqual([1, 5, 1]);
  expect(s.valid.x.shape).toEqual([1, 7, 1]);
  expect(steps(s.train.t, 0)).toEqual([1, 2, 3, 4]);
  expect(steps(s.valid.t, 0)).toEqual([5, 6]);
  expect(steps(s.test.t, 0)).toEqual([7, 8, 9]);
});
