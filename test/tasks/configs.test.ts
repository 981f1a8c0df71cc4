import { buildTask, CONFIGS, DIFFICULTIES, getConfig, TASK_NAMES } from '../../lib/tasks';

test('every level defines every task; medium and medium-v0.1.2 are the two spec tables', () => {
  for (const d of DIFFICULTIES) for (const t of TASK_NAMES) expect(CONFIGS[d][t]).toBeDefined();
  expect(getConfig('simple_copy', 'medium')).toEqual({
    n_train: 1000,
    n_valid: 200,
    n_test: 1000,
    sequence_length: 50,
    delay: 10,
    n_symbols: 8,
  });
  expect(getConfig('simple_copy', 'medium-v0.1.2')).toEqual({
    n_train: 10000,
    n_valid: 200,
    n_test: 1000,
    sequence_length: 22,
    delay: 5,
    n_symbols: 3,
  });
  expect(getConfig('chaotic_forecasting', 'medium-v0.1.2')).toMatchObject({
    sequence_length: 20000,
    forecast_length: 5,
  });
  expect(getConfig('continuous_pattern_completion', 'large')).toMatchObject({ base_length: 20, sequence_length: 500 });
  expect(getConfig('discrete_pattern_completion', 'large')).toMatchObject({ base_length: 25, n_symbols: 20 });
  expect(() => getConfig('simple_copy', 'huge')).toThrow(/unknown difficulty/);
});

test('configs are copied, never mutated (spec §5 defect 6)', () => {
  const c = getConfig('adding_problem', 'small');
  (c as { n_test: number }).n_test = 1;
  expect(CONFIGS.small.adding_problem.n_test).toBe(100);
  expect(Object.isFrozen(CONFIGS.small.adding_problem)).toBe(true);
  const t = buildTask('adding_problem', { seed: 1, overrides: { n_test: 7 } });
  expect(t.test.x.shape[0]).toBe(7);
  expect(buildTask('adding_problem', { seed: 1 }).test.x.shape[0]).toBe(100);
  expect(() => buildTask('adding_problem', { overrides: { seed: 3 } })).toThrow(/not a parameter/);
});

test('medium shapes follow the general formulas (one task per family, few samples)', () => {
  const o = { difficulty: 'medium' as const, overrides: { n_train: 2, n_valid: 2, n_test: 2 } };
  expect(buildTask('discrete_postcasting', o).test.t.shape).toEqual([2, 85]);
  expect(buildTask('selective_copy', o).test.x.shape).toEqual([2, 80 + 10 + 1 + 10, 10]);
  expect(buildTask('adding_problem', o).test.y.shape).toEqual([2, 22, 15]);
  expect(buildTask('sorting_problem', o).test.x.shape).toEqual([2, 41, 29]);
  expect(buildTask('bracket_matching', o).test.x.shape).toEqual([2, 102, 3]);
  expect(buildTask('sinus_forecasting', { difficulty: 'medium' }).train.t.shape).toEqual([1, 900 - 15]);
});

test('generator parameter errors', () => {
  expect(() => buildTask('bracket_matching', { overrides: { sequence_length: 51 } })).toThrow(/even/);
  expect(() => buildTask('selective_copy', { overrides: { n_markers: 40 } })).toThrow(/smaller than/);
  expect(() => buildTask('discrete_postcasting', { overrides: { delay: 50 } })).toThrow(/smaller than/);
  expect(() => buildTask('simple_copy', { overrides: { n_test: -1 } })).toThrow(/n_test/);
  expect(() => buildTask('simple_copy', { seed: -1 })).toThrow(/seed/);
});
