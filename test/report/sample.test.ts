/** The report replays the model that was scored: the run's difficulty, and RAN-C data keys. */
import { runSample } from '../../lib/report/sample';
import type { StreamCell } from '../../lib/stream/evaluate';
import type { ReservoirConfig } from '../../lib/model/config';

function cell(task: string, config: ReservoirConfig): StreamCell {
  const seed = {
    seed: 1,
    score: 0.1,
    valid: 0.1,
    validMse: 0.1,
    trial: 0,
    regime: 'wide' as const,
    trainable: 10,
    fixed: 10,
    seconds: 1,
    config,
  };
  return {
    task,
    model: config.kind,
    metric: 'error',
    perSeed: [seed],
    scores: [0.1],
    mean: 0.1,
    std: 0,
    valid: [0.1],
    trainable: 10,
    fixed: 10,
    trialSeconds: 1,
    best: config,
    failures: [],
    failedTrials: [],
  };
}

describe('runSample', () => {
  test('generates the task at the difficulty of the run', () => {
    const config: ReservoirConfig = {
      kind: 'ran-a',
      options: { inputDim: 8, units: 3, width: 4, context: 2, seed: 1 },
    };
    const medium = runSample(cell('discrete_postcasting', config), { difficulty: 'medium' });
    expect(medium.length).toBe(100);
    expect(medium.input[0]!.length).toBe(8);
    const small = runSample(
      cell('discrete_postcasting', { kind: 'ran-a', options: { ...config.options, inputDim: 3 } }),
    );
    expect(small.length).toBe(50);
  });

  test('a RAN-C with data keys is replayed with its keys fitted on the training inputs (its states differ from random keys)', () => {
    const options = {
      inputDim: 3,
      attentionUnits: 2,
      memoryUnits: 2,
      width: 4,
      slots: 4,
      context: 2,
      seed: 3,
      memoryInputFraction: 1,
    };
    const keyed = runSample(cell('discrete_postcasting', { kind: 'ran-c', options: { ...options, keys: 'data' } }));
    const random = runSample(cell('discrete_postcasting', { kind: 'ran-c', options: { ...options, keys: 'random' } }));
    expect(keyed.states).not.toEqual(random.states);
  });
});
