/**
 * Linear scaling: RAN-A and the ESN run ONE sequence of T steps (T = 10³ … 10⁶) with every
 * state streamed into the ridge statistics, beside full causal softmax attention over the
 * whole sequence (bench/full-attention.ts, quadratic) on the same T until a time cap.
 * Records seconds, seconds per step and the growth of peak memory; docs/scaling.md shows a run.
 *
 *     npx tsc -p bench/tsconfig.json
 *     node dist-bench/bench/scaling.js [--quick] [--out scaling.jsonl] [--report scaling.html]
 *          [--svg scaling.svg] [--T 1000,10000] [--impls native-ran-a,native-esn,ts-full-attention]
 *          [--cap 30] [--chunk 10000] [--threads 1]
 *     node dist-bench/bench/scaling.js --from scaling.jsonl --svg docs/img/scaling.svg   # re-plot a saved run
 *
 * Every (impl, T) runs in a fresh child process (`--child`), because RSS and its high-water
 * mark never go down within a process: a run after a larger one would show no growth.
 * Sizes: RAN-A and the ESN at the library's defaults (RAN-A: 32 units of width 16, context 16,
 * feed-forward 32; ESN: 500 units), input dimension 1; the baseline has 32 heads of width 16
 * (the same H·d = 512 outputs as RAN-A's state). All three feed the same native ridge
 * statistics (features [state; u; 1], target u(t−1), washout 100).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AttentionReservoir, ESN, Random, Ridge, type Reservoir } from '../lib/index';
import { FullAttention } from './full-attention';
import { baseFields, cpuModel, ensureAddon, log } from './common';

/** The T of a full run, and of `--quick`. */
export const FULL_T = [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6] as const;
export const QUICK_T = [1e3, 3e3, 1e4] as const;

export const IMPLS = ['native-ran-a', 'native-esn', 'ts-full-attention'] as const;
export type ScalingImpl = (typeof IMPLS)[number];

/** What one run streams and how. */
export interface ScalingSizes {
  inputDim: number;
  /** Steps per `run` call: the input of one chunk is all that exists of the sequence at a time. */
  chunk: number;
  /** Steps at the start kept out of the statistics. */
  washout: number;
  /** Native threads (one sequence is one tile of lanes: a second thread has nothing to do). */
  threads: number;
  seed: number;
  /** RAN-A units = baseline heads; both of width 16 (RAN-A's default unit). */
  units: number;
  width: number;
  /** ESN units (the library's default). */
  esnUnits: number;
}

export const DEFAULT_SIZES: ScalingSizes = {
  inputDim: 1,
  chunk: 10_000,
  washout: 100,
  threads: 1,
  seed: 20240601,
  units: 32,
  width: 16,
  esnUnits: 500,
};

// Rows buffered before each addRows of the baseline (the native run buffers 64 the same way).
const BASELINE_ROWS = 256;

/** One measured point: the JSON line's fields. */
export interface ScalingLine {
  workload: 'scaling';
  impl: ScalingImpl;
  T: number;
  s_per_step: number;
  /** Growth of the process's peak RSS over the run (MB = 10⁶ bytes): maxRSS after − RSS before. */
  peak_mb: number;
  metric: 's_per_step';
  value: number;
  threads: number;
  [extra: string]: unknown;
}

/** What a streaming run did, independent of how memory was watched. */
export interface StreamResult {
  /** Seconds of the streaming loop (input generation, run, statistics), solve excluded. */
  seconds: number;
  /** Seconds of the one ridge solve after the stream. */
  solveSeconds: number;
  /** Rows the statistics received. */
  rows: number;
  features: number;
  /** Bytes of XᵀX and XᵀY (float64): independent of T. */
  statsBytes: number;
  /** Bytes of every buffer the loop keeps for the whole run (input chunk, targets, rows, cache). */
  heldBytes: number;
  /** Baseline only: the key/value cache. */
  cacheBytes?: number;
  /** The statistics, for tests. */
  readout: Ridge;
  /** Description of the model. */
  model: string;
}

