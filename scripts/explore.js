#!/usr/bin/env node
// Exploratory runs: fixed configs on STREAM small tasks, single thread, in-process.
// Development seeds only (0-99), validation scores only: test scores never shape a choice.
// node scripts/explore.js TASK SEEDS 'JSON list of {kind, options}' (inputDim and seed filled in)
'use strict';
const { runTrial } = require('../dist/search/trial');
const { loadTask } = require('../dist/search/trial');
const { DEFAULT_RIDGES } = require('../dist/model/model');
async function main() {
  const [task, seedsArg, json] = process.argv.slice(2);
  const seeds = seedsArg.split(',').map(Number);
  if (seeds.some((s) => !(s >= 0 && s < 100))) throw new Error('exploration runs on development seeds 0-99 only');
  const configs = JSON.parse(json);
  for (const c of configs) {
    const out = [];
    for (const seed of seeds) {
      const source = { name: task, difficulty: 'small', seed };
      const data = loadTask(source);
      const inputDim = data.train.x.shape[2];
      const config = { kind: c.kind, options: { inputDim, seed: seed * 1000 + 7, ...c.options } };
      const r = await runTrial({ id: 0, task: source, config, ridges: [...DEFAULT_RIDGES], threads: 1 });
      out.push(r);
    }
    const m = (k) => out.reduce((a, r) => a + r[k], 0) / out.length;
    console.log(`${task}\t${c.kind}\t${JSON.stringify(c.options)}\tvalid ${m('valid').toFixed(4)}\tvalid MSE ${m('validMse').toPrecision(3)}\t[${out.map((r) => r.valid.toFixed(3)).join(' ')}]\t${(m('milliseconds') / 1000).toFixed(2)}s${out[0].error ? ' ERR ' + out[0].error : ''}`);
  }
}
main();
