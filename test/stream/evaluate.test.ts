/**
 * A search scores its trials on validation only; the chosen trial alone is replayed and
 * scored on test. The reported test score must be the one a standalone trial of the chosen
 * configuration (fit, validate, test in one go) gives.
 */
import { DEFAULT_RIDGES } from '../../lib/model/model';
import { runTrial, type TrialResult } from '../../lib/search/trial';
import { evaluateStream } from '../../lib/stream/evaluate';

describe('evaluateStream scores test once per search', () => {
  test.each(['esn', 'ran-a'] as const)(
    '%s: trials carry no test score; the chosen one matches a full trial',
    async (model) => {
      const seen: TrialResult[] = [];
      const [cell] = await evaluateStream({
        tasks: ['adding_problem'],
        models: [model],
        difficulty: 'small',
        budget: 2000,
        seeds: 1,
        trials: 4,
        workers: 0,
        onTrial: (_done, _total, r) => seen.push(r),
      });
      expect(seen).toHaveLength(4);
      expect(seen.every((r) => Number.isNaN(r.test))).toBe(true);
      const chosen = cell!.perSeed[0]!;
      expect(Number.isFinite(chosen.score)).toBe(true);
      const full = await runTrial({
        id: 0,
        task: { name: 'adding_problem', difficulty: 'small', seed: chosen.seed },
        config: chosen.config,
        ridges: [...DEFAULT_RIDGES],
        threads: 1,
      });
      expect(full.valid).toBe(chosen.valid);
      expect(full.test).toBe(chosen.score);
    },
  );
});
