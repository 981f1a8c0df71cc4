import {
  bestPublished,
  PUBLISHED_RESULTS,
  PUBLISHED_SOURCE,
  PUBLISHED_VERDICTS,
  publishedResult,
  TRIVIAL_REFERENCES,
} from '../../lib/stream/published';
import { TASK_NAMES } from '../../lib/tasks';

test('192 cells: 12 tasks × 4 budgets × 4 models', () => {
  expect(PUBLISHED_RESULTS.length).toBe(192);
  expect(new Set(PUBLISHED_RESULTS.map((r) => r.task))).toEqual(new Set(TASK_NAMES));
  expect(PUBLISHED_SOURCE).toMatch(/Echo-State-Transformer/);
});

test('a few entries parse to the right numbers', () => {
  expect(publishedResult('sinus_forecasting', '1k', 'Transformer')).toEqual({
    task: 'sinus_forecasting',
    budget: '1k',
    model: 'Transformer',
    mean: 0.009,
    std: 6.7e-4,
  });
  expect(publishedResult('discrete_postcasting', '10k', 'EST')).toMatchObject({ mean: 8.9e-5, std: 1.1e-4 });
  expect(publishedResult('adding_problem', '10k', 'Transformer')).toMatchObject({ mean: 0, std: 0 });
  expect(publishedResult('sequential_mnist', '1M', 'GRU')).toMatchObject({ mean: 0.602, std: 0.206 });
  expect(publishedResult('bracket_matching', '100k', 'LSTM')).toMatchObject({ mean: 0.46, std: 0.072 });
  expect(bestPublished('sequential_mnist')).toMatchObject({ model: 'Transformer', budget: '1M', mean: 0.328 });
  expect(bestPublished('selective_copy')).toMatchObject({ model: 'EST', budget: '10k', mean: 0.426 });
});

test('trivial-predictor tables', () => {
  expect(TRIVIAL_REFERENCES.length).toBe(12);
  expect(TRIVIAL_REFERENCES.find((r) => r.task === 'chaotic_forecasting')?.other?.score).toBe(0.0064);
  expect(TRIVIAL_REFERENCES.find((r) => r.task === 'adding_problem')).toMatchObject({ zero: 0.889, constant: 0.667 });
  expect(PUBLISHED_VERDICTS.length).toBe(12);
  expect(PUBLISHED_VERDICTS.find((v) => v.task === 'chaotic_forecasting')?.verdict).toMatch(
    /no model's seed-mean beats persistence/,
  );
});
