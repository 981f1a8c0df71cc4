import { buildTask, TASK_NAMES, type StreamTask } from '../../lib/tasks';
import { sameBytes, steps } from './helpers';

type Shape3 = [number, number, number];
interface Expected {
  xTrain: Shape3;
  yTrain: Shape3;
  tTrain: [number, number];
  xValid: Shape3;
  tValid: [number, number];
  xTest: Shape3;
  tTest: [number, number];
  classification: boolean;
}

// Spec §2 table, small level.
const TABLE: Record<string, Expected> = {
  sinus_forecasting: {
    xTrain: [1, 90, 1],
    yTrain: [1, 90, 1],
    tTrain: [1, 85],
    xValid: [1, 110, 1],
    tValid: [1, 20],
    xTest: [1, 200, 1],
    tTest: [1, 90],
    classification: false,
  },
  chaotic_forecasting: {
    xTrain: [1, 90, 3],
    yTrain: [1, 90, 3],
    tTrain: [1, 85],
    xValid: [1, 110, 3],
    tValid: [1, 20],
    xTest: [1, 200, 3],
    tTest: [1, 90],
    classification: false,
  },
  discrete_postcasting: {
    xTrain: [100, 50, 3],
    yTrain: [100, 50, 3],
    tTrain: [100, 45],
    xValid: [20, 50, 3],
    tValid: [20, 45],
    xTest: [100, 50, 3],
    tTest: [100, 45],
    classification: true,
  },
  continuous_postcasting: {
    xTrain: [100, 50, 1],
    yTrain: [100, 50, 1],
    tTrain: [100, 45],
    xValid: [20, 50, 1],
    tValid: [20, 45],
    xTest: [100, 50, 1],
    tTest: [100, 45],
    classification: false,
  },
  discrete_pattern_completion: {
    xTrain: [100, 60, 4],
    yTrain: [100, 60, 3],
    tTrain: [100, 12],
    xValid: [20, 60, 4],
    tValid: [20, 12],
    xTest: [100, 60, 4],
    tTest: [100, 12],
    classification: true,
  },
  continuous_pattern_completion: {
    xTrain: [100, 60, 1],
    yTrain: [100, 60, 1],
    tTrain: [100, 12],
    xValid: [20, 60, 1],
    tValid: [20, 12],
    xTest: [100, 60, 1],
    tTest: [100, 12],
    classification: false,
  },
  bracket_matching: {
    xTrain: [100, 52, 3],
    yTrain: [100, 52, 2],
    tTrain: [100, 1],
    xValid: [20, 52, 3],
    tValid: [20, 1],
    xTest: [100, 52, 3],
    tTest: [100, 1],
    classification: true,
  },
  simple_copy: {
    xTrain: [100, 50, 4],
    yTrain: [100, 50, 3],
    tTrain: [100, 22],
    xValid: [20, 50, 4],
    tValid: [20, 22],
    xTest: [100, 50, 4],
    tTest: [100, 22],
    classification: true,
  },
  selective_copy: {
    xTrain: [100, 51, 5],
    yTrain: [100, 51, 3],
    tTrain: [100, 5],
    xValid: [20, 51, 5],
    tValid: [20, 5],
    xTest: [100, 51, 5],
    tTest: [100, 5],
    classification: true,
  },
  adding_problem: {
    xTrain: [100, 12, 5],
    yTrain: [100, 12, 5],
    tTrain: [100, 1],
    xValid: [20, 12, 5],
    tValid: [20, 1],
    xTest: [100, 12, 5],
    tTest: [100, 1],
    classification: true,
  },
  sorting_problem: {
    xTrain: [100, 21, 14],
    yTrain: [100, 21, 3],
    tTrain: [100, 10],
    xValid: [20, 21, 14],
    tValid: [20, 10],
    xTest: [100, 21, 14],
    tTest: [100, 10],
    classification: true,
  },
  sequential_mnist: {
    xTrain: [100, 30, 29],
    yTrain: [100, 30, 10],
    tTrain: [100, 1],
    xValid: [20, 30, 29],
    tValid: [20, 1],
    xTest: [100, 30, 29],
    tTest: [100, 1],
    classification: true,
  },
};

const tasks = new Map<string, StreamTask>();
beforeAll(() => {
  for (const name of TASK_NAMES) tasks.set(name, buildTask(name, { difficulty: 'small', seed: 7 }));
});

