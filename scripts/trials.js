#!/usr/bin/env node
// Every trial of one search (validation score and validation MSE), on a development seed (0-99).
// node scripts/trials.js TASK SEED MODEL TRIALS [BUDGET]
'use strict';
const { planTrials, trialRequests } = require('../dist/search/search');
const { runTrials } = require('../dist/search/pool');
const { loadTask } = require('../dist/search/trial');
async function main() {
  const [task, seed, model, trials, budget] = process.argv.slice(2);
  const source = { name: task, difficulty: 'small', seed: Number(seed) };
  const data = loadTask(source);
  const shape = { inputDim: data.train.x.shape[2], outputs: data.train.y.shape[2] };
  if (!(Number(seed) >= 0 && Number(seed) < 100)) throw new Error('exploration runs on development seeds 0-99 only');
  const configs = planTrials({ architecture: model, budget: Number(budget ?? 100000), trials: Number(trials), seed: Number(seed) }, shape);
  const results = await runTrials(trialRequests(source, configs, 0, 1), 0);
  for (const r of results) console.log([task, seed, model, r.id, r.valid.toFixed(3), r.validMse.toPrecision(3), JSON.stringify(configs[r.id].options)].join('\t'));
}
main();
