#!/usr/bin/env node
// Attention unit variants against the baseline at equal effort (issue 14 §3), on development
// seeds (0-99) and validation scores only: for each task and seed, the same TRIALS points of the
// architecture's search (trial 0 = defaults) are run once as they are and once per variant with
// the variant's options added; each arm reports its best trial (lowest validation score, ties to
// the validation MSE) and its mean validation score over the trials. `readoutState: "both"`
// arms are resized to the same feature budget. A variant's option may be a search dimension
// ({"kind": "log", "min": 2, "max": 64}), drawn per trial. Test scores are never read.
// node scripts/variants.js TASKS SEEDS MODEL TRIALS BUDGET '{"name": {options}, ...}'
//   e.g. node scripts/variants.js simple_copy,bracket_matching 0,1 ran-a 8 10000 '{"o": {"readoutState": "o"}}'
'use strict';
const { planTrials, bestTrial } = require('../dist/search/search');
const { runTrial, loadTask } = require('../dist/search/trial');
const { sizeForBudget } = require('../dist/model/budget');
const { DEFAULT_RIDGES } = require('../dist/model/model');
const { createReservoir } = require('../dist/model/config');
const { sliceBatch } = require('../dist/tensor');
const { sample } = require('../dist/search/space');
const { Random } = require('../dist/random');

// A variant's options for trial i: fixed values as they are, dimensions ({ kind: 'log' | 'uniform' |
// 'choice', … }) drawn from a stream of their own, the same for every task and seed.
function variantFor(variant, i) {
  const dims = Object.fromEntries(Object.entries(variant).filter(([, v]) => v !== null && typeof v === 'object'));
  return { ...variant, ...sample(dims, new Random(7001 + i)) };
}

// Mean attention statistics of a config over up to 20 validation sequences (entropy / log
// filled, newest weight, lag), or undefined when it has no context.
function attentionOf(config, data) {
  if ((config.options.context ?? 2) < 2) return undefined;
  const reservoir = createReservoir(config);
  try {
    const x = sliceBatch(data.valid.x, 0, Math.min(20, data.valid.x.shape[0]));
    const s = reservoir.run(x, { attentionStats: true, threads: 1 }).attentionStats;
    if (!s) return undefined;
    const mean = (a) => a.reduce((t, v) => t + v, 0) / a.length;
    return [mean(s.relativeEntropy), mean(s.newestWeight), mean(s.meanLag)];
  } finally {
    reservoir.dispose();
  }
}

async function arm(source, data, configs, variant, model, budget, shape) {
  const resized =
    variant.readoutState === 'both'
      ? sizeForBudget(model, budget, shape.inputDim, shape.outputs, 16, 1000, variant).options
      : {};
  const results = [];
  for (let i = 0; i < configs.length; i++) {
    const config = { kind: model, options: { ...configs[i].options, ...resized, ...variantFor(variant, i) } };
    const r = await runTrial({ id: i, task: source, config, ridges: [...DEFAULT_RIDGES], threads: 1 });
    results.push({ id: i, valid: r.valid, validMse: r.validMse, milliseconds: r.milliseconds, error: r.error });
  }
  const best = bestTrial(results);
  const mean = results.reduce((a, r) => a + r.valid, 0) / results.length;
  const chosen = { kind: model, options: { ...configs[best.id].options, ...resized, ...variantFor(variant, best.id) } };
  return {
    best,
    mean,
    context: chosen.options.context,
    attention: attentionOf(chosen, data),
    seconds: results.reduce((a, r) => a + r.milliseconds, 0) / 1000,
  };
}

async function main() {
  const [tasksArg, seedsArg, model, trials, budget, json] = process.argv.slice(2);
  const seeds = seedsArg.split(',').map(Number);
  if (seeds.some((s) => !(Number.isInteger(s) && s >= 0 && s < 100)))
    throw new Error('variant comparisons run on development seeds 0-99 only');
  const variants = { baseline: {}, ...JSON.parse(json) };
  for (const task of tasksArg.split(',')) {
    for (const seed of seeds) {
      const source = { name: task, difficulty: 'small', seed };
      const data = loadTask(source);
      const shape = { inputDim: data.train.x.shape[2], outputs: data.train.y.shape[2] };
      const configs = planTrials({ architecture: model, budget: Number(budget), trials: Number(trials), seed }, shape);
      for (const [name, variant] of Object.entries(variants)) {
        const a = await arm(source, data, configs, variant, model, Number(budget), shape);
        console.log(
          [
            task,
            seed,
            model,
            name,
            `best ${a.best.valid.toFixed(4)}`,
            `mse ${a.best.validMse.toPrecision(3)}`,
            `mean ${a.mean.toFixed(4)}`,
            `attention ${a.attention ? a.attention.map((v) => v.toFixed(3)).join(' ') : '-'}`,
            `k ${a.context ?? 'default'}`,
            `${a.seconds.toFixed(1)}s`,
            a.best.error ? `ERR ${a.best.error}` : '',
          ].join('\t'),
        );
      }
    }
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
