/**
 * The generators that used to hang or exhaust memory on a huge or non-integer length (issue 16):
 * each now throws at once, before allocating — ERR_RAN_INVALID_ARG outside the documented
 * range, ERR_RAN_TOO_LARGE past the memory limit.
 */
import * as ran from '../../lib/index';

const { tasks, datasets } = ran;

function codeOf(fn: () => unknown): string | undefined {
  const t0 = Date.now();
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(Date.now() - t0).toBeLessThan(1000);
    return (e as { code?: string }).code;
  }
}

test.each([
  ['tasks.sinusSeries(1e9)', () => tasks.sinusSeries(1e9), 'ERR_RAN_TOO_LARGE'],
  ['tasks.sinusSeries(2 ** 40)', () => tasks.sinusSeries(2 ** 40), 'ERR_RAN_INVALID_ARG'],
  ['tasks.sinusSeries(1.5)', () => tasks.sinusSeries(1.5), 'ERR_RAN_INVALID_ARG'],
  ['tasks.streamLorenzTrajectory(2 ** 30)', () => tasks.streamLorenzTrajectory(2 ** 30), 'ERR_RAN_TOO_LARGE'],
  ['tasks.streamLorenzTrajectory(NaN)', () => tasks.streamLorenzTrajectory(NaN), 'ERR_RAN_INVALID_ARG'],
  [
    'tasks.drawBracketString(rng, 2 ** 31 - 1, 5)',
    () => tasks.drawBracketString(new ran.Random(1), 2 ** 31 - 1, 5),
    'ERR_RAN_TOO_LARGE',
  ],
  [
    'tasks.drawBracketString(rng, -2, 5)',
    () => tasks.drawBracketString(new ran.Random(1), -2, 5),
    'ERR_RAN_INVALID_ARG',
  ],
  ['tasks.drawBracketString({}, 4, 5)', () => tasks.drawBracketString({} as never, 4, 5), 'ERR_RAN_INVALID_ARG'],
  [
    'tasks.simpleCopy with n_train 1e9',
    () => tasks.simpleCopy({ n_train: 1e9, n_valid: 1, n_test: 1, sequence_length: 10, delay: 1, n_symbols: 4 }, 0),
    'ERR_RAN_TOO_LARGE',
  ],
  [
    'buildTask with a huge override',
    () => ran.buildTask('sinus_forecasting', { overrides: { sequence_length: 2 ** 30 } }),
    'ERR_RAN_TOO_LARGE',
  ],
  ['datasets.lorenz washout 2^30', () => datasets.lorenz({ length: 1, washout: 2 ** 30 }), 'ERR_RAN_INVALID_ARG'],
  ['datasets.mackeyGlass length 1e9', () => datasets.mackeyGlass({ length: 1e9 }), 'ERR_RAN_INVALID_ARG'],
  ['datasets.narma10 order 1e9', () => datasets.narma10({ length: 10, order: 1e9 }), 'ERR_RAN_INVALID_ARG'],
  ['Random#choose(2 ** 31 - 1, 1)', () => new ran.Random(1).choose(2 ** 31 - 1, 1), 'ERR_RAN_TOO_LARGE'],
  ['zeros3(1e5, 1e5, 1e5)', () => ran.zeros3(1e5, 1e5, 1e5), 'ERR_RAN_TOO_LARGE'],
] as const)('%s: the documented error at once', (_name, fn, code) => {
  expect(codeOf(fn)).toBe(code);
});

test('lengths inside the range still work and give the documented sizes', () => {
  expect(tasks.sinusSeries(0).length).toBe(0);
  expect(tasks.streamLorenzTrajectory(4).length).toBe(12);
  expect(tasks.drawBracketString(new ran.Random(1), 6, 2).length).toBe(6);
  expect(datasets.lorenz({ length: 3 }).x.shape).toEqual([1, 3, 3]);
});
