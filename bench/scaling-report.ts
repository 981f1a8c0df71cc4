/**
 * The plot and page of bench/scaling.ts, rendered with the report's Vega-Lite → SVG code
 * (lib/report/vega.ts): time per step, total time and peak-memory growth against T.
 */
import type { TopLevelSpec } from 'vega-lite';
import { COLORS, FONT, renderSvg } from '../lib/report/vega';
import type { ScalingImpl, ScalingLine } from './scaling';
import { fittedExponent } from './scaling';

const LABEL: Record<ScalingImpl, string> = {
  'native-ran-a': 'RAN-A (native, streaming)',
  'native-esn': 'ESN (native, streaming)',
  'ts-full-attention': 'full causal attention (TypeScript)',
};
const CACHE = 'full attention: K/V cache size (computed)';
const SCORES = 'full attention: T×T scores if materialised (computed)';
const ATTENTION_COLOR = '#3d5a80';
const DOMAIN = [LABEL['native-ran-a'], LABEL['native-esn'], LABEL['ts-full-attention'], CACHE, SCORES];
const RANGE = [COLORS['RAN-A'], COLORS.ESN, ATTENTION_COLOR, ATTENTION_COLOR, '#98c1d9'];

type Row = Record<string, string | number>;

/** Powers of ten covering a field's values: one tick and grid line per decade. */
function decades(rows: readonly Row[], field: string): number[] {
  const vs = rows.map((r) => r[field] as number).filter((v) => v > 0);
  if (vs.length === 0) return [];
  const lo = Math.floor(Math.log10(Math.min(...vs))),
    hi = Math.ceil(Math.log10(Math.max(...vs)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

/** The three panels as one Vega-Lite spec. Only measured points are drawn, except the two series labelled "computed". */
export function scalingChartSpec(lines: readonly ScalingLine[]): TopLevelSpec {
  const measured: Row[] = lines.map((l) => ({
    series: LABEL[l.impl],
    kind: 'measured',
    T: l.T,
    us_per_step: l.s_per_step * 1e6,
    seconds: l.seconds as number,
    mb: l.peak_mb,
  }));
  const computed: Row[] = [];
  const attention = lines.filter((l) => l.impl === 'ts-full-attention');
  const heads = (attention[0]?.['heads'] as number | undefined) ?? 32;
  const width = (attention[0]?.['width'] as number | undefined) ?? 16;
  if (attention.length > 0) {
    for (const T of [...new Set(lines.map((l) => l.T))].sort((a, b) => a - b)) {
      computed.push({ series: CACHE, kind: 'computed', T, mb: (2 * heads * width * T * 4) / 1e6 });
      computed.push({ series: SCORES, kind: 'computed', T, mb: (heads * T * T * 4) / 1e6 });
    }
  }
  const ts = [...new Set(lines.map((l) => l.T))].sort((a, b) => a - b);
  const x = {
    field: 'T',
    type: 'quantitative',
    scale: { type: 'log' },
    axis: { title: 'sequence length T (steps)', format: '~s', values: ts, grid: true },
  } as const;
  const top = Math.max(1, ...measured.map((r) => r['mb'] as number), ...computed.map((r) => r['mb'] as number));
  const mbTicks = [0, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9].filter((v) => v <= top * 10);
  // MB values from 1 to 10⁸: printed as MB, GB, TB so that the tick labels stay short.
  const mbLabel =
    "datum.value >= 1e6 ? format(datum.value / 1e6, '~g') + ' TB' : datum.value >= 1e3 ? format(datum.value / 1e3, '~g') + ' GB' : format(datum.value, '~g') + ' MB'";
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: DOMAIN, range: RANGE },
    legend: { title: null, orient: 'bottom', columns: 2, symbolType: 'stroke', labelLimit: 320 },
  } as const;
  // Same field as the colour, so Vega-Lite merges the two into one legend that shows the dashes.
  const dash = {
    field: 'series',
    type: 'nominal',
    scale: {
      domain: DOMAIN,
      range: [
        [1, 0],
        [1, 0],
        [1, 0],
        [5, 3],
        [2, 2],
      ],
    },
    legend: { title: null, orient: 'bottom', columns: 2, symbolType: 'stroke', labelLimit: 320 },
  } as const;
  const panel = (title: string, y: Record<string, unknown>, data: Row[]): Record<string, unknown> => ({
    title,
    width: 250,
    height: 200,
    data: { values: data },
    layer: [
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color, strokeDash: dash } },
      {
        transform: [{ filter: "datum.kind === 'measured'" }],
        mark: { type: 'point', filled: true, size: 36 },
        encoding: { x, y, color },
      },
    ],
  });
  return {
    hconcat: [
      panel(
        'Time per step (log–log)',
        {
          field: 'us_per_step',
          type: 'quantitative',
          scale: { type: 'log' },
          axis: { title: 'µs per step', format: '~s', values: decades(measured, 'us_per_step') },
        },
        measured,
      ),
      panel(
        'Total time (log–log)',
        {
          field: 'seconds',
          type: 'quantitative',
          scale: { type: 'log' },
          axis: { title: 'seconds for the sequence', format: '~g', values: decades(measured, 'seconds') },
        },
        measured,
      ),
      panel(
        'Peak memory growth',
        {
          field: 'mb',
          type: 'quantitative',
          scale: { type: 'symlog' },
          axis: { title: 'above the start (symlog scale)', values: mbTicks, labelExpr: mbLabel },
        },
        [...measured, ...computed],
      ),
    ],
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    // No per-point ARIA descriptions: they would double the committed SVG (docs/img/scaling.svg).
    config: { aria: false },
  } as unknown as TopLevelSpec;
}

