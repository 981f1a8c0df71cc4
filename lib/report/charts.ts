/**
 * The report's Vega-Lite specs: scores against the published best, score versus trainable
 * parameters, state traces and attention weights of one sample.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BUDGETS, type BudgetName } from '../model/budget';
import type { StreamCell } from '../stream/evaluate';
import { TRIVIAL_REFERENCES, publishedResult, type PublishedModel } from '../stream/published';
import type { TaskName } from '../tasks/names';
import { publishedAt } from '../cli/format';
import { colourRamp, heatmap, pngDataUrl } from './raster';
import { COLORS } from './vega';
import { modelLabel, type SampleTrace } from './sample';

const MODEL_DOMAIN = ['ESN', 'RAN-A', 'RAN-C'];
const MODEL_RANGE = MODEL_DOMAIN.map((m) => COLORS[m as keyof typeof COLORS]);
const PUBLISHED_MODELS: PublishedModel[] = ['EST', 'Transformer', 'LSTM', 'GRU'];

/** A number as the report prints it: 3 decimals, or 2 significant digits when tiny. */
export function formatScore(x: number): string {
  if (!Number.isFinite(x)) return 'failed';
  if (x === 0) return '0';
  return Math.abs(x) < 0.001 ? x.toExponential(1) : x.toFixed(3);
}

/** The published budget name of a budget ("10k", or "10000" → "10k"); undefined if none matches. */
export function budgetName(budget: string): BudgetName | undefined {
  if (budget in BUDGETS) return budget as BudgetName;
  const n = Number(budget);
  return (Object.keys(BUDGETS) as BudgetName[]).find((k) => BUDGETS[k] === n);
}

/** The budget as a number of parameters, if it parses. */
function budgetValue(budget: string): number | undefined {
  const name = budgetName(budget);
  if (name) return BUDGETS[name];
  return /^\d+$/.test(budget) ? Number(budget) : undefined;
}

function tasksOf(cells: readonly StreamCell[]): string[] {
  return [...new Set(cells.map((c) => c.task))];
}

function trivialOf(task: string): number | undefined {
  return TRIVIAL_REFERENCES.find((r) => r.task === task)?.constant;
}

/** Number of facet columns for `n` panels. */
function columnsFor(n: number): number {
  return n <= 2 ? n : n === 4 ? 2 : 3;
}

/** Width of one facet panel so that a row of `n` panels fills about 900 px. */
function panelWidth(n: number): number {
  const columns = columnsFor(n);
  return Math.min(330, Math.floor(960 / columns) - 75);
}

/**
 * Bars of each model's seed-mean test score per task (± std when there are several seeds, and
 * the seeds as dots), with the best published score at `budget` as a dashed line and the best
 * constant predictor as a dotted line. One panel per task, each with its own scale.
 */
