/**
 * The benchmark runner that ships with the package (`ran bench`): workloads W1–W5 of
 * shared/spec/bench-workloads.md on the native addon, at 1 and 2 threads. The last lines on
 * stdout are the spec's JSON lines with extra fields (variant, simd, node, …). A clone's
 * bench/run.ts runs the same with the slow TypeScript reference of the repository added.
 *
 *     ran bench [--quick] [--only W1,W3] [--threads 1,2] [--no-ceiling] [--out results.jsonl]
 *               [--peers peers.jsonl] [--ceilings flops.jsonl]
 *
 * W1–W3F are timed by tinybench (median of its samples, one call per sample, at least 10
 * samples and 4 s; 3 and 0.5 s with --quick); W4 and W5 take seconds per run, so they are
 * timed directly: one warm-up, then `reps` runs, median.
 * The machine ceiling is measured in the same run through the addon's own Eigen build
 * (`gemmCeiling`, float32 for W1–W3F, float64 for W4, at each thread count; lines
 * PEAK_GEMM_F32/F64): every native line gets `peak_fraction` = its GFLOP/s over that ceiling.
 * `--peers` / `--ceilings` read the JSON lines of shared/peers/peers.py and flops.py and
 * add ratios to the peers (`vs_numpy`, `vs_torch`) and fractions of their BLAS's GEMM
 * (`blas_peak_fraction`). `--no-ceiling` skips the same-build ceiling.
 * W5 needs the optional package mnist; without it W5 is skipped with a note.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Bench } from 'tinybench';
import { ErrorCodes, RanError } from '../errors';
import { native, type NativeNetworkSpec } from '../native';
import { baseFields, cpuModel, log, median, type Line } from './common';
import type { Reservoir } from '../reservoirs/reservoir';
import type { Tensor3 } from '../tensor';
import {
  attentionWorkload,
  esnWorkload,
  METRIC,
  mnistData,
  mnistEndToEnd,
  ridgeData,
  ridgeFit,
  SEED,
  sizes,
  WORKLOADS,
  type WorkloadId,
} from './workloads';

/** What a clone adds to the shipped runner. */
export interface RunnerExtras {
  /** The TypeScript reference's lines at reduced sizes (bench/reference.ts). */
  reference?: (quick: boolean, only: WorkloadId[]) => Line[];
}

interface Args {
  quick: boolean;
  only: WorkloadId[];
  threads: number[];
  reference: boolean;
  ceiling: boolean;
  out?: string;
  peers?: string;
  ceilings?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, only: [...WORKLOADS], threads: [1, 2], reference: true, ceiling: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--quick') a.quick = true;
    else if (k === '--no-reference') a.reference = false;
    else if (k === '--no-ceiling') a.ceiling = false;
    else if (k === '--only') {
      const ws = next()
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean);
      for (const w of ws)
        if (!(WORKLOADS as readonly string[]).includes(w))
          throw new Error(`--only: unknown workload ${w} (expected ${WORKLOADS.join(',')})`);
      a.only = ws as WorkloadId[];
    } else if (k === '--threads')
      a.threads = next()
        .split(',')
        .map((s) => Number(s));
    else if (k === '--out') a.out = next();
    else if (k === '--peers') a.peers = next();
    else if (k === '--ceilings') a.ceilings = next();
    else if (k === '--help' || k === '-h') {
      log(
        'usage: ran bench [--quick] [--only W1,W3] [--threads 1,2] [--no-reference] [--no-ceiling] [--out f] [--peers f] [--ceilings f]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  if (a.threads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error('--threads: positive integers, e.g. 1,2');
  // The results are written at the end: a wrong folder must fail now, not after the run.
  if (a.out !== undefined) {
    const dir = path.dirname(path.resolve(a.out));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      throw new Error(`--out ${a.out}: the folder ${dir} does not exist`);
    fs.accessSync(dir, fs.constants.W_OK);
  }
  return a;
}

/** FLOPs of one sequence-step of a network (multiply-add = 2), counting the kernels' work. */
export function flopsPerStep(spec: NativeNetworkSpec): number {
  const nnz =
    'dense' in spec.w
      ? spec.w.dense.length
      : 'blockValues' in spec.w
        ? spec.w.blockValues.length
        : spec.w.values.length;
  let f = 2 * nnz + 2 * spec.n * spec.inputDim;
  for (const p of spec.populations) {
    if (p.kind !== 'attention') continue;
    const d = p.width,
      k = p.context ?? 1,
      ff = p.ffHidden ?? 0;
    f += p.units * (3 * 2 * d * d + 2 * 2 * d * k + 2 * 2 * d * ff);
  }
  return f;
}

function readJsonl(file: string): Line[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => typeof l.workload === 'string');
}

