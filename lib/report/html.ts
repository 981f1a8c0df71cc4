/**
 * The `--report FILE.html` page of `ran stream` / `ran eval`: one self-contained HTML file
 * (inline CSS and SVG, no scripts, nothing loaded from elsewhere).
 */
import type { StreamCell } from '../stream/evaluate';
import { PUBLISHED_SOURCE } from '../stream/published';
import { publishedAt } from '../cli/format';
import { attentionChartSpec, budgetName, formatScore, paramsChartSpec, scoreChartSpec, traceChartSpec } from './charts';
import { attentionUnitCount, modelLabel, pickCell, pickTask, runSample, type SampleTrace } from './sample';
import { colourRamp } from './raster';
import { replayModel, type ReplayTrace } from './replay';
import { predictionChartSpec, ridgeChartSpec } from './replayCharts';
import { COLORS, FONT, loadVega, renderSvg } from './vega';
import { native } from '../native';
import { defaultThreads } from '../threads';
import { DIFFICULTIES, type Difficulty } from '../tasks/configs';

/** What the report is made of. */
export interface ReportInput {
  /** The text table (header row first), as `tableRows` in `lib/cli/format.ts` makes it. */
  rows: string[][];
  /** The evaluation's cells. */
  cells: StreamCell[];
  /** Run facts shown at the top (difficulty, budget, seeds, trials, seconds, date, …). */
  meta: Record<string, string | number>;
  /** The budget name as given on the command line ("1k", "10k", … or a number). */
  budget: string;
  /** For `ran eval`: the task folder, so the sample can be read from it. */
  dataDir?: string;
  /** The difficulty the tasks were generated at (default small), for the sample. */
  difficulty?: Difficulty;
  /** The command line that ran the evaluation, shown in the header. */
  command?: string;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--soft:#f5f7fa;--accent:${COLORS['RAN-A']};}
*{box-sizing:border-box}
body{font-family:${FONT};color:var(--ink);margin:0;background:#fbfcfd;line-height:1.45}
main{max-width:1080px;margin:0 auto;padding:28px 32px 48px}
header h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}
header p{margin:0;color:var(--muted)}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:14px 0 0;padding:0;list-style:none}
.chips li{background:#fff;border:1px solid var(--line);border-radius:999px;padding:2px 10px;font-size:12.5px;color:var(--muted)}
.chips b{color:var(--ink);font-weight:600}
.summary{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0 4px}
.stat{background:#fff;border:1px solid var(--line);border-radius:10px;padding:10px 16px;min-width:150px}
.stat .n{font-size:22px;font-weight:700}
.stat .l{font-size:12px;color:var(--muted)}
section{background:#fff;border:1px solid var(--line);border-radius:12px;padding:18px 22px 20px;margin:22px 0}
section h2{font-size:17px;margin:0 0 4px}
section p.lead{margin:0 0 14px;color:var(--muted);font-size:13.5px;max-width:860px}
figure{margin:8px 0 0;overflow-x:auto}
figure svg{max-width:100%;height:auto;display:block}
figure svg image{image-rendering:pixelated}
.pair{display:flex;flex-wrap:wrap;gap:18px}
.cmd{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;color:var(--muted);margin:8px 0 0;word-break:break-all}
figcaption{font-size:12.5px;color:var(--muted);margin-top:6px}
.key{display:inline-flex;align-items:center;gap:5px;margin-right:14px;white-space:nowrap}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px}
.dash{display:inline-block;width:22px;border-top:2px dashed ${COLORS.published}}
.dot{display:inline-block;width:22px;border-top:2px dotted ${COLORS.trivial}}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums;width:100%}
th,td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--line);white-space:nowrap}
th{font-weight:600;font-size:12px;color:var(--muted);background:var(--soft)}
th.num{text-align:right}
td.num{text-align:right}
td.best{font-weight:700}
td.beat{background:#e3f9e5;color:#0e5f2c}
td.ref{color:var(--muted)}
details{margin-top:6px}
summary{cursor:pointer;font-weight:600;font-size:14px}
code{font-size:11.5px;color:#3e4c59;white-space:normal;word-break:break-all}
.note{color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:12px;margin-top:24px;max-width:900px}
`;

function legendKeys(models: string[]): string {
  const keys = models.map(
    (m) =>
      `<span class="key"><span class="sw" style="background:${COLORS[m as keyof typeof COLORS] ?? '#999'}"></span>${escape(m)}</span>`,
  );
  return keys.join('');
}

/** The score table from the text rows, with the best model of each task in bold and scores below the published best at the budget shaded green. */
function scoreTable(rows: string[][], cells: readonly StreamCell[], budget: string): string {
  const header = rows[0] ?? [];
  const name = budgetName(budget);
  const modelColumns = header.map((h) => cells.find((c) => modelLabel(c.model) === h)?.model);
  const body = rows.slice(1).map((r) => {
    const task = r[0] ?? '';
    const mine = cells.filter((c) => c.task === task && Number.isFinite(c.mean));
    const best = mine.length > 0 ? Math.min(...mine.map((c) => c.mean)) : undefined;
    const at = name ? publishedAt(task, name) : undefined;
    const tds = r.map((text, i) => {
      if (i === 0) return `<td>${escape(text)}</td>`;
      const model = modelColumns[i];
      if (model === undefined) return `<td class="num ref">${escape(text)}</td>`;
      const cell = cells.find((c) => c.task === task && c.model === model);
      const classes = ['num'];
      if (cell && best !== undefined && cell.mean === best) classes.push('best');
      if (cell && at && Number.isFinite(cell.mean) && cell.mean < at.mean) classes.push('beat');
      return `<td class="${classes.join(' ')}">${escape(text)}</td>`;
    });
    return `<tr>${tds.join('')}</tr>`;
  });
  return `<table>\n<thead><tr>${header.map((h, i) => `<th${i > 0 ? ' class="num"' : ''}>${escape(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody></table>`;
}

function detailsTable(cells: readonly StreamCell[]): string {
  const rows = cells.flatMap((c) =>
    c.perSeed.map(
      (s) =>
        `<tr><td>${escape(c.task)}</td><td>${modelLabel(c.model)}</td><td class="num">${s.seed}</td><td class="num">${formatScore(s.score)}</td><td class="num">${formatScore(s.valid)}</td><td class="num">${s.trainable}</td><td class="num">${s.fixed}</td><td class="num">${s.seconds.toFixed(2)}</td><td><code>${escape(JSON.stringify(s.config.options))}</code></td></tr>`,
    ),
  );
  const failures = cells.flatMap((c) =>
    c.failures.map((f) => `<li>${escape(c.task)} / ${modelLabel(c.model)}: ${escape(f)}</li>`),
  );
  return `<table>\n<thead><tr><th>task</th><th>model</th><th>seed</th><th>test</th><th>valid</th><th>trainable</th><th>fixed</th><th>search s</th><th>best configuration</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table>${failures.length > 0 ? `<p>Failed trials:</p><ul>${failures.join('')}</ul>` : ''}`;
}

function libraryVersion(): string {
  return (require('../../package.json') as { version: string }).version;
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

/** Per task and seed, whether each chosen RAN configuration uses its attention (k > 1, entropy < 0.9). */
function attentionSection(cells: readonly StreamCell[]): string {
  const rows = cells.flatMap((c) =>
    c.perSeed
      .filter((s) => attentionUnitCount(s.config) > 0)
      .map((s) => {
        const a = s.attention;
        const uses = a ? (a.entropy < 0.9 ? 'yes' : 'no') : 'no (k = 1 or no attention units)';
        const figures = a
          ? `${a.context}</td><td>${a.entropy.toFixed(3)}</td><td>${a.newest.toFixed(3)}</td><td>${a.lag.toFixed(1)}`
          : '1</td><td></td><td></td><td>';
        return `<tr><td>${escape(c.task)}</td><td>${escape(modelLabel(c.model))}</td><td>${s.seed}</td><td>${figures}</td><td>${uses}</td></tr>`;
      }),
  );
  if (rows.length === 0) return '';
  return `<section><h2>Does the chosen configuration use attention?</h2>
<p class="lead">The best trial replayed on 20 validation sequences: entropy of the attention weights over log(filled slots) (1 = a plain average of the context), mean weight on the newest slot, mean lag of the attended mass in steps.</p>
<table><thead><tr><th>task</th><th>model</th><th>seed</th><th>context k</th><th>entropy</th><th>newest</th><th>lag</th><th>uses attention?</th></tr></thead><tbody>${rows.join('')}</tbody></table>
</section>`;
}

interface Samples {
  trace?: SampleTrace;
  attention?: SampleTrace;
  replay?: ReplayTrace;
  replayError?: string;
  error?: string;
}

async function samples(input: ReportInput): Promise<Samples> {
  const task = pickTask(input.cells);
  if (task === undefined) return { error: 'no evaluated task' };
  const cell = pickCell(input.cells, task);
  if (!cell) return { error: `every model failed on ${task}` };
  const where = {
    dataDir: input.dataDir,
    difficulty: input.difficulty ?? DIFFICULTIES.find((d) => d === input.meta.difficulty),
  };
  let result: Samples;
  try {
    const trace = runSample(cell, where);
    // the best model has no attention units: show the weights of the best one that has
    const att = trace.attention ? cell : pickCell(input.cells, task, true);
    result = { trace, attention: trace.attention ? trace : att ? runSample(att, where) : undefined };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  try {
    result.replay = await replayModel(cell, where);
  } catch (e) {
    result.replayError = e instanceof Error ? e.message : String(e);
  }
  return result;
}

/** Predictions against targets and validation score against λ of the sample's model. */
async function replaySection(sample: Samples): Promise<string> {
  const r = sample.replay;
  if (!r) return `<p class="note">The model could not be refitted: ${escape(sample.replayError ?? 'no sample')}.</p>`;
  const what = r.classes
    ? `Readout output of each class at the last step of test sequence ${r.sequence} (the step it is scored on); the dashed lines mark 0 and 1, the target's one-hot values.`
    : `Targets (dashed) and predictions of ${r.outputs.length === 1 ? 'the output' : `the first ${r.outputs.length} outputs`} at the prediction steps of test sequence ${r.sequence}${r.steps.length > 0 && r.steps[0]! > 0 ? ' that fall in the plotted range' : ''}.`;
  const [pred, ridge] = await Promise.all([
    renderSvg(predictionChartSpec(r), 'prediction'),
    renderSvg(ridgeChartSpec(r), 'ridge'),
  ]);
  return `<h3 style="font-size:14px;margin:22px 0 0">Predictions and the choice of λ</h3>
<p class="lead">${escape(r.model)} refitted from its configuration and seed ${r.seed} (the fit of its trial: λ chosen on the validation split); test score ${formatScore(r.testScore)}.</p>
<div class="pair">${figure(pred, what)}${figure(ridge, `Validation ${r.classification ? 'error rate' : 'MSE'} of each candidate λ; the dashed line is the λ kept (${r.ridge.toExponential(0)}).`)}</div>`;
}

function sampleTitle(s: SampleTrace): string {
  const target = s.targetClass !== undefined ? `, target class ${s.targetClass}` : '';
  const range = s.start > 0 ? ` (its last ${s.steps.length} of ${s.length} steps)` : ` (${s.length} steps)`;
  return `${escape(s.task)}, test sequence ${s.sequence}${target}${range}; ${escape(s.model)} with the best configuration of seed ${s.seed} (test score ${formatScore(s.score)})`;
}

/** The sample section: state traces and attention weights, or a note saying why there are none. */
async function sampleSection(sample: Samples): Promise<string> {
  let sampleHtml: string;
  if (sample.trace) {
    const traceSvg = await renderSvg(traceChartSpec(sample.trace), 'trace');
    const marks =
      sample.trace.predictionSteps.length > 0 && sample.trace.predictionSteps.length <= 30
        ? ' Yellow lines mark the steps the readout is scored on.'
        : '';
    sampleHtml = figure(
      traceSvg,
      `${sampleTitle(sample.trace)}. Top: the input; below: ${sample.trace.dimensions.length} state dimensions spread over the reservoir.${marks}`,
    );
    const att = sample.attention;
    const { vega } = await loadVega();
    const attSpec = att
      ? attentionChartSpec(att, colourRamp(vega.scheme('viridis') as (t: number) => string))
      : undefined;
    if (att && att.attention && attSpec) {
      const other =
        att !== sample.trace
          ? ` The best model has no attention units; these are the weights of ${escape(att.model)}, the best model that has (seed ${att.seed}, test score ${formatScore(att.score)}), on the same sequence.`
          : '';
      sampleHtml += `<h3 style="font-size:14px;margin:22px 0 0">Attention weights</h3>${figure(
        await renderSvg(attSpec, 'attention'),
        `Softmax weights of head 0 (of ${att.attention.heads}) of attention units ${att.attention.units.map((u) => u.unit).join(', ')} over their context of ${att.attention.context} items: row <i>age</i> 0 is the current step's item, age k the item of k steps earlier.${other}`,
      )}`;
    } else {
      sampleHtml += '<p class="note">No attention weights: no evaluated model of this task has attention units.</p>';
    }
  } else {
    sampleHtml = `<p class="note">No sample could be replayed: ${escape(sample.error ?? 'unknown reason')}.</p>`;
  }
  return sample.trace ? sampleHtml + (await replaySection(sample)) : sampleHtml;
}

/**
 * Renders the report: the score table and charts of scores per task and model against the
 * published best, score versus trainable parameters, and the state traces and attention
 * weights of one test sequence (the best model of sequential_mnist, or of the first task,
 * rebuilt from its config). Charts are SVG rendered with Vega in Node.
 */
export async function renderReport(input: ReportInput): Promise<string> {
  const { cells, budget, meta } = input;
  const models = [...new Set(cells.map((c) => modelLabel(c.model)))];
  const tasks = [...new Set(cells.map((c) => c.task))];
  const name = budgetName(budget);
  let beats = 0;
  let compared = 0;
  for (const task of tasks) {
    const at = name ? publishedAt(task, name) : undefined;
    if (!at) continue;
    compared++;
    if (cells.some((c) => c.task === task && Number.isFinite(c.mean) && c.mean < at.mean)) beats++;
  }
  const failed = cells.reduce((a, c) => a + c.failures.length, 0);

  const [scoreSvg, paramsSvg] = await Promise.all([
    renderSvg(scoreChartSpec(cells, budget), 'scores'),
    renderSvg(paramsChartSpec(cells, budget), 'params'),
  ]);
  const sample = await samples(input);
  let sampleHtml: string;
  try {
    sampleHtml = await sampleSection(sample);
  } catch (e) {
    sampleHtml = `<p class="note">The sample could not be drawn: ${escape(e instanceof Error ? e.message : String(e))}.</p>`;
  }

  const build = native().buildInfo();
  const facts = {
    version: libraryVersion(),
    'cpu variant': `${build.variant} (${build.simd})`,
    'native threads': defaultThreads(),
    ...meta,
  };
  const chips = Object.entries(facts)
    .map(([k, v]) => `<li>${escape(k)} <b>${escape(String(v))}</b></li>`)
    .join('');
  const stat = (n: string, l: string): string =>
    `<div class="stat"><div class="n">${n}</div><div class="l">${l}</div></div>`;
  const summary = [
    stat(
      String(tasks.length),
      `task${tasks.length === 1 ? '' : 's'} × ${models.length} model${models.length === 1 ? '' : 's'}`,
    ),
    compared > 0
      ? stat(`${beats} / ${compared}`, `tasks where a model beats the published best at ${escape(name ?? budget)}`)
      : '',
    stat(String(failed), `failed trial${failed === 1 ? '' : 's'}`),
  ].join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>recurrent-attention: STREAM report</title>
<style>${CSS}</style></head>
<body><main>
<header><h1>STREAM evaluation</h1>
<p>${escape(models.join(', '))} on ${tasks.length} task${tasks.length === 1 ? '' : 's'}, at most ${escape(budget)} trainable parameters; lower scores are better.</p>
<ul class="chips">${chips}</ul>${input.command ? `<p class="cmd">$ ${escape(input.command)}</p>` : ''}</header>
<div class="summary">${summary}</div>

<section><h2>Scores</h2>
<p class="lead">Test score (error rate for classification, MSE for regression) of the trial with the best validation score, mean ± std over seeds. <b>Bold</b>: the best of our models; <span style="background:#e3f9e5;color:#0e5f2c;padding:0 4px;border-radius:3px">green</span>: below the best published score at this budget.</p>
${scoreTable(input.rows, cells, budget)}
${figure(scoreSvg, `<span>${legendKeys(models)}</span><span class="key"><span class="dash"></span>best published at ${escape(name ?? budget)} (model in the panel title)</span><span class="key"><span class="dot"></span>best constant predictor (where it fits the scale)</span>${cells.some((c) => c.scores.length > 1) ? '<span class="key">bars: seed mean, whisker ± std, dots: seeds</span>' : ''}`)}
</section>

<section><h2>Score versus trainable parameters</h2>
<p class="lead">Each dot is one model and seed at the size of its best configuration (trainable = readout weights). The dashed dark line joins the best published score at the four published budgets (1k, 10k, 100k, 1M); the dashed vertical line is this run's budget.</p>
${figure(paramsSvg, 'Horizontal axis logarithmic; each task has its own vertical scale.')}
</section>

<section><h2>One sample, inside the reservoir</h2>
<p class="lead">The best configuration is rebuilt from its seed, the task is generated again and one test sequence is run through the reservoir, recording its state and attention weights; then the model is refitted and its predictions are compared with the targets.</p>
${sampleHtml}
</section>

${attentionSection(cells)}
<section><details><summary>Every seed: scores, sizes, time and configuration</summary>
${detailsTable(cells)}
</details></section>

<footer>${escape(PUBLISHED_SOURCE)} Charts drawn with Vega-Lite and rendered to SVG in Node; the page runs no scripts and loads nothing.</footer>
</main></body></html>
`;
}
