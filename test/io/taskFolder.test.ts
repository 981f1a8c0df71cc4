/**
 * Task folders (X_train.npy … T_test.npy + meta.json). The fixture folder
 * test/fixtures/npy/task/ was written by NumPy with test/fixtures/npy/make_fixtures.py.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTaskFolder, TaskFolderError, writeTaskFolder } from '../../lib/io/taskFolder';
import { writeNpy } from '../../lib/io/npy';
import { buildTask, score } from '../../lib/tasks';
import { sameBytes, steps } from '../tasks/helpers';

const FIX = path.join(__dirname, '..', 'fixtures', 'npy', 'task');

let tmp = '';
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-task-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('reads the NumPy-written folder (float64 X/Y, int64 T) and scores a perfect copy as 0', () => {
  const t = readTaskFolder(FIX);
  expect(t.classification).toBe(true);
  expect(t.category).toBe('classification');
  expect(t.meta.name).toBe('discrete_postcasting');
  expect(t.train.x.shape).toEqual([3, 6, 3]);
  expect(t.valid.x.shape).toEqual([1, 6, 3]);
  expect(t.test.y.shape).toEqual([2, 6, 3]);
  expect(t.test.t.shape).toEqual([2, 4]);
  expect(steps(t.test.t, 1)).toEqual([2, 3, 4, 5]);
  // Y[t] = X[t − 2] by construction in make_fixtures.py: predicting that is perfect.
  const [B, N, D] = t.test.x.shape;
  const yHat = new Float32Array(B * N * D);
  for (let b = 0; b < B; b++)
    for (let s = 2; s < N; s++)
      yHat.set(t.test.x.data.subarray((b * N + s - 2) * D, (b * N + s - 1) * D), (b * N + s) * D);
  expect(score(t.test.y, { data: yHat, shape: [B, N, D] }, t.test.t, t.classification)).toBe(0);
});

test.each([['float32' as const], ['float64' as const]])('round trip of a generated task (%s)', (dtype) => {
  const task = buildTask('selective_copy', { seed: 5 });
  writeTaskFolder(tmp, task, { dtype, meta: { name: task.name, seed: 5 } });
  expect(fs.readdirSync(tmp).sort()).toEqual([
    'T_test.npy',
    'T_train.npy',
    'T_valid.npy',
    'X_test.npy',
    'X_train.npy',
    'X_valid.npy',
    'Y_test.npy',
    'Y_train.npy',
    'Y_valid.npy',
    'meta.json',
  ]);
  const back = readTaskFolder(tmp);
  expect(back.classification).toBe(true);
  expect(back.meta).toEqual({ name: 'selective_copy', seed: 5, classification: true });
  for (const split of ['train', 'valid', 'test'] as const) {
    expect(back[split].x.shape).toEqual(task[split].x.shape);
    expect(sameBytes(back[split].x.data, task[split].x.data)).toBe(true);
    expect(sameBytes(back[split].y.data, task[split].y.data)).toBe(true);
    expect(sameBytes(back[split].t.data, task[split].t.data)).toBe(true);
  }
});

test('regression flag and SD category are honoured', () => {
  writeTaskFolder(tmp, buildTask('continuous_postcasting', { seed: 1 }));
  expect(readTaskFolder(tmp).classification).toBe(false);
  fs.writeFileSync(path.join(tmp, 'meta.json'), '{"category": "multi_classification"}');
  expect(readTaskFolder(tmp).category).toBe('multi_classification');
});

test('errors: 2-D X, 3-D T, float T, step outside the sequence, missing or bad meta', () => {
  const expectFolderError = (re: RegExp): void => {
    let err: unknown;
    try {
      readTaskFolder(tmp);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TaskFolderError);
    expect((err as TaskFolderError).code).toBe('ERR_RAN_TASK_FOLDER');
    expect((err as Error).message).toMatch(re);
  };
  writeTaskFolder(tmp, buildTask('adding_problem', { seed: 1 }));
  writeNpy(path.join(tmp, 'X_train.npy'), { data: new Float32Array(6), shape: [2, 3] });
  expectFolderError(/X_train\.npy: expected a 3-D array/);
  writeTaskFolder(tmp, buildTask('adding_problem', { seed: 1 }));
  writeNpy(path.join(tmp, 'T_valid.npy'), { data: new BigInt64Array(20), shape: [20, 1, 1] });
  expectFolderError(/T_valid\.npy: expected a 2-D integer array/);
  writeNpy(path.join(tmp, 'T_valid.npy'), { data: new Float64Array(20), shape: [20, 1] });
  expectFolderError(/T_valid\.npy: expected int32 or int64/);
  writeNpy(path.join(tmp, 'T_valid.npy'), { data: new Int32Array(20).fill(12), shape: [20, 1] });
  expectFolderError(/T_valid\.npy: step 12 outside \[0, 12\)/);
  writeNpy(path.join(tmp, 'T_valid.npy'), { data: new Int32Array(19).fill(11), shape: [19, 1] });
  expectFolderError(/T_valid\.npy: 19 rows, X has 20 samples/);
  writeTaskFolder(tmp, buildTask('adding_problem', { seed: 1 }));
  fs.writeFileSync(path.join(tmp, 'meta.json'), '{"task": "x"}');
  expectFolderError(/meta\.json: expected "classification"/);
  fs.unlinkSync(path.join(tmp, 'meta.json'));
  expectFolderError(/meta\.json: cannot read/);
});

test('npy-level errors keep their own code', () => {
  writeTaskFolder(tmp, buildTask('adding_problem', { seed: 1 }));
  fs.writeFileSync(path.join(tmp, 'Y_test.npy'), 'garbage');
  expect(() => readTaskFolder(tmp)).toThrow(expect.objectContaining({ code: 'ERR_RAN_NPY' }));
});
