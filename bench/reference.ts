/**
 * The slow float64 TypeScript reference of the network (test/reference/network.ts) on
 * reduced sizes of W1, W2, W3 and W3F, beside the native kernels on the same reduced
 * input, to show the native speed-up. Lines: `impl: "ts-reference"` (and `"native"` with
 * `"reduced": true`), the reduced size recorded in `size`.
 *
 *     node dist-bench/bench/reference.js [--quick]
 */
import { referenceRun } from '../test/reference/network';
import type { Reservoir } from '../lib/index';
import { attentionWorkload, esnWorkload, METRIC, sizes, type WorkloadId } from './workloads';
import { ensureAddon, log, median, type Line, baseFields } from './common';
import { sliceBatch, type Tensor3 } from '../lib/tensor';

/** Reduced sizes: the reference needs ~1 ms per dense 1000×1000 step and sequence. */
export function referenceSizes(quick: boolean): Record<'W1' | 'W2' | 'W3' | 'W3F', { batch: number; steps: number }> {
  return quick
    ? {
        W1: { batch: 1, steps: 50 },
        W2: { batch: 1, steps: 28 },
        W3: { batch: 1, steps: 28 },
        W3F: { batch: 1, steps: 28 },
      }
    : {
        W1: { batch: 1, steps: 500 },
        W2: { batch: 4, steps: 28 },
        W3: { batch: 4, steps: 28 },
        W3F: { batch: 4, steps: 28 },
      };
}

function firstSteps(x: Tensor3, batch: number, steps: number): Tensor3 {
  const b = sliceBatch(x, 0, batch);
  const [, t, d] = b.shape;
  const data = new Float32Array(batch * steps * d);
  for (let s = 0; s < batch; s++) data.set(b.data.subarray(s * t * d, s * t * d + steps * d), s * steps * d);
  return { data, shape: [batch, steps, d] };
}

function timeRuns(fn: () => void, minRuns: number, minSeconds: number): number[] {
  fn(); // warm-up
  const times: number[] = [];
  let total = 0;
  while (times.length < minRuns || total < minSeconds) {
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    times.push(s);
    total += s;
    if (times.length >= 50) break;
  }
  return times;
}

/** Measures the reference and native at the reduced sizes of `only` (default W1, W2, W3, W3F). */
export function measureReference(quick: boolean, only: readonly WorkloadId[] = ['W1', 'W2', 'W3', 'W3F']): Line[] {
  const full = sizes(quick);
  const red = referenceSizes(quick);
  const lines: Line[] = [];
  for (const w of ['W1', 'W2', 'W3', 'W3F'] as const) {
    if (!only.includes(w)) continue;
    const r = red[w];
    let res: Reservoir;
    let x: Tensor3;
    if (w === 'W1' || w === 'W2') {
      const wl = esnWorkload(full[w], w === 'W1' ? 1 : 2);
      res = wl.esn;
      x = firstSteps(wl.x, r.batch, r.steps);
    } else {
      const wl = attentionWorkload(full[w], 3);
      res = wl.reservoir;
      x = firstSteps(wl.x, r.batch, r.steps);
    }
    const spec = res.describe();
    const units = r.batch * r.steps;
    const refTimes = timeRuns(() => void referenceRun(spec, x.data, r.batch, r.steps), quick ? 1 : 3, quick ? 0.2 : 2);
    const natTimes = timeRuns(() => void res.run(x, { threads: 1 }), 5, quick ? 0.1 : 0.5);
    res.dispose();
    const size = { batch: r.batch, steps: r.steps };
    const refRate = units / median(refTimes);
    const natRate = units / median(natTimes);
    log(
      `[reference] ${w} ${JSON.stringify(size)}: ts-reference ${refRate.toFixed(1)}, native ${natRate.toFixed(1)} ${METRIC[w]} (×${(natRate / refRate).toFixed(0)})`,
    );
    lines.push({
      workload: w,
      impl: 'ts-reference',
      metric: METRIC[w],
      value: refRate,
      threads: 1,
      ...baseFields(),
      size,
      reduced: true,
      median_s: median(refTimes),
      runs: refTimes.length,
    });
    lines.push({
      workload: w,
      impl: 'native',
      metric: METRIC[w],
      value: natRate,
      threads: 1,
      ...baseFields(),
      size,
      reduced: true,
      median_s: median(natTimes),
      runs: natTimes.length,
      speedup_vs_ts_reference: natRate / refRate,
    });
  }
  return lines;
}

if (require.main === module) {
  ensureAddon();
  const quick = process.argv.includes('--quick');
  const lines = measureReference(quick);
  for (const l of lines) process.stdout.write(JSON.stringify(quick ? { ...l, quick: true } : l) + '\n');
}
