#!/usr/bin/env node
// Whole searches (both rounds, as `ran stream`) on development seeds 0-99, validation scores only.
//
//   node scripts/dev-search.js TASK SEEDS TRIALS [--models esn,ran-a,ran-c] [--budget N] [--proxy]
//
// Prints, per model and seed, the chosen trial, its round-2 regime, validation score and MSE and
// its main options. Never a test score. --proxy searches a proxy task made from the task's
// training and validation splits only: the last part of the training data (as many steps or
// sequences as the validation split has) becomes the proxy's validation, and the task's
// validation split becomes the proxy's held-out part, whose score is then printed: it shows
// whether what the search picks on a short validation holds on the next stretch of data.
// --lorenz (TASK chaotic_forecasting): the search runs on a Lorenz series of the same kind from
// another initial condition per seed (lorenzProxy), and the score of its last 90 steps is printed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { evaluateStream } = require('../dist/stream/evaluate');
const { buildTask, writeTaskFolder } = require('../dist/index');
const { splitSeries } = require('../dist/tasks/index');

function slice3(t, b0, b1, n) {
  const [, steps, d] = t.shape;
  const rows = [];
  for (let b = b0; b < b1; b++) rows.push(t.data.subarray(b * steps * d, (b * steps + n) * d));
  const data = new Float32Array(rows.reduce((a, r) => a + r.length, 0));
  let o = 0;
  for (const r of rows) (data.set(r, o), (o += r.length));
  return { data, shape: [b1 - b0, n, d] };
}

function steps(b, list) {
  return { data: Int32Array.from(list), shape: [b, list.length / b] };
}

/** The proxy task: validation = the tail of training, held-out = the task's validation. */
function proxyOf(task) {
  const { train, valid } = task;
  const [b, n] = train.x.shape;
  if (b === 1) {
    const vt = valid.t.shape[1];
    const cut = n - vt;
    const t = Array.from(train.t.data).filter((s) => s < cut);
    return {
      classification: task.classification,
      train: { x: slice3(train.x, 0, 1, cut), y: slice3(train.y, 0, 1, cut), t: steps(1, t) },
      valid: {
        x: train.x,
        y: train.y,
        t: steps(
          1,
          Array.from({ length: vt }, (_, i) => cut + i),
        ),
      },
      test: valid,
    };
  }
  const bv = valid.x.shape[0];
  const nt = train.t.shape[1];
  const part = (b0, b1) => ({
    x: slice3(train.x, b0, b1, n),
    y: slice3(train.y, b0, b1, n),
    t: { data: train.t.data.slice(b0 * nt, b1 * nt), shape: [b1 - b0, nt] },
  });
  return { classification: task.classification, train: part(0, b - bv), valid: part(b - bv, b), test: valid };
}

/**
 * A Lorenz series like chaotic_forecasting's (same Euler steps, normalisation, split) from an
 * initial condition drawn from the seed near (0, 1, 1.05): development data for a task whose
 * own series is one fixed series (its test part is report data, never looked at). Its test
 * part, the 90 steps after validation, shows how far a forecast holds.
 */
function lorenzProxy(seed) {
  const { Random } = require('../dist/random');
  const rng = new Random(5000 + seed);
  const p = {
    sequence_length: 200,
    forecast_length: 5,
    training_ratio: 0.45,
    validation_ratio: 0.1,
    testing_ratio: 0.45,
  };
  const n = p.sequence_length + p.forecast_length;
  let [x, y, z] = [rng.uniform() - 0.5, 1 + rng.uniform() - 0.5, 1.05 + rng.uniform() - 0.5];
  const v = new Float64Array(3 * n);
  for (let k = 0; k < n; k++) {
    v.set([x, y, z], 3 * k);
    [x, y, z] = [x + 0.01 * 10 * (y - x), y + 0.01 * (28 * x - y - x * z), z + 0.01 * (x * y - 2.667 * z)];
  }
  for (let c = 0; c < 3; c++) {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += v[3 * k + c] / n;
    let sq = 0;
    for (let k = 0; k < n; k++) sq += (v[3 * k + c] - mean) ** 2 / n;
    for (let k = 0; k < n; k++) v[3 * k + c] = (v[3 * k + c] - mean) / (3 * Math.sqrt(sq));
  }
  const L = p.sequence_length;
  return splitSeries(new Float32Array(v.subarray(0, 3 * L)), new Float32Array(v.subarray(15, 3 * (L + 5))), 3, p);
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name) => args.includes(name) && args.splice(args.indexOf(name), 1).length > 0;
  const lorenz = flag('--lorenz');
  const proxy = flag('--proxy') || lorenz;
  const models = option(args, '--models', 'esn,ran-a,ran-c').split(',');
  const budget = Number(option(args, '--budget', '100000'));
  const [task, seedsArg, trials] = args;
  if (!task || !seedsArg || !trials)
    throw new Error('usage: node scripts/dev-search.js TASK SEEDS TRIALS [--models a,b] [--budget N] [--proxy | --lorenz]');
  const seeds = seedsArg.split(',').map(Number);
  if (seeds.some((s) => !(Number.isInteger(s) && s >= 0 && s < 100))) throw new Error('development seeds 0-99 only');
  for (const seed of seeds) {
    let dataDir;
    if (proxy) {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-proxy-'));
      writeTaskFolder(dataDir, lorenz ? lorenzProxy(seed) : proxyOf(buildTask(task, { seed })));
    }
    const cells = await evaluateStream({
      tasks: [task],
      models,
      budget,
      difficulty: 'small',
      seeds: 1,
      firstSeed: seed,
      trials: Number(trials),
      maxFeatures: 1000,
      dataDir,
      workers: Number(process.env.RAN_WORKERS ?? 1),
    });
    for (const c of cells) {
      for (const s of c.perSeed) {
        const o = s.config.options;
        const keep = [
          'leakRate',
          'spectralRadius',
          'inputScaling',
          'biasScaling',
          'context',
          'ffHidden',
          'valueScale',
          'memoryValueScale',
        ];
        const shown = Object.fromEntries(
          keep
            .filter((k) => o[k] !== undefined)
            .map((k) => [k, typeof o[k] === 'number' ? Number(o[k].toPrecision(3)) : o[k]]),
        );
        const held = proxy ? `\theld-out ${s.score.toPrecision(3)}` : '';
        console.log(
          `${task}${proxy ? ' (proxy)' : ''}\t${c.model}\tseed ${seed}\ttrial ${s.trial}\t${s.regime}\tvalid ${s.valid.toPrecision(3)}\tvalidMse ${s.validMse.toPrecision(3)}${held}\t${JSON.stringify(shown)}`,
        );
      }
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