/** Fills `x` (steps × D) with uniform [−1, 1) inputs and `y` (steps) with the previous step's first input. */
function fillChunk(
  rng: Random,
  x: Float32Array,
  y: Float32Array,
  steps: number,
  dim: number,
  prev: { u: number },
): void {
  for (let s = 0; s < steps; s++) {
    for (let j = 0; j < dim; j++) x[s * dim + j] = rng.uniformIn(-1, 1);
    y[s] = prev.u;
    prev.u = x[s * dim]!;
  }
}

function makeReservoir(impl: 'native-ran-a' | 'native-esn', s: ScalingSizes): Reservoir {
  return impl === 'native-ran-a'
    ? new AttentionReservoir({ inputDim: s.inputDim, units: s.units, width: s.width, seed: s.seed })
    : new ESN({ inputDim: s.inputDim, units: s.esnUnits, seed: s.seed });
}

/** Memory watching: `start` right before the clock starts (set-up done), `sample` after each chunk. */
export interface StreamHooks {
  start?: () => void;
  sample?: () => void;
}

/**
 * Streams one sequence of T steps through a native reservoir into its ridge statistics, `chunk`
 * steps per call with the state carried over (`reset: false`): neither the states nor the
 * whole input ever exist.
 */
export function streamNative(
  impl: 'native-ran-a' | 'native-esn',
  T: number,
  s: ScalingSizes,
  hooks: StreamHooks = {},
): StreamResult {
  const res = makeReservoir(impl, s);
  try {
    const readout = res.createReadout(1);
    const c = Math.min(s.chunk, T);
    const x = new Float32Array(c * s.inputDim);
    const y = new Float32Array(c);
    // Warm-up (code paths, kernel scratch) on its own input; the stream below starts from reset.
    const warm = new Random(s.seed + 7);
    fillChunk(warm, x, y, c, s.inputDim, { u: 0 });
    res.run(
      { data: x.subarray(0, Math.min(c, 1000) * s.inputDim), shape: [1, Math.min(c, 1000), s.inputDim] },
      { threads: s.threads },
    );
    void readout.stats; // XᵀX allocated before the clock starts: it is the same size for every T
    const rng = new Random(s.seed + 1);
    const prev = { u: 0 };
    hooks.start?.();
    const t0 = process.hrtime.bigint();
    for (let done = 0; done < T; done += c) {
      const n = Math.min(c, T - done);
      fillChunk(rng, x, y, n, s.inputDim, prev);
      res.run(
        { data: x.subarray(0, n * s.inputDim), shape: [1, n, s.inputDim] },
        {
          reset: done === 0,
          threads: s.threads,
          train: { readout, targets: { data: y.subarray(0, n), shape: [1, n, 1] }, select: { washout: s.washout } },
        },
      );
      hooks.sample?.();
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const t1 = process.hrtime.bigint();
    readout.solve(1e-6);
    const solveSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const statsBytes = 8 * readout.features * (readout.features + readout.outputs);
    const o = res.options as unknown as Record<string, unknown>;
    const model =
      impl === 'native-ran-a'
        ? `RAN-A defaults: ${String(o['units'])} units × width ${String(o['width'])}, context ${String(o['context'])}, ffHidden ${String(o['ffHidden'])}, connectivity ${String(o['connectivity'])}`
        : `ESN defaults: ${String(o['units'])} units, connectivity ${String(o['connectivity'])}`;
    return {
      seconds,
      solveSeconds,
      rows: readout.rows,
      features: readout.features,
      statsBytes,
      heldBytes: x.byteLength + y.byteLength + statsBytes,
      readout,
      model,
    };
  } finally {
    res.dispose();
  }
}

/**
 * The baseline over one sequence of T steps: each step attends over all earlier ones; its
 * outputs go into the same native ridge statistics, BASELINE_ROWS rows per addRows.
 */
export function streamFullAttention(T: number, s: ScalingSizes, hooks: StreamHooks = {}): StreamResult {
  const features = s.units * s.width + s.inputDim + 1;
  const readout = new Ridge({ features, outputs: 1 });
  void readout.stats;
  const c = Math.min(s.chunk, T);
  const x = new Float32Array(c * s.inputDim);
  const y = new Float32Array(c);
  const rows = new Float64Array(BASELINE_ROWS * features);
  const targets = new Float64Array(BASELINE_ROWS);
  // Warm-up (JIT) on a throwaway instance; the cache below is allocated inside the timed run.
  {
    const warm = new FullAttention({
      heads: s.units,
      width: s.width,
      inputDim: s.inputDim,
      maxSteps: 200,
      seed: s.seed,
    });
    const out = new Float64Array(warm.size);
    const u = new Float32Array(s.inputDim).fill(0.5);
    for (let t = 0; t < 200; t++) warm.step(u, out);
  }
  const rng = new Random(s.seed + 1);
  const prev = { u: 0 };
  hooks.start?.();
  const t0 = process.hrtime.bigint();
  const att = new FullAttention({ heads: s.units, width: s.width, inputDim: s.inputDim, maxSteps: T, seed: s.seed });
  const n0 = att.size;
  let buffered = 0;
  const flush = (): void => {
    if (buffered > 0) readout.addRows(rows.subarray(0, buffered * features), targets.subarray(0, buffered));
    buffered = 0;
  };
  for (let done = 0; done < T; done += c) {
    const n = Math.min(c, T - done);
    fillChunk(rng, x, y, n, s.inputDim, prev);
    for (let i = 0; i < n; i++) {
      const u = x.subarray(i * s.inputDim, (i + 1) * s.inputDim);
      const row = rows.subarray(buffered * features, (buffered + 1) * features);
      att.step(u, row);
      if (done + i < s.washout) continue; // the row is overwritten by the next step
      for (let j = 0; j < s.inputDim; j++) row[n0 + j] = u[j]!;
      row[features - 1] = 1;
      targets[buffered] = y[i]!;
      if (++buffered === BASELINE_ROWS) flush();
    }
    hooks.sample?.();
  }
  flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const t1 = process.hrtime.bigint();
  readout.solve(1e-6);
  const solveSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const statsBytes = 8 * features * (features + 1);
  return {
    seconds,
    solveSeconds,
    rows: readout.rows,
    features,
    statsBytes,
    heldBytes:
      x.byteLength +
      y.byteLength +
      rows.byteLength +
      targets.byteLength +
      statsBytes +
      att.cacheBytes +
      att.scoreRowBytes,
    cacheBytes: att.cacheBytes,
    readout,
    model: `full causal softmax attention: ${s.units} heads × width ${s.width}, key/value cache, one score row at a time`,
  };
}

/** Runs one (impl, T) in this process, watching memory; returns its JSON line. */
export function measure(impl: ScalingImpl, T: number, s: ScalingSizes): ScalingLine {
  const load1 = os.loadavg()[0]!;
  const gc = (globalThis as { gc?: () => void }).gc;
  const MB = 1e6;
  // Everything that is the same for every T is built before the start sample (weights, XᵀX).
  let sampled = { rss: 0, external: 0, arrayBuffers: 0 };
  let start = process.memoryUsage();
  let maxRssStartKb = 0;
  const begin = (): void => {
    gc?.();
    start = process.memoryUsage();
    maxRssStartKb = process.resourceUsage().maxRSS;
    sampled = { rss: start.rss, external: start.external, arrayBuffers: start.arrayBuffers };
  };
  const sample = (): void => {
    const m = process.memoryUsage();
    sampled = {
      rss: Math.max(sampled.rss, m.rss),
      external: Math.max(sampled.external, m.external),
      arrayBuffers: Math.max(sampled.arrayBuffers, m.arrayBuffers),
    };
  };
  const hooks = { start: begin, sample };
  const r = impl === 'ts-full-attention' ? streamFullAttention(T, s, hooks) : streamNative(impl, T, s, hooks);
  sample();
  const maxRssEndKb = process.resourceUsage().maxRSS;
  const heads = s.units;
  const line: ScalingLine = {
    workload: 'scaling',
    impl,
    T,
    s_per_step: r.seconds / T,
    peak_mb: (maxRssEndKb * 1024 - start.rss) / MB,
    metric: 's_per_step',
    value: r.seconds / T,
    threads: impl === 'ts-full-attention' ? 1 : s.threads,
    ...baseFields(),
    seconds: r.seconds,
    steps_per_s: T / r.seconds,
    solve_s: r.solveSeconds,
    rows: r.rows,
    features: r.features,
    chunk: Math.min(s.chunk, T),
    input_dim: s.inputDim,
    model: r.model,
    rss_start_mb: start.rss / MB,
    setup_peak_mb: (maxRssStartKb * 1024 - start.rss) / MB,
    rss_sampled_growth_mb: (sampled.rss - start.rss) / MB,
    array_buffers_growth_mb: (sampled.arrayBuffers - start.arrayBuffers) / MB,
    external_growth_mb: (sampled.external - start.external) / MB,
    stats_mb: r.statsBytes / MB,
    held_mb: r.heldBytes / MB,
    load1,
    gc_before: gc !== undefined,
  };
  if (impl === 'ts-full-attention') {
    line['kv_cache_mb'] = (r.cacheBytes ?? 0) / MB;
    // Computed, not measured: every head's T×T float32 scores, as training-style attention holds them.
    line['scores_materialised_mb'] = (heads * T * T * 4) / MB;
    line['heads'] = heads;
    line['width'] = s.width;
  }
  return line;
}

/** Least-squares slope of log(y) on log(x): the fitted exponent of y ∝ x^p over the measured points. */
export function fittedExponent(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const lx = xs.map(Math.log),
    ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / n,
    my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

interface Args {
  quick: boolean;
  T?: number[];
  impls: ScalingImpl[];
  cap: number;
  sizes: ScalingSizes;
  out?: string;
  report?: string;
  svg?: string;
  /** Plot the lines of an earlier --out file instead of measuring. */
  from?: string;
  child?: { impl: ScalingImpl; T: number };
  /** Seconds after which a child is killed (a safety net, not a measurement). */
  timeout: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, impls: [...IMPLS], cap: 30, sizes: { ...DEFAULT_SIZES }, timeout: 1800 };
  const num = (k: string, v: string, min: number): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x < min) throw new Error(`${k} must be a number ≥ ${min}, got "${v}"`);
    return x;
  };
  const int = (k: string, v: string, min: number): number => {
    const x = num(k, v, min);
    if (!Number.isInteger(x)) throw new Error(`${k} must be an integer, got "${v}"`);
    return x;
  };
  const impl = (v: string): ScalingImpl => {
    if (!(IMPLS as readonly string[]).includes(v))
      throw new Error(`unknown impl "${v}" (expected ${IMPLS.join(', ')})`);
    return v as ScalingImpl;
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--quick') a.quick = true;
    else if (k === '--T')
      a.T = next()
        .split(',')
        .map((v) => int('--T', v, 1));
    else if (k === '--impls')
      a.impls = next()
        .split(',')
        .map((v) => impl(v.trim()));
    else if (k === '--cap') a.cap = num('--cap', next(), 0);
    else if (k === '--chunk') a.sizes.chunk = int('--chunk', next(), 1);
    else if (k === '--threads') a.sizes.threads = int('--threads', next(), 1);
    else if (k === '--input-dim') a.sizes.inputDim = int('--input-dim', next(), 1);
    else if (k === '--timeout') a.timeout = num('--timeout', next(), 1);
    else if (k === '--out') a.out = next();
    else if (k === '--report') a.report = next();
    else if (k === '--svg') a.svg = next();
    else if (k === '--from') a.from = next();
    else if (k === '--child') a.child = { impl: impl(next()), T: int('--child T', next(), 1) };
    else if (k === '--help' || k === '-h') {
      log(
        'usage: node dist-bench/bench/scaling.js [--quick] [--T 1000,10000] [--impls native-ran-a,native-esn,ts-full-attention]\n' +
          '         [--cap SECONDS] [--chunk STEPS] [--threads N] [--input-dim D] [--out f.jsonl] [--report f.html] [--svg f.svg]\n' +
          '       node dist-bench/bench/scaling.js --from f.jsonl [--report f.html] [--svg f.svg]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

/** The child's argument list for the options that change a measurement. */
function childArgs(a: Args, impl: ScalingImpl, T: number): string[] {
  return [
    '--expose-gc',
    __filename,
    '--child',
    impl,
    String(T),
    '--chunk',
    String(a.sizes.chunk),
    '--threads',
    String(a.sizes.threads),
    '--input-dim',
    String(a.sizes.inputDim),
  ];
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  ensureAddon();
  if (a.child) {
    process.stdout.write(JSON.stringify(measure(a.child.impl, a.child.T, a.sizes)) + '\n');
    return;
  }
  if (a.from) {
    const saved = fs
      .readFileSync(a.from, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as ScalingLine);
    await writePlots(a, saved, { source: a.from, skipped: [] });
    return;
  }
  const Ts = a.T ?? [...(a.quick ? QUICK_T : FULL_T)];
  const cap = a.quick ? Math.min(a.cap, 5) : a.cap;
  const base = baseFields();
  const started = new Date();
  log(
    `[scaling] ${a.quick ? 'QUICK ' : ''}T=${Ts.join(',')} impls=${a.impls.join(',')} cap=${cap}s chunk=${a.sizes.chunk} cpu="${cpuModel()}" ` +
      `variant=${String(base.variant)} simd=${String(base.simd)} node=${process.version} load=${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const lines: ScalingLine[] = [];
  const skipped: string[] = [];
  for (const impl of a.impls) {
    let capped: number | undefined;
    for (const T of Ts) {
      if (capped !== undefined) {
        skipped.push(`${impl} T=${T} (not run: T=${capped} already took more than ${cap} s)`);
        continue;
      }
      const r = spawnSync(process.execPath, childArgs(a, impl, T), {
        encoding: 'utf8',
        timeout: a.timeout * 1000,
        maxBuffer: 1 << 20,
      });
      const json = r.stdout.split('\n').find((l) => l.startsWith('{'));
      if (r.status !== 0 || !json) {
        log(
          `[scaling] ${impl} T=${T} FAILED (status ${String(r.status)}${r.signal ? `, ${r.signal}` : ''}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
        );
        process.exitCode = 1;
        if (impl === 'ts-full-attention') capped = T;
        continue;
      }
      const line = JSON.parse(json) as ScalingLine;
      if (a.quick) line['quick'] = true;
      lines.push(line);
      log(
        `[scaling] ${impl.padEnd(17)} T=${String(T).padStart(8)}  ${(line.seconds as number).toFixed(3).padStart(9)} s  ${(line.s_per_step * 1e6).toFixed(2).padStart(9)} µs/step  ` +
          `peak +${line.peak_mb.toFixed(1)} MB  load ${(line['load1'] as number).toFixed(2)}`,
      );
      if (impl === 'ts-full-attention' && (line.seconds as number) > cap) capped = T;
    }
  }
  for (const s of skipped) log(`[scaling] skipped ${s}`);
  for (const impl of a.impls) {
    const ls = lines.filter((l) => l.impl === impl);
    if (ls.length >= 2)
      log(
        `[scaling] ${impl}: fitted exponent of total seconds vs T over the ${ls.length} measured points: ${fittedExponent(
          ls.map((l) => l.T),
          ls.map((l) => l.seconds as number),
        ).toFixed(2)}`,
      );
  }
  const out = lines.map((l) => JSON.stringify(l));
  if (a.out) fs.writeFileSync(a.out, out.join('\n') + '\n');
  for (const o of out) process.stdout.write(o + '\n');
  const meta = {
    date: started.toISOString(),
    cpu: cpuModel(),
    cores: os.cpus().length,
    node: process.version,
    variant: String(base.variant),
    simd: String(base.simd),
    cap_s: cap,
    load_at_start: os.loadavg()[0]!.toFixed(2),
  };
  await writePlots(a, lines, { ...meta, skipped });
}

async function writePlots(
  a: Args,
  lines: ScalingLine[],
  meta: Record<string, string | number | string[]>,
): Promise<void> {
  // Loaded only here: the children never pay for Vega in their start-up memory.
  const { renderScalingReport, scalingSvg } = await import('./scaling-report');
  if (a.report) {
    fs.mkdirSync(path.dirname(path.resolve(a.report)), { recursive: true });
    fs.writeFileSync(a.report, await renderScalingReport(lines, meta));
    log(`[scaling] report: ${a.report}`);
  }
  if (a.svg) {
    fs.mkdirSync(path.dirname(path.resolve(a.svg)), { recursive: true });
    fs.writeFileSync(a.svg, await scalingSvg(lines, { standalone: true }));
    log(`[scaling] svg: ${a.svg}`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  });
}
