/**
 * Many predictions at once on one loaded model (what a server does under load): every call
 * succeeds with the bits of the same call made alone, calls past the bounded queue are
 * refused with ERR_RAN_BUSY, and runs that carry state still refuse to overlap.
 */
import { Model } from '../../lib/model/model';
import { decodeModel, encodeModel } from '../../lib/model/file';
import type { Tensor3 } from '../../lib/tensor';
import { randomTensor, sameBits } from '../helpers';

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

/** A fitted RAN-A model, saved and loaded back (the object a service holds). */
async function loadedRanA(): Promise<Model> {
  const model = new Model({ kind: 'ran-a', options: { inputDim: 2, units: 12, width: 4, context: 4, seed: 7 } });
  await model.fit({ x: randomTensor(1, 16, 30, 2), y: randomTensor(2, 16, 30, 1), washout: 5 }, { ridges: [1e-3] });
  return decodeModel(encodeModel(model));
}

describe('concurrent predictions on one model', () => {
  let model: Model;
  let inputs: Tensor3[];
  let alone: Float32Array[];

  beforeAll(async () => {
    model = await loadedRanA();
    // Inputs of several shapes; each call made alone, one after another, is the reference.
    inputs = Array.from({ length: 20 }, (_, i) => randomTensor(100 + i, 1 + (i % 3), 5 + 7 * (i % 4), 2));
    alone = [];
    for (const x of inputs) alone.push((await model.predict(x)).data);
  });

  afterAll(() => model.reservoir.dispose());

  test('200 concurrent predict calls all succeed with the bits of sequential calls', async () => {
    const calls = Array.from({ length: 200 }, (_, k) => model.predict(inputs[k % inputs.length]!));
    const { running, queued } = model.reservoir.pendingRuns;
    expect(running + queued).toBe(200);
    const results = await Promise.all(calls);
    results.forEach((r, k) => expect(sameBits(r.data, alone[k % inputs.length]!)).toBe(true));
    expect(model.reservoir.pendingRuns).toEqual({ running: 0, queued: 0 });
  });

  test('evaluate runs concurrently with predict and gives the score of a call made alone', async () => {
    const data = { x: inputs[5]!, y: randomTensor(9, inputs[5]!.shape[0], inputs[5]!.shape[1], 1), washout: 2 };
    const first = await model.evaluate(data, false);
    const mixed = await Promise.all([
      model.evaluate(data, false),
      model.predict(inputs[0]!),
      model.evaluate(data, false),
    ]);
    expect(mixed[0]).toBe(first);
    expect(mixed[2]).toBe(first);
    expect(sameBits(mixed[1].data, alone[0]!)).toBe(true);
  });

  test('past maxQueued waiting calls, a call is refused with ERR_RAN_BUSY that says so', async () => {
    model.maxQueued = 5;
    try {
      const calls = Array.from({ length: 20 }, () => model.predict(inputs[1]!));
      const { running, queued } = model.reservoir.pendingRuns;
      expect(queued).toBe(5);
      const settled = await Promise.allSettled(calls);
      const refused = settled.filter((s) => s.status === 'rejected');
      expect(refused.length).toBe(20 - running - 5);
      for (const r of refused) {
        expect(r.reason).toMatchObject({
          code: 'ERR_RAN_BUSY',
          message: expect.stringMatching(/maxQueued = 5/),
        });
      }
      for (const s of settled) if (s.status === 'fulfilled') expect(sameBits(s.value.data, alone[1]!)).toBe(true);
    } finally {
      model.maxQueued = 1024;
    }
    expect(() => (model.maxQueued = -1)).toThrow(/maxQueued/);
    expect(() => (model.maxQueued = 1.5)).toThrow(/maxQueued/);
  });

  test('a call aborted while it waits leaves the queue and rejects with ERR_RAN_ABORTED', async () => {
    const ac = new AbortController();
    const first = Array.from({ length: 8 }, () => model.predict(inputs[2]!));
    const waiting = model.predict(inputs[3]!, { signal: ac.signal });
    const before = model.reservoir.pendingRuns.queued;
    ac.abort();
    expect(await code(waiting)).toBe('ERR_RAN_ABORTED');
    expect(model.reservoir.pendingRuns.queued).toBeLessThan(before);
    for (const r of await Promise.all(first)) expect(sameBits(r.data, alone[2]!)).toBe(true);
  });

  test('reset: false still refuses to overlap other runs; dispose during runs is refused', async () => {
    const res = model.reservoir;
    const x = inputs[4]!;
    const running = Array.from({ length: 3 }, () => res.runAsync(x, { states: true }));
    expect(await code(res.runAsync(x, { reset: false }))).toBe('ERR_RAN_BUSY');
    expect(() => res.dispose()).toThrow(expect.objectContaining({ code: 'ERR_RAN_BUSY' }));
    const states = await Promise.all(running);
    for (const s of states) expect(sameBits(s.states!.data, states[0]!.states!.data)).toBe(true);
    // Alone, a carried-state run works, and the next reset run is the bits of the first.
    await res.runAsync(x, { reset: false });
    expect(sameBits((await res.runAsync(x, { states: true })).states!.data, states[0]!.states!.data)).toBe(true);
  });
});