/** Runs fn under tinybench (one warm-up call first) and returns its per-call samples (seconds). */
async function sampleRuns(name: string, fn: () => void, quick: boolean): Promise<{ sample: number[]; rme: number }> {
  const bench = new Bench({
    time: quick ? 500 : 4000,
    iterations: quick ? 3 : 10,
    warmupTime: 0,
    warmupIterations: 1,
    throws: true,
  });
  bench.add(name, fn);
  await bench.warmup();
  await bench.run();
  const r = bench.tasks[0]?.result;
  if (!r || r.error)
    throw r?.error instanceof Error
      ? r.error
      : new Error(`${name}: ${r ? 'the task failed' : 'no result'}`, { cause: r?.error });
  return { sample: r.samples.map((ms) => ms / 1000), rme: r.rme };
}

async function timeDirect(fn: () => Promise<unknown> | unknown, reps: number): Promise<number[]> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return times;
}

/** Runs the benchmarks on command-line arguments; resolves to the exit code (1 when a workload failed). */
export async function runBenchmarks(argv: string[], extras: RunnerExtras = {}): Promise<number> {
  const args = parseArgs(argv);
  const S = sizes(args.quick);
  const base = baseFields();
  const start = Date.now();
  log(
    `[bench] ${args.quick ? 'QUICK ' : ''}run: ${args.only.join(',')} threads=${args.threads.join(',')} cpu="${cpuModel()}" ` +
      `variant=${String(base.variant)} simd=${String(base.simd)} node=${process.version} load=${os.loadavg()[0]!.toFixed(2)}`,
  );
  const lines: Line[] = [];
  const failed: string[] = [];
  const emit = (l: Line): void => {
    lines.push(l);
    log(`[bench] ${l.workload} ${l.impl} ${l.threads}t: ${l.value.toPrecision(6)} ${l.metric}`);
  };

  // The same-build ceiling first, for the element types the chosen workloads use.
  const ceilingKinds = (['PEAK_GEMM_F32', 'PEAK_GEMM_F64'] as const).filter((k) =>
    args.only.some((w) => (k === 'PEAK_GEMM_F64' ? w === 'W4' : w !== 'W4' && w !== 'W5')),
  );
  if (args.ceiling) {
    for (const kind of ceilingKinds) {
      for (const threads of args.threads) {
        const dtype = kind === 'PEAK_GEMM_F64' ? 'float64' : 'float32';
        const n = args.quick ? 1024 : 2048;
        const value = native().gemmCeiling({ dtype, n, threads, minSeconds: args.quick ? 0.3 : 2 });
        emit({
          workload: kind,
          impl: 'native',
          metric: 'gflop_per_s',
          value,
          threads,
          ...base,
          n,
          source: 'Eigen GEMM of this build (gemmCeiling)',
        });
      }
    }
  }

  for (const w of args.only) {
    try {
      await runWorkload(w);
    } catch (e) {
      if (e instanceof RanError && e.code === ErrorCodes.MISSING_DEPENDENCY) {
        log(`[bench] ${w} skipped: ${e.message}`);
        continue;
      }
      failed.push(w);
      log(`[bench] ${w} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Times one reservoir's run at each thread count and emits a native line per count. */
  async function timeReservoir(
    w: WorkloadId,
    reservoir: Reservoir,
    x: Tensor3,
    units: number,
    extra: Partial<Line> = {},
  ): Promise<void> {
    const flops = flopsPerStep(reservoir.describe());
    for (const threads of args.threads) {
      const r = await sampleRuns(`${w}/${threads}`, () => void reservoir.run(x, { threads }), args.quick);
      const med = median(r.sample);
      emit({
        workload: w,
        impl: 'native',
        metric: METRIC[w],
        value: units / med,
        threads,
        ...base,
        median_s: med,
        samples: r.sample.length,
        rme_pct: r.rme,
        units_per_run: units,
        gflop_per_s: (flops * units) / med / 1e9,
        ...extra,
      });
    }
    reservoir.dispose();
  }

  async function runWorkload(w: WorkloadId): Promise<void> {
    if (w === 'W1' || w === 'W2') {
      const wl = esnWorkload(S[w], w === 'W1' ? 1 : 2);
      const weights = 'dense' in wl.esn.describe().w ? 'dense' : 'csr';
      await timeReservoir(w, wl.esn, wl.x, wl.units, { weights });
    } else if (w === 'W3' || w === 'W3F') {
      const wl = attentionWorkload(S[w], 3);
      await timeReservoir(w, wl.reservoir, wl.x, wl.units);
    } else if (w === 'W4') {
      const s = S.W4;
      log(`[bench] W4: generating ${s.rows}×${s.features} rows (not timed)…`);
      const d = ridgeData(s, SEED + 4);
      // XᵀX (symmetric: F(F+1)/2 dot products of length rows), XᵀY, Cholesky F³/3, solve.
      const flops = s.rows * s.features * (s.features + 1) + 2 * s.rows * s.features * s.outputs + s.features ** 3 / 3;
      for (const threads of args.threads) {
        const times = await timeDirect(() => ridgeFit(s, d, threads), args.quick ? 2 : 3);
        const med = median(times);
        emit({
          workload: 'W4',
          impl: 'native',
          metric: METRIC.W4,
          value: 1 / med,
          threads,
          ...base,
          s_per_fit: med,
          times_s: times,
          gflop_per_s: flops / med / 1e9,
          chunk_rows: s.chunk,
          method: `one Ridge, addRows(x, y, { threads: ${threads} }) in chunks, solve`,
        });
      }
    } else if (w === 'W5') {
      const s = S.W5;
      const d = mnistData(s); // loading the digits is not timed
      for (const threads of args.threads) {
        let last = { error: NaN, ridge: NaN, fitMs: 0, testMs: 0, architecture: '' };
        const times = await timeDirect(
          async () => {
            last = await mnistEndToEnd(s, d, threads);
          },
          args.quick ? 1 : 3,
        );
        const med = median(times);
        emit({
          workload: 'W5',
          impl: 'native',
          metric: METRIC.W5,
          value: med,
          threads,
          ...base,
          test_error: last.error,
          fit_s: last.fitMs / 1000,
          test_s: last.testMs / 1000,
          times_s: times,
          train: s.train,
          test: s.test,
          valid: s.valid,
          ridge_chosen: last.ridge,
          architecture: last.architecture,
        });
      }
    }
  }

  if (args.reference && extras.reference) {
    const refOnly = args.only.filter((w) => w !== 'W4' && w !== 'W5');
    if (refOnly.length) for (const l of extras.reference(args.quick, refOnly)) lines.push(l);
  }

  // Fractions of the same-build ceiling; ratios against the peers and fractions of their
  // BLAS's GEMM peak, when given.
  const peers = args.peers ? readJsonl(args.peers) : [];
  const ceilings = args.ceilings ? readJsonl(args.ceilings) : [];
  const peak = (from: Line[], kind: 'PEAK_GEMM_F32' | 'PEAK_GEMM_F64', threads: number): number | undefined => {
    const vs = from.filter((c) => c.workload === kind && c.threads === threads).map((c) => c.value);
    return vs.length ? Math.max(...vs) : undefined;
  };
  const ownCeilings = lines.filter((l) => l.workload.startsWith('PEAK_GEMM'));
  for (const l of lines) {
    if (l.impl !== 'native' || l.reduced || l.workload.startsWith('PEAK_GEMM')) continue;
    const kind = l.workload === 'W4' ? 'PEAK_GEMM_F64' : 'PEAK_GEMM_F32';
    const own = peak(ownCeilings, kind, l.threads);
    if (own !== undefined && typeof l.gflop_per_s === 'number') l.peak_fraction = l.gflop_per_s / own;
    const blas = peak(ceilings, kind, l.threads);
    if (blas !== undefined && typeof l.gflop_per_s === 'number') l.blas_peak_fraction = l.gflop_per_s / blas;
    for (const impl of ['numpy', 'torch']) {
      const q = peers.find((r) => r.workload === l.workload && r.impl === impl && r.threads === l.threads);
      if (q) l[`vs_${impl}`] = l.value / q.value;
    }
  }

  log(`\n${'workload'.padEnd(8)} ${'impl'.padEnd(12)} thr ${'value'.padStart(14)} metric            extra`);
  for (const l of lines) {
    const extra = [
      'peak_fraction',
      'blas_peak_fraction',
      'vs_numpy',
      'vs_torch',
      'speedup_vs_ts_reference',
      'test_error',
    ]
      .filter((k) => typeof l[k] === 'number')
      .map((k) => `${k}=${(l[k] as number).toFixed(3)}`)
      .join(' ');
    log(
      `${l.workload.padEnd(8)} ${(l.impl + (l.reduced ? '*' : '')).padEnd(12)} ${String(l.threads).padStart(3)} ${l.value.toPrecision(6).padStart(14)} ${l.metric.padEnd(17)} ${extra}`,
    );
  }
  log(`[bench] total ${((Date.now() - start) / 1000).toFixed(0)} s (* = reduced size)`);

  const out = lines.map((l) => JSON.stringify(args.quick ? { ...l, quick: true } : l));
  if (args.out) fs.writeFileSync(args.out, out.join('\n') + '\n');
  for (const o of out) process.stdout.write(o + '\n');
  if (failed.length) log(`[bench] failed: ${failed.join(',')}`);
  return failed.length ? 1 : 0;
}
