/**
 * W1, W2, W3 and W3F at one thread, timed in CPU time (process.cpuUsage) rather than wall time:
 * on a machine shared with other jobs, a single-threaded run's CPU time does not count the
 * time it waited for a core. Prints one JSON line: per workload the least and the median
 * seconds of `runs` runs after a warm-up. For A/B of two builds, alternate processes:
 *
 *     for i in 1 2 3; do for v in a b; do
 *       RECURRENT_ATTENTION_BINARY=/tmp/$v.node node dist-bench/bench/cpu-time.js 30; done; done
 *
 * A second argument picks workloads (`cpu-time.js 30 W3,W3F`; default W1,W2,W3).
 */
import { attentionWorkload, esnWorkload, sizes } from '../lib/benchmarks/workloads';
import type { Reservoir } from '../lib/reservoirs/reservoir';
import type { Tensor3 } from '../lib/tensor';
import { ensureAddon } from './common';

ensureAddon();
const runs = Number(process.argv[2] ?? 20);
const only = (process.argv[3] ?? 'W1,W2,W3').split(',');
const S = sizes(false);
type Case = { r: Reservoir; x: Tensor3; units: number };
const esn = (w: ReturnType<typeof esnWorkload>): Case => ({ r: w.esn, x: w.x, units: w.units });
// The input seeds of lib/benchmarks/run.ts.
const cases: Record<string, () => Case> = {
  W1: () => esn(esnWorkload(S.W1, 1)),
  W2: () => esn(esnWorkload(S.W2, 2)),
  W3: () => {
    const w = attentionWorkload(S.W3, 3);
    return { r: w.reservoir, x: w.x, units: w.units };
  },
  W3F: () => {
    const w = attentionWorkload(S.W3F, 3);
    return { r: w.reservoir, x: w.x, units: w.units };
  },
};
const out: Record<string, { min_s: number; median_s: number; steps_per_cpu_s: number }> = {};
for (const [w, make] of Object.entries(cases).filter(([name]) => only.includes(name))) {
  const { r, x, units } = make();
  r.run(x, { threads: 1 });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    r.run(x, { threads: 1 });
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(runs / 2)] ?? NaN;
  out[w] = { min_s: times[0] ?? NaN, median_s: median, steps_per_cpu_s: units / median };
}
console.log(JSON.stringify(out));
