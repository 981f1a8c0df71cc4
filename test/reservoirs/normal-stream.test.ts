/**
 * Replayed normals (reservoirs/normalStream.ts) are the same numbers, and leave the generator
 * in the same state, as drawing them afresh — whatever the run lengths, odd or even.
 */
import { Random } from '../../lib/random';
import { clearNormalStreams, takeNormals } from '../../lib/reservoirs/normalStream';
import { clearRecurrentCache } from '../../lib/reservoirs/recurrentCache';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import type { Reservoir } from '../../lib/reservoirs/reservoir';

function fresh(seed: number, before: number, counts: readonly number[]): number[] {
  const rng = new Random(seed);
  for (let i = 0; i < before; i++) rng.normal();
  const out: number[] = [];
  for (const c of counts) for (let i = 0; i < c; i++) out.push(rng.normal());
  out.push(rng.uniform(), rng.normal(), rng.normal());
  return out;
}

function replayed(seed: number, before: number, counts: readonly number[]): number[] {
  const rng = new Random(seed);
  for (let i = 0; i < before; i++) rng.normal();
  const out: number[] = [];
  for (const c of counts) out.push(...takeNormals(rng, c));
  out.push(rng.uniform(), rng.normal(), rng.normal());
  return out;
}

// Runs shorter than 4096 are drawn afresh unless they continue a recorded run; longer ones are
// recorded and replayed.
test.each([
  [0, [4500]],
  [1, [4500]],
  [0, [4097, 1024, 1, 0, 2047]],
  [3, [2, 4100, 9, 1031]],
  [0, [5000, 17, 1100]],
])('runs of normals after %i draws, taken in runs %j, replay bit for bit', (before, counts) => {
  clearNormalStreams();
  const want = fresh(9, before, counts);
  expect(replayed(9, before, counts)).toEqual(want); // recorded
  expect(replayed(9, before, counts)).toEqual(want); // replayed
  // A shorter then a longer run from the same start: the stream extends.
  expect(replayed(9, before, [4096])).toEqual(fresh(9, before, [4096]));
  expect(replayed(9, before, [counts.reduce((a, b) => a + b, 0) + 3])).toEqual(
    fresh(9, before, [counts.reduce((a, b) => a + b, 0) + 3]),
  );
});

function weights(r: Reservoir): Float32Array[] {
  const d = r.describe();
  const out = [d.wIn, d.bias];
  for (const p of d.populations) for (const a of [p.wQ, p.wK, p.wV, p.w1, p.w2, p.keys, p.values]) if (a) out.push(a);
  r.dispose();
  return out;
}

test('reservoirs of one seed with other shapes and scales get the same unit weights as fresh ones', () => {
  const make = [
    () => new AttentionReservoir({ inputDim: 3, units: 20, seed: 4, ffHidden: 32 }),
    () => new AttentionReservoir({ inputDim: 3, units: 20, seed: 4, ffHidden: 0, queryScale: 0.5 }),
    () => new AttentionReservoir({ inputDim: 3, units: 20, seed: 4, ffHidden: 16, heads: 2, ffScale: 2 }),
    () => new AttentionReservoir({ inputDim: 3, units: 20, seed: 4, shared: true }),
    () => new DecomposedReservoir({ inputDim: 3, attentionUnits: 20, memoryUnits: 5, seed: 4, slots: 7 }),
    () => new DecomposedReservoir({ inputDim: 3, attentionUnits: 20, memoryUnits: 5, seed: 4, slots: 32 }),
  ];
  clearNormalStreams();
  clearRecurrentCache();
  const replay = make.map((m) => weights(m()));
  const again = make.map((m) => weights(m()));
  const first = make.map((m) => {
    clearNormalStreams();
    clearRecurrentCache();
    return weights(m());
  });
  expect(replay).toEqual(first);
  expect(again).toEqual(first);
});
