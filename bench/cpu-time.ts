/**
 * W1, W2, W3 and W3F at one thread, timed in CPU time (process.cpuUsage) rather than wall time:
 * on a machine shared with other jobs, a single-threaded run's CPU time does not count the
 * time it waited for a core. Prints one JSON line: per workload the least and the median
 * seconds of `runs` runs after a warm-up. For A/B of two builds, alternate processes:
 *
 *     for i in 1 2 3; do for v in a b; do
 *       RECURRENT_ATTENTION_BINARY=/tmp/$v.node node dist-bench/bench/cpu-time.js 30; done; done
 *
 * A second argument picks workloads (`cpu-time.js 30 W3,W3F`; default W1,W2,W3), a third the
 * threads per run (default 1; above 1 the figure is the CPU time of all threads together).
 * Each workload's `peak_fraction` is its GFLOP per CPU second over that of the addon's float32
 * GEMM ceiling (`gemmCeiling`, n = 2048, same threads) timed in CPU time in the same process.
 */
import { flopsPerStep } from '../lib/benchmarks/run';
import { attentionWorkload, esnWorkload, sizes } from '../lib/benchmarks/workloads';
import { native } from '../lib/native';
import type { Reservoir } from '../lib/reservoirs/reservoir';
import type { Tensor3 } from '../lib/tensor';
import { ensureAddon } from './common';

ensureAddon();
const runs = Number(process.argv[2] ?? 20);
const only = (process.argv[3] ?? 'W1,W2,W3').split(',');
const threads = Number(process.argv[4] ?? 1);
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
const out: Record<string, { min_s: number; median_s: number; steps_per_cpu_s: number; peak_fraction?: number }> = {};
// The ceiling's wall-time rate rescaled to CPU time: its calls are all GEMM, so the rate per
// CPU second is the rate per wall second times wall over CPU time.
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const wallRate = native().gemmCeiling({ dtype: 'float32', n: 2048, threads, minSeconds: 1 });
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(c0);
const peakPerCpuS = (wallRate * wall) / ((cpu.user + cpu.system) / 1e6);
for (const [w, make] of Object.entries(cases).filter(([name]) => only.includes(name))) {
  const { r, x, units } = make();
  r.run(x, { threads });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    r.run(x, { threads });
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(runs / 2)] ?? NaN;
  const least = times[0] ?? NaN;
  const gflopPerCpuS = (flopsPerStep(r.describe()) * units) / least / 1e9;
  out[w] = {
    min_s: least,
    median_s: median,
    steps_per_cpu_s: units / median,
    peak_fraction: gflopPerCpuS / peakPerCpuS,
  };
}
console.log(JSON.stringify({ ...out, PEAK_GEMM_F32: { gflop_per_cpu_s: peakPerCpuS, threads } }));
