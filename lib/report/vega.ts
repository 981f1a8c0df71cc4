/**
 * Vega-Lite specs rendered to static SVG in Node: no browser, no canvas, no scripts in the
 * output. The SVG is meant to be inlined into an HTML page. vega and vega-lite are optional
 * peer dependencies, loaded on the first render only.
 */
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { loadOptional } from '../optional';

/** The report's font stack (the page uses the same one). */
export const FONT = 'Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif';

/** Colours of our models and of the references, shared by every chart. */
export const COLORS = {
  ESN: '#8c9bb0',
  'RAN-A': '#e4572e',
  'RAN-C': '#17a589',
  published: '#1f2933',
  trivial: '#9aa5b1',
} as const;

/** Vega's text metrics hook (exported by vega-scenegraph, absent from the typings). */
interface TextMetrics {
  width: (item: { fontSize?: number; fontWeight?: string | number; limit?: number }, text: unknown) => number;
}

// Advance widths (em) of Helvetica/Arial, the metric-compatible fonts the page falls back to.
const NARROW = new Set(" .,:;'|!iIjlft()[]/-\u00b7");
const WIDE = new Set('mwMW@%');

/**
 * Text width close to Arial's: Vega without a canvas guesses 0.8 em per character, which
 * leaves wide gaps in facet layouts and truncates labels that would fit. Vega supports a
 * user-defined `textMetrics.width` (vl-convert uses the same hook).
 */
function textWidth(item: { fontSize?: number; fontWeight?: string | number; limit?: number }, text: unknown): number {
  const size = item.fontSize !== undefined ? Number(item.fontSize) || 0 : 11;
  // Vega passes a string, a number or an array of lines; arrays measure as their joined text.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const str = text === null || text === undefined ? '' : String(text).trim();
  let em = 0;
  for (const ch of str) {
    if (NARROW.has(ch)) em += 0.28;
    else if (WIDE.has(ch)) em += 0.85;
    else if (ch >= 'A' && ch <= 'Z') em += 0.67;
    else if (ch >= '0' && ch <= '9') em += 0.556;
    else em += 0.53;
  }
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? 1.08 : 1;
  const width = Math.ceil(em * size * bold);
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
}

const PURPOSE = 'the HTML report (--report)';
let loaded: Promise<{ vega: typeof Vega; vegaLite: typeof VegaLite }> | undefined;

/** vega and vega-lite, loaded once (ERR_RAN_MISSING_DEPENDENCY naming both when either is absent). */
export function loadVega(): Promise<{ vega: typeof Vega; vegaLite: typeof VegaLite }> {
  loaded ??= (async () => {
    const vega = await loadOptional<typeof Vega>('vega', PURPOSE, ['vega', 'vega-lite']);
    const vegaLite = await loadOptional<typeof VegaLite>('vega-lite', PURPOSE, ['vega', 'vega-lite']);
    const metrics = (vega as unknown as { textMetrics?: TextMetrics }).textMetrics;
    if (metrics) metrics.width = textWidth;
    return { vega, vegaLite };
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/** Common look of every chart (Vega-Lite `config`). */
const CONFIG = {
  font: FONT,
  background: '#ffffff',
  padding: 8,
  view: { stroke: '#e4e7eb' },
  axis: {
    labelColor: '#52606d',
    titleColor: '#323f4b',
    labelFontSize: 10,
    titleFontSize: 11,
    titleFontWeight: 500,
    domainColor: '#9aa5b1',
    tickColor: '#9aa5b1',
    gridColor: '#eef1f4',
  },
  header: { labelFontSize: 11, labelColor: '#1f2933', labelFontWeight: 600, titleFontSize: 0 },
  legend: { labelColor: '#323f4b', titleColor: '#323f4b', labelFontSize: 11, titleFontSize: 11, titleFontWeight: 500 },
  title: {
    fontSize: 13,
    fontWeight: 600,
    color: '#1f2933',
    anchor: 'start',
    subtitleColor: '#616e7c',
    subtitleFontSize: 11,
  },
  concat: { spacing: 12 },
  facet: { spacing: 18 },
} as const;

/**
 * Renders a Vega-Lite spec to an SVG string (the report's look is merged into its `config`).
 * The namespace declarations are dropped (an `<svg>` inside HTML needs none), so the page
 * holds no `http://` string at all, and every id (clip paths, gradients) gets `idPrefix`, so
 * that several SVGs can share one page without their ids colliding.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix = 'chart'): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const withConfig = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const runtime = vega.parse(vegaLite.compile(withConfig).spec);
  const view = new vega.View(runtime, { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg
      .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
      .replace(/(\s)id="([^"]+)"/g, (_, space: string, id: string) => `${space}id="${idPrefix}-${id}"`)
      .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${idPrefix}-${id})`)
      .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${idPrefix}-${id}"`)
      .replace(/^<svg /, '<svg role="img" ');
  } finally {
    view.finalize();
  }
}
