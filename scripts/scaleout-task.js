// Usage: node scripts/scaleout-task.js ROOT DIR B — B training sequences (B/4 validation) of 100 steps, 4 inputs, 2 outputs.
// A regression task folder for the timing runs: random inputs, targets a delayed mix of inputs.
const ra = require(process.argv[2] + '/dist/index.js');
const [B, T, D, O, S] = [Number(process.argv[4]), 100, 4, 2, 20];
const rng = new ra.Random(7);
const split = (b) => {
  const x = new Float32Array(b * T * D), y = new Float32Array(b * T * O), t = new Int32Array(b * S);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rng.uniform() - 1;
  for (let s = 0; s < b; s++) for (let k = 3; k < T; k++) for (let o = 0; o < O; o++) y[(s * T + k) * O + o] = x[(s * T + k - 3) * D + o] * x[(s * T + k - 1) * D + o + 1];
  for (let s = 0; s < b; s++) for (let k = 0; k < S; k++) t[s * S + k] = T - S + k;
  return { x: { data: x, shape: [b, T, D] }, y: { data: y, shape: [b, T, O] }, t: { data: t, shape: [b, S] } };
};
ra.writeTaskFolder(process.argv[3], { classification: false, train: split(B), valid: split(B / 4), test: split(16) });