export function scoreChartSpec(cells: readonly StreamCell[], budget: string): TopLevelSpec {
  const name = budgetName(budget);
  const values: Record<string, string | number | boolean | null>[] = [];
  for (const task of tasksOf(cells)) {
    const at = name ? publishedAt(task, name) : undefined;
    const trivial = trivialOf(task);
    const metric = cells.find((c) => c.task === task)?.metric === 'error' ? 'error rate' : 'MSE';
    const header = [task, at ? `${metric} · published ${formatScore(at.mean)} (${at.model})` : metric].join('\n');
    let first = true;
    // the constant predictor is drawn only when it does not squash the bars
    const finite = cells.filter((x) => x.task === task && Number.isFinite(x.mean));
    const top = Math.max(at?.mean ?? 0, ...finite.map((x) => x.mean + (x.scores.length > 1 ? x.std : 0)));
    const trivialShown = trivial !== undefined && trivial <= 3 * top ? trivial : null;
    for (const c of cells.filter((x) => x.task === task)) {
      if (!Number.isFinite(c.mean)) continue;
      const several = c.scores.length > 1;
      values.push({
        kind: 'cell',
        header,
        model: modelLabel(c.model),
        mean: c.mean,
        lo: several ? Math.max(0, c.mean - c.std) : null,
        hi: several ? c.mean + c.std : null,
        label: formatScore(c.mean),
        top: several ? c.mean + c.std : c.mean,
        published: at?.mean ?? null,
        trivial: trivialShown,
        first,
      });
      first = false;
      if (several)
        for (const s of c.perSeed)
          if (Number.isFinite(s.score))
            values.push({ kind: 'seed', header, model: modelLabel(c.model), score: s.score });
    }
  }
  const headers = [...new Set(values.map((v) => v['header'] as string))];
  const x = {
    field: 'model',
    type: 'nominal',
    scale: { domain: MODEL_DOMAIN.filter((m) => values.some((v) => v['model'] === m)), paddingInner: 0.25 },
    axis: { title: null, labelAngle: 0, labelFontWeight: 600 },
  } as const;
  return {
    data: { values },
    columns: columnsFor(headers.length),
    facet: {
      field: 'header',
      type: 'nominal',
      sort: headers,
      header: {
        title: null,
        labelExpr: "split(datum.value, '\\n')",
        labelLineHeight: 14,
        labelAnchor: 'start',
        labelFontWeight: 600,
        labelLimit: panelWidth(headers.length) + 40,
      },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: panelWidth(headers.length),
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'cell'" }],
          mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative', title: 'test score', axis: { format: '~g', tickCount: 5 } },
            color: {
              field: 'model',
              type: 'nominal',
              scale: { domain: MODEL_DOMAIN, range: MODEL_RANGE },
              legend: null,
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'cell'" }],
          mark: { type: 'text', dy: -4, fontSize: 10, color: '#323f4b', baseline: 'bottom' },
          encoding: { x, y: { field: 'top', type: 'quantitative' }, text: { field: 'label' } },
        },
        {
          transform: [{ filter: "datum.kind === 'cell' && datum.lo !== null" }],
          mark: { type: 'rule', color: '#1f2933', strokeWidth: 1.2 },
          encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
        },
        {
          transform: [{ filter: "datum.kind === 'seed'" }],
          mark: { type: 'point', filled: true, size: 16, color: '#1f2933', opacity: 0.55 },
          encoding: { x, y: { field: 'score', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'cell' && datum.first && datum.trivial !== null" }],
          mark: { type: 'rule', color: COLORS.trivial, strokeDash: [2, 3], strokeWidth: 1.5 },
          encoding: { y: { field: 'trivial', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'cell' && datum.first && datum.published !== null" }],
          mark: { type: 'rule', color: COLORS.published, strokeDash: [6, 3], strokeWidth: 1.6 },
          encoding: { y: { field: 'published', type: 'quantitative' } },
        },
      ],
    },
  };
}

/**
 * Test score against trainable parameters (log scale), one dot per model and seed, with the
 * best published score at each of the four published budgets as a grey line and our budget as
 * a vertical rule. One panel per task.
 */
export function paramsChartSpec(cells: readonly StreamCell[], budget: string): TopLevelSpec {
  const values: Record<string, string | number | boolean>[] = [];
  for (const task of tasksOf(cells)) {
    const metric = cells.find((c) => c.task === task)?.metric === 'error' ? 'error rate' : 'MSE';
    const header = `${task} (${metric})`;
    for (const c of cells.filter((x) => x.task === task)) {
      for (const s of c.perSeed) {
        if (Number.isFinite(s.score) && s.trainable > 0)
          values.push({ kind: 'ours', header, series: modelLabel(c.model), params: s.trainable, score: s.score });
      }
    }
    for (const b of Object.keys(BUDGETS) as BudgetName[]) {
      let best: { mean: number; model: string } | undefined;
      for (const m of PUBLISHED_MODELS) {
        const r = publishedResult(task as TaskName, b, m);
        if (r && (best === undefined || r.mean < best.mean)) best = { mean: r.mean, model: m };
      }
      if (best)
        values.push({ kind: 'published', header, series: 'published best', params: BUDGETS[b], score: best.mean });
    }
  }
  const headers = [...new Set(values.map((v) => v['header'] as string))];
  const limit = budgetValue(budget);
  const smallest = Math.min(1_000, ...values.map((v) => v['params'] as number));
  const ticks = [];
  for (let p = 10 ** Math.floor(Math.log10(smallest)); p <= 1_000_000; p *= 10) ticks.push(p);
  const x = {
    field: 'params',
    type: 'quantitative',
    scale: { type: 'log', nice: false, padding: 8 },
    axis: { title: 'trainable parameters', format: '~s', grid: true, values: ticks },
  } as const;
  const y = {
    field: 'score',
    type: 'quantitative',
    title: 'test score',
    axis: { format: '~g', tickCount: 5 },
  } as const;
  const present = MODEL_DOMAIN.filter((m) => values.some((v) => v['series'] === m));
  const series = values.some((v) => v['kind'] === 'published') ? [...present, 'published best'] : present;
  const range = series.map((m) => (m === 'published best' ? COLORS.published : COLORS[m as keyof typeof COLORS]));
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: series, range },
    legend: { orient: 'top', direction: 'horizontal', symbolStrokeWidth: 0 },
  } as const;
  const layers: object[] = [];
  if (limit !== undefined) {
    values.push(...headers.map((header) => ({ kind: 'budget', header, series: 'budget', params: limit, score: 0 })));
    layers.push({
      transform: [{ filter: "datum.kind === 'budget'" }],
      mark: { type: 'rule', color: '#cbd2d9', strokeDash: [4, 3] },
      encoding: { x: { field: 'params', type: 'quantitative' } },
    });
  }
  layers.push(
    {
      transform: [{ filter: "datum.kind === 'published'" }],
      mark: { type: 'line', strokeWidth: 1.2, strokeDash: [6, 3], point: { filled: true, size: 36, shape: 'diamond' } },
      encoding: { x, y, color },
    },
    {
      transform: [{ filter: "datum.kind === 'ours'" }],
      mark: { type: 'point', filled: true, size: 70, opacity: 0.9, stroke: '#ffffff', strokeWidth: 0.8 },
      encoding: { x, y, color },
    },
  );
  return {
    data: { values },
    columns: columnsFor(headers.length),
    facet: {
      field: 'header',
      type: 'nominal',
      sort: headers,
      header: { title: null, labelAnchor: 'start', labelLimit: panelWidth(headers.length) + 40 },
    },
    resolve: { scale: { y: 'independent' } },
    spec: { width: panelWidth(headers.length), height: 150, layer: layers },
  } as TopLevelSpec;
}

/** The input of the sample (a heatmap when it has more than three dimensions) above ~8 state traces. */
export function traceChartSpec(s: SampleTrace): TopLevelSpec {
  const width = 760;
  const d = s.input[0]?.length ?? 0;
  const inputValues: Record<string, number | string>[] = [];
  s.steps.forEach((t, i) =>
    s.input[i]!.forEach((v, k) => inputValues.push({ t, t1: t + 1, dim: k, name: `u${k}`, v })),
  );
  const stateValues: Record<string, number | string>[] = [];
  s.steps.forEach((t, i) =>
    s.dimensions.forEach((dim, j) => stateValues.push({ t, dim: dim.label, order: j, v: s.states[i]![j]! })),
  );
  const domain = [s.steps[0] ?? 0, (s.steps[s.steps.length - 1] ?? 0) + 1];
  const xTime = {
    field: 't',
    type: 'quantitative',
    scale: { domain, nice: false, zero: false },
    axis: { title: 'time step', tickMinStep: 1, format: 'd' },
  } as const;
  const predictions = s.predictionSteps.length <= 30 ? s.predictionSteps.map((t) => ({ t: t + 0.5 })) : [];
  // same x definition as the layer it is drawn under (Vega-Lite cannot merge differing axes)
  const predictionLayer = (x: object): object => ({
    data: { values: predictions },
    mark: { type: 'rule', color: '#f0b429', strokeWidth: 1.5, opacity: 0.8 },
    encoding: { x },
  });
  const input =
    d > 3
      ? inputHeatmap(s, width)
      : {
          width,
          height: 70,
          title: { text: 'input u(t)', fontSize: 11, fontWeight: 500 },
          layer: [
            predictionLayer({ ...xTime, axis: null }),
            {
              data: { values: inputValues },
              mark: { type: 'line', strokeWidth: 1.4, interpolate: 'linear' },
              encoding: {
                x: { ...xTime, axis: null },
                y: { field: 'v', type: 'quantitative', axis: { title: null, tickCount: 3 } },
                color: {
                  field: 'name',
                  type: 'nominal',
                  scale: { range: ['#323f4b', '#7b8794', '#cbd2d9'] },
                  legend: null,
                },
              },
            },
          ],
        };
  const states = {
    width,
    height: 230,
    title: { text: `state x(t): ${s.dimensions.length} of the dimensions`, fontSize: 11, fontWeight: 500 },
    layer: [
      predictionLayer(xTime),
      {
        data: { values: stateValues },
        mark: { type: 'line', strokeWidth: 1.5, interpolate: 'monotone' },
        encoding: {
          x: xTime,
          y: { field: 'v', type: 'quantitative', axis: { title: null, tickCount: 6 } },
          color: {
            field: 'dim',
            type: 'nominal',
            sort: s.dimensions.map((x) => x.label),
            title: null,
            scale: { scheme: 'tableau10' },
            legend: { orient: 'right', labelLimit: 220 },
          },
        },
      },
    ],
  };
  return { vconcat: [input, states], resolve: { scale: { color: 'independent' } } } as TopLevelSpec;
}

/** The x (time) and y (rows) encodings of a heatmap image spanning steps × rows, row 0 on top. */
function imageEncoding(xAxis: object | null, rows: number, yAxis: object | null): Record<string, object> {
  return {
    x: { field: 't0', type: 'quantitative', scale: { nice: false, zero: false }, axis: xAxis },
    x2: { field: 't1' },
    y: {
      field: 'r0',
      type: 'quantitative',
      scale: { domain: [-0.5, rows - 0.5], reverse: true, nice: false, zero: false },
      axis: yAxis,
    },
    y2: { field: 'r1' },
  };
}

/** One heatmap image (a PNG data URL, one pixel per step and row) placed over the steps of a sample. */
function imageDatum(
  s: SampleTrace,
  rows: number,
  url: string,
  extra: Record<string, string> = {},
): Record<string, string | number> {
  return { ...extra, t0: s.steps[0] ?? 0, t1: (s.steps[s.steps.length - 1] ?? 0) + 1, r0: -0.5, r1: rows - 0.5, url };
}

/** The input of a sample with many input dimensions, as a grey heatmap (time × dimension). */
function inputHeatmap(s: SampleTrace, width: number): object {
  const d = s.input[0]?.length ?? 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of s.input) {
    for (const v of row) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  const image = heatmap(s.steps.length, d, (dim, i) => s.input[i]![dim]!, INK_RAMP, lo, hi);
  return {
    width,
    height: Math.min(150, Math.max(60, d * 4)),
    title: { text: 'input u(t)', fontSize: 11, fontWeight: 500 },
    data: { values: [imageDatum(s, d, pngDataUrl(image))] },
    mark: { type: 'image', aspect: false, aria: false },
    encoding: {
      ...imageEncoding(null, d, { title: 'input dim', labels: false, ticks: false, grid: false }),
      url: { field: 'url', type: 'nominal' },
    },
  };
}

/** White to the page's ink colour, for the input heatmap. */
const INK_RAMP = colourRamp((t) => {
  const [r, g, b] = [0x1f, 0x29, 0x33].map((c) => Math.round(255 + (c - 255) * t));
  return `rgb(${r}, ${g}, ${b})`;
});

/**
 * Attention weights (time × context age) of head 0 of each recorded unit, one heatmap image per
 * unit; `viridis` is the colour ramp (256 RGB entries) of the legend's Vega scheme.
 */
export function attentionChartSpec(s: SampleTrace, viridis: Uint8Array): TopLevelSpec | undefined {
  const a = s.attention;
  if (!a || a.units.length === 0) return undefined;
  const values = a.units.map((u) =>
    imageDatum(
      s,
      a.context,
      pngDataUrl(heatmap(s.steps.length, a.context, (age, i) => u.weights[i]?.[age] ?? NaN, viridis, 0, 1)),
      { unit: `unit ${u.unit}` },
    ),
  );
  const encoding = imageEncoding({ title: 'time step', format: 'd', tickMinStep: 1, grid: false }, a.context, {
    title: 'age',
    format: 'd',
    tickMinStep: 1,
    labelFontSize: 9,
    grid: false,
  });
  return {
    data: { values },
    facet: {
      row: {
        field: 'unit',
        type: 'nominal',
        header: { title: null, labelAngle: 0, labelAlign: 'left', labelOrient: 'left', labelPadding: 40 },
      },
    },
    spec: {
      width: 720,
      height: Math.max(48, Math.min(120, a.context * 11)),
      layer: [
        {
          mark: { type: 'image', aspect: false, aria: false },
          encoding: { ...encoding, url: { field: 'url', type: 'nominal' } },
        },
        // An invisible rectangle over the image only to carry the colour legend of the weights.
        {
          mark: { type: 'rect', opacity: 0, aria: false },
          encoding: {
            ...encoding,
            color: {
              field: 'r0',
              type: 'quantitative',
              title: 'weight',
              scale: { scheme: 'viridis', domain: [0, 1] },
              legend: { orient: 'right', gradientLength: 140, format: '.1f' },
            },
          },
        },
      ],
    },
  };
}
