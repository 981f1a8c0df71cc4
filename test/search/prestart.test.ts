import { takeWorker, workersToPrestart } from '../../lib/search/prestart';
import { defaultThreads } from '../../lib/threads';

describe('workersToPrestart', () => {
  test('reads --workers and --trials of ran eval / ran stream', () => {
    // One fewer than the jobs run at once: the pool runs one in the main thread.
    expect(workersToPrestart(['eval', '--data', 'd', '--workers', '2'])).toBe(1);
    expect(workersToPrestart(['stream', '--workers=3', '--trials', '30'])).toBe(2);
    expect(workersToPrestart(['eval', '--data', 'd', '--workers', '4', '--trials=2'])).toBe(1);
    expect(workersToPrestart(['eval', '--data', 'd', '--workers', '4', '--trials=1'])).toBe(0);
    expect(workersToPrestart(['eval', '--data', 'd', '--workers', '1'])).toBe(0);
    expect(workersToPrestart(['eval', '--data', 'd', '--workers', '0'])).toBe(0);
    expect(workersToPrestart(['stream'])).toBe(defaultThreads() - 1);
  });

  test('starts nothing for other commands, help or options it cannot read', () => {
    expect(workersToPrestart([])).toBe(0);
    expect(workersToPrestart(['fit', '--workers', '2'])).toBe(0);
    expect(workersToPrestart(['eval', '--help'])).toBe(0);
    expect(workersToPrestart(['stream', '-h', '--workers', '2'])).toBe(0);
    expect(workersToPrestart(['eval', '--workers', 'two'])).toBe(0);
    expect(workersToPrestart(['eval', '--workers'])).toBe(0);
    expect(workersToPrestart(['eval', '--workers', '-1'])).toBe(0);
  });

  test('with nothing started there is nothing to take', () => {
    expect(takeWorker()).toBeUndefined();
  });
});
