/**
 * Leaks: 10 000 repeated calls of each public function keep memory bounded. Memory is read
 * after a full garbage collection (gc exposed at runtime through V8 flags), before and after
 * the repetitions: RSS, external and arrayBuffers must not grow beyond a fixed bound.
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import { ESN } from '../../lib/reservoirs/esn';
import { AttentionReservoir } from '../../lib/reservoirs/attention';
import { Ridge } from '../../lib/readout/ridge';
import { randomTensor } from '../helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const N = 10_000;
const MB = 1024 * 1024;

interface Sample {
  rss: number;
  external: number;
  arrayBuffers: number;
}

async function settle(): Promise<Sample> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers };
}

/**
 * Runs `body` N times (after a warm-up of N/10 so that allocator pools and JIT code exist)
 * and asserts the growth. A leak of a few hundred bytes per call gives megabytes here.
 */
async function bounded(
  name: string,
  body: (i: number) => unknown,
  bounds = { rss: 24 * MB, external: 2 * MB },
): Promise<void> {
  for (let i = 0; i < N / 10; i++) await body(i);
  const before = await settle();
  for (let i = 0; i < N; i++) await body(i);
  const after = await settle();
  const growth = {
    rss: after.rss - before.rss,
    external: after.external - before.external,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
  };
  const detail = `${name}: rss ${(growth.rss / MB).toFixed(2)} MB, external ${(growth.external / MB).toFixed(2)} MB, arrayBuffers ${(growth.arrayBuffers / MB).toFixed(2)} MB`;
  if (process.env['RAN_LEAK_VERBOSE']) console.log(detail);
  expect({ detail, ok: growth.rss < bounds.rss }).toEqual({ detail, ok: true });
  expect({ detail, ok: growth.external < bounds.external && growth.arrayBuffers < bounds.external }).toEqual({
    detail,
    ok: true,
  });
}

describe('memory stays bounded over 10 000 calls', () => {
  const x = randomTensor(1, 2, 8, 2);
  const y = randomTensor(2, 2, 8, 1);

  test('construct + dispose (ESN, AttentionReservoir, Ridge)', async () => {
    await bounded('ESN construct+dispose', (i) => new ESN({ inputDim: 2, units: 8, seed: i }).dispose());
    await bounded('AttentionReservoir construct+dispose', (i) =>
      new AttentionReservoir({
        inputDim: 2,
        units: 2,
        width: 4,
        context: 2,
        ffHidden: 2,
        connectivity: 1,
        seed: i,
      }).dispose(),
    );
    await bounded('Ridge construct', () => new Ridge({ features: 16, outputs: 2 }));
    await bounded('ESN construct, never disposed (GC only)', (i) => new ESN({ inputDim: 2, units: 8, seed: i }));
  });

  test('run, runAsync, train', async () => {
    const esn = new ESN({ inputDim: 2, units: 16, seed: 1 });
    const readout = esn.createReadout(1);
    await bounded('run states', () => esn.run(x, { states: true }));
    await bounded('runAsync states', () => esn.runAsync(x, { states: true, threads: 2 }));
    await bounded('run train', () => esn.run(x, { train: { readout, targets: y, select: { washout: 2 } } }));
    readout.solve();
    await bounded('run readout', () => esn.run(x, { readout }));
    esn.dispose();
  });

  test('Ridge addRows / solve / solveAsync / export / merge', async () => {
    const r = new Ridge({ features: 6, outputs: 2 });
    const other = new Ridge({ features: 6, outputs: 2 });
    const rows = Float64Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i));
    const targets = Float64Array.from({ length: 2 * 4 }, (_, i) => Math.cos(i));
    await bounded('addRows', () => r.addRows(rows, targets));
    await bounded('solve', () => r.solve(1e-3));
    await bounded('solveAsync', () => r.solveAsync(1e-3));
    await bounded('sweep', () => r.sweep([1e-3, 1e-1]));
    await bounded('export', () => r.exportStatistics());
    other.addRows(rows, targets);
    await bounded('merge', () => r.merge(other));
  });

  test('errors thrown (sync and async)', async () => {
    const esn = new ESN({ inputDim: 2, units: 8, seed: 1 });
    const r = new Ridge({ features: 3, outputs: 1 });
    const bad = randomTensor(3, 1, 4, 2);
    bad.data[5] = NaN;
    const swallow = (fn: () => unknown): void => {
      try {
        fn();
      } catch {
        /* expected */
      }
    };
    await bounded('run NaN', () => swallow(() => esn.run(bad)));
    await bounded('runAsync NaN', () => esn.runAsync(bad).catch(() => undefined));
    await bounded('run wrong length', () => swallow(() => esn.run({ data: new Float32Array(3), shape: [1, 2, 2] })));
    await bounded('addRows wrong kind', () =>
      swallow(() => r.addRows(new Int32Array(3) as never, new Float64Array(1))),
    );
    await bounded('solve without rows', () => swallow(() => r.solve()));
    await bounded('solveAsync without rows', () => r.solveAsync().catch(() => undefined));
    await bounded('constructor errors', () => swallow(() => new ESN({ inputDim: 2, units: -1 })));
    await bounded('aborted runAsync', () => {
      const ac = new AbortController();
      const p = esn.runAsync(x, { signal: ac.signal, states: true });
      ac.abort();
      return p.catch(() => undefined);
    });
    esn.dispose();
  });
});
