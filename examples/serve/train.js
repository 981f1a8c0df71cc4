#!/usr/bin/env node
// Trains the model the example service answers with and saves it:
//   node examples/serve/train.js model.ran
// A small RAN-A (Recurrent Attention Network) forecasting Mackey–Glass one step ahead:
// input [B, T, 1] = the series, output [B, T, 1] = the next value.
'use strict';
const ran = require('recurrent-attention');

async function main() {
  const file = process.argv[2] ?? 'model.ran';
  // One long series cut into 40 sequences of 100 steps (x at t, y = x at t + 1).
  const series = ran.datasets.mackeyGlass({ length: 4000, washout: 100 });
  const b = 40;
  const steps = 100;
  const centred = (t) => ({ data: t.data.map((v) => v - 0.9), shape: [b, steps, 1] }); // roughly centred
  const x = centred(series.x);
  const y = centred(series.y);
  const model = new ran.Model({ kind: 'ran-a', options: { inputDim: 1, units: 32, width: 8, context: 4, seed: 1 } });
  const report = await model.fit({ x, y, washout: 20 }, { ridges: [1e-6] });
  await ran.saveModel(model, file);
  console.log(`saved ${file}: RAN-A, ${model.trainableParameters} trainable parameters, λ = ${report.ridge}, ${report.rows} training rows`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
