#!/usr/bin/env node
// Reference predictors on the test splits of three hard STREAM tasks (small, seeds 0-2), see docs/results.md:
// bracket_matching: "valid iff the depth ends at 0" (an exact counter, without the never-below-0 test);
// selective_copy / sorting_problem: the most frequent (marked) symbol at every answer step (the best bag-of-symbols answer).
'use strict';
const { buildTask } = require('../dist');
const onehot = (data, row, n) => { for (let k = 0; k < n; k++) if (data[row + k] > 0.5) return k; return -1; };
for (const seed of [0, 1, 2]) {
  const b = buildTask('bracket_matching', { seed }).test;
  const [B, T, D] = b.x.shape;
  let wrong = 0;
  for (let i = 0; i < B; i++) {
    let depth = 0;
    for (let s = 0; s < T - 2; s++) depth += b.x.data[(i * T + s) * D] - b.x.data[(i * T + s) * D + 1];
    const valid = b.y.data[(i * T + T - 1) * 2 + 1] > 0.5;
    if ((depth === 0) !== valid) wrong++;
  }
  console.log(`bracket_matching seed ${seed}: depth-ends-at-0 rule error ${(wrong / B).toFixed(3)}`);
}
for (const task of ['selective_copy', 'sorting_problem']) {
  for (const seed of [0, 1, 2]) {
    const { x, y } = buildTask(task, { seed }).test;
    const [B, T, D] = x.shape;
    const S = y.shape[2];
    let wrong = 0, n = 0;
    for (let i = 0; i < B; i++) {
      const count = new Array(S).fill(0);
      for (let s = 0; s < T; s++) {
        const c = onehot(x.data, (i * T + s) * D, S);
        if (c < 0 || (task === 'selective_copy' && !(x.data[(i * T + s) * D + S] > 0.5))) continue;
        count[c]++;
      }
      const majority = count.indexOf(Math.max(...count));
      for (let s = 0; s < T; s++) {
        const t = onehot(y.data, (i * T + s) * S, S);
        if (t < 0) continue;
        n++;
        if (t !== majority) wrong++;
      }
    }
    console.log(`${task} seed ${seed}: majority-of-bag error ${(wrong / n).toFixed(3)}`);
  }
}
