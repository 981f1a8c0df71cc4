import { tableRows } from '../../lib/cli/format';
import type { Architecture } from '../../lib/model/config';
import { renderReport } from '../../lib/report/html';
import { evaluateStream } from '../../lib/stream/evaluate';
import { TASK_NAMES } from '../../lib/tasks/names';

// The default run's report (12 tasks, 3 models) stays small; one trial per search: the page's
// size does not depend on the number of trials. Slow (every task once): an integration test.
test('a default-size report (12 tasks, 3 models) stays under 1 MB', async () => {
  const models: Architecture[] = ['esn', 'ran-a', 'ran-c'];
  const cells = await evaluateStream({
    tasks: [...TASK_NAMES],
    models,
    budget: 10000,
    difficulty: 'small',
    trials: 1,
    seeds: 1,
    workers: 0,
  });
  const page = await renderReport({ rows: tableRows(cells, models, '10k'), cells, meta: {}, budget: '10k' });
  expect(page).toContain('Attention weights');
  expect(page).toContain('Predictions and the choice of λ');
  expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
}, 600_000);
