/**
 * Threads split a run's tiles of sequences (16 lanes each), never one sequence's step: a
 * single sequence has one tile, so it computes on the calling thread alone whatever `threads`
 * asks, where a split step would need a barrier per step (W1 at 2 threads measured slower than
 * at 1 in one benchmark run; interleaved in one process both take the same time). A batch of
 * several tiles does use the threads. Same bits either way.
 */
import { ESN } from '../../lib/reservoirs/esn';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { native } from '../../lib/native';
import { randomTensor, sameBits } from '../helpers';

const pool = (size?: number): { size: number; peak: number } =>
  (native() as unknown as { threadPool(size?: number): { size: number; peak: number } }).threadPool(size);
const originalSize = pool().size;
afterAll(() => pool(originalSize));

describe('threads and one sequence', () => {
  const cases = [
    ['esn', () => new ESN({ inputDim: 3, units: 200, seed: 2 })],
    ['ran-a', () => new AttentionReservoir({ inputDim: 3, units: 8, width: 8, context: 4, seed: 2 })],
  ] as const;
  for (const [name, make] of cases) {
    test(`${name}: one sequence takes one thread at threads 1-4, with the same bits`, () => {
      pool(4);
      const res = make();
      const x = randomTensor(7, 1, 40, 3);
      pool();
      const one = res.run(x, { states: true, threads: 1 });
      for (const threads of [2, 3, 4]) {
        const r = res.run(x, { states: true, threads });
        expect(pool().peak).toBe(1);
        expect(sameBits(r.states!.data, one.states!.data)).toBe(true);
      }
      res.dispose();
    });
    test(`${name}: a batch of three tiles takes three threads of four`, () => {
      pool(4);
      const res = make();
      const x = randomTensor(8, 40, 20, 3); // tiles of 16, 16 and 8 lanes
      pool();
      const one = res.run(x, { states: true, threads: 1 });
      expect(pool().peak).toBe(1);
      const r = res.run(x, { states: true, threads: 4 });
      expect(pool().peak).toBe(3);
      expect(sameBits(r.states!.data, one.states!.data)).toBe(true);
      res.dispose();
    });
  }
});
