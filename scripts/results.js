#!/usr/bin/env node
// The published tables of docs/results.md, from report seeds only (1000 and up; development
// seeds 0-99 shape the library and are never reported). Two steps:
//
//   node scripts/results.js run [--trials N] [--tasks a,b] [hard|easy|ablation ...]   measure; raw JSON lines in docs/data/results-*.jsonl
//   node scripts/results.js tables                          rewrite the generated sections of docs/results.md
//
// `run` needs `npm run build` (and `npx tsc -p bench/tsconfig.json` for the ablation). Every
// model gets the same search: TRIALS trials (trial 0 = its defaults), the same feature cap,
// the same two-round search over the same regimes; λ and the trial are chosen on validation.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
// RESULTS_SMOKE=DIR: a quick check of this script (2 trials, 1 seed, output under DIR, a copy of the doc).
const SMOKE = process.env.RESULTS_SMOKE;
const DATA = SMOKE ?? path.join(ROOT, 'docs', 'data');
const DOC = SMOKE ? path.join(SMOKE, 'results.md') : path.join(ROOT, 'docs', 'results.md');

/** The protocol: report seeds, effort, budget. */
const PROTOCOL = { firstSeed: SMOKE ? 90 : 1000, seeds: SMOKE ? 1 : 3, trials: SMOKE ? 2 : 30, budget: 100000, budgetName: '100k', maxFeatures: 1000, difficulty: 'small' };
const HARD = ['simple_copy', 'selective_copy', 'sorting_problem', 'bracket_matching', 'sequential_mnist'];
const EASY = ['sinus_forecasting', 'chaotic_forecasting', 'discrete_postcasting', 'continuous_postcasting', 'discrete_pattern_completion', 'continuous_pattern_completion', 'adding_problem'];
const MODELS = ['esn', 'ran-a', 'ran-c'];
const ABLATION_TASKS = [...HARD, 'adding_problem', 'chaotic_forecasting'];

function dataFile(part) {
  return path.join(DATA, `results-${part}.jsonl`);
}

