/** RAN-C `values: "data"`: memory values are the stored keys (issue 14 §3.6). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DecomposedReservoir } from '../../lib/reservoirs/decomposed';
import { Model } from '../../lib/model/model';
import { loadModel, saveModel } from '../../lib/model/file';
import { referenceRun } from '../reference/network';
import { maxError, randomTensor, sameBits, throwsCode } from '../helpers';

const ATOL = 5e-5;
const RTOL = 5e-5;

describe('RAN-C data values', () => {
  test.each([
    ['softmax', false, 4, 5],
    ['relu', false, 8, 3],
    ['softmax', true, 6, 4],
  ] as const)(
    "%s retrieval (shared %s, d = %i, P = %i): values = keys × the random values' scale; native matches the float64 reference",
    (retrieval, shared, d, slots) => {
      const options = {
        inputDim: 2,
        attentionUnits: 3,
        memoryUnits: 2,
        width: d,
        slots,
        retrieval,
        shared,
        keys: 'data' as const,
        values: 'data' as const,
        memoryValueScale: 0.7,
        seed: 5,
      };
      const res = new DecomposedReservoir(options);
      const x = randomTensor(7, 3, 11, 2);
      const before = res.describe().populations[1]!.values!.slice();
      res.fitKeys(x);
      const mem = res.describe().populations[1]!;
      const scale = 0.7 * (retrieval === 'relu' ? Math.sqrt(d / slots) : Math.sqrt(d));
      expect(mem.values!.length).toBe(mem.keys!.length);
      for (let i = 0; i < mem.keys!.length; i++) expect(mem.values![i]).toBeCloseTo(mem.keys![i]! * scale, 6);
      expect(sameBits(before, mem.values!)).toBe(false);
      const states = res.run(x, { states: true }).states!.data;
      const ref = referenceRun(res.describe(), x.data, 3, 11);
      expect(maxError(states, ref.states, ATOL, RTOL)).toBeLessThanOrEqual(1);
      // determinism: a second reservoir from the same options and data has the same bits
      const again = new DecomposedReservoir(options);
      again.fitKeys(x);
      expect(sameBits(again.run(x, { states: true }).states!.data, states)).toBe(true);
      res.dispose();
      again.dispose();
    },
  );

  test('needs data keys', () => {
    throwsCode(() => new DecomposedReservoir({ inputDim: 2, values: 'data' }), 'ERR_RAN_INVALID_ARG');
    throwsCode(
      () => new DecomposedReservoir({ inputDim: 2, keys: 'data', values: 'stored' as never }),
      'ERR_RAN_INVALID_ARG',
    );
  });

  test('a saved model keeps its data values (recomputed from the saved keys): bit-identical predictions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-values-'));
    try {
      const x = randomTensor(3, 6, 9, 2);
      const y = randomTensor(4, 6, 9, 1);
      const model = new Model({
        kind: 'ran-c',
        options: {
          inputDim: 2,
          attentionUnits: 2,
          memoryUnits: 2,
          width: 4,
          slots: 4,
          keys: 'data',
          values: 'data',
          seed: 9,
        },
      });
      await model.fit({ x, y }, { ridges: [1e-3] });
      const file = path.join(dir, 'm.ran');
      await saveModel(model, file);
      const loaded = await loadModel(file);
      expect(
        sameBits(
          loaded.reservoir.describe().populations[1]!.values!,
          model.reservoir.describe().populations[1]!.values!,
        ),
      ).toBe(true);
      expect(sameBits((await loaded.predict(x)).data, (await model.predict(x)).data)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
