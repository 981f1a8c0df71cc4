/**
 * Attention statistics (issue 14, section 2): computed inside the native step, compared
 * with the obvious float64 formulas applied to the float64 reference's weights; the same
 * bits for any thread count and tile width, sync or async.
 */
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import { ESN } from '../../lib/reservoirs/esn';
import { referenceAttentionStats, referenceRun } from '../reference/network';
import { maxError, randomTensor, sameBits, throwsCode } from '../helpers';

describe('attentionStats against a float64 reference', () => {
  // M, d, k, heads, d_ff, temperature, B, T, input scale
  const shapes: Array<[number, number, number, number, number, number, number, number, number]> = [
    [3, 4, 1, 1, 0, 1, 2, 10, 1],
    [5, 8, 4, 2, 16, 0.7, 3, 15, 1],
    [4, 6, 3, 3, 5, 0.3, 17, 10, 2],
    [2, 8, 16, 1, 4, 0.2, 5, 30, 3],
  ];
  test.each(shapes)(
    'M=%i d=%i k=%i heads=%i d_ff=%i temperature=%f B=%i T=%i scale=%f',
    (units, width, context, heads, ffHidden, temperature, b, t, scale) => {
      const res = new AttentionReservoir({
        inputDim: 3,
        units,
        width,
        context,
        heads,
        ffHidden,
        temperature,
        connectivity: 0.5,
        seed: 9,
      });
      const x = randomTensor(31, b, t, 3, scale);
      const all = Array.from({ length: units }, (_, i) => i);
      const got = res.run(x, { attentionStats: true }).attentionStats!;
      const ref = referenceAttentionStats(
        referenceRun(res.describe(), x.data, b, t, all).attention,
        b,
        t,
        units,
        heads,
        context,
      );
      expect(got.relativeEntropy.length).toBe(units);
      expect(maxError(got.relativeEntropy, ref.relativeEntropy, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
      expect(maxError(got.newestWeight, ref.newestWeight, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
      expect(maxError(got.meanLag, ref.meanLag, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
      if (context === 1) {
        expect(Array.from(got.relativeEntropy)).toEqual(all.map(() => 0));
        expect(Array.from(got.newestWeight)).toEqual(all.map(() => 1));
      } else {
        // the statistics say something: not all at the uniform value
        expect(got.relativeEntropy.every((e) => e > 0 && e <= 1 + 1e-6)).toBe(true);
      }
    },
  );

  test('RAN-C: the cortex (attention) units only', () => {
    const res = new DecomposedReservoir({
      inputDim: 2,
      attentionUnits: 3,
      memoryUnits: 4,
      width: 4,
      context: 5,
      slots: 6,
      seed: 3,
    });
    const x = randomTensor(5, 4, 12, 2);
    const got = res.run(x, { attentionStats: true }).attentionStats!;
    const spec = res.describe();
    const pop = spec.populations.find((p) => p.kind === 'attention')!;
    const ref = referenceAttentionStats(
      referenceRun(spec, x.data, 4, 12, [0, 1, 2]).attention,
      4,
      12,
      3,
      pop.heads ?? 1,
      pop.context ?? 1,
    );
    expect(got.meanLag.length).toBe(3);
    expect(maxError(got.relativeEntropy, ref.relativeEntropy, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxError(got.meanLag, ref.meanLag, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
  });
});

describe('attentionStats are deterministic', () => {
  test('the same bits for any thread count, batch composition (tile width) and sync or async', async () => {
    const res = new AttentionReservoir({ inputDim: 2, units: 6, width: 8, context: 6, heads: 2, seed: 4 });
    const x = randomTensor(6, 37, 25, 2);
    const one = res.run(x, { attentionStats: true, threads: 1 }).attentionStats!;
    const two = res.run(x, { attentionStats: true, threads: 2 }).attentionStats!;
    const asyncRun = (await res.runAsync(x, { attentionStats: true, threads: 3 })).attentionStats!;
    for (const s of [two, asyncRun]) {
      expect(sameBits(s.relativeEntropy, one.relativeEntropy)).toBe(true);
      expect(sameBits(s.newestWeight, one.newestWeight)).toBe(true);
      expect(sameBits(s.meanLag, one.meanLag)).toBe(true);
    }
    // One sequence (a one-lane tile) gives what the reference gives for it alone.
    const single = { data: x.data.slice(0, 25 * 2), shape: [1, 25, 2] as [number, number, number] };
    const alone = res.run(single, { attentionStats: true }).attentionStats!;
    const ref = referenceAttentionStats(
      referenceRun(res.describe(), single.data, 1, 25, [0, 1, 2, 3, 4, 5]).attention,
      1,
      25,
      6,
      2,
      6,
    );
    expect(maxError(alone.meanLag, ref.meanLag, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
  });

  test('states are unchanged by asking for the statistics', () => {
    const res = new AttentionReservoir({ inputDim: 2, units: 4, width: 8, context: 4, seed: 4 });
    const x = randomTensor(6, 9, 20, 2);
    expect(
      sameBits(
        res.run(x, { states: true }).states!.data,
        res.run(x, { states: true, attentionStats: true }).states!.data,
      ),
    ).toBe(true);
  });

  test('a reservoir without attention units refuses the option', () => {
    const esn = new ESN({ inputDim: 1, units: 10 });
    throwsCode(() => esn.run(randomTensor(1, 1, 3, 1), { attentionStats: true }), 'ERR_RAN_INVALID_ARG');
    throwsCode(() => esn.run(randomTensor(1, 1, 3, 1), { attentionStats: 1 as never }), 'ERR_RAN_INVALID_ARG');
  });
});
