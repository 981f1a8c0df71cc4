/**
 * The form a recurrent matrix is handed to the kernel in (dense, or blocks) changes no bit:
 * every form sums a row's non-zeros in column order. RAN-A keeps its blocks up to two
 * thirds of non-zero entries, so this is what lets it skip the dense expansion. And the
 * executor's recycled tile memory (network.cpp) starts every run from zeros.
 */
import { native } from '../../lib/native';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { clearRecurrentCache } from '../../lib/reservoirs/recurrentCache';
import type { BlockMatrix } from '../../lib/reservoirs/weights';
import { randomTensor, sameBits } from '../helpers';
import { denseOfBlocks } from '../reference/matrices';

test.each([
  [0.4, 1],
  [0.4, 5],
  [0.4, 21],
  [0.5, 16],
])('RAN-A at connectivity %f keeps its blocks, and runs %i sequences as a dense W does, bit for bit', (c, batch) => {
  clearRecurrentCache();
  const r = new AttentionReservoir({ inputDim: 3, units: 12, width: 16, connectivity: c, seed: 4, context: 4 });
  const spec = r.describe();
  expect('blockValues' in spec.w).toBe(true);
  const x = randomTensor(9, batch, 7, 3);
  const opts = { reset: true, states: true, includeInput: true, includeBias: true, threads: 2 };
  const blocked = new (native().Network)(spec).run(x.data, batch, 7, opts).states!;
  const dense = new (native().Network)({ ...spec, w: { n: spec.n, dense: denseOfBlocks(spec.w as BlockMatrix) } }).run(
    x.data,
    batch,
    7,
    opts,
  ).states!;
  expect(sameBits(blocked, dense)).toBe(true);
  expect(sameBits(blocked, r.run(x, { states: true }).states!.data)).toBe(true);
  r.dispose();
});

test('a run in tile memory recycled from a disposed reservoir gives the bits of the first run', () => {
  const make = (): AttentionReservoir =>
    new AttentionReservoir({ inputDim: 3, units: 12, width: 16, connectivity: 0.2, seed: 6, context: 8 });
  const x = randomTensor(3, 21, 9, 3);
  const first = make();
  const want = first.run(x, { states: true }).states!.data;
  // Leaves non-zero states and contexts in the tiles, which go to the recycler on dispose.
  first.run(randomTensor(4, 21, 30, 3, 5));
  first.dispose();
  const second = make();
  expect(sameBits(second.run(x, { states: true }).states!.data, want)).toBe(true);
  second.dispose();
});
