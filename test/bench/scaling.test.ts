// The scaling benchmark's code at tiny sizes: what it streams, what it keeps, and that its
// quadratic baseline computes causal softmax attention. Nothing here is timed.
import { FullAttention } from '../../bench/full-attention';
import {
  fittedExponent,
  measure,
  streamFullAttention,
  streamNative,
  type ScalingLine,
  type ScalingSizes,
} from '../../bench/scaling';
import { renderScalingReport, scalingSvg } from '../../bench/scaling-report';
import { Random } from '../../lib/random';

const tiny: ScalingSizes = {
  inputDim: 2,
  chunk: 100,
  washout: 10,
  threads: 1,
  seed: 3,
  units: 3,
  width: 4,
  esnUnits: 20,
};

describe.each(['native-ran-a', 'native-esn'] as const)('%s streamed in chunks', (impl) => {
  test('every step after the washout reaches the statistics, whose size does not depend on T', () => {
    const a = streamNative(impl, 250, tiny);
    const b = streamNative(impl, 1000, tiny);
    expect(a.rows).toBe(240);
    expect(b.rows).toBe(990);
    expect(a.features).toBe(b.features);
    expect(a.readout.exportStatistics().xtx.length).toBe(a.features * a.features);
    expect(b.readout.exportStatistics().xtx.length).toBe(a.features * a.features);
    // what the loop keeps for the whole run: one chunk of input and targets, and XᵀX, XᵀY
    expect(b.statsBytes).toBe(a.statsBytes);
    expect(b.heldBytes).toBe(a.heldBytes);
  });

  test('chunks continue one sequence: the same statistics as one run over all of it', () => {
    const chunked = streamNative(impl, 450, tiny).readout.exportStatistics();
    const whole = streamNative(impl, 450, { ...tiny, chunk: 450 }).readout.exportStatistics();
    expect(chunked.rows).toBe(whole.rows);
    let maxRel = 0;
    for (let i = 0; i < whole.xtx.length; i++)
      maxRel = Math.max(maxRel, Math.abs(chunked.xtx[i]! - whole.xtx[i]!) / (Math.abs(whole.xtx[i]!) + 1e-9));
    for (let i = 0; i < whole.xty.length; i++)
      maxRel = Math.max(maxRel, Math.abs(chunked.xty[i]! - whole.xty[i]!) / (Math.abs(whole.xty[i]!) + 1e-9));
    // only the order of the float64 sums differs (per-run partial sums)
    expect(maxRel).toBeLessThan(1e-9);
  });
});

describe('full-attention baseline', () => {
  test('its key/value cache, and nothing else it keeps, grows with T', () => {
    const a = streamFullAttention(120, tiny);
    const b = streamFullAttention(480, tiny);
    expect(a.rows).toBe(110);
    expect(b.rows).toBe(470);
    const perStep = 2 * tiny.units * tiny.width * 4;
    expect(a.cacheBytes).toBe(perStep * 120);
    expect(b.cacheBytes).toBe(perStep * 480);
    // held = cache + one score row (8 bytes a step) + buffers of one chunk (both T are ≥ one chunk)
    expect(b.heldBytes - a.heldBytes).toBe((perStep + 8) * 360);
    expect(b.statsBytes).toBe(a.statsBytes);
  });

  test('equals a slow float64 causal softmax attention recomputed from scratch at every step', () => {
    const H = 2,
      d = 4,
      D = 3,
      T = 9;
    const att = new FullAttention({ heads: H, width: d, inputDim: D, maxSteps: T, seed: 11 });
    const w = att.weights();
    const rng = new Random(5);
    const u = Array.from({ length: T }, () => Array.from({ length: D }, () => rng.uniformIn(-1, 1)));
    const got = Array.from({ length: T }, () => new Float64Array(H * d));
    for (let t = 0; t < T; t++) att.step(u[t]!, got[t]!);

    const matvec = (m: Float32Array, off: number, rows: number, cols: number, v: number[]): number[] =>
      Array.from({ length: rows }, (_, r) => v.reduce((acc, vc, c) => acc + m[off + r * cols + c]! * vc, 0));
    const drive = (t: number): number[] => matvec(w.wIn, 0, H * d, D, u[t]!).map((z, i) => z + w.bias[i]!);
    for (let t = 0; t < T; t++) {
      const x = drive(t);
      for (let h = 0; h < H; h++) {
        const xh = x.slice(h * d, (h + 1) * d);
        const q = matvec(w.wQ, h * d * d, d, d, xh);
        const past = Array.from({ length: t + 1 }, (_, tau) => drive(tau).slice(h * d, (h + 1) * d));
        const keys = past.map((xp) => matvec(w.wK, h * d * d, d, d, xp));
        const vals = past.map((xp) => matvec(w.wV, h * d * d, d, d, xp));
        const e = keys.map((k) => Math.exp(k.reduce((acc, kc, c) => acc + kc * q[c]!, 0) / Math.sqrt(d)));
        const z = e.reduce((a, b) => a + b, 0);
        for (let c = 0; c < d; c++) {
          const hc = vals.reduce((acc, v, tau) => acc + (e[tau]! / z) * v[c]!, 0);
          // float32 cache in the baseline: agreement to float32 precision
          expect(got[t]![h * d + c]).toBeCloseTo(Math.tanh(xh[c]! + hc), 5);
        }
      }
    }
  });

  test('is causal: changing a late input leaves earlier outputs unchanged', () => {
    const run = (bump: boolean): Float64Array[] => {
      const att = new FullAttention({ heads: 2, width: 4, inputDim: 1, maxSteps: 8, seed: 2 });
      return Array.from({ length: 8 }, (_, t) => {
        const out = new Float64Array(8);
        att.step([bump && t === 5 ? 0.9 : Math.sin(t)], out);
        return out;
      });
    };
    const a = run(false),
      b = run(true);
    for (let t = 0; t < 5; t++) expect(Array.from(b[t]!)).toEqual(Array.from(a[t]!));
    expect(Array.from(b[6]!)).not.toEqual(Array.from(a[6]!));
  });
});

