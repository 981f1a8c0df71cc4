/**
 * The example service (examples/serve/server.js, on the compiled dist/): predictions equal
 * Model.predict's, hostile bodies get 400/413 with a message and never a 500 or a crash, and
 * concurrent requests share the one loaded model.
 */
import fc from 'fast-check';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

const ran = require('recurrent-attention') as typeof import('../../lib/index');
const { createServer } = require('../../examples/serve/server.js') as {
  createServer: (m: unknown, o?: { maxBodyBytes?: number }) => http.Server & { stats: Record<string, number> };
};

let server: http.Server & { stats: Record<string, number> };
let base: string;
let model: InstanceType<typeof ran.Model>;

beforeAll(async () => {
  const m = new ran.Model({ kind: 'ran-a', options: { inputDim: 2, units: 6, width: 4, context: 3, seed: 4 } });
  const rng = new ran.Random(5);
  const x = Float32Array.from({ length: 4 * 20 * 2 }, () => rng.uniform() - 0.5);
  const y = Float32Array.from({ length: 4 * 20 }, () => rng.uniform() - 0.5);
  await m.fit({ x: { data: x, shape: [4, 20, 2] }, y: { data: y, shape: [4, 20, 1] } }, { ridges: [1e-3] });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ran-serve-')), 'm.ran');
  await ran.saveModel(m, file);
  model = await ran.loadModel(file);
  server = createServer(model, { maxBodyBytes: 4096 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  model.reservoir.dispose();
});

async function post(body: string): Promise<{ status: number; json: { outputs?: number[][][]; error?: string } }> {
  const res = await fetch(`${base}/predict`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as { outputs?: number[][][]; error?: string } };
}

test('a prediction is the model’s, bit for bit (float32 values through JSON)', async () => {
  const seq = Array.from({ length: 7 }, (_, t) => [Math.sin(t), Math.cos(t)]);
  const r = await post(JSON.stringify({ x: [seq, seq.slice().reverse()] }));
  expect(r.status).toBe(200);
  const direct = await model.predict({
    data: Float32Array.from([...seq, ...seq.slice().reverse()].flat()),
    shape: [2, 7, 2],
  });
  expect(Float32Array.from(r.json.outputs!.flat(2))).toEqual(direct.data);
  const last = await post(JSON.stringify({ x: [seq], last: true }));
  expect(last.json.outputs).toEqual([r.json.outputs![0]![6]]);
});

test('100 concurrent requests all succeed with the same answer', async () => {
  const body = JSON.stringify({
    x: [
      [
        [0.1, 0.2],
        [0.3, 0.4],
        [0.5, 0.6],
      ],
    ],
    last: true,
  });
  const answers = await Promise.all(Array.from({ length: 100 }, () => post(body)));
  for (const a of answers) expect(a).toEqual(answers[0]);
  expect(answers[0]!.status).toBe(200);
});

test('hostile bodies get 400 (or 413 past the size bound) with a message, never 500', async () => {
  const values = fc.oneof(fc.double(), fc.constantFrom(null, 'x', true, [], {}, Infinity), fc.integer());
  const steps = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.array(values, { minLength: 2, maxLength: 2 }) },
      { weight: 1, arbitrary: fc.array(values, { maxLength: 3 }) },
    ),
    { maxLength: 4 },
  );
  const bodies = fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .record({ x: fc.array(steps, { maxLength: 3 }), last: fc.oneof(fc.boolean(), values) }, { requiredKeys: [] })
      .map((o) => JSON.stringify(o)),
    fc.constantFrom(
      '',
      '{',
      '{"x": [[[1, 2]]]',
      'x'.repeat(5000),
      JSON.stringify({ x: [Array.from({ length: 400 }, () => [1, 2])] }),
    ),
  );
  await fc.assert(
    fc.asyncProperty(bodies, async (body) => {
      const r = await post(body);
      expect([200, 400, 413]).toContain(r.status);
      if (r.status !== 200) expect(typeof r.json.error).toBe('string');
      else expect(Array.isArray(r.json.outputs)).toBe(true);
    }),
    { seed: 16, numRuns: 300 },
  );
  expect(server.stats['500']).toBeUndefined();
  expect((await fetch(`${base}/health`)).status).toBe(200);
});