describe.each(TASK_NAMES.map((n) => [n]))('%s at small', (name) => {
  const e = TABLE[name] as Expected;
  const task = (): StreamTask => tasks.get(name) as StreamTask;

  test('shapes match the spec §2 table', () => {
    const t = task();
    expect(t.name).toBe(name);
    expect(t.classification).toBe(e.classification);
    expect(t.train.x.shape).toEqual(e.xTrain);
    expect(t.train.y.shape).toEqual(e.yTrain);
    expect(t.train.t.shape).toEqual(e.tTrain);
    expect(t.valid.x.shape).toEqual(e.xValid);
    expect(t.valid.y.shape).toEqual([e.xValid[0], e.xValid[1], e.yTrain[2]]);
    expect(t.valid.t.shape).toEqual(e.tValid);
    expect(t.test.x.shape).toEqual(e.xTest);
    expect(t.test.y.shape).toEqual([e.xTest[0], e.xTest[1], e.yTrain[2]]);
    expect(t.test.t.shape).toEqual(e.tTest);
    for (const s of [t.train, t.valid, t.test]) {
      expect(s.x.data.length).toBe(s.x.shape[0] * s.x.shape[1] * s.x.shape[2]);
      expect(s.y.data.length).toBe(s.y.shape[0] * s.y.shape[1] * s.y.shape[2]);
      expect(s.t.data.length).toBe(s.t.shape[0] * s.t.shape[1]);
    }
  });

  test('prediction steps are distinct and inside the sequence', () => {
    for (const s of [task().train, task().valid, task().test]) {
      const N = s.x.shape[1];
      const bad: string[] = [];
      for (let b = 0; b < s.t.shape[0]; b++) {
        const st = steps(s.t, b);
        if (new Set(st).size !== st.length) bad.push(`sample ${b}: repeated steps`);
        for (const v of st) if (!(v >= 0 && v < N)) bad.push(`sample ${b}: step ${v}`);
      }
      expect(bad).toEqual([]);
    }
  });

  test('classification targets are one-hot at every prediction step', () => {
    if (!e.classification) return;
    for (const s of [task().train, task().test]) {
      const [B, N, D] = s.y.shape;
      let bad = 0;
      for (let b = 0; b < B; b++) {
        for (const st of steps(s.t, b)) {
          const r = s.y.data.subarray((b * N + st) * D, (b * N + st + 1) * D);
          if (r.reduce((a, v) => a + v, 0) !== 1 || !r.every((v) => v === 0 || v === 1)) bad++;
        }
      }
      expect(bad).toBe(0);
    }
  });

  test('same seed → identical arrays; different seed → different (except deterministic forecasting)', () => {
    const a = buildTask(name, { seed: 7 });
    const b = buildTask(name, { seed: 8 });
    const t = task();
    for (const split of ['train', 'valid', 'test'] as const) {
      expect(sameBytes(a[split].x.data, t[split].x.data)).toBe(true);
      expect(sameBytes(a[split].y.data, t[split].y.data)).toBe(true);
      expect(sameBytes(a[split].t.data, t[split].t.data)).toBe(true);
    }
    if (name === 'sinus_forecasting' || name === 'chaotic_forecasting') {
      expect(sameBytes(b.test.x.data, t.test.x.data)).toBe(true);
    } else {
      expect(sameBytes(b.test.x.data, t.test.x.data)).toBe(false);
    }
  });
});

test('EST alias names build the same task', () => {
  const a = buildTask('copy_task', { seed: 3 });
  const b = buildTask('simple_copy', { seed: 3 });
  expect(a.name).toBe('simple_copy');
  expect(sameBytes(a.test.x.data, b.test.x.data)).toBe(true);
  expect(buildTask('sin_forecasting').name).toBe('sinus_forecasting');
  expect(buildTask('continue_postcasting', { seed: 1 }).name).toBe('continuous_postcasting');
  expect(buildTask('continue_pattern_completion', { seed: 1 }).name).toBe('continuous_pattern_completion');
  expect(buildTask('selective_copy_task', { seed: 1 }).name).toBe('selective_copy');
  expect(() => buildTask('no_such_task')).toThrow(/unknown STREAM task/);
});
