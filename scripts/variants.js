#!/usr/bin/env node
// Attention unit variants against the baseline at equal effort (issue 14 §3), on development
// seeds (0-99) and validation scores only: for each task and seed, the same TRIALS points of the
// architecture's search (trial 0 = defaults) are run once as they are and once per variant with
// the variant's options added; each arm reports its best trial (lowest validation score, ties to
// the validation MSE) and its mean validation score over the trials. `readoutState: "both"`
// arms are resized to the same feature budget. Test scores are never read.
// node scripts/variants.js TASKS SEEDS MODEL TRIALS BUDGET '{"name": {options}, ...}'
//   e.g. node scripts/variants.js simple_copy,bracket_matching 0,1 ran-a 8 10000 '{"o": {"readoutState": "o"}}'
'use strict';
const { planTrials, bestTrial } = require('../dist/search/search');
const { runTrial, loadTask } = require('../dist/search/trial');
const { sizeForBudget } = require('../dist/model/budget');
const { DEFAULT_RIDGES } = require('../dist/model/model');

async function arm(source, configs, variant, model, budget, shape) {
  const resized =
    variant.readoutState === 'both'
      ? sizeForBudget(model, budget, shape.inputDim, shape.outputs, 16, 1000, variant).options
      : {};
  const results = [];
  for (let i = 0; i < configs.length; i++) {
    const config = { kind: model, options: { ...configs[i].options, ...resized, ...variant } };
    const r = await runTrial({ id: i, task: source, config, ridges: [...DEFAULT_RIDGES], threads: 1 });
    results.push({ id: i, valid: r.valid, validMse: r.validMse, milliseconds: r.milliseconds, error: r.error });
  }
  const best = bestTrial(results);
  const mean = results.reduce((a, r) => a + r.valid, 0) / results.length;
  return {
    best,
    mean,
    context: configs[best.id].options.context,
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
        const a = await arm(source, configs, variant, model, Number(budget), shape);
        console.log(
          [
            task,
            seed,
            model,
            name,
            `best ${a.best.valid.toFixed(4)}`,
            `mse ${a.best.validMse.toPrecision(3)}`,
            `mean ${a.mean.toFixed(4)}`,
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
