#!/usr/bin/env node
// Trains the model the example service answers with and saves it:
//   node examples/serve/train.js model.ran
// A small RAN-A (Recurrent Attention Network) forecasting Mackey–Glass one step ahead:
// input [B, T, 1] = the series, output [B, T, 1] = the next value.
'use strict';
const ran = require('recurrent-attention');

async function main() {
  const file = process.argv[2] ?? 'model.ran';
  const series = ran.datasets.mackeyGlass({ length: 4001, washout: 100 });
  const steps = 100;
  const b = Math.floor((series.length - 1) / steps);
  const x = new Float32Array(b * steps);
  const y = new Float32Array(b * steps);
  for (let i = 0; i < b * steps; i++) {
    x[i] = series[i] - 0.9; // roughly centred
    y[i] = series[i + 1] - 0.9;
  }
  const model = new ran.Model({ kind: 'ran-a', options: { inputDim: 1, units: 32, width: 8, context: 4, seed: 1 } });
  const report = await model.fit({ x: { data: x, shape: [b, steps, 1] }, y: { data: y, shape: [b, steps, 1] }, washout: 20 }, { ridges: [1e-6] });
  await ran.saveModel(model, file);
  console.log(`saved ${file}: RAN-A, ${model.trainableParameters} trainable parameters, λ = ${report.ridge}, ${report.rows} training rows`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
