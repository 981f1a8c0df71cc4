/**
 * Spec §6: scores of trivial predictors, reproduced within sampling noise. Multi-sequence
 * tasks are generated with 5 000 test samples (`overrides: { n_test: 5000 }`) and scored
 * with `score`; the forecasting tasks are deterministic, so their values must match to the
 * precision given in the spec.
 */
import { buildTask, score, type Split, type StreamTask } from '../../lib/tasks';
import { TRIVIAL_REFERENCES } from '../../lib/stream/published';
import { oneHot, predict, row, steps, zerosLike } from './helpers';

const big = (name: string): StreamTask =>
  buildTask(name, { seed: 2024, overrides: { n_train: 10, n_valid: 10, n_test: 5000 } });

function constantClass(s: Split, k: number): number {
  const D = s.y.shape[2];
  const v = oneHot(D, k);
  return score(
    s.y,
    predict(s.y, () => v),
    s.t,
    true,
  );
}

/** Best constant per channel (mean of the targets at T), regression. */
function bestConstant(s: Split): number {
  const [B, N, D] = s.y.shape;
  const mean = new Array<number>(D).fill(0);
  let n = 0;
  for (let b = 0; b < B; b++) {
    for (const t of steps(s.t, b)) {
      row(s.y, b, t).forEach((v, d) => (mean[d] = (mean[d] as number) + v));
      n++;
    }
  }
  const c = mean.map((v) => v / n);
  void N;
  return score(
    s.y,
    predict(s.y, () => c),
    s.t,
    false,
  );
}

const ref = (task: string): (typeof TRIVIAL_REFERENCES)[number] => {
  const r = TRIVIAL_REFERENCES.find((x) => x.task === task);
  if (!r) throw new Error(task);
  return r;
};

test('sinus_forecasting: zero output 0.493, persistence 1.968 (deterministic)', () => {
  const s = buildTask('sinus_forecasting').test;
  expect(score(s.y, zerosLike(s.y), s.t, false)).toBeCloseTo(0.493, 3);
  expect(bestConstant(s)).toBeCloseTo(0.493, 2);
  expect(score(s.y, s.x, s.t, false)).toBeCloseTo(1.968, 3);
});

test('chaotic_forecasting: zero 0.059, best constant 0.052, persistence 0.0064 (deterministic)', () => {
  const s = buildTask('chaotic_forecasting').test;
  expect(score(s.y, zerosLike(s.y), s.t, false)).toBeCloseTo(0.059, 3);
  expect(bestConstant(s)).toBeCloseTo(0.052, 3);
  expect(score(s.y, s.x, s.t, false)).toBeCloseTo(0.0064, 4);
});

test('discrete_postcasting: chance 0.667; copying X[t−d] scores 0', () => {
  const s = big('discrete_postcasting').test;
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, true) - 0.667)).toBeLessThan(0.01);
  expect(Math.abs(constantClass(s, 1) - 0.667)).toBeLessThan(0.01);
  expect(
    score(
      s.y,
      predict(s.y, (b, t) => (t >= 5 ? row(s.x, b, t - 5) : [0, 0, 0])),
      s.t,
      true,
    ),
  ).toBe(0);
});

test('continuous_postcasting: zero / best constant 0.213 = 0.8²/3; copying scores 0', () => {
  const s = big('continuous_postcasting').test;
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, false) - 0.64 / 3)).toBeLessThan(0.005);
  expect(Math.abs(bestConstant(s) - ref('continuous_postcasting').constant)).toBeLessThan(0.005);
  expect(
    score(
      s.y,
      predict(s.y, (b, t) => (t >= 5 ? row(s.x, b, t - 5) : [0])),
      s.t,
      false,
    ),
  ).toBe(0);
});

/** Ideal causal pattern completion: the last earlier visible element of the same phase, else a fallback. */
function causalPattern(s: Split, B: number, visible: (r: number[]) => boolean, fallback: number[]): Split['y'] {
  return predict(s.y, (b, t) => {
    for (let u = t - B; u >= 0; u -= B) {
      const r = row(s.x, b, u);
      if (visible(r)) return r.slice(0, s.y.shape[2]);
    }
    return fallback;
  });
}

test('discrete_pattern_completion: zero 0.675, majority 0.657, ideal causal ≈ 0.054', () => {
  const s = big('discrete_pattern_completion').test;
  // Targets within a sample share 4 base symbols, so the effective sample size is smaller.
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, true) - 0.675)).toBeLessThan(0.02);
  const best = Math.min(constantClass(s, 0), constantClass(s, 1), constantClass(s, 2));
  expect(Math.abs(best - 0.657)).toBeLessThan(0.02);
  const ideal = score(
    s.y,
    causalPattern(s, 4, (r) => r[3] === 0, [1, 0, 0]),
    s.t,
    true,
  );
  expect(Math.abs(ideal - 0.054)).toBeLessThan(0.01);
});

test('continuous_pattern_completion: zero 0.334, constant 0.5 → 1/12, ideal causal ≈ 0.007', () => {
  const s = big('continuous_pattern_completion').test;
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, false) - 0.334)).toBeLessThan(0.01);
  expect(
    Math.abs(
      score(
        s.y,
        predict(s.y, () => [0.5]),
        s.t,
        false,
      ) -
        1 / 12,
    ),
  ).toBeLessThan(0.005);
  const ideal = score(
    s.y,
    causalPattern(s, 4, (r) => (r[0] as number) >= 0, [0.5]),
    s.t,
    false,
  );
  expect(Math.abs(ideal - 0.007)).toBeLessThan(0.003);
});

test('bracket_matching: "invalid" 0.516, "valid" 0.484', () => {
  const s = big('bracket_matching').test;
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, true) - 0.516)).toBeLessThan(0.025);
  expect(Math.abs(constantClass(s, 1) - 0.484)).toBeLessThan(0.025);
});

test.each(['simple_copy', 'selective_copy', 'sorting_problem'])('%s: chance 0.667', (name) => {
  const s = big(name).test;
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, true) - 0.667)).toBeLessThan(0.015);
  expect(Math.abs(constantClass(s, 2) - 0.667)).toBeLessThan(0.015);
});

test('adding_problem: zero (sum 2) 0.889, majority (sum 4) 0.667', () => {
  const s = big('adding_problem').test;
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, true) - 0.889)).toBeLessThan(0.015);
  expect(Math.abs(constantClass(s, 2) - 0.667)).toBeLessThan(0.025);
});

test('sequential_mnist (built-in 10 000 pool): digit 0 ≈ 0.900, digit 1 ≈ 0.887 (spec: 0.901 / 0.887 on 70 000)', () => {
  const s = big('sequential_mnist').test;
  // Built-in pool: 1 001 zeros and 1 127 ones out of 10 000 → 0.8999 and 0.8873.
  expect(Math.abs(score(s.y, zerosLike(s.y), s.t, true) - 0.8999)).toBeLessThan(0.015);
  expect(Math.abs(constantClass(s, 1) - 0.8873)).toBeLessThan(0.015);
  expect(Math.abs(constantClass(s, 1) - ref('sequential_mnist').constant)).toBeLessThan(0.015);
});