/** The plot as SVG; `standalone` adds the namespace a separate .svg file needs (the page's inline copy has none). */
export async function scalingSvg(
  lines: readonly ScalingLine[],
  options: { standalone?: boolean } = {},
): Promise<string> {
  const svg = await renderSvg(scalingChartSpec(lines), 'scaling');
  return options.standalone ? svg.replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" ') + '\n' : svg;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(x: unknown, digits = 3): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toPrecision(digits) : '—';
}

/** A self-contained HTML page: run facts, the plot, the table, fitted exponents (labelled fitted). */
export async function renderScalingReport(
  lines: readonly ScalingLine[],
  meta: Record<string, string | number | string[]>,
): Promise<string> {
  const svg = await scalingSvg(lines);
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${escape(LABEL[l.impl])}</td><td class="num">${l.T}</td><td class="num">${fmt(l.seconds)}</td><td class="num">${fmt(l.s_per_step * 1e6)}</td>` +
        `<td class="num">${fmt(l.peak_mb, 2)}</td><td class="num">${fmt(l['rss_sampled_growth_mb'], 2)}</td><td class="num">${fmt(l['kv_cache_mb'], 3)}</td><td class="num">${fmt(l['scores_materialised_mb'], 3)}</td><td class="num">${fmt(l['load1'], 2)}</td></tr>`,
    )
    .join('\n');
  const exps = (Object.keys(LABEL) as ScalingImpl[])
    .map((impl) => {
      const ls = lines.filter((l) => l.impl === impl);
      if (ls.length < 2) return '';
      const p = fittedExponent(
        ls.map((l) => l.T),
        ls.map((l) => l.seconds as number),
      );
      return `<li>${escape(LABEL[impl])}: total time ∝ T<sup>${p.toFixed(2)}</sup> (fitted over ${ls.length} measured T, ${ls[0]!.T}–${ls[ls.length - 1]!.T})</li>`;
    })
    .join('');
  const skipped = Array.isArray(meta['skipped']) ? meta['skipped'] : [];
  const chips = Object.entries(meta)
    .filter(([k]) => k !== 'skipped')
    .map(([k, v]) => `<li><b>${escape(k)}</b> ${escape(String(v))}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>recurrent-attention: linear scaling</title>
<style>
body{font-family:${FONT};color:#1f2933;margin:0;background:#fbfcfd;line-height:1.45}
main{max-width:1080px;margin:0 auto;padding:28px 32px 48px}
h1{font-size:24px;margin:0 0 6px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0;padding:0;list-style:none}
.chips li{background:#fff;border:1px solid #e4e7eb;border-radius:999px;padding:2px 10px;font-size:12.5px;color:#616e7c}
.chips b{color:#1f2933}
figure{margin:16px 0;overflow-x:auto}
figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:5px 10px;border-bottom:1px solid #e4e7eb;text-align:left}
th{font-size:12px;color:#616e7c;background:#f5f7fa}
td.num{text-align:right}
p,li{font-size:13.5px;max-width:900px}
</style></head><body><main>
<h1>Linear scaling: one sequence of T steps</h1>
<ul class="chips">${chips}</ul>
<figure>${svg}</figure>
<table><thead><tr><th>implementation</th><th>T</th><th>seconds</th><th>µs per step</th><th>peak growth MB</th><th>sampled RSS growth MB</th><th>K/V cache MB (computed)</th><th>T×T scores MB (computed)</th><th>load (1 min)</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<ul>${exps}</ul>
${skipped.length ? `<p>Not run: ${skipped.map(escape).join('; ')}.</p>` : ''}
<p>Each point is one run in a fresh process. <i>Peak growth</i> = the process's peak RSS (getrusage maxRSS) at the end minus its RSS just before the stream started (weights and XᵀX already allocated); <i>sampled RSS growth</i> = the largest RSS seen between chunks minus the same start.
Native runs stream each chunk's states into XᵀX and XᵀY and keep nothing else; the attention baseline keeps every key and value (its cache), so its memory grows with T. The computed series are sizes, not measurements. Only measured points are drawn for the three implementations; nothing is extrapolated.</p>
</main></body></html>
`;
}
