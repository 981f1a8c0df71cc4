/**
 * worker_threads: the addon loaded in the main thread and in two workers at once, each
 * training a model; a worker terminated in the middle of a long native call. Needs the
 * compiled package (dist/, made by `npm run build` / the pretest script).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ESN } from '../../lib/reservoirs/esn';
import { Random } from '../../lib/random';
import type { Tensor3 } from '../../lib/tensor';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'index.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'worker.js');

interface Trained {
  weights: number[];
  states: number[];
}

function tensor(seed: number, b: number, t: number, d: number): Tensor3 {
  const rng = new Random(seed);
  const data = new Float32Array(b * t * d);
  for (let i = 0; i < data.length; i++) data[i] = 2 * rng.uniform() - 1;
  return { data, shape: [b, t, d] };
}

/** The same training as the fixture's "train" mode, in this thread. */
async function trainHere(seed: number): Promise<Trained> {
  const esn = new ESN({ inputDim: 2, units: 60, seed });
  const x = tensor(seed + 1, 8, 60, 2);
  const y = tensor(seed + 2, 8, 60, 1);
  const readout = esn.createReadout(1, 1e-4);
  for (let round = 0; round < 5; round++) {
    await esn.runAsync(x, { train: { readout, targets: y, select: { washout: 5 } }, threads: 1 });
    esn.run(x, { train: { readout, targets: y, select: { washout: 5 } }, threads: 1 });
  }
  const weights = await readout.solveAsync();
  const states = esn.run(x, { states: true, threads: 1 }).states!.data;
  esn.dispose();
  return { weights: Array.from(weights), states: Array.from(new Uint32Array(states.buffer)) };
}

function start(data: Record<string, unknown>): Worker {
  return new Worker(FIXTURE, { workerData: data });
}

function result<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once('message', (m: unknown) =>
      m && typeof m === 'object' && 'error' in m ? reject(new Error(String(m.error))) : resolve(m as T),
    );
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker exited with code ${code} before answering`)));
  });
}

function exited(w: Worker): Promise<number> {
  return new Promise((resolve) => w.once('exit', resolve));
}

beforeAll(() => {
  if (!fs.existsSync(DIST))
    throw new Error(
      `${DIST} is missing: these tests load the compiled package in worker_threads; run \`npm run build\` first`,
    );
});

describe('worker_threads', () => {
  test('main thread and two workers train at once, each with its own addon instance; same seed, same bits', async () => {
    const w1 = start({ mode: 'train', seed: 7 });
    const w2 = start({ mode: 'train', seed: 8, threads: 2 });
    const [a, b, here] = await Promise.all([result<Trained>(w1), result<Trained>(w2), trainHere(7)]);
    await Promise.all([w1.terminate(), w2.terminate()]);
    expect(a.weights).toEqual(here.weights);
    expect(a.states).toEqual(here.states);
    expect(b.weights).not.toEqual(here.weights);
    expect(b).toEqual(await trainHere(8));
  });

  for (const call of ['runAsync', 'run'] as const) {
    test(`a worker terminated during a long native ${call}: no crash, the main thread goes on, a new worker works`, async () => {
      // Long enough (about a second here) to still be running when terminate() comes.
      const w = start({ mode: 'long', call, threads: 2, steps: 20000 });
      const messages: unknown[] = [];
      w.on('message', (m) => messages.push(m));
      await new Promise<void>((resolve) => w.once('message', () => resolve()));
      // Let the native call get going, then terminate while it is busy.
      await new Promise((r) => setTimeout(r, 200));
      const ticks = setInterval(() => undefined, 5);
      const t0 = Date.now();
      const code = await w.terminate();
      const waited = Date.now() - t0;
      clearInterval(ticks);
      expect(messages).toEqual(['started']);
      expect(code).toBe(1);
      // The main thread is alive and the addon still works here and in a new worker.
      const esn = new ESN({ inputDim: 2, units: 10, seed: 1 });
      expect(esn.run(tensor(1, 2, 5, 2), { states: true }).states!.data.length).toBe(100);
      esn.dispose();
      const fresh = start({ mode: 'train', seed: 7 });
      const trained = await result<Trained>(fresh);
      await fresh.terminate();
      expect(trained).toEqual(await trainHere(7));
      if (process.env['RAN_LEAK_VERBOSE']) console.log(`terminate during ${call} took ${waited} ms`);
      expect(waited).toBeLessThan(10_000);
    });
  }

  test('a worker that exits by itself while a run is pending', async () => {
    const w = new Worker(
      `const { workerData } = require('worker_threads');
       const ran = require(workerData.dist);
       const res = new ran.ESN({ inputDim: 1, units: 200, seed: 1 });
       res.runAsync({ data: new Float32Array(64 * 2000), shape: [64, 2000, 1] }, { threads: 2 });
       process.exit(3);`,
      { eval: true, workerData: { dist: DIST } },
    );
    expect(await exited(w)).toBe(3);
  });
});