async function runSearch(part, tasks) {
  const { evaluateStream } = require(path.join(ROOT, 'dist', 'stream', 'evaluate'));
  const file = dataFile(part);
  const started = Date.now();
  const cells = await evaluateStream({
    tasks,
    models: MODELS,
    budget: PROTOCOL.budget,
    difficulty: PROTOCOL.difficulty,
    seeds: PROTOCOL.seeds,
    firstSeed: PROTOCOL.firstSeed,
    trials: PROTOCOL.trials,
    maxFeatures: PROTOCOL.maxFeatures,
    workers: Number(process.env.RAN_WORKERS ?? 2),
    onTrial: (done, total) => {
      if (done % 50 === 0) process.stderr.write(`${part}: ${done}/${total} trials, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    },
  });
  const lines = [];
  for (const c of cells) {
    for (const s of c.perSeed) {
      lines.push({
        task: c.task,
        model: c.model,
        seed: s.seed,
        metric: c.metric,
        test: s.score,
        valid: s.valid,
        validMse: s.validMse,
        trial: s.trial,
        regime: s.regime,
        trials: PROTOCOL.trials,
        budget: PROTOCOL.budgetName,
        maxFeatures: PROTOCOL.maxFeatures,
        trainableParams: s.trainable,
        fixedParams: s.fixed,
        searchSeconds: s.seconds,
        attention: s.attention,
        config: s.config,
      });
    }
  }
  fs.mkdirSync(DATA, { recursive: true });
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  process.stderr.write(`${part}: ${lines.length} lines in ${file} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

async function runAblationPart() {
  const { runAblation } = require(path.join(ROOT, 'dist-bench', 'bench', 'ablation'));
  const seeds = Array.from({ length: PROTOCOL.seeds }, (_, i) => PROTOCOL.firstSeed + i);
  const records = await runAblation(ABLATION_TASKS, seeds, (r) => process.stderr.write(`ablation ${r.task} ${r.variant} ${r.seed} ${r.score.toFixed(3)}\n`));
  fs.mkdirSync(DATA, { recursive: true });
  fs.writeFileSync(dataFile('ablation'), records.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

function readLines(part) {
  const file = dataFile(part);
  if (!fs.existsSync(file)) return undefined;
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function meanStd(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std };
}

function fmt(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 0.001) return x.toExponential(1);
  return x.toFixed(3);
}

const LABEL = { esn: 'ESN', 'ran-a': 'RAN-A', 'ran-c': 'RAN-C' };

function published(task) {
  const { bestPublished } = require(path.join(ROOT, 'dist', 'stream', 'published'));
  const { publishedAt } = require(path.join(ROOT, 'dist', 'cli', 'format'));
  const at = publishedAt(task, PROTOCOL.budgetName);
  let any = '—';
  try {
    const b = bestPublished(task);
    any = `${fmt(b.mean)} ${b.model} ${b.budget}`;
  } catch {
    // no published result
  }
  return `${at ? `${fmt(at.mean)} ${at.model}` : '—'} / ${any}`;
}

function bestPublishedMean(task) {
  const { bestPublished } = require(path.join(ROOT, 'dist', 'stream', 'published'));
  try {
    return bestPublished(task).mean;
  } catch {
    return -Infinity;
  }
}

/** Main table of one part: mean ± std (n − 1) of the test scores per task and model. */
function scoreTable(lines, tasks) {
  const rows = ['| task | metric | ESN | RAN-A | RAN-C | best RAN vs ESN | within the ESN\'s spread? | published best (100k / any) |', '|---|---|---|---|---|---|---|---|'];
  for (const task of tasks) {
    const mine = lines.filter((l) => l.task === task);
    if (mine.length === 0) continue;
    const stats = Object.fromEntries(MODELS.map((m) => [m, meanStd(mine.filter((l) => l.model === m).map((l) => l.test))]));
    const best = Math.min(...MODELS.map((m) => stats[m].mean));
    const cells = MODELS.map((m) => {
      const s = `${fmt(stats[m].mean)} ± ${fmt(stats[m].std)}`;
      return stats[m].mean === best ? `**${s}**` : s;
    });
    const bestRan = Math.min(stats['ran-a'].mean, stats['ran-c'].mean);
    const rel = stats.esn.mean > 0 ? `${(((bestRan - stats.esn.mean) / stats.esn.mean) * 100).toFixed(0)} %` : '—';
    const publishedMean = bestPublishedMean(task);
    const within = ['ran-a', 'ran-c'].map((m) => `${LABEL[m]} ${stats[m].mean <= stats.esn.mean + stats.esn.std || stats[m].mean <= publishedMean ? 'yes' : 'no'}`).join(', ');
    rows.push(`| ${task} | ${mine[0].metric} | ${cells.join(' | ')} | ${rel} | ${within} | ${published(task)} |`);
  }
  return rows.join('\n');
}

/** What the chosen configurations are: trial, regime, context, and attention use when measured. */
function choiceTable(lines, tasks) {
  const rows = ['| task | model | seed | trial (0 = defaults) | round-2 regime | leak rate | context k | attention entropy / newest weight / lag | uses attention? |', '|---|---|---|---|---|---|---|---|---|'];
  for (const task of tasks) {
    for (const model of ['ran-a', 'ran-c']) {
      for (const l of lines.filter((x) => x.task === task && x.model === model)) {
        const o = l.config.options;
        const k = o.context ?? (model === 'ran-a' ? 16 : 8);
        const a = l.attention;
        const stats = a ? `${fmt(a.entropy)} / ${fmt(a.newest)} / ${a.lag.toFixed(1)}` : 'not measured';
        const uses = a ? (k > 1 && a.entropy < 0.9 ? 'yes' : 'no') : k > 1 ? '?' : 'no (k = 1)';
        rows.push(`| ${task} | ${LABEL[model]} | ${l.seed} | ${l.trial} | ${l.regime} | ${o.leakRate === undefined ? 'default' : fmt(o.leakRate)} | ${k} | ${stats} | ${uses} |`);
      }
    }
  }
  return rows.join('\n');
}

function cellStats(lines, task) {
  const mine = lines.filter((l) => l.task === task);
  return Object.fromEntries(MODELS.map((m) => [m, meanStd(mine.filter((l) => l.model === m).map((l) => l.test))]));
}

/** The issue's targets, checked on the data: one line per target. */
function targets(hard, easy) {
  const out = [];
  if (hard) {
    const four = ['simple_copy', 'selective_copy', 'sorting_problem', 'bracket_matching'];
    const gaps = four.map((t) => {
      const s = cellStats(hard, t);
      const best = Math.min(s['ran-a'].mean, s['ran-c'].mean);
      return { t, rel: (best - s.esn.mean) / s.esn.mean, best, esn: s.esn.mean };
    });
    const met = gaps.filter((g) => g.rel <= -0.25).length;
    out.push(`- Best RAN at least 25 % below the ESN on at least three of simple copy, selective copy, sorting and bracket matching: **${met >= 3 ? 'met' : 'not met'}** (${met} of 4; ${gaps.map((g) => `${g.t} ${fmt(g.best)} vs ${fmt(g.esn)}, ${(g.rel * 100).toFixed(0)} %`).join('; ')}).`);
    const m = cellStats(hard, 'sequential_mnist');
    const bestM = Math.min(m['ran-a'].mean, m['ran-c'].mean);
    const relM = (bestM - m.esn.mean) / m.esn.mean;
    out.push(`- Sequential MNIST, best RAN ≥ 25 % below the ESN: **${relM <= -0.25 ? 'met' : 'not met'}** (${fmt(bestM)} vs ${fmt(m.esn.mean)}, ${(relM * 100).toFixed(0)} %).`);
    const used = hard.filter((l) => l.model !== 'esn');
    const uses = used.filter((l) => l.attention && l.attention.entropy < 0.9);
    const perTask = HARD.map((t) => {
      const mine = used.filter((l) => l.task === t);
      const u = mine.filter((l) => l.attention && l.attention.entropy < 0.9);
      const k1 = mine.filter((l) => !l.attention).length;
      const ent = mine.filter((l) => l.attention).map((l) => l.attention.entropy);
      return `${t}: ${u.length} of ${mine.length} (k = 1 or no statistics: ${k1}; entropies ${ent.length ? ent.map((e) => e.toFixed(2)).join(', ') : '—'})`;
    });
    out.push(`- Attention use by the chosen RAN configurations (k > 1 and entropy < 0.9): ${uses.length} of ${used.length} on the hard tasks — ${perTask.join('; ')}.`);
  }
  if (easy) {
    const misses = [];
    for (const t of EASY) {
      if (!easy.some((l) => l.task === t)) continue;
      const s = cellStats(easy, t);
      const pub = bestPublishedMean(t);
      for (const m of ['ran-a', 'ran-c']) {
        if (!(s[m].mean <= s.esn.mean + s.esn.std || s[m].mean <= pub)) misses.push(`${LABEL[m]} on ${t} (${fmt(s[m].mean)} against ESN ${fmt(s.esn.mean)} ± ${fmt(s.esn.std)}, published ${fmt(pub)})`);
      }
    }
    const measured = EASY.filter((t) => easy.some((l) => l.task === t));
    out.push(`- Easy tasks (${measured.length === EASY.length ? 'all seven' : `measured: ${measured.join(', ')}; the others were not run on report seeds`}), each RAN within the ESN's spread or ≤ the best published: **${misses.length === 0 ? 'met' : 'not met'}**${misses.length ? ` — misses: ${misses.join('; ')}` : ''}.`);
  }
  return out.join('\n');
}

function replaceSection(doc, name, body) {
  const begin = `<!-- results:${name} -->`;
  const end = `<!-- /results:${name} -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/results.md has no section ${begin} … ${end}`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}

function tables() {
  let doc = fs.readFileSync(DOC, 'utf8');
  const note = (part) => `Generated by \`node scripts/results.js tables\` from \`docs/data/results-${part}.jsonl\`.`;
  for (const [part, tasks] of [['hard', HARD], ['easy', EASY]]) {
    const lines = readLines(part);
    if (!lines) continue;
    const seeds = [...new Set(lines.map((l) => l.seed))].sort((a, b) => a - b);
    const effort = `Seeds ${seeds.join(', ')}; ${lines[0].trials} trials per model and seed; budget ${lines[0].budget}, at most ${lines[0].maxFeatures} readout features; mean ± std (n − 1); "within the ESN's spread": mean ≤ ESN mean + ESN std, or ≤ the best published result at any budget.`;
    doc = replaceSection(doc, part, `${note(part)} ${effort}\n\n${scoreTable(lines, tasks)}`);
    doc = replaceSection(doc, `${part}-choices`, `${note(part)}\n\n${choiceTable(lines, tasks)}`);
  }
  const hard = readLines('hard');
  const easy = readLines('easy');
  if (hard || easy) doc = replaceSection(doc, 'targets', `Generated by \`node scripts/results.js tables\` from \`docs/data/\`.\n\n${targets(hard, easy)}`);
  const ablation = readLines('ablation');
  if (ablation) {
    const { ablationTable } = require(path.join(ROOT, 'dist-bench', 'bench', 'ablation'));
    doc = replaceSection(doc, 'ablation', `${note('ablation')}\n\n${ablationTable(ablation)}`);
  }
  fs.writeFileSync(DOC, doc);
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'tables') return tables();
  const t = args.indexOf('--trials');
  if (t >= 0) PROTOCOL.trials = Number(args.splice(t, 2)[1]); // the same for every model; recorded in each line
  const only = args.indexOf('--tasks');
  const subset = only >= 0 ? args.splice(only, 2)[1].split(',') : undefined;
  const pick = (tasks) => (subset ? tasks.filter((x) => subset.includes(x)) : tasks);
  const parts = args;
  if (command !== 'run') throw new Error('usage: node scripts/results.js run [hard|easy|ablation ...] | tables');
  const todo = parts.length > 0 ? parts : ['hard', 'easy', 'ablation'];
  for (const part of todo) {
    if (part === 'hard') await runSearch('hard', pick(HARD));
    else if (part === 'easy') await runSearch('easy', pick(EASY));
    else if (part === 'ablation') await runAblationPart();
    else throw new Error(`unknown part "${part}"`);
  }
  tables();
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