describe('lines, plot and page', () => {
  let lines: ScalingLine[];
  beforeAll(() => {
    lines = [
      measure('native-ran-a', 300, tiny),
      measure('native-esn', 300, tiny),
      measure('ts-full-attention', 300, tiny),
      measure('ts-full-attention', 600, tiny),
    ];
  });

  test('a JSON line per run in the spec format, with the memory fields', () => {
    for (const l of lines) {
      expect(l.workload).toBe('scaling');
      expect(l.metric).toBe('s_per_step');
      expect(l.value).toBe(l.s_per_step);
      expect(l.s_per_step).toBeGreaterThan(0);
      expect(l.s_per_step).toBeCloseTo((l['seconds'] as number) / l.T, 12);
      expect(Number.isFinite(l.peak_mb)).toBe(true);
      for (const k of [
        'rss_start_mb',
        'setup_peak_mb',
        'rss_sampled_growth_mb',
        'array_buffers_growth_mb',
        'stats_mb',
        'held_mb',
        'load1',
        'variant',
      ])
        expect(l).toHaveProperty(k);
      expect(JSON.parse(JSON.stringify(l))).toEqual(l);
    }
    const att = lines.filter((l) => l.impl === 'ts-full-attention');
    expect(att[1]!['scores_materialised_mb']).toBeCloseTo(4 * (att[0]!['scores_materialised_mb'] as number), 9);
    expect(att[1]!['kv_cache_mb']).toBeCloseTo(2 * (att[0]!['kv_cache_mb'] as number), 9);
    expect(lines[0]!).not.toHaveProperty('kv_cache_mb');
  });

  test('the plot draws every series; the standalone SVG has its namespace, the inline one none', async () => {
    const inline = await scalingSvg(lines);
    const file = await scalingSvg(lines, { standalone: true });
    expect(inline.startsWith('<svg')).toBe(true);
    expect(inline).not.toContain('xmlns');
    expect(file).toContain('xmlns="http://www.w3.org/2000/svg"');
    for (const label of [
      'RAN-A (native, streaming)',
      'ESN (native, streaming)',
      'full causal attention (TypeScript)',
      'K/V cache size (computed)',
      'Time per step',
      'Peak memory growth',
    ]) {
      expect(inline).toContain(label.replace(/&/g, '&amp;'));
    }
    const html = await renderScalingReport(lines, {
      date: 'today',
      skipped: ['ts-full-attention T=1000000 (not run)'],
    });
    expect(html).toContain('<table>');
    expect((html.match(/<tr><td>/g) ?? []).length).toBe(lines.length);
    expect(html).toContain('Not run: ts-full-attention T=1000000');
    expect(html).toContain('fitted over 2 measured T');
  });

  test('fitted exponent', () => {
    expect(fittedExponent([1e3, 1e4, 1e5], [1, 100, 10000])).toBeCloseTo(2, 12);
    expect(fittedExponent([1e3, 1e4], [2, 20])).toBeCloseTo(1, 12);
    expect(fittedExponent([1e3], [1])).toBeNaN();
  });
});
